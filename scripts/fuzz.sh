#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz / libFuzzer) of response decoding and of the
# sandbox's request handling, bounded in time (FUZZ_SECONDS per target, default 60).
# The machine has only a stable toolchain: cargo-fuzz's nightly flags are enabled with
# RUSTC_BOOTSTRAP=1 and no sanitizer (Rust code here is safe; libFuzzer still guides by
# coverage and catches panics, hangs and leaks of time).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
if ! command -v cargo-fuzz >/dev/null; then
  cargo install cargo-fuzz --locked --version 0.13.1
fi
export RUSTC_BOOTSTRAP=1
corpus=target/fuzz-corpus
for target in decode_responses sandbox_requests; do
  mkdir -p "$corpus/$target"
done
# Seeds: every fixture, prefixed with each selector byte the targets use.
i=0
for f in tests/fixtures/*/*.json; do
  for sel in 0 1 2 3 4; do
    { printf "\\x$(printf %02x $sel)"; cat "$f"; } > "$corpus/decode_responses/seed-$i-$sel"
    { printf "\\x$(printf %02x $sel)"; cat "$f"; } > "$corpus/sandbox_requests/seed-$i-$sel"
  done
  i=$((i + 1))
done
cd fuzz
for target in decode_responses sandbox_requests; do
  echo "== $target ($FUZZ_SECONDS s)"
  cargo fuzz run --sanitizer none "$target" "../$corpus/$target" -- \
    -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 -print_final_stats=1 2>&1 \
    | grep -E "^(stat::|Done|INFO: Running|==|SUMMARY|panicked)" || true
  # A crash leaves an artifact and a non-zero exit; fail on either.
  if ls "artifacts/$target"/crash-* "artifacts/$target"/timeout-* >/dev/null 2>&1; then
    echo "fuzzing found a failure in $target: see fuzz/artifacts/$target" >&2
    exit 1
  fi
done
