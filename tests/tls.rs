//! The TLS backend features: a client builds with either crypto provider. CI also runs this
//! file with `--no-default-features --features ecurring,tls-ring`, where reqwest has no
//! provider of its own and the client's builder installs ring's.
#![cfg(feature = "ecurring")]

use partner_bindings::ecurring;

#[test]
fn a_client_builds_with_the_tls_backend_enabled() {
    let client = ecurring::Client::builder()
        .environment(ecurring::Environment::Custom(
            "https://api.example.test".to_string(),
        ))
        .credential("key")
        .build();
    assert!(client.is_ok(), "{:?}", client.err());
    // reqwest without aws-lc-rs has no provider of its own: building the client installed
    // one (ring's, the only one compiled in).
    #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc-rs")))]
    assert!(
        rustls::crypto::CryptoProvider::get_default().is_some(),
        "building the client installed a provider"
    );
}
