#![doc = include_str!("../README.md")]
// docs.rs builds with `--cfg docsrs` on nightly, where `doc_cfg` badges feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// With no provider enabled, the shared machinery has no user.
#![cfg_attr(
    not(any(
        feature = "rentalcover",
        feature = "insly",
        feature = "ecurring",
        feature = "rocketkor"
    )),
    allow(dead_code, unused_imports, unused_macros)
)]

// Without a crypto provider reqwest would panic on the first client built: refused here.
#[cfg(not(any(feature = "tls-aws-lc-rs", feature = "tls-ring")))]
compile_error!(
    "partner-bindings needs a TLS backend: enable the `tls-aws-lc-rs` (default) or the `tls-ring` feature"
);

pub mod error;
pub mod response;
mod secret;
pub mod transport;
mod validate;
pub mod wire;

pub use error::Error;
pub use response::{redact_secrets, ConnectorError, RawResponse, Response};
pub use rust_decimal::Decimal;
pub use secret::{Secret, REDACTED};
pub use transport::{BuildError, RetryPolicy};

#[cfg(feature = "ecurring")]
pub mod ecurring;
#[cfg(feature = "insly")]
pub mod insly;
#[cfg(feature = "rentalcover")]
pub mod rentalcover;
#[cfg(feature = "rocketkor")]
pub mod rocketkor;
#[cfg(feature = "sandbox")]
pub mod sandbox;
