//! One provider operation against any server: the body from a file (or stdin), the base
//! URL from a flag or `<PROVIDER>_BASE_URL`, the credential from the facade's environment
//! variable; the decoded response as JSON on stdout, errors on stderr.

use std::{io::Read, path::PathBuf, process::ExitCode};

use clap::{Args, Subcommand};
use partner_bindings::{ecurring, insly, rentalcover, rocketkor, Decimal, Error};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::exit;

/// Options every provider operation takes.
#[derive(Args)]
pub struct Common {
    /// Request body as JSON: a file, or `-` for stdin.
    #[arg(long, value_name = "FILE")]
    body: PathBuf,
    /// Print secret members of the answer (e.g. Stripe's client_secret) in full instead of
    /// `[redacted]`: output is often piped into logs.
    #[arg(long)]
    show_secrets: bool,
}

#[derive(Subcommand)]
pub enum RentalcoverOp {
    /// Change a booking's customer (NewEmail moves the booking to a new address).
    UpdateCustomer {
        #[command(flatten)]
        common: Common,
        /// Server (default: RENTALCOVER_BASE_URL, else RentalCover staging).
        #[arg(long, env = "RENTALCOVER_BASE_URL")]
        base_url: Option<String>,
    },
    /// Price a policy change (QuoteOnly=1); with --confirm, then apply it (QuoteOnly=0).
    UpdateInsurance {
        #[command(flatten)]
        common: Common,
        /// The policy reference, e.g. AB12-345C-INS.
        #[arg(long)]
        reference: String,
        /// The policy's TotalAmount before the change, to tell charge from refund.
        #[arg(long, value_name = "AMOUNT")]
        previous_total: Decimal,
        /// Apply the change after quoting it: charges or refunds the customer's card.
        #[arg(long)]
        confirm: bool,
        /// With --confirm: refuse (exit 2, nothing applied) if the quote charges more than
        /// this, in the quote's currency.
        #[arg(long, value_name = "AMOUNT", requires = "confirm")]
        max_charge: Option<Decimal>,
        /// Server (default: RENTALCOVER_BASE_URL, else RentalCover staging).
        #[arg(long, env = "RENTALCOVER_BASE_URL")]
        base_url: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum InslyOp {
    /// Mid-term adjustment of a policy (charges or refunds; sent at most once).
    UpdatePolicy {
        #[command(flatten)]
        common: Common,
        /// The tenant's server, e.g. https://acme.insly.com (or INSLY_BASE_URL).
        #[arg(long, env = "INSLY_BASE_URL")]
        base_url: String,
    },
}

#[derive(Subcommand)]
pub enum EcurringOp {
    /// Change some attributes of a customer (the body is the JSON:API document).
    UpdateCustomer {
        #[command(flatten)]
        common: Common,
        /// The customer's id.
        #[arg(long)]
        id: String,
        /// Server (default: ECURRING_BASE_URL, else https://api.ecurring.com).
        #[arg(long, env = "ECURRING_BASE_URL")]
        base_url: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum RocketkorOp {
    /// Update an individual customer's profile and addresses.
    UpdateIndividualCustomer {
        #[command(flatten)]
        common: Common,
        /// The customer's id (a UUID).
        #[arg(long)]
        customer_id: String,
        /// The program's server, e.g. https://api.sandbox.rocketkor.com (or ROCKETKOR_BASE_URL).
        #[arg(long, env = "ROCKETKOR_BASE_URL")]
        base_url: String,
    },
}

/// A failure with its exit code, printed on stderr.
struct Failure(u8, String);

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        // One table for the library and the CLI: see `Error`'s documentation.
        Failure(error.exit_code(), error.to_string())
    }
}

impl From<partner_bindings::BuildError> for Failure {
    fn from(error: partner_bindings::BuildError) -> Failure {
        Failure(exit::INVALID_INPUT, error.to_string())
    }
}

fn invalid(message: impl Into<String>) -> Failure {
    Failure(exit::INVALID_INPUT, message.into())
}

fn finish(result: Result<Value, Failure>) -> ExitCode {
    match result {
        Ok(value) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(Failure(code, message)) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

fn read_body(common: &Common) -> Result<Value, Failure> {
    let text = if common.body.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| invalid(format!("--body: cannot read stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(&common.body).map_err(|e| {
            invalid(format!(
                "--body: cannot read {}: {e}",
                common.body.display()
            ))
        })?
    };
    serde_json::from_str(&text).map_err(|e| {
        invalid(format!(
            "--body: not JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

/// Decodes a body into a generated request type, naming the member that does not fit
/// (but never quoting a secret's value).
fn typed<T: DeserializeOwned>(value: Value) -> Result<T, Failure> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let secret = ["socialId", "securityAnswer"]
            .iter()
            .any(|s| path.contains(s));
        let detail = if secret {
            "has the wrong type".to_string()
        } else {
            e.inner().to_string()
        };
        invalid(format!("--body: member `{path}`: {detail}"))
    })
}

/// The answer as JSON for stdout, with secrets (Stripe's `client_secret`, `socialId`,
/// `securityAnswer`, ...) redacted unless `--show-secrets`: output is often piped into logs.
fn to_json<T: serde::Serialize>(value: &T, common: &Common) -> Value {
    let mut json = serde_json::to_value(value).unwrap_or(Value::Null);
    if !common.show_secrets {
        partner_bindings::redact_secrets(&mut json);
    }
    json
}

pub async fn rentalcover(operation: RentalcoverOp) -> ExitCode {
    finish(run_rentalcover(operation).await)
}

async fn run_rentalcover(operation: RentalcoverOp) -> Result<Value, Failure> {
    let client = |base_url: Option<String>| {
        let builder = rentalcover::Client::builder();
        match base_url {
            Some(url) => builder
                .environment(rentalcover::Environment::Custom(url))
                .build(),
            None => builder.build(),
        }
    };
    match operation {
        RentalcoverOp::UpdateCustomer { common, base_url } => {
            let body: rentalcover::types::UpdateCustomerRequest = typed(read_body(&common)?)?;
            let client = client(base_url)?;
            let response = client.update_customer().request(body).send().await?;
            Ok(to_json(response.body(), &common))
        }
        RentalcoverOp::UpdateInsurance {
            common,
            reference,
            previous_total,
            confirm,
            max_charge,
            base_url,
        } => {
            let mut body = read_body(&common)?;
            // The flow sets QuoteOnly itself; a value in the file is ignored.
            if let Some(map) = body.as_object_mut() {
                map.insert("QuoteOnly".into(), 1.into());
            }
            let body: rentalcover::types::UpdateInsuranceRequest = typed(body)?;
            let client = client(base_url)?;
            let quote = client
                .update_insurance(reference)
                .request(body)
                .quote(previous_total)
                .await?;
            if !confirm {
                eprintln!(
                    "quoted: {} (nothing applied; add --confirm to apply)",
                    quote.adjustment()
                );
                return Ok(to_json(quote.policy(), &common));
            }
            eprintln!("quoted: {}; applying", quote.adjustment());
            let currency = quote.new_total().currency.clone();
            let mut confirmation = client.confirm(quote);
            if let Some(amount) = max_charge {
                confirmation = confirmation.max_charge(rentalcover::Money::new(amount, currency));
            }
            let applied = confirmation.send().await?;
            if applied.differs_from_quote() {
                eprintln!(
                    "applied: {} (the quote said {})",
                    applied.adjustment(),
                    applied.quoted_adjustment()
                );
            } else {
                eprintln!("applied: {}", applied.adjustment());
            }
            Ok(to_json(applied.policy(), &common))
        }
    }
}

pub async fn insly(operation: InslyOp) -> ExitCode {
    finish(run_insly(operation).await)
}

async fn run_insly(operation: InslyOp) -> Result<Value, Failure> {
    match operation {
        InslyOp::UpdatePolicy { common, base_url } => {
            let body: insly::types::UpdatePolicyRequest = typed(read_body(&common)?)?;
            let client = insly::Client::builder()
                .environment(insly::Environment::Custom(base_url))
                .build()?;
            let accepted = client.update_policy().request(body).send().await?;
            if let Some(payable) = accepted.payable() {
                eprintln!("payable now: {payable} (negative is a refund)");
            }
            Ok(to_json(accepted.response().body(), &common))
        }
    }
}

pub async fn ecurring(operation: EcurringOp) -> ExitCode {
    finish(run_ecurring(operation).await)
}

async fn run_ecurring(operation: EcurringOp) -> Result<Value, Failure> {
    match operation {
        EcurringOp::UpdateCustomer {
            common,
            id,
            base_url,
        } => {
            let document: ecurring::types::CustomerUpdateDocument = typed(read_body(&common)?)?;
            if *document.data.id != id {
                return Err(invalid(format!(
                    "--body: data.id {:?} is not --id {id:?}",
                    document.data.id.as_str()
                )));
            }
            let builder = ecurring::Client::builder();
            let client = match base_url {
                Some(url) => builder
                    .environment(ecurring::Environment::Custom(url))
                    .build()?,
                None => builder.build()?,
            };
            let response = client
                .update_customer(id)
                .request(document.data.attributes)
                .send()
                .await?;
            Ok(to_json(response.body(), &common))
        }
    }
}

pub async fn rocketkor(operation: RocketkorOp) -> ExitCode {
    finish(run_rocketkor(operation).await)
}

async fn run_rocketkor(operation: RocketkorOp) -> Result<Value, Failure> {
    match operation {
        RocketkorOp::UpdateIndividualCustomer {
            common,
            customer_id,
            base_url,
        } => {
            let body: rocketkor::types::UpdateIndividualCustomerRequest =
                typed(read_body(&common)?)?;
            let client = rocketkor::Client::builder()
                .environment(rocketkor::Environment::Custom(base_url))
                .build()?;
            let response = client
                .update_individual_customer(customer_id.as_str())
                .request(body)
                .send()
                .await?;
            Ok(to_json(response.body(), &common))
        }
    }
}
