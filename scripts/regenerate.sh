#!/usr/bin/env bash
# "The provider changed its docs": after editing specs/<provider>.yaml, run this one
# command. It re-validates every spec with the pinned tools, regenerates the Rust clients,
# rewrites specs/api/<provider>.txt (the generated public API) and prints what changed in
# it (types and members added, removed or changed), then runs the wire, coverage and
# fixture tests. Commit the spec together with specs/api/: the reviewer sees both.
set -euo pipefail
cd "$(dirname "$0")/.."
SKIP_API_CHECK=1 scripts/check-specs.sh validation
printf '\n== generated Rust API\n'
python3 scripts/api-listing.py
printf '\n== wire, coverage and fixture tests\n'
cargo test -q -p partner-bindings --all-features --test wire --test coverage --test fixtures 2>&1 | grep -E "test result|FAILED|panicked" 
printf '\nreview: git diff -- specs/\n'
