#!/usr/bin/env python3
"""Writes RELIABILITY.md from scripts/templates/RELIABILITY.md and what the last run measured
(target/reliability/*.json|md, written by the test suites, scripts/fuzz.sh and
scripts/schemathesis.sh) and mutants/summary.md (scripts/mutants.sh). Fails if any input is
missing or any placeholder is left: no figure in the file is typed by hand.

    reliability-report.py [--out FILE]     (default: RELIABILITY.md)
"""

import datetime
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
RUN = ROOT / "target/reliability"


def load(name):
    path = RUN / name
    if not path.exists():
        sys.exit(f"missing {path}: run scripts/reliability.sh (or the suite that writes it)")
    return json.loads(path.read_text()) if name.endswith(".json") else path.read_text()


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def main():
    out = ROOT / "RELIABILITY.md"
    if "--out" in sys.argv:
        out = pathlib.Path(sys.argv[sys.argv.index("--out") + 1])
    values = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")}

    fault = load("fault-matrix.json")
    values.update({f"fault.{k}": v for k, v in fault.items()})
    values["fault.table"] = load("fault-matrix.md").strip()

    bad = load("bad-input.json")
    rows, totals = [], [0, 0, 0, 0]
    for rule, c in sorted(bad["rules"].items(), key=lambda kv: -sum(kv[1].values())):
        counts = [c["refused"], c["setter_type"], c["no_value"], c["owned"]]
        totals = [a + b for a, b in zip(totals, counts)]
        rows.append([rule, *counts, sum(counts)])
    rows.append(["**total**", *[f"**{t}**" for t in totals], f"**{bad['cases']}**"])
    values["bad_input.table"] = table(
        ["rule broken", "refused by the facade (0 sent)", "not expressible: setter type",
         "not expressible: no typed value", "not expressible: owned", "cases"], rows)

    props = load("decode-props.json")
    values.update({f"props.{k}": v for k, v in props.items()})

    fuzz = load("fuzz.json")
    values["fuzz.cargo_fuzz"] = fuzz["cargo_fuzz"]
    values["fuzz.seconds"] = fuzz["seconds"]
    values["fuzz.table"] = table(
        ["target", "executions", "new coverage units", "peak RSS (MB)"],
        [[f"`{t}`", f"{s.get('number_of_executed_units', 0):,}", f"{s.get('new_units_added', 0):,}",
          s.get("peak_rss_mb", "?")] for t, s in fuzz["targets"].items()])

    st = load("schemathesis.json")
    values["st.version"], values["st.examples"] = st["version"], st["examples"]
    values["st.table"] = table(
        ["spec", "test cases", "passed", "failed"],
        [[spec, r["generated"], r["passed"], r["failed"]] if r else [spec, "?", "?", "?"]
         for spec, r in st["specs"].items()])

    conc = load("concurrency.json")
    values.update({f"conc.{k}": f"{v:,}" for k, v in conc.items()})
    abuse = load("abuse.json")
    values.update({f"abuse.{k}": v for k, v in abuse.items()})
    values["abuse.depths"] = " and ".join(f"{d:,}" for d in abuse["depths"])

    secrets = load("secrets.json")
    values["secrets.secrets"] = secrets["secrets"]
    values["secrets.log_bytes"] = f"{secrets['log_bytes']:,}"
    values["secrets.table"] = table(
        ["pass", "outcome kinds"],
        [[k, ", ".join(v)] for k, v in secrets["passes"].items()])
    sensitive = load("sensitive-members.json")
    values["sensitive.list"] = f"{len(sensitive)}: " + ", ".join(f"`{m}`" for m in sensitive)

    summary = ROOT / "mutants/summary.md"
    if not summary.exists():
        sys.exit("missing mutants/summary.md: run scripts/mutants.sh")
    values["mutants"] = re.sub(r"^<!--.*-->\n", "", summary.read_text()).strip()

    text = (ROOT / "scripts/templates/RELIABILITY.md").read_text()
    text = re.sub(r"\{\{([\w.]+)\}\}", lambda m: str(values[m[1]]) if m[1] in values else m[0], text)
    left = re.findall(r"\{\{[\w.]+\}\}", text)
    if left:
        sys.exit(f"placeholders without a value: {left}")
    out.write_text(text)
    print(f"written: {out}")


if __name__ == "__main__":
    main()
