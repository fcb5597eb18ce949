//! The agreement corpus: pairs of documents with the changes expected of them, and the
//! report of how many the classifier agrees with (`spec-tools/tests/corpus/`).
//!
//! - `cases/<name>.yaml`: `{source, base, revision, expect: [{id, level}]}` with inline
//!   documents (`source` starts with `oasdiff` for a case ported from oasdiff's tests, or
//!   is `ours`; our own cases also carry `oasdiff: [{id, level}]`, what oasdiff reports).
//! - `mutations.yaml`: `[{name, spec, edits, expect, semver}]`: the base is
//!   `specs/<spec>.yaml`, the revision the same with the RFC 6902 `add`/`remove`/`replace`
//!   edits applied in order.
//! - `disagreements.yaml`: `[{case, why, reported}]`, the pairs known to disagree, why,
//!   and what the classifier reports for them (checked, so a listed pair that starts to
//!   report something else fails the run).
//!
//! A pair agrees when the set of `(id, level)` reported equals the expected set. Only
//! pairs anchored on oasdiff count towards the agreement figure: its ported cases, and the
//! mutations of our specs (expected as oasdiff's rules classify them). Our own cases state
//! decisions of ours (some where oasdiff reports otherwise or nothing); they must all
//! match, and are reported apart.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::load::parse_value;
use super::{compare, Level, Spec};

/// Fewest pairs the corpus must hold.
pub const MIN_PAIRS: usize = 100;
/// Lowest agreement accepted, in percent.
pub const MIN_AGREEMENT: f64 = 95.0;

/// Where a pair comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A case ported from an oasdiff checker test.
    Oasdiff,
    /// A case of ours (`cases/`, source not oasdiff).
    Ours,
    /// An edit of one of our specs (`mutations.yaml`).
    Mutation,
}

impl Origin {
    fn label(self) -> &'static str {
        match self {
            Origin::Oasdiff => "oasdiff cases",
            Origin::Ours => "our cases",
            Origin::Mutation => "mutations of our specs",
        }
    }
}

/// An `(id, level)` pair as expected or reported.
pub type Expectation = (String, String);

/// One pair's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The case's file stem, or the mutation's name.
    pub name: String,
    /// Where it comes from.
    pub origin: Origin,
    /// The case's `source`, as written.
    pub source: String,
    /// What the corpus expects.
    pub expected: BTreeSet<Expectation>,
    /// What the classifier reported (`None` when the pair could not be built).
    pub reported: Option<BTreeSet<Expectation>>,
    /// The `why` of its `disagreements.yaml` entry, if listed.
    pub why: Option<String>,
    /// What its `disagreements.yaml` entry says the classifier reports, if listed.
    pub listed_reported: Option<BTreeSet<Expectation>>,
    /// For our own cases: what oasdiff reports for the pair (its `oasdiff` list).
    pub oasdiff: Option<BTreeSet<Expectation>>,
}

impl Pair {
    /// Whether the reported set equals the expected one.
    pub fn agrees(&self) -> bool {
        self.reported.as_ref() == Some(&self.expected)
    }

    /// Whether it counts towards the agreement figure (anchored on oasdiff, not ours).
    pub fn anchored(&self) -> bool {
        self.origin != Origin::Ours
    }
}

/// The whole corpus run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Every pair, cases (by name) then mutations (in file order).
    pub pairs: Vec<Pair>,
    /// Problems that are not disagreements: unreadable files, bad edits, unknown levels,
    /// `disagreements.yaml` entries naming no pair.
    pub errors: Vec<String>,
}

impl Report {
    /// The pairs that count towards the agreement figure.
    pub fn anchored(&self) -> impl Iterator<Item = &Pair> {
        self.pairs.iter().filter(|p| p.anchored())
    }

    /// How many anchored pairs agree.
    pub fn agreeing(&self) -> usize {
        self.anchored().filter(|p| p.agrees()).count()
    }

    /// Agreement of the anchored pairs in percent (0 when there are none).
    pub fn percentage(&self) -> f64 {
        let anchored = self.anchored().count();
        if anchored == 0 {
            0.0
        } else {
            100.0 * self.agreeing() as f64 / anchored as f64
        }
    }

    /// Every reason the corpus test fails; empty when it passes.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.errors.clone();
        let anchored = self.anchored().count();
        if anchored < MIN_PAIRS {
            problems.push(format!(
                "the corpus holds {anchored} pairs anchored on oasdiff, fewer than {MIN_PAIRS}"
            ));
        }
        if self.percentage() < MIN_AGREEMENT {
            problems.push(format!(
                "agreement is {:.1}%, below {MIN_AGREEMENT}%",
                self.percentage()
            ));
        }
        for pair in &self.pairs {
            if !pair.anchored() && (!pair.agrees() || pair.why.is_some()) {
                problems.push(format!(
                    "{} is our own case: it states our decision, so it must agree and not be \
                     listed in disagreements.yaml",
                    pair.name
                ));
                continue;
            }
            if let (false, Some(_), Some(listed)) =
                (pair.agrees(), &pair.why, &pair.listed_reported)
            {
                if pair.reported.as_ref() != Some(listed) {
                    problems.push(format!(
                        "{} now reports {}, not the {} its disagreements.yaml entry explains",
                        pair.name,
                        pair.reported
                            .as_ref()
                            .map(set_text)
                            .unwrap_or_else(|| "nothing (not built)".to_string()),
                        set_text(listed)
                    ));
                }
            }
            match (pair.agrees(), &pair.why) {
                (false, None) => problems.push(format!(
                    "{} disagrees and is not in disagreements.yaml: expected {}, reported {}",
                    pair.name,
                    set_text(&pair.expected),
                    pair.reported
                        .as_ref()
                        .map(set_text)
                        .unwrap_or_else(|| "nothing (not built)".to_string())
                )),
                (true, Some(_)) => problems.push(format!(
                    "{} is listed in disagreements.yaml but now agrees (stale entry)",
                    pair.name
                )),
                _ => {}
            }
        }
        problems
    }

    /// `AGREEMENT.md`: totals, per origin, and the table of disagreements.
    pub fn render_agreement(&self) -> String {
        let mut out = String::new();
        out.push_str("# Agreement of `specs diff` with its corpus\n\n");
        out.push_str(
            "Generated by `cargo test -p partner-bindings-spec-tools --test corpus` \
             (`UPDATE_AGREEMENT=1` rewrites it); do not edit by hand. A pair agrees when the \
             set of `(id, level)` the classifier reports equals the expected set.\n\n",
        );
        let ours = self.pairs.iter().filter(|p| !p.anchored()).count();
        let departing: Vec<&Pair> = self
            .pairs
            .iter()
            .filter(|p| p.oasdiff.as_ref().is_some_and(|o| *o != p.expected))
            .collect();
        let _ = writeln!(
            out,
            "**{} pairs anchored on oasdiff (its ported cases and mutations of our specs), \
             {} agree: {:.1}%.** Our own cases ({ours}) state decisions of ours, {} of them \
             where oasdiff reports otherwise (listed below); they must all agree and are not \
             counted.\n",
            self.anchored().count(),
            self.agreeing(),
            self.percentage(),
            departing.len()
        );
        out.push_str("| source | pairs | agree | % |\n|---|---:|---:|---:|\n");
        for origin in [Origin::Oasdiff, Origin::Ours, Origin::Mutation] {
            let pairs: Vec<&Pair> = self.pairs.iter().filter(|p| p.origin == origin).collect();
            let agree = pairs.iter().filter(|p| p.agrees()).count();
            let pct = if pairs.is_empty() {
                "-".to_string()
            } else {
                format!("{:.1}", 100.0 * agree as f64 / pairs.len() as f64)
            };
            let counted = if origin == Origin::Ours {
                " (not counted)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "| {}{counted} | {} | {} | {} |",
                origin.label(),
                pairs.len(),
                agree,
                pct
            );
        }
        let disagreeing: Vec<&Pair> = self.pairs.iter().filter(|p| !p.agrees()).collect();
        out.push_str("\n## Disagreements\n\n");
        if disagreeing.is_empty() {
            out.push_str("None.\n");
        } else {
            out.push_str("| pair | expected | reported | why |\n|---|---|---|---|\n");
            for pair in disagreeing {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    cell(&pair.name),
                    cell(&set_text(&pair.expected)),
                    cell(
                        &pair
                            .reported
                            .as_ref()
                            .map(set_text)
                            .unwrap_or_else(|| "(not built)".to_string())
                    ),
                    cell(pair.why.as_deref().unwrap_or("(not listed)"))
                );
            }
        }
        out.push_str("\n## Our cases that depart from oasdiff (not counted)\n\n");
        if departing.is_empty() {
            out.push_str("None.\n");
        } else {
            out.push_str(
                "What oasdiff reports is read from its checker code, like every `expect` of \
                 the corpus (oasdiff was not run).\n\n\
                 | pair | oasdiff | specs diff | why |\n|---|---|---|---|\n",
            );
            for pair in departing {
                let oasdiff = pair.oasdiff.as_ref().map(set_text).unwrap_or_default();
                let why = pair.source.trim_start_matches("ours:").trim();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    cell(&pair.name),
                    cell(&oasdiff),
                    cell(&set_text(&pair.expected)),
                    cell(why)
                );
            }
        }
        if !self.errors.is_empty() {
            out.push_str("\n## Errors\n\n");
            for error in &self.errors {
                let _ = writeln!(out, "- {}", error.replace('\n', " "));
            }
        }
        out
    }
}

fn set_text(set: &BTreeSet<Expectation>) -> String {
    if set.is_empty() {
        "(none)".to_string()
    } else {
        set.iter()
            .map(|(id, level)| format!("{id} {level}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Runs the corpus in `dir` (`spec-tools/tests/corpus`); mutations read their specs from
/// the repository's `specs/` (`dir/../../../specs`).
pub fn run(dir: &Path) -> Report {
    run_with_specs(dir, &dir.join("../../../specs"))
}

/// [`run`] with the mutations' specs read from `specs_dir`.
pub fn run_with_specs(dir: &Path, specs_dir: &Path) -> Report {
    let mut report = Report::default();
    let mut listed: BTreeMap<String, (String, BTreeSet<Expectation>)> = BTreeMap::new();
    let disagreements = dir.join("disagreements.yaml");
    if disagreements.exists() {
        match read_yaml(&disagreements) {
            Ok(Value::Array(entries)) => {
                for entry in entries {
                    match (
                        entry.get("case").and_then(Value::as_str),
                        entry.get("why").and_then(Value::as_str),
                        expectations(entry.get("reported")),
                    ) {
                        (Some(case), Some(why), Ok(reported)) => {
                            if listed
                                .insert(case.to_string(), (why.to_string(), reported))
                                .is_some()
                            {
                                report
                                    .errors
                                    .push(format!("disagreements.yaml lists {case} twice"));
                            }
                        }
                        _ => report.errors.push(format!(
                            "disagreements.yaml: an entry without `case`, `why` and a \
                             `reported` list of {{id, level}}: {entry}"
                        )),
                    }
                }
            }
            Ok(Value::Null) => {}
            Ok(_) => report
                .errors
                .push("disagreements.yaml is not a list".to_string()),
            Err(e) => report.errors.push(e),
        }
    }

    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("cases"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for file in files {
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match read_yaml(&file).and_then(|case| case_pair(&name, &case)) {
            Ok(pair) => report.pairs.push(pair),
            Err(e) => report.errors.push(format!("cases/{name}: {e}")),
        }
    }

    let mutations = dir.join("mutations.yaml");
    if mutations.exists() {
        match read_yaml(&mutations) {
            Ok(Value::Array(list)) => {
                let mut specs: BTreeMap<String, Result<Value, String>> = BTreeMap::new();
                for (i, mutation) in list.iter().enumerate() {
                    let name = mutation
                        .get("name")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("mutation #{}", i + 1));
                    match mutation_pair(&name, mutation, specs_dir, &mut specs) {
                        Ok(pair) => report.pairs.push(pair),
                        Err(e) => report.errors.push(format!("mutations.yaml {name}: {e}")),
                    }
                }
            }
            Ok(Value::Null) => {}
            Ok(_) => report
                .errors
                .push("mutations.yaml is not a list".to_string()),
            Err(e) => report.errors.push(e),
        }
    }

    let mut names = BTreeSet::new();
    for pair in &mut report.pairs {
        if !names.insert(pair.name.clone()) {
            report
                .errors
                .push(format!("two pairs are named {}", pair.name));
        }
        if let Some((why, reported)) = listed.get(&pair.name) {
            pair.why = Some(why.clone());
            pair.listed_reported = Some(reported.clone());
        }
    }
    for case in listed.keys() {
        if !names.contains(case) {
            report.errors.push(format!(
                "disagreements.yaml lists {case}, which is no case or mutation"
            ));
        }
    }
    report
}

fn read_yaml(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_value(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn expectations(value: Option<&Value>) -> Result<BTreeSet<Expectation>, String> {
    let mut set = BTreeSet::new();
    let Some(list) = value else {
        return Err("no `expect` list".to_string());
    };
    let Some(list) = list.as_array() else {
        return Err("`expect` is not a list".to_string());
    };
    for item in list {
        let id = item
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("an expectation without `id`: {item}"))?;
        let level = item
            .get("level")
            .and_then(Value::as_str)
            .and_then(Level::parse)
            .ok_or_else(|| format!("an expectation without a level ERR|WARN|INFO: {item}"))?;
        set.insert((id.to_string(), level.as_str().to_string()));
    }
    Ok(set)
}

fn reported(old: &Value, new: &Value) -> BTreeSet<Expectation> {
    compare(old, new)
        .into_iter()
        .map(|c| (c.id, c.level.as_str().to_string()))
        .collect()
}

fn case_pair(name: &str, case: &Value) -> Result<Pair, String> {
    let source = case
        .get("source")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let origin = if source
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("oasdiff")
    {
        Origin::Oasdiff
    } else {
        Origin::Ours
    };
    let expected = expectations(case.get("expect"))?;
    // Our own case states our decision; it must also say what oasdiff reports, so that a
    // departure from oasdiff is listed (AGREEMENT.md), not hidden by not being counted.
    let oasdiff = match origin {
        Origin::Ours => Some(
            expectations(case.get("oasdiff"))
                .map_err(|e| format!("our own case needs an `oasdiff` list: {e}"))?,
        ),
        _ => None,
    };
    let side = |key: &str| -> Result<Value, String> {
        let value = case.get(key).cloned().ok_or(format!("no `{key}`"))?;
        Spec::from_value(value, key)
            .map(|s| s.value)
            .map_err(|e| e.to_string())
    };
    let (base, revision) = (side("base")?, side("revision")?);
    Ok(Pair {
        name: name.to_string(),
        origin,
        source,
        expected,
        reported: Some(reported(&base, &revision)),
        why: None,
        listed_reported: None,
        oasdiff,
    })
}

fn mutation_pair(
    name: &str,
    mutation: &Value,
    specs_dir: &Path,
    specs: &mut BTreeMap<String, Result<Value, String>>,
) -> Result<Pair, String> {
    let spec = mutation
        .get("spec")
        .and_then(Value::as_str)
        .ok_or("no `spec`")?;
    if !spec
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!("`spec` {spec:?} is not a spec name"));
    }
    let base = specs
        .entry(spec.to_string())
        .or_insert_with(|| {
            let path = specs_dir.join(format!("{spec}.yaml"));
            Spec::load(&path.to_string_lossy())
                .map(|s| s.value)
                .map_err(|e| e.to_string())
        })
        .clone()?;
    let expected = expectations(mutation.get("expect"))?;
    let mut revision = base.clone();
    let edits = mutation
        .get("edits")
        .and_then(Value::as_array)
        .ok_or("no `edits` list")?;
    for (i, edit) in edits.iter().enumerate() {
        apply(&mut revision, edit).map_err(|e| format!("edit #{}: {e}", i + 1))?;
    }
    Ok(Pair {
        name: name.to_string(),
        origin: Origin::Mutation,
        source: format!("specs/{spec}.yaml"),
        expected,
        reported: Some(reported(&base, &revision)),
        why: None,
        listed_reported: None,
        oasdiff: None,
    })
}

/// Applies one RFC 6902 `add`, `remove` or `replace` operation to `doc`.
pub fn apply(doc: &mut Value, edit: &Value) -> Result<(), String> {
    let op = edit.get("op").and_then(Value::as_str).ok_or("no `op`")?;
    let path = edit
        .get("path")
        .and_then(Value::as_str)
        .ok_or("no `path`")?;
    if !path.is_empty() && !path.starts_with('/') {
        return Err(format!("path {path:?} is not a JSON pointer"));
    }
    let value = || edit.get("value").cloned().ok_or("no `value`".to_string());
    if path.is_empty() {
        return match op {
            "add" | "replace" => {
                *doc = value()?;
                Ok(())
            }
            _ => Err("cannot remove the whole document".to_string()),
        };
    }
    let (parent_path, last) = path.rsplit_once('/').unwrap_or(("", path));
    let last = last.replace("~1", "/").replace("~0", "~");
    let parent = doc
        .pointer_mut(parent_path)
        .ok_or_else(|| format!("{parent_path:?} does not exist"))?;
    match (op, parent) {
        ("add", Value::Object(map)) => {
            map.insert(last, value()?);
        }
        ("replace", Value::Object(map)) => {
            let slot = map
                .get_mut(&last)
                .ok_or_else(|| format!("{path:?} does not exist"))?;
            *slot = value()?;
        }
        ("remove", Value::Object(map)) => {
            map.remove(&last)
                .ok_or_else(|| format!("{path:?} does not exist"))?;
        }
        ("add", Value::Array(items)) => {
            let new = value()?;
            if last == "-" {
                items.push(new);
            } else {
                let index = index(&last, items.len() + 1)?;
                items.insert(index, new);
            }
        }
        ("replace", Value::Array(items)) => {
            let index = index(&last, items.len())?;
            items[index] = value()?;
        }
        ("remove", Value::Array(items)) => {
            let index = index(&last, items.len())?;
            items.remove(index);
        }
        ("add" | "replace" | "remove", _) => {
            return Err(format!("the parent of {path:?} is not an object or array"))
        }
        (other, _) => return Err(format!("unsupported op {other:?} (add, remove, replace)")),
    }
    Ok(())
}

fn index(token: &str, bound: usize) -> Result<usize, String> {
    let index: usize = token
        .parse()
        .map_err(|_| format!("{token:?} is not an array index"))?;
    if index >= bound || (token.len() > 1 && token.starts_with('0')) {
        return Err(format!("index {token} out of range"));
    }
    Ok(index)
}
