#!/usr/bin/env python3
"""The public API that progenitor generated for each spec, as a stable text listing:
every type in `types` (structs with their fields and types, enums with their variants,
newtypes) and every operation method. Written to specs/api/<provider>.txt, which is
committed, so a spec change shows its client-facing effect in review.

  scripts/api-listing.py           build, rewrite the listings, print what changed
  scripts/api-listing.py --check   build, fail if a listing is out of date
"""

import difflib
import json
import pathlib
import re
import subprocess
import sys

PROVIDERS = ["rentalcover", "insly", "ecurring", "rocketkor"]
ROOT = pathlib.Path(__file__).resolve().parents[1]
SHORT = [
    ("::std::option::Option", "Option"),
    ("::std::string::String", "String"),
    ("::std::vec::Vec", "Vec"),
    ("::std::collections::HashMap", "HashMap"),
    ("::std::num::", ""),
    ("::serde_json::", "serde_json::"),
    ("::chrono::naive::", ""),
    ("::uuid::", ""),
    ("crate::wire::", "wire::"),
    ("crate::", ""),
]


def short(text):
    for long, s in SHORT:
        text = text.replace(long, s)
    text = re.sub(r"\s+", " ", text).strip().rstrip(",")
    text = re.sub(r"\s*,\s*([>)])", r"\1", text)
    return re.sub(r"([<(])\s+", r"\1", text).replace(" >", ">").replace(" )", ")")


def strip_attributes(text):
    """Removes `#[...]` attributes (they may span lines)."""
    out, i = "", 0
    while i < len(text):
        if text.startswith("#[", i):
            depth = 0
            i += 1  # the `#`; then count brackets from `[`
            while i < len(text):
                depth += {"[": 1, "]": -1}.get(text[i], 0)
                i += 1
                if depth == 0:
                    break
            continue
        out += text[i]
        i += 1
    return out


def split_top_level(text):
    """Splits at commas outside <>, () and []."""
    items, depth, current = [], 0, ""
    for c in text:
        if c in "<([":
            depth += 1
        elif c in ">)]":
            depth -= 1
        if c == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += c
    if current.strip():
        items.append(current.strip())
    return items


def listing(source):
    lines = source.splitlines()
    out = []
    module = None
    i = 0
    while i < len(lines):
        line = lines[i]
        top = re.match(r"^pub mod (\w+) \{", line)
        if top:
            module = top.group(1)
        elif line == "}":
            module = None
        if module == "types" and re.match(r"^    pub mod ", line):
            # skip the nested builder/error modules of `types`
            depth = 0
            while True:
                depth += lines[i].count("{") - lines[i].count("}")
                i += 1
                if depth <= 0:
                    break
            continue
        if module == "types":
            newtype = re.match(r"^    pub struct (\w+)\((.*)\);$", line)
            struct = re.match(r"^    pub struct (\w+) \{$", line)
            enum = re.match(r"^    pub enum (\w+) \{$", line)
            if newtype:
                out.append(f"newtype {newtype.group(1)}({short(newtype.group(2))})")
            elif struct or enum:
                kind, name = ("struct", struct.group(1)) if struct else ("enum", enum.group(1))
                out.append(f"{kind} {name}")
                i += 1
                body = []
                while not lines[i].startswith("    }"):
                    body.append(lines[i])
                    i += 1
                text = re.sub(r"/\*.*?\*/", " ", "\n".join(body), flags=re.S)  # block docs
                text = " ".join(l.strip() for l in text.splitlines() if not l.strip().startswith("//"))
                text = strip_attributes(text)
                for item in split_top_level(text):
                    if struct:
                        m = re.match(r"pub (\w+): (.*)", item)
                        if m:
                            out.append(f"  {m.group(1)}: {short(m.group(2))}")
                    else:
                        out.append(f"  {short(item)}")
        op = re.match(r"^    pub fn (\w+)\(&self\) -> builder::(\w+)", line)
        if module is None and op:
            out.append(f"operation {op.group(1)} -> {op.group(2)}")
        i += 1
    return out


def generated_dir():
    """Builds the library with every provider and returns build.rs's OUT_DIR."""
    build = subprocess.run(
        ["cargo", "build", "-q", "-p", "partner-bindings", "--all-features", "--message-format=json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    for line in build.stdout.splitlines():
        message = json.loads(line)
        if message.get("reason") == "build-script-executed" and "partner-bindings-cli" not in message["package_id"] \
                and re.search(r"[/#]partner-bindings[@#]", message["package_id"] + "#"):
            return pathlib.Path(message["out_dir"])
    sys.exit("could not find the build script's OUT_DIR")


def main():
    out_dir = generated_dir()
    check = "--check" in sys.argv
    stale = []
    for provider in PROVIDERS:
        generated = out_dir / f"{provider}.rs"
        if not generated.exists():
            continue
        new = listing(generated.read_text())
        path = ROOT / "specs" / "api" / f"{provider}.txt"
        old = path.read_text().splitlines() if path.exists() else []
        if new == old:
            print(f"{provider}: generated API unchanged ({sum(1 for l in new if not l.startswith(' '))} items)")
            continue
        stale.append(provider)
        print(f"{provider}: generated API changed:")
        for line in difflib.unified_diff(old, new, "before", "after", lineterm="", n=1):
            if not line.startswith(("---", "+++")):
                print(f"  {line}")
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(new) + "\n")
    if check and stale:
        print(f"out of date: {', '.join(stale)}; run scripts/regenerate.sh and commit specs/api/")
        sys.exit(1)


if __name__ == "__main__":
    main()
