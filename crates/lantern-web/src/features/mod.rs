//! One folder per domain word. Each exposes only `routes()` (and its OpenAPI doc when it has an API);
//! features never import each other — what two share lives in a lower layer.

pub mod accounts;
pub mod audit;
pub mod effect;
pub mod episodes;
pub mod guides;
pub mod measures;
pub mod observation;
pub mod ownership;
pub mod settings;
pub mod strategy;
pub mod uptake;

use crate::access::routes::Table;

/// Every feature's pages and API operations.
pub fn routes() -> Table {
    accounts::routes()
        .merge(strategy::routes())
        .merge(episodes::routes())
        .merge(settings::routes())
        .merge(audit::routes())
        .merge(measures::routes())
        .merge(uptake::routes())
        .merge(guides::routes())
        .merge(ownership::routes())
        .merge(observation::routes())
        .merge(effect::routes())
}
