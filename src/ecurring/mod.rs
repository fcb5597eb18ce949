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

use crate::transport::{self, Auth};

/// How the provider expects its credential.
pub const AUTH: Auth = Auth::Header("x-authorization");
/// Media type of request and response bodies on the wire.
pub const MEDIA_TYPE: &str = "application/vnd.api+json";

/// The eCurring API server.
pub const DEFAULT_URL: &str = "https://api.ecurring.com";

transport::provider_client!();
