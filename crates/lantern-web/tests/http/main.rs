//! One integration-test binary for everything over HTTP (one link step instead of one per file).

mod api;
mod common;
mod pages;
