//! Generates one typed client per enabled provider from `specs/<provider>.yaml` with
//! progenitor, into `$OUT_DIR/<provider>.rs` (included by `src/<provider>/generated.rs`).
//!
//! Every generator setting lives in `settings()` below, each with its reason. The generated
//! code is never edited: when it is wrong, fix the spec or a setting here.

use std::{env, fs, path::Path, time::Instant};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};

/// Providers in the order of their cargo features.
const PROVIDERS: [&str; 4] = ["rentalcover", "insly", "ecurring", "rocketkor"];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PARTNER_BINDINGS_CODEGEN_TIMINGS");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for provider in PROVIDERS {
        // Only the enabled providers are generated, so one feature compiles one client.
        let feature = format!("CARGO_FEATURE_{}", provider.to_uppercase());
        if env::var_os(feature).is_none() {
            continue;
        }
        let spec_path = format!("specs/{provider}.yaml");
        println!("cargo:rerun-if-changed={spec_path}");
        let started = Instant::now();
        let code = generate(&spec_path);
        fs::write(Path::new(&out_dir).join(format!("{provider}.rs")), code)
            .unwrap_or_else(|e| panic!("writing generated {provider}.rs: {e}"));
        if env::var_os("PARTNER_BINDINGS_CODEGEN_TIMINGS").is_some() {
            println!(
                "cargo:warning=codegen {provider}: {} ms",
                started.elapsed().as_millis()
            );
        }
    }
}

fn generate(spec_path: &str) -> String {
    let text = fs::read_to_string(spec_path).unwrap_or_else(|e| panic!("reading {spec_path}: {e}"));
    // YAML is a superset of JSON, so this reads either form.
    let mut value: serde_json::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{spec_path} is not YAML: {e}"));
    map_media_types(&mut value);
    let spec: openapiv3::OpenAPI = serde_json::from_value(value)
        .unwrap_or_else(|e| panic!("{spec_path} is not an OpenAPI 3.0 document: {e}"));
    let mut generator = Generator::new(&settings());
    let tokens = generator
        .generate_tokens(&spec)
        .unwrap_or_else(|e| panic!("progenitor failed on {spec_path}: {e}"));
    let file: syn::File = syn::parse2(tokens)
        .unwrap_or_else(|e| panic!("generated code for {spec_path} does not parse: {e}"));
    prettyplease::unparse(&file)
}

/// The generator settings, the same for every provider.
fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        // Builders give optional parameters names at the call site and grow without breaking callers.
        .with_interface(InterfaceStyle::Builder)
        // One `Client` per provider; tags are documentation only.
        .with_tag(TagStyle::Merged)
        // Lets tests and users compare requests and decoded responses.
        .with_derive("PartialEq")
        // typify would make an f64 and lose the wire text ("12.0000", 60 vs "60"); money needs it exact.
        .with_replacement(
            "FlexNumber",
            "crate::wire::FlexNumber",
            std::iter::empty::<TypeImpl>(),
        )
        // typify would make a three-armed enum; one type with `.get()` that keeps the wire form is kinder.
        .with_replacement(
            "FlexBool",
            "crate::wire::FlexBool",
            std::iter::empty::<TypeImpl>(),
        )
        // typify's DateTime<Utc> rewrites "+01:00" to "Z"; keep the server's text and send Atom "+00:00".
        .with_replacement(
            "Timestamp",
            "crate::wire::Timestamp",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    settings
}

/// progenitor rejects `application/vnd.api+json` (JSON:API) bodies; the bytes are plain JSON,
/// so generate them as `application/json`. The provider module restores the real media type
/// on the wire in its `ClientHooks::pre`.
fn map_media_types(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(body) = map.remove("application/vnd.api+json") {
                map.insert("application/json".to_string(), body);
            }
            map.values_mut().for_each(map_media_types);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(map_media_types),
        _ => {}
    }
}
