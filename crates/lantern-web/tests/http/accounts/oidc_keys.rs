//! The provider's signing keys: a rotation (a new `kid`) is picked up by fetching its JWKS again,
//! and made-up key ids cannot make Lantern fetch it more often than its limit allows. The key cache
//! is Lantern's, not the database's, so SQLite alone serves.

use super::oidc_support::{approve_as, manager, request_access, signed_in, spawn_with_gap, through_provider};
use crate::common::Browser;
use lantern_core::access::Role;
use std::time::Duration;

#[tokio::test]
async fn a_rotated_signing_key_is_fetched_again_and_then_kept() {
    // No gap: any unknown key id may refetch, so the rotation is seen at once.
    let s = spawn_with_gap(lantern_store::testing::sqlite().await, true, Some(Duration::ZERO)).await;
    request_access(&s, manager()).await;
    assert_eq!(approve_as(&s, Role::PracticeLead, "555000000001").await.status(), 303);
    signed_in(&s, manager()).await;
    assert_eq!(s.issuer.jwks_fetches(), 1, "the keys are fetched once and kept");

    s.issuer.rotate_key();
    signed_in(&s, manager()).await;
    assert_eq!(s.issuer.jwks_fetches(), 2, "the new key id fetched the keys again");
    signed_in(&s, manager()).await;
    assert_eq!(s.issuer.jwks_fetches(), 2, "and the new set is kept");
}

#[tokio::test]
async fn an_unknown_key_id_does_not_refetch_within_the_limit() {
    // A gap no test outlasts: whatever key id arrives, the keys fetched once are all there is.
    let s =
        spawn_with_gap(lantern_store::testing::sqlite().await, true, Some(Duration::from_secs(3600))).await;
    request_access(&s, manager()).await;
    assert_eq!(s.issuer.jwks_fetches(), 1);
    s.issuer.rotate_key();
    for attempt in 0..3 {
        let browser = Browser::new(&s.app.base);
        let (answer, _) = through_provider(&browser, "/dashboard").await;
        assert_eq!(answer.status(), 403, "attempt {attempt}");
        let html = answer.text().await.expect("html");
        assert!(html.contains("signature is not the provider"), "attempt {attempt}: {html}");
    }
    assert_eq!(s.issuer.jwks_fetches(), 1, "no fetch for a key id seen within the limit");
}
