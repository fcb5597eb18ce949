//! Change an eCurring customer's address (JSON:API PATCH; a cleared member is sent as null).
//!
//! `cargo run --example ecurring --no-default-features --features ecurring,tls-ring`, with
//! `ECURRING_API_KEY` set; `ECURRING_URL` chooses another server (e.g. the sandbox's
//! `http://127.0.0.1:8080/ecurring`, key `sandbox-key`).

use partner_bindings::{ecurring, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let environment = match std::env::var("ECURRING_URL") {
        Ok(url) => ecurring::Environment::Custom(url),
        Err(_) => ecurring::Environment::Production,
    };
    let client = ecurring::Client::builder()
        .environment(environment)
        .build()?;
    let result = client
        .update_customer("1")
        .street("Keizersgracht")
        .house_number("123")
        .clear_house_number_add()
        .postalcode("1015CJ")
        .city("Amsterdam")
        .send()
        .await;
    match result {
        Ok(customer) => println!(
            "{:?} (request id {:?})",
            customer.data.as_ref().and_then(|d| d.attributes.as_ref()),
            customer.request_id()
        ),
        Err(Error::Validation(broken)) => println!("not sent: {broken:?}"),
        Err(e) => println!("{e}"),
    }
    Ok(())
}
