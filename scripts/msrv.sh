#!/usr/bin/env bash
# The MSRV check that one toolchain can do honestly. The machine (and CI) has exactly one
# Rust toolchain, newer than our `rust-version`, and cannot download another, so this is
# NOT a build on the declared MSRV. It checks:
#  (a) every package that partner-bindings or partner-bindings-cli depend on (normal and
#      build dependencies, transitively, all features, every target platform; dev-
#      dependencies excluded), as locked in Cargo.lock, declares a `rust-version` no newer
#      than ours. Offenders fail the check; packages that declare none are listed, as unknown;
#  (b) clippy's `incompatible_msrv` lint, denied: no std API stabilised after our
#      `rust-version` is used by our code (clippy reads `rust-version` from Cargo.toml).
# What it cannot check, and only a build with the MSRV toolchain would:
#  - language features and syntax stabilised after the MSRV (rustc 1.95 accepts them);
#  - std APIs the lint does not see (it checks calls and paths of items carrying a
#    stability version; e.g. trait impls newly provided by std, or behaviour changes);
#  - that our dependencies really build on their declared rust-version (we trust it), and
#    what build.rs-generated code needs (it is checked by (b) like the rest of our code);
#  - Cargo itself: manifest keys and the Cargo.lock format (version 4 needs cargo >= 1.78).
#
#   scripts/msrv.sh            both checks
#   scripts/msrv.sh deps       only (a), no compilation
set -euo pipefail
cd "$(dirname "$0")/.."

echo "msrv (a): declared rust-version of every normal/build dependency in Cargo.lock"
metadata="$(mktemp)"
trap 'rm -f "$metadata"' EXIT
cargo metadata --format-version 1 --all-features --locked >"$metadata"
deps_ok=true
python3 - "$metadata" <<'PY' || deps_ok=false
import json, sys

meta = json.load(open(sys.argv[1]))
pkgs = {p["id"]: p for p in meta["packages"]}
roots = [i for i, p in pkgs.items() if p["name"] in ("partner-bindings", "partner-bindings-cli") and p["source"] is None]
mine = {pkgs[i]["rust_version"] for i in roots}
if len(roots) != 2 or len(mine) != 1 or None in mine:
    sys.exit(f"expected our two packages with one rust-version each, found {[(pkgs[i]['name'], pkgs[i]['rust_version']) for i in roots]}")
ours = mine.pop()

def key(v):
    parts = [int(x) for x in v.split(".")]
    return parts + [0] * (3 - len(parts))

nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
seen, todo = set(roots), list(roots)
while todo:
    for dep in nodes[todo.pop()]["deps"]:
        # An edge counts unless every way it is declared is a dev-dependency.
        if any(k["kind"] != "dev" for k in dep["dep_kinds"]) and dep["pkg"] not in seen:
            seen.add(dep["pkg"])
            todo.append(dep["pkg"])

deps = sorted((pkgs[i] for i in seen - set(roots)), key=lambda p: (p["name"], p["version"]))
newer = [p for p in deps if p["rust_version"] and key(p["rust_version"]) > key(ours)]
unknown = [p for p in deps if not p["rust_version"]]
print(f"  our rust-version: {ours}; {len(deps)} packages checked, "
      f"{len(deps) - len(newer) - len(unknown)} declare <= {ours}, {len(unknown)} declare none, {len(newer)} newer")
if unknown:
    print("  declare no rust-version (cannot be checked here): " + ", ".join(f"{p['name']} {p['version']}" for p in unknown))
for p in newer:
    print(f"  OFFENDER: {p['name']} {p['version']} needs rust {p['rust_version']}")
if newer:
    sys.exit(f"msrv (a) failed: {len(newer)} dependencies need a newer rust than {ours}")
print("  ok")
PY

if [[ "${1:-}" == deps ]]; then $deps_ok; exit; fi

echo "msrv (b): clippy::incompatible_msrv denied (std APIs newer than rust-version)"
cargo clippy --all-features -- -D clippy::incompatible_msrv
echo "  ok"
echo "msrv: not checked here (needs the MSRV toolchain itself): language features and syntax newer"
echo "  than rust-version, std changes the lint cannot see, dependencies really building on their"
echo "  declared rust-version, Cargo manifest/lockfile support."
# (b) ran even when (a) failed, so one run shows both; (a)'s failure still fails the script.
$deps_ok || { echo "msrv: FAILED, see (a) above" >&2; exit 1; }
