//! RentalCover (Cover Genius): change a booking's customer (`updateCustomer`) and re-price
//! then apply a policy change (`updateInsurance`, quote-then-confirm).
//!
//! The request and response [`types`] and the [`RawClient`] are generated at build time
//! from `specs/rentalcover.yaml`; this module adds auth (`X_API_KEY`), environments,
//! validation, safe retries and the [`Quote`] flow.
//!
//! ```no_run
//! use partner_bindings::rentalcover::{self, Environment, Money};
//! use partner_bindings::{Decimal, Error};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = rentalcover::Client::builder()
//!     .environment(Environment::Staging)
//!     .credential("my-staging-key") // or set RENTALCOVER_API_KEY
//!     .build()?;
//! // The policy cost AUD 60.00 before the change.
//! let quote = client
//!     .update_insurance("AB12-345C-INS")
//!     .from_date("2026-12-01 10:00:00")
//!     .to_date("2026-12-06 10:00:00")
//!     .first_name("Jane")
//!     .last_name("Citizen")
//!     .email("jane@example.com")
//!     .country("AU")
//!     .quote(Decimal::new(6000, 2))
//!     .await?;
//! println!("{}", quote.adjustment()); // e.g. "a charge of AUD 12.50"
//! // The same change with QuoteOnly=0, sent once; refused before sending above AUD 20.
//! match client
//!     .confirm(quote)
//!     .max_charge(Money::new(Decimal::new(2000, 2), "AUD"))
//!     .send()
//!     .await
//! {
//!     Ok(applied) => println!("now {}: {}", applied.new_total(), applied.adjustment()),
//!     Err(e) if e.may_have_been_applied() => eprintln!("check the booking: {e}"),
//!     Err(e) => eprintln!("not applied: {e}"),
//! }
//! # Ok(()) }
//! ```
//!
//! `QuoteOnly` belongs to the flow (`quote()` sends 1, the confirm 0): a caller cannot set
//! it, so a "quote" that charges cannot be written.
//!
//! ```compile_fail
//! # fn f(client: partner_bindings::rentalcover::Client) {
//! use partner_bindings::rentalcover::types::UpdateInsuranceRequestQuoteOnly;
//! let charge = UpdateInsuranceRequestQuoteOnly::try_from(0).unwrap();
//! let _ = client.update_insurance("AB12-345C-INS").quote_only(charge);
//! # }
//! ```

#[allow(
    clippy::all,
    clippy::pedantic,
    unused_imports,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags
)]
mod generated;
pub use generated::{operation, types, Environment};

use std::fmt;

use crate::Decimal;

use crate::{
    error::Problem,
    response::{RawResponse, Response},
    transport::{self, Auth, ProviderApi, Safety},
    validate::{self, Checks},
    Error,
};

/// The transport settings of RentalCover in [`transport::ClientBuilder`].
#[derive(Debug)]
pub enum Api {}

impl ProviderApi for Api {
    const NAME: &'static str = "rentalcover";
    const AUTH: Auth = Auth::Header("x_api_key");
    const MEDIA_TYPE: &'static str = "application/json";
    const CREDENTIAL_ENV: &'static str = "RENTALCOVER_API_KEY";
    // Staging (the spec's first server) by default: a forgotten setting must not charge
    // real cards.
    const DEFAULT_URL: Option<&'static str> = generated::DEFAULT_URL;

    /// The retry table for RentalCover.
    fn safety(operation: &str, body: Option<&[u8]>) -> Safety {
        match operation {
            // Pricing only: QuoteOnly=1 saves nothing, so a repeat is harmless. Any other
            // value, or a body we cannot read, is treated as the charging call.
            "update_insurance" if quote_only(body) == Some(1) => Safety::Repeatable,
            "update_insurance" => Safety::AtMostOnce(
                "QuoteOnly=0 charges or refunds the customer's card and RentalCover has no idempotency key",
            ),
            // Moving the customer to NewEmail changes the key the booking is found by: a
            // repeat after success would fail and hide that the change was made.
            "update_customer" if sets_new_email(body) => Safety::AtMostOnce(
                "a NewEmail change re-keys the booking, so a repeat would not find it",
            ),
            // Setting customer details to given values: the same result however often sent.
            "update_customer" => Safety::Repeatable,
            // Unknown operations are never repeated.
            _ => Safety::AtMostOnce("the operation is not in the retry table"),
        }
    }
}

/// The two members the retry table looks at. Decoding only them skips the rest of the
/// body without building it (this runs on every call).
#[derive(serde::Deserialize)]
struct Probe {
    #[serde(rename = "QuoteOnly")]
    quote_only: Option<serde_json::Value>,
    #[serde(rename = "NewEmail")]
    new_email: Option<serde_json::Value>,
}

fn probe(body: Option<&[u8]>) -> Option<Probe> {
    serde_json::from_slice(body?).ok()
}

fn quote_only(body: Option<&[u8]>) -> Option<i64> {
    match probe(body)?.quote_only? {
        // Our bodies always carry a number; anything else is not known to be a quote, so it
        // is treated as money-moving (never re-sent).
        serde_json::Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

fn sets_new_email(body: Option<&[u8]>) -> bool {
    probe(body).is_some_and(|p| p.new_email.is_some_and(|v| !v.is_null()))
}

/// RentalCover's error shapes: `{"errors": {"Field": ["message"]}}` or `{"errors": ["message"]}`.
fn problems(body: &[u8]) -> Vec<Problem> {
    let Ok(parsed) = serde_json::from_slice::<types::ErrorBody>(body) else {
        return Vec::new();
    };
    match parsed.errors {
        Some(types::ErrorList::Object(by_field)) => {
            let mut fields: Vec<_> = by_field.into_iter().collect();
            fields.sort();
            fields
                .into_iter()
                .flat_map(|(field, messages)| {
                    messages.into_iter().map(move |message| Problem {
                        field: Some(field.clone()),
                        message,
                    })
                })
                .collect()
        }
        Some(types::ErrorList::Array(messages)) => messages
            .into_iter()
            .map(|message| Problem {
                field: None,
                message,
            })
            .collect(),
        None => Vec::new(),
    }
}

transport::provider_client!();

impl TryFrom<chrono::NaiveDateTime> for types::DateTimeText {
    type Error = types::error::ConversionError;

    /// The `yyyy-mm-dd hh:mm:ss` text RentalCover wants for `FromDate` and `ToDate`.
    fn try_from(value: chrono::NaiveDateTime) -> Result<Self, Self::Error> {
        value.format("%Y-%m-%d %H:%M:%S").to_string().parse()
    }
}

impl operation::UpdateCustomer {
    /// Sends the change of the booking's customer details; `NewEmail` moves the booking to
    /// a new address (then it is sent at most once).
    ///
    /// Validated first: `Email`, `NewEmail` and `OtherEmail` must be addresses.
    pub async fn send(mut self) -> Result<Response<types::UpdateCustomerResponse>, Error> {
        let body = self.members()?;
        let mut checks = Checks::default();
        checks.check(
            validate::is_email(&body.email),
            "Email",
            "must be an email address",
        );
        for (field, value) in [
            ("NewEmail", &body.new_email),
            ("OtherEmail", &body.other_email),
        ] {
            if let Some(value) = value {
                checks.check(validate::is_email(value), field, "must be an email address");
            }
        }
        checks.finish()?;
        self.client
            .run(|raw| async move { raw.update_customer().body(body).send().await })
            .await
            .map(|(value, _)| value)
    }
}

impl operation::UpdateInsurance {
    /// Prices the change (`QuoteOnly=1`): nothing is saved, and it is retried like any
    /// safe call. `previous_total` is the policy's `TotalAmount` before the change
    /// (RentalCover returns only the new total; the difference is the charge or refund).
    /// Apply the quote with [`Client::confirm`].
    pub async fn quote(mut self, previous_total: impl Into<Decimal>) -> Result<Quote, Error> {
        let reference = self.reference.take().map(String::from).unwrap_or_default();
        let mut this = self.quote_only(quoting(1));
        let request = this.members()?;
        let mut checks = Checks::default();
        check_reference(&mut checks, &reference);
        checks.finish()?;
        validate_change(&request)?;
        let (response, raw) = this.client.send_update(&reference, request.clone()).await?;
        // Only a price was asked for: an answer without one is unusable, and repeatable.
        let new_total = total_of(&response, raw, false)?;
        Ok(Quote {
            id: quote_id(),
            reference,
            request,
            previous_total: previous_total.into(),
            new_total,
            policy: response.into_inner(),
        })
    }
}

impl Client {
    /// Applies a quoted change: see [`Confirmation`]. The quote may come from another
    /// client, or from storage (it is serde-serializable and holds no secret).
    pub fn confirm(&self, quote: Quote) -> Confirmation {
        Confirmation {
            client: self.clone(),
            quote,
            max_charge: None,
        }
    }

    async fn send_update(
        &self,
        reference: &str,
        body: types::UpdateInsuranceRequest,
    ) -> Result<(Response<types::UpdateInsuranceResponse>, RawResponse), Error> {
        let reference = reference.to_owned();
        self.run(|raw| async move {
            raw.update_insurance()
                .reference(reference)
                .body(body)
                .send()
                .await
        })
        .await
    }
}

fn quoting(value: i64) -> types::UpdateInsuranceRequestQuoteOnly {
    // Both values are in the spec's enum [0, 1]; the conversion cannot fail.
    types::UpdateInsuranceRequestQuoteOnly::try_from(value).unwrap_or_else(|_| unreachable!())
}

/// The booking reference is in the path: it must be there (a fresh or a stored quote).
fn check_reference(checks: &mut Checks, reference: &str) {
    checks.check(
        !reference.trim().is_empty(),
        "Reference",
        "must not be empty",
    );
}

/// A random (version 4) identifier, so that a stored quote can be told from another.
fn quote_id() -> uuid::Uuid {
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid()
}

/// The documented rules the generated types cannot hold.
fn validate_change(request: &types::UpdateInsuranceRequest) -> Result<(), Error> {
    let mut checks = Checks::default();
    let from = validate::date_time_text(&request.from_date);
    let to = validate::date_time_text(&request.to_date);
    checks.check(
        from.is_some(),
        "FromDate",
        "must be a real date and time, yyyy-mm-dd hh:mm:ss",
    );
    checks.check(
        to.is_some(),
        "ToDate",
        "must be a real date and time, yyyy-mm-dd hh:mm:ss",
    );
    if let (Some(from), Some(to)) = (from, to) {
        checks.check(from < to, "FromDate", "must be before ToDate");
    }
    checks.check(
        validate::is_email(&request.email),
        "Email",
        "must be an email address",
    );
    if let Some(other) = &request.other_email {
        checks.check(
            validate::is_email(other),
            "OtherEmail",
            "must be an email address",
        );
    }
    for (field, time) in [
        ("VehiclePickupTime", &request.vehicle_pickup_time),
        ("VehicleDropoffTime", &request.vehicle_dropoff_time),
    ] {
        if let Some(time) = time {
            checks.check(
                time.is_atom(),
                field,
                "must be an Atom time, yyyy-mm-ddThh:mm:ss+hh:mm (whole seconds, a numeric offset, no Z)",
            );
        }
    }
    validate::open_members(&mut checks, request);
    for (name, value) in &request.extra {
        checks.check(
            value.is_object() || value.is_string(),
            name.as_str(),
            "partner-defined data must be a JSON object or a JSON string",
        );
    }
    checks.finish()
}

/// An amount in a currency, exact. Made by [`Money::new`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Money {
    /// The amount.
    pub amount: Decimal,
    /// ISO 4217 code, e.g. `AUD`.
    pub currency: String,
}

impl Money {
    /// `amount` in `currency` (an ISO 4217 code such as `AUD`).
    pub fn new(amount: Decimal, currency: impl Into<String>) -> Money {
        Money {
            amount,
            currency: currency.into(),
        }
    }

    /// Whether both are in the same currency (ISO codes compared without case).
    fn same_currency(&self, other: &Money) -> bool {
        self.currency.eq_ignore_ascii_case(&other.currency)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:.2}", self.currency, self.amount)
    }
}

/// The policy's new `TotalAmount` with its `Currency`, as the server sent them. Without
/// both, the charge cannot be told: `Undecodable` for a quote, `AppliedUnreadable` for a
/// confirm (the server accepted it, so the card was charged or refunded).
fn total_of(
    response: &Response<types::UpdateInsuranceResponse>,
    raw: RawResponse,
    applied: bool,
) -> Result<Money, Error> {
    let amount = response.total_amount.as_decimal();
    let currency = Some(response.currency.trim()).filter(|c| !c.is_empty());
    let missing = match (amount, currency) {
        (Some(amount), Some(currency)) => return Ok(Money::new(amount, currency)),
        (None, _) => "no numeric TotalAmount",
        (Some(_), None) => "no Currency",
    };
    Err(crate::error::unusable_success(
        "update_insurance",
        applied,
        raw,
        format!("the answer has {missing}, so the charge or refund is unknown"),
    ))
}

/// What confirming a change will do (or did) to the customer's card.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Adjustment {
    /// The price does not change.
    NoCharge,
    /// The card is charged this much more.
    Charge(Money),
    /// This much is refunded to the card.
    Refund(Money),
}

impl Adjustment {
    /// From the policy's total before the change to `new_total`.
    fn between(previous_total: Decimal, new_total: &Money) -> Adjustment {
        // Saturating: a stored quote may hold any amounts, and this must not panic.
        let difference = new_total.amount.saturating_sub(previous_total);
        let money = |amount| Money::new(amount, new_total.currency.clone());
        if difference.is_zero() {
            Adjustment::NoCharge
        } else if difference.is_sign_positive() {
            Adjustment::Charge(money(difference))
        } else {
            Adjustment::Refund(money(-difference))
        }
    }
}

impl fmt::Display for Adjustment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Adjustment::NoCharge => f.write_str("no charge"),
            Adjustment::Charge(m) => write!(f, "a charge of {m}"),
            Adjustment::Refund(m) => write!(f, "a refund of {m}"),
        }
    }
}

/// A priced change. Show [`Quote::adjustment`] to the customer; [`Client::confirm`]
/// applies exactly this change. A quote is made only by
/// [`operation::UpdateInsurance::quote`] (or
/// read back from storage: it is serde-serializable, holds no credential, and can be
/// confirmed later by a fresh client).
///
/// A `Quote` is not `Clone`: confirming consumes it, so one value is confirmed at most
/// once. A stored copy read back twice is two values: delete it, keyed by [`Quote::id`],
/// in the same transaction that confirms it. It is not signed either: keep it where the
/// customer cannot edit it (your database or server-side session, not a cookie), since
/// the reference, the change and the quoted totals come from it.
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    id: uuid::Uuid,
    reference: String,
    request: types::UpdateInsuranceRequest,
    previous_total: Decimal,
    new_total: Money,
    policy: types::UpdateInsuranceResponse,
}

impl Quote {
    /// A random identifier given when the quote was made.
    pub fn id(&self) -> uuid::Uuid {
        self.id
    }

    /// The booking reference.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// Charge, refund or no charge: the quoted total against the previous total.
    pub fn adjustment(&self) -> Adjustment {
        Adjustment::between(self.previous_total, &self.new_total)
    }

    /// The policy's total after the change, as RentalCover priced it.
    pub fn new_total(&self) -> &Money {
        &self.new_total
    }

    /// The policy's total before the change, as the caller gave it.
    pub fn previous_total(&self) -> Decimal {
        self.previous_total
    }

    /// The re-priced policy as RentalCover returned it (nothing saved yet).
    pub fn policy(&self) -> &types::UpdateInsuranceResponse {
        &self.policy
    }

    /// The request that was priced (with `QuoteOnly=1`).
    pub fn request(&self) -> &types::UpdateInsuranceRequest {
        &self.request
    }
}

/// A quote about to be applied: set an optional ceiling, then [`Confirmation::send`].
#[derive(Debug)]
pub struct Confirmation {
    client: Client,
    quote: Quote,
    max_charge: Option<Money>,
}

impl Confirmation {
    /// Refuse, before sending anything, if the quote charges more than `ceiling`. The
    /// ceiling must be in the quote's currency and not negative, or the confirm is refused
    /// too; a refund or no charge passes any such ceiling. The server charges its own
    /// price at confirm time: compare [`Applied::adjustment`] with
    /// [`Applied::quoted_adjustment`].
    pub fn max_charge(mut self, ceiling: Money) -> Self {
        self.max_charge = Some(ceiling);
        self
    }

    /// Applies the change: the quoted request with `QuoteOnly=0`, sent at most once. If
    /// the outcome cannot be known (timeout, reset, 5xx) this is
    /// [`Error::OutcomeUnknown`]; a 2xx we cannot read is [`Error::AppliedUnreadable`];
    /// neither is re-sent. Dropping this future after the request left is an unknown
    /// outcome too.
    pub async fn send(self) -> Result<Applied, Error> {
        let Confirmation {
            client,
            quote,
            max_charge,
        } = self;
        let mut checks = Checks::default();
        check_reference(&mut checks, &quote.reference);
        if let Some(ceiling) = &max_charge {
            checks.check(
                ceiling.amount >= Decimal::ZERO,
                "max_charge",
                format!("must not be negative, not {ceiling}"),
            );
            checks.check(
                ceiling.same_currency(&quote.new_total),
                "max_charge",
                format!(
                    "is in {} but the quote is in {}",
                    ceiling.currency, quote.new_total.currency
                ),
            );
            if let Adjustment::Charge(charge) = quote.adjustment() {
                checks.check(
                    charge.amount <= ceiling.amount,
                    "max_charge",
                    format!("the quote charges {charge}, more than {ceiling}"),
                );
            }
        }
        checks.finish()?;
        let mut request = quote.request.clone();
        request.quote_only = quoting(0);
        // A stored quote may have been edited: the same rules as when it was priced.
        validate_change(&request)?;
        let (response, raw) = client.send_update(&quote.reference, request).await?;
        let new_total = total_of(&response, raw, true)?;
        Ok(Applied {
            previous_total: quote.previous_total,
            quoted_total: quote.new_total,
            new_total,
            policy: response,
        })
    }
}

/// A confirmed change, as the confirming answer tells it.
#[derive(Debug)]
pub struct Applied {
    previous_total: Decimal,
    quoted_total: Money,
    new_total: Money,
    policy: Response<types::UpdateInsuranceResponse>,
}

impl Applied {
    /// What was charged or refunded: the confirm's own total against the previous total.
    pub fn adjustment(&self) -> Adjustment {
        Adjustment::between(self.previous_total, &self.new_total)
    }

    /// What the quote said it would be.
    pub fn quoted_adjustment(&self) -> Adjustment {
        Adjustment::between(self.previous_total, &self.quoted_total)
    }

    /// Whether the price changed between quote and confirm (amount or currency).
    pub fn differs_from_quote(&self) -> bool {
        self.new_total.amount != self.quoted_total.amount
            || !self.new_total.same_currency(&self.quoted_total)
    }

    /// The policy's total now, from the confirming answer.
    pub fn new_total(&self) -> &Money {
        &self.new_total
    }

    /// The total the quote gave.
    pub fn quoted_total(&self) -> &Money {
        &self.quoted_total
    }

    /// The saved policy as RentalCover returned it.
    pub fn policy(&self) -> &types::UpdateInsuranceResponse {
        &self.policy
    }

    /// Status and headers of the confirming response.
    pub fn response(&self) -> &Response<types::UpdateInsuranceResponse> {
        &self.policy
    }
}
