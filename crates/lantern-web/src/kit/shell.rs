//! What every page's frame shows: the organisation, the person signed in, navigation for their role,
//! the synthetic-data banner, and the CSRF token its forms carry.

use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::AppState;
use lantern_core::access::Role;

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Shell {
    pub title: String,
    /// Put before the title, e.g. "Episode logged", so the outcome is the first thing announced.
    pub title_prefix: String,
    pub has_errors: bool,
    pub synthetic: bool,
    pub user_name: String,
    pub role_label: String,
    pub organisation: String,
    pub nav: Vec<NavItem>,
    pub csrf: String,
}

const NAV: &[(&str, &str, &[Role])] = &[
    ("/log", "Log help", &[Role::Staff, Role::PracticeLead, Role::Admin]),
    ("/guides", "Guides", &[Role::Staff, Role::PracticeLead, Role::Admin]),
    ("/dashboard", "Dashboard", &[Role::PracticeLead, Role::Admin]),
    ("/services", "Who owns what", &[Role::Staff, Role::PracticeLead, Role::Admin]),
    ("/gaps", "Gaps", &[Role::PracticeLead, Role::Admin]),
    ("/uptake", "Uptake", &[Role::PracticeLead, Role::Admin]),
    ("/offers", "Support offers", &[Role::PracticeLead, Role::Admin]),
    ("/effect", "Effect", &[Role::PracticeLead, Role::Admin]),
    ("/network", "Practices compared", &[Role::Analyst, Role::Admin]),
    ("/network/uptake", "Uptake compared", &[Role::Analyst, Role::Admin]),
    ("/network/effect", "Offers compared", &[Role::Analyst, Role::Admin]),
    ("/strategy", "Strategy", &[Role::Staff, Role::PracticeLead, Role::Admin]),
    ("/settings", "Settings", &[Role::PracticeLead, Role::Admin]),
    ("/audit", "Audit trail", &[Role::PracticeLead, Role::Admin]),
    ("/observe", "Observation", &[Role::Researcher, Role::Admin]),
    ("/account", "Your account", &Role::ALL),
];

impl Shell {
    /// The frame for a signed-in page at `path`.
    pub async fn for_user(
        state: &AppState,
        user: &CurrentUser,
        title: &str,
        path: &str,
    ) -> Result<Self, ApiError> {
        let practices = state.store.list_practices().await?;
        let reach: Vec<_> = practices.iter().filter(|(p, _)| user.can_reach(&p.ods_code)).collect();
        let organisation = match (&user.user.organisation, &user.current_practice) {
            (Some(org), _) => org.to_string(),
            (None, Some(code)) => reach
                .iter()
                .find(|(p, _)| p.ods_code == *code)
                .map_or_else(|| code.to_string(), |(p, _)| format!("{} ({})", p.name, p.ods_code)),
            (None, None) => String::new(),
        };
        Ok(Self {
            title: title.to_owned(),
            synthetic: reach.iter().any(|(_, synthetic)| *synthetic),
            user_name: user.user.display_name.clone(),
            role_label: user.role().label().to_owned(),
            organisation,
            nav: nav_for(user.role(), path),
            csrf: user.csrf.clone().unwrap_or_default(),
            ..Self::default()
        })
    }

    /// The frame for a page drawn without the database (the route guard's refusal): the person and
    /// their menu, without the practice's name.
    pub fn signed_in(user: &CurrentUser, title: &str) -> Self {
        Self {
            title: title.to_owned(),
            user_name: user.user.display_name.clone(),
            role_label: user.role().label().to_owned(),
            organisation: user
                .user
                .organisation
                .as_ref()
                .or(user.current_practice.as_ref())
                .map(ToString::to_string)
                .unwrap_or_default(),
            nav: nav_for(user.role(), ""),
            csrf: user.csrf.clone().unwrap_or_default(),
            ..Self::default()
        }
    }

    /// The frame for a page seen signed out (sign-in, errors).
    pub fn public(title: &str) -> Self {
        Self { title: title.to_owned(), ..Self::default() }
    }
}

fn nav_for(role: Role, path: &str) -> Vec<NavItem> {
    NAV.iter()
        .filter(|(_, _, roles)| roles.contains(&role))
        .map(|(href, label, _)| NavItem { href, label, current: !path.is_empty() && path.starts_with(href) })
        .collect()
}
