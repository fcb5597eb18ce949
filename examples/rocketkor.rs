//! Update a RocketKOR card holder's profile (PUT): a pronoun, a cleared middle name and a
//! phone number as people type it.
//!
//! `cargo run --example rocketkor --no-default-features --features rocketkor,tls-ring`, with
//! `ROCKETKOR_ACCESS_TOKEN` and `ROCKETKOR_HOST` (e.g. `api.sandbox.rocketkor.com`) or
//! `ROCKETKOR_URL` (e.g. the sandbox's `http://127.0.0.1:8080/rocketkor`, token
//! `sandbox-token`).

use partner_bindings::{rocketkor, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let environment = match (
        std::env::var("ROCKETKOR_URL"),
        std::env::var("ROCKETKOR_HOST"),
    ) {
        (Ok(url), _) => rocketkor::Environment::Custom(url),
        (_, Ok(host)) => rocketkor::Environment::Host(host),
        _ => return Err("set ROCKETKOR_HOST or ROCKETKOR_URL".into()),
    };
    let client = rocketkor::Client::builder()
        .environment(environment)
        .build()?;
    let phone = rocketkor::types::PhoneNumberInput::builder().number(Some(
        rocketkor::types::PhoneNumberInputNumber::normalized("+1 (617) 555-0100")?,
    ));
    let result = client
        .update_individual_customer("0e01f271-80b1-4724-b5dc-6959c7cd88dc")
        .pronoun("She/Her")
        .clear_middle_name()
        .primary_phone_number(phone)
        .send()
        .await;
    match result {
        Ok(customer) => println!("now {:?}", customer.primary_phone_number),
        Err(Error::Validation(broken)) => println!("not sent: {broken:?}"),
        Err(e) => println!("{e}"),
    }
    Ok(())
}
