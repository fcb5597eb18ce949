//! Re-price a RentalCover policy change, show it, and apply it with a ceiling.
//!
//! `cargo run --example rentalcover --no-default-features --features rentalcover,tls-ring`, with
//! `RENTALCOVER_API_KEY` set; `RENTALCOVER_URL` chooses another server (e.g. the sandbox:
//! `partner-bindings sandbox --port 8080`, then `http://127.0.0.1:8080/rentalcover` and the
//! key `sandbox-key`).

use partner_bindings::{
    rentalcover::{self, Environment, Money},
    Decimal, Error,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let environment = match std::env::var("RENTALCOVER_URL") {
        Ok(url) => Environment::Custom(url),
        Err(_) => Environment::Staging,
    };
    let client = rentalcover::Client::builder()
        .environment(environment)
        .build()?;
    // The policy cost AUD 60.00 before the change; five days instead of four.
    let quote = client
        .update_insurance("AB12-345C-INS")
        .from_date("2026-12-01 10:00:00")
        .to_date("2026-12-05 10:00:00")
        .first_name("Jack")
        .last_name("Smith")
        .email("jacksmith@myemail.com.au")
        .country("AU")
        .quote(Decimal::new(6000, 2))
        .await?;
    println!("quoted: {}", quote.adjustment());
    match client
        .confirm(quote)
        .max_charge(Money::new(Decimal::new(2000, 2), "AUD"))
        .send()
        .await
    {
        Ok(applied) => println!(
            "applied: {}, now {}",
            applied.adjustment(),
            applied.new_total()
        ),
        Err(Error::Validation(broken)) => println!("not sent: {broken:?}"),
        Err(e) if e.may_have_been_applied() => println!("may have been charged, check: {e}"),
        Err(e) => println!("not applied: {e}"),
    }
    Ok(())
}
