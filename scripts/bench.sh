#!/usr/bin/env bash
# All benchmarks side by side in one run, written to BENCHMARKS.md: call overhead of the
# facade against hand-written reqwest + serde (sequential and 64 in flight), decoding
# against hand-written structs and serde_json::Value, the sandbox against Prism, build
# cost of one provider against all four, and 10,000 calls through one client.
#
#   scripts/bench.sh           full run (about 10 minutes), rewrites BENCHMARKS.md
#   scripts/bench.sh --smoke   seconds per line, writes target/bench-smoke.md and only
#                              checks that every line produced a number (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=""
[ "${1:-}" = "--smoke" ] && smoke=1
work=target/bench && mkdir -p "$work"
results="$work/results.jsonl" && : > "$results"

echo "== call overhead, decoding, scale (benches/compare.rs)"
if [ -n "$smoke" ]; then
  # A debug build is enough to see that every line produces a number.
  cargo test -q -p partner-bindings --all-features --bench compare -- --smoke | grep '^{' >> "$results"
else
  cargo bench -q -p partner-bindings --all-features --bench compare | grep '^{' >> "$results"
fi

echo "== sandbox versus Prism"
if [ -n "$smoke" ]; then
  cargo build -q -p partner-bindings-cli
  JSON_OUT="$work/prism.json" DURATION=1 SANDBOX_BIN=target/debug/partner-bindings scripts/bench-sandbox.sh
else
  JSON_OUT="$work/prism.json" DURATION=10 scripts/bench-sandbox.sh
fi
cat "$work/prism.json" >> "$results"

echo "== build cost"
seconds() { local start=$SECONDS; "$@" >/dev/null 2>&1; echo $((SECONDS - start)); }
codegen_ms() { # features -> "provider ms ..." from build.rs's timings
  PARTNER_BINDINGS_CODEGEN_TIMINGS=1 cargo build -vv -p partner-bindings --no-default-features --features "$1" \
    --target-dir "$2" 2>&1 | grep -o 'codegen [a-z]*: [0-9]* ms' | awk '!seen[$0]++ {print $2, $3}' | tr -d ':' | tr '\n' ' '
}
if [ -n "$smoke" ]; then
  # Seconds: rebuild only this crate (dependencies already built), one provider vs four.
  dir=target
  one() { touch build.rs; cargo build -p partner-bindings --no-default-features --features rentalcover; }
  four() { touch build.rs; cargo build -p partner-bindings --no-default-features --features rentalcover,insly,ecurring,rocketkor; }
  one >/dev/null 2>&1; four >/dev/null 2>&1
  scope="crate only (dependencies built)"
else
  dir=target/bench-build
  one() { rm -rf "$dir"; cargo build -p partner-bindings --no-default-features --features rentalcover --target-dir "$dir"; }
  four() { rm -rf "$dir"; cargo build -p partner-bindings --no-default-features --features rentalcover,insly,ecurring,rocketkor --target-dir "$dir"; }
  scope="clean debug build, all dependencies"
fi
one_s=$( { time -p one >/dev/null 2>&1; } 2>&1 | awk '/^real/ {print $2}')
four_s=$( { time -p four >/dev/null 2>&1; } 2>&1 | awk '/^real/ {print $2}')
touch build.rs
timings=$(codegen_ms rentalcover,insly,ecurring,rocketkor "$dir")
echo "{\"id\":\"build\",\"scope\":\"$scope\",\"one_s\":$one_s,\"four_s\":$four_s,\"codegen\":\"$timings\"}" >> "$results"

out=$([ -n "$smoke" ] && echo target/bench-smoke.md || echo BENCHMARKS.md)
python3 scripts/bench-report.py "$results" "$out" ${smoke:+--smoke}
echo "written: $out"
