#!/usr/bin/env bash
# Where the facade's time per call goes, as instruction counts (callgrind: the same count
# on every run of the same binary, whatever else the machine does): 2000 eCurring PATCHes
# against the in-process sandbox through the facade, and by hand with reqwest into the same
# generated type (examples/profile_call.rs). Prints instructions per call of each (sandbox
# included, the same in both), and the functions whose own instructions differ most.
#
#   scripts/profile-call.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || (apt-get update -qq && apt-get install -y -qq valgrind) >/dev/null
cargo build -q --release --example profile_call --features sandbox
out=target/profile && mkdir -p "$out"
for mode in facade hand; do
  valgrind --tool=callgrind --callgrind-out-file="$out/call-$mode.callgrind" \
    target/release/examples/profile_call "$mode" 2>&1 | grep Collected >/dev/null
  callgrind_annotate "$out/call-$mode.callgrind" 2>/dev/null > "$out/call-$mode.txt"
done
python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
calls = 2000

def load(mode):
    costs = {}
    for line in open(f"{out}/call-{mode}.txt"):
        m = re.match(r"^\s*([0-9,]+) \([^)]*\)\s+(.*?)(?: \[.*\])?$", line)
        if m and not line.lstrip().startswith(("-", "Ir")) and "PROGRAM TOTALS" not in line:
            costs[m.group(2)] = costs.get(m.group(2), 0) + int(m.group(1).replace(",", ""))
    return costs

facade, hand = load("facade"), load("hand")
f, h = sum(facade.values()), sum(hand.values())
print(f"instructions per call: facade {f / calls:,.0f}, by hand {h / calls:,.0f}, "
      f"difference {(f - h) / calls:,.0f} ({f / h:.3f}x, sandbox included in both)")
print("functions whose own instructions per call differ most (facade - by hand):")
diff = sorted(((facade.get(k, 0) - hand.get(k, 0), k) for k in set(facade) | set(hand)), reverse=True)
for d, k in diff[:25]:
    print(f"{d / calls:9,.0f}  {k[:150]}")
PY
