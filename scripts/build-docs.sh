#!/usr/bin/env bash
# Renders the reference site into target/docs: one self-contained HTML page per provider
# (redocly build-docs with the Redoc bundle inlined, so it works offline), the specs as
# YAML and JSON, and an index. Needs tools/node_modules (scripts/check-specs.sh installs it).
#
# Redoc does not show `x-` extensions, so the pages are rendered from a copy of each spec
# (target/docs-render/, not published) in which every `x-assumption` (an element not stated
# on the provider's page or in NOTES.md) is also written into that element's description
# as "Assumption (not on the provider's page): ...", and listed with its JSON pointer in a
# section at the end of the API description. The published YAML and JSON are the specs
# themselves, `x-assumption` keys included.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/docs
render=target/docs-render
rm -rf "$out" "$render" && mkdir -p "$out" "$render"
redocly=tools/node_modules/.bin/redocly
providers=(rentalcover insly ecurring rocketkor)
# PyYAML: in the tools venv (a dependency of openapi-spec-validator), or the system's.
py=target/tools/venv/bin/python3
[ -x "$py" ] || py=python3
for p in "${providers[@]}"; do
  "$py" - "specs/$p.yaml" "$render/$p.json" <<'PY'
import json, sys
import yaml

NOTE = "Assumption (not on the provider's page):"
source, target = sys.argv[1], sys.argv[2]
with open(source) as f:
    spec = yaml.safe_load(f)
found = []

def pointer(path):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)

def walk(node, path):
    if isinstance(node, dict):
        text = node.get("x-assumption")
        if isinstance(text, str):
            found.append((pointer(path), text))
            before = node.get("description", "").rstrip()
            # Redoc shows a server's description as plain text, everything else as Markdown.
            note = f"{NOTE} {text}" if "servers" in path else f"**{NOTE}** {text}"
            node["description"] = (before + "\n\n" if before else "") + note
        for key, value in node.items():
            walk(value, path + [key])
    elif isinstance(node, list):
        for i, value in enumerate(node):
            walk(value, path + [i])

walk(spec, [])
# Redoc shows a request body's own description, not its schema's: a marker on the body's
# schema is written there too.
for item in spec.get("paths", {}).values():
    for operation in item.values():
        body = operation.get("requestBody", {}) if isinstance(operation, dict) else {}
        for media in body.get("content", {}).values():
            ref = media.get("schema", {}).get("$ref", "")
            schema = spec["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}) if ref else {}
            if isinstance(schema.get("x-assumption"), str):
                before = body.get("description", "").rstrip()
                note = f"**{NOTE}** {schema['x-assumption']}"
                body["description"] = (before + "\n\n" if before else "") + note
if found:
    lines = ["", "", "## Assumptions", "",
             f"{len(found)} elements of this spec are not stated on the provider's page or in "
             "NOTES.md; each is marked `x-assumption` in the spec (JSON pointer, then why):", ""]
    lines += [f"- `{where}`: {text}" for where, text in found]
    spec["info"]["description"] = spec["info"].get("description", "").rstrip() + "\n".join(lines) + "\n"
with open(target, "w") as f:
    json.dump(spec, f, indent=1)
PY
  "$redocly" build-docs "$render/$p.json" --inlineBundle -o "$out/$p.html" >/dev/null 2>&1
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
