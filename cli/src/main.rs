//! `partner-bindings`: run the whole flow against the embedded sandbox (`demo`), serve the
//! sandbox (`sandbox`), work with the bundled specs (`specs`), or call any server with one
//! provider operation (`rentalcover update-insurance ...`).
//!
//! Exit codes (`partner_bindings::Error::exit_code`): 0 success; 2 invalid input
//! (arguments, body, validation: nothing sent); 3 the provider answered and nothing was
//! applied (refused, declined, rate limited by a 429), or it answered a repeatable call with
//! a redirect or an unreadable body; 4 network failure or server error, or a change that
//! was or may have been applied (outcome unknown, applied but unreadable).

mod demo;
mod ops;

use std::{net::IpAddr, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use partner_bindings::sandbox::{check_spec, Sandbox, Service};

/// Typed, safe calls to RentalCover, Insly, eCurring and RocketKOR, and a sandbox that
/// speaks all four.
#[derive(Parser)]
#[command(name = "partner-bindings", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the sandbox on a free loopback port and run every provider's update flow
    /// through the library, printing what happened.
    Demo {
        /// Print the report as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Serve the sandbox until interrupted, one log line per request.
    Sandbox {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// Do not log requests (for load tests).
        #[arg(long)]
        quiet: bool,
    },
    /// The bundled OpenAPI specs.
    Specs {
        #[command(subcommand)]
        command: SpecsCommand,
    },
    /// RentalCover calls.
    Rentalcover {
        #[command(subcommand)]
        operation: ops::RentalcoverOp,
    },
    /// Insly calls.
    Insly {
        #[command(subcommand)]
        operation: ops::InslyOp,
    },
    /// eCurring calls.
    Ecurring {
        #[command(subcommand)]
        operation: ops::EcurringOp,
    },
    /// RocketKOR calls.
    Rocketkor {
        #[command(subcommand)]
        operation: ops::RocketkorOp,
    },
}

#[derive(Subcommand)]
enum SpecsCommand {
    /// List the bundled specs and their operations.
    List,
    /// Write every spec as YAML and JSON into DIR.
    Export {
        /// Directory to write into (created if missing).
        dir: PathBuf,
    },
    /// Check specs structurally: parse, references, schemas, operationIds, examples
    /// against their schemas. Without FILES, the bundled ones.
    Check {
        /// YAML or JSON spec files to check instead of the bundled ones.
        files: Vec<PathBuf>,
    },
    /// Compare specs with the provider reference pages (snapshots in specs/pages): members
    /// a page documents that the spec lacks (missing), spec elements neither on a page nor
    /// marked `x-assumption` (unmarked), required-ness or type that differ (mismatch).
    /// Without FILES, the bundled specs. Exit 1 on any finding, 2 on bad input.
    Drift {
        /// Directory with the page snapshots and NOTES.md.
        #[arg(long, value_name = "DIR", default_value = "specs/pages")]
        pages: PathBuf,
        /// Output: one line per finding, or JSON.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
        /// Spec files named `<provider>.yaml` (or `.json`) instead of the bundled ones.
        files: Vec<PathBuf>,
    },
    /// Classify every change from OLD to NEW (OpenAPI 3.0, YAML or JSON; a file or
    /// REV:path from git) as breaking (ERR), possibly breaking (WARN) or compatible (INFO),
    /// with oasdiff's check ids.
    Diff {
        /// The old document: a file, or REV:path (e.g. HEAD~1:specs/insly.yaml).
        #[arg(required_unless_present = "corpus")]
        old: Option<String>,
        /// The new document: a file, or REV:path.
        #[arg(required_unless_present = "corpus")]
        new: Option<String>,
        /// Output: one line per change, JSON, or a Markdown changelog section.
        #[arg(long, default_value = "text", value_parser = ["text", "json", "markdown"])]
        format: String,
        /// Exit 1 when a change at this level or above exists (else 0).
        #[arg(long, value_parser = ["ERR", "WARN"], ignore_case = true)]
        fail_on: Option<String>,
        /// Instead, run the agreement corpus in DIR (spec-tools/tests/corpus) and print
        /// its AGREEMENT.md; exit 1 when the corpus test would fail.
        #[arg(long, value_name = "DIR", conflicts_with_all = ["old", "new"])]
        corpus: Option<PathBuf>,
    },
}

/// Exit codes, one per kind of failure.
pub(crate) mod exit {
    /// Invalid input: nothing was sent.
    pub const INVALID_INPUT: u8 = 2;
    /// Network failure, or a call whose outcome is unknown.
    pub const NETWORK: u8 = 4;
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Demo { json } => demo::run(json).await,
        Command::Sandbox { port, host, quiet } => serve(host, port, quiet).await,
        Command::Specs { command } => specs(command),
        Command::Rentalcover { operation } => ops::rentalcover(operation).await,
        Command::Insly { operation } => ops::insly(operation).await,
        Command::Ecurring { operation } => ops::ecurring(operation).await,
        Command::Rocketkor { operation } => ops::rocketkor(operation).await,
    }
}

async fn serve(host: IpAddr, port: u16, quiet: bool) -> ExitCode {
    tracing_subscriber::fmt()
        .with_target(false)
        .with_writer(std::io::stdout)
        .init();
    let sandbox = match Sandbox::bind((host, port).into(), !quiet).await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("error: cannot listen on {host}:{port}: {e}");
            return ExitCode::from(exit::NETWORK);
        }
    };
    println!("sandbox listening on {}", sandbox.url());
    for provider in Service::ALL {
        println!(
            "  {:<12} {}   credential: {}",
            provider.name(),
            sandbox.base_url(provider),
            provider.credential()
        );
    }
    println!(
        "  request counts: {}/_sandbox/counts   (Ctrl-C stops)",
        sandbox.url()
    );
    sandbox
        .serve_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    ExitCode::SUCCESS
}

fn specs(command: SpecsCommand) -> ExitCode {
    match command {
        SpecsCommand::List => {
            for provider in Service::ALL {
                let spec: serde_json::Value =
                    serde_json::from_str(provider.spec_json()).unwrap_or_default();
                println!(
                    "{} ({} {})",
                    provider.name(),
                    spec["info"]["title"].as_str().unwrap_or(""),
                    spec["info"]["version"].as_str().unwrap_or("")
                );
                for (path, item) in spec["paths"].as_object().into_iter().flatten() {
                    for (method, op) in item.as_object().into_iter().flatten() {
                        if let Some(id) = op["operationId"].as_str() {
                            println!("  {:<26} {} {path}", id, method.to_uppercase());
                        }
                    }
                }
            }
            ExitCode::SUCCESS
        }
        SpecsCommand::Export { dir } => {
            if let Err(e) = std::fs::create_dir_all(&dir) {
                eprintln!("error: cannot create {}: {e}", dir.display());
                return ExitCode::from(exit::INVALID_INPUT);
            }
            for provider in Service::ALL {
                for (ext, text) in [
                    ("yaml", provider.spec_yaml()),
                    ("json", provider.spec_json()),
                ] {
                    let path = dir.join(format!("{}.{ext}", provider.name()));
                    if let Err(e) = std::fs::write(&path, text) {
                        eprintln!("error: cannot write {}: {e}", path.display());
                        return ExitCode::from(exit::INVALID_INPUT);
                    }
                    println!("{}", path.display());
                }
            }
            ExitCode::SUCCESS
        }
        SpecsCommand::Drift {
            pages,
            format,
            files,
        } => specs_drift(&pages, &format, &files),
        SpecsCommand::Check { files } => {
            let specs: Vec<(String, Result<serde_json::Value, String>)> = if files.is_empty() {
                Service::ALL
                    .iter()
                    .map(|p| {
                        let parsed = serde_json::from_str(p.spec_json()).map_err(|e| e.to_string());
                        (format!("{} (bundled)", p.name()), parsed)
                    })
                    .collect()
            } else {
                files
                    .iter()
                    .map(|f| (f.display().to_string(), read_spec(f)))
                    .collect()
            };
            let mut failed = false;
            for (name, spec) in specs {
                let problems = match spec {
                    Ok(spec) => {
                        let mut problems = check_spec(&spec);
                        if problems.is_empty() {
                            if let Err(e) = serde_json::from_value::<openapiv3::OpenAPI>(spec) {
                                problems.push(format!("not an OpenAPI 3.0 document: {e}"));
                            }
                        }
                        problems
                    }
                    Err(e) => vec![e],
                };
                if problems.is_empty() {
                    println!("ok      {name}");
                } else {
                    failed = true;
                    println!("FAILED  {name}");
                    for problem in problems {
                        println!("        - {problem}");
                    }
                }
            }
            if failed {
                ExitCode::from(exit::INVALID_INPUT)
            } else {
                ExitCode::SUCCESS
            }
        }
        SpecsCommand::Diff {
            old,
            new,
            format,
            fail_on,
            corpus,
        } => specs_diff(old.zip(new), &format, fail_on.as_deref(), corpus),
    }
}

/// `specs diff`: the work is in `partner_bindings_spec_tools::diff`.
fn specs_diff(
    sides: Option<(String, String)>,
    format: &str,
    fail_on: Option<&str>,
    corpus: Option<PathBuf>,
) -> ExitCode {
    use partner_bindings_spec_tools::diff;
    if let Some(dir) = corpus {
        let report = diff::corpus::run(&dir);
        print!("{}", report.render_agreement());
        let problems = report.problems();
        for problem in &problems {
            eprintln!("corpus: {problem}");
        }
        return ExitCode::from(u8::from(!problems.is_empty()));
    }
    let Some((old, new)) = sides else {
        eprintln!("error: specs diff needs OLD and NEW (or --corpus DIR)");
        return ExitCode::from(exit::INVALID_INPUT);
    };
    let format = diff::Format::parse(format).unwrap_or(diff::Format::Text);
    let outcome = diff::run(&old, &new, format, fail_on.and_then(diff::Level::parse));
    if outcome.exit == exit::INVALID_INPUT {
        eprint!("{}", outcome.output);
    } else {
        print!("{}", outcome.output);
    }
    ExitCode::from(outcome.exit)
}

/// `specs drift`: the work is in `partner_bindings_spec_tools::drift`.
fn specs_drift(pages: &std::path::Path, format: &str, files: &[PathBuf]) -> ExitCode {
    use partner_bindings_spec_tools::drift;
    let docs = match drift::Docs::load(pages) {
        Ok(docs) => docs,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::INVALID_INPUT);
        }
    };
    let specs: Vec<(String, Result<serde_json::Value, String>)> = if files.is_empty() {
        Service::ALL
            .iter()
            .map(|p| {
                let spec = serde_json::from_str(p.spec_json()).map_err(|e| e.to_string());
                (p.name().to_string(), spec)
            })
            .collect()
    } else {
        files
            .iter()
            .map(|f| match drift::provider_of(f) {
                Some(provider) => {
                    let spec = std::fs::read_to_string(f)
                        .map_err(|e| format!("cannot read {}: {e}", f.display()))
                        .and_then(|text| drift::parse_spec(&text))
                        .map_err(|e| format!("{}: {e}", f.display()));
                    (provider.to_string(), spec)
                }
                None => (
                    f.display().to_string(),
                    Err(format!(
                        "{}: no provider page documents this spec (name it <provider>.yaml)",
                        f.display()
                    )),
                ),
            })
            .collect()
    };
    let mut findings = Vec::new();
    for (provider, spec) in specs {
        match spec.and_then(|spec| drift::check(&provider, &spec, &docs)) {
            Ok(found) => findings.extend(found),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(exit::INVALID_INPUT);
            }
        }
    }
    let text = if format == "json" {
        format!("{}\n", drift::render_json(&findings))
    } else if findings.is_empty() {
        "no drift: every spec element is on its provider's page or marked x-assumption\n".into()
    } else {
        let count = findings.len();
        format!("{}{count} finding(s)\n", drift::render_text(&findings))
    };
    // A closed stdout (`| head`) is not worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn read_spec(path: &PathBuf) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    // YAML is a superset of JSON, so this reads either.
    serde_yaml::from_str(&text).map_err(|e| format!("not YAML or JSON: {e}"))
}
