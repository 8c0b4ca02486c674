//! lantern-import
