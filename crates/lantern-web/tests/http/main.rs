//! One integration-test binary for everything over HTTP (one link step instead of one per file).

mod account_pages;
mod api;
mod common;
mod dashboard_pages;
mod free_text;
mod free_text_pages;
mod fuzz;
mod guide_pages;
mod measures;
mod observation;
mod observe_pages;
mod ownership_pages;
mod pages;
mod security;
mod strategy_pages;
mod uptake_pages;
