//! lantern-web
