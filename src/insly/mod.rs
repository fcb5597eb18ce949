//! Insly: mid-term adjustment of a home-insurance policy (`updatePolicy`).
//!
//! [`Client`] and the request and response [`types`] are generated at build time from
//! `specs/insly.yaml` (see build.rs); this module adds only what is needed to call them.

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

use crate::{
    error::Problem,
    response::{RawResponse, Response},
    transport::{self, Auth, ProviderApi, Safety},
    validate::{self, Checks},
    Error,
};

/// The transport settings of Insly in [`transport::ClientBuilder`].
#[derive(Debug)]
pub enum Api {}

impl ProviderApi for Api {
    const NAME: &'static str = "insly";
    const AUTH: Auth = Auth::Bearer;
    const MEDIA_TYPE: &'static str = "application/json";
    const CREDENTIAL_ENV: &'static str = "INSLY_API_TOKEN";
    // Every tenant has its own host: there is no safe default (the spec's server is
    // templated, so none is generated).
    const DEFAULT_URL: Option<&'static str> = generated::DEFAULT_URL;

    /// The retry table for Insly.
    fn safety(operation: &str, _body: Option<&[u8]>) -> Safety {
        match operation {
            "update_policy" => Safety::AtMostOnce(
                "a mid-term adjustment charges or refunds the card and Insly has no idempotency key",
            ),
            _ => Safety::AtMostOnce("the operation is not in the retry table"),
        }
    }
}

impl transport::ClientBuilder<Api> {
    /// How the token is sent, if the tenant agreed on something other than
    /// `Authorization: Bearer` (e.g. `Auth::Header("x-api-token")`).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }
}

/// Insly's error body: `{"status": 400, "message": ..., "errors": {"field": [...]}}`.
fn problems(body: &[u8]) -> Vec<Problem> {
    let Ok(parsed) = serde_json::from_slice::<types::ErrorBody>(body) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    match parsed.errors {
        Some(types::FieldErrors::Object(by_field)) => {
            let mut fields: Vec<_> = by_field.into_iter().collect();
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            for (field, messages) in fields {
                let messages = match messages {
                    types::FieldErrorsObjectValue::Array(list) => list,
                    types::FieldErrorsObjectValue::String(one) => vec![one],
                };
                problems.extend(messages.into_iter().map(|message| Problem {
                    field: Some(field.clone()),
                    message,
                }));
            }
        }
        Some(types::FieldErrors::Array(messages)) => {
            problems.extend(messages.into_iter().map(|message| Problem {
                field: None,
                message,
            }));
        }
        None => {}
    }
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

impl TryFrom<chrono::NaiveDate> for types::UkDate {
    type Error = types::error::ConversionError;

    /// The `DD/MM/YYYY` text Insly wants for `birthdate`.
    fn try_from(value: chrono::NaiveDate) -> Result<Self, Self::Error> {
        value.format("%d/%m/%Y").to_string().parse()
    }
}

impl TryFrom<chrono::NaiveDate> for types::UpdatePolicyRequestEffectiveDate {
    type Error = types::error::ConversionError;

    /// The `DD/MM/YYYY` text Insly wants for `effective_date`.
    fn try_from(value: chrono::NaiveDate) -> Result<Self, Self::Error> {
        value.format("%d/%m/%Y").to_string().parse()
    }
}

impl operation::UpdatePolicy {
    /// Sends the mid-term adjustment. It charges or refunds the policy holder's card, so
    /// it is sent at most once: an unclear outcome is [`Error::OutcomeUnknown`], a 2xx we
    /// cannot read is [`Error::AppliedUnreadable`], and a refusal inside a 200 (`status`
    /// 0, or `declined`) is [`Error::Declined`].
    ///
    /// Validated first: `birthdate` and `effective_date` are real `DD/MM/YYYY` dates,
    /// `email` is an address, excesses and limits are not negative.
    ///
    /// ```no_run
    /// use partner_bindings::{insly, Error};
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = insly::Client::builder()
    ///     .environment(insly::Environment::Tenant("acme".into()))
    ///     .build()?; // token from INSLY_API_TOKEN
    /// let result = client
    ///     .update_policy()
    ///     .policy_oid(10_985_878)
    ///     .customer_oid(5_417_281)
    ///     .home_policy_excess(300.0)
    ///     .send()
    ///     .await;
    /// match result {
    ///     Ok(accepted) => println!("payable now: {:?}", accepted.payable()),
    ///     Err(e) if e.may_have_been_applied() => eprintln!("check the policy: {e}"),
    ///     Err(e) => eprintln!("not applied: {e}"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn send(mut self) -> Result<Accepted, Error> {
        let body = self.members()?;
        let mut checks = Checks::default();
        if let Some(date) = &body.birthdate {
            checks.check(
                validate::uk_date(date).is_some(),
                "birthdate",
                "must be a real date, DD/MM/YYYY",
            );
        }
        if let Some(date) = body.effective_date.as_deref().filter(|d| !d.is_empty()) {
            checks.check(
                validate::uk_date(date).is_some(),
                "effective_date",
                "must be a real date, DD/MM/YYYY, or empty for today",
            );
        }
        if let Some(email) = &body.email {
            checks.check(
                validate::is_email(email),
                "email",
                "must be an email address",
            );
        }
        for (field, amount) in [
            ("home_policy_excess", body.home_policy_excess),
            (
                "home_buildings_policy_excess",
                body.home_buildings_policy_excess,
            ),
            (
                "home_contents_policy_excess",
                body.home_contents_policy_excess,
            ),
            ("home_single_article_limit", body.home_single_article_limit),
            (
                "home_single_article_limit_personal_possessions",
                body.home_single_article_limit_personal_possessions,
            ),
        ] {
            if let Some(amount) = amount {
                checks.check(
                    amount >= 0.0 && amount.is_finite(),
                    field,
                    "must be an amount of at least 0",
                );
            }
        }
        checks.finish()?;
        let (response, raw) = self
            .client
            .run(|raw| async move { raw.update_policy().body(body).send().await })
            .await
            .map_err(refusal_in_unreadable)?;
        Accepted::from_envelope(response, raw)
    }
}

/// An adjustment Insly accepted and applied (`status` 1, or no status, and not declined,
/// with the re-priced policy). Only
/// [`operation::UpdatePolicy::send`] makes one, so what it reports as payable was agreed.
#[derive(Debug)]
pub struct Accepted {
    adjustment: types::Adjustment,
    response: Response<types::UpdatePolicyResponse>,
}

impl Accepted {
    /// Reads Insly's envelope: `status` 0 or `declined` is a refusal; `status` 1 (or none)
    /// with the re-priced policy is accepted; anything else was applied (a 2xx on an
    /// at-most-once call) but cannot be read.
    fn from_envelope(
        response: Response<types::UpdatePolicyResponse>,
        raw: RawResponse,
    ) -> Result<Accepted, Error> {
        // The spec ties status 1 to an applied body and 0 to a refused one; the decoder reads
        // either status in either shape (a server may break the tie), so the status decides.
        let (raw_status, adjustment, text, message) = match &*response {
            types::UpdatePolicyResponse::AppliedUpdate(applied) => (
                applied.status.as_ref(),
                Some(&applied.response),
                None,
                applied.extra.get("message").and_then(|m| m.as_str()),
            ),
            types::UpdatePolicyResponse::RefusedUpdate(refused) => (
                Some(&refused.status),
                None,
                refused.response.as_deref(),
                refused.message.as_deref(),
            ),
        };
        // Only a plain yes/no decides a refusal: `"N"` or `2` would be a guess either way,
        // and on an at-most-once change a wrong "refused" invites a second charge.
        let declined_flag = adjustment.and_then(|a| a.declined.as_ref());
        let declined = declined_flag.is_some_and(|d| d.is_plain() && d.get());
        let status = raw_status.and_then(|s| s.as_decimal());
        if let Some(message) = refusal(status, declined, text, message) {
            return Err(Error::Declined {
                response: raw,
                message,
            });
        }
        let unreadable = |reason: String| {
            Err(crate::error::unusable_success(
                "update_policy",
                true,
                raw.clone(),
                reason,
            ))
        };
        if let Some(flag) = declined_flag.filter(|d| !d.is_plain()) {
            let wire = serde_json::to_string(flag).unwrap_or_default();
            return unreadable(format!("declined is {wire}, not a plain yes/no"));
        }
        if let (Some(raw_status), None) = (raw_status, status) {
            return unreadable(format!("status is {raw_status:?}, not a number"));
        }
        match (status, adjustment.cloned()) {
            (Some(status), _) if status != rust_decimal::Decimal::ONE => {
                unreadable(format!("status is {status}, neither 0 nor 1"))
            }
            (_, Some(adjustment)) => Ok(Accepted {
                adjustment,
                response,
            }),
            (_, None) => {
                unreadable("status is not 0 but the answer has no re-priced policy".into())
            }
        }
    }

    /// The re-priced policy.
    pub fn adjustment(&self) -> &types::Adjustment {
        &self.adjustment
    }

    /// What the adjustment costs now, exactly: positive is payable by the policy holder,
    /// negative is a refund (`mta_payable`); `None` when the answer leaves it out.
    pub fn payable(&self) -> Option<rust_decimal::Decimal> {
        self.adjustment().mta_payable.as_ref()?.as_decimal()
    }

    /// The whole answer, with its status and headers.
    pub fn response(&self) -> &Response<types::UpdatePolicyResponse> {
        &self.response
    }
}

/// The refusal in Insly's envelope, with the provider's reason (the `response` text, else
/// a top-level `message`, else what the envelope says), or `None` when it is not one.
fn refusal(
    status: Option<rust_decimal::Decimal>,
    declined: bool,
    text: Option<&str>,
    message: Option<&str>,
) -> Option<String> {
    let refused = status.is_some_and(|s| s.is_zero());
    if !refused && !declined {
        return None;
    }
    let given = [text, message]
        .into_iter()
        .flatten()
        .find(|m| !m.trim().is_empty());
    Some(match given {
        Some(reason) => reason.to_owned(),
        None if declined => "the insurer declined the change".into(),
        None => "status 0: the change was refused".into(),
    })
}

/// An answer that did not decode may still be Insly's refusal (`status` 0 beside members
/// of an unexpected shape): then it is [`Error::Declined`], not an applied change.
fn refusal_in_unreadable(error: Error) -> Error {
    #[derive(serde::Deserialize)]
    struct Envelope {
        status: Option<crate::wire::FlexNumber>,
        response: Option<serde_json::Value>,
        message: Option<serde_json::Value>,
    }
    let Error::AppliedUnreadable { response, .. } = &error else {
        return error;
    };
    let Ok(envelope) = serde_json::from_slice::<Envelope>(response.body()) else {
        return error;
    };
    let status = envelope.status.as_ref().and_then(|s| s.as_decimal());
    let text = envelope.response.as_ref().and_then(|r| r.as_str());
    let message = envelope.message.as_ref().and_then(|m| m.as_str());
    match refusal(status, false, text, message) {
        Some(message) => Error::Declined {
            response: response.clone(),
            message,
        },
        None => error,
    }
}
