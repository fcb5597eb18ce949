#!/usr/bin/env bash
# Where the sandbox's time per request goes, as instruction counts (callgrind: the same
# count on every run of the same binary): the eCurring PATCH of scripts/bench-sandbox.sh
# handled in-process (examples/profile_sandbox.rs), without the network, which the sandbox
# and the bare server pay alike. Two runs (200 and 2200 requests) so that start-up cancels
# out; prints instructions per request and their share by crate (own instructions).
#
#   scripts/profile-sandbox.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || (apt-get update -qq && apt-get install -y -qq valgrind) >/dev/null
cargo build -q --release --example profile_sandbox --features sandbox
out=target/profile && mkdir -p "$out"
for n in 200 2200; do
  valgrind --tool=callgrind --callgrind-out-file="$out/sandbox-$n.callgrind" \
    target/release/examples/profile_sandbox "$n" 2>&1 | grep Collected >/dev/null
  callgrind_annotate --threshold=100 "$out/sandbox-$n.callgrind" 2>/dev/null > "$out/sandbox-$n.txt"
done
python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
requests = 2000

def load(n):
    costs = {}
    for line in open(f"{out}/sandbox-{n}.txt"):
        m = re.match(r"^\s*([0-9,]+) \([^)]*\)\s+(.*?)(?: \[.*\])?$", line)
        if m and not line.lstrip().startswith(("-", "Ir")) and "PROGRAM TOTALS" not in line:
            costs[m.group(2)] = costs.get(m.group(2), 0) + int(m.group(1).replace(",", ""))
    return costs

def group(name):
    fn = name.split(":", 1)[1] if ":" in name else name
    if "malloc" in name or fn in ("free", "realloc", "calloc") or "__rdl_" in fn or "__rust_" in fn:
        return "allocation (malloc, free)"
    if "memmove" in name or "memcpy" in name or "memcmp" in name or "memset" in name:
        return "memcpy, memcmp (libc)"
    fn = re.sub(r"^<", "", fn)
    parts = fn.split("::")
    if parts[0] == "partner_bindings":
        return "::".join(parts[:3])
    return parts[0].split(" ")[0]

small, big = load(200), load(2200)
per = {k: (big.get(k, 0) - small.get(k, 0)) / requests for k in set(small) | set(big)}
total = sum(per.values())
print(f"instructions per request (sandbox, in-process, no network): {total:,.0f}")
groups = {}
for k, v in per.items():
    groups[group(k)] = groups.get(group(k), 0) + v
print("own instructions per request, by crate:")
for g, v in sorted(groups.items(), key=lambda x: -x[1])[:15]:
    print(f"{v:9,.0f}  {v / total:5.1%}  {g}")
PY
