#!/usr/bin/env bash
# The sandbox against the HTTP stack's limit and against Prism (the usual OpenAPI mock
# server), on the same request and machine: requests/second under wrk (10 connections, same
# duration), peak resident memory under the load, and the sandbox's time from start to its first
# answer. The limit is a bare axum server (examples/bench_bare_server.rs) answering every
# request with the sandbox's own answer to that request, so the bodies are the same size.
# The sandbox and Prism validate requests; logging is off. Prints a table with the ratios.
#
#   scripts/bench-sandbox.sh            # 3 interleaved rounds of 5 s per server
#   DURATION=1 ROUNDS=1 scripts/bench-sandbox.sh # quicker
#   SANDBOX_BIN=... BARE_BIN=...        # already built binaries (bench.sh --smoke: debug)
#
# Installs what it needs: wrk (Debian), @stoplight/prism-cli (npm, pinned, under target/tools).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-5}"
ROUNDS="${ROUNDS:-3}"
PRISM_VERSION="5.14.2"
TOOLS="target/tools/prism"
SANDBOX_PORT="${SANDBOX_PORT:-18080}"
BARE_PORT="${BARE_PORT:-18081}"
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
BARE_BIN="${BARE_BIN:-}"
if [ -z "$BARE_BIN" ]; then
  cargo build --release -q -p partner-bindings --example bench_bare_server --features sandbox
  BARE_BIN=target/release/examples/bench_bare_server
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

# Sum of peak resident memory (kB, VmHWM) of a process and its children.
rss_kb() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
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

# Started by ready-ms.py, which prints the milliseconds to the first answer and the pid.
read -r s_ready sandbox_pid < <(python3 scripts/ready-ms.py "http://127.0.0.1:$SANDBOX_PORT/" \
  "$SANDBOX_BIN" sandbox --port "$SANDBOX_PORT" --quiet)
pids+=("$sandbox_pid")
# The sandbox's answer to that request: the bare server's fixed body.
curl -s -X PATCH -H "Content-Type: application/vnd.api+json" -H "Accept: application/vnd.api+json" \
  -H "X-Authorization: sandbox-key" --data "$body" -o "$work/answer.json" \
  "http://127.0.0.1:$SANDBOX_PORT/ecurring/customers/1"
body_bytes=$(wc -c < "$work/answer.json")
read -r b_ready bare_pid < <(python3 scripts/ready-ms.py "http://127.0.0.1:$BARE_PORT/" \
  "$BARE_BIN" "$BARE_PORT" "$work/answer.json")
pids+=("$bare_pid")
"$TOOLS/node_modules/.bin/prism" mock --errors -v silent -p "$PRISM_PORT" specs/ecurring.yaml >/dev/null 2>&1 &
pids+=($!); prism_pid=$!
wait_for "http://127.0.0.1:$PRISM_PORT/customers/1"

# Interleaved rounds (sandbox, bare, Prism in each), so a noisy machine slows all three
# alike. Reported: the median of each server's rates and p50s over the rounds, and the
# ratios as the median of each round's own ratio (paired, like against like).
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
: > "$work/s" && : > "$work/b" && : > "$work/p"
for _ in $(seq 1 "$ROUNDS"); do
  run_wrk "http://127.0.0.1:$SANDBOX_PORT/ecurring/customers/1" >> "$work/s"
  run_wrk "http://127.0.0.1:$BARE_PORT/ecurring/customers/1" >> "$work/b"
  run_wrk "http://127.0.0.1:$PRISM_PORT/customers/1" >> "$work/p"
done
for x in s b p; do
  read -r "${x}_req" < <(cut -d' ' -f1 "$work/$x" | median)
  read -r "${x}_bad" < <(cut -d' ' -f2 "$work/$x" | sort -n | tail -1)
  read -r "${x}_p50" < <(cut -d' ' -f3 "$work/$x" | median)
done
# The per-round ratios sandbox/bare and sandbox/Prism.
read -r bare_ratio < <(paste -d' ' "$work/s" "$work/b" | awk '{print $1 / $4}' | median)
read -r prism_ratio < <(paste -d' ' "$work/s" "$work/p" | awk '{print $1 / $4}' | median)
rounds_s=$(cut -d' ' -f1 "$work/s" | tr '\n' ',' | sed 's/,$//')
rounds_b=$(cut -d' ' -f1 "$work/b" | tr '\n' ',' | sed 's/,$//')
rounds_p=$(cut -d' ' -f1 "$work/p" | tr '\n' ',' | sed 's/,$//')
s_rss=$(rss_kb "$sandbox_pid")
b_rss=$(rss_kb "$bare_pid")
p_rss=$(rss_kb "$prism_pid")

awk -v d="$DURATION" -v sr="$s_req" -v sb="$s_bad" -v sp="$s_p50" -v sm="$s_rss" -v sready="$s_ready" \
    -v br="$b_req" -v bb="$b_bad" -v bp="$b_p50" -v bm="$b_rss" -v bready="$b_ready" -v bytes="$body_bytes" \
    -v pr="$p_req" -v pb="$p_bad" -v pp="$p_p50" -v pm="$p_rss" -v pv="$PRISM_VERSION" \
    -v bratio="$bare_ratio" -v pratio="$prism_ratio" -v rs="$rounds_s" -v rb="$rounds_b" -v rp="$rounds_p" 'BEGIN {
  srps = sr / d; brps = br / d; prps = pr / d
  printf "eCurring PATCH /customers/1 (answer %d bytes), wrk -t2 -c10 -d%ss, median of %s interleaved rounds, %s cores, logging off\n", bytes, d, "'"$ROUNDS"'", "'"$(nproc)"'"
  printf "%-28s %12s %10s %12s %10s %10s\n", "server", "requests/s", "non-2xx", "p50 latency", "peak MB", "ready ms"
  printf "%-28s %12.0f %10d %10.2fms %10.1f %10.1f\n", "partner-bindings sandbox", srps, sb, sp / 1000, sm / 1024, sready
  printf "%-28s %12.0f %10d %10.2fms %10.1f %10.1f\n", "bare axum, fixed body", brps, bb, bp / 1000, bm / 1024, bready
  printf "%-28s %12.0f %10d %10.2fms %10.1f %10s\n", "prism " pv, prps, pb, pp / 1000, pm / 1024, "-"
  printf "throughput ratio sandbox/bare:  %.2f (median of the rounds; target >= 0.7)\n", bratio
  printf "throughput ratio sandbox/prism: %.1fx (median of the rounds; target >= 40x)\n", pratio
  printf "sandbox peak RSS %.1f MB (target <= 15 MB), ready in %.1f ms (target <= 50 ms)\n", sm / 1024, sready
  if (ENVIRON["JSON_OUT"] != "") {
    printf "{\"id\":\"sandbox\",\"rounds\":'"$ROUNDS"',\"duration_s\":%s,\"body_bytes\":%d,\"sandbox_rps\":%.1f,\"bare_rps\":%.1f,\"prism_rps\":%.1f,\"sandbox_rss_mb\":%.1f,\"bare_rss_mb\":%.1f,\"prism_rss_mb\":%.1f,\"sandbox_p50_ms\":%.3f,\"bare_p50_ms\":%.3f,\"prism_p50_ms\":%.3f,\"sandbox_non2xx\":%d,\"bare_non2xx\":%d,\"prism_non2xx\":%d,\"sandbox_ready_ms\":%.1f,\"bare_ready_ms\":%.1f,\"prism\":\"%s\",\"bare_ratio\":%.4f,\"prism_ratio\":%.3f,\"rounds_requests\":{\"sandbox\":[%s],\"bare\":[%s],\"prism\":[%s]}}\n", d, bytes, srps, brps, prps, sm/1024, bm/1024, pm/1024, sp/1000, bp/1000, pp/1000, sb, bb, pb, sready, bready, pv, bratio, pratio, rs, rb, rp > ENVIRON["JSON_OUT"]
  }
}'
