#!/usr/bin/env python3
"""Do the spec classifier and the Rust API agree on "breaking"? (issue 15 part 2)

For every mutation of our own specs in spec-tools/tests/corpus/mutations.yaml: apply its
edits to the spec, regenerate the client in a copy of this tree, and ask
cargo-semver-checks (pinned, installed by scripts/semver-checks.sh's version) whether the
generated public Rust API needs a major release; ask `partner-bindings specs diff` whether
the spec change has an ERR. Tabulate spec-ERR against semver-major and write
spec-tools/tests/corpus/SEMVER.md; every disagreement must be explained in
spec-tools/tests/corpus/semver-disagreements.yaml (`name`, `why`) or the script fails.

  scripts/spec-semver.py                 all mutations (about 1 min each on 2 cores)
  scripts/spec-semver.py NAME [NAME...]  only these (SEMVER.md is not rewritten)
  scripts/spec-semver.py --render        rewrite SEMVER.md from the last run's rows and the
                                         current explanations (no build)
  scripts/spec-semver.py --check         no build: SEMVER.md has a row for every mutation
                                         and no unexplained disagreement (CI runs this)

Both sides are generated from the same serialisation of the spec (parsed once here,
written back as JSON, which YAML readers accept), with only the mutated provider's
feature, so a row measures the edit and nothing else.
"""

import copy
import difflib
import importlib.util
import json
import pathlib
import shutil
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = ROOT / "spec-tools/tests/corpus"
WORK = ROOT / "target/spec-semver"
TREE = WORK / "tree"
TARGET = WORK / "target"
CLI = ROOT / "target/debug/partner-bindings"

# The committed API listing's reader (scripts/api-listing.py): every generated type with its
# members' Rust types. cargo-semver-checks compares no types (its issues #148, #149), so the
# listing's diff is the evidence for a type change the tool cannot see.
_spec = importlib.util.spec_from_file_location("api_listing", ROOT / "scripts/api-listing.py")
api_listing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_listing)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def pointer_parts(pointer):
    if pointer == "":
        return []
    assert pointer.startswith("/"), pointer
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def apply(doc, edit):
    """RFC 6902 add / remove / replace on a parsed document."""
    *parents, last = pointer_parts(edit["path"])
    node = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    op = edit["op"]
    if isinstance(node, list):
        if op == "add":
            index = len(node) if last == "-" else int(last)
            node.insert(index, copy.deepcopy(edit["value"]))
        elif op == "remove":
            del node[int(last)]
        else:
            node[int(last)] = copy.deepcopy(edit["value"])
    else:
        if op == "remove" or op == "replace":
            assert last in node, f"{edit['path']} does not exist"
        if op == "remove":
            del node[last]
        else:
            node[last] = copy.deepcopy(edit["value"])


def load_spec(name):
    # Dates and times stay text: the generator reads them as strings too.
    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    text = run(["git", "show", f"HEAD:specs/{name}.yaml"], cwd=ROOT, check=True).stdout
    return yaml.load(text, Loader=Loader)


def fresh_tree():
    """The committed tree at HEAD (not the work tree: edits in progress stay out)."""
    if TREE.exists():
        shutil.rmtree(TREE)
    TREE.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(TREE)], input=archive.stdout, check=True)


def rustdoc_json(provider, doc, out):
    """Writes `doc` as the provider's spec in the copy, builds its rustdoc JSON into `out`."""
    spec = TREE / "specs" / f"{provider}.yaml"
    spec.write_text(json.dumps(doc, indent=1))
    r = run(
        ["cargo", "rustdoc", "-q", "-p", "partner-bindings", "--lib", "--no-default-features",
         "--features", f"{provider},tls-ring", "--manifest-path", str(TREE / "Cargo.toml"),
         "--", "-Z", "unstable-options", "--output-format", "json"],
        env={**__import__("os").environ, "RUSTC_BOOTSTRAP": "1", "CARGO_TARGET_DIR": str(TARGET)},
    )
    if r.returncode != 0:
        # The first error line says why (a panic of build.rs, or a compile error).
        lines = r.stderr.splitlines()
        lines = [lines[i + 1].strip() for i, l in enumerate(lines[:-1]) if "panicked at" in l] or \
            [l.strip() for l in lines if l.startswith("error")]
        return f"build failed: {lines[0] if lines else '?'}"
    shutil.copy2(TARGET / "doc/partner_bindings.json", out)
    # The generated module this build wrote (build.rs's OUT_DIR; the newest one for this provider).
    generated = max((TARGET / "debug/build").glob(f"partner-bindings-*/out/{provider}.rs"),
                    key=lambda f: f.stat().st_mtime)
    out.with_suffix(".listing").write_text("\n".join(api_listing.listing(generated.read_text())) + "\n")
    return None


def listing_change(base_json, rev_json):
    """(removed or changed lines, added lines) of the generated API listing."""
    old = base_json.with_suffix(".listing").read_text().splitlines()
    new = rev_json.with_suffix(".listing").read_text().splitlines()
    diff = [l for l in difflib.unified_diff(old, new, lineterm="", n=0)
            if l[:1] in "+-" and not l.startswith(("+++", "---"))]
    return [l[1:].strip() for l in diff if l[0] == "-"], [l[1:].strip() for l in diff if l[0] == "+"]


def semver(base_json, rev_json, log):
    r = run(["cargo", "semver-checks", "check-release", "--current-rustdoc", str(rev_json),
             "--baseline-rustdoc", str(base_json)])
    log.write_text(r.stdout + r.stderr)
    text = r.stdout + r.stderr
    if "semver requires new major version" in text:
        return "major"
    if r.returncode != 0:
        return "error"
    if "semver requires new minor version" in text:
        return "minor"
    return "none"


def classify(base_path, rev_path):
    r = run([str(CLI), "specs", "diff", str(base_path), str(rev_path), "--format", "json"])
    if r.returncode not in (0, 1):
        raise SystemExit(f"specs diff failed on {rev_path}: {r.stderr}")
    changes = json.loads(r.stdout)["changes"]
    return sorted({(c["id"], c["level"]) for c in changes})


def check_table():
    """The committed table covers the corpus: a mutation added without a rerun fails."""
    mutations = [m["name"] for m in yaml.safe_load((CORPUS / "mutations.yaml").read_text())]
    table = (CORPUS / "SEMVER.md").read_text()
    rows = {line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| ")}
    missing = [m for m in mutations if m not in rows]
    problems = [f"no row for mutation {m}: run scripts/spec-semver.py" for m in missing]
    if "UNEXPLAINED" in table:
        problems.append("SEMVER.md has an unexplained disagreement")
    for p in problems:
        print(p)
    print(f"spec-semver: {len(mutations) - len(missing)} of {len(mutations)} mutations in SEMVER.md")
    return 1 if problems else 0


def main(only):
    if only == ["--check"]:
        return check_table()
    if only == ["--render"]:
        rows = json.loads((WORK / "rows.json").read_text())
        explained = {e["name"]: e["why"] for e in
                     yaml.safe_load((CORPUS / "semver-disagreements.yaml").read_text()) or []}
        for r in rows:
            r["changes"] = [tuple(c) for c in r["changes"]]
            r["why"] = explained.get(r["name"])
        (CORPUS / "SEMVER.md").write_text(render(rows))
        return 1 if any(not r["agree"] and not r["why"] for r in rows) else 0
    mutations = yaml.safe_load((CORPUS / "mutations.yaml").read_text())
    explained_path = CORPUS / "semver-disagreements.yaml"
    explained = {}
    if explained_path.exists():
        explained = {e["name"]: e["why"] for e in (yaml.safe_load(explained_path.read_text()) or [])}
    if only:
        mutations = [m for m in mutations if m["name"] in only]
    if not CLI.exists():
        raise SystemExit("build the CLI first: cargo build -p partner-bindings-cli")
    WORK.mkdir(parents=True, exist_ok=True)
    fresh_tree()
    bases = {}
    rows = []
    for m in mutations:
        provider = m["spec"]
        base_doc = load_spec(provider)
        if provider not in bases:
            base_json = WORK / f"{provider}.base.json"
            err = rustdoc_json(provider, base_doc, base_json)
            if err:
                raise SystemExit(f"{provider}: the unedited spec does not build: {err}")
            (WORK / f"{provider}.base.spec.json").write_text(json.dumps(base_doc))
            bases[provider] = base_json
        rev_doc = copy.deepcopy(base_doc)
        for edit in m["edits"]:
            apply(rev_doc, edit)
        rev_spec = WORK / f"{m['name']}.spec.json"
        rev_spec.write_text(json.dumps(rev_doc))
        changes = classify(WORK / f"{provider}.base.spec.json", rev_spec)
        spec_err = any(level == "ERR" for _, level in changes)
        rev_json = WORK / f"{m['name']}.rustdoc.json"
        err = rustdoc_json(provider, rev_doc, rev_json)
        verdict = "no build" if err else semver(bases[provider], rev_json, WORK / f"{m['name']}.log")
        removed, added = ([], []) if err else listing_change(bases[provider], rev_json)
        major = verdict in ("major", "no build")
        # mutations.yaml says "patch" for "no public API change"; only major matters here.
        agree = spec_err == major
        rows.append({
            "name": m["name"], "spec": provider, "changes": changes, "spec_err": spec_err,
            "semver": verdict, "expected_semver": m.get("semver"), "agree": agree,
            "why": explained.get(m["name"]), "build_error": err,
            "removed": removed, "added": added,
        })
        mark = "agree" if agree else "DISAGREE"
        print(f"{m['name']:<55} spec {'ERR' if spec_err else 'no ERR':<6}  semver {verdict:<8} {mark}"
              + (f"  ({err})" if err else ""), flush=True)
    # Restore the tree copy's specs so a later run starts from the real ones.
    unexplained = [r for r in rows if not r["agree"] and not r["why"]]
    stale = [r for r in rows if r["agree"] and r["why"]]
    if not only:
        (WORK / "rows.json").write_text(json.dumps(rows))
        (CORPUS / "SEMVER.md").write_text(render(rows))
        print(f"wrote {CORPUS / 'SEMVER.md'}")
    for r in unexplained:
        print(f"unexplained disagreement: {r['name']} (spec ERR: {r['spec_err']}, semver {r['semver']})")
    for r in stale:
        print(f"stale explanation (now agrees): {r['name']}")
    return 1 if unexplained or stale else 0


def rust_break(r):
    return r["semver"] in ("major", "no build") or bool(r["removed"])


def render(rows):
    n = len(rows)
    both = sum(r["spec_err"] and r["semver"] in ("major", "no build") for r in rows)
    spec_only = sum(r["spec_err"] and r["semver"] not in ("major", "no build") for r in rows)
    semver_only = sum(not r["spec_err"] and r["semver"] in ("major", "no build") for r in rows)
    neither = n - both - spec_only - semver_only
    agree = both + neither
    out = [
        "# Spec classifier vs cargo-semver-checks on the generated Rust API",
        "",
        "Generated by `scripts/spec-semver.py` (do not edit): every mutation of our specs in",
        "`mutations.yaml`, regenerated with only that provider's feature; `specs diff` on the",
        "spec pair against cargo-semver-checks 0.46.0 on the two rustdoc JSON files.",
        "",
        f"{n} mutations: {agree} agree ({100 * agree / n:.1f}%), {n - agree} disagree, "
        "each explained in `semver-disagreements.yaml`.",
        "",
        "| | semver major | semver not major |",
        "|---|---|---|",
        f"| spec ERR | {both} | {spec_only} |",
        f"| spec no ERR | {semver_only} | {neither} |",
        "",
        "The listing column is the generated API listing's diff (`scripts/api-listing.py`: types",
        "and members with their Rust types): lines removed or changed / added. A removed line",
        "beside a semver verdict that is not major is a type change cargo-semver-checks does",
        "not compare (it has no type-change lints: its issues #148 and #149).",
        "",
        "The same pairs against a Rust API break that counts the listing too (semver major, no",
        "build, or a listing line removed or changed):",
        "",
        "| | Rust API break | no Rust API break |",
        "|---|---|---|",
        f"| spec ERR | {sum(r['spec_err'] and rust_break(r) for r in rows)} | "
        f"{sum(r['spec_err'] and not rust_break(r) for r in rows)} |",
        f"| spec no ERR | {sum(not r['spec_err'] and rust_break(r) for r in rows)} | "
        f"{sum(not r['spec_err'] and not rust_break(r) for r in rows)} |",
        "",
        "| mutation | spec | classifier (id, level) | semver | listing -/+ | expected semver | agree |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        changes = ", ".join(f"{i} {lvl}" for i, lvl in r["changes"]) or "none"
        listing = "build failed" if r["build_error"] else f"-{len(r['removed'])} +{len(r['added'])}"
        out.append(f"| {r['name']} | {r['spec']} | {changes} | {r['semver']} | {listing} | "
                   f"{r['expected_semver'] or ''} | {'yes' if r['agree'] else 'no'} |")
    out += ["", "## Disagreements", ""]
    dis = [r for r in rows if not r["agree"]]
    if not dis:
        out.append("None.")
    for r in dis:
        side = "spec ERR, semver not major" if r["spec_err"] else "semver major, spec no ERR"
        out.append(f"- **{r['name']}** ({side}; semver: {r['semver']}): {r['why'] or 'UNEXPLAINED'}")
        for line in r["removed"][:3]:
            out.append(f"  - listing before: `{line}`")
        for line in r["added"][:3]:
            out.append(f"  - listing after: `{line}`")
    quiet = [r for r in rows if r["agree"] and not r["spec_err"] and rust_break(r)]
    out += ["", "## Rust type changes on wire-compatible edits (both tools say not breaking)", "",
            "Not disagreements of the table above, but a generated type changes: a caller that",
            "names the member's type stops compiling. Left as they are (see the closing note).", ""]
    out += [f"- **{r['name']}**: `{r['removed'][0]}` becomes `{r['added'][0] if r['added'] else '(gone)'}`"
            for r in quiet] or ["None."]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
