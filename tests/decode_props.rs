//! Decoder robustness: every response fixture (documented and quirk) of every operation,
//! mutated by proptest (members dropped, types swapped, unknown members and enum values,
//! deep nesting, huge strings, invalid UTF-8). Decoding never panics: it succeeds or, through
//! the facade, is the undecodable-response error; the documented quirks still decode.
#![cfg(feature = "sandbox")]

mod common;

use common::{fixture_text, fixtures_matching, Act, Scripted};
use partner_bindings::{ecurring, insly, rentalcover, rocketkor, Error};
use proptest::prelude::*;
use serde_json::{json, Value};

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

/// Decodes `bytes` as the operation's generated response type; Err carries serde's message.
fn decode(provider: &str, stem: &str, bytes: &[u8]) -> Result<(), String> {
    let e = |e: serde_json::Error| e.to_string();
    match (provider, stem) {
        ("rentalcover", "update_customer") => {
            serde_json::from_slice::<rentalcover::types::UpdateCustomerResponse>(bytes)
                .map(drop)
                .map_err(e)
        }
        ("rentalcover", _) => {
            serde_json::from_slice::<rentalcover::types::UpdateInsuranceResponse>(bytes)
                .map(drop)
                .map_err(e)
        }
        ("insly", _) => serde_json::from_slice::<insly::types::UpdatePolicyResponse>(bytes)
            .map(drop)
            .map_err(e),
        ("ecurring", _) => serde_json::from_slice::<ecurring::types::CustomerDocument>(bytes)
            .map(drop)
            .map_err(e),
        _ => serde_json::from_slice::<rocketkor::types::IndividualCustomer>(bytes)
            .map(drop)
            .map_err(e),
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

/// Applies mutation `kind` at the `index`-th member of `value`; returns the bytes to decode.
fn mutate(mut value: Value, kind: u8, index: usize, word: &str) -> Vec<u8> {
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
            if let Some(map) = value.pointer_mut(parent).and_then(Value::as_object_mut) {
                map.insert(format!("new_{word}"), json!({"nested": word}));
            }
            return serde_json::to_vec(&value).unwrap();
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
    serde_json::to_vec(&value).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

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
        let mut bytes = mutate(value, kind, index, &word);
        if let Some((at, byte)) = corrupt {
            // Invalid UTF-8 or any other byte somewhere in the body.
            let at = at % bytes.len();
            bytes[at] = byte | 0x80;
        }
        // Must return, never panic (a panic fails the property).
        let _ = decode(provider, stem, &bytes);
    }
}

#[test]
fn documented_quirks_still_decode() {
    for (provider, stem) in OPERATIONS {
        for value in responses(provider, stem) {
            let bytes = serde_json::to_vec(&value).unwrap();
            assert_eq!(decode(provider, stem, &bytes), Ok(()), "{provider} {stem}");
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
