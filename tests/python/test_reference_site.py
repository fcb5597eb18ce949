"""The rendered reference site (target/docs, from scripts/build-docs.sh) in headless
Chromium: every operation and each of its request fields appear in the rendered DOM, every
`x-assumption` of the spec is shown (in the page's Assumptions list, and under its element
where Redoc renders that element in the operation's view), and a screenshot of each page
is kept under target/docs-screenshots/."""

import html
import json
import pathlib
import re
import subprocess
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "target" / "docs"
SHOTS = ROOT / "target" / "docs-screenshots"
PROVIDERS = ["rentalcover", "insly", "ecurring", "rocketkor"]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=15000",
]


def chromium(*args):
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            ["chromium", *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
        )


def rendered_text(url):
    dom = chromium("--dump-dom", url).stdout
    body = dom[dom.find("<body") :]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def spec(provider):
    return json.loads((DOCS / "json" / f"{provider}.json").read_text())


def resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def operations(document):
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                yield operation


def request_fields(document, operation):
    content = operation.get("requestBody", {}).get("content", {})
    fields = []
    for media in content.values():
        schema = resolve(document, media["schema"])
        fields.extend(schema.get("properties", {}))
    return fields


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_operation_and_request_field_is_rendered(provider):
    page = DOCS / f"{provider}.html"
    assert page.exists(), "run scripts/build-docs.sh first"
    # Offline: the Redoc bundle is inlined, no script is loaded from the network.
    assert not re.search(r"<script[^>]+src=[\"']https?:", page.read_text())
    document = spec(provider)
    for operation in operations(document):
        # Redoc expands the operation named in the fragment.
        text = rendered_text(f"{page.as_uri()}#operation/{operation['operationId']}")
        assert operation["summary"] in text, f"{provider}: summary of {operation['operationId']}"
        missing = [f for f in request_fields(document, operation) if not re.search(rf"\b{re.escape(f)}\b", text)]
        assert not missing, f"{provider} {operation['operationId']}: fields not rendered: {missing}"


NOTE = "Assumption (not on the provider's page):"


def pointer(path):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


def assumptions(node, path=()):
    """Every (JSON pointer, text) of an `x-assumption` in the published spec."""
    if isinstance(node, dict):
        if isinstance(node.get("x-assumption"), str):
            yield pointer(path), node["x-assumption"]
        for key, value in node.items():
            yield from assumptions(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from assumptions(value, (*path, i))


def squashed(text):
    """Text without Markdown code marks or whitespace: the DOM splits code spans from the
    words around them."""
    return re.sub(r"\s+", "", text.replace("`", ""))


def test_published_specs_keep_their_assumption_markers():
    for provider in PROVIDERS:
        published = (DOCS / f"{provider}.yaml").read_text()
        source = (ROOT / "specs" / f"{provider}.yaml").read_text()
        assert published == source, f"{provider}: the published YAML is the spec itself"
        assert list(assumptions(spec(provider))), f"{provider}: no x-assumption in the JSON"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_assumption_is_shown(provider):
    page = DOCS / f"{provider}.html"
    document = spec(provider)
    marked = list(assumptions(document))
    text = squashed(rendered_text(page.as_uri()))
    # The Assumptions list: one entry per marker, its pointer then its text.
    listed = [f"{where}:{why}" for where, why in marked if squashed(f"{where}: {why}") in text]
    assert len(listed) == len(marked), (
        f"{provider}: {len(marked)} markers, {len(listed)} listed; missing "
        f"{[w for w, y in marked if squashed(f'{w}: {y}') not in text]}"
    )
    # Under its element: the operation itself, its parameters and its request body
    # members, which Redoc renders in the operation's view.
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            here = pointer(("paths", path, method))
            inline = [why for where, why in marked if where == here or where.startswith(here + "/parameters/")]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                ref = media["schema"].get("$ref", "")
                if ref:
                    body = ref.replace("#", "", 1)
                    inline += [why for where, why in marked if where == body or where.startswith(body + "/properties/")]
            if not inline:
                continue
            shown = squashed(rendered_text(f"{page.as_uri()}#operation/{operation['operationId']}"))
            missing = [why for why in inline if squashed(f"{NOTE} {why}") not in shown]
            assert not missing, f"{provider} {operation['operationId']}: assumptions not shown: {missing}"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_screenshot(provider):
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{provider}.png"
    shot.unlink(missing_ok=True)
    chromium("--window-size=1280,1600", f"--screenshot={shot}", (DOCS / f"{provider}.html").as_uri())
    assert shot.exists() and shot.stat().st_size > 20_000


def test_index_links_every_page():
    index = (DOCS / "index.html").read_text()
    for provider in PROVIDERS:
        assert f'href="{provider}.html"' in index
