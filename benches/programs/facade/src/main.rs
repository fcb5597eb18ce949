//! One RentalCover quote through the facade (the user program of the build row).

use partner_bindings::{rentalcover, Decimal};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("RENTALCOVER_URL")?;
    let client = rentalcover::Client::builder()
        .environment(rentalcover::Environment::Custom(url))
        .credential("sandbox-key")
        .build()?;
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
    println!("{}", quote.adjustment());
    Ok(())
}
