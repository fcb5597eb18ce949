//! Spec tooling behind `partner-bindings specs diff` and `specs drift`.
//!
//! - [`diff`]: classifies every change between two OpenAPI 3.0 documents as breaking
//!   (`ERR`), possibly breaking (`WARN`) or compatible (`INFO`) for a client.
//! - [`drift`]: compares a spec with its provider's reference page.

pub mod diff;
pub mod drift;
