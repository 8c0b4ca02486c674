//! A real `lantern serve` (or `lantern demo`) on a free port, for tests that talk to it over HTTP: the
//! one server helper the benchmarks use too, plus signing in as a browser does.

#[path = "../../benches/support/server.rs"]
mod server;

pub use server::{api_token, Server};

/// Signs in through the sign-in page as a browser does (CSRF token from the form, cookie kept by
/// `browser`) and returns the page the form led to.
pub async fn sign_in(
    browser: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    let page = browser.get(format!("{base}/sign-in")).send().await.expect("the sign-in page");
    let html = page.text().await.expect("html");
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the sign-in form carries a CSRF token");
    let form = [("csrf", csrf), ("next", "/log"), ("username", username), ("password", password)];
    browser.post(format!("{base}/sign-in")).form(&form).send().await.expect("sign in")
}
