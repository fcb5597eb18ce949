#!/usr/bin/env bash
# cargo-semver-checks (pinned) on the public API, with the default features (the four
# providers) and with the sandbox:
#   1. this tree against the committed baseline: the commit named in `semver-baseline`;
#   2. spec edits regenerated into a copy of this tree, each with the verdict it must get:
#      an optional member and an open-enum value must pass, a removed member must fail.
# `scripts/semver-checks.sh baseline` runs only 1 (CI runs both).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=0.46.0
if ! cargo semver-checks --version 2>/dev/null | grep -qF "$VERSION"; then
  cargo install --locked cargo-semver-checks --version "$VERSION"
fi
# Both sides as rustdoc JSON built here with every feature (the tool refuses feature
# flags beside a given JSON file).
check() { cargo semver-checks check-release "$@"; }

# This tree's rustdoc JSON, built once: the current side of check 1 and the baseline of 2.
rustdoc_json() {
  RUSTC_BOOTSTRAP=1 cargo rustdoc -q -p partner-bindings --lib --all-features \
    --manifest-path "$1/Cargo.toml" -- -Z unstable-options --output-format json
}
rustdoc_json .
here=target/semver-edit/this-tree.json
mkdir -p target/semver-edit
cp target/doc/partner_bindings.json "$here"

baseline=$(tr -d '[:space:]' < semver-baseline)
echo "semver: this tree against the baseline $baseline"
rm -rf target/semver-edit/baseline && mkdir -p target/semver-edit/baseline
git archive "$baseline" | tar -x -C target/semver-edit/baseline
CARGO_TARGET_DIR=target/semver-edit/target rustdoc_json target/semver-edit/baseline
check --current-rustdoc "$here" --baseline-rustdoc target/semver-edit/target/doc/partner_bindings.json
[ "${1:-}" = baseline ] && exit 0

# A copy of this tree (tracked files only) to edit specs in; its target dir is kept
# between the edits, so only the edited crate rebuilds.
copy=target/semver-edit/tree
edit() {
  rm -rf "$copy" && mkdir -p "$copy"
  git ls-files -z | xargs -0 -I{} cp --parents {} "$copy"
  python3 - "$copy/specs/rocketkor.yaml" "$1" <<'PY'
import sys
path, kind = sys.argv[1], sys.argv[2]
text = open(path).read()
def once(old, new):
    global text
    assert text.count(old) == 1, old
    text = text.replace(old, new)
if kind == "optional-member":
    # A new optional request member and the same member in the response.
    assert text.count("        pronoun:\n") == 2
    text = text.replace("        pronoun:\n", "        nickname:\n          type: string\n          description: What the customer likes to be called.\n        pronoun:\n")
elif kind == "open-enum-value":
    once("      enum: [MAILING, PHYSICAL, SHIPPING]", "      enum: [MAILING, PHYSICAL, SHIPPING, BILLING]")
elif kind == "removed-member":
    # The request's `pronoun` (the first one), so a caller's `.pronoun(..)` no longer builds.
    import re
    block = re.search(r"        pronoun:\n(?:          .*\n)+", text).group(0)
    text = text.replace(block, "", 1)
open(path, "w").write(text)
PY
}
expect() {
  local kind=$1 want=$2 got
  edit "$kind"
  CARGO_TARGET_DIR=target/semver-edit/target rustdoc_json "$copy"
  if check --current-rustdoc target/semver-edit/target/doc/partner_bindings.json \
    --baseline-rustdoc "$here" >"target/semver-edit/$kind.log" 2>&1; then
    got=pass
  else
    got=fail
  fi
  # A "fail" counts only as the semver finding it must be (not a tool error): the
  # removed member's field and its setter, reported as major.
  if [ "$got" = fail ] && ! { grep -q "struct_pub_field_missing" "target/semver-edit/$kind.log" &&
    grep -q "UpdateIndividualCustomer::pronoun" "target/semver-edit/$kind.log" &&
    grep -q "semver requires new major version" "target/semver-edit/$kind.log"; }; then
    got="fail, but not with the expected finding"
  fi
  echo "semver: rocketkor spec, $kind: $got (expected $want)"
  if [ "$got" != "$want" ]; then
    tail -40 "target/semver-edit/$kind.log"
    exit 1
  fi
}
expect optional-member pass
expect open-enum-value pass
expect removed-member fail
echo "semver: ok"
