#!/usr/bin/env bash
# Schemathesis (pinned) against `partner-bindings sandbox`, all checks, every spec, a
# bounded number of examples per operation (EXAMPLES, default 40). Config: schemathesis.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${EXAMPLES:-40}"
venv=target/tools/st
if [ ! -x "$venv/bin/st" ] || [ tools/schemathesis.txt -nt "$venv/.installed" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r tools/schemathesis.txt
  touch "$venv/.installed"
fi
cargo build -q -p partner-bindings-cli
port="${PORT:-18282}"
target/debug/partner-bindings sandbox --port "$port" --quiet >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/_sandbox/counts" && break; sleep 0.1; done
status=0
out=target/reliability && mkdir -p "$out"
run() { # spec, auth header
  echo "== $1"
  "$venv/bin/st" run "specs/$1.yaml" --url "http://127.0.0.1:$port/$1" --checks all \
    --max-examples "$EXAMPLES" --seed 1 -H "$2" --no-color > "$out/schemathesis-$1.txt" 2>&1 || status=1
  tail -25 "$out/schemathesis-$1.txt"
}
run rentalcover "X_API_KEY: sandbox-key"
run insly "Authorization: Bearer sandbox-token"
run ecurring "X-Authorization: sandbox-key"
run rocketkor "Authorization: Bearer sandbox-token"
# What this run did, for RELIABILITY.md (scripts/reliability-report.py).
python3 - "$out" "$EXAMPLES" "$status" <<'PY'
import json, pathlib, re, sys
out, examples, status = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
specs = {}
for spec in ["rentalcover", "insly", "ecurring", "rocketkor"]:
    text = (out / f"schemathesis-{spec}.txt").read_text()
    m = re.search(r"Test cases:\s*\n\s*(\d+) generated, (\d+) passed(?:, (\d+) failed)?", text)
    specs[spec] = {"generated": int(m[1]), "passed": int(m[2]), "failed": int(m[3] or 0)} if m else None
version = pathlib.Path("tools/schemathesis.txt").read_text().split("==")[1].split()[0]
json.dump({"version": version, "examples": examples, "specs": specs, "exit": status},
          open(out / "schemathesis.json", "w"), indent=1)
PY
exit $status
