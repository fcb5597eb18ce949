#!/usr/bin/env python3
"""The compile units a one-provider user program builds beyond the same program on bare
reqwest + serde + tokio, by duration, from two clean `cargo build --timings` runs (their
cargo-timing.html): `build-timings.py FACADE_TARGET_DIR BARE_TARGET_DIR`. Run by
scripts/build-timings.sh and by scripts/bench.sh (full)."""
import json, re, sys

def units(target):
    html = open(f"{target}/cargo-timings/cargo-timing.html").read()
    data = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
    total = re.search(r"Total time:</td><td>([0-9.]+)s", html)
    durations = {}
    for unit in data:
        name = unit["name"] + (" (build script)" if "build" in unit.get("target", "") else "")
        durations[name] = durations.get(name, 0) + unit["duration"]
    return durations, float(total.group(1)) if total else float("nan")

facade, facade_wall = units(sys.argv[1])
bare, bare_wall = units(sys.argv[2])
only = sorted(((d, n) for n, d in facade.items() if n not in bare), reverse=True)
print(f"clean build wall time: facade {facade_wall:.1f} s, bare {bare_wall:.1f} s "
      f"({facade_wall / bare_wall:.2f}x); units {len(facade)} and {len(bare)}")
print(f"compile time of the units only the facade builds: {sum(d for d, _ in only):.1f} s "
      f"(all its units {sum(facade.values()):.1f} s, the bare program's {sum(bare.values()):.1f} s)")
for d, n in only[:15]:
    print(f"  {d:6.1f} s  {n}")
