//! RentalCover (Cover Genius): change a booking's customer (`updateCustomer`) and re-price
//! or apply a policy change (`updateInsurance`).
//!
//! [`Client`] and the request and response [`types`] are generated at build time from
//! `specs/rentalcover.yaml` (see build.rs); this module adds only what is needed to call them.

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
pub const AUTH: Auth = Auth::Header("x_api_key");
/// Media type of request and response bodies on the wire.
pub const MEDIA_TYPE: &str = "application/json";

/// Staging server (test bookings; its own key).
pub const STAGING_URL: &str = "https://api-staging.rentalcover.com";
/// Production server (real charges; its own key).
pub const PRODUCTION_URL: &str = "https://api.rentalcover.com";

transport::provider_client!();
