#!/usr/bin/env bash
# "The provider changed its docs": after editing specs/<provider>.yaml, run this one
# command. It re-validates every spec with the pinned tools, then prints
#   1. the spec diff against the last commit (`partner-bindings specs diff`, every change
#      classified ERR / WARN / INFO with its check id),
#   2. the generated Rust API: rewrites specs/api/<provider>.txt and prints what changed,
#   3. the semver verdict of cargo-semver-checks on the public Rust API against the
#      release baseline (`semver-baseline`),
#   4. a CHANGELOG entry draft (the classifier's Markdown plus the verdict),
# then runs the wire, coverage and fixture tests. Commit the spec together with
# specs/api/: the reviewer sees both. `REGENERATE_BASE=<rev>` compares with another commit.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${REGENERATE_BASE:-HEAD}
SKIP_API_CHECK=1 scripts/check-specs.sh validation
cargo build -q -p partner-bindings-cli
cli=target/debug/partner-bindings
draft=target/regenerate/CHANGELOG-draft.md
mkdir -p target/regenerate
: > "$draft.changes"
printf '\n== spec changes against %s\n' "$base"
for spec in specs/*.yaml; do
  provider=$(basename "$spec" .yaml)
  if ! git cat-file -e "$base:$spec" 2>/dev/null; then
    echo "$provider: new spec (no earlier version at $base)"
    continue
  fi
  # Exit 1 only says there is an ERR; it is printed, not fatal here.
  out=$("$cli" specs diff "$base:$spec" "$spec" || true)
  if [ -z "$out" ]; then
    echo "$provider: no change"
  else
    echo "$provider:"
    printf '%s\n' "$out" | sed 's/^/  /'
    { echo "#### $provider"; "$cli" specs diff --format markdown "$base:$spec" "$spec" || true; echo; } >> "$draft.changes"
  fi
done
printf '\n== generated Rust API\n'
python3 scripts/api-listing.py
printf '\n== semver (cargo-semver-checks on the public Rust API against semver-baseline)\n'
if scripts/semver-checks.sh baseline > target/regenerate/semver.log 2>&1; then
  verdict="no major version needed"
else
  if grep -q "semver requires new major version" target/regenerate/semver.log; then
    verdict="MAJOR: the public Rust API broke"
    grep -E "^--- failure|^Failed in:|^  " target/regenerate/semver.log | head -40 || true
  else
    verdict="semver check did not run (see target/regenerate/semver.log)"
  fi
fi
echo "semver: $verdict"
{
  echo "## Unreleased (draft from scripts/regenerate.sh)"
  echo
  echo "Rust API: $verdict."
  echo
  cat "$draft.changes"
} > "$draft"
rm -f "$draft.changes"
printf '\n== CHANGELOG entry draft (%s)\n' "$draft"
cat "$draft"
printf '\n== wire, coverage and fixture tests\n'
cargo test -q -p partner-bindings --all-features --test wire --test coverage --test fixtures 2>&1 | grep -E "test result|FAILED|panicked"
printf '\nreview: git diff -- specs/\n'
