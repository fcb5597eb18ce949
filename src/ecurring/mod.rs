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
pub use generated::{types, ResponseValue};

pub use crate::wire::Patch;

use crate::{
    error::{from_builder, Problem},
    transport::{self, Auth, Provider, Safety},
    validate::Checks,
    Error,
};

/// The eCurring API server (the default).
pub const DEFAULT_URL: &str = "https://api.ecurring.com";

/// Marker for eCurring in [`transport::ClientBuilder`].
#[derive(Debug)]
pub enum Api {}

impl Provider for Api {
    const NAME: &'static str = "ecurring";
    const AUTH: Auth = Auth::Header("x-authorization");
    const MEDIA_TYPE: &'static str = "application/vnd.api+json";
    const CREDENTIAL_ENV: &'static str = "ECURRING_API_KEY";
    const DEFAULT_URL: Option<&'static str> = Some(DEFAULT_URL);

    /// The retry table for eCurring.
    fn safety(operation: &str, _body: Option<&[u8]>) -> Safety {
        match operation {
            // PATCH sets each sent attribute to a given value (or null): applying it twice
            // leaves the customer as applying it once.
            "update_customer" => Safety::Repeatable,
            _ => Safety::AtMostOnce("the operation is not in the retry table"),
        }
    }
}

/// JSON:API errors: `{"errors": [{"detail": ..., "source": {"pointer": ...}}]}`.
fn problems(body: &[u8]) -> Vec<Problem> {
    let Ok(document) = serde_json::from_slice::<types::ErrorDocument>(body) else {
        return Vec::new();
    };
    document
        .errors
        .into_iter()
        .map(|error| Problem {
            field: error
                .source
                .and_then(|s| s.pointer.or(s.parameter))
                .map(|p| p.trim_start_matches("/data/attributes/").to_string()),
            message: error
                .detail
                .or(error.title)
                .unwrap_or_else(|| "no detail given".to_string()),
        })
        .collect()
}

transport::provider_client!();

impl Client {
    /// Changes some attributes of customer `id`. Each attribute is a tri-state: not set
    /// keeps it, [`Patch::Clear`] sends `null`, a value (or [`Patch::Set`]) replaces it.
    ///
    /// Validated first: `iban` needs `bank_holder` in the same request; `id` must be
    /// eCurring's identifier form.
    ///
    /// ```no_run
    /// use partner_bindings::ecurring::{self, types, Patch};
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = ecurring::Client::builder().credential("api-key").build()?;
    /// let change = types::CustomerAttributesUpdate::builder()
    ///     .street(Some("Payment lane".to_string()))
    ///     .house_number(Some("1".to_string()))
    ///     .house_number_add(Patch::Clear); // sent as null
    /// let customer = client.update_customer("1", change).await?;
    /// println!("{:?}", customer.data.as_ref().and_then(|d| d.attributes.as_ref()));
    /// # Ok(()) }
    /// ```
    pub async fn update_customer(
        &self,
        id: &str,
        attributes: types::builder::CustomerAttributesUpdate,
    ) -> Result<ResponseValue<types::CustomerDocument>, Error> {
        let path_id: types::UpdateCustomerId = id
            .parse()
            .map_err(|_| Error::invalid("id", "must be letters, digits, `_` or `-`, not empty"))?;
        let attributes: types::CustomerAttributesUpdate =
            attributes.try_into().map_err(from_builder)?;
        let mut checks = Checks::default();
        if let Patch::Set(_) = attributes.iban {
            checks.check(
                attributes.bank_holder.as_set().is_some(),
                "bank_holder",
                "is required when iban is sent",
            );
        }
        checks.finish()?;
        let document = types::CustomerUpdateDocument {
            data: types::CustomerUpdateResource {
                attributes,
                id: id.parse().map_err(from_builder)?,
                type_: types::CustomerUpdateResourceType::Customer,
            },
        };
        self.run(|raw| async move {
            raw.update_customer()
                .id(path_id)
                .body(document)
                .send()
                .await
        })
        .await
        .map(|(value, _)| value)
    }
}
