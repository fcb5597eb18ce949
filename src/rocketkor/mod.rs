//! RocketKOR: update an individual card-issuing customer's profile (`updateIndividualCustomer`).
//!
//! [`Client`] and the request and response [`types`] are generated at build time from
//! `specs/rocketkor.yaml` (see build.rs); this module adds only what is needed to call them.

#[allow(
    clippy::all,
    clippy::pedantic,
    unused_imports,
    missing_docs,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags
)]
mod generated;
pub use generated::*;

use crate::transport::{self, Auth};

/// How the provider expects its credential.
pub const AUTH: Auth = Auth::Bearer;
/// Media type of request and response bodies on the wire.
pub const MEDIA_TYPE: &str = "application/json";

/// The RocketKOR URL for an environment host, e.g. `base_url("api.rocketkor.com")`.
pub fn base_url(host: &str) -> String {
    format!("https://{host}")
}

transport::provider_client!();
