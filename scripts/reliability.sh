#!/usr/bin/env bash
# Regenerates RELIABILITY.md from one run: the suites that measure (fault matrix, bad input,
# decoder properties, secrets, concurrency and limits), fuzzing (FUZZ_SECONDS, default 20
# per target) and Schemathesis, each writing what it measured to target/reliability/; then
# scripts/reliability-report.py fills scripts/templates/RELIABILITY.md. The mutation figures
# come from mutants/summary.md (scripts/mutants.sh, about 75 minutes: run it first when the
# library code changed).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf target/reliability
cargo test -q --all-features --test reliability --test bad_input --test decode_props --test secrets
FUZZ_SECONDS="${FUZZ_SECONDS:-20}" scripts/fuzz.sh
scripts/schemathesis.sh
python3 scripts/reliability-report.py
