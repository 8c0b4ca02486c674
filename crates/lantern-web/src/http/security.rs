//! Headers every response carries. No page uses inline script or any other origin, so the policy can
//! be strict.

use axum::http::{header, HeaderName, HeaderValue};
use tower::layer::util::{Identity, Stack};
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// A year, without `includeSubDomains`: a practice's domain may host other services Lantern cannot speak for.
const HSTS: &str = "max-age=31536000";

type Headers =
    Stack<SetResponseHeaderLayer<Option<HeaderValue>>, Stack<SetResponseHeaderLayer<HeaderValue>, Inner>>;

type Inner = Stack<
    SetResponseHeaderLayer<HeaderValue>,
    Stack<
        SetResponseHeaderLayer<HeaderValue>,
        Stack<SetResponseHeaderLayer<HeaderValue>, Stack<SetResponseHeaderLayer<HeaderValue>, Identity>>,
    >,
>;

/// `https` is true when Lantern is reached only over HTTPS (`--secure-cookies`): browsers are then
/// told never to try plain HTTP for it again (HSTS), so a cookie cannot be stripped off on the way.
pub fn headers(https: bool) -> ServiceBuilder<Headers> {
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
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            https.then(|| HeaderValue::from_static(HSTS)),
        ))
}
