#!/usr/bin/env bash
# Where a one-provider user program's clean build spends its time beyond the same program on
# bare reqwest + serde + tokio (benches/programs/): both built clean with `cargo build
# --timings`, then the compile units only the facade program builds, by duration (read from
# cargo's cargo-timing.html). Both resolve the workspace's Cargo.lock.
#
#   scripts/build-timings.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for program in facade bare; do
  cp Cargo.lock "benches/programs/$program/Cargo.lock"
  rm -rf "target/timings-$program"
  cargo build -q --timings --manifest-path "benches/programs/$program/Cargo.toml" \
    --target-dir "target/timings-$program" >/dev/null 2>&1
  rm -f "benches/programs/$program/Cargo.lock"
done
python3 - <<'PY'
import json, re

def units(program):
    html = open(f"target/timings-{program}/cargo-timings/cargo-timing.html").read()
    data = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
    total = re.search(r"Total time:</td><td>([0-9.]+)s", html)
    durations = {}
    for unit in data:
        name = unit["name"] + (" (build script)" if "build" in unit.get("target", "") else "")
        durations[name] = durations.get(name, 0) + unit["duration"]
    return durations, float(total.group(1)) if total else float("nan")

facade, facade_wall = units("facade")
bare, bare_wall = units("bare")
only = sorted(((d, n) for n, d in facade.items() if n not in bare), reverse=True)
print(f"clean build wall time: facade {facade_wall:.1f} s, bare {bare_wall:.1f} s "
      f"({facade_wall / bare_wall:.2f}x); units {len(facade)} and {len(bare)}")
print(f"compile time of the units only the facade builds: {sum(d for d, _ in only):.1f} s "
      f"(all its units {sum(facade.values()):.1f} s, the bare program's {sum(bare.values()):.1f} s)")
for d, n in only[:15]:
    print(f"  {d:6.1f} s  {n}")
PY
