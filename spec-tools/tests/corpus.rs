//! The agreement corpus (`tests/corpus/`): the classifier must agree with at least 95% of
//! at least 100 pairs, every disagreement must be explained in `disagreements.yaml`, and
//! `AGREEMENT.md` must be what this run renders (`UPDATE_AGREEMENT=1` rewrites it).

use std::path::Path;

use partner_bindings_spec_tools::diff::corpus;

#[test]
fn corpus_agrees_and_agreement_md_is_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let report = corpus::run(&dir);
    let rendered = report.render_agreement();
    let file = dir.join("AGREEMENT.md");
    if std::env::var_os("UPDATE_AGREEMENT").is_some() {
        std::fs::write(&file, &rendered).expect("write AGREEMENT.md");
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    let mut problems = report.problems();
    if committed != rendered {
        problems.push(
            "tests/corpus/AGREEMENT.md is not what this run renders; regenerate it with \
             UPDATE_AGREEMENT=1 cargo test -p partner-bindings-spec-tools --test corpus"
                .to_string(),
        );
    }
    println!(
        "{} pairs, {} agree ({:.1}%)",
        report.pairs.len(),
        report.agreeing(),
        report.percentage()
    );
    assert!(
        problems.is_empty(),
        "corpus problems:\n- {}",
        problems.join("\n- ")
    );
}
