//! Generates one typed client per enabled provider from `specs/<provider>.yaml` with
//! progenitor, into `$OUT_DIR/<provider>.rs` (included by `src/<provider>/generated.rs`).
//!
//! Every generator setting lives in `settings()` below, each with its reason. The generated
//! code is never edited: when it is wrong, fix the spec or a setting here.

use std::{env, fs, path::Path, time::Instant};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;

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
            provider,
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
fn generate(provider: &str, spec_path: &str, json_path: &Path) -> String {
    let text = fs::read_to_string(spec_path).unwrap_or_else(|e| panic!("reading {spec_path}: {e}"));
    // YAML is a superset of JSON, so this reads either form.
    let mut value: serde_json::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{spec_path} is not YAML: {e}"));
    fs::write(
        json_path,
        serde_json::to_string(&value).expect("a JSON value"),
    )
    .unwrap_or_else(|e| panic!("writing {}: {e}", json_path.display()));
    let value_before_rewrites = value.clone();
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
    syn::visit_mut::visit_file_mut(&mut NonExhaustive, &mut file);
    syn::visit_mut::visit_file_mut(&mut DocumentRest { module: Vec::new() }, &mut file);
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
    direct_open_decoders(&mut file);
    kind_dispatched_alternatives(&mut file);
    object_alternatives(&mut file);
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
    let operations = fluent_builders(provider, &value_before_rewrites, &file);
    let names = wire_names(&file);
    let environment = environments(&value_before_rewrites);
    file.items.push(syn::Item::Mod(operations));
    file.items.push(syn::Item::Fn(names));
    file.items.extend(environment);
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
        // Insly's outcome flag: the spec ties 1 to an applied body and 0 to a refused one (so
        // a mock sends only those); the client reads either as the same exact-text number and
        // decides on the value itself, so a body that breaks the tie is still read and told.
        .with_replacement(
            "AppliedStatus",
            "crate::wire::FlexNumber",
            std::iter::empty::<TypeImpl>(),
        )
        .with_replacement(
            "RefusedStatus",
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

/// serde's `flatten` (the `extra` map of an open object) buffers every member of the
/// object before decoding it, and again inside each nested open object, so a response is
/// read several times over. For each such type in `types`, the derived `Deserialize` is
/// replaced by a visitor that decodes the declared members in place and collects the rest
/// into `extra`, keeping serde's rules for renames, defaults, `deserialize_with` and absent
/// members. A type with a serde attribute this does not know keeps the derive.
fn direct_open_decoders(file: &mut syn::File) {
    let Some(items) = types_items(file) else {
        return;
    };
    let decoders: Vec<syn::Item> = items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => open_decoder(s),
            _ => None,
        })
        .collect();
    items.extend(decoders);
}

/// The items of the generated `types` module, where the decoders are added.
fn types_items(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    })
}

/// Takes `Deserialize` out of the type's `#[derive(..)]` (its decoder is written here
/// instead); `false`, with the attributes untouched, when it derives none.
fn drop_derived_deserialize(attrs: &mut [syn::Attribute]) -> bool {
    let Some(derive) = attrs.iter_mut().find(|a| a.path().is_ident("derive")) else {
        return false;
    };
    let Ok(paths) = derive.parse_args_with(
        syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
    ) else {
        return false;
    };
    let is_deserialize =
        |p: &syn::Path| p.segments.last().is_some_and(|l| l.ident == "Deserialize");
    if !paths.iter().any(is_deserialize) {
        return false;
    }
    let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_deserialize(p)).collect();
    *derive = syn::parse_quote!(#[derive(#(#kept),*)]);
    true
}

/// The JSON kind a generated type reads.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Object,
    Array,
    Text,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::Text => "a string",
        }
    }
}

/// The kind `ty` reads, where it is plain from the type: maps and structs with members
/// read objects, `Vec`s arrays, `String`s and unit-only enums text; `None` otherwise.
fn kind_of(ty: &syn::Type, named: &std::collections::HashMap<String, Kind>) -> Option<Kind> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?.ident.to_string();
    match last.as_str() {
        "Map" | "HashMap" | "BTreeMap" => Some(Kind::Object),
        "Vec" => Some(Kind::Array),
        "String" => Some(Kind::Text),
        other if path.path.segments.len() == 1 => named.get(other).copied(),
        _ => None,
    }
}

/// typify makes `oneOf`/`anyOf` an untagged enum, which buffers the value and tries each
/// alternative on the copy (and again in each nested one: Insly's covers are three deep).
/// Where every alternative reads a different JSON kind (an object or `[]`, a list or one
/// item), the kind alone picks it: those enums get a decoder that reads the value once and
/// hands it to the one alternative of its kind. Others (two objects, an open enum of known
/// and any text) stay untagged.
fn kind_dispatched_alternatives(file: &mut syn::File) {
    let Some(items) = types_items(file) else {
        return;
    };
    let mut named = std::collections::HashMap::new();
    for item in items.iter() {
        match item {
            syn::Item::Struct(s) => match &s.fields {
                syn::Fields::Named(_) => {
                    named.insert(s.ident.to_string(), Kind::Object);
                }
                syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                    if let Some(kind) = kind_of(&fields.unnamed[0].ty, &named) {
                        named.insert(s.ident.to_string(), kind);
                    }
                }
                _ => {}
            },
            syn::Item::Enum(e)
                if e.variants
                    .iter()
                    .all(|v| matches!(v.fields, syn::Fields::Unit)) =>
            {
                named.insert(e.ident.to_string(), Kind::Text);
            }
            _ => {}
        }
    }
    let decoders: Vec<syn::Item> = items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Enum(e) => kind_decoder(e, &named),
            _ => None,
        })
        .collect();
    items.extend(decoders);
}

/// The kind-dispatching decoder of one untagged enum (see [`kind_dispatched_alternatives`]),
/// dropping its derived `Deserialize`; `None` (untouched) when the kinds do not tell its
/// alternatives apart.
fn kind_decoder(
    e: &mut syn::ItemEnum,
    named: &std::collections::HashMap<String, Kind>,
) -> Option<syn::Item> {
    let untagged: syn::Attribute = syn::parse_quote!(#[serde(untagged)]);
    if !e.attrs.contains(&untagged) {
        return None;
    }
    let mut alternatives = Vec::new();
    for variant in &e.variants {
        let syn::Fields::Unnamed(fields) = &variant.fields else {
            return None;
        };
        if fields.unnamed.len() != 1 || variant.attrs.iter().any(|a| a.path().is_ident("serde")) {
            return None;
        }
        let ty = fields.unnamed[0].ty.clone();
        let kind = kind_of(&ty, named)?;
        if alternatives.iter().any(|(_, _, k)| *k == kind) {
            return None;
        }
        alternatives.push((variant.ident.clone(), ty, kind));
    }
    if e.attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .count()
        != 1
    {
        return None;
    }
    // `untagged` stays: the derived `Serialize` writes the alternative itself.
    if !drop_derived_deserialize(&mut e.attrs) {
        return None;
    }

    let name = &e.ident;
    let expecting = format!(
        "{name}: {}",
        alternatives
            .iter()
            .map(|(_, _, k)| k.name())
            .collect::<Vec<_>>()
            .join(" or ")
    );
    let mut visits = Vec::new();
    for (variant, ty, kind) in &alternatives {
        visits.push(match kind {
            Kind::Object => quote! {
                fn visit_map<__A: ::serde::de::MapAccess<'de>>(
                    self,
                    map: __A,
                ) -> ::std::result::Result<#name, __A::Error> {
                    <#ty as ::serde::Deserialize>::deserialize(
                        ::serde::de::value::MapAccessDeserializer::new(map),
                    )
                    .map(#name::#variant)
                }
            },
            Kind::Array => quote! {
                fn visit_seq<__A: ::serde::de::SeqAccess<'de>>(
                    self,
                    seq: __A,
                ) -> ::std::result::Result<#name, __A::Error> {
                    <#ty as ::serde::Deserialize>::deserialize(
                        ::serde::de::value::SeqAccessDeserializer::new(seq),
                    )
                    .map(#name::#variant)
                }
            },
            Kind::Text => quote! {
                fn visit_str<__E: ::serde::de::Error>(
                    self,
                    text: &str,
                ) -> ::std::result::Result<#name, __E> {
                    <#ty as ::serde::Deserialize>::deserialize(
                        ::serde::de::value::StrDeserializer::<__E>::new(text),
                    )
                    .map(#name::#variant)
                }
                fn visit_string<__E: ::serde::de::Error>(
                    self,
                    text: ::std::string::String,
                ) -> ::std::result::Result<#name, __E> {
                    <#ty as ::serde::Deserialize>::deserialize(
                        ::serde::de::value::StringDeserializer::<__E>::new(text),
                    )
                    .map(#name::#variant)
                }
            },
        });
    }
    Some(syn::parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    #(#visits)*
                }
                deserializer.deserialize_any(__Visitor)
            }
        }
    })
}

/// What serde does for a member an object left out, as a `Result` in the error type
/// `error` (see `missing_member`).
fn missing_result(
    member: &OpenMember,
    error: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let (ty, wire) = (&member.ty, &member.wire);
    match (&member.attrs.default, &member.attrs.with) {
        (Some(None), _) => {
            quote!(::std::result::Result::<#ty, #error>::Ok(::std::default::Default::default()))
        }
        (Some(Some(path)), _) => quote!(::std::result::Result::<#ty, #error>::Ok(#path())),
        (None, Some(_)) => {
            quote!(::std::result::Result::<#ty, #error>::Err(<#error as ::serde::de::Error>::missing_field(#wire)))
        }
        (None, None) => quote!(crate::wire::missing_member::<#ty, #error>(#wire)),
    }
}

/// `ty` seen through one `Option`.
fn unwrap_option(ty: &syn::Type) -> &syn::Type {
    if let syn::Type::Path(path) = ty {
        if let Some(last) = path.path.segments.last() {
            if last.ident == "Option" {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    if let Some(syn::GenericArgument::Type(inner)) = args.args.first() {
                        return inner;
                    }
                }
            }
        }
    }
    ty
}

/// An untagged enum of open objects (Insly's answer: applied or refused) buffers the whole
/// answer and decodes the first alternative from the copy. Where one member is the bulk of
/// the first alternative and reads an object there but never in the others (Insly's
/// `response`: the re-priced policy, or the refusal's text, `[]` or null), these enums get a
/// decoder that reads the answer once: that member straight into its type when it is an
/// object, every other member as a JSON value, then the alternatives are tried in order
/// (serde's untagged rule) from what was read, the small members converted from their
/// values. Others stay untagged.
fn object_alternatives(file: &mut syn::File) {
    let Some(items) = types_items(file) else {
        return;
    };
    let mut open = std::collections::HashMap::new();
    let mut named = std::collections::HashMap::new();
    for item in items.iter() {
        if let syn::Item::Struct(s) = item {
            if let syn::Fields::Named(_) = s.fields {
                named.insert(s.ident.to_string(), Kind::Object);
            }
            if let Some(members) = open_members_of(s) {
                open.insert(s.ident.to_string(), members);
            }
        }
    }
    let decoders: Vec<syn::Item> = items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Enum(e) => object_alternatives_decoder(e, &open, &named),
            _ => None,
        })
        .collect();
    items.extend(decoders);
}

/// The decoder of one untagged enum of open objects (see [`object_alternatives`]),
/// dropping its derived `Deserialize`; `None` (untouched) when it is not one.
fn object_alternatives_decoder(
    e: &mut syn::ItemEnum,
    open: &std::collections::HashMap<String, (Vec<OpenMember>, syn::Ident)>,
    named: &std::collections::HashMap<String, Kind>,
) -> Option<syn::Item> {
    let untagged: syn::Attribute = syn::parse_quote!(#[serde(untagged)]);
    if !e.attrs.contains(&untagged)
        || e.attrs
            .iter()
            .filter(|a| a.path().is_ident("serde"))
            .count()
            != 1
    {
        return None;
    }
    let mut alternatives = Vec::new();
    for variant in &e.variants {
        let syn::Fields::Unnamed(fields) = &variant.fields else {
            return None;
        };
        if fields.unnamed.len() != 1
            || !variant.attrs.is_empty() && variant.attrs.iter().any(|a| a.path().is_ident("serde"))
        {
            return None;
        }
        let syn::Type::Path(path) = &fields.unnamed[0].ty else {
            return None;
        };
        let ty_name = path.path.get_ident()?.to_string();
        let (members, extra) = open.get(&ty_name)?;
        alternatives.push((
            variant.ident.clone(),
            path.path.get_ident()?.clone(),
            members,
            extra,
        ));
    }
    if alternatives.len() < 2 {
        return None;
    }
    // The member read straight into its type: in every alternative, an object (a struct
    // with members) in the first and, in the others, a type that never reads one.
    let (first_members, rest) = (&alternatives[0].2, &alternatives[1..]);
    // An open object of ours reads only objects (its decoder asks for a map); text and lists,
    // plain or through `empty_as_none`, never read one.
    let reads_objects_only = |ty: &syn::Type| matches!(ty, syn::Type::Path(p) if p.path.get_ident().is_some_and(|i| open.contains_key(&i.to_string())));
    let never_reads_objects = |member: &OpenMember| {
        member.attrs.with.as_ref().is_none_or(|path| {
            path.path
                .segments
                .last()
                .is_some_and(|s| s.ident == "empty_as_none")
        }) && matches!(
            kind_of(unwrap_option(&member.ty), named),
            Some(Kind::Text | Kind::Array)
        )
    };
    let bulk = first_members.iter().find(|m| {
        m.attrs.with.is_none()
            && reads_objects_only(&m.ty)
            && rest.iter().all(|(_, _, members, _)| {
                members
                    .iter()
                    .any(|other| other.wire == m.wire && never_reads_objects(other))
            })
    })?;
    if !drop_derived_deserialize(&mut e.attrs) {
        return None;
    }
    let name = &e.ident;
    let bulk_wire = &bulk.wire;
    let bulk_ty = &bulk.ty;
    let no_match = format!("data did not match any variant of untagged enum {name}");
    let expecting = format!("an object ({name})");
    let error = quote!(::serde_json::Error);
    // A member given twice is an error for an alternative that declares it (as its own
    // decoder says) and the last value in `extra` for one that does not: declared by all,
    // the answer fails at once; by some, those alternatives are passed over.
    let declared_in = |wire: &String| {
        alternatives
            .iter()
            .filter(|(_, _, members, _)| members.iter().any(|m| &m.wire == wire))
            .count()
    };
    let all_wires: std::collections::BTreeSet<&String> = alternatives
        .iter()
        .flat_map(|(_, _, members, _)| members.iter().map(|m| &m.wire))
        .collect();
    let everywhere: Vec<&String> = all_wires
        .iter()
        .copied()
        .filter(|w| declared_in(w) == alternatives.len())
        .collect();
    let somewhere: Vec<&String> = all_wires
        .iter()
        .copied()
        .filter(|w| declared_in(w) < alternatives.len())
        .collect();
    let mut attempts = Vec::new();
    for (index, (variant, ty, members, extra)) in alternatives.iter().enumerate() {
        let label = syn::Lifetime::new(
            &format!("'__alternative{index}"),
            proc_macro2::Span::call_site(),
        );
        let mut lets = Vec::new();
        let mut fields = Vec::new();
        let mut bulk_let = quote!();
        let declared: Vec<&String> = members.iter().map(|m| &m.wire).collect();
        for member in members.iter() {
            let (ident, mty, wire) = (&member.ident, &member.ty, &member.wire);
            let missing = missing_result(member, error.clone());
            let convert = match &member.attrs.with {
                Some(path) => quote!(#path(value)),
                None => quote!(<#mty as ::serde::Deserialize>::deserialize(value)),
            };
            fields.push(quote!(#ident));
            if wire == bulk_wire && index == 0 {
                // Last, and only once everything else has converted: taken out, or put back
                // for the next alternative when it is not an object.
                bulk_let = quote! {
                    let #ident: #mty = match __bulk.take() {
                        ::std::option::Option::Some(__Bulk::Object(value)) => value,
                        ::std::option::Option::None => match #missing {
                            ::std::result::Result::Ok(value) => value,
                            ::std::result::Result::Err(_) => break #label,
                        },
                        other => {
                            __bulk = other;
                            break #label;
                        }
                    };
                };
            } else if wire == bulk_wire {
                lets.push(quote! {
                    let #ident: #mty = match &__bulk {
                        ::std::option::Option::Some(__Bulk::Other(value)) => match #convert {
                            ::std::result::Result::Ok(value) => value,
                            ::std::result::Result::Err(_) => break #label,
                        },
                        ::std::option::Option::None => match #missing {
                            ::std::result::Result::Ok(value) => value,
                            ::std::result::Result::Err(_) => break #label,
                        },
                        ::std::option::Option::Some(__Bulk::Object(_)) => break #label,
                    };
                });
            } else {
                if somewhere.contains(&wire) {
                    lets.push(quote! {
                        if __repeated.contains(&#wire) {
                            break #label;
                        }
                    });
                }
                lets.push(quote! {
                    let #ident: #mty = match __members.get(#wire) {
                        ::std::option::Option::Some(value) => match #convert {
                            ::std::result::Result::Ok(value) => value,
                            ::std::result::Result::Err(_) => break #label,
                        },
                        ::std::option::Option::None => match #missing {
                            ::std::result::Result::Ok(value) => value,
                            ::std::result::Result::Err(_) => break #label,
                        },
                    };
                });
            }
        }
        attempts.push(quote! {
            #label: {
                #(#lets)*
                #bulk_let
                let mut #extra = ::serde_json::Map::new();
                for (member, value) in __members {
                    if ![#(#declared),*].contains(&member.as_str()) {
                        #extra.insert(member, value);
                    }
                }
                return ::std::result::Result::Ok(#name::#variant(#ty { #(#fields,)* #extra }));
            }
        });
    }
    let decode = map_decoder(
        name,
        &expecting,
        quote! {
                        let mut __bulk: ::std::option::Option<__Bulk> = None;
                        let mut __members = ::serde_json::Map::new();
                        let mut __repeated: ::std::vec::Vec<&'static str> = ::std::vec::Vec::new();
                        while let Some(member) = __map.next_key::<::std::string::String>()? {
                            if member == #bulk_wire {
                                if __bulk.is_some() {
                                    return Err(<__A::Error as ::serde::de::Error>::duplicate_field(#bulk_wire));
                                }
                                __bulk = Some(__map.next_value()?);
                            } else {
                                let value = __map.next_value()?;
                                if __members.contains_key(&member) {
                                    if let Some(name) = [#(#everywhere),*].into_iter().find(|name| *name == member) {
                                        return Err(<__A::Error as ::serde::de::Error>::duplicate_field(name));
                                    }
                                    if let Some(name) = [#(#somewhere),*].into_iter().find(|name| *name == member) {
                                        __repeated.push(name);
                                    }
                                }
                                __members.insert(member, value);
                            }
                        }
                        #(#attempts)*
                        Err(<__A::Error as ::serde::de::Error>::custom(#no_match))
        },
    );
    Some(syn::parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::std::result::Result<Self, __D::Error> {
                // The bulk member: decoded into its type when it is an object, else kept as
                // a value for the other alternatives.
                enum __Bulk {
                    Object(#bulk_ty),
                    Other(::serde_json::Value),
                }
                impl<'de> ::serde::Deserialize<'de> for __Bulk {
                    fn deserialize<__D: ::serde::Deserializer<'de>>(
                        deserializer: __D,
                    ) -> ::std::result::Result<Self, __D::Error> {
                        struct __BulkVisitor;
                        impl<'de> ::serde::de::Visitor<'de> for __BulkVisitor {
                            type Value = __Bulk;
                            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                                f.write_str("any value")
                            }
                            fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, map: __A) -> ::std::result::Result<__Bulk, __A::Error> {
                                <#bulk_ty as ::serde::Deserialize>::deserialize(
                                    ::serde::de::value::MapAccessDeserializer::new(map),
                                )
                                .map(__Bulk::Object)
                            }
                            fn visit_seq<__A: ::serde::de::SeqAccess<'de>>(self, seq: __A) -> ::std::result::Result<__Bulk, __A::Error> {
                                <::serde_json::Value as ::serde::Deserialize>::deserialize(
                                    ::serde::de::value::SeqAccessDeserializer::new(seq),
                                )
                                .map(__Bulk::Other)
                            }
                            fn visit_bool<__E: ::serde::de::Error>(self, v: bool) -> ::std::result::Result<__Bulk, __E> {
                                Ok(__Bulk::Other(v.into()))
                            }
                            fn visit_i64<__E: ::serde::de::Error>(self, v: i64) -> ::std::result::Result<__Bulk, __E> {
                                Ok(__Bulk::Other(v.into()))
                            }
                            fn visit_u64<__E: ::serde::de::Error>(self, v: u64) -> ::std::result::Result<__Bulk, __E> {
                                Ok(__Bulk::Other(v.into()))
                            }
                            fn visit_f64<__E: ::serde::de::Error>(self, v: f64) -> ::std::result::Result<__Bulk, __E> {
                                Ok(__Bulk::Other(v.into()))
                            }
                            fn visit_str<__E: ::serde::de::Error>(self, v: &str) -> ::std::result::Result<__Bulk, __E> {
                                Ok(__Bulk::Other(v.into()))
                            }
                            fn visit_string<__E: ::serde::de::Error>(self, v: ::std::string::String) -> ::std::result::Result<__Bulk, __E> {
                                Ok(__Bulk::Other(v.into()))
                            }
                            fn visit_unit<__E: ::serde::de::Error>(self) -> ::std::result::Result<__Bulk, __E> {
                                Ok(__Bulk::Other(::serde_json::Value::Null))
                            }
                            fn visit_none<__E: ::serde::de::Error>(self) -> ::std::result::Result<__Bulk, __E> {
                                Ok(__Bulk::Other(::serde_json::Value::Null))
                            }
                            fn visit_some<__D: ::serde::Deserializer<'de>>(self, d: __D) -> ::std::result::Result<__Bulk, __D::Error> {
                                <__Bulk as ::serde::Deserialize>::deserialize(d)
                            }
                        }
                        deserializer.deserialize_any(__BulkVisitor)
                    }
                }
                #decode
            }
        }
    })
}

/// The map visitor both decoders end in: `body` reads `__map` into `name`.
fn map_decoder(
    name: &syn::Ident,
    expecting: &str,
    body: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    quote! {
        struct __Visitor;
        impl<'de> ::serde::de::Visitor<'de> for __Visitor {
            type Value = #name;
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#expecting)
            }
            fn visit_map<__A: ::serde::de::MapAccess<'de>>(
                self,
                mut __map: __A,
            ) -> ::std::result::Result<#name, __A::Error> {
                #body
            }
        }
        deserializer.deserialize_map(__Visitor)
    }
}

/// The serde attributes of one member, as far as a decoder needs them.
#[derive(Default)]
struct MemberAttrs {
    rename: Option<String>,
    /// `Some(None)`: `default`; `Some(Some(path))`: `default = "path"`.
    default: Option<Option<syn::ExprPath>>,
    with: Option<syn::ExprPath>,
    flatten: bool,
}

/// `None` when an attribute is one the decoder does not handle.
fn member_attrs(attrs: &[syn::Attribute]) -> Option<MemberAttrs> {
    let mut out = MemberAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut known = true;
        attr.parse_nested_meta(|meta| {
            let text = |meta: &syn::meta::ParseNestedMeta| -> syn::Result<syn::LitStr> {
                meta.value()?.parse()
            };
            if meta.path.is_ident("rename") {
                out.rename = Some(text(&meta)?.value());
            } else if meta.path.is_ident("default") {
                out.default = Some(if meta.input.peek(syn::Token![=]) {
                    Some(text(&meta)?.parse()?)
                } else {
                    None
                });
            } else if meta.path.is_ident("deserialize_with") {
                out.with = Some(text(&meta)?.parse()?);
            } else if meta.path.is_ident("skip_serializing_if") {
                text(&meta)?;
            } else if meta.path.is_ident("flatten") {
                out.flatten = true;
            } else {
                known = false;
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
            }
            Ok(())
        })
        .ok()?;
        if !known {
            return None;
        }
    }
    Some(out)
}

/// One declared member of a generated struct, with its name on the wire.
struct OpenMember {
    ident: syn::Ident,
    ty: syn::Type,
    attrs: MemberAttrs,
    wire: String,
}

/// The declared members and the `extra` map of an open object (a struct whose only
/// flattened member is `extra`, every attribute one the decoders handle); `None` otherwise.
fn open_members_of(s: &syn::ItemStruct) -> Option<(Vec<OpenMember>, syn::Ident)> {
    if s.attrs.iter().any(|a| a.path().is_ident("serde")) {
        return None;
    }
    let syn::Fields::Named(named) = &s.fields else {
        return None;
    };
    let mut declared = Vec::new();
    let mut extra = None;
    for field in &named.named {
        let attrs = member_attrs(&field.attrs)?;
        let ident = field.ident.clone()?;
        if attrs.flatten {
            if ident != "extra" || extra.is_some() {
                return None;
            }
            extra = Some(ident);
        } else {
            let wire = attrs
                .rename
                .clone()
                .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
            declared.push(OpenMember {
                ident,
                ty: field.ty.clone(),
                attrs,
                wire,
            });
        }
    }
    Some((declared, extra?))
}

/// The direct decoder of one open object (see [`direct_open_decoders`]), removing
/// `Deserialize` from its derives; `None` (and the struct untouched) when it is not one.
fn open_decoder(s: &mut syn::ItemStruct) -> Option<syn::Item> {
    let (declared, extra) = open_members_of(s)?;
    if !drop_derived_deserialize(&mut s.attrs) {
        return None;
    }

    let name = &s.ident;
    let expecting = format!("struct {name}");
    let mut variants = Vec::new();
    let mut wires = Vec::new();
    let mut slots = Vec::new();
    let mut types = Vec::new();
    let mut values = Vec::new();
    let mut wrappers = Vec::new();
    let mut members = Vec::new();
    for (
        i,
        OpenMember {
            ident,
            ty,
            attrs,
            wire,
        },
    ) in declared.iter().enumerate()
    {
        let slot = quote::format_ident!("__m{i}");
        let value = match &attrs.with {
            Some(path) => {
                let wrapper = quote::format_ident!("__With{i}");
                wrappers.push(quote! {
                    struct #wrapper(#ty);
                    impl<'de> ::serde::Deserialize<'de> for #wrapper {
                        fn deserialize<__D: ::serde::Deserializer<'de>>(
                            deserializer: __D,
                        ) -> ::std::result::Result<Self, __D::Error> {
                            #path(deserializer).map(#wrapper)
                        }
                    }
                });
                quote!(__map.next_value::<#wrapper>()?.0)
            }
            None => quote!(__map.next_value::<#ty>()?),
        };
        // serde's own rules for a member the object leaves out.
        let missing = match (&attrs.default, &attrs.with) {
            (Some(None), _) => quote!(::std::default::Default::default()),
            (Some(Some(path)), _) => quote!(#path()),
            (None, Some(_)) => {
                quote!(return Err(<__A::Error as ::serde::de::Error>::missing_field(#wire)))
            }
            (None, None) => quote!(crate::wire::missing_member::<#ty, __A::Error>(#wire)?),
        };
        variants.push(quote::format_ident!("__M{i}"));
        wires.push(wire.clone());
        members.push(quote!(#ident: match #slot { Some(value) => value, None => #missing }));
        slots.push(slot);
        types.push(ty.clone());
        values.push(value);
    }
    let decode = map_decoder(
        name,
        &expecting,
        quote! {
                        #(let mut #slots: ::std::option::Option<#types> = None;)*
                        let mut __extra = ::serde_json::Map::new();
                        while let Some(member) = __map.next_key::<__Member>()? {
                            match member {
                                #(__Member::#variants => {
                                    if #slots.is_some() {
                                        return Err(<__A::Error as ::serde::de::Error>::duplicate_field(#wires));
                                    }
                                    #slots = Some(#values);
                                })*
                                __Member::__Other(name) => {
                                    __extra.insert(name, __map.next_value()?);
                                }
                            }
                        }
                        Ok(#name { #(#members,)* #extra: __extra })
        },
    );
    Some(syn::parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::std::result::Result<Self, __D::Error> {
                enum __Member {
                    #(#variants,)*
                    __Other(::std::string::String),
                }
                impl<'de> ::serde::Deserialize<'de> for __Member {
                    fn deserialize<__D: ::serde::Deserializer<'de>>(
                        deserializer: __D,
                    ) -> ::std::result::Result<Self, __D::Error> {
                        struct __Name;
                        impl<'de> ::serde::de::Visitor<'de> for __Name {
                            type Value = __Member;
                            fn expecting(
                                &self,
                                f: &mut ::std::fmt::Formatter<'_>,
                            ) -> ::std::fmt::Result {
                                f.write_str("a member name")
                            }
                            fn visit_str<__E: ::serde::de::Error>(
                                self,
                                name: &str,
                            ) -> ::std::result::Result<__Member, __E> {
                                Ok(match name {
                                    #(#wires => __Member::#variants,)*
                                    other => __Member::__Other(other.to_owned()),
                                })
                            }
                            fn visit_bytes<__E: ::serde::de::Error>(
                                self,
                                name: &[u8],
                            ) -> ::std::result::Result<__Member, __E> {
                                match ::std::str::from_utf8(name) {
                                    Ok(name) => self.visit_str(name),
                                    Err(_) => Err(__E::invalid_value(
                                        ::serde::de::Unexpected::Bytes(name),
                                        &self,
                                    )),
                                }
                            }
                        }
                        deserializer.deserialize_identifier(__Name)
                    }
                }
                #(#wrappers)*
                #decode
            }
        }
    })
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

/// The operations the facade wraps: (provider, operation, the request type whose members
/// become the operation's setters, members the facade's flow sets itself). The type is
/// the body, except eCurring's JSON:API envelope, whose `data.attributes` are the members
/// (the envelope's `id` and `type` are fixed). RentalCover's `QuoteOnly` is set by
/// `quote()` (1) and the confirm (0), never by the caller: its setter is crate-private.
const FLUENT: [(&str, &str, &str, &[&str]); 5] = [
    (
        "rentalcover",
        "update_customer",
        "UpdateCustomerRequest",
        &[],
    ),
    (
        "rentalcover",
        "update_insurance",
        "UpdateInsuranceRequest",
        &["QuoteOnly"],
    ),
    ("insly", "update_policy", "UpdatePolicyRequest", &[]),
    (
        "ecurring",
        "update_customer",
        "CustomerAttributesUpdate",
        &[],
    ),
    (
        "rocketkor",
        "update_individual_customer",
        "UpdateIndividualCustomerRequest",
        &[],
    ),
];

/// How a setter takes its value, by the member's Rust type.
enum Take {
    /// `impl Into<String>`.
    Text,
    /// The plain type (`i64`, `f64`, `bool`).
    Plain(syn::Type),
    /// A `u64` checked to be non-zero at `send()`.
    NonZero,
    /// A date: a `chrono::NaiveDate` or its `YYYY-MM-DD` text (`crate::wire::DateInput`).
    Date,
    /// Anything `TryInto` the type (a string for newtypes and enums, or the value):
    /// checked at `send()`, the wire name in the error.
    Convert(syn::Type),
}

fn take(ty: &syn::Type) -> Take {
    let text = quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(' ', "");
    match text.as_str() {
        "::std::string::String" => Take::Text,
        "i64" | "f64" | "bool" | "i32" | "u64" | "u32" => Take::Plain(ty.clone()),
        "::std::num::NonZeroU64" => Take::NonZero,
        "::chrono::naive::NaiveDate" => Take::Date,
        _ => Take::Convert(ty.clone()),
    }
}

/// The type argument of `wrapper<T>` if `ty` is one (matched on the last path segment).
fn unwrap_generic<'t>(ty: &'t syn::Type, wrapper: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// One request member as the generated struct declares it.
struct Member {
    ident: syn::Ident,
    wire: String,
    ty: syn::Type,
    docs: Vec<syn::Attribute>,
}

/// The structs of generated module `module` (`types`, `builder`).
fn structs_in<'f>(
    file: &'f syn::File,
    module: &'f str,
) -> impl Iterator<Item = &'f syn::ItemStruct> {
    file.items
        .iter()
        .filter_map(move |item| match item {
            syn::Item::Mod(m) if m.ident == module => m.content.as_ref(),
            _ => None,
        })
        .flat_map(|(_, items)| items)
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s),
            _ => None,
        })
}

/// A generated member's name on the wire: its serde `rename`, else its Rust name
/// (without the `_` typify adds to keywords).
fn wire_name_of(field: &syn::Field) -> String {
    serde_rename(&field.attrs).unwrap_or_else(|| {
        let name = field
            .ident
            .as_ref()
            .map(|i| i.to_string())
            .unwrap_or_default();
        name.trim_end_matches('_').to_owned()
    })
}

/// The named members of a generated struct (without the open-member map `extra`), and
/// whether it has one.
fn struct_members(s: &syn::ItemStruct) -> (Vec<Member>, bool) {
    let mut members = Vec::new();
    let mut has_extra = false;
    for field in &s.fields {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        if ident == "extra" {
            has_extra = true;
            continue;
        }
        members.push(Member {
            wire: wire_name_of(field),
            ident,
            ty: field.ty.clone(),
            docs: field
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect(),
        });
    }
    (members, has_extra)
}

/// The path parameters of a generated operation builder (`builder::<Op>`): Rust name and
/// type, in order, without the client and the body.
fn path_params(file: &syn::File, op_type: &str) -> Vec<(syn::Ident, syn::Type)> {
    let s = structs_in(file, "builder")
        .find(|s| s.ident == op_type)
        .unwrap_or_else(|| panic!("operation builder {op_type} not generated"));
    s.fields
        .iter()
        .filter_map(|f| {
            let ident = f.ident.clone()?;
            if ident == "client" || ident == "body" {
                return None;
            }
            let ok = unwrap_generic(&f.ty, "Result")?.clone();
            Some((ident, ok))
        })
        .collect()
}

fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The operation in the spec whose operationId is `snake` in snake_case.
fn spec_operation<'s>(spec: &'s serde_json::Value, snake: &str) -> &'s serde_json::Value {
    for item in spec["paths"].as_object().into_iter().flatten().map(|p| p.1) {
        for op in item.as_object().into_iter().flatten().map(|o| o.1) {
            if op
                .get("operationId")
                .and_then(|i| i.as_str())
                .is_some_and(|id| snake_case(id) == snake)
            {
                return op;
            }
        }
    }
    panic!("operation {snake} not in the spec")
}

/// `module operation`: one fluent builder per wrapped operation (`client.<op>(<path ids>)`,
/// one setter per documented member, `.send()` in the provider module), generated from the
/// spec so that a new documented member needs no hand-written code.
fn fluent_builders(provider: &str, spec: &serde_json::Value, file: &syn::File) -> syn::ItemMod {
    let mut items: Vec<syn::Item> = Vec::new();
    for (_, op, type_name, flow) in FLUENT.iter().filter(|f| f.0 == provider) {
        let spec_op = spec_operation(spec, op);
        let op_ident = syn::Ident::new(op, proc_macro2::Span::call_site());
        let op_type = syn::Ident::new(&pascal_case(op), proc_macro2::Span::call_site());
        let body_type = syn::Ident::new(type_name, proc_macro2::Span::call_site());
        let operation_id = spec_op["operationId"].as_str().expect("operationId");
        let summary = spec_op["summary"].as_str().unwrap_or(operation_id);
        let required: Vec<String> = component_schemas(spec)
            .find(|(name, _)| name.as_str() == *type_name)
            .and_then(|(_, s)| s["required"].as_array())
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .filter(|w| !flow.contains(&w.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let wire_params: Vec<String> = spec_op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().expect("a name").to_owned())
            .collect();
        let params = path_params(file, &op_type.to_string());
        // The fluent builders take path ids only; a header or query parameter (say a new
        // required `Idempotency-Key`) needs a setter kind here first: stop with that, by name.
        let others: Vec<String> = spec_op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] != "path")
            .map(|p| {
                format!(
                    "{} ({})",
                    p["name"].as_str().unwrap_or("?"),
                    p["in"].as_str().unwrap_or("?")
                )
            })
            .collect();
        assert!(
            others.is_empty() && params.len() == wire_params.len(),
            "{provider} {op}: parameter(s) {others:?} are not path parameters; build.rs fluent_builders \
             generates path ids only, so it needs a setter for them before this spec can build"
        );
        let (members, has_extra) = structs_in(file, "types")
            .find(|s| s.ident == *type_name)
            .map(struct_members)
            .unwrap_or_else(|| panic!("{provider}: type {type_name} not generated"));

        let param_idents: Vec<_> = params.iter().map(|p| &p.0).collect();
        let param_types: Vec<_> = params.iter().map(|p| &p.1).collect();
        let param_generics: Vec<syn::Ident> = (0..params.len())
            .map(|i| quote::format_ident!("P{i}"))
            .collect();

        let mut setters: Vec<proc_macro2::TokenStream> = Vec::new();
        for m in &members {
            let ident = &m.ident;
            let wire = &m.wire;
            let docs = &m.docs;
            if flow.contains(&wire.as_str()) {
                let ty = &m.ty;
                setters.push(quote! {
                    pub(crate) fn #ident(mut self, value: #ty) -> Self {
                        self.members = self.members.#ident(value);
                        self
                    }
                });
                continue;
            }
            let is_required = required.contains(wire);
            let required_doc = if is_required {
                format!(" Wire name `{wire}`; required.")
            } else {
                format!(" Wire name `{wire}`.")
            };
            let set_ident = quote::format_ident!("set_{}", ident.to_string().trim_end_matches('_'));
            let clear_ident =
                quote::format_ident!("clear_{}", ident.to_string().trim_end_matches('_'));
            let mark = if is_required {
                quote! { self.missing.retain(|w| *w != #wire); }
            } else {
                quote! {}
            };
            let (shape, inner) = if let Some(inner) = unwrap_generic(&m.ty, "Patch") {
                ("patch", inner)
            } else if let Some(inner) = unwrap_generic(&m.ty, "Option") {
                ("option", inner)
            } else if let Some(inner) = unwrap_generic(&m.ty, "Vec") {
                ("list", inner)
            } else {
                ("required", &m.ty)
            };
            // `wrap` turns the converted value `v` into the member's type.
            let wrap = match shape {
                "patch" => quote! { crate::wire::Patch::Set(v) },
                "option" => quote! { ::std::option::Option::Some(v) },
                _ => quote! { v },
            };
            let (param, convert) = match take(inner) {
                Take::Text => (
                    quote! { value: impl ::std::convert::Into<::std::string::String> },
                    quote! { let v = value.into(); self.members = self.members.#ident(#wrap); },
                ),
                // NaN and infinity would go out as `null`: refused like any bad value.
                Take::Plain(t) if quote::ToTokens::to_token_stream(&t).to_string() == "f64" => (
                    quote! { value: f64 },
                    quote! {
                        if value.is_finite() {
                            let v = value;
                            self.members = self.members.#ident(#wrap);
                        } else {
                            self.invalid(#wire, "must be a finite number");
                        }
                    },
                ),
                Take::Plain(t) => (
                    quote! { value: #t },
                    quote! { let v = value; self.members = self.members.#ident(#wrap); },
                ),
                Take::Date => (
                    quote! { value: impl crate::wire::DateInput },
                    quote! {
                        match value.into_date() {
                            ::std::result::Result::Ok(v) => self.members = self.members.#ident(#wrap),
                            ::std::result::Result::Err(rule) => self.invalid(#wire, rule),
                        }
                    },
                ),
                Take::NonZero => (
                    quote! { value: u64 },
                    quote! {
                        match ::std::num::NonZeroU64::new(value) {
                            ::std::option::Option::Some(v) => self.members = self.members.#ident(#wrap),
                            ::std::option::Option::None => self.invalid(#wire, "must not be 0"),
                        }
                    },
                ),
                Take::Convert(t) => (
                    quote! { value: impl ::std::convert::TryInto<#t, Error = impl ::std::fmt::Display> },
                    quote! {
                        match value.try_into() {
                            ::std::result::Result::Ok(v) => self.members = self.members.#ident(#wrap),
                            ::std::result::Result::Err(e) => self.invalid(#wire, e),
                        }
                    },
                ),
            };
            // Every setter replaces what an earlier call of it (or of its set_/clear_)
            // said, errors included: the last call wins.
            let forget = quote! { self.forget(#wire); };
            if shape == "list" {
                let Take::Convert(t) = take(inner) else {
                    panic!("{provider} {op}: list member {wire} of a plain type is not supported")
                };
                let doc_set = format!(
                    " Sets every `{wire}` at once (replacing earlier ones); `None` sends none."
                );
                setters.push(quote! {
                    #(#docs)*
                    #[doc = ""]
                    #[doc = #required_doc]
                    #[doc = " Each item is a value or its builder; items are checked at `send()`."]
                    pub fn #ident<V>(mut self, items: impl ::std::iter::IntoIterator<Item = V>) -> Self
                    where
                        V: ::std::convert::TryInto<#t>,
                        V::Error: ::std::fmt::Display,
                    {
                        #forget
                        let mut list = ::std::vec::Vec::new();
                        for (i, item) in items.into_iter().enumerate() {
                            match item.try_into() {
                                ::std::result::Result::Ok(v) => list.push(v),
                                ::std::result::Result::Err(e) => self.invalid(&format!("{}[{i}]", #wire), e),
                            }
                        }
                        self.members = self.members.#ident(list);
                        #mark
                        self
                    }
                    #[doc = #doc_set]
                    pub fn #set_ident(mut self, items: ::std::option::Option<::std::vec::Vec<#t>>) -> Self {
                        #forget
                        self.members = self.members.#ident(items.unwrap_or_default());
                        self
                    }
                });
                continue;
            }
            setters.push(quote! {
                #(#docs)*
                #[doc = ""]
                #[doc = #required_doc]
                pub fn #ident(mut self, #param) -> Self {
                    #forget
                    #convert
                    #mark
                    self
                }
            });
            match shape {
                "patch" => {
                    let doc_set = format!(" Sets `{wire}` to keep, clear (`null`) or a value.");
                    let doc_clear = format!(" Clears `{wire}`: sends `null`.");
                    setters.push(quote! {
                        #[doc = #doc_set]
                        pub fn #set_ident(mut self, value: crate::wire::Patch<#inner>) -> Self {
                            #forget
                            self.members = self.members.#ident(value);
                            self
                        }
                        #[doc = #doc_clear]
                        pub fn #clear_ident(mut self) -> Self {
                            #forget
                            self.members = self.members.#ident(crate::wire::Patch::<#inner>::Clear);
                            self
                        }
                    });
                }
                "option" => {
                    // A required member that may be null ("use NULL if unknown"): `None`
                    // sends `null`, which fulfils the requirement.
                    let doc_set = if is_required {
                        format!(" Sets `{wire}` to a value or to `null` (`None`).")
                    } else {
                        format!(" Sets or unsets `{wire}` (`None`: not sent).")
                    };
                    setters.push(quote! {
                        #[doc = #doc_set]
                        pub fn #set_ident(mut self, value: ::std::option::Option<#inner>) -> Self {
                            #forget
                            self.members = self.members.#ident(value);
                            #mark
                            self
                        }
                    });
                }
                _ => {
                    let doc_set = format!(
                        " Sets or unsets `{wire}` (`None`: `send()` refuses it as missing)."
                    );
                    setters.push(quote! {
                        #[doc = #doc_set]
                        pub fn #set_ident(mut self, value: ::std::option::Option<#inner>) -> Self {
                            #forget
                            match value {
                                ::std::option::Option::Some(v) => {
                                    self.members = self.members.#ident(v);
                                    self.missing.retain(|w| *w != #wire);
                                }
                                ::std::option::Option::None => {
                                    if !self.missing.contains(&#wire) {
                                        self.missing.push(#wire);
                                    }
                                }
                            }
                            self
                        }
                    });
                }
            }
        }
        let (extra_field, extra_init, extra_setter, extra_apply) = if has_extra {
            (
                quote! { extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>, },
                quote! { extra: ::serde_json::Map::new(), },
                quote! {
                    /// A member the spec does not declare (partner-defined data), sent as
                    /// given; checked at `send()` not to shadow a declared member.
                    pub fn extra(mut self, name: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<::serde_json::Value>) -> Self {
                        self.extra.insert(name.into(), value.into());
                        self
                    }
                },
                quote! { members.extra.extend(::std::mem::take(&mut self.extra)); },
            )
        } else {
            (quote! {}, quote! {}, quote! {}, quote! {})
        };
        let members_ty = quote! { super::types::#body_type };
        let doc = format!(
            " `{operation_id}`: {summary}. Made by [`Client::{op}`](super::super::Client::{op}); set \
             members, then send it (nothing is sent before). Every value is checked before \
             anything is sent; a bad one is an [`Error::Validation`](crate::Error::Validation) \
             naming the member by its wire name."
        );
        let client_doc =
            format!(" `{operation_id}`: {summary}. See [`operation::{op_type}`]({op_type}).");
        let required_wires = required.iter();
        let param_wires = wire_params.iter();
        let param_wires_again = wire_params.iter();
        let path_field_decls =
            quote! { #(pub(crate) #param_idents: ::std::option::Option<#param_types>,)* };
        // Insly's update charges on send and has no second step: no `Clone`, so one built
        // request cannot be sent twice by accident (like `rentalcover::Quote`).
        let derives = if (provider, *op) == ("insly", "update_policy") {
            quote! { #[derive(Debug)] }
        } else {
            quote! { #[derive(Debug, Clone)] }
        };
        items.push(syn::parse_quote! {
            #[doc = #doc]
            #derives
            #[must_use = "nothing is sent until it is sent"]
            pub struct #op_type {
                pub(crate) client: super::super::Client,
                #path_field_decls
                members: super::types::builder::#body_type,
                #extra_field
                invalid: ::std::vec::Vec<crate::error::Violation>,
                missing: ::std::vec::Vec<&'static str>,
            }
        });
        items.push(syn::parse_quote! {
            impl super::super::Client {
                #[doc = #client_doc]
                pub fn #op_ident<#(#param_generics),*>(&self, #(#param_idents: #param_generics),*) -> #op_type
                where
                    #(#param_generics: ::std::convert::TryInto<#param_types>, #param_generics::Error: ::std::fmt::Display,)*
                {
                    #[allow(unused_mut)]
                    let mut invalid = ::std::vec::Vec::new();
                    #(
                        let #param_idents = match #param_idents.try_into() {
                            ::std::result::Result::Ok(v) => ::std::option::Option::Some(v),
                            ::std::result::Result::Err(e) => {
                                invalid.push(crate::error::Violation::new(#param_wires, e.to_string()));
                                ::std::option::Option::None
                            }
                        };
                    )*
                    #op_type {
                        client: self.clone(),
                        #(#param_idents,)*
                        members: ::std::default::Default::default(),
                        #extra_init
                        invalid,
                        missing: ::std::vec![#(#required_wires),*],
                    }
                }
            }
        });
        items.push(syn::parse_quote! {
            impl #op_type {
                #(#setters)*
                #extra_setter

                /// Every member at once, from a whole request (e.g. read from JSON) or its
                /// builder; setters called after it change single members.
                pub fn request(mut self, request: impl ::std::convert::Into<super::types::builder::#body_type>) -> Self {
                    self.members = request.into();
                    self.missing.clear();
                    // Member errors are replaced; a bad path id stays.
                    self.invalid.retain(|v| [#(#param_wires_again),*].contains(&v.field.as_str()));
                    self
                }

                /// Records a value that did not convert, naming a nested member by its wire
                /// name too (`addresses[0].zipCode`).
                fn invalid(&mut self, wire: &str, rule: impl ::std::fmt::Display) {
                    self.invalid.push(crate::error::nested_violation(wire, &rule.to_string(), super::wire_name));
                }

                /// Drops what was recorded about member `wire` (and the members in it).
                fn forget(&mut self, wire: &str) {
                    self.invalid.retain(|v| !crate::error::names_member(&v.field, wire));
                }

                /// The request's members, typed, or every rule they break (missing
                /// required members, values that did not convert), by wire name.
                pub(crate) fn members(&mut self) -> ::std::result::Result<#members_ty, crate::Error> {
                    let mut invalid = ::std::mem::take(&mut self.invalid);
                    invalid.extend(self.missing.iter().map(|w| crate::error::Violation::new(*w, "is required")));
                    if !invalid.is_empty() {
                        return ::std::result::Result::Err(crate::Error::Validation(invalid));
                    }
                    let members = ::std::mem::take(&mut self.members);
                    #[allow(unused_mut)]
                    let mut members: #members_ty = members.try_into().map_err(|e| crate::error::from_builder(e, super::wire_name))?;
                    #extra_apply
                    ::std::result::Result::Ok(members)
                }
            }
        });
    }
    syn::parse_quote! {
        /// One builder per operation: `client.<operation>(<path ids>)`, one setter per
        /// documented member, then send it.
        pub mod operation {
            // The member types are named as the generated `types` module names them.
            #[allow(unused_imports)]
            use super::types::{self, *};
            #(#items)*
        }
    }
}

/// `fn wire_name`: the wire name of every member of every component, by its Rust field
/// name, for naming members in errors from the generated builders.
fn wire_names(file: &syn::File) -> syn::ItemFn {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for s in structs_in(file, "types") {
        for m in struct_members(s).0 {
            let rust = m.ident.to_string();
            match pairs.iter().find(|(r, _)| *r == rust) {
                Some((_, wire)) => assert_eq!(
                    *wire, m.wire,
                    "Rust member {rust} has two wire names; errors would name the wrong one"
                ),
                None if rust != m.wire => pairs.push((rust, m.wire)),
                None => {}
            }
        }
    }
    let rust = pairs.iter().map(|p| &p.0);
    let wire = pairs.iter().map(|p| &p.1);
    syn::parse_quote! {
        /// The wire name of a member, by the Rust name the generated code gives it.
        pub(crate) fn wire_name(rust: &str) -> &str {
            match rust {
                #(#rust => #wire,)*
                other => other,
            }
        }
    }
}

/// `enum Environment`: the spec's servers (named by `x-environment`, or after the URL's
/// one variable, which becomes the variant's value) plus `Custom(url)`, and `DEFAULT_URL`,
/// the first server when it has no variable.
fn environments(spec: &serde_json::Value) -> Vec<syn::Item> {
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut default_url = quote! { ::std::option::Option::None };
    for (i, server) in spec["servers"].as_array().into_iter().flatten().enumerate() {
        let url = server["url"].as_str().expect("a server url");
        let description = server["description"].as_str().unwrap_or("");
        let doc = format!(" {description} `{url}`");
        match url.split_once('{') {
            None => {
                let name = server["x-environment"]
                    .as_str()
                    .unwrap_or_else(|| panic!("server {url} needs x-environment: <Name>"));
                let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
                variants.push(quote! { #[doc = #doc] #ident, });
                arms.push(
                    quote! { Environment::#ident => ::std::result::Result::Ok(#url.to_owned()), },
                );
                if i == 0 {
                    default_url = quote! { ::std::option::Option::Some(#url) };
                }
            }
            Some((before, rest)) => {
                let (var, after) = rest.split_once('}').expect("a closed {variable}");
                let ident = syn::Ident::new(
                    &pascal_case(&snake_case(var)),
                    proc_macro2::Span::call_site(),
                );
                let doc_value =
                    format!(" The value of `{{{var}}}`: letters, digits, `-` and `.` only.");
                variants.push(quote! { #[doc = #doc] #[doc = ""] #[doc = #doc_value] #ident(::std::string::String), });
                arms.push(quote! {
                    Environment::#ident(value) => {
                        let host_safe = !value.is_empty()
                            && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
                        if host_safe {
                            ::std::result::Result::Ok(::std::format!("{}{}{}", #before, value, #after))
                        } else {
                            ::std::result::Result::Err(crate::transport::BuildError::InvalidBaseUrl(value.clone()))
                        }
                    }
                });
            }
        }
    }
    vec![
        syn::parse_quote! {
            /// Which server to call: the documented ones, or any other (a sandbox, a proxy).
            #[derive(Debug, Clone, PartialEq, Eq)]
            #[non_exhaustive]
            pub enum Environment {
                #(#variants)*
                /// Any other server, as an absolute http(s) URL (e.g. the sandbox's).
                Custom(::std::string::String),
            }
        },
        syn::parse_quote! {
            impl Environment {
                /// The base URL, or why it cannot be one.
                pub(crate) fn url(&self) -> ::std::result::Result<::std::string::String, crate::transport::BuildError> {
                    match self {
                        #(#arms)*
                        Environment::Custom(url) => ::std::result::Result::Ok(url.clone()),
                    }
                }
            }
        },
        syn::parse_quote! {
            /// The server used when no environment is given: the spec's first, when it
            /// needs no value.
            pub(crate) const DEFAULT_URL: ::std::option::Option<&str> = #default_url;
        },
    ]
}

/// `#[non_exhaustive]` on every generated request and response type: a provider's new
/// optional member or enum value then adds to our API without breaking callers (they
/// build requests with builders and match enums with a wildcard arm).
struct NonExhaustive;

impl syn::visit_mut::VisitMut for NonExhaustive {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        if item.ident == "types" {
            for inner in item.content.iter_mut().flat_map(|(_, items)| items) {
                match inner {
                    syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                        s.attrs.push(syn::parse_quote!(#[non_exhaustive]))
                    }
                    syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                        e.attrs.push(syn::parse_quote!(#[non_exhaustive]))
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A doc line for every public item the generator left undocumented (a spec member without
/// a description, a builder setter, an enum value), naming what it is on the wire, so that
/// every public item of the API is documented.
struct DocumentRest {
    module: Vec<String>,
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

/// The `rename` of a `#[serde(..)]` attribute, if any.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                rename = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    rename
}

fn push_doc(attrs: &mut Vec<syn::Attribute>, text: String) {
    let text = format!(" {text}");
    attrs.push(syn::parse_quote!(#[doc = #text]));
}

impl syn::visit_mut::VisitMut for DocumentRest {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        if !has_doc(&item.attrs) {
            push_doc(
                &mut item.attrs,
                format!("Generated `{}` items.", item.ident),
            );
        }
        self.module.push(item.ident.to_string());
        syn::visit_mut::visit_item_mod_mut(self, item);
        self.module.pop();
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        let in_builder = self.module.last().is_some_and(|m| m == "builder");
        if !has_doc(&item.attrs) {
            let text = if in_builder {
                format!("Builder for [`{0}`](super::{0}).", item.ident)
            } else {
                format!("The spec's `{}`.", item.ident)
            };
            push_doc(&mut item.attrs, text);
        }
        for field in item.fields.iter_mut() {
            // A tuple struct's field is its value (missing_docs does not ask for it).
            let named = field.ident.is_some();
            if named && matches!(field.vis, syn::Visibility::Public(_)) && !has_doc(&field.attrs) {
                let wire = wire_name_of(field);
                push_doc(&mut field.attrs, format!("Wire name `{wire}`."));
            }
        }
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        if !has_doc(&item.attrs) {
            push_doc(&mut item.attrs, format!("The spec's `{}`.", item.ident));
        }
        for variant in item.variants.iter_mut() {
            if !has_doc(&variant.attrs) {
                let text = match (serde_rename(&variant.attrs), &variant.fields) {
                    (Some(wire), _) => format!("`{wire}` on the wire."),
                    (None, syn::Fields::Unnamed(_)) => {
                        format!("The value as a `{}`.", variant.ident)
                    }
                    (None, _) => format!("`{}` on the wire.", variant.ident),
                };
                push_doc(&mut variant.attrs, text);
            }
        }
    }

    fn visit_impl_item_fn_mut(&mut self, item: &mut syn::ImplItemFn) {
        if matches!(item.vis, syn::Visibility::Public(_)) && !has_doc(&item.attrs) {
            let name = item.sig.ident.to_string();
            let text = match name.as_str() {
                "builder" => "A builder for this type.".to_owned(),
                "new" => "A new value.".to_owned(),
                _ if self.module.last().is_some_and(|m| m == "builder") => {
                    format!("Sets `{}`.", name.trim_end_matches('_'))
                }
                _ => format!("`{name}`."),
            };
            push_doc(&mut item.attrs, text);
        }
    }
}
