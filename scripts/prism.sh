#!/usr/bin/env bash
# An independent mock answers from our specs, and our clients read all of it (issue 15):
# one Prism (pinned in tools/package.json) in dynamic mode (`prism mock -d --errors`,
# random data within each spec) per spec on loopback, and every operation through the
# CLI at least ROUNDS times (default 20) against it. Every answer must decode, and Prism
# must find every request valid; an answer Prism itself fails to make is not counted (but
# reported). Table on stdout, figures in target/reliability/prism.json, every failing
# round with its answer in target/prism/findings.md (all rounds in rounds.jsonl).
#
#   scripts/prism.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${1:-${ROUNDS:-20}}"
PRISM_VERSION="$(node -p 'require("./tools/package.json").devDependencies["@stoplight/prism-cli"]')"
PRISM=tools/node_modules/.bin/prism
out=target/prism
mkdir -p "$out" target/reliability

if [ ! -x "$PRISM" ] || [ "$("$PRISM" --version)" != "$PRISM_VERSION" ]; then
  npm ci --prefix tools --no-audit --no-fund >/dev/null
fi
# PRISM_CLI: an already built partner-bindings to use instead of building one.
BIN="${PRISM_CLI:-}"
if [ -z "$BIN" ]; then
  cargo build -q -p partner-bindings-cli
  BIN=target/debug/partner-bindings
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# Prism serves copies: it reloads a spec file that changes, and one run is one spec state.
# PRISM_SPECS: serve the specs of another directory (a spec change tried on the built client).
specs="${PRISM_SPECS:-specs}"
mkdir -p "$out/specs"
cp "$specs/rentalcover.yaml" "$specs/insly.yaml" "$specs/ecurring.yaml" "$specs/rocketkor.yaml" "$out/specs/"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
args=()
for spec in rentalcover insly ecurring rocketkor; do
  port="$(free_port)"
  log="$out/prism-$spec.log"
  "$PRISM" mock -d --errors -h 127.0.0.1 -p "$port" "$out/specs/$spec.yaml" >"$log" 2>&1 &
  pids+=($!)
  args+=(--prism "$spec=$port:$log")
done
# Ready when each says it listens (polling its log: a request would land in it).
for spec in rentalcover insly ecurring rocketkor; do
  log="$out/prism-$spec.log"
  for _ in $(seq 1 300); do
    grep -q "Prism is listening" "$log" && break
    sleep 0.2
  done
  grep -q "Prism is listening" "$log" || { echo "prism for $spec did not start:" >&2; cat "$log" >&2; exit 1; }
done

# PRISM_BODIES: another directory of request bodies (e.g. to see a broken one caught).
python3 scripts/prism-report.py --bin "$BIN" --rounds "$ROUNDS" --version "$PRISM_VERSION" "${args[@]}" \
  --bodies "${PRISM_BODIES:-tests/prism}" \
  --json target/reliability/prism.json --findings "$out/findings.md" --rounds-log "$out/rounds.jsonl"
