#!/usr/bin/env python3
"""Turns scripts/bench.sh's JSON lines into the BENCHMARKS.md table (or, with --smoke,
checks that every line produced a number)."""

import datetime
import json
import math
import pathlib
import platform
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
# What limits a target we miss, found by profiling (see the closing notes of the issues).
LIMITS = {
    "overhead": "The gap is client CPU per call (the profile below counts it per function): "
    "moves by value of typify's large builders and of the nested call futures, allocations "
    "for the per-call raw client and record, building and parsing the URL, header maps, the "
    "per-attempt timeout timer and the span. progenitor forces two copies: its "
    "`ResponseValue::from_response` clones the headers (on facade calls the rebuilt "
    "response carries none, so the clone is of an empty map) and its decoder needs a "
    "`reqwest::Response`, rebuilt from the buffered body (the `Bytes` are shared, not copied).",
    "decode-insly": "Insly's answer (`oneOf` an applied and a refused object) is read once "
    "(build.rs `object_alternatives`): the re-priced policy straight into its type, the "
    "envelope's small members as JSON values converted for the alternative chosen. Beyond "
    "that, the generated types keep each number's and yes/no's wire text (an allocation "
    "each) where the hand-written structs keep a parsed value; the decode profile below "
    "counts the instructions.",
    "sandbox-vs-bare": "The sandbox reads the body, parses it, checks it against the spec, "
    "applies the change and writes the stored record as its answer; the bare server only "
    "writes a fixed body. The sandbox profile below counts that work per request, by crate.",
    "sandbox-vs-prism": "The same per-request work as against the bare server bounds the "
    "sandbox's side (profile below); the row gives both rates, medians of the interleaved "
    "rounds.",
    "sandbox-memory": "The sandbox's peak resident memory under the load: its runtime, the "
    "four parsed specs and their schemas, and the connections' buffers.",
    "sandbox-ready": "Start-up parses the four bundled specs and builds their schemas before "
    "the first answer.",
    "build": "The facade program builds what the bare program does not: progenitor, typify, "
    "syn, openapiv3 and serde_yaml for build.rs's code generation, and the generated types' "
    "own dependencies; the breakdown below lists those compile units by duration.",
}


def fmt(x, digits=1):
    return f"{x:,.{digits}f}"


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1]
        mem = f"{int(mem) / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        mem = "unknown"
    rustc = subprocess.run(["rustc", "-V"], capture_output=True, text=True).stdout.strip()
    import os

    return f"{os.cpu_count()} cores ({cpu}), {mem} RAM, {platform.system()} {platform.release()}, {rustc}"


def rows(results):
    out = []
    for r in results:
        rid = r["id"]
        if "a_value" in r:
            unit = r["unit"]
            out.append(dict(
                id=rid, what=r["what"], target=r["target"],
                a=f"{r['a']}: {fmt(r['a_value'], 2)} {unit}", b=f"{r['b']}: {fmt(r['b_value'], 2)} {unit}",
                ratio=r["ratio"], n=r["iterations"], met=r["met"],
            ))
        elif rid == "sandbox":
            common = (f"eCurring PATCH (answer {r['body_bytes']} bytes), wrk 10 connections, {r['rounds']} "
                      f"interleaved rounds of {r['duration_s']} s (rates and p50s: medians over the rounds; "
                      "ratio: the median of each round's ratio), logging off")
            bare = r["bare_ratio"]
            out.append(dict(
                id="sandbox-vs-bare", what=f"sandbox vs a bare axum server answering the same fixed body, {common}",
                target="sandbox >= 0.7 x bare (ratio >= 0.7)",
                a=f"sandbox: {fmt(r['sandbox_rps'], 0)} req/s (p50 {r['sandbox_p50_ms']} ms)",
                b=f"bare: {fmt(r['bare_rps'], 0)} req/s (p50 {r['bare_p50_ms']} ms)",
                ratio=bare, n=f"{r['rounds']} x {r['duration_s']} s each",
                met=bare >= 0.7 and r["sandbox_non2xx"] == 0 and r["bare_non2xx"] == 0,
            ))
            prism = r["prism_ratio"]
            out.append(dict(
                id="sandbox-vs-prism", what=f"sandbox vs Prism {r['prism']}, {common}, both validating requests",
                target="sandbox >= 40x Prism's requests/s",
                a=f"sandbox: {fmt(r['sandbox_rps'], 0)} req/s (p50 {r['sandbox_p50_ms']} ms)",
                b=f"Prism: {fmt(r['prism_rps'], 0)} req/s (p50 {r['prism_p50_ms']} ms)",
                ratio=prism, n=f"{r['rounds']} x {r['duration_s']} s each", met=prism >= 40 and r["sandbox_non2xx"] == 0,
            ))
            out.append(dict(
                id="sandbox-memory", what="peak resident memory under that load (VmHWM)",
                target="sandbox <= 15 MB (ratio: sandbox / 15 MB)",
                a=f"sandbox: {r['sandbox_rss_mb']} MB", b=f"bare: {r['bare_rss_mb']} MB; Prism: {r['prism_rss_mb']} MB",
                ratio=r["sandbox_rss_mb"] / 15, n="1", met=r["sandbox_rss_mb"] <= 15,
            ))
            out.append(dict(
                id="sandbox-ready", what="time from starting the sandbox process to its first answer",
                target="<= 50 ms (ratio: sandbox / 50 ms)",
                a=f"sandbox: {r['sandbox_ready_ms']} ms", b=f"bare: {r['bare_ready_ms']} ms",
                ratio=r["sandbox_ready_ms"] / 50, n="1", met=r["sandbox_ready_ms"] <= 50,
            ))
        elif rid == "build":
            ratio = r["facade_s"] / r["bare_s"]
            out.append(dict(
                id="build", what=f"build, {r['scope']}: a user program with one provider (benches/programs/facade) vs the same program on bare reqwest + serde + tokio, same TLS (benches/programs/bare); codegen per spec in build.rs: {r['codegen'].strip() or 'n/a'} (ms)",
                target="facade <= 1.25 x bare",
                a=f"facade: {r['facade_s']} s", b=f"bare: {r['bare_s']} s",
                ratio=ratio, n="1 each", met=ratio <= 1.25,
            ))
        elif rid == "scale-facade":
            hand = next((x for x in results if x["id"] == "scale-by-hand"), None)
            if hand is None:
                sys.exit("the scale line of the facade has no by-hand line to compare with (BENCH_ONLY=scale-by-hand)")
            def last_half(x):
                return x["rss_growth_mb"] - x["checkpoints_mb"][4]

            def grown(x):
                return f"resident memory {x['rss_growth_mb']:+.1f} MB over the run ({x['warm_up_mb']:+.1f} MB in the warm-up; over the last half {last_half(x):+.1f} MB)"
            # What limits it, from the two runs' own figures.
            gap = r["rss_growth_mb"] - hand["rss_growth_mb"]
            limit = (
                f"over the run the facade grew {r['rss_growth_mb']:.1f} MB and the by-hand client "
                f"{hand['rss_growth_mb']:.1f} MB on the same schedule in a process of its own "
                f"(the facade {gap:+.1f} MB against it); over the last half {last_half(r):+.1f} MB "
                f"and {last_half(hand):+.1f} MB. Growth the by-hand client shows too is reqwest's, "
                "hyper's (1,024 pooled connections) and the allocator's, not the facade's."
            )
            out.append(dict(
                id="scale", what=r["what"], target=r["target"],
                a=f"facade: {r['failed']} failed, {r['received']} received, {fmt(r['throughput'], 0)} calls/s, p50 {fmt(r['p50_us'] / 1000, 2)} ms, p99 {fmt(r['p99_us'] / 1000, 2)} ms; {grown(r)}",
                b=f"by hand (reqwest + serde, same schedule, own process, run after the facade's): {hand['failed']} failed, p50 {fmt(hand['p50_us'] / 1000, 2)} ms, p99 {fmt(hand['p99_us'] / 1000, 2)} ms; {grown(hand)}",
                ratio=r["rss_growth_mb"] / 5, n=r["calls"],
                met=r["failed"] == 0 and r["received"] == r["calls"] and r["rss_growth_mb"] <= 5,
                limit=limit,
            ))
    return out


def main():
    results = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    smoke = "--smoke" in sys.argv
    table = rows(results)
    bad = [t["id"] for t in table if not isinstance(t["ratio"], (int, float)) or math.isnan(t["ratio"]) or math.isinf(t["ratio"])]
    expected = 16
    if len(table) != expected or bad:
        sys.exit(f"benchmark lines without a number: {bad}, or {len(table)} lines instead of {expected}")
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `scripts/bench.sh`{' --smoke (numbers are not meaningful)' if smoke else ''} on {date}.",
        f"Machine: {machine()}.",
        "",
        "Every line compares two things measured in the same run, interleaved in rounds on a",
        "shared, noisy machine: read the ratio, not the absolute times. Ratio = first / second",
        "(for scale: resident memory growth / 5 MB).",
        "",
        "| # | benchmark | target | first (median) | second (median) | ratio | iterations | target met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for i, t in enumerate(table, 1):
        met = "yes" if t["met"] else "**no**"
        lines.append(f"| {i} | {t['what']} | {t['target']} | {t['a']} | {t['b']} | {t['ratio']:.3f} | {t['n']} | {met} |")
    missed = [t for t in table if not t["met"]]
    if missed:
        lines += ["", "## Targets missed, and what limits them", ""]
        seen = set()
        for t in missed:
            if "limit" in t:
                lines.append(f"- `{t['id']}`: {t['limit']}")
                continue
            key = next((k for k in LIMITS if t["id"].startswith(k)), None)
            if key and key not in seen:
                seen.add(key)
                lines.append(f"- `{t['id']}`: {LIMITS[key]}")
            elif not key:
                lines.append(f"- `{t['id']}`: missed in this run.")
    # The profiles bench.sh ran (full runs): their output, as printed.
    for name, title in [("profile-call.txt", "Where a facade call's time goes (`scripts/profile-call.sh`)"),
                        ("profile-decode.txt", "Where decoding's time goes (`scripts/profile-decode.sh`)"),
                        ("profile-sandbox.txt", "Where the sandbox's time per request goes (`scripts/profile-sandbox.sh`)"),
                        ("build-timings.txt", "Where the build's time goes (`cargo build --timings` of both programs, `scripts/build-timings.py`)")]:
        path = pathlib.Path(sys.argv[1]).parent / name
        if not smoke and path.exists():
            lines += ["", f"## {title}", "", "```", path.read_text().rstrip(), "```"]
    pathlib.Path(sys.argv[2]).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
