//! The `partner-bindings` binary: demo, every provider operation against an in-process
//! sandbox, bad input (exit code, message, nothing received), specs, sandbox and --help.

use std::{
    io::{BufRead, BufReader, Read, Write},
    path::PathBuf,
    process::{Command, Output, Stdio},
};

use partner_bindings::sandbox::{Sandbox, Service};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_partner-bindings");

fn fixture(provider: &str, name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(provider)
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs the binary with `args` and `env` (the four credential variables cleared unless
/// given), `stdin` fed in; blocking, so call it from `spawn_blocking` while a sandbox runs.
fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "RENTALCOVER_API_KEY",
        "INSLY_API_TOKEN",
        "ECURRING_API_KEY",
        "ROCKETKOR_ACCESS_TOKEN",
        "RENTALCOVER_BASE_URL",
        "INSLY_BASE_URL",
        "ECURRING_BASE_URL",
        "ROCKETKOR_BASE_URL",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

async fn run_async(
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    stdin: Option<String>,
) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run(&args, &env, stdin.as_deref())
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn credentials() -> Vec<(&'static str, String)> {
    vec![
        (
            "RENTALCOVER_API_KEY",
            Service::RentalCover.credential().into(),
        ),
        ("INSLY_API_TOKEN", Service::Insly.credential().into()),
        ("ECURRING_API_KEY", Service::ECurring.credential().into()),
        (
            "ROCKETKOR_ACCESS_TOKEN",
            Service::RocketKor.credential().into(),
        ),
    ]
}

fn write_temp(name: &str, value: &Value) -> String {
    let dir = std::env::temp_dir().join(format!("partner-bindings-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).unwrap();
    path.display().to_string()
}

#[test]
fn demo_runs_every_flow_and_reports_it() {
    let output = run(&["demo"], &[], None);
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        text(&output.stderr)
    );
    for expected in [
        "RentalCover",
        "For this update there will be a charge of AUD 12.50",
        "confirmed (QuoteOnly=0, sent once)",
        "refund of",
        "untouched: name Customer Test",
        "primary SHIPPING address",
        "refused: addresses[0].name",
        "requests the sandbox received for it: 0",
        "all steps worked.",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }

    let output = run(&["demo", "--json"], &[], None);
    assert!(output.status.success());
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["steps"].as_array().unwrap().len(), 6);
    assert!(report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["ok"] == true));
    assert_eq!(
        report["requests_received"]["rentalcover.updateInsurance"],
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_provider_operation_against_the_sandbox() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = |p: Service| sandbox.base_url(p);
    let mut insurance = fixture("rentalcover", "update_insurance.request.json");
    insurance["FromDate"] = json!("2026-12-01 10:00:00");
    insurance["ToDate"] = json!("2026-12-04 10:00:00");
    // Four days at AUD 3,000 of cover: the seeded price, so no charge.
    insurance["VehicleStdLiabilityLow"] = json!(3000);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "rentalcover".into(),
                "update-customer".into(),
                "--body".into(),
                write_temp(
                    "c.json",
                    &fixture("rentalcover", "update_customer.request.json"),
                ),
                "--base-url".into(),
                base(Service::RentalCover),
            ],
            "rentalcover.updateCustomer",
        ),
        (
            vec![
                "insly".into(),
                "update-policy".into(),
                "--body".into(),
                write_temp("i.json", &fixture("insly", "update_policy.request.json")),
                "--base-url".into(),
                base(Service::Insly),
            ],
            "insly.updatePolicy",
        ),
        (
            vec![
                "ecurring".into(),
                "update-customer".into(),
                "--id".into(),
                "1".into(),
                "--body".into(),
                write_temp(
                    "e.json",
                    &fixture("ecurring", "update_customer.request.json"),
                ),
                "--base-url".into(),
                base(Service::ECurring),
            ],
            "ecurring.updateCustomer",
        ),
        (
            vec![
                "rocketkor".into(),
                "update-individual-customer".into(),
                "--customer-id".into(),
                "0e01f271-80b1-4724-b5dc-6959c7cd88dc".into(),
                "--body".into(),
                write_temp(
                    "r.json",
                    &fixture("rocketkor", "update_individual_customer.request.json"),
                ),
                "--base-url".into(),
                base(Service::RocketKor),
            ],
            "rocketkor.updateIndividualCustomer",
        ),
    ];
    for (args, operation) in cases {
        let output = run_async(args, credentials(), None).await;
        assert!(
            output.status.success(),
            "{operation}: {}",
            text(&output.stderr)
        );
        let response: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(response.is_object(), "{operation}");
        assert_eq!(sandbox.received(operation), 1, "{operation}");
    }

    // update-insurance quotes by default (one request, nothing applied) ...
    let body = write_temp("p.json", &insurance);
    let quote_args = |confirm: bool| {
        let mut args: Vec<String> = [
            "rentalcover",
            "update-insurance",
            "--reference",
            "AB12-345C-INS",
            "--previous-total",
            "60",
            "--body",
            &body,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if confirm {
            args.push("--confirm".into());
        }
        args
    };
    // The body comes from the environment's base URL this time.
    let mut env = credentials();
    env.push(("RENTALCOVER_BASE_URL", base(Service::RentalCover)));
    let output = run_async(quote_args(false), env.clone(), None).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("quoted: no charge"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(sandbox.received("rentalcover.updateInsurance"), 1);
    // ... and applies with --confirm (quote + confirm = two more).
    let output = run_async(quote_args(true), env, None).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("applied: no charge"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(sandbox.received("rentalcover.updateInsurance"), 3);

    // The body from stdin.
    let document = fixture("ecurring", "update_customer.request.json").to_string();
    let args = [
        "ecurring",
        "update-customer",
        "--id",
        "1",
        "--body",
        "-",
        "--base-url",
        &base(Service::ECurring),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let output = run_async(args, credentials(), Some(document)).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(sandbox.received("ecurring.updateCustomer"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_exits_2_names_the_field_and_sends_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let rc = sandbox.base_url(Service::RentalCover);
    let mut backwards = fixture("rentalcover", "update_insurance.request.json");
    backwards["FromDate"] = json!("2026-12-09 10:00:00");
    backwards["ToDate"] = json!("2026-12-01 10:00:00");
    let mut unnamed = fixture("rocketkor", "update_individual_customer.request.json");
    unnamed["addresses"] = json!([{"type": "SHIPPING", "streetLine1": "1 Main St", "zipCode": "10001", "countryCode": "USA", "stateCode": "NY"}]);
    let mut wrong_type = fixture("insly", "update_policy.request.json");
    wrong_type["policy_oid"] = json!("ten");
    let not_json = {
        let path = write_temp("broken.json", &json!(null));
        std::fs::write(&path, "{\"Email\": ").unwrap();
        path
    };
    type Env = Vec<(&'static str, String)>;
    let cases: Vec<(Vec<String>, Env, &str)> = vec![
        (
            vec![
                "rentalcover".into(),
                "update-insurance".into(),
                "--reference".into(),
                "AB12-345C-INS".into(),
                "--previous-total".into(),
                "60".into(),
                "--body".into(),
                write_temp("b.json", &backwards),
                "--base-url".into(),
                rc.clone(),
            ],
            credentials(),
            "FromDate: must be before ToDate",
        ),
        (
            vec![
                "rocketkor".into(),
                "update-individual-customer".into(),
                "--customer-id".into(),
                "0e01f271-80b1-4724-b5dc-6959c7cd88dc".into(),
                "--body".into(),
                write_temp("u.json", &unnamed),
                "--base-url".into(),
                sandbox.base_url(Service::RocketKor),
            ],
            credentials(),
            "addresses[0].name",
        ),
        (
            vec![
                "insly".into(),
                "update-policy".into(),
                "--body".into(),
                write_temp("w.json", &wrong_type),
                "--base-url".into(),
                sandbox.base_url(Service::Insly),
            ],
            credentials(),
            "member `policy_oid`",
        ),
        (
            vec![
                "rentalcover".into(),
                "update-customer".into(),
                "--body".into(),
                not_json,
                "--base-url".into(),
                rc.clone(),
            ],
            credentials(),
            "not JSON (line 1",
        ),
        (
            vec![
                "rentalcover".into(),
                "update-customer".into(),
                "--body".into(),
                write_temp(
                    "c2.json",
                    &fixture("rentalcover", "update_customer.request.json"),
                ),
                "--base-url".into(),
                rc.clone(),
            ],
            vec![],
            "RENTALCOVER_API_KEY",
        ),
        (
            vec![
                "rocketkor".into(),
                "update-individual-customer".into(),
                "--customer-id".into(),
                "42".into(),
                "--body".into(),
                write_temp("r2.json", &json!({})),
                "--base-url".into(),
                sandbox.base_url(Service::RocketKor),
            ],
            credentials(),
            "customerId: invalid length",
        ),
    ];
    for (args, env, message) in cases {
        let output = run_async(args.clone(), env, None).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(message),
            "{args:?}: expected {message:?} in {stderr}"
        );
    }
    assert_eq!(
        sandbox.counts().values().sum::<u64>(),
        0,
        "nothing may reach the server"
    );

    // An API error exits 3, a network failure 4.
    let args: Vec<String> = [
        "rentalcover",
        "update-customer",
        "--body",
        &write_temp(
            "c3.json",
            &fixture("rentalcover", "update_customer.request.json"),
        ),
        "--base-url",
        &rc,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let output = run_async(
        args.clone(),
        vec![("RENTALCOVER_API_KEY", "wrong".into())],
        None,
    )
    .await;
    assert_exit(&output, 3, "unauthorized (401");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut args = args;
    let last = args.len() - 1;
    args[last] = dead;
    let output = run_async(args, credentials(), None).await;
    assert_exit(&output, 4, "connection failed");
}

#[test]
fn specs_list_export_and_check() {
    let output = run(&["specs", "list"], &[], None);
    let stdout = text(&output.stdout);
    assert!(output.status.success());
    for id in [
        "updateCustomer",
        "updateInsurance",
        "updatePolicy",
        "updateIndividualCustomer",
    ] {
        assert!(stdout.contains(id), "{stdout}");
    }

    let dir = std::env::temp_dir().join(format!("partner-bindings-specs-{}", std::process::id()));
    let output = run(&["specs", "export", dir.to_str().unwrap()], &[], None);
    assert!(output.status.success(), "{}", text(&output.stderr));
    for provider in Service::ALL {
        let yaml = std::fs::read_to_string(dir.join(format!("{}.yaml", provider.name()))).unwrap();
        assert_eq!(yaml, provider.spec_yaml());
        let json: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{}.json", provider.name()))).unwrap(),
        )
        .unwrap();
        assert_eq!(json["openapi"], "3.0.3");
    }

    let output = run(&["specs", "check"], &[], None);
    assert!(output.status.success(), "{}", text(&output.stdout));
    assert_eq!(text(&output.stdout).matches("ok ").count(), 4);
    let exported = dir.join("insly.yaml");
    let output = run(&["specs", "check", exported.to_str().unwrap()], &[], None);
    assert!(output.status.success(), "{}", text(&output.stdout));

    // A broken spec fails with a clear message.
    let broken = Service::Insly
        .spec_yaml()
        .replace("#/components/schemas/UkDate", "#/components/schemas/UkDat");
    let path = dir.join("broken.yaml");
    std::fs::write(&path, broken).unwrap();
    let output = run(&["specs", "check", path.to_str().unwrap()], &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stdout).contains("$ref #/components/schemas/UkDat does not resolve"),
        "{}",
        text(&output.stdout)
    );
    std::fs::write(&path, "openapi: [").unwrap();
    let output = run(&["specs", "check", path.to_str().unwrap()], &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stdout).contains("not YAML or JSON"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn sandbox_command_serves_and_logs_each_request() {
    let mut child = Command::new(BIN)
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("sandbox listening on ")
        .expect(&first)
        .to_string();
    let address = url.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "GET /ecurring/customers/1 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 405"), "{response}");
    assert!(
        response.to_ascii_lowercase().contains("allow: patch"),
        "{response}"
    );
    let mut lines = String::new();
    for _ in 0..8 {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        lines.push_str(&line);
        if line.contains("GET /ecurring/customers/1") {
            break;
        }
    }
    child.kill().unwrap();
    let _ = child.wait();
    assert!(lines.contains("sandbox-key"), "{lines}");
    assert!(
        lines.contains("GET /ecurring/customers/1 -> 405"),
        "{lines}"
    );
}

#[test]
fn every_command_has_help() {
    let commands: &[&[&str]] = &[
        &[],
        &["demo"],
        &["sandbox"],
        &["specs"],
        &["specs", "list"],
        &["specs", "export"],
        &["specs", "check"],
        &["rentalcover"],
        &["rentalcover", "update-customer"],
        &["rentalcover", "update-insurance"],
        &["insly", "update-policy"],
        &["ecurring", "update-customer"],
        &["rocketkor", "update-individual-customer"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let output = run(&args, &[], None);
        assert!(output.status.success(), "{args:?}");
        assert!(
            text(&output.stdout).contains("Usage: partner-bindings"),
            "{args:?}"
        );
    }
}

/// Asserts the binary's exit code and that stderr says `message`.
fn assert_exit(output: &Output, code: i32, message: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(stderr.contains(message), "want {message:?} in: {stderr}");
}

/// The exit code of each kind of answer, through the binary: a quote above `--max-charge`
/// (2, nothing applied), a confirm answered with a 200 HTML page (4: applied), Insly's
/// refusals inside a 200 (3), a redirect (4: not followed, unknown). Counted by the sandbox.
#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_tell_what_happened_to_the_change() {
    let sandbox = Sandbox::start().await.unwrap();
    let insurance = write_temp("truth-insurance.json", &{
        let mut body = fixture("rentalcover", "update_insurance.request.json");
        body["QuoteOnly"] = json!(1);
        body
    });
    let rc = sandbox.base_url(Service::RentalCover);
    // The sandbox prices this change at AUD 10.00: from 1.00 that is a charge of 9.00.
    let confirm = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = [
            "rentalcover",
            "update-insurance",
            "--reference",
            "AB12-345C-INS",
            "--previous-total",
            "1",
            "--body",
            &insurance,
            "--base-url",
            &rc,
            "--confirm",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let counter = "rentalcover.updateInsurance";

    let output = run_async(confirm(&["--max-charge", "8.99"]), credentials(), None).await;
    assert_exit(
        &output,
        2,
        "max_charge: the quote charges AUD 9.00, more than AUD 8.99",
    );
    assert_eq!(sandbox.received(counter), 1, "the quote only");

    // The confirm (this operation's 3rd request) gets a "thank you" page after applying.
    sandbox.inject(counter, Some("html,status=200,nth=3"));
    let output = run_async(confirm(&["--max-charge", "9"]), credentials(), None).await;
    assert_exit(&output, 4, "was applied");
    assert_eq!(sandbox.received(counter), 3, "one quote, one confirm");
    sandbox.inject(counter, None);

    let policy = write_temp(
        "truth-policy.json",
        &fixture("insly", "update_policy.request.json"),
    );
    let insly = |base: String| -> Vec<String> {
        [
            "insly",
            "update-policy",
            "--body",
            &policy,
            "--base-url",
            &base,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    // Accepted: the answer goes to stdout with Stripe's client_secret redacted.
    let output = run_async(insly(sandbox.base_url(Service::Insly)), credentials(), None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        answer["response"]["payment_intent"]["client_secret"],
        "[redacted]"
    );
    assert!(!text(&output.stdout).contains("_secret_"));
    let mut shown = insly(sandbox.base_url(Service::Insly));
    shown.push("--show-secrets".into());
    let output = run_async(shown, credentials(), None).await;
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(answer["response"]["payment_intent"]["client_secret"]
        .as_str()
        .unwrap()
        .contains("_secret_"));
    for (fault, code, message) in [
        ("declined", 3, "the insurer declined the change"),
        ("status0", 3, "The sandbox was asked to refuse this change"),
        // A redirect may follow a processed request: not followed, outcome unknown.
        ("redirect=307", 4, "not followed"),
    ] {
        sandbox.inject("insly.updatePolicy", Some(fault));
        let before = sandbox.received("insly.updatePolicy");
        let output = run_async(insly(sandbox.base_url(Service::Insly)), credentials(), None).await;
        assert_exit(&output, code, message);
        assert_eq!(
            sandbox.received("insly.updatePolicy"),
            before + 1,
            "{fault}"
        );
    }
}
