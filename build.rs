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
        let code = generate(
            &spec_path,
            &Path::new(&out_dir).join(format!("{provider}.json")),
        );
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

/// Generates the client code, and writes the spec as JSON to `json_path` (the sandbox and
/// the CLI serve it without a YAML parser at run time).
fn generate(spec_path: &str, json_path: &Path) -> String {
    let text = fs::read_to_string(spec_path).unwrap_or_else(|e| panic!("reading {spec_path}: {e}"));
    // YAML is a superset of JSON, so this reads either form.
    let mut value: serde_json::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{spec_path} is not YAML: {e}"));
    fs::write(
        json_path,
        serde_json::to_string(&value).expect("a JSON value"),
    )
    .unwrap_or_else(|e| panic!("writing {}: {e}", json_path.display()));
    let empty_objects = empty_array_members(&mut value);
    null_branches_as_nullable(&mut value);
    let patch_fields = partial_update_fields(&value);
    let open_members = open_member_lists(&value);
    let sensitive = sensitive_components(&value, spec_path);
    map_media_types(&mut value);
    any_of_as_one_of(&mut value);
    let spec: openapiv3::OpenAPI = serde_json::from_value(value)
        .unwrap_or_else(|e| panic!("{spec_path} is not an OpenAPI 3.0 document: {e}"));
    let mut settings = settings();
    // Members the spec marks `x-sensitive: true` must never reach Debug output or logs.
    for name in &sensitive {
        settings.with_replacement(name, "crate::Secret", std::iter::empty::<TypeImpl>());
    }
    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .unwrap_or_else(|e| panic!("progenitor failed on {spec_path}: {e}"));
    let mut file: syn::File = syn::parse2(tokens)
        .unwrap_or_else(|e| panic!("generated code for {spec_path} does not parse: {e}"));
    syn::visit_mut::visit_file_mut(&mut ExtraDefaults, &mut file);
    for (type_name, field) in &patch_fields {
        let mut rewrite = TriState {
            type_name,
            field,
            in_scope: false,
            hits: 0,
        };
        syn::visit_mut::visit_file_mut(&mut rewrite, &mut file);
        assert!(
            rewrite.hits >= 3,
            "{spec_path}: tri-state field {type_name}.{field} not found in generated code"
        );
    }
    for (type_name, field) in &empty_objects {
        let mut rewrite = EmptyAsNone {
            type_name,
            field,
            hits: 0,
        };
        syn::visit_mut::visit_file_mut(&mut rewrite, &mut file);
        assert_eq!(
            rewrite.hits, 1,
            "{spec_path}: member {type_name}.{field} (object or []) not found in generated code"
        );
    }
    let with_extra = structs_with_extra(&file);
    for (type_name, members) in open_members {
        if !with_extra.contains(&type_name) {
            continue;
        }
        let ident = syn::Ident::new(&type_name, proc_macro2::Span::call_site());
        file.items.push(syn::parse_quote! {
            impl crate::wire::OpenMembers for types::#ident {
                const DECLARED: &'static [&'static str] = &[#(#members),*];
                fn extra(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
                    &self.extra
                }
            }
        });
    }
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
        // The generated Client carries the facade's per-call state (auth, timeouts, retry
        // table, the raw last response) so its hooks can do the transport work.
        .with_inner_type(
            "crate::transport::Call"
                .parse::<proc_macro2::TokenStream>()
                .expect("a type path"),
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

/// The specs write "this or null" the way OpenAPI 3.0 validators accept,
/// `anyOf: [<schema>, {type: .., nullable: true, enum: [null]}]` (`nullable` beside a bare
/// `allOf` has no effect for them). typify understands the older `allOf: [<schema>]` plus
/// `nullable: true` and makes an `Option`; give it that.
fn null_branches_as_nullable(value: &mut serde_json::Value) {
    let is_null_only = |branch: &serde_json::Value| {
        branch.get("nullable") == Some(&serde_json::Value::Bool(true))
            && branch.get("enum") == Some(&serde_json::json!([null]))
    };
    match value {
        serde_json::Value::Object(map) => {
            for key in ["anyOf", "oneOf"] {
                let Some(serde_json::Value::Array(branches)) = map.get_mut(key) else {
                    continue;
                };
                let before = branches.len();
                branches.retain(|b| !is_null_only(b));
                if branches.len() == before {
                    continue;
                }
                map.insert("nullable".to_string(), serde_json::Value::Bool(true));
                if key == "anyOf" && map[key].as_array().is_some_and(|b| b.len() == 1) {
                    let single = map.remove(key).expect("present");
                    map.insert("allOf".to_string(), single);
                }
            }
            map.values_mut().for_each(null_branches_as_nullable);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(null_branches_as_nullable),
        _ => {}
    }
}

/// The specs write open enums as `anyOf: [<known values>, string]` (a known value matches
/// both, so `oneOf` would be wrong for other languages' validators). typify turns `anyOf`
/// into a struct of flattened options, which cannot hold a string; as `oneOf` it makes an
/// untagged enum tried in order (known first), which is exactly the Rust type we want.
fn any_of_as_one_of(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(any_of) = map.remove("anyOf") {
                map.insert("oneOf".to_string(), any_of);
            }
            map.values_mut().for_each(any_of_as_one_of);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(any_of_as_one_of),
        _ => {}
    }
}

/// The spec's component schemas, by name.
fn component_schemas(
    spec: &serde_json::Value,
) -> impl Iterator<Item = (&String, &serde_json::Value)> {
    spec.pointer("/components/schemas")
        .and_then(|s| s.as_object())
        .into_iter()
        .flatten()
}

fn is_sensitive(schema: &serde_json::Value) -> bool {
    schema.get("x-sensitive") == Some(&serde_json::Value::Bool(true))
}

/// Whether an `x-sensitive` marker sits anywhere below `value` (not on `value` itself).
fn sensitive_below(value: &serde_json::Value) -> bool {
    let below = |child: &serde_json::Value| is_sensitive(child) || sensitive_below(child);
    match value {
        serde_json::Value::Object(map) => map.values().any(below),
        serde_json::Value::Array(items) => items.iter().any(below),
        _ => false,
    }
}

/// Component schemas marked `x-sensitive: true` (a secret string). The marker belongs on
/// a component so that every member using it, in requests and responses, gets the
/// redacting type; anywhere else it would be silently ignored, so it is refused.
fn sensitive_components(spec: &serde_json::Value, spec_path: &str) -> Vec<String> {
    let inline = format!("{spec_path}: put x-sensitive on a component schema, not inline");
    let mut names = Vec::new();
    for (name, schema) in component_schemas(spec) {
        assert!(!sensitive_below(schema), "{inline}");
        if is_sensitive(schema) {
            assert_eq!(
                schema.get("type").and_then(|t| t.as_str()),
                Some("string"),
                "{spec_path}: x-sensitive component {name} must be a string"
            );
            names.push(name.clone());
        }
    }
    let paths = &spec["paths"];
    assert!(!is_sensitive(paths) && !sensitive_below(paths), "{inline}");
    names
}

/// PHP servers send `[]` for an empty object. The specs say so per member, as
/// `anyOf: [<object>, EmptyArray, null]`; typify would make an enum of it. Drop the
/// `EmptyArray` branch (the member stays an `Option` of the object) and return the
/// members, as (Rust type name, Rust field name), whose decoder then reads `[]` as
/// absent (`crate::wire::empty_as_none`).
fn empty_array_members(spec: &mut serde_json::Value) -> Vec<(String, String)> {
    let empty = serde_json::json!({"$ref": "#/components/schemas/EmptyArray"});
    let mut members = Vec::new();
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(|s| s.as_object_mut())
    else {
        return members;
    };
    for (name, schema) in schemas.iter_mut() {
        let Some(properties) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) else {
            continue;
        };
        for (prop, prop_schema) in properties.iter_mut() {
            for key in ["anyOf", "oneOf"] {
                let Some(serde_json::Value::Array(branches)) = prop_schema.get_mut(key) else {
                    continue;
                };
                let before = branches.len();
                branches.retain(|b| *b != empty);
                if branches.len() < before {
                    members.push((name.clone(), snake_case(prop)));
                }
            }
        }
    }
    members
}

/// For every component object with both declared members and an open member map
/// (`additionalProperties`), its name and the wire names of the declared members: a
/// key in the open map must not shadow one of them.
fn open_member_lists(spec: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    let mut lists = Vec::new();
    for (name, schema) in component_schemas(spec) {
        let open = schema
            .get("additionalProperties")
            .is_some_and(|a| *a != serde_json::Value::Bool(false));
        if let (true, Some(properties)) = (open, schema["properties"].as_object()) {
            lists.push((name.clone(), properties.keys().cloned().collect()));
        }
    }
    lists
}

/// Names of the generated structs that have an `extra` member map.
fn structs_with_extra(file: &syn::File) -> Vec<String> {
    let mut names = Vec::new();
    for item in &file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        for item in module.content.iter().flat_map(|(_, items)| items) {
            if let syn::Item::Struct(s) = item {
                if s.fields
                    .iter()
                    .any(|f| f.ident.as_ref().is_some_and(|i| i == "extra"))
                {
                    names.push(s.ident.to_string());
                }
            }
        }
    }
    names
}

/// Adds `deserialize_with = "crate::wire::empty_as_none"` to one generated member, so
/// that PHP's `[]` (and `null`) decode as absent.
struct EmptyAsNone<'a> {
    type_name: &'a str,
    field: &'a str,
    hits: usize,
}

impl syn::visit_mut::VisitMut for EmptyAsNone<'_> {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        // The builders hold the same names; only the decoded types need the attribute.
        if item.ident != "builder" {
            syn::visit_mut::visit_item_mod_mut(self, item);
        }
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        if item.ident != self.type_name {
            return;
        }
        for field in item.fields.iter_mut() {
            if field.ident.as_ref().is_some_and(|i| i == self.field) {
                field.attrs.push(syn::parse_quote!(
                    #[serde(default, deserialize_with = "crate::wire::empty_as_none")]
                ));
                self.hits += 1;
            }
        }
    }
}

/// The members of partial-update request objects (`x-partial-update: true`) that may be
/// cleared (`nullable: true`, not required), as (Rust type name, Rust field name). typify
/// makes them `Option<T>`, which cannot tell "keep" (absent) from "clear" (`null`).
fn partial_update_fields(spec: &serde_json::Value) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for (name, schema) in component_schemas(spec) {
        if schema.get("x-partial-update") != Some(&serde_json::Value::Bool(true)) {
            continue;
        }
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        for (prop, prop_schema) in schema["properties"].as_object().into_iter().flatten() {
            if prop_schema.get("nullable") == Some(&serde_json::Value::Bool(true))
                && !required.contains(&prop.as_str())
            {
                fields.push((name.clone(), snake_case(prop)));
            }
        }
    }
    fields
}

/// typify's field naming for the members we touch (camelCase or snake_case in the spec).
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Turns one generated member `Option<T>` into `crate::wire::Patch<T>` (keep / clear / set)
/// everywhere it appears: the struct field and its serde attribute, the builder's field and
/// the builder's setter. Everything else generated for the type is left as is.
struct TriState<'a> {
    type_name: &'a str,
    field: &'a str,
    in_scope: bool,
    hits: usize,
}

impl syn::visit_mut::VisitMut for TriState<'_> {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        if item.ident != self.type_name {
            return;
        }
        for field in item.fields.iter_mut() {
            if field.ident.as_ref().is_some_and(|i| i == self.field) {
                self.in_scope = true;
                self.visit_type_mut(&mut field.ty);
                self.in_scope = false;
                for attr in field
                    .attrs
                    .iter_mut()
                    .filter(|a| a.path().is_ident("serde"))
                {
                    let text = quote::ToTokens::to_token_stream(attr).to_string().replace(
                        "\"::std::option::Option::is_none\"",
                        "\"crate::wire::Patch::is_keep\", default",
                    );
                    let parsed = syn::parse::Parser::parse_str(syn::Attribute::parse_outer, &text)
                        .expect("rewritten serde attribute parses");
                    *attr = parsed.into_iter().next().expect("one attribute");
                }
            }
        }
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let is_builder_impl = item.trait_.is_none()
            && matches!(&*item.self_ty, syn::Type::Path(p)
                if p.path.segments.last().is_some_and(|s| s.ident == self.type_name));
        if !is_builder_impl {
            return;
        }
        for impl_item in item.items.iter_mut() {
            if let syn::ImplItem::Fn(method) = impl_item {
                if method.sig.ident == self.field {
                    self.in_scope = true;
                    syn::visit_mut::visit_signature_mut(self, &mut method.sig);
                    self.in_scope = false;
                }
            }
        }
    }

    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        if self.in_scope {
            if let syn::Type::Path(path) = ty {
                if let Some(last) = path.path.segments.last() {
                    if last.ident == "Option" {
                        if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                            let args = args.clone();
                            *ty = syn::parse_quote!(crate::wire::Patch #args);
                            self.hits += 1;
                            return;
                        }
                    }
                }
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// typify's builders require the `extra` map (the spec's `additionalProperties`) to be set
/// even when empty; a builder should start with no extra members, like every other
/// optional member.
struct ExtraDefaults;

impl syn::visit_mut::VisitMut for ExtraDefaults {
    fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
        let is_extra = matches!(&field.member, syn::Member::Named(name) if name == "extra");
        let unset = quote::ToTokens::to_token_stream(&field.expr)
            .to_string()
            .contains("no value supplied for extra");
        if is_extra && unset {
            field.expr = syn::parse_quote!(Ok(Default::default()));
        }
        syn::visit_mut::visit_field_value_mut(self, field);
    }
}
