//! Provenance: every element of the repo's specs is on its provider's page (the snapshots
//! in `specs/pages/`) or carries an `x-assumption` marker, and nothing the pages document
//! is missing or contradicted. Plus the extractors and each finding kind on small inputs.

use partner_bindings_spec_tools::drift::{
    self, DocType, Docs, Finding, Kind, Layout, Member, PageFacts, Place,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The repo's spec of `provider` (`specs/<provider>.yaml`).
fn repo_spec(provider: &str) -> Value {
    let path = repo().join(format!("specs/{provider}.yaml"));
    let text = std::fs::read_to_string(&path).expect("spec reads");
    drift::parse_spec(&text).expect("spec parses")
}

fn repo_findings() -> Vec<Finding> {
    let docs = Docs::load(&repo().join("specs/pages")).expect("pages load");
    let mut all = Vec::new();
    for provider in ["rentalcover", "insly", "ecurring", "rocketkor"] {
        all.extend(drift::check(provider, &repo_spec(provider), &docs).expect("check runs"));
    }
    all
}

#[test]
fn repo_specs_match_their_pages() {
    let findings = repo_findings();
    assert!(
        findings.is_empty(),
        "{} drift findings:\n{}",
        findings.len(),
        drift::render_text(&findings)
    );
}

fn pages_dir() -> PathBuf {
    repo().join("specs/pages")
}

fn page_text(file: &str) -> String {
    std::fs::read_to_string(pages_dir().join(file)).expect("page reads")
}

/// The five snapshot pages and NOTES.md by file name, for a test to edit one of them.
fn snapshot_texts() -> BTreeMap<String, String> {
    drift::PAGES
        .iter()
        .map(|p| p.file)
        .chain([drift::NOTES_FILE])
        .map(|file| (file.to_string(), page_text(file)))
        .collect()
}

fn facts(layout: Layout, file: &str) -> PageFacts {
    drift::extract_page(layout, &page_text(file)).expect("page extracts")
}

fn seg(path: &str) -> Vec<String> {
    path.replace("[]", ".[]")
        .split('.')
        .map(str::to_string)
        .collect()
}

fn member<'a>(f: &'a PageFacts, place: Place, path: &str) -> Option<&'a Member> {
    f.members
        .iter()
        .find(|m| m.place == place && m.path == seg(path))
}

/// Asserts a documented member, with its required-ness and types.
fn has(f: &PageFacts, place: Place, path: &str, required: Option<bool>, types: &[DocType]) {
    let m = member(f, place, path).unwrap_or_else(|| panic!("{place:?} {path} not extracted"));
    assert_eq!(m.required, required, "{path} required");
    assert_eq!(m.types, types, "{path} types");
}

fn paths(f: &PageFacts, place: Place) -> BTreeSet<String> {
    f.members
        .iter()
        .filter(|m| m.place == place)
        .map(|m| {
            let mut out = String::new();
            for s in &m.path {
                if s == "[]" {
                    out.push_str("[]");
                } else {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(s);
                }
            }
            out
        })
        .collect()
}

#[test]
fn rentalcover_text_page() {
    let f = facts(Layout::RentalCoverText, "rentalcover-update-customer.txt");
    has(
        &f,
        Place::Request,
        "X_API_KEY",
        Some(true),
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "AgentReference",
        Some(true),
        &[DocType::String],
    );
    has(&f, Place::Request, "Email", Some(true), &[DocType::String]);
    has(
        &f,
        Place::Request,
        "CustomerAge",
        Some(false),
        &[DocType::Integer],
    );
    has(
        &f,
        Place::Request,
        "DateOfBirth",
        Some(false),
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "OtherEmail",
        Some(false),
        &[DocType::String],
    );
    // Description lines ("Customer date of birth.") are not fields.
    assert!(member(&f, Place::Request, "Customer").is_none());
    assert_eq!(
        paths(&f, Place::Request).len(),
        16,
        "{:?}",
        paths(&f, Place::Request)
    );
    has(
        &f,
        Place::Response,
        "Customer.Age",
        None,
        &[DocType::Integer],
    );
    has(
        &f,
        Place::Response,
        "Customer.Coupons.bonvoyage-PAPpC.AmountRemaining",
        None,
        &[],
    );
    has(
        &f,
        Place::Response,
        "Country.PhoneCode",
        None,
        &[DocType::String],
    );
    assert_eq!(f.statuses, BTreeSet::from([200]));
    assert!(f.headers.contains("X_API_KEY"));
    assert!(f
        .urls
        .contains("https://api-staging.rentalcover.com/insurances/updateCustomer"));
    assert!(!f.bearer);
}

#[test]
fn rentalcover_markdown_page() {
    let f = facts(Layout::RentalCoverMarkdown, "rentalcover-update.md");
    has(
        &f,
        Place::Request,
        "QuoteOnly",
        Some(true),
        &[DocType::Flag],
    );
    has(
        &f,
        Place::Request,
        "ContactCustomer",
        Some(false),
        &[DocType::Flag],
    );
    has(
        &f,
        Place::Request,
        "VehicleOffroad4x4",
        Some(false),
        &[DocType::Boolean],
    );
    has(
        &f,
        Place::Request,
        "FromDate",
        Some(true),
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "CoverAmount",
        Some(false),
        &[DocType::Number],
    );
    has(
        &f,
        Place::Request,
        "OtherDriveAge1",
        Some(false),
        &[DocType::Integer],
    );
    has(
        &f,
        Place::Request,
        "LanguageCode",
        Some(false),
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "VehicleTypes",
        Some(false),
        &[DocType::String],
    );
    assert_eq!(paths(&f, Place::Request).len(), 47);
    has(
        &f,
        Place::Response,
        "Policy.PdsUrl",
        None,
        &[DocType::Boolean],
    );
    has(
        &f,
        Place::Response,
        "TotalAmount",
        None,
        &[DocType::Integer],
    );
    has(&f, Place::Response, "SupplierReference", None, &[]);
    assert!(member(&f, Place::Request, "securitytoken").is_none());
    assert_eq!(f.statuses, BTreeSet::from([200]));
}

#[test]
fn insly_page() {
    let f = facts(Layout::Insly, "insly-policy-update.txt");
    // One-word labels are wire names; the rest come from the request example.
    for label in ["output", "phone", "udprn", "umrrn", "products"] {
        assert!(member(&f, Place::Request, label).is_some(), "{label}");
    }
    assert!(member(&f, Place::Request, "api").is_none());
    has(&f, Place::Request, "policy_oid", None, &[]);
    has(
        &f,
        Place::Request,
        "home_policy_excess",
        None,
        &[DocType::Integer],
    );
    has(
        &f,
        Place::Request,
        "products.combined",
        None,
        &[DocType::Array],
    );
    has(&f, Place::Response, "status", None, &[DocType::Integer]);
    has(&f, Place::Response, "response", None, &[DocType::String]);
    has(
        &f,
        Place::Response,
        "response.core_payable",
        None,
        &[DocType::Number],
    );
    has(
        &f,
        Place::Response,
        "response.payment_intent.charges.has_more",
        None,
        &[DocType::Boolean],
    );
    assert!(member(&f, Place::Request, "udprn").is_some_and(|m| m.listed));
    assert!(member(&f, Place::Request, "email").is_some_and(|m| !m.listed));
    assert_eq!(f.statuses, BTreeSet::from([200]));
}

#[test]
fn ecurring_page() {
    let f = facts(Layout::Ecurring, "ecurring-update-customer.txt");
    let attributes: Vec<String> = paths(&f, Place::Request)
        .into_iter()
        .filter(|p| p.starts_with("data.attributes."))
        .collect();
    assert_eq!(attributes.len(), 16, "{attributes:?}");
    has(
        &f,
        Place::Request,
        "data.attributes.gender",
        None,
        &[DocType::String],
    );
    has(&f, Place::Request, "id", Some(true), &[]);
    has(&f, Place::Request, "data.type", None, &[DocType::String]);
    has(
        &f,
        Place::Response,
        "data.attributes.archived",
        None,
        &[DocType::Boolean],
    );
    has(
        &f,
        Place::Response,
        "data.relationships.subscriptions.data",
        None,
        &[DocType::Array],
    );
    assert_eq!(f.statuses, BTreeSet::from([200]));
    assert!(f.urls.contains("https://api.ecurring.com/customers/{id}"));
}

#[test]
fn rocketkor_page_nests_the_flat_list_by_its_samples() {
    let f = facts(
        Layout::RocketKor,
        "rocketkor-update-individual-customer.txt",
    );
    has(&f, Place::Request, "customerId", Some(true), &[]);
    has(
        &f,
        Place::Request,
        "addresses",
        Some(false),
        &[DocType::Array],
    );
    has(
        &f,
        Place::Request,
        "addresses[].type",
        Some(true),
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "addresses[].name",
        None,
        &[DocType::Object],
    );
    has(
        &f,
        Place::Request,
        "addresses[].name.firstName",
        Some(true),
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "addresses[].streetLine1",
        Some(true),
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "addresses[].stateCode",
        None,
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "addresses[].primary",
        None,
        &[DocType::Boolean],
    );
    has(
        &f,
        Place::Request,
        "metadata",
        Some(false),
        &[DocType::String],
    );
    has(&f, Place::Request, "type", Some(false), &[DocType::String]);
    // The heading's `primaryPhonenumber` is the samples' `primaryPhoneNumber`.
    has(
        &f,
        Place::Request,
        "primaryPhoneNumber",
        Some(false),
        &[DocType::Object],
    );
    has(
        &f,
        Place::Request,
        "primaryPhoneNumber.type",
        Some(false),
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "primaryPhoneNumber.verified",
        Some(false),
        &[DocType::Boolean],
    );
    has(
        &f,
        Place::Request,
        "primaryEmail.value",
        Some(false),
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "placeOfBirth.countryCode",
        Some(false),
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "socialId",
        Some(false),
        &[DocType::String],
    );
    has(
        &f,
        Place::Request,
        "dateOfBirth",
        Some(false),
        &[DocType::String],
    );
    assert!(member(&f, Place::Request, "primaryPhonenumber").is_none());
    assert!(member(&f, Place::Request, "addresses[].name.streetLine1").is_none());
    assert!(member(&f, Place::Request, "placeOfBirth.socialId").is_none());
    has(
        &f,
        Place::Response,
        "createdBy.type",
        None,
        &[DocType::String],
    );
    assert!(f.bearer);
    assert_eq!(f.statuses, BTreeSet::from([200]));
}

#[test]
fn notes_facts_per_provider() {
    let notes = drift::extract_notes(&page_text(drift::NOTES_FILE));
    let rc = &notes["rentalcover"];
    assert_eq!(rc.statuses, BTreeSet::from([400, 401, 404, 500]));
    assert!(rc.headers.contains("X_API_KEY"));
    assert!(rc.urls.contains("https://api.rentalcover.com"));
    assert!(member(rc, Place::Request, "Reference").is_some());
    assert!(member(rc, Place::Response, "errors.<Field>").is_some());
    assert!(!rc.bearer);
    let ec = &notes["ecurring"];
    assert!(ec.statuses.is_empty());
    assert!(ec.headers.contains("X-Authorization"));
    assert!(member(ec, Place::Response, "errors[].source.pointer").is_some());
    assert!(notes["rocketkor"].bearer);
    assert_eq!(
        notes["rocketkor"].used_as,
        BTreeMap::from([("metadata".to_string(), DocType::Object)])
    );
    let insly = &notes["insly"];
    // "accept it as a configurable auth (a bearer token by default)": prose, not a header.
    assert!(insly.bearer);
    assert!(insly.urls.contains("https://<tenant>.insly.com"));
    assert!(insly.statuses.is_empty());
}

#[test]
fn bad_pages_are_errors_not_panics() {
    for layout in [
        Layout::RentalCoverText,
        Layout::RentalCoverMarkdown,
        Layout::Insly,
        Layout::Ecurring,
        Layout::RocketKor,
    ] {
        for text in [
            "",
            "{",
            "Request Parameters\n-d '{\"a\": 1}'",
            "\u{a0}{{x}}}}",
        ] {
            assert!(
                drift::extract_page(layout, text).is_err(),
                "{layout:?} {text:?}"
            );
        }
    }
    let mut files = BTreeMap::new();
    assert!(Docs::from_texts(&files).is_err());
    for p in drift::PAGES {
        files.insert(p.file.to_string(), page_text(p.file));
    }
    assert!(Docs::from_texts(&files).is_err(), "NOTES.md is required");
    files.insert(drift::NOTES_FILE.into(), String::new());
    assert!(Docs::from_texts(&files).is_ok());
    assert!(Docs::load(&repo().join("no-such-dir")).is_err());
    assert!(drift::parse_spec("[1]").is_err());
    assert!(drift::parse_spec(": :").is_err());
    let docs = Docs::load(&pages_dir()).unwrap();
    assert!(drift::check("acme", &json!({"paths": {}}), &docs).is_err());
    assert!(drift::check("insly", &json!({"openapi": "3.0.3"}), &docs).is_err());
    assert!(drift::check("insly", &json!([]), &docs).is_err());
}

#[test]
fn provider_of_a_spec_file_is_its_stem() {
    assert_eq!(
        drift::provider_of(Path::new("specs/insly.yaml")),
        Some("insly")
    );
    assert_eq!(
        drift::provider_of(Path::new("x/rocketkor.json")),
        Some("rocketkor")
    );
    assert_eq!(drift::provider_of(Path::new("specs/acme.yaml")), None);
}

// ---- Finding kinds, on a spec built from the pages themselves -------------------------

fn doc_type(t: DocType) -> &'static str {
    match t {
        DocType::String => "string",
        DocType::Integer => "integer",
        DocType::Number => "number",
        DocType::Boolean => "boolean",
        DocType::Flag => "integer",
        DocType::Object => "object",
        DocType::Array => "array",
    }
}

/// A schema holding exactly the documented members of `place`, skipping top-level `skip`.
fn schema_of(f: &PageFacts, place: Place, skip: &[&str]) -> Value {
    let mut root = json!({"type": "object"});
    let mut members: Vec<&Member> = f.members.iter().filter(|m| m.place == place).collect();
    members.sort_by_key(|m| m.path.len());
    for m in members {
        if m.path.len() == 1 && skip.contains(&m.path[0].as_str()) {
            continue;
        }
        let mut node = &mut root;
        let (last, parents) = m.path.split_last().unwrap();
        let mut parent_names = Vec::new();
        for s in parents {
            node = if s == "[]" {
                &mut node["items"]
            } else {
                parent_names.push(s);
                &mut node["properties"][s.as_str()]
            };
        }
        if last == "[]" {
            continue;
        }
        if m.required == Some(true) {
            let req = node["required"].as_array().cloned().unwrap_or_default();
            let mut req = req;
            req.push(json!(last));
            node["required"] = json!(req);
        }
        let leaf = &mut node["properties"][last.as_str()];
        if let Some(t) = m.types.first() {
            leaf["type"] = json!(doc_type(*t));
        }
    }
    root
}

fn spec_from_pages(docs: &Docs, provider: &str) -> Value {
    let mut paths = serde_json::Map::new();
    let params = ["id", "customerId", "X_API_KEY"];
    for page in drift::PAGES.iter().filter(|p| p.provider == provider) {
        let f = docs.page(page.file).unwrap();
        let parameters: Vec<Value> = f
            .members
            .iter()
            .filter(|m| m.place == Place::Request && m.path.len() == 1)
            .filter(|m| ["id", "customerId"].contains(&m.path[0].as_str()))
            .map(|m| json!({"name": m.path[0], "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let responses: serde_json::Map<String, Value> = f
            .statuses
            .iter()
            .map(|s| {
                let schema = schema_of(f, Place::Response, &[]);
                (s.to_string(), json!({"description": "ok", "content": {"application/json": {"schema": schema}}}))
            })
            .collect();
        let mut request = schema_of(f, Place::Request, &params);
        // NOTES.md's "described as X but used as Y" is the type the spec must have.
        for (name, used) in docs
            .notes(provider)
            .map(|n| &n.used_as)
            .into_iter()
            .flatten()
        {
            if let Some(p) = request["properties"].get_mut(name) {
                let t = match used {
                    DocType::Object => "object",
                    DocType::Array => "array",
                    other => panic!("no test for used_as {other:?}"),
                };
                *p = json!({"type": t});
            }
        }
        paths.insert(
            format!("/{}", page.operation),
            json!({"post": {
                "operationId": page.operation,
                "parameters": parameters,
                "requestBody": {"content": {"application/json": {"schema": request}}},
                "responses": responses,
            }}),
        );
    }
    let schemes = match provider {
        "rentalcover" => json!({"key": {"type": "apiKey", "in": "header", "name": "X_API_KEY"}}),
        "ecurring" => json!({"key": {"type": "apiKey", "in": "header", "name": "X-Authorization"}}),
        "rocketkor" => json!({"bearer": {"type": "http", "scheme": "bearer"}}),
        _ => json!({}),
    };
    json!({"openapi": "3.0.3", "paths": paths, "components": {"securitySchemes": schemes}})
}

fn docs() -> Docs {
    Docs::load(&pages_dir()).expect("pages load")
}

fn found(docs: &Docs, provider: &str, spec: &Value) -> Vec<(Kind, String, String)> {
    drift::check(provider, spec, docs)
        .expect("check runs")
        .into_iter()
        .map(|f| (f.kind, f.operation, f.member))
        .collect()
}

fn one(kind: Kind, op: &str, member: &str) -> Vec<(Kind, String, String)> {
    vec![(kind, op.to_string(), member.to_string())]
}

#[test]
fn a_spec_of_exactly_the_pages_has_no_findings() {
    let docs = docs();
    for provider in ["rentalcover", "insly", "ecurring", "rocketkor"] {
        let spec = spec_from_pages(&docs, provider);
        assert_eq!(found(&docs, provider, &spec), vec![], "{provider}");
    }
}

fn ecurring_attrs(spec: &mut Value) -> &mut Value {
    &mut spec["paths"]["/updateCustomer"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"]["properties"]["data"]["properties"]["attributes"]
}

#[test]
fn missing_member() {
    let docs = docs();
    let mut spec = spec_from_pages(&docs, "ecurring");
    ecurring_attrs(&mut spec)["properties"]
        .as_object_mut()
        .unwrap()
        .remove("city");
    assert_eq!(
        found(&docs, "ecurring", &spec),
        one(
            Kind::Missing,
            "updateCustomer",
            "request.data.attributes.city"
        )
    );
    // A missing parent is reported once, not once per child.
    let mut spec = spec_from_pages(&docs, "rocketkor");
    let body = &mut spec["paths"]["/updateIndividualCustomer"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]["properties"];
    body.as_object_mut().unwrap().remove("placeOfBirth");
    assert_eq!(
        found(&docs, "rocketkor", &spec),
        one(
            Kind::Missing,
            "updateIndividualCustomer",
            "request.placeOfBirth"
        )
    );
    // A documented response status the spec lacks.
    let mut spec = spec_from_pages(&docs, "insly");
    spec["paths"]["/updatePolicy"]["post"]["responses"] = json!({});
    assert_eq!(
        found(&docs, "insly", &spec),
        one(Kind::Missing, "updatePolicy", "responses.200")
    );
    spec["paths"]["/updatePolicy"]["post"]["responses"] = json!({"200": {"description": "ok"}});
    assert_eq!(
        found(&docs, "insly", &spec),
        one(Kind::Missing, "updatePolicy", "responses.200")
    );
    spec["paths"]["/updatePolicy"]["post"]
        .as_object_mut()
        .unwrap()
        .remove("requestBody");
    assert_eq!(
        found(&docs, "insly", &spec),
        vec![
            (Kind::Missing, "updatePolicy".into(), "request".into()),
            (Kind::Missing, "updatePolicy".into(), "responses.200".into()),
        ]
    );
    // An operation a page documents.
    let mut spec = spec_from_pages(&docs, "rentalcover");
    spec["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/updateInsurance");
    assert_eq!(
        found(&docs, "rentalcover", &spec),
        one(Kind::Missing, "updateInsurance", "operation")
    );
}

#[test]
fn unmarked_members_and_markers() {
    let docs = docs();
    let base = spec_from_pages(&docs, "ecurring");
    let mut spec = base.clone();
    ecurring_attrs(&mut spec)["properties"]["nickname"] =
        json!({"type": "object", "properties": {"short": {"type": "string"}}});
    assert_eq!(
        found(&docs, "ecurring", &spec),
        one(
            Kind::Unmarked,
            "updateCustomer",
            "request.data.attributes.nickname"
        )
    );
    // Its own marker (also through a $ref or an allOf part) covers it and what is beneath it.
    ecurring_attrs(&mut spec)["properties"]["nickname"]["x-assumption"] = json!("ours");
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);
    spec["components"]["schemas"] = json!({"Nick": {"type": "string", "x-assumption": "ours"}});
    ecurring_attrs(&mut spec)["properties"]["nickname"] =
        json!({"allOf": [{"$ref": "#/components/schemas/Nick"}]});
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);
    ecurring_attrs(&mut spec)["properties"]["nickname"] =
        json!({"$ref": "#/components/schemas/Nick"});
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);
    // A marker on one alternative (guessed enum values, a value form) is about that
    // alternative, not the member.
    for key in ["anyOf", "oneOf"] {
        ecurring_attrs(&mut spec)["properties"]["nickname"] =
            json!({ key: [{"$ref": "#/components/schemas/Nick"}, {"type": "integer"}] });
        assert_eq!(
            found(&docs, "ecurring", &spec),
            one(
                Kind::Unmarked,
                "updateCustomer",
                "request.data.attributes.nickname"
            ),
            "{key}"
        );
    }
    // A marker on a documented ancestor does not cover it.
    let mut spec = base.clone();
    ecurring_attrs(&mut spec)["properties"]["nickname"] = json!({"type": "string"});
    ecurring_attrs(&mut spec)["x-assumption"] = json!("semantics");
    assert_eq!(
        found(&docs, "ecurring", &spec),
        one(
            Kind::Unmarked,
            "updateCustomer",
            "request.data.attributes.nickname"
        )
    );
    // Inside array items and map values too.
    let mut spec = spec_from_pages(&docs, "rocketkor");
    spec["paths"]["/updateIndividualCustomer"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]["properties"]["addresses"]["items"]["properties"]
        ["county"] = json!({"type": "string"});
    assert_eq!(
        found(&docs, "rocketkor", &spec),
        one(
            Kind::Unmarked,
            "updateIndividualCustomer",
            "request.addresses[].county"
        )
    );
}

#[test]
fn unmarked_parameters_statuses_operations() {
    let docs = docs();
    let base = spec_from_pages(&docs, "ecurring");
    let mut spec = base.clone();
    spec["paths"]["/updateCustomer"]["post"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "expand", "in": "query", "schema": {"type": "string"}}));
    assert_eq!(
        found(&docs, "ecurring", &spec),
        one(Kind::Unmarked, "updateCustomer", "parameters.expand")
    );
    spec["paths"]["/updateCustomer"]["post"]["parameters"][1]["x-assumption"] = json!("ours");
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);

    let mut spec = base.clone();
    spec["paths"]["/updateCustomer"]["post"]["responses"]["418"] = json!({
        "description": "teapot",
        "content": {"application/json": {"schema": {"type": "object", "properties": {"why": {"type": "string"}}}}}
    });
    assert_eq!(
        found(&docs, "ecurring", &spec),
        one(Kind::Unmarked, "updateCustomer", "responses.418")
    );
    spec["paths"]["/updateCustomer"]["post"]["responses"]["418"]["x-assumption"] = json!("ours");
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);

    // A status NOTES.md documents needs no marker; its body is held to NOTES.md's shape.
    let mut spec = spec_from_pages(&docs, "rentalcover");
    spec["paths"]["/updateCustomer"]["post"]["responses"]["404"] = json!({
        "description": "not found",
        "x-assumption": "the body is ours",
        "content": {"application/json": {"schema": {"type": "object", "properties": {
            "errors": {"oneOf": [
                {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                {"type": "array", "items": {"type": "string"}}
            ]},
            "code": {"type": "integer"}
        }}}}
    });
    assert_eq!(
        found(&docs, "rentalcover", &spec),
        one(Kind::Unmarked, "updateCustomer", "responses.404.code")
    );

    // The path parameter only NOTES.md shows.
    let mut spec = spec_from_pages(&docs, "rentalcover");
    spec["paths"]["/updateInsurance"]["post"]["parameters"] = json!([{"name": "Reference", "in": "path", "required": true, "schema": {"type": "string"}}]);
    assert_eq!(found(&docs, "rentalcover", &spec), vec![]);

    // An operation no page documents.
    let mut spec = base;
    spec["paths"]["/other"] = json!({"get": {"operationId": "listCustomers", "responses": {}}});
    assert_eq!(
        found(&docs, "ecurring", &spec),
        one(Kind::Unmarked, "listCustomers", "operation")
    );
    spec["paths"]["/other"]["get"]["x-assumption"] = json!("ours");
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);
}

#[test]
fn unmarked_servers_and_security() {
    let docs = docs();
    let mut spec = spec_from_pages(&docs, "ecurring");
    spec["servers"] = json!([
        {"url": "https://api.ecurring.com"},
        {"url": "https://api.ecurring.community"},
        {"url": "https://sandbox.ecurring.com/"}
    ]);
    assert_eq!(
        found(&docs, "ecurring", &spec),
        vec![
            (
                Kind::Unmarked,
                "-".into(),
                "servers.https://api.ecurring.community".into()
            ),
            (
                Kind::Unmarked,
                "-".into(),
                "servers.https://sandbox.ecurring.com/".into()
            ),
        ]
    );
    spec["servers"][1]["x-assumption"] = json!("ours");
    spec["servers"][2]["x-assumption"] = json!("ours");
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);

    let mut spec = spec_from_pages(&docs, "insly");
    spec["servers"] = json!([{"url": "https://{tenant}.insly.com", "variables": {"tenant": {"default": "demo"}}}]);
    assert_eq!(
        found(&docs, "insly", &spec),
        one(
            Kind::Unmarked,
            "-",
            "servers.https://{tenant}.insly.com.variables.tenant.default"
        )
    );
    spec["servers"][0]["variables"]["tenant"]["x-assumption"] = json!("placeholder");
    assert_eq!(found(&docs, "insly", &spec), vec![]);
    // NOTES.md vouches for a bearer token (a_bearer_scheme_documented_by_notes_prose), not basic.
    spec["components"]["securitySchemes"] = json!({"token": {"type": "http", "scheme": "basic"}});
    assert_eq!(
        found(&docs, "insly", &spec),
        one(Kind::Unmarked, "-", "security.token")
    );

    let mut spec = spec_from_pages(&docs, "rocketkor");
    spec["components"]["securitySchemes"]["basic"] = json!({"type": "http", "scheme": "basic"});
    spec["components"]["securitySchemes"]["key"] =
        json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"});
    assert_eq!(
        found(&docs, "rocketkor", &spec),
        vec![
            (Kind::Unmarked, "-".into(), "security.basic".into()),
            (Kind::Unmarked, "-".into(), "security.key".into()),
        ]
    );
    let mut spec = spec_from_pages(&docs, "rentalcover");
    spec["servers"] = json!([{"url": "https://api-staging.rentalcover.com"}, {"url": "https://api.rentalcover.com"}]);
    assert_eq!(found(&docs, "rentalcover", &spec), vec![]);
}

fn rk_body(spec: &mut Value) -> &mut Value {
    &mut spec["paths"]["/updateIndividualCustomer"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]
}

#[test]
fn mismatch_required() {
    let docs = docs();
    let mut spec = spec_from_pages(&docs, "rocketkor");
    rk_body(&mut spec)["required"] = json!(["gender"]);
    rk_body(&mut spec)["properties"]["addresses"]["items"]["required"] =
        json!(["streetLine1", "zipCode"]);
    assert_eq!(
        found(&docs, "rocketkor", &spec),
        vec![
            (
                Kind::Mismatch,
                "updateIndividualCustomer".into(),
                "request.addresses[].type".into()
            ),
            (
                Kind::Mismatch,
                "updateIndividualCustomer".into(),
                "request.gender".into()
            ),
        ]
    );
    // Conditional fields (`stateCode`) are not held to either.
    rk_body(&mut spec)["properties"]["addresses"]["items"]["required"] =
        json!(["type", "streetLine1", "zipCode", "stateCode"]);
    // A marker on the member (it may be about another of its facts) does not silence it.
    rk_body(&mut spec)["properties"]["gender"]["x-assumption"] = json!("we require it");
    assert_eq!(
        found(&docs, "rocketkor", &spec),
        one(Kind::Mismatch, "updateIndividualCustomer", "request.gender")
    );
    // A path parameter the page requires.
    let mut spec = spec_from_pages(&docs, "ecurring");
    spec["paths"]["/updateCustomer"]["post"]["parameters"][0]["required"] = json!(false);
    assert_eq!(
        found(&docs, "ecurring", &spec),
        one(Kind::Mismatch, "updateCustomer", "parameters.id")
    );
}

#[test]
fn mismatch_types() {
    let docs = docs();
    let rc = |spec: &mut Value, prop: &str, schema: Value| {
        spec["paths"]["/updateInsurance"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"]["properties"][prop] = schema;
    };
    let base = spec_from_pages(&docs, "rentalcover");
    let cases = [
        // (member, spec schema, mismatch?)
        (
            "QuoteOnly",
            json!({"type": "integer", "enum": [0, 1]}),
            false,
        ),
        ("QuoteOnly", json!({"type": "boolean"}), false),
        ("QuoteOnly", json!({"type": "string"}), true),
        ("CustomerAge", json!({"type": "number"}), false),
        ("CustomerAge", json!({"type": "string"}), true),
        ("CoverAmount", json!({"type": "integer"}), true),
        (
            "CoverAmount",
            json!({"oneOf": [{"type": "number"}, {"type": "string"}]}),
            false,
        ),
        ("VehicleOffroad4x4", json!({"type": "integer"}), true),
        (
            "FirstName",
            json!({"anyOf": [{"type": "string"}, {"type": "object", "nullable": true, "enum": [null]}]}),
            false,
        ),
        (
            "FirstName",
            json!({"anyOf": [{"type": "integer"}, {"type": "string", "nullable": true, "enum": [null]}]}),
            true,
        ),
        ("FirstName", json!({"description": "anything"}), false),
        (
            "FirstName",
            json!({"type": "string", "x-assumption": "ours"}),
            false,
        ),
        (
            "FirstName",
            json!({"type": "integer", "x-assumption": "ours"}),
            true,
        ),
        ("Email", json!({"properties": {}}), true),
        ("Email", json!({"items": {"type": "string"}}), true),
    ];
    for (prop, schema, mismatch) in cases {
        let mut spec = base.clone();
        rc(&mut spec, prop, schema.clone());
        let expected = if mismatch {
            one(
                Kind::Mismatch,
                "updateInsurance",
                &format!("request.{prop}"),
            )
        } else {
            vec![]
        };
        assert_eq!(
            found(&docs, "rentalcover", &spec),
            expected,
            "{prop}: {schema}"
        );
    }
    // Response example types: an integer example fits number, not boolean.
    let mut spec = base.clone();
    spec["paths"]["/updateInsurance"]["post"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["properties"]["CoveredDays"] = json!({"type": "boolean"});
    assert_eq!(
        found(&docs, "rentalcover", &spec),
        one(
            Kind::Mismatch,
            "updateInsurance",
            "responses.200.CoveredDays"
        )
    );
}

#[test]
fn maps_free_schemas_and_references() {
    let docs = docs();
    let mut spec = spec_from_pages(&docs, "rentalcover");
    // Coupons by code: a map; the example's key is data, not a member.
    spec["components"]["schemas"] = json!({
        "Coupon": {"type": "object", "properties": {
            "Title": {"type": "string"}, "Value": {"type": "string"}, "ValueType": {"type": "string"},
            "AmountRemaining": {}, "EffectiveFrom": {"type": "string"}, "EffectiveTo": {"type": "string"},
            "Terms": {"type": "string"}, "Secret": {"type": "string"}}}
    });
    spec["paths"]["/updateCustomer"]["post"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["properties"]["Customer"]["properties"]["Coupons"] = json!({"oneOf": [
        {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Coupon"}},
        {"type": "array", "maxItems": 0, "items": {}}
    ]});
    assert_eq!(
        found(&docs, "rentalcover", &spec),
        one(
            Kind::Unmarked,
            "updateCustomer",
            "responses.200.Customer.Coupons.*.Secret"
        )
    );
    // A free-form schema documents nothing and lacks nothing.
    let mut spec = spec_from_pages(&docs, "rentalcover");
    spec["paths"]["/updateCustomer"]["post"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["properties"]["Customer"] =
        json!({"type": "object", "additionalProperties": {}});
    assert_eq!(found(&docs, "rentalcover", &spec), vec![]);
    // An open record (declared members plus additionalProperties) must declare them.
    let mut spec = spec_from_pages(&docs, "rentalcover");
    let customer = &mut spec["paths"]["/updateCustomer"]["post"]["responses"]["200"]["content"]
        ["application/json"]["schema"]["properties"]["Customer"];
    customer["additionalProperties"] = json!({});
    customer["properties"]
        .as_object_mut()
        .unwrap()
        .remove("Age");
    assert_eq!(
        found(&docs, "rentalcover", &spec),
        one(
            Kind::Missing,
            "updateCustomer",
            "responses.200.Customer.Age"
        )
    );
    // A nullable-only branch is not a map.
    let mut spec = spec_from_pages(&docs, "rentalcover");
    let resp = &mut spec["paths"]["/updateCustomer"]["post"]["responses"]["200"]["content"]
        ["application/json"]["schema"]["properties"];
    let country = resp["Country"].clone();
    let mut trimmed = country.clone();
    trimmed["properties"]
        .as_object_mut()
        .unwrap()
        .remove("Name");
    resp["Country"] =
        json!({"anyOf": [trimmed, {"type": "object", "nullable": true, "enum": [null]}]});
    assert_eq!(
        found(&docs, "rentalcover", &spec),
        one(
            Kind::Missing,
            "updateCustomer",
            "responses.200.Country.Name"
        )
    );
    // A reference cycle ends.
    let mut spec = spec_from_pages(&docs, "ecurring");
    spec["components"]["schemas"] = json!({"Node": {"type": "object", "x-assumption": "tree",
        "properties": {"child": {"$ref": "#/components/schemas/Node"}}}});
    ecurring_attrs(&mut spec)["properties"]["tree"] = json!({"$ref": "#/components/schemas/Node"});
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);
    let mut spec = spec_from_pages(&docs, "ecurring");
    spec["components"]["schemas"] = json!({"Loop": {"$ref": "#/components/schemas/Loop"}});
    *ecurring_attrs(&mut spec) = json!({"$ref": "#/components/schemas/Loop"});
    assert!(drift::check("ecurring", &spec, &docs).is_ok());
}

#[test]
fn output_text_and_json() {
    let f = Finding {
        kind: Kind::Unmarked,
        provider: "insly".into(),
        operation: "-".into(),
        member: "security.apiToken".into(),
        message: "not documented".into(),
    };
    assert_eq!(
        drift::render_text(std::slice::from_ref(&f)),
        "unmarked insly - security.apiToken: not documented\n"
    );
    let v: Value = serde_json::from_str(&drift::render_json(&[f])).unwrap();
    assert_eq!(
        v,
        json!([{"kind": "unmarked", "provider": "insly", "operation": "-",
                "member": "security.apiToken", "message": "not documented"}])
    );
    assert_eq!(Kind::Missing.as_str(), "missing");
    assert_eq!(Kind::Mismatch.to_string(), "mismatch");
    assert_eq!(drift::render_json(&[]), "[]");
}

/// Every node of `v` (by JSON pointer), for replacing one at a time.
fn pointers(v: &Value, here: String, out: &mut Vec<String>) {
    out.push(here.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let k = k.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{here}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_panic_on_cut_pages_or_broken_specs() {
    for page in drift::PAGES {
        let text = page_text(page.file);
        let cuts = (0..text.len())
            .step_by(61)
            .filter(|&i| text.is_char_boundary(i));
        for cut in cuts {
            let _ = drift::extract_page(page.layout, &text[..cut]);
            let _ = drift::extract_page(page.layout, &text[cut..]);
        }
    }
    let notes = page_text(drift::NOTES_FILE);
    for cut in (0..notes.len())
        .step_by(17)
        .filter(|&i| notes.is_char_boundary(i))
    {
        let _ = drift::extract_notes(&notes[..cut]);
    }
    let docs = docs();
    for provider in ["rocketkor", "ecurring"] {
        let text = std::fs::read_to_string(repo().join(format!("specs/{provider}.yaml"))).unwrap();
        let spec = drift::parse_spec(&text).unwrap();
        let mut all = Vec::new();
        pointers(&spec, String::new(), &mut all);
        for (i, p) in all.iter().enumerate().filter(|(i, _)| i % 29 == 0) {
            let garbage = [json!(null), json!([]), json!("x"), json!({"$ref": "#"})][i % 4].clone();
            let mut broken = spec.clone();
            if let Some(node) = broken.pointer_mut(p) {
                *node = garbage;
            }
            let _ = drift::check(provider, &broken, &docs);
        }
    }
}

/// A minimal page in RentalCover's text layout with the given field lines.
fn rc_text_page(fields: &str) -> String {
    format!(
        "Update Customer\ncurl -d '{{\"A\": 1, \"B\": 1.5, \"C\": {{\"D\": [true]}}}}' \\\n{{\"R\": null, \"S\": \"x\"}}\n\nRequest Parameters\n\n{fields}\n"
    )
}

#[test]
fn annotation_types_and_example_types() {
    let page = rc_text_page(
        "Ta text\nTb int\nTc number\nTd double\nTe decimal\nTf bool\nTg object\nTh array\n\
         Ti datetime\nTj date [yyyy-mm-dd] required\nTk boolean [0|1]\nTl boolean [0/1]\n\
         Tm boolean default is false\nTn uuid\nTo string maybe\nTp string [a] [b]",
    );
    let f = drift::extract_page(Layout::RentalCoverText, &page).unwrap();
    let t = |name: &str| member(&f, Place::Request, name).map(|m| m.types.clone());
    assert_eq!(t("Ta"), Some(vec![DocType::String]));
    assert_eq!(t("Tb"), Some(vec![DocType::Integer]));
    assert_eq!(t("Tc"), Some(vec![DocType::Number]));
    assert_eq!(t("Td"), Some(vec![DocType::Number]));
    assert_eq!(t("Te"), Some(vec![DocType::Number]));
    assert_eq!(t("Tf"), Some(vec![DocType::Boolean]));
    assert_eq!(t("Tg"), Some(vec![DocType::Object]));
    assert_eq!(t("Th"), Some(vec![DocType::Array]));
    assert_eq!(t("Ti"), Some(vec![DocType::String]));
    has(&f, Place::Request, "Tj", Some(true), &[DocType::String]);
    assert_eq!(t("Tk"), Some(vec![DocType::Flag]));
    assert_eq!(t("Tl"), Some(vec![DocType::Flag]));
    // A sentence after the type is a description line, not a field.
    assert_eq!(t("Tm"), None);
    assert_eq!(t("Tn"), None);
    assert_eq!(t("To"), None);
    assert_eq!(t("Tp"), Some(vec![DocType::String]));
    // Example values: integer, number, object, array items, null, string.
    has(&f, Place::Request, "A", None, &[DocType::Integer]);
    has(&f, Place::Request, "B", None, &[DocType::Number]);
    has(&f, Place::Request, "C", None, &[DocType::Object]);
    has(&f, Place::Request, "C.D", None, &[DocType::Array]);
    has(&f, Place::Response, "R", None, &[]);
    has(&f, Place::Response, "S", None, &[DocType::String]);
    assert!(member(&f, Place::Request, "C.D[]").is_none());
    // A listed field keeps its list type over the example's; examples add up.
    let page = rc_text_page("A string required");
    let f = drift::extract_page(Layout::RentalCoverText, &page).unwrap();
    has(&f, Place::Request, "A", Some(true), &[DocType::String]);
    let notes = drift::extract_notes(&page_text(drift::NOTES_FILE));
    has(
        &notes["rentalcover"],
        Place::Response,
        "errors",
        None,
        &[DocType::Object, DocType::Array],
    );
    assert!(!notes["rentalcover"].headers.contains("booking.created"));
    assert!(!notes["rentalcover"].headers.contains(""));
}

#[test]
fn mismatch_messages() {
    let docs = docs();
    let mut spec = spec_from_pages(&docs, "rocketkor");
    rk_body(&mut spec)["required"] = json!(["gender"]);
    rk_body(&mut spec)["properties"]["sex"] = json!({"type": "integer"});
    rk_body(&mut spec)["properties"]["addresses"]["items"]["required"] =
        json!(["streetLine1", "zipCode"]);
    let messages: Vec<(String, String)> = drift::check("rocketkor", &spec, &docs)
        .unwrap()
        .into_iter()
        .map(|f| (f.member, f.message))
        .collect();
    assert_eq!(
        messages,
        vec![
            (
                "request.addresses[].type".to_string(),
                "the page says required, the spec makes it optional.".to_string()
            ),
            (
                "request.gender".to_string(),
                "the page says optional, the spec makes it required.".to_string()
            ),
            (
                "request.sex".to_string(),
                "the page types it string, the spec integer.".to_string()
            ),
        ]
    );
    let mut spec = spec_from_pages(&docs, "rentalcover");
    spec["paths"]["/updateInsurance"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"]["properties"]["QuoteOnly"] =
        json!({"oneOf": [{"type": "string"}, {"type": "object"}]});
    let f = drift::check("rentalcover", &spec, &docs).unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].message,
        "the page types it 0/1 flag, the spec object or string."
    );
    assert_eq!(f[0].provider, "rentalcover");
    for (prop, schema, expected) in [
        (
            "placeOfBirth",
            json!({"type": "string"}),
            vec![
                "request.placeOfBirth.city",
                "request.placeOfBirth.countryCode",
                "request.placeOfBirth",
            ],
        ),
        (
            "addresses",
            json!({"type": "object"}),
            vec!["request.addresses[]", "request.addresses"],
        ),
        (
            "metadata",
            json!({"type": "boolean"}),
            vec!["request.metadata"],
        ),
        (
            "primaryEmail",
            json!({"type": "array", "items": {}}),
            vec![
                "request.primaryEmail.value",
                "request.primaryEmail.verified",
                "request.primaryEmail",
            ],
        ),
    ] {
        let mut spec = spec_from_pages(&docs, "rocketkor");
        rk_body(&mut spec)["properties"][prop] = schema;
        let members: Vec<String> = drift::check("rocketkor", &spec, &docs)
            .unwrap()
            .into_iter()
            .map(|f| f.member)
            .collect();
        assert_eq!(members, expected, "{prop}");
    }
}

#[test]
fn references_maps_and_path_level_parameters() {
    let docs = docs();
    // An unresolvable reference constrains nothing beneath it.
    let mut spec = spec_from_pages(&docs, "rocketkor");
    rk_body(&mut spec)["properties"]["placeOfBirth"] =
        json!({"$ref": "#/components/schemas/Nowhere"});
    assert_eq!(found(&docs, "rocketkor", &spec), vec![]);
    // A map without `type`, and one that allows no extra members.
    let mut spec = spec_from_pages(&docs, "rentalcover");
    let coupons = |spec: &mut Value, schema: Value| {
        spec["paths"]["/updateCustomer"]["post"]["responses"]["200"]["content"]
            ["application/json"]["schema"]["properties"]["Customer"]["properties"]["Coupons"] =
            schema;
    };
    coupons(
        &mut spec,
        json!({"additionalProperties": {"type": "object", "additionalProperties": {}}}),
    );
    assert_eq!(found(&docs, "rentalcover", &spec), vec![]);
    coupons(
        &mut spec,
        json!({"type": "object", "additionalProperties": false}),
    );
    assert_eq!(
        found(&docs, "rentalcover", &spec),
        one(
            Kind::Missing,
            "updateCustomer",
            "responses.200.Customer.Coupons.bonvoyage-PAPpC"
        )
    );
    coupons(&mut spec, json!({"type": "object"}));
    assert_eq!(found(&docs, "rentalcover", &spec), vec![]);
    // Parameters declared on the path item count like the operation's.
    let mut spec = spec_from_pages(&docs, "ecurring");
    let params = spec["paths"]["/updateCustomer"]["post"]["parameters"].take();
    spec["paths"]["/updateCustomer"]["parameters"] = params;
    spec["paths"]["/updateCustomer"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "expand", "in": "query"}));
    assert_eq!(
        found(&docs, "ecurring", &spec),
        one(Kind::Unmarked, "updateCustomer", "parameters.expand")
    );
    // Another 2xx than the page's is not the page's response.
    let mut spec = spec_from_pages(&docs, "ecurring");
    let responses = &mut spec["paths"]["/updateCustomer"]["post"]["responses"];
    let ok = responses["200"].take();
    *responses = json!({"201": ok});
    assert_eq!(
        found(&docs, "ecurring", &spec),
        vec![
            (
                Kind::Missing,
                "updateCustomer".into(),
                "responses.200".into()
            ),
            (
                Kind::Unmarked,
                "updateCustomer".into(),
                "responses.201".into()
            ),
        ]
    );
}

#[test]
fn servers_with_documented_defaults_and_trailing_slashes() {
    let docs = docs();
    let mut spec = spec_from_pages(&docs, "rentalcover");
    spec["servers"] = json!([
        {"url": "https://{env}.rentalcover.com", "variables": {"env": {"default": "api-staging"}}},
        {"url": "https://api.rentalcover.com/"}
    ]);
    assert_eq!(found(&docs, "rentalcover", &spec), vec![]);
    spec["servers"][0]["variables"]["env"]["default"] = json!("api-dev");
    assert_eq!(
        found(&docs, "rentalcover", &spec),
        one(Kind::Unmarked, "-", "servers.https://{env}.rentalcover.com")
    );
    // A variable in a documented host pattern, with a default no page shows.
    let mut insly = spec_from_pages(&docs, "insly");
    insly["servers"] = json!([{"url": "https://{tenant}.insly.com/", "variables": {"tenant": {"default": "demo"}}}]);
    assert_eq!(
        found(&docs, "insly", &insly),
        one(
            Kind::Unmarked,
            "-",
            "servers.https://{tenant}.insly.com/.variables.tenant.default"
        )
    );
    // An undocumented server's marker covers its variables.
    spec["servers"][0]["url"] = json!("https://{env}.example.com");
    spec["servers"][0]["x-assumption"] = json!("ours");
    assert_eq!(found(&docs, "rentalcover", &spec), vec![]);
    spec["servers"][0]
        .as_object_mut()
        .unwrap()
        .remove("x-assumption");
    assert_eq!(
        found(&docs, "rentalcover", &spec),
        one(Kind::Unmarked, "-", "servers.https://{env}.example.com")
    );
    // A marker on a security scheme.
    let mut spec = spec_from_pages(&docs, "insly");
    spec["components"]["securitySchemes"] =
        json!({"token": {"type": "http", "scheme": "bearer", "x-assumption": "configurable"}});
    assert_eq!(found(&docs, "insly", &spec), vec![]);
}

#[test]
fn parameters_and_responses_marked_through_references() {
    let docs = docs();
    // NOTES.md's path parameter vouches for that one name only.
    let mut spec = spec_from_pages(&docs, "rentalcover");
    spec["paths"]["/updateInsurance"]["post"]["parameters"] =
        json!([{"name": "expand", "in": "query", "schema": {"type": "string"}}]);
    assert_eq!(
        found(&docs, "rentalcover", &spec),
        one(Kind::Unmarked, "updateInsurance", "parameters.expand")
    );
    // A marker on the referenced response (or on the reference) covers an undocumented status.
    let mut spec = spec_from_pages(&docs, "ecurring");
    spec["components"]["responses"] =
        json!({"Teapot": {"description": "teapot", "x-assumption": "ours"}});
    spec["paths"]["/updateCustomer"]["post"]["responses"]["418"] =
        json!({"$ref": "#/components/responses/Teapot"});
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);
    spec["components"]["responses"]["Teapot"]
        .as_object_mut()
        .unwrap()
        .remove("x-assumption");
    assert_eq!(
        found(&docs, "ecurring", &spec),
        one(Kind::Unmarked, "updateCustomer", "responses.418")
    );
    spec["paths"]["/updateCustomer"]["post"]["responses"]["418"]["x-assumption"] = json!("ours");
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);
}

#[test]
fn a_bearer_scheme_documented_by_the_page_alone() {
    let mut files = snapshot_texts();
    let notes =
        page_text(drift::NOTES_FILE).replace("`Authorization: Bearer <access_token>`", "a token");
    files.insert(drift::NOTES_FILE.to_string(), notes);
    let docs = Docs::from_texts(&files).unwrap();
    assert!(!docs.notes("rocketkor").unwrap().bearer);
    let spec = spec_from_pages(&docs, "rocketkor");
    assert_eq!(found(&docs, "rocketkor", &spec), vec![]);
    // And without it on the page either, the scheme is unmarked.
    let page = page_text("rocketkor-update-individual-customer.txt").replace("Bearer", "Token");
    files.insert("rocketkor-update-individual-customer.txt".into(), page);
    let docs = Docs::from_texts(&files).unwrap();
    assert_eq!(
        found(&docs, "rocketkor", &spec),
        one(Kind::Unmarked, "-", "security.bearer")
    );
}

#[test]
fn a_bearer_scheme_documented_by_notes_prose() {
    let mut spec = spec_from_pages(&docs(), "insly");
    spec["components"]["securitySchemes"] = json!({"token": {"type": "http", "scheme": "bearer"}});
    assert_eq!(found(&docs(), "insly", &spec), vec![]);
    let mut files = snapshot_texts();
    let notes = page_text(drift::NOTES_FILE).replace("a bearer token by default", "a token");
    files.insert(drift::NOTES_FILE.to_string(), notes);
    let docs = Docs::from_texts(&files).unwrap();
    assert!(!docs.notes("insly").unwrap().bearer);
    assert_eq!(
        found(&docs, "insly", &spec),
        one(Kind::Unmarked, "-", "security.token")
    );
}

#[test]
fn notes_used_as_sets_the_type_the_spec_must_have() {
    let spec = repo_spec("rocketkor");
    assert_eq!(found(&docs(), "rocketkor", &spec), vec![]);
    // Without the NOTES.md sentence, the page's "string" stands against the spec's object.
    let notes = page_text(drift::NOTES_FILE).replace(
        "`metadata` is described as a string but is used as an object",
        "`metadata` is free-form",
    );
    let mut files = snapshot_texts();
    files.insert(drift::NOTES_FILE.to_string(), notes);
    let docs = Docs::from_texts(&files).unwrap();
    assert_eq!(
        found(&docs, "rocketkor", &spec),
        one(
            Kind::Mismatch,
            "updateIndividualCustomer",
            "request.metadata"
        )
    );
    // Prose that denies a bearer token does not document one.
    for denial in [
        "is not a bearer token",
        "isn't a bearer token",
        "is never a bearer token",
        "no bearer token",
    ] {
        let denied = drift::extract_notes(&format!("Insly\n- The token {denial}.\n"));
        assert!(!denied["insly"].bearer, "{denial}");
    }
    let casino = drift::extract_notes("Insly\n- Send the casino bearer token.\n");
    assert!(casino["insly"].bearer);
    let said = drift::extract_notes("Insly\n- Send a bearer token by default.\n");
    assert!(said["insly"].bearer);
}

#[test]
fn depth_bounds() {
    let docs = docs();
    // Branches are followed MAX_BRANCH_DEPTH deep.
    let nested = |depth: usize, inner: Value| {
        let mut v = inner;
        for _ in 0..depth {
            v = json!({"allOf": [v]});
        }
        v
    };
    let base = spec_from_pages(&docs, "ecurring");
    let attrs = ecurring_attrs(&mut base.clone()).clone();
    let mut spec = base.clone();
    *ecurring_attrs(&mut spec) = nested(drift::MAX_BRANCH_DEPTH, attrs.clone());
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);
    let mut spec = base.clone();
    *ecurring_attrs(&mut spec) = nested(drift::MAX_BRANCH_DEPTH + 1, attrs);
    assert_eq!(found(&docs, "ecurring", &spec).len(), 16);
    // The walk of a body goes MAX_DEPTH levels deep: a chain of maps, each level with an
    // undocumented member, is reported down to that depth.
    let mut spec = spec_from_pages(&docs, "rentalcover");
    let mut schemas = serde_json::Map::new();
    for i in 0..40 {
        schemas.insert(
            format!("L{i}"),
            json!({"anyOf": [
                {"type": "object", "properties": {"p": {"type": "string"}}},
                {"type": "object", "additionalProperties": {"$ref": format!("#/components/schemas/L{}", i + 1)}}
            ]}),
        );
    }
    spec["components"]["schemas"] = Value::Object(schemas);
    spec["paths"]["/updateCustomer"]["post"]["responses"]["404"] = json!({
        "description": "not found",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/L0"}}}
    });
    let members: Vec<String> = drift::check("rentalcover", &spec, &docs)
        .unwrap()
        .into_iter()
        .map(|f| f.member)
        .collect();
    assert_eq!(members.len(), drift::MAX_DEPTH + 1, "{members:?}");
    assert!(members.contains(&"responses.404.p".to_string()));
    assert!(members.contains(&format!("responses.404.{}p", "*.".repeat(drift::MAX_DEPTH))));
}

#[test]
fn field_names_urls_and_empty_requests() {
    let page = rc_text_page("9x string\na-b string\n_ok string\nhttps:// string\nsee https://");
    let f = drift::extract_page(Layout::RentalCoverText, &page).unwrap();
    assert!(member(&f, Place::Request, "9x").is_none());
    assert!(member(&f, Place::Request, "a-b").is_none());
    assert!(member(&f, Place::Request, "_ok").is_some());
    assert!(f.urls.is_empty(), "{:?}", f.urls);
    // A page whose request shows no member at all is not read as "documents nothing".
    let page = "curl -d '{}' \\\n{\"R\": 1}\n\nRequest Parameters\n\n";
    assert!(drift::extract_page(Layout::RentalCoverText, page).is_err());
}

#[test]
fn branch_count_bound() {
    let docs = docs();
    let base = spec_from_pages(&docs, "ecurring");
    let attrs = ecurring_attrs(&mut base.clone()).clone();
    // The schema itself, then its branches: the one holding the members is node `at`.
    let with_holder_at = |at: usize| {
        let mut branches: Vec<Value> = (1..at).map(|_| json!({"type": "string"})).collect();
        branches.push(attrs.clone());
        let mut spec = base.clone();
        *ecurring_attrs(&mut spec) = json!({"anyOf": branches});
        found(&docs, "ecurring", &spec).len()
    };
    assert_eq!(with_holder_at(drift::MAX_BRANCHES), 0);
    // Beyond the bound the 16 attributes are missing (and `attributes` looks like a string).
    assert_eq!(with_holder_at(drift::MAX_BRANCHES + 1), 17);
}

#[test]
fn a_marker_beside_a_reference_counts() {
    let docs = docs();
    let mut spec = spec_from_pages(&docs, "ecurring");
    spec["components"]["schemas"] = json!({"Plain": {"type": "string"}});
    ecurring_attrs(&mut spec)["properties"]["nickname"] =
        json!({"$ref": "#/components/schemas/Plain", "x-assumption": "ours"});
    assert_eq!(found(&docs, "ecurring", &spec), vec![]);
    ecurring_attrs(&mut spec)["properties"]["nickname"] =
        json!({"$ref": "#/components/schemas/Plain"});
    assert_eq!(
        found(&docs, "ecurring", &spec),
        one(
            Kind::Unmarked,
            "updateCustomer",
            "request.data.attributes.nickname"
        )
    );
}
