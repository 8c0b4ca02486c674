//! The route table: every route is registered here with who may use it, so the router reads like a
//! table, the check lives in one place, and the OpenAPI document and the security tests read the same
//! declarations.

use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::{kit, AppState};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use axum::Router;
use lantern_core::access::Role;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in page, styles, health).
    Public,
    /// Any signed-in user.
    SignedIn,
    /// Only these roles.
    Roles(&'static [Role]),
}

impl Access {
    pub fn admits(self, user: Option<&CurrentUser>) -> Result<(), Denied> {
        match (self, user) {
            (Access::Public, _) => Ok(()),
            (_, None) => Err(Denied::SignedOut),
            (Access::SignedIn, Some(_)) => Ok(()),
            (Access::Roles(roles), Some(user)) if roles.contains(&user.role()) => Ok(()),
            (Access::Roles(_), Some(_)) => Err(Denied::Forbidden),
        }
    }

    /// The roles admitted, for documentation.
    pub fn roles(self) -> Vec<Role> {
        match self {
            Access::Public | Access::SignedIn => Role::ALL.to_vec(),
            Access::Roles(roles) => roles.to_vec(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    SignedOut,
    Forbidden,
}

/// Pages answer a person (a redirect to sign in, an error page); the API answers a program (JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Page,
    Api,
}

#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    /// The full path, with `{name}` placeholders.
    pub path: String,
    pub access: Access,
    pub kind: Kind,
}

/// Builds the router and the list of declarations together, so neither can miss a route.
pub struct Table {
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
    kind: Kind,
}

impl Table {
    pub fn pages() -> Self {
        Self { router: Router::new(), specs: Vec::new(), kind: Kind::Page }
    }

    /// API routes: every path is given in full, as served (`/api/v1/...`).
    pub fn api() -> Self {
        Self { router: Router::new(), specs: Vec::new(), kind: Kind::Api }
    }

    /// Registers one method of one path.
    pub fn route(
        mut self,
        method: Method,
        path: &str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Self {
        let guard = Guard { access, kind: self.kind };
        self.router = self.router.route(path, handler.route_layer(from_fn_with_state(guard, check)));
        self.specs.push(RouteSpec { method, path: path.to_owned(), access, kind: self.kind });
        self
    }

    pub fn merge(mut self, other: Table) -> Self {
        self.router = self.router.merge(other.router);
        self.specs.extend(other.specs);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteSpec>) {
        (self.router, self.specs)
    }
}

#[derive(Debug, Clone, Copy)]
struct Guard {
    access: Access,
    kind: Kind,
}

async fn check(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let user = request.extensions().get::<CurrentUser>();
    match (guard.access.admits(user), guard.kind) {
        (Ok(()), _) => next.run(request).await,
        (Err(Denied::SignedOut), Kind::Api) => ApiError::Unauthorised.into_response(),
        (Err(Denied::Forbidden), Kind::Api) => ApiError::Forbidden.into_response(),
        (Err(Denied::SignedOut), Kind::Page) => {
            let next_path = request.uri().path_and_query().map_or("/", |p| p.as_str());
            let encoded: String = form_urlencoded::byte_serialize(next_path.as_bytes()).collect();
            Redirect::to(&format!("/sign-in?next={encoded}")).into_response()
        }
        (Err(Denied::Forbidden), Kind::Page) => {
            let (heading, body) = (
                "You do not have access to this page",
                "Your role does not include this page. Ask your practice manager if you need it.",
            );
            match request.extensions().get::<CurrentUser>() {
                Some(user) => kit::message_for(user, StatusCode::FORBIDDEN, heading, body),
                None => kit::message(StatusCode::FORBIDDEN, heading, body),
            }
        }
    }
}
