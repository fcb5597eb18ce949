//! eCurring: partial update of a subscription customer over JSON:API (`updateCustomer`).
//!
//! [`Client`] and the request and response [`types`] are generated at build time from
//! `specs/ecurring.yaml` (see build.rs); this module adds only what is needed to call them.

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
pub const AUTH: Auth = Auth::Header("x-authorization");
/// Media type of request and response bodies on the wire.
pub const MEDIA_TYPE: &str = "application/vnd.api+json";

/// The eCurring API server.
pub const DEFAULT_URL: &str = "https://api.ecurring.com";

/// A client for `base_url` that sends `api_key` on every request, as the provider expects.
pub fn connect(base_url: &str, api_key: &str) -> Result<Client, ConnectError> {
    Ok(Client::new_with_client(
        base_url,
        transport::http_client(AUTH, api_key)?,
    ))
}

transport::wire_hooks!(MEDIA_TYPE);
