//! One integration-test binary for everything over HTTP (one link step instead of one per file).

/// Each named test (`async fn name(app: TestApp)`) runs once on SQLite and once on PostgreSQL.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() {
                super::$name(crate::common::TestApp::spawn(lantern_store::testing::sqlite().await).await).await;
            })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                if let Some(db) = lantern_store::testing::postgres().await {
                    super::$name(crate::common::TestApp::spawn(db).await).await;
                }
            })*
        }
    };
}

/// Each named CIS2 test (`async fn name(s: Setup)`) runs once on SQLite and once on PostgreSQL, with
/// Lantern wired to a local test provider.
macro_rules! with_provider {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() {
                super::$name(crate::accounts::oidc_support::spawn(lantern_store::testing::sqlite().await, true).await).await;
            })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                if let Some(db) = lantern_store::testing::postgres().await {
                    super::$name(crate::accounts::oidc_support::spawn(db, true).await).await;
                }
            })*
        }
    };
}

mod accounts {
    mod oidc;
    mod oidc_api;
    mod oidc_keys;
    mod oidc_roles;
    mod oidc_support;
    mod pages;
}
mod audit {
    mod pages;
}
mod common;
mod effect {
    mod api;
    mod logging;
    mod pages;
    mod seed;
}
mod episodes {
    mod api;
    mod pages;
}
mod free_text {
    mod api;
    mod pages;
}
mod fuzz;
mod guides {
    mod api;
    mod leaflets;
    mod pages;
}
mod measures {
    mod api;
    mod pages;
}
mod observation {
    mod api;
    mod pages;
}
mod ownership {
    mod pages;
}
mod security;
mod settings {
    mod pages;
}
mod strategy {
    mod pages;
}
mod uptake {
    mod pages;
    mod telephony;
}
