//! eCurring: partial update of a subscription customer over JSON:API (`updateCustomer`).
//!
//! [`Client`] and the request and response [`types`] are generated at build time from
//! `specs/ecurring.yaml` (see build.rs); this module adds only what is needed to call them.

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
    error::{from_builder, Problem},
    response::Response,
    transport::{self, Auth, ProviderApi, Safety},
    validate::Checks,
    Error,
};

/// The transport settings of eCurring in [`transport::ClientBuilder`].
#[derive(Debug)]
pub enum Api {}

impl ProviderApi for Api {
    const NAME: &'static str = "ecurring";
    const AUTH: Auth = Auth::Header("x-authorization");
    const MEDIA_TYPE: &'static str = "application/vnd.api+json";
    const CREDENTIAL_ENV: &'static str = "ECURRING_API_KEY";
    const DEFAULT_URL: Option<&'static str> = generated::DEFAULT_URL;

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

impl operation::UpdateCustomer {
    /// Sends the change. Each attribute is a tri-state: not set keeps it, `clear_<member>()`
    /// sends `null`, a value replaces it.
    ///
    /// Validated first: `iban` needs `bank_holder` in the same request; `id` must be
    /// eCurring's identifier form.
    ///
    /// ```no_run
    /// use partner_bindings::{ecurring, Error};
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = ecurring::Client::builder().credential("api-key").build()?;
    /// let result = client
    ///     .update_customer("1")
    ///     .street("Payment lane")
    ///     .house_number("1")
    ///     .clear_house_number_add() // sent as null
    ///     .send()
    ///     .await;
    /// match result {
    ///     Ok(customer) => println!("{:?}", customer.data),
    ///     Err(Error::Validation(violations)) => eprintln!("not sent: {violations:?}"),
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn send(mut self) -> Result<Response<types::CustomerDocument>, Error> {
        let attributes = self.members()?;
        let id = self
            .id
            .take()
            .ok_or_else(|| Error::invalid("id", "is required"))?;
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
                id: id
                    .as_str()
                    .parse()
                    .map_err(|e| from_builder(e, generated::wire_name))?,
                type_: types::CustomerUpdateResourceType::Customer,
            },
        };
        self.client
            .run(|raw| async move { raw.update_customer().id(id).body(document).send().await })
            .await
            .map(|(value, _)| value)
    }
}
