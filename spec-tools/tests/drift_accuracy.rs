//! Accuracy of the drift check, measured on injected page edits.
//!
//! A deterministic generator makes page edits of four kinds (a field added, removed,
//! renamed, made required) spread over all five pages, each with the findings it must
//! cause, worked out from the edit alone: added -> `missing`; removed -> `unmarked` (unless
//! the spec member carries its own `x-assumption` marker); renamed -> both;
//! made required -> `mismatch` (unless the spec already requires it; a marker does not
//! silence a mismatch). The drift check runs on each edited page against the unedited repo
//! spec; what counts is the change against the unedited baseline's findings, so markers
//! and spec fixes landing elsewhere do not move the measure. Precision and recall must be
//! at least 95%; `specs/pages/ACCURACY.md` must equal the render (`UPDATE_ACCURACY=1`
//! rewrites it).

use partner_bindings_spec_tools::drift::{self, Docs, Finding, Kind, PAGES};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum EditKind {
    Added,
    Removed,
    Renamed,
    MadeRequired,
}

impl EditKind {
    fn name(self) -> &'static str {
        match self {
            EditKind::Added => "field added",
            EditKind::Removed => "field removed",
            EditKind::Renamed => "field renamed",
            EditKind::MadeRequired => "field made required",
        }
    }
}

/// A finding's identity (its message aside), with `+` (new) or `-` (gone).
type Key = (char, Kind, String, String, String);

struct Edit {
    page: &'static str,
    kind: EditKind,
    what: String,
    text: String,
    expected: BTreeSet<Key>,
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "edit anchor {from:?} must occur exactly once"
    );
    text.replacen(from, to, 1)
}

fn apply(text: &str, replacements: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (from, to) in replacements {
        out = replace_once(&out, from, to);
    }
    out
}

/// Removes the HTML table row of `name` (rentalcover-update.md).
fn remove_row(text: &str, name: &str) -> String {
    let anchor = format!("<tr><td><code>{name}</code>");
    assert_eq!(text.matches(&anchor).count(), 1, "row {name}");
    let start = text.find(&anchor).unwrap();
    let end = start + text[start..].find("</tr>").unwrap() + "</tr>".len();
    format!("{}{}", &text[..start], &text[end..])
}

/// Adds `<strong>required</strong>` to the first cell of `name`'s row.
fn require_row(text: &str, name: &str) -> String {
    let anchor = format!("<tr><td><code>{name}</code>");
    assert_eq!(text.matches(&anchor).count(), 1, "row {name}");
    let start = text.find(&anchor).unwrap();
    let end = start + text[start..].find("</td>").unwrap();
    format!("{} <strong>required</strong>{}", &text[..end], &text[end..])
}

/// What the spec says about a member: marked itself (on the property, the schema it refers
/// to or an `allOf` part), required. Independent of the drift module's walk.
struct SpecMember {
    own: bool,
    required: bool,
}

fn deref<'a>(root: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => v = root.pointer(&r[1..]).unwrap_or(&Value::Null),
            None => break,
        }
    }
    v
}

fn branches<'a>(root: &'a Value, v: &'a Value, out: &mut Vec<&'a Value>) {
    out.push(v);
    let v = deref(root, v);
    out.push(v);
    for k in ["allOf", "anyOf", "oneOf"] {
        for b in v.get(k).and_then(Value::as_array).into_iter().flatten() {
            branches(root, b, out);
        }
    }
}

fn marked(v: &Value) -> bool {
    v.get("x-assumption").is_some()
}

/// A member's own marker: on it, the schema it refers to or an `allOf` part of either (a
/// marker on an `anyOf`/`oneOf` alternative is about that alternative).
fn own_marker(root: &Value, v: &Value) -> bool {
    let target = deref(root, v);
    marked(v)
        || marked(target)
        || target
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|part| own_marker(root, part))
}

fn spec_member(spec: &Value, operation: &str, member: &str) -> SpecMember {
    let op = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(operation))
        .expect("operation in spec");
    let (container, rest) = if let Some(rest) = member.strip_prefix("request.") {
        (deref(spec, &op["requestBody"]), rest)
    } else if let Some(rest) = member.strip_prefix("responses.200.") {
        (deref(spec, &op["responses"]["200"]), rest)
    } else {
        panic!("member {member}");
    };
    let content = container["content"].as_object().unwrap();
    let mut nodes: Vec<&Value> = vec![&content.values().next().unwrap()["schema"]];
    let segs: Vec<String> = rest
        .replace("[]", ".[]")
        .split('.')
        .map(str::to_string)
        .collect();
    let mut required = false;
    for seg in &segs {
        let mut bs = Vec::new();
        for n in &nodes {
            branches(spec, n, &mut bs);
        }
        if seg == "[]" {
            nodes = bs.iter().filter_map(|b| b.get("items")).collect();
        } else {
            required = bs.iter().any(|b| {
                b.get("required")
                    .and_then(Value::as_array)
                    .is_some_and(|r| r.iter().any(|x| x == seg.as_str()))
            });
            nodes = bs
                .iter()
                .filter_map(|b| b.get("properties").and_then(|p| p.get(seg.as_str())))
                .collect();
        }
    }
    let own = nodes.iter().any(|n| own_marker(spec, n));
    SpecMember { own, required }
}

struct Gen<'s> {
    pages: &'s BTreeMap<String, String>,
    specs: &'s BTreeMap<&'static str, Value>,
    edits: Vec<Edit>,
}

impl Gen<'_> {
    fn page_info(&self, page: &str) -> (&'static str, &'static str) {
        let p = PAGES.iter().find(|p| p.file == page).unwrap();
        (p.provider, p.operation)
    }

    fn key(&self, page: &str, sign: char, kind: Kind, member: &str) -> Key {
        let (provider, operation) = self.page_info(page);
        (
            sign,
            kind,
            provider.to_string(),
            operation.to_string(),
            member.to_string(),
        )
    }

    fn spec(&self, page: &str, member: &str) -> SpecMember {
        let (provider, operation) = self.page_info(page);
        spec_member(&self.specs[provider], operation, member)
    }

    fn push(
        &mut self,
        page: &'static str,
        kind: EditKind,
        what: &str,
        text: String,
        expected: BTreeSet<Key>,
    ) {
        assert_ne!(&text, &self.pages[page], "edit {what} changed nothing");
        self.edits.push(Edit {
            page,
            kind,
            what: what.to_string(),
            text,
            expected,
        });
    }

    fn added(&mut self, page: &'static str, member: &str, replacements: &[(&str, String)]) {
        let text = apply(&self.pages[page], replacements);
        let expected = [self.key(page, '+', Kind::Missing, member)].into();
        self.push(page, EditKind::Added, member, text, expected);
    }

    fn removed_expectation(&self, page: &str, member: &str) -> BTreeSet<Key> {
        if self.spec(page, member).own {
            BTreeSet::new()
        } else {
            [self.key(page, '+', Kind::Unmarked, member)].into()
        }
    }

    fn removed_text(&mut self, page: &'static str, member: &str, text: String) {
        let expected = self.removed_expectation(page, member);
        self.push(page, EditKind::Removed, member, text, expected);
    }

    fn removed(&mut self, page: &'static str, member: &str, replacements: &[(&str, String)]) {
        let text = apply(&self.pages[page], replacements);
        self.removed_text(page, member, text);
    }

    fn renamed_text(&mut self, page: &'static str, old: &str, new: &str, text: String) {
        let mut expected = self.removed_expectation(page, old);
        expected.insert(self.key(page, '+', Kind::Missing, new));
        self.push(
            page,
            EditKind::Renamed,
            &format!("{old} -> {new}"),
            text,
            expected,
        );
    }

    fn renamed(
        &mut self,
        page: &'static str,
        old: &str,
        new: &str,
        replacements: &[(&str, String)],
    ) {
        let text = apply(&self.pages[page], replacements);
        self.renamed_text(page, old, new, text);
    }

    fn made_required_text(&mut self, page: &'static str, member: &str, text: String) {
        let spec = self.spec(page, member);
        let expected = if spec.required {
            BTreeSet::new()
        } else {
            [self.key(page, '+', Kind::Mismatch, member)].into()
        };
        self.push(page, EditKind::MadeRequired, member, text, expected);
    }

    fn made_required(&mut self, page: &'static str, member: &str, replacements: &[(&str, String)]) {
        let text = apply(&self.pages[page], replacements);
        self.made_required_text(page, member, text);
    }
}

fn s(x: &str) -> String {
    x.to_string()
}

fn generate(pages: &BTreeMap<String, String>, specs: &BTreeMap<&'static str, Value>) -> Vec<Edit> {
    let mut g = Gen {
        pages,
        specs,
        edits: Vec::new(),
    };

    // RentalCover updateCustomer: a text field list `Name type [..] [required]` and a curl body.
    let p = "rentalcover-update-customer.txt";
    let end = "\nPreviousInstantBooking";
    g.added(
        p,
        "request.Nickname",
        &[(end, format!("\nNickname string\n\nInjected.\n{end}"))],
    );
    g.added(
        p,
        "request.Title",
        &[(end, format!("\nTitle string required\n\nInjected.\n{end}"))],
    );
    g.removed(
        p,
        "request.OtherEmail",
        &[("\nOtherEmail string\n", s("\n"))],
    );
    g.removed(
        p,
        "request.Address2",
        &[
            ("\nAddress2 string\n", s("\n")),
            ("\"Address2\": \"Suite 15\", ", s("")),
        ],
    );
    g.removed(
        p,
        "request.NewEmail",
        &[
            ("\nNewEmail string\n", s("\n")),
            ("\"NewEmail\": \"[email\u{a0}protected]\", ", s("")),
        ],
    );
    g.removed(
        p,
        "request.DateOfBirth",
        &[
            ("\nDateOfBirth string [yyyy-mm-dd]\n", s("\n")),
            ("\"DateOfBirth\": \"1990-05-20\", ", s("")),
        ],
    );
    g.removed(
        p,
        "request.AgentReference",
        &[
            ("\nAgentReference string required\n", s("\n")),
            (", \"AgentReference\": \"LIUI-HQS7-INS\"", s("")),
        ],
    );
    g.renamed(
        p,
        "request.Address1",
        "request.Street1",
        &[
            ("\nAddress1 string\n", s("\nStreet1 string\n")),
            ("\"Address1\": \"20", s("\"Street1\": \"20")),
        ],
    );
    g.renamed(
        p,
        "request.Phone",
        "request.Mobile",
        &[
            ("\nPhone string\n", s("\nMobile string\n")),
            ("\"Phone\": \"+61", s("\"Mobile\": \"+61")),
        ],
    );
    g.renamed(
        p,
        "request.CustomerAge",
        "request.Age",
        &[
            ("\nCustomerAge integer\n", s("\nAge integer\n")),
            ("\"CustomerAge\": 28", s("\"Age\": 28")),
        ],
    );
    for (line, member) in [
        ("PostalCode string", "request.PostalCode"),
        ("City string", "request.City"),
        ("NewEmail string", "request.NewEmail"),
        ("CustomerAge integer", "request.CustomerAge"),
    ] {
        g.made_required(
            p,
            member,
            &[(&format!("\n{line}\n"), format!("\n{line} required\n"))],
        );
    }

    // RentalCover updateInsurance: an HTML table, one row per field.
    let p = "rentalcover-update.md";
    let end = "<tr><td></td><td><p>Additional";
    g.added(
        p,
        "request.PickupNotes",
        &[(
            end,
            format!("<tr><td><code>PickupNotes</code> string</td><td>Injected</td></tr>{end}"),
        )],
    );
    g.added(
        p,
        "request.DriverLicence",
        &[(
            end,
            format!("<tr><td><code>DriverLicence</code> string <strong>required</strong></td><td>Injected</td></tr>{end}"),
        )],
    );
    for name in [
        "Currency",
        "FromLocationName",
        "VehicleClass",
        "OtherDriveAge2",
        "VehicleBerths",
    ] {
        let text = remove_row(&pages[p], name);
        g.removed_text(p, &format!("request.{name}"), text);
    }
    for (old, new) in [
        ("VehicleName", "VehicleModel"),
        ("ToLocationName", "DropoffLocationName"),
        ("PolicyPrice", "PartnerPrice"),
    ] {
        let text = replace_once(
            &pages[p],
            &format!("<td><code>{old}</code> "),
            &format!("<td><code>{new}</code> "),
        );
        g.renamed_text(
            p,
            &format!("request.{old}"),
            &format!("request.{new}"),
            text,
        );
    }
    for name in ["VehicleCode", "Phone", "LanguageCode", "VehicleOffroad4x4"] {
        let text = require_row(&pages[p], name);
        g.made_required_text(p, &format!("request.{name}"), text);
    }

    // Insly: the JSON request and response examples carry the wire names.
    let p = "insly-policy-update.txt";
    let ajax = "\"ajax_url\": \"/api/policy/update\",\n";
    g.added(
        p,
        "request.loyalty_code",
        &[(ajax, format!("{ajax}\"loyalty_code\": \"X1\",\n"))],
    );
    g.added(
        p,
        "request.mta_reason",
        &[(ajax, format!("{ajax}\"mta_reason\": 3,\n"))],
    );
    let policy_no = "\"policy_no\": \"OCC073009A\",\n";
    g.added(
        p,
        "responses.200.response.broker_fee",
        &[(policy_no, format!("{policy_no}\"broker_fee\": 5,\n"))],
    );
    g.added(
        p,
        "responses.200.response.charge.refund_reason",
        &[(
            "\"refund\": false,\n",
            s("\"refund\": false,\n\"refund_reason\": null,\n"),
        )],
    );
    g.removed(
        p,
        "request.post_code",
        &[("\"post_code\": \"BD18 1DZ\",\n", s(""))],
    );
    g.removed(
        p,
        "request.email",
        &[("\"email\": \"rafa.random@gmail.com\",\n", s(""))],
    );
    g.removed(p, "responses.200.response.policy_no", &[(policy_no, s(""))]);
    g.removed(
        p,
        "responses.200.response.excess",
        &[("\"excess\": \"200\",\n", s(""))],
    );
    g.removed(
        p,
        "responses.200.response.claims_no",
        &[("\"claims_no\": \"0\",\n", s(""))],
    );
    g.renamed(
        p,
        "request.full_address",
        "request.address_line",
        &[("\"full_address\": ", s("\"address_line\": "))],
    );
    g.renamed(
        p,
        "responses.200.response.mta_payable",
        "responses.200.response.amount_payable",
        &[("\"mta_payable\": 107.12", s("\"amount_payable\": 107.12"))],
    );

    // eCurring: `name` / `type |` attribute entries and the HTTP examples.
    let p = "ecurring-update-customer.txt";
    let tel = "\ntelephone\nstring |";
    g.added(
        p,
        "request.data.attributes.nickname",
        &[(tel, format!("\nnickname\nstring |\nInjected. |{tel}"))],
    );
    g.added(
        p,
        "request.data.attributes.birth_date",
        &[(tel, format!("\nbirth_date\nstring |\nInjected. |{tel}"))],
    );
    g.added(
        p,
        "responses.200.data.attributes.loyalty_tier",
        &[(
            "\"archived\": false,",
            s("\"archived\": false,\n\"loyalty_tier\": \"gold\","),
        )],
    );
    for name in ["vat_number", "company_name", "middle_name"] {
        g.removed(
            p,
            &format!("request.data.attributes.{name}"),
            &[(&format!("\n{name}\nstring |"), s("\n"))],
        );
    }
    g.removed(
        p,
        "responses.200.data.attributes.card_holder",
        &[("\"card_holder\": \"C Test\",\n", s(""))],
    );
    g.removed(
        p,
        "responses.200.data.attributes.bank_verification_method",
        &[("\"bank_verification_method\": null,\n", s(""))],
    );
    for (old, new) in [("first_name", "given_name"), ("telephone", "phone")] {
        g.renamed(
            p,
            &format!("request.data.attributes.{old}"),
            &format!("request.data.attributes.{new}"),
            &[(&format!("\n{old}\nstring |"), format!("\n{new}\nstring |"))],
        );
    }
    g.renamed(
        p,
        "responses.200.data.attributes.archived",
        "responses.200.data.attributes.is_archived",
        &[("\"archived\": false", s("\"is_archived\": false"))],
    );

    // RocketKOR: a flat field list (nesting from the samples) and JSON samples.
    let p = "rocketkor-update-individual-customer.txt";
    g.added(
        p,
        "request.nickname",
        &[(
            "\nsecurityQuestion\n",
            s("\nnickname\n\nstring\n\nInjected.\n\nsecurityQuestion\n"),
        )],
    );
    g.added(
        p,
        "request.addresses[].county",
        &[(
            "\ncityName\n",
            s("\ncounty\n\nstring\n\nInjected.\n\ncityName\n"),
        )],
    );
    g.added(
        p,
        "responses.200.loyaltyId",
        &[(
            "\"socialId\": \"123-45-6789\",",
            s("\"socialId\": \"123-45-6789\", \"loyaltyId\": \"L1\","),
        )],
    );
    for (line, member) in [
        ("prefix", "request.prefix"),
        ("pronoun", "request.pronoun"),
        ("streetLine4", "request.addresses[].streetLine4"),
    ] {
        g.removed(p, member, &[(&format!("\n{line}\n"), s("\n"))]);
    }
    g.removed(
        p,
        "responses.200.createdAt",
        &[("\"createdAt\": \"2022-11-23T00:42:50.311Z\",", s(""))],
    );
    g.removed(
        p,
        "responses.200.securityQuestion",
        &[(
            "\"securityQuestion\": \"Who is your favorite author?\",",
            s(""),
        )],
    );
    // Structural: an object with members added, an object removed with its members, an
    // object's heading renamed (its members follow it).
    g.added(
        p,
        "request.emergencyContact",
        &[(
            "\nsecurityQuestion\n",
            s("\nemergencyContact\n\nobject\n\nInjected.\n\nphone\n\nstring\n\nInjected.\n\nsecurityQuestion\n"),
        )],
    );
    {
        let text = &pages[p];
        let start = text.find("\nplaceOfBirth\n").unwrap();
        let end = text.find("\nsocialId\n").unwrap();
        let edited = format!("{}{}", &text[..start], &text[end..]);
        g.removed_text(p, "request.placeOfBirth", edited);
    }
    g.renamed(
        p,
        "request.primaryEmail",
        "request.primaryEmailAddress",
        &[(
            "\nprimaryEmail\u{a0}\u{a0}\n",
            s("\nprimaryEmailAddress\u{a0}\u{a0}\n"),
        )],
    );
    g.renamed(
        p,
        "request.suffix",
        "request.postNominal",
        &[("\nsuffix\n", s("\npostNominal\n"))],
    );
    g.renamed(
        p,
        "request.addresses[].streetLine5",
        "request.addresses[].streetLine6",
        &[("\nstreetLine5\n", s("\nstreetLine6\n"))],
    );
    for (line, member) in [
        ("gender", "request.gender"),
        ("securityQuestion", "request.securityQuestion"),
        ("cityName", "request.addresses[].cityName"),
        ("streetLine2", "request.addresses[].streetLine2"),
    ] {
        g.made_required(
            p,
            member,
            &[(
                &format!("\n{line}\n"),
                format!("\n{line}\u{a0}\u{a0}REQUIRED\n"),
            )],
        );
    }
    g.edits
}

fn keys(findings: &[Finding]) -> BTreeSet<(Kind, String, String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f.kind,
                f.provider.clone(),
                f.operation.clone(),
                f.member.clone(),
            )
        })
        .collect()
}

fn run(
    docs: &Docs,
    specs: &BTreeMap<&'static str, Value>,
    provider: &str,
) -> BTreeSet<(Kind, String, String, String)> {
    keys(&drift::check(provider, &specs[provider], docs).expect("check runs"))
}

#[derive(Default)]
struct Tally {
    edits: usize,
    expected: usize,
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn pct(num: usize, den: usize) -> f64 {
    if den == 0 {
        100.0
    } else {
        100.0 * num as f64 / den as f64
    }
}

fn show(k: &Key) -> String {
    let (sign, kind, provider, operation, member) = k;
    let what = if *sign == '+' { "new" } else { "gone" };
    format!("{what} `{kind}` {provider} {operation} `{member}`")
}

#[test]
fn drift_accuracy_on_injected_page_edits() {
    let mut pages = BTreeMap::new();
    for name in PAGES.iter().map(|p| p.file).chain([drift::NOTES_FILE]) {
        let text = std::fs::read_to_string(repo().join("specs/pages").join(name)).expect("page");
        pages.insert(name.to_string(), text);
    }
    let mut specs = BTreeMap::new();
    for provider in ["rentalcover", "insly", "ecurring", "rocketkor"] {
        let text =
            std::fs::read_to_string(repo().join(format!("specs/{provider}.yaml"))).expect("spec");
        specs.insert(provider, drift::parse_spec(&text).expect("spec parses"));
    }
    let docs = Docs::from_texts(&pages).expect("pages");
    let mut baseline = BTreeMap::new();
    for provider in specs.keys() {
        baseline.insert(*provider, run(&docs, &specs, provider));
    }

    let edits = generate(&pages, &specs);
    assert!(edits.len() >= 50, "{} edits", edits.len());
    let mut by_kind: BTreeMap<EditKind, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut false_alarms = Vec::new();
    let mut rows = Vec::new();
    for edit in &edits {
        let (provider, _) = {
            let p = PAGES.iter().find(|p| p.file == edit.page).unwrap();
            (p.provider, p.operation)
        };
        let mut edited = pages.clone();
        edited.insert(edit.page.to_string(), edit.text.clone());
        let docs = Docs::from_texts(&edited).expect("edited pages extract");
        let after = run(&docs, &specs, provider);
        let before = &baseline[provider];
        let mut actual: BTreeSet<Key> = BTreeSet::new();
        for (kind, p, o, m) in after.difference(before) {
            actual.insert(('+', *kind, p.clone(), o.clone(), m.clone()));
        }
        for (kind, p, o, m) in before.difference(&after) {
            actual.insert(('-', *kind, p.clone(), o.clone(), m.clone()));
        }
        let t = by_kind.entry(edit.kind).or_default();
        t.edits += 1;
        t.expected += edit.expected.len();
        let tp = actual.intersection(&edit.expected).count();
        t.tp += tp;
        for k in edit.expected.difference(&actual) {
            t.fn_ += 1;
            misses.push(format!(
                "{} {} ({}): {}",
                edit.page,
                edit.kind.name(),
                edit.what,
                show(k)
            ));
        }
        for k in actual.difference(&edit.expected) {
            t.fp += 1;
            false_alarms.push(format!(
                "{} {} ({}): {}",
                edit.page,
                edit.kind.name(),
                edit.what,
                show(k)
            ));
        }
        rows.push(format!(
            "| {} | {} | `{}` | {} | {} |",
            edit.page,
            edit.kind.name(),
            edit.what,
            edit.expected.len(),
            tp
        ));
    }

    let total = by_kind.values().fold(Tally::default(), |a, t| Tally {
        edits: a.edits + t.edits,
        expected: a.expected + t.expected,
        tp: a.tp + t.tp,
        fp: a.fp + t.fp,
        fn_: a.fn_ + t.fn_,
    });
    let precision = pct(total.tp, total.tp + total.fp);
    let recall = pct(total.tp, total.tp + total.fn_);

    let mut md = String::new();
    md.push_str("# Drift check accuracy\n\n");
    md.push_str(
        "Generated by `spec-tools/tests/drift_accuracy.rs` (`UPDATE_ACCURACY=1 cargo test -p \
         partner-bindings-spec-tools --test drift_accuracy` rewrites it; the test fails when \
         this file differs from what it measures). Each edit changes one snapshot page in \
         `specs/pages/`; `partner-bindings specs drift` then runs on the edited page against \
         the unedited spec in `specs/`. What is counted is the change against the findings \
         on the unedited pages, compared with the findings the edit must cause: a field added \
         to the page is `missing` from the spec; a field removed makes the spec's member \
         `unmarked` (none when the member carries its own `x-assumption` marker); a rename is both; a field \
         made required is a `mismatch` (none when the spec already requires it).\n\n",
    );
    let _ = writeln!(
        md,
        "**{} edits over {} pages: precision {:.1}% ({} of {} reported changes right), recall {:.1}% ({} of {} expected findings found).**\n",
        total.edits,
        edits.iter().map(|e| e.page).collect::<BTreeSet<_>>().len(),
        precision,
        total.tp,
        total.tp + total.fp,
        recall,
        total.tp,
        total.tp + total.fn_
    );
    md.push_str("| edit kind | edits | expected findings | found | false alarms | missed | precision | recall |\n");
    md.push_str("|---|---|---|---|---|---|---|---|\n");
    for (kind, t) in &by_kind {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {:.1}% | {:.1}% |",
            kind.name(),
            t.edits,
            t.expected,
            t.tp,
            t.fp,
            t.fn_,
            pct(t.tp, t.tp + t.fp),
            pct(t.tp, t.tp + t.fn_)
        );
    }
    let _ = writeln!(
        md,
        "| **all** | {} | {} | {} | {} | {} | {:.1}% | {:.1}% |\n",
        total.edits, total.expected, total.tp, total.fp, total.fn_, precision, recall
    );
    md.push_str("## Misses\n\n");
    if misses.is_empty() {
        md.push_str("None.\n");
    }
    for m in &misses {
        let _ = writeln!(md, "- {m}");
    }
    md.push_str(
        "\nRocketKOR's field list is flat (no indentation): the extractor nests a name where the \
         page's JSON samples have it, and a name the samples lack in the innermost open object. \
         A renamed object heading is therefore placed inside the object before it.\n",
    );
    md.push_str("\n## False alarms\n\n");
    if false_alarms.is_empty() {
        md.push_str("None.\n");
    }
    for f in &false_alarms {
        let _ = writeln!(md, "- {f}");
    }
    md.push_str("\n## The edits\n\n");
    md.push_str(
        "Expected findings are 0 where the spec member carries its own marker (a removal) or \
         the spec already requires it (made required).\n\n",
    );
    md.push_str("| page | edit | member | expected findings | found |\n|---|---|---|---|---|\n");
    for r in &rows {
        md.push_str(r);
        md.push('\n');
    }

    let path = repo().join("specs/pages/ACCURACY.md");
    if std::env::var_os("UPDATE_ACCURACY").is_some() {
        std::fs::write(&path, &md).expect("write ACCURACY.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        precision >= 95.0 && recall >= 95.0,
        "precision {precision:.1}%, recall {recall:.1}%\n{md}"
    );
    assert!(
        committed == md,
        "specs/pages/ACCURACY.md is out of date: run with UPDATE_ACCURACY=1\n{md}"
    );
}
