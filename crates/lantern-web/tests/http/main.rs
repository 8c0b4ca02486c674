//! One integration-test binary for everything over HTTP (one link step instead of one per file).

mod account_pages;
mod api;
mod common;
mod measures;
mod pages;
mod security;
