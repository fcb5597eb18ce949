#!/usr/bin/env bash
# Renders the reference site into target/docs: one self-contained HTML page per provider
# (redocly build-docs with the Redoc bundle inlined, so it works offline), the specs as
# YAML and JSON, and an index. Needs tools/node_modules (scripts/check-specs.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/docs
rm -rf "$out" && mkdir -p "$out"
redocly=tools/node_modules/.bin/redocly
providers=(rentalcover insly ecurring rocketkor)
for p in "${providers[@]}"; do
  "$redocly" build-docs "specs/$p.yaml" --inlineBundle -o "$out/$p.html" >/dev/null 2>&1
  cp "specs/$p.yaml" "$out/$p.yaml"
done
target/debug/partner-bindings specs export "$out/json" >/dev/null
{
  echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
  echo '<title>partner-bindings: published specs</title></head><body>'
  echo '<h1>partner-bindings: published OpenAPI specs</h1>'
  echo '<p>Hand-written OpenAPI 3.0.3 descriptions of four partner APIs'"'"' update endpoints.</p><ul>'
  for p in "${providers[@]}"; do
    title=$(awk -F': ' '/^  title:/ {print $2; exit}' "specs/$p.yaml")
    echo "<li><a href=\"$p.html\">$title</a> (<a href=\"$p.yaml\">YAML</a>, <a href=\"json/$p.json\">JSON</a>)</li>"
  done
  echo '</ul></body></html>'
} > "$out/index.html"
echo "reference site: $out/index.html"
