#!/usr/bin/env python3
"""Summarises a cargo-mutants run (scripts/mutants.sh).

    mutants-report.py full|partial|diff OUTPUT_DIR

full: writes mutants/summary.md (counts, score, per file, every survivor with the reason
from mutants/equivalent.toml) and mutants/results.txt (one line per mutant), both
committed and read by scripts/reliability-report.py. partial: prints the summary only.
diff: prints it and exits 1 if a mutant survived that equivalent.toml does not explain.
"""

import collections
import datetime
import json
import pathlib
import re
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
KINDS = {"CaughtMutant": "caught", "MissedMutant": "missed", "Timeout": "timeout", "Unviable": "unviable"}


def key(name):
    """A mutant's name without line and column, so a reason survives edits elsewhere."""
    return re.sub(r"^([^:]+):\d+:\d+:", r"\1:", name)


def main():
    mode, out = sys.argv[1], pathlib.Path(sys.argv[2])
    lines = {}
    for kind in ("caught", "missed", "timeout", "unviable"):
        path = out / f"{kind}.txt"
        for name in path.read_text().splitlines() if path.exists() else []:
            lines[name] = kind
    # `--iterate` skips the mutants earlier runs caught or found unviable (by name, line
    # included, so a moved or changed mutant is tested again): they keep that earlier
    # outcome, for the mutants the code still has.
    earlier = out / "previously_caught.txt"
    carried = []
    if earlier.exists():
        # Earlier outcomes: the committed results of the last run of this script, and the
        # previous output directory (cargo-mutants keeps one, as mutants.out.old).
        unviable_before = set()
        results = ROOT / "mutants/results.txt"
        if results.exists():
            unviable_before |= {l.split(None, 1)[1] for l in results.read_text().splitlines() if l.startswith("unviable ")}
        old = out.parent / "mutants.out.old" / "unviable.txt"
        if old.exists():
            unviable_before |= set(old.read_text().splitlines())
        listed = subprocess.run(["cargo", "mutants", "--list"], cwd=ROOT, capture_output=True, text=True, check=True)
        current = set(listed.stdout.splitlines())
        for name in earlier.read_text().splitlines():
            if name in current and name not in lines:
                lines[name] = "unviable" if name in unviable_before else "caught"
                carried.append(name)
    reasons = {}
    eq = ROOT / "mutants/equivalent.toml"
    if eq.exists():
        for entry in tomllib.loads(eq.read_text()).get("mutant", []):
            reasons[entry["name"]] = entry["reason"]

    count = collections.Counter(lines.values())
    viable = count["caught"] + count["missed"] + count["timeout"]
    # A timeout is a mutant that made the tests hang: detected (cargo-mutants' own reading).
    detected = count["caught"] + count["timeout"]
    score = 100.0 * detected / viable if viable else 100.0
    per_file = collections.defaultdict(collections.Counter)
    for name, kind in lines.items():
        per_file[name.split(":", 1)[0]][kind] += 1
    survivors = sorted(n for n, k in lines.items() if k == "missed")
    hung = sorted(n for n, k in lines.items() if k == "timeout")
    unexplained = [n for n in survivors if key(n) not in reasons]

    version = subprocess.run(["cargo", "mutants", "--version"], capture_output=True, text=True).stdout.strip()
    md = [
        f"{len(lines)} mutants of the hand-written library code ({version}): "
        f"**{count['caught']} caught**, {count['missed']} missed, {count['timeout']} timed out, "
        f"{count['unviable']} unviable (did not compile). "
        f"Score: {detected} of {viable} viable mutants caught or timed out = **{score:.1f}%**"
        + (f"; {len(unexplained)} survivors not yet explained." if unexplained
           else "; every survivor is explained below." if survivors else "; no survivors."),
        "",
    ]
    if carried:
        md += [f"({len(carried)} of these were caught or found unviable by an earlier run of the script on the same lines and not run again (`--iterate`).)", ""]
    md += ["| file | caught | missed | timeout | unviable |", "|---|---|---|---|---|"]
    for f in sorted(per_file):
        c = per_file[f]
        md.append(f"| `{f}` | {c['caught']} | {c['missed']} | {c['timeout']} | {c['unviable']} |")
    if hung:
        md += ["", "Timed out (the mutant made the tests hang, so it was detected):", ""]
        md += [f"- `{n}`" for n in hung]
    if survivors:
        md += ["", "Survivors (missed), each with why it is equivalent or harmless:", ""]
        for n in survivors:
            md.append(f"- `{n}`: {reasons.get(key(n), '**not explained**')}")
    text = "\n".join(md) + "\n"
    print(text)
    if mode == "full":
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        head = f"<!-- written by scripts/mutants.sh on {date}; do not edit -->\n"
        (ROOT / "mutants/summary.md").write_text(head + text)
        (ROOT / "mutants/results.txt").write_text(
            "".join(f"{lines[n]:<9} {n}\n" for n in sorted(lines, key=lambda n: (n.split(':')[0], int(n.split(':')[1]), n)))
        )
        json.dump({"caught": count["caught"], "missed": count["missed"], "timeout": count["timeout"],
                   "unviable": count["unviable"], "score": round(score, 1), "unexplained": len(unexplained)},
                  open(ROOT / "mutants/summary.json", "w"), indent=1)
    if mode == "diff" and unexplained:
        sys.exit(f"{len(unexplained)} surviving mutants in the changed code are neither killed nor explained in mutants/equivalent.toml")


if __name__ == "__main__":
    main()
