#!/usr/bin/env bash
# Mutation testing of the hand-written library code with cargo-mutants (pinned, installed
# here). Generated code (build.rs output in OUT_DIR) is never mutated; the sandbox, the CLI,
# build.rs and the test helpers are excluded in .cargo/mutants.toml.
#
#   scripts/mutants.sh                 every mutant; writes mutants/summary.md and
#                                      mutants/outcomes.json (both committed)
#   scripts/mutants.sh --in-diff FILE  only the mutants on lines FILE (a git diff) changes;
#                                      fails on a missed mutant not listed as equivalent
#                                      in mutants/equivalent.toml. CI: the last commit.
#   MUTANTS_FILE=src/wire.rs scripts/mutants.sh   one file (a partial run: summary not written)
#   MUTANTS_ITERATE=1 scripts/mutants.sh          full, but skips the mutants the previous
#                                      run (target/mutants) caught; the summary says how many
#
# Tests run (cargo-nextest: all suites at once, stops at the first failure): the library's
# unit tests and its integration suites but two slow ones, tests/reliability.rs (the fault
# matrix waits out real timeouts: 40 s) and tests/bad_input.rs (300 cases through the
# sandbox), and the CLI's suites (another crate). So the score is a floor. About 75 minutes
# on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=25.3.1
if ! cargo mutants --version 2>/dev/null | grep -qF "$VERSION"; then
  cargo install --locked cargo-mutants --version "$VERSION"
fi
jobs=${MUTANTS_JOBS:-2}
out=target/mutants
args=(--all-features --profile mutants --test-tool nextest -j "$jobs" --timeout 120 --build-timeout 600 -o "$out")
tests=(-- --lib --test api --test facade --test outcomes --test wire --test fixtures
  --test decode_props --test secrets --test coverage --test sandbox)

mode=full
if [[ ${1:-} == --in-diff ]]; then
  mode=diff
  # Bounded for CI: in place (reusing target/ as the test run left it, no copy, no clean
  # build), no baseline run (the suites just passed), and at most MUTANTS_MAX mutants (one
  # shard of the diff's mutants beyond that; the output says so).
  out=target/mutants-diff
  args=(--all-features --test-tool nextest --in-place --baseline skip --timeout 120 -o "$out" --in-diff "$2")
  max=${MUTANTS_MAX:-20}
  count=$(cargo mutants --list --in-diff "$2" 2>/dev/null | grep -c . || true)
  if (( count > max )); then
    shards=$(( (count + max - 1) / max ))
    echo "mutants: $count in the diff; testing shard 0 of $shards (one in ${shards})"
    args+=(--shard "0/$shards")
  else
    echo "mutants: $count in the diff"
  fi
  if (( count == 0 )); then
    exit 0
  fi
elif [[ -n ${MUTANTS_ITERATE:-} ]]; then
  args+=(--iterate)
elif [[ -n ${MUTANTS_FILE:-} ]]; then
  mode=partial
  args+=(--file "$MUTANTS_FILE")
fi
status=0
cargo mutants "${args[@]}" "${tests[@]}" || status=$?
# cargo-mutants exits 0 (all caught), 2 (some missed), 3 (some timed out), 4 (baseline failed).
if [[ $status != 0 && $status != 2 && $status != 3 ]]; then
  echo "cargo-mutants failed (exit $status)" >&2
  exit "$status"
fi
python3 scripts/mutants-report.py "$mode" "$out/mutants.out"
