#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz / libFuzzer) of response decoding and of the
# sandbox's request handling, bounded in time (FUZZ_SECONDS per target, default 60).
# The machine has only a stable toolchain: cargo-fuzz's nightly flags are enabled with
# RUSTC_BOOTSTRAP=1 and no sanitizer (Rust code here is safe; libFuzzer still guides by
# coverage and catches panics, hangs and leaks of time).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
VERSION=0.13.1
if ! cargo fuzz --version 2>/dev/null | grep -qF "$VERSION"; then
  cargo install cargo-fuzz --locked --version "$VERSION"
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
out=$PWD/target/reliability && mkdir -p "$out"
cd fuzz
for target in decode_responses sandbox_requests; do
  echo "== $target ($FUZZ_SECONDS s)"
  cargo fuzz run --sanitizer none "$target" "../$corpus/$target" -- \
    -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 -print_final_stats=1 > "$out/fuzz-$target.txt" 2>&1 || true
  grep -E "^(stat::|Done|INFO: Running|==|SUMMARY|panicked)" "$out/fuzz-$target.txt" || true
  # A crash leaves an artifact and a non-zero exit; fail on either.
  if ls "artifacts/$target"/crash-* "artifacts/$target"/timeout-* >/dev/null 2>&1; then
    echo "fuzzing found a failure in $target: see fuzz/artifacts/$target" >&2
    exit 1
  fi
done
# What this run did, for RELIABILITY.md (scripts/reliability-report.py).
python3 - "$out" "$FUZZ_SECONDS" "$VERSION" <<'PY'
import json, pathlib, re, sys
out, seconds, version = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
stats = {}
for target in ["decode_responses", "sandbox_requests"]:
    text = (out / f"fuzz-{target}.txt").read_text()
    stats[target] = {k: int(v) for k, v in re.findall(r"^stat::(\w+):\s*(\d+)", text, re.M)}
json.dump({"cargo_fuzz": version, "seconds": seconds, "targets": stats}, open(out / "fuzz.json", "w"), indent=1)
PY
