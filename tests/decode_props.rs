//! Decoder robustness: every response fixture (documented and quirk) of every operation,
//! mutated by proptest (members dropped, types swapped, unknown members and enum values,
//! deep nesting, huge strings, invalid UTF-8), with the outcome each mutation must have:
//! an unknown member decodes to the same values as without it; a non-ASCII byte in place
//! of an ASCII one is a serde error; anything else decodes to a value that survives
//! encode-decode unchanged, or is a serde data/syntax error. Through the facade a body that
//! does not decode is the undecodable-response error; the documented quirks still decode.
#![cfg(feature = "sandbox")]

mod common;

use common::{fixture_text, fixtures_matching, Act, Scripted};
use partner_bindings::{ecurring, insly, rentalcover, rocketkor, Error};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};

/// (provider, stem) of every operation's response fixtures.
const OPERATIONS: [(&str, &str); 5] = [
    ("rentalcover", "update_customer"),
    ("rentalcover", "update_insurance"),
    ("insly", "update_policy"),
    ("ecurring", "update_customer"),
    ("rocketkor", "update_individual_customer"),
];

fn responses(provider: &str, stem: &str) -> Vec<Value> {
    fixtures_matching(provider, |name| {
        name.starts_with(stem) && name.ends_with(".json") && !name.contains(".request")
    })
    .iter()
    .map(|name| serde_json::from_str(&fixture_text(provider, name)).unwrap())
    .collect()
}

/// Decodes `bytes` as the operation's generated response type, and gives what it decoded
/// encoded again (so two decodes can be compared value for value).
fn decode(provider: &str, stem: &str, bytes: &[u8]) -> Result<Value, serde_json::Error> {
    fn typed<T: serde::de::DeserializeOwned + serde::Serialize>(
        bytes: &[u8],
    ) -> Result<Value, serde_json::Error> {
        serde_json::to_value(serde_json::from_slice::<T>(bytes)?)
    }
    match (provider, stem) {
        ("rentalcover", "update_customer") => {
            typed::<rentalcover::types::UpdateCustomerResponse>(bytes)
        }
        ("rentalcover", _) => typed::<rentalcover::types::UpdateInsuranceResponse>(bytes),
        ("insly", _) => typed::<insly::types::UpdatePolicyResponse>(bytes),
        ("ecurring", _) => typed::<ecurring::types::CustomerDocument>(bytes),
        _ => typed::<rocketkor::types::IndividualCustomer>(bytes),
    }
}

fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

/// Applies mutation `kind` at the `index`-th member of `value`; returns the bytes to decode
/// and, for an inserted unknown member, its pointer.
fn mutate(value: Value, kind: u8, index: usize, word: &str) -> Vec<u8> {
    mutate_at(value, kind, index, word).0
}

fn mutate_at(mut value: Value, kind: u8, index: usize, word: &str) -> (Vec<u8>, Option<String>) {
    let mut all = Vec::new();
    pointers(&value, String::new(), &mut all);
    let target = if all.is_empty() {
        String::new()
    } else {
        all[index % all.len()].clone()
    };
    let (parent, last) = target.rsplit_once('/').unwrap_or(("", ""));
    let replacement = match kind {
        0 => None,                                     // drop the member
        1 => Some(json!(word.len())),                  // a number where anything was
        2 => Some(json!(word)),                        // a string (unknown enum values too)
        3 => Some(json!([])),                          // PHP's empty array
        4 => Some(json!({ word: [true, null, 1.5] })), // an unknown object
        5 => Some(json!(null)),
        6 => {
            Some(serde_json::from_str(&format!("{}1{}", "[".repeat(100), "]".repeat(100))).unwrap())
        }
        7 => Some(json!("x".repeat(200_000))), // a huge string
        8 => Some(json!(false)),
        _ => {
            // An unknown member next to the known ones.
            let mut inserted = None;
            if let Some(map) = value.pointer_mut(parent).and_then(Value::as_object_mut) {
                if !map.contains_key(&format!("new_{word}")) {
                    map.insert(format!("new_{word}"), json!({"nested": word}));
                    inserted = Some(format!("{parent}/new_{word}"));
                }
            }
            return (serde_json::to_vec(&value).unwrap(), inserted);
        }
    };
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => match replacement {
            None => {
                map.remove(last);
            }
            Some(new) => {
                map.insert(last.replace("~1", "/").replace("~0", "~"), new);
            }
        },
        Some(Value::Array(items)) => {
            let i: usize = last.parse().unwrap_or(0);
            match replacement {
                None if i < items.len() => {
                    items.remove(i);
                }
                Some(new) if i < items.len() => items[i] = new,
                _ => {}
            }
        }
        _ => {}
    }
    (serde_json::to_vec(&value).unwrap(), None)
}

/// Maps whose values have a fixed type: an unknown key there is a new entry of that type,
/// not an unknown member, so the inserted object may rightly not decode.
fn in_typed_map(pointer: &str) -> bool {
    ["/products", "/covers", "/Coupons"]
        .iter()
        .any(|m| pointer.contains(m))
}

/// Outcomes seen, by kind, written to target/reliability/decode-props.json for
/// RELIABILITY.md: unknown member same values, unknown key refused in a typed map, corrupt
/// byte refused, decoded and stable through encode-decode, refused as a serde error.
static OUTCOMES: [AtomicU32; 5] = [const { AtomicU32::new(0) }; 5];
const CASES: u32 = 2000;

fn tally(outcome: usize) {
    OUTCOMES[outcome].fetch_add(1, Ordering::Relaxed);
    let seen: u32 = OUTCOMES.iter().map(|c| c.load(Ordering::Relaxed)).sum();
    if seen == CASES {
        let [same, typed_map, corrupt, stable, refused] =
            OUTCOMES.each_ref().map(|c| c.load(Ordering::Relaxed));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reliability");
        std::fs::create_dir_all(&dir).unwrap();
        let report = json!({"cases": CASES, "unknown_member_same_values": same,
            "unknown_key_in_typed_map_refused": typed_map, "corrupt_byte_refused": corrupt,
            "decoded_and_stable": stable, "refused_as_serde_error": refused});
        std::fs::write(dir.join("decode-props.json"), report.to_string()).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_responses_decode_or_fail_cleanly(
        op in 0usize..OPERATIONS.len(),
        fixture_pick in 0usize..16,
        kind in 0u8..10,
        index in 0usize..10_000,
        word in "[A-Za-z_]{1,12}",
        corrupt in proptest::option::of((0usize..10_000, any::<u8>())),
    ) {
        let (provider, stem) = OPERATIONS[op];
        let all = responses(provider, stem);
        let value = all[fixture_pick % all.len()].clone();
        let original = decode(provider, stem, &serde_json::to_vec(&value).unwrap()).unwrap();
        let (mut bytes, inserted) = mutate_at(value, kind, index, &word);
        if let Some((at, byte)) = corrupt {
            // A non-ASCII byte in place of an ASCII one is never valid UTF-8 (the byte before
            // ends a character, the byte after starts one) nor JSON: a serde error.
            let at = at % bytes.len();
            if bytes[at].is_ascii() {
                bytes[at] = byte | 0x80;
                let e = decode(provider, stem, &bytes).expect_err("corrupt UTF-8 decoded");
                prop_assert!(e.is_syntax() || e.is_data() || e.is_eof(), "{e}");
                tally(2);
                return Ok(());
            }
        }
        match (decode(provider, stem, &bytes), inserted) {
            // An unknown member: the same values as without it (it may be kept in `extra`).
            (Ok(mut got), Some(pointer)) => {
                let (parent, name) = pointer.rsplit_once('/').unwrap();
                if let Some(map) = got.pointer_mut(parent).and_then(Value::as_object_mut) {
                    map.remove(name);
                }
                prop_assert_eq!(got, original);
                tally(0);
            }
            (Err(e), Some(pointer)) => {
                prop_assert!(in_typed_map(&pointer), "an unknown member at {pointer} failed: {e}");
                prop_assert!(e.is_data(), "{e}");
                tally(1);
            }
            // Anything else: what decodes survives encode-decode unchanged.
            (Ok(got), None) => {
                let again = decode(provider, stem, &serde_json::to_vec(&got).unwrap());
                prop_assert_eq!(again.as_ref().ok(), Some(&got), "{:?}", again.as_ref().err());
                tally(3);
            }
            (Err(e), None) => {
                prop_assert!(e.is_data() || e.is_syntax(), "{e}");
                tally(4);
            }
        }
    }
}

#[test]
fn documented_quirks_still_decode() {
    for (provider, stem) in OPERATIONS {
        for value in responses(provider, stem) {
            let bytes = serde_json::to_vec(&value).unwrap();
            let decoded = decode(provider, stem, &bytes);
            assert!(decoded.is_ok(), "{provider} {stem}: {decoded:?}");
        }
    }
}

/// Through the facade: a body that does not decode is `Error::Undecodable` with the status,
/// never a panic or another kind; one that decodes is `Ok`.
#[tokio::test]
async fn through_the_facade_it_is_ok_or_undecodable() {
    let base = responses("ecurring", "update_customer")[0].clone();
    let mut bodies: Vec<Vec<u8>> = Vec::new();
    for kind in 0u8..10 {
        for index in [0, 3, 7, 11, 19, 29, 41] {
            bodies.push(mutate(base.clone(), kind, index, "surprise"));
        }
    }
    bodies.push(b"\xff\xfe not json".to_vec());
    bodies.push(b"{\"data\": ".to_vec());
    let (mut ok, mut undecodable) = (0, 0);
    for body in bodies {
        let server = Scripted::start(vec![Act::Reply(
            200,
            vec![],
            String::from_utf8_lossy(&body).into_owned(),
        )])
        .await;
        let client = ecurring::Client::builder()
            .environment(partner_bindings::ecurring::Environment::Custom(
                (&server.base).into(),
            ))
            .credential("k")
            .build()
            .unwrap();
        let change =
            ecurring::types::CustomerAttributesUpdate::builder().city(Some("Utrecht".to_string()));
        match client.update_customer("1").request(change).send().await {
            Ok(_) => ok += 1,
            Err(Error::Undecodable { response, .. }) => {
                assert_eq!(response.status(), 200);
                undecodable += 1;
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert!(
        ok > 0 && undecodable > 0,
        "{ok} ok, {undecodable} undecodable"
    );
}

/// Insly's answer is `oneOf` an applied and a refused update; its decoder (build.rs's
/// `object_alternatives`) reads it once instead of buffering it. It must decide as serde's
/// untagged rule does, so the oracle is that rule itself: an untagged enum of the same two
/// alternatives, fed the same bytes. The answers are written out by hand (keys in any
/// order, one member given twice) from the members' documented, quirky and wrong forms.
// The generated enum's own shape (unboxed), on purpose.
#[allow(clippy::large_enum_variant)]
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum UntaggedOracle {
    Applied(insly::types::AppliedUpdate),
    Refused(insly::types::RefusedUpdate),
}

/// An object `response` that the re-priced policy's own decoder refuses (a planted "the
/// bulk member's error is swallowed" must show).
const BAD_ADJUSTMENTS: [&str; 2] = [r#"{"policy_no": 5}"#, r#"{"declined": {"no": 1}}"#];

fn insly_answer_text() -> impl Strategy<Value = String> {
    let adjustment: Value =
        serde_json::from_str(&fixture_text("insly", "update_policy.response.json")).unwrap();
    let adjustment = adjustment["response"].to_string();
    let forms = |forms: Vec<String>| proptest::option::of(proptest::sample::select(forms));
    let text = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut responses = text(&[
        "{}",
        r#"{"declined": "1"}"#,
        r#""refused: cover""#,
        "[]",
        "[1]",
        "null",
        "5",
        "true",
    ]);
    responses.push(adjustment);
    responses.extend(text(&BAD_ADJUSTMENTS));
    let members = (
        forms(text(&[
            "1", "0", r#""1""#, r#""0""#, "null", r#""x""#, "true", "2.5",
        ])),
        forms(responses),
        forms(text(&[r#""Policy is locked""#, "null", "7", "[]"])),
        forms(text(&["12", r#""12""#, "null", "{}"])),
        forms(text(&[r#"{"k": [1]}"#, r#""new""#, "null"])),
    );
    (
        members,
        Just(()).prop_perturb(|_, mut rng| rng.next_u64()),
        proptest::option::of((
            0usize..5,
            proptest::sample::select(text(&["1", r#""again""#, "null", "{}"])),
        )),
    )
        .prop_map(
            |((status, response, message, oid, unknown), seed, repeat)| {
                let mut pairs: Vec<(&str, String)> = [
                    ("status", status),
                    ("response", response),
                    ("message", message),
                    ("apirequest_oid", oid),
                    ("added_later", unknown),
                ]
                .into_iter()
                .filter_map(|(name, value)| Some((name, value?)))
                .collect();
                if let Some((which, value)) = repeat {
                    if !pairs.is_empty() {
                        let name = pairs[which % pairs.len()].0;
                        pairs.push((name, value));
                    }
                }
                // A fixed shuffle from the seed: serde_json would always write sorted keys.
                let mut order: Vec<usize> = (0..pairs.len()).collect();
                order.sort_by_key(|i| {
                    (seed.rotate_left(*i as u32 * 7) ^ *i as u64)
                        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                });
                let body: Vec<String> = order
                    .iter()
                    .map(|&i| format!("\"{}\": {}", pairs[i].0, pairs[i].1))
                    .collect();
                format!("{{{}}}", body.join(", "))
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4 * CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn insly_answer_decodes_as_the_untagged_rule_decides(text in insly_answer_text()) {
        use insly::types::UpdatePolicyResponse;
        let untagged = serde_json::from_str::<UntaggedOracle>(&text).ok().map(|o| match o {
            UntaggedOracle::Applied(a) => UpdatePolicyResponse::from(a),
            UntaggedOracle::Refused(r) => UpdatePolicyResponse::from(r),
        });
        let decoded = serde_json::from_str::<UpdatePolicyResponse>(&text).ok();
        prop_assert_eq!(&decoded, &untagged, "from bytes: {}", text);
        // Through a JSON value too (no repeated keys there: the value keeps the last).
        let value: Value = serde_json::from_str(&text).unwrap();
        let untagged = serde_json::from_value::<UntaggedOracle>(value.clone()).ok().map(|o| match o {
            UntaggedOracle::Applied(a) => UpdatePolicyResponse::from(a),
            UntaggedOracle::Refused(r) => UpdatePolicyResponse::from(r),
        });
        let decoded = serde_json::from_value::<UpdatePolicyResponse>(value).ok();
        prop_assert_eq!(&decoded, &untagged, "from a value: {}", text);
    }
}

#[test]
fn the_bad_adjustments_are_refused_by_the_adjustment_decoder() {
    for bad in BAD_ADJUSTMENTS {
        assert!(
            serde_json::from_str::<insly::types::Adjustment>(bad).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn insly_answer_members_go_where_the_chosen_alternative_puts_them() {
    use insly::types::UpdatePolicyResponse;
    let applied = serde_json::from_value::<UpdatePolicyResponse>(json!({
        "status": "1", "response": {"policy_no": "P1"}, "message": "ok", "added_later": [1]
    }))
    .unwrap();
    let UpdatePolicyResponse::AppliedUpdate(applied) = applied else {
        panic!("an object response with status 1 is applied: {applied:?}");
    };
    // `message` is a refusal's member: an applied answer keeps it among the unknown ones.
    assert_eq!(applied.extra.get("message"), Some(&json!("ok")));
    assert_eq!(applied.extra.get("added_later"), Some(&json!([1])));
    assert_eq!(applied.response.policy_no.as_deref(), Some("P1"));
    let refused = serde_json::from_slice::<UpdatePolicyResponse>(
        br#"{"status": 0, "response": [], "message": "Policy is locked"}"#,
    )
    .unwrap();
    let UpdatePolicyResponse::RefusedUpdate(refused) = refused else {
        panic!("status 0 with `[]` is refused: {refused:?}");
    };
    assert_eq!(refused.message.as_deref(), Some("Policy is locked"));
    assert_eq!(refused.response, None);
    let duplicate = serde_json::from_slice::<UpdatePolicyResponse>(
        br#"{"status": 0, "status": 1, "response": []}"#,
    )
    .unwrap_err();
    assert!(
        duplicate.to_string().contains("duplicate field `status`"),
        "{duplicate}"
    );
    let neither =
        serde_json::from_slice::<UpdatePolicyResponse>(br#"{"response": "text"}"#).unwrap_err();
    assert!(
        neither.to_string().contains("did not match any variant"),
        "{neither}"
    );
}
