//! RocketKOR: update an individual card-issuing customer's profile (`updateIndividualCustomer`).
//!
//! [`Client`] and the request and response [`types`] are generated at build time from
//! `specs/rocketkor.yaml` (see build.rs); this module adds only what is needed to call them.

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

pub use crate::wire::Patch;

use crate::{
    error::Problem,
    response::Response,
    transport::{self, Auth, ProviderApi, Safety},
    validate::{self, Checks},
    Error,
};

/// The transport settings of RocketKOR in [`transport::ClientBuilder`].
#[derive(Debug)]
pub enum Api {}

impl ProviderApi for Api {
    const NAME: &'static str = "rocketkor";
    const AUTH: Auth = Auth::Bearer;
    const MEDIA_TYPE: &'static str = "application/json";
    const CREDENTIAL_ENV: &'static str = "ROCKETKOR_ACCESS_TOKEN";
    // Each program has its own host: there is no safe default (the spec's servers are
    // templated, so none is generated).
    const DEFAULT_URL: Option<&'static str> = generated::DEFAULT_URL;

    /// The retry table for RocketKOR.
    fn safety(operation: &str, _body: Option<&[u8]>) -> Safety {
        match operation {
            // PUT sets the profile to the values sent; addresses are matched by type and
            // the primary rules give the same result when applied again.
            "update_individual_customer" => Safety::Repeatable,
            _ => Safety::AtMostOnce("the operation is not in the retry table"),
        }
    }
}

/// RocketKOR's error body: `{"message": ..., "errors": [{"field": ..., "message": ...}]}`.
fn problems(body: &[u8]) -> Vec<Problem> {
    let Ok(parsed) = serde_json::from_slice::<types::ErrorBody>(body) else {
        return Vec::new();
    };
    let mut problems: Vec<Problem> = parsed
        .errors
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| {
            Some(Problem {
                message: e
                    .message
                    .or_else(|| e.field.clone().map(|_| "invalid".into()))?,
                field: e.field,
            })
        })
        .collect();
    if problems.is_empty() {
        if let Some(message) = parsed.message {
            problems.push(Problem {
                field: None,
                message,
            });
        }
    }
    problems
}

transport::provider_client!();

impl types::PhoneNumberInputNumber {
    /// A phone number for `primaryPhoneNumber.number` from what people type, normalised to
    /// E.164 (`+1 (415) 555-0100` becomes `+14155550100`; a leading `00` becomes `+`).
    ///
    /// ```
    /// use partner_bindings::rocketkor::types::PhoneNumberInputNumber;
    /// let number = PhoneNumberInputNumber::normalized("+1 (415) 555-0100").unwrap();
    /// assert_eq!(number.to_string(), "+14155550100");
    /// assert!(PhoneNumberInputNumber::normalized("call me").is_err());
    /// ```
    pub fn normalized(text: &str) -> Result<Self, Error> {
        validate::e164(text)
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| {
                Error::invalid(
                    "primaryPhoneNumber.number",
                    "must be 4 to 15 digits with an optional leading + and country code",
                )
            })
    }
}

impl operation::UpdateIndividualCustomer {
    /// Sends the profile change. Members not set are kept; the clearable ones send `null`
    /// when cleared (`clear_<member>()`).
    ///
    /// Validated first: a SHIPPING address needs `name`; `stateCode` is required for USA
    /// and CAN; at most one primary address per type; `metadata` has at most 5 pairs;
    /// `socialId` at most 50 characters and only with `socialIdCountryCode`; emails are
    /// addresses.
    ///
    /// ```no_run
    /// use partner_bindings::{rocketkor, Error};
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = rocketkor::Client::builder()
    ///     .environment(rocketkor::Environment::Host("api.sandbox.rocketkor.com".into()))
    ///     .build()?; // token from ROCKETKOR_ACCESS_TOKEN
    /// let result = client
    ///     .update_individual_customer("0d0b3f04-6a4c-4f8e-9a51-3f1c2b7e8d90")
    ///     .pronoun("She/Her")
    ///     .clear_middle_name() // sent as null
    ///     .send()
    ///     .await;
    /// match result {
    ///     Ok(customer) => println!("{:?}", customer.first_name),
    ///     Err(Error::Validation(violations)) => eprintln!("not sent: {violations:?}"),
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn send(mut self) -> Result<Response<types::IndividualCustomer>, Error> {
        let body = self.members()?;
        let customer_id = self
            .customer_id
            .take()
            .ok_or_else(|| Error::invalid("customerId", "is required"))?;
        validate_change(&body)?;
        self.client
            .run(|raw| async move {
                raw.update_individual_customer()
                    .customer_id(customer_id)
                    .body(body)
                    .send()
                    .await
            })
            .await
            .map(|(value, _)| value)
    }
}

/// The documented rules the generated types cannot hold.
fn validate_change(body: &types::UpdateIndividualCustomerRequest) -> Result<(), Error> {
    let mut checks = Checks::default();
    let mut primaries: Vec<(types::AddressType, usize)> = Vec::new();
    for (i, address) in body.addresses.iter().enumerate() {
        if address.type_ == types::AddressType::Shipping {
            checks.check(
                address.name.is_some(),
                format!("addresses[{i}].name"),
                "is required for SHIPPING addresses",
            );
        }
        if let Some(country) = &address.country_code {
            if matches!(country.as_str(), "USA" | "CAN") {
                checks.check(
                    address.state_code.is_some(),
                    format!("addresses[{i}].stateCode"),
                    "is required when countryCode is USA or CAN",
                );
            }
        }
        if address.primary == Some(true) {
            if let Some((_, first)) = primaries.iter().find(|(t, _)| *t == address.type_) {
                checks.check(
                    false,
                    format!("addresses[{i}].primary"),
                    format!(
                        "only one primary {} address is allowed (addresses[{first}] is primary)",
                        address.type_
                    ),
                );
            } else {
                primaries.push((address.type_, i));
            }
        }
    }
    if let Some(metadata) = &body.metadata {
        checks.check(metadata.len() <= 5, "metadata", "at most 5 key/value pairs");
    }
    if let Some(social_id) = &body.social_id {
        checks.check(
            social_id.char_len() <= 50,
            "socialId",
            "at most 50 characters",
        );
        checks.check(
            body.social_id_country_code.is_some(),
            "socialIdCountryCode",
            "is required when socialId is sent",
        );
    }
    if let Some(value) = body.primary_email.as_ref().and_then(|e| e.value.as_ref()) {
        checks.check(
            validate::is_email(value),
            "primaryEmail.value",
            "must be an email address",
        );
    }

    checks.finish()
}
