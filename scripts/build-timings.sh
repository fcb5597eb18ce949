#!/usr/bin/env bash
# Where a one-provider user program's clean build spends its time beyond the same program on
# bare reqwest + serde + tokio (benches/programs/): both built clean with `cargo build
# --timings`, then the compile units only the facade program builds, by duration (read from
# cargo's cargo-timing.html). Both resolve the workspace's Cargo.lock.
#
#   scripts/build-timings.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for program in facade bare; do
  cp Cargo.lock "benches/programs/$program/Cargo.lock"
  rm -rf "target/timings-$program"
  cargo build -q --timings --manifest-path "benches/programs/$program/Cargo.toml" \
    --target-dir "target/timings-$program" >/dev/null 2>&1
  rm -f "benches/programs/$program/Cargo.lock"
done
python3 scripts/build-timings.py target/timings-facade target/timings-bare
