#!/usr/bin/env bash
# Sandbox versus Prism (the usual OpenAPI mock server) on the same spec and machine:
# requests/second under wrk (10 connections, same duration) and resident memory, both
# with request validation on and logging off. Prints a table with the ratios.
#
#   scripts/bench-sandbox.sh            # 10 s per server
#   DURATION=3 scripts/bench-sandbox.sh # quicker
#
# Installs what it needs: wrk (Debian), @stoplight/prism-cli (npm, pinned, under target/tools).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
PRISM_VERSION="5.14.2"
TOOLS="target/tools/prism"
SANDBOX_PORT="${SANDBOX_PORT:-18080}"
PRISM_PORT="${PRISM_PORT:-14010}"

if ! command -v wrk >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
fi
if [ ! -x "$TOOLS/node_modules/.bin/prism" ] || \
   [ "$("$TOOLS/node_modules/.bin/prism" --version)" != "$PRISM_VERSION" ]; then
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm init -y >/dev/null && \
    npm install --silent --no-audit --no-fund "@stoplight/prism-cli@$PRISM_VERSION" >/dev/null)
fi
SANDBOX_BIN="${SANDBOX_BIN:-}"
if [ -z "$SANDBOX_BIN" ]; then
  cargo build --release -q -p partner-bindings-cli
  SANDBOX_BIN=target/release/partner-bindings
fi

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# The same valid eCurring PATCH for both (Prism serves the spec's paths at its root).
body='{"data":{"type":"customer","id":"1","attributes":{"street":"Payment lane","house_number":"1","city":"Amsterdam","postalcode":"1000AA"}}}'
cat > "$work/patch.lua" <<LUA
wrk.method = "PATCH"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/vnd.api+json"
wrk.headers["Accept"] = "application/vnd.api+json"
wrk.headers["X-Authorization"] = "sandbox-key"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d\n", summary.requests, summary.errors.status, latency:percentile(50)))
end
LUA

# Sum of resident memory (kB) of a process and its children.
rss_kb() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

wait_for() { # url
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null -X PATCH "$1" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "server at $1 did not start" >&2; exit 1
}

run_wrk() { # url -> "requests non2xx p50_us"
  wrk -t2 -c10 -d"${DURATION}s" -s "$work/patch.lua" "$1" | awk '/^RESULT/ {print $2, $3, $4}'
}

"$SANDBOX_BIN" sandbox --port "$SANDBOX_PORT" --quiet >/dev/null 2>&1 &
pids+=($!); sandbox_pid=$!
wait_for "http://127.0.0.1:$SANDBOX_PORT/ecurring/customers/1"
read -r s_req s_bad s_p50 < <(run_wrk "http://127.0.0.1:$SANDBOX_PORT/ecurring/customers/1")
s_rss=$(rss_kb "$sandbox_pid")

"$TOOLS/node_modules/.bin/prism" mock --errors -v silent -p "$PRISM_PORT" specs/ecurring.yaml >/dev/null 2>&1 &
pids+=($!); prism_pid=$!
wait_for "http://127.0.0.1:$PRISM_PORT/customers/1"
read -r p_req p_bad p_p50 < <(run_wrk "http://127.0.0.1:$PRISM_PORT/customers/1")
p_rss=$(rss_kb "$prism_pid")

awk -v d="$DURATION" -v sr="$s_req" -v sb="$s_bad" -v sp="$s_p50" -v sm="$s_rss" \
    -v pr="$p_req" -v pb="$p_bad" -v pp="$p_p50" -v pm="$p_rss" -v pv="$PRISM_VERSION" 'BEGIN {
  srps = sr / d; prps = pr / d
  printf "eCurring PATCH /customers/1, wrk -t2 -c10 -d%ss, %s cores, request validation on, logging off\n", d, "'"$(nproc)"'"
  printf "%-28s %12s %10s %12s %10s\n", "server", "requests/s", "non-2xx", "p50 latency", "RSS MB"
  printf "%-28s %12.0f %10d %10.2fms %10.1f\n", "partner-bindings sandbox", srps, sb, sp / 1000, sm / 1024
  printf "%-28s %12.0f %10d %10.2fms %10.1f\n", "prism " pv, prps, pb, pp / 1000, pm / 1024
  printf "throughput ratio sandbox/prism: %.1fx (target >= 20x)\n", srps / prps
  printf "memory ratio sandbox/prism:     %.3f (target < 0.1; sandbox target < 30 MB)\n", sm / pm
  if (ENVIRON["JSON_OUT"] != "") {
    printf "{\"id\":\"sandbox-vs-prism\",\"duration_s\":%s,\"sandbox_rps\":%.1f,\"prism_rps\":%.1f,\"sandbox_rss_mb\":%.1f,\"prism_rss_mb\":%.1f,\"sandbox_p50_ms\":%.3f,\"prism_p50_ms\":%.3f,\"sandbox_non2xx\":%d,\"prism_non2xx\":%d,\"prism\":\"%s\"}\n", d, srps, prps, sm/1024, pm/1024, sp/1000, pp/1000, sb, pb, pv > ENVIRON["JSON_OUT"]
  }
}'
