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
pub use generated::{types, ResponseValue};

use crate::{
    error::Problem,
    transport::{self, Auth, Provider, Safety},
};

/// Marker for this provider in [`transport::ClientBuilder`].
#[derive(Debug)]
pub enum Api {}

impl Provider for Api {
    const NAME: &'static str = "rocketkor";
    const AUTH: Auth = Auth::Bearer;
    const MEDIA_TYPE: &'static str = "application/json";
    const CREDENTIAL_ENV: &'static str = "ROCKETKOR_ACCESS_TOKEN";
    const DEFAULT_URL: Option<&'static str> = None;

    fn safety(_operation: &str, _body: Option<&[u8]>) -> Safety {
        Safety::AtMostOnce("todo")
    }
}

fn problems(_body: &[u8]) -> Vec<Problem> {
    Vec::new()
}

transport::provider_client!();
