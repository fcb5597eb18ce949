//! An in-process HTTP server that speaks all four bundled specs, for tests and demos.
//!
//! [`Sandbox::start`] serves on a free loopback port; each provider lives under its own
//! prefix ([`Sandbox::base_url`]). Requests are checked against the specs themselves
//! (auth, method, path, content type, size, JSON, and the body and path parameters by the
//! spec's schemas), then applied to in-memory state seeded from the specs' documented
//! examples. Errors come in each provider's own shape. A request header
//! `X-Sandbox-Fault` injects faults (comma-separated): `delay=MS`, `status=CODE`,
//! `retry-after=S`, `reset`, `truncate`, `html` (a 503 page; with a 2xx `status` the change
//! is applied first), `shape` (applied, then 200 with JSON of another shape),
//! `redirect=3xx` (+ `location=URL`; nothing applied), `declined` and `status0` (Insly's
//! refusals inside a 200; nothing applied), `nth=N` (only the operation's Nth request).
//! [`Sandbox::received`] counts requests per operation.
//!
//! Credentials: RentalCover `X_API_KEY: sandbox-key`, eCurring `X-Authorization: sandbox-key`,
//! Insly and RocketKOR `Authorization: Bearer sandbox-token`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use partner_bindings::{ecurring, sandbox::{Sandbox, Service}};
//! let sandbox = Sandbox::start().await?;
//! let client = ecurring::Client::builder()
//!     .environment(ecurring::Environment::Custom(sandbox.base_url(Service::ECurring)))
//!     .credential(Service::ECurring.credential())
//!     .build()?;
//! client.update_customer("1").city("Utrecht").send().await?;
//! assert_eq!(sandbox.received("ecurring.updateCustomer"), 1);
//! # Ok(()) }
//! ```

mod behaviour;
mod ecurring;
mod faults;
mod insly;
mod lint;
mod rentalcover;
mod rocketkor;
mod routing;
mod schema;
mod server;

use serde_json::Value;

use behaviour::Behaviour;

pub use lint::check_spec;
pub use server::Sandbox;

/// The API key the sandbox accepts for RentalCover and eCurring.
pub const SANDBOX_KEY: &str = "sandbox-key";
/// The bearer token the sandbox accepts for Insly and RocketKOR.
pub const SANDBOX_TOKEN: &str = "sandbox-token";
/// Largest request body accepted (413 above it).
pub const MAX_BODY: usize = 1024 * 1024;

/// The four providers the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// RentalCover (`/rentalcover`).
    RentalCover,
    /// Insly (`/insly`).
    Insly,
    /// eCurring (`/ecurring`).
    ECurring,
    /// RocketKOR (`/rocketkor`).
    RocketKor,
}

impl Service {
    /// All four, in a fixed order.
    pub const ALL: [Service; 4] = [
        Service::RentalCover,
        Service::Insly,
        Service::ECurring,
        Service::RocketKor,
    ];

    /// The name used in paths, features and spec files, e.g. `rentalcover`.
    pub fn name(self) -> &'static str {
        match self {
            Service::RentalCover => "rentalcover",
            Service::Insly => "insly",
            Service::ECurring => "ecurring",
            Service::RocketKor => "rocketkor",
        }
    }

    /// The credential the sandbox accepts for this provider.
    pub fn credential(self) -> &'static str {
        match self {
            Service::RentalCover | Service::ECurring => SANDBOX_KEY,
            Service::Insly | Service::RocketKor => SANDBOX_TOKEN,
        }
    }

    /// The bundled spec as YAML, exactly as in `specs/`.
    pub fn spec_yaml(self) -> &'static str {
        match self {
            Service::RentalCover => include_str!("../../specs/rentalcover.yaml"),
            Service::Insly => include_str!("../../specs/insly.yaml"),
            Service::ECurring => include_str!("../../specs/ecurring.yaml"),
            Service::RocketKor => include_str!("../../specs/rocketkor.yaml"),
        }
    }

    /// The bundled spec as JSON (written by build.rs from the YAML).
    pub fn spec_json(self) -> &'static str {
        match self {
            Service::RentalCover => include_str!(concat!(env!("OUT_DIR"), "/rentalcover.json")),
            Service::Insly => include_str!(concat!(env!("OUT_DIR"), "/insly.json")),
            Service::ECurring => include_str!(concat!(env!("OUT_DIR"), "/ecurring.json")),
            Service::RocketKor => include_str!(concat!(env!("OUT_DIR"), "/rocketkor.json")),
        }
    }

    fn behaviour(self, spec: &Value) -> Box<dyn Behaviour> {
        match self {
            Service::RentalCover => Box::new(rentalcover::State::seed(spec)),
            Service::Insly => Box::new(insly::State::seed(spec)),
            Service::ECurring => Box::new(ecurring::State::seed(spec)),
            Service::RocketKor => Box::new(rocketkor::State::seed(spec)),
        }
    }
}
