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

use crate::transport::{self, Auth, ConnectError};

/// How the provider expects its credential.
pub const AUTH: Auth = Auth::Bearer;
/// Media type of request and response bodies on the wire.
pub const MEDIA_TYPE: &str = "application/json";

/// The URL of a tenant's own Insly instance, e.g. `tenant_url("acme")`.
pub fn tenant_url(tenant: &str) -> String {
    format!("https://{tenant}.insly.com")
}

/// A client for `base_url` that sends `api_token` on every request, as the provider expects.
pub fn connect(base_url: &str, api_token: &str) -> Result<Client, ConnectError> {
    Ok(Client::new_with_client(
        base_url,
        transport::http_client(AUTH, api_token)?,
    ))
}

transport::wire_hooks!(MEDIA_TYPE);
