//! Insly: mid-term adjustment of a home-insurance policy (`updatePolicy`).
//!
//! [`Client`] and the request and response [`types`] are generated at build time from
//! `specs/insly.yaml` (see build.rs); this module adds only what is needed to call them.

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

/// The URL of a tenant's own Insly instance, e.g. `tenant_url("acme")`.
pub fn tenant_url(tenant: &str) -> String {
    format!("https://{tenant}.insly.com")
}

transport::provider_client!();
