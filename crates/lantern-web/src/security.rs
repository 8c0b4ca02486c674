//! Headers every response carries. No page uses inline script or any other origin, so the policy can
//! be strict.

use axum::http::{header, HeaderName, HeaderValue};
use tower::layer::util::{Identity, Stack};
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

type Headers = Stack<
    SetResponseHeaderLayer<HeaderValue>,
    Stack<
        SetResponseHeaderLayer<HeaderValue>,
        Stack<
            SetResponseHeaderLayer<HeaderValue>,
            Stack<SetResponseHeaderLayer<HeaderValue>, Stack<SetResponseHeaderLayer<HeaderValue>, Identity>>,
        >,
    >,
>;

pub fn headers() -> ServiceBuilder<Headers> {
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    ServiceBuilder::new()
        .layer(set(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        // Pages and API answers hold staff data and notes: shared reception PCs must not keep them.
        // Styles set their own caching.
        .layer(set(header::CACHE_CONTROL, "no-store"))
}
