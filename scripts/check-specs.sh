#!/usr/bin/env bash
# Everything that proves the published specs work outside Rust, with pinned tools:
#  1. validation: openapi-spec-validator, redocly lint (recommended), spectral lint
#     (spectral:oas), and `partner-bindings specs check`; zero errors and zero warnings;
#  2. TypeScript: openapi-typescript types + one typed usage file per provider under
#     `tsc --noEmit --strict`;
#  3. Python: a client per spec from openapi-python-client, exercised by pytest against
#     `partner-bindings sandbox`;
#  4. the reference site (scripts/build-docs.sh) loaded in headless Chromium by pytest,
#     screenshots in target/docs-screenshots/.
# Tools: tools/package.json + package-lock.json (npm ci), tools/requirements.txt (venv
# under target/tools), Debian's chromium. Run from anywhere; CI runs it from .ci/run.
#
#   scripts/check-specs.sh                  everything
#   scripts/check-specs.sh validation ...   only the named parts (validation, typescript, python, site)
set -euo pipefail
cd "$(dirname "$0")/.."
providers=(rentalcover insly ecurring rocketkor)
parts="${*:-validation typescript python site}"
want() { [[ " $parts " == *" $1 "* ]]; }
step() { printf '\n== %s\n' "$*"; }

step "tools"
if [ ! -x tools/node_modules/.bin/redocly ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  npm ci --prefix tools --no-audit --no-fund --silent
fi
venv=target/tools/venv
if [ ! -x "$venv/bin/pytest" ] || [ tools/requirements.txt -nt "$venv/.installed" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r tools/requirements.txt
  touch "$venv/.installed"
fi
if want site && ! command -v chromium >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null
fi
cargo build -q -p partner-bindings-cli
bin=target/debug/partner-bindings

if want validation; then
step "validation"
for p in "${providers[@]}"; do
  spec="specs/$p.yaml"
  "$venv/bin/openapi-spec-validator" "$spec"
  redocly_json=$(tools/node_modules/.bin/redocly lint "$spec" --format=json 2>/dev/null || true)
  python3 - "$spec" "$redocly_json" <<'PY'
import json, sys
spec, report = sys.argv[1], json.loads(sys.argv[2])
totals = report["totals"]
for problem in report["problems"]:
    where = problem.get("location", [{}])[0].get("pointer", "")
    print(f"  redocly {problem['severity']}: {problem['ruleId']}: {problem['message']} at {where}")
print(f"{spec}: redocly {totals['errors']} errors, {totals['warnings']} warnings")
sys.exit(1 if totals["errors"] or totals["warnings"] else 0)
PY
  tools/node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity=hint "$spec" --quiet \
    && echo "$spec: spectral 0 problems"
done
"$bin" specs check
# The committed listing of the generated Rust API must match the specs (regenerate.sh
# rewrites it, so it skips this).
if [ -z "${SKIP_API_CHECK:-}" ]; then python3 scripts/api-listing.py --check; fi
fi

if want typescript; then
step "typescript"
mkdir -p target/ts
for p in "${providers[@]}"; do
  tools/node_modules/.bin/openapi-typescript "specs/$p.yaml" -o "target/ts/$p.ts" >/dev/null 2>&1
done
# Not `tsc && echo`: under `set -e` a failure on the left of `&&` does not stop the script.
tools/node_modules/.bin/tsc -p tests/ts/tsconfig.json
echo "tsc --strict: 4 usage files ok"
fi

if want python || want site; then
step "python clients"
for p in "${providers[@]}"; do
  rm -rf "target/python/$p"
  "$venv/bin/openapi-python-client" generate --path "specs/$p.yaml" --output-path "target/python/$p" --meta none >/dev/null
done
tests=()
want python && tests+=(tests/python/test_generated_clients.py)
if want site; then
  step "reference site"
  scripts/build-docs.sh
  tests+=(tests/python/test_reference_site.py)
fi
PARTNER_BINDINGS_BIN="$bin" "$venv/bin/pytest" -q "${tests[@]}"
fi
