#!/usr/bin/env bash
# All benchmarks side by side in one run, written to BENCHMARKS.md: call overhead of the
# facade against hand-written reqwest + serde into typed structs (sequential and 64 in
# flight), decoding against hand-written structs and serde_json::Value, 100,000 calls
# through one client, the sandbox against a bare axum server and Prism, and the build of a
# one-provider user program against the same program on bare reqwest + serde + tokio.
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
# The scale lines run the sandbox CLI in its own process (BENCH_SANDBOX_BIN) and each
# client (the facade, then by hand) in a process of its own, so resident memory is that
# client's alone.
if [ -n "$smoke" ]; then
  # A debug build is enough to see that every line produces a number.
  cargo build -q -p partner-bindings-cli
  bench() { BENCH_SANDBOX_BIN=target/debug/partner-bindings BENCH_ONLY="${1:-}" \
    cargo test -q -p partner-bindings --all-features --bench compare -- --smoke | grep '^{' >> "$results"; }
else
  cargo build --release -q -p partner-bindings-cli
  bench() { BENCH_SANDBOX_BIN=target/release/partner-bindings BENCH_ONLY="${1:-}" \
    cargo bench -q -p partner-bindings --all-features --bench compare | grep '^{' >> "$results"; }
fi
bench
bench scale-facade
bench scale-by-hand

echo "== sandbox versus a bare axum server and Prism"
if [ -n "$smoke" ]; then
  cargo build -q -p partner-bindings-cli
  cargo build -q -p partner-bindings --example bench_bare_server --features sandbox
  JSON_OUT="$work/sandbox.json" DURATION=1 ROUNDS=1 SANDBOX_BIN=target/debug/partner-bindings \
    BARE_BIN=target/debug/examples/bench_bare_server scripts/bench-sandbox.sh
else
  JSON_OUT="$work/sandbox.json" DURATION=5 ROUNDS=3 scripts/bench-sandbox.sh
fi
cat "$work/sandbox.json" >> "$results"

echo "== build cost"
# A user's program with one provider (benches/programs/facade) against the same program
# written with bare reqwest + serde + tokio and the same TLS (benches/programs/bare), both
# resolving the workspace's Cargo.lock. Full: clean debug builds, all dependencies, each
# in its own target dir. Smoke: rebuild of the program only, in target/.
codegen_ms() { # features -> "provider ms ..." from build.rs's timings
  PARTNER_BINDINGS_CODEGEN_TIMINGS=1 cargo build -vv -p partner-bindings --no-default-features --features "$1,tls-aws-lc-rs" \
    --target-dir "$2" 2>&1 | grep -o 'codegen [a-z]*: [0-9]* ms' | awk '!seen[$0]++ {print $2, $3}' | tr -d ':' | tr '\n' ' '
}
program_build() { # program -> seconds
  local dir=benches/programs/$1 target
  cp Cargo.lock "$dir/Cargo.lock"
  if [ -n "$smoke" ]; then
    target=target
    cargo build -q --manifest-path "$dir/Cargo.toml" --target-dir "$target" >/dev/null 2>&1
    touch "$dir/src/main.rs"
  else
    target=target/bench-build/$1
    rm -rf "$target"
  fi
  # --timings (clean builds): what the facade program builds beyond the bare one, below.
  local flags=(-q)
  [ -z "$smoke" ] && flags+=(--timings)
  { time -p cargo build "${flags[@]}" --manifest-path "$dir/Cargo.toml" --target-dir "$target" >/dev/null 2>&1; } 2>&1 |
    awk '/^real/ {print $2}'
  rm -f "$dir/Cargo.lock"
}
scope=$([ -n "$smoke" ] && echo "the program only (dependencies built)" || echo "clean debug build, all dependencies")
facade_s=$(program_build facade)
bare_s=$(program_build bare)
touch build.rs
timings=$(codegen_ms rentalcover,insly,ecurring,rocketkor target)
echo "{\"id\":\"build\",\"scope\":\"$scope\",\"facade_s\":$facade_s,\"bare_s\":$bare_s,\"codegen\":\"$timings\"}" >> "$results"

# Where the time goes, as callgrind instruction counts (full runs only: valgrind is slow).
if [ -z "$smoke" ]; then
  echo "== profiles (callgrind)"
  scripts/profile-call.sh > "$work/profile-call.txt"
  scripts/profile-decode.sh > "$work/profile-decode.txt"
  scripts/profile-sandbox.sh > "$work/profile-sandbox.txt"
  python3 scripts/build-timings.py target/bench-build/facade target/bench-build/bare > "$work/build-timings.txt" ||
    echo "build timings unavailable (cargo-timing.html not read)" > "$work/build-timings.txt"
fi

out=$([ -n "$smoke" ] && echo target/bench-smoke.md || echo BENCHMARKS.md)
python3 scripts/bench-report.py "$results" "$out" ${smoke:+--smoke}
echo "written: $out"
