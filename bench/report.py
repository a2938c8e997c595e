"""docs/benchmarks.md from the figures of one run of ``bench/run.py``."""

from __future__ import annotations

import statistics
from pathlib import Path

ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
AUTH_NAMES = {"password": "Basic e-mail + password", "key": "API key"}


def jsonable(value):
    if isinstance(value, dict):
        return {(" / ".join(k) if isinstance(k, tuple) else k): jsonable(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def n(value, digits=0) -> str:
    return f"{value:,.{digits}f}"


def ms(value) -> str:
    return f"{value:.1f}" if value < 100 else n(value)


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _ratio_rows(engines, scenario_prefix):
    found = []
    for engine, out in engines.items():
        for (scenario, auth), result in out["contacts"].items():
            if scenario.startswith(scenario_prefix):
                found.append((engine, scenario, auth, result["ratio"]))
    return found


def targets(results) -> list[tuple[str, str, str, str]]:
    engines = results["engines"]
    rows = []
    for label, prefix, goal in (
        ("show one contact, XML and JSON", "show one contact", 0.55),
        ("list 100 contacts with nested items, XML and JSON", "list 100", 0.65),
        ("create a contact, XML", "create a contact", 0.5),
        ("update one field, XML", "update one field", 0.5),
    ):
        found = _ratio_rows(engines, prefix)
        if not found:
            continue
        worst = min(found, key=lambda r: r[3])
        rows.append((label, f"≥ {goal} × floor",
                     f"{min(r[3] for r in found):.2f}–{max(r[3] for r in found):.2f} "
                     f"(lowest: {ENGINE_NAMES[worst[0]]}, {AUTH_NAMES[worst[2]].lower()})",
                     verdict(worst[3] >= goal)))
    auth_ratios = []
    for engine, out in engines.items():
        for (scenario, auth), result in out["contacts"].items():
            if auth == "password":
                key = out["contacts"][(scenario, "key")]["product"]["rps"]
                auth_ratios.append((result["product"]["rps"] / key, engine, scenario))
    if auth_ratios:
        reads = [r for r in auth_ratios if r[2].startswith(("show", "list"))]
        writes = [r for r in auth_ratios if r not in reads]
        low = min(reads)
        text = (f"reads {low[0]:.2f}–{max(reads)[0]:.2f} (lowest: {low[2]}, "
                f"{ENGINE_NAMES[low[1]]})")
        if writes:
            text += (f"; writes {min(writes)[0]:.2f}–{max(writes)[0]:.2f}, median "
                     f"{statistics.median(r[0] for r in writes):.2f}")
        rows.append(("Basic auth with password vs API key", "≥ 0.9 ×", text,
                     verdict(low[0] >= 0.9)
                     + ("" if not writes or min(writes)[0] >= 0.9 else " on reads")))
    rows.append(("SQL statements per request", "list ≤ 4, show ≤ 3, create ≤ 6",
                 "asserted by the test suite (`make test`)", "met"))
    pg = engines.get("postgresql")
    if pg:
        scale = pg["scale"]
        first_large = scale[("large", "page 1")]["product"]["p50"]
        first_small = scale[("small", "page 1")]["product"]["p50"]
        deep = scale[("large", "page 9,000")]["product"]["p50"]
        rows.append(("list page 1 at 1M vs at 1k contacts (PostgreSQL)", "≤ 3 × the latency",
                     f"{first_large / first_small:.2f} × ({ms(first_large)} ms vs "
                     f"{ms(first_small)} ms, p50)", verdict(first_large / first_small <= 3)))
        rows.append(("page 9,000 vs page 1 at 1M (PostgreSQL)", "≤ 5 ×",
                     f"{deep / first_large:.2f} × ({ms(deep)} ms vs {ms(first_large)} ms, p50)",
                     verdict(deep / first_large <= 5)))
    for engine, out in engines.items():
        large = out["generation"]["large"]
        seconds = large["seconds"]["total"]
        rows.append((f"generating {large['contacts']:,} contacts with their items "
                     f"({ENGINE_NAMES[engine]})", "≤ 10 minutes",
                     f"{seconds / 60:.1f} min ({n(seconds)} s)", verdict(seconds <= 600)))
    renders = [t for out in engines.values()
               for ts in out["invoices"]["pdf_renders"].values() for t in ts]
    if renders:
        median = statistics.median(renders)
        rows.append(("invoice PDF of 20 lines", "≤ 0.4 s median; stored afterwards",
                     f"{median:.2f} s median over {len(renders)} first renderings; "
                     "later downloads served stored", verdict(median <= 0.4)))
    for engine, out in engines.items():
        soak = out.get("soak")
        if soak:
            ok = soak["peak"] <= 150 and soak["growth"] < 0.10
            rows.append((f"memory after {soak['seconds'] / 60:.0f} min of mixed load "
                         f"({ENGINE_NAMES[engine]})",
                         "≤ 150 MB RSS per worker, growth < 10 % over the last half",
                         f"peak {soak['peak']:.0f} MiB; {soak['rss_mid']:.0f} → "
                         f"{soak['rss_end']:.0f} MiB over the last half "
                         f"({soak['growth'] * 100:+.1f} %)", verdict(ok)))
    return rows


def markdown(results) -> str:
    m = results["machine"]
    s = results["settings"]
    sizes = results["sizes"]
    lines = [
        "# Benchmarks",
        "",
        "Regenerated by `make bench` (`bench/run.py`; method in `bench/README.md`). "
        + ("**Quick mode: tiny data and one-second rounds; these figures mean nothing.**"
           if s["quick"] else ""),
        "",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Linux "
        f"{m['kernel']}; Python {m['python']}; SQLite {m['sqlite']}; PostgreSQL "
        f"{m['postgresql']}; {results['wrk']}",
        f"- run: {results['started']} UTC, {results['minutes']:.0f} minutes in all",
        f"- servers: `comptoir serve --workers {s['workers']}` (gunicorn, sync workers) and the "
        f"floor (`gunicorn --workers {s['workers']} floor.app:application`) on the same "
        "database, one after the other",
        f"- load: wrk on loopback, {s['connections']} connections, {s['threads']} threads; "
        f"{s['rounds']} rounds A B A B of {s['seconds']:g} s per side; medians over the rounds "
        "(p50 and p99 are the medians of each round's percentiles)",
        f"- data per engine: one database, three business files: {sizes['small']:,}, "
        f"{sizes['medium']:,} (with {sizes['invoices']:,} invoices of 5–20 lines) and "
        f"{sizes['large']:,} contacts, each contact with one address and three contact items; "
        "the scenarios use the middle one",
        "",
        "## Targets",
        "",
        "| target | goal | this run | |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets(results)]
    for engine, out in results["engines"].items():
        name = ENGINE_NAMES[engine]
        lines += [
            "",
            f"## {name}: product against floor",
            "",
            "Requests per second (median of the rounds), latency in ms, product/floor "
            "throughput ratio, largest worker RSS after the scenario.",
            "",
            "| scenario | auth | product req/s | p50 | p99 | floor req/s | p50 | p99 | ratio "
            "| RSS MiB |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for (scenario, auth), r in out["contacts"].items():
            p, f = r["product"], r["floor"]
            lines.append(
                f"| {scenario} | {AUTH_NAMES[auth]} | {n(p['rps'])} | {ms(p['p50'])} | "
                f"{ms(p['p99'])} | {n(f['rps'])} | {ms(f['p50'])} | {ms(f['p99'])} | "
                f"{r['ratio']:.2f} | {r['rss']:.0f} |")
        lines += [
            "",
            f"## {name}: invoices (no floor: the product alone)",
            "",
            "| scenario | auth | req/s | p50 | p99 | RSS MiB |",
            "|---|---|---:|---:|---:|---:|",
        ]
        renders = {}
        for key, r in out["invoices"].items():
            if key == "pdf_renders":
                renders = r
                continue
            scenario, auth = key
            p = r["product"]
            note = f" ({r['note']})" if r.get("note") else ""
            lines.append(f"| {scenario}{note} | {AUTH_NAMES[auth]} | {n(p['rps'])} | "
                         f"{ms(p['p50'])} | {ms(p['p99'])} | {r['rss']:.0f} |")
        for auth, timings in renders.items():
            lines.append(
                f"| first rendering of a validated 20-line invoice (Factur-X), one at a time "
                f"| {AUTH_NAMES[auth]} | — | {statistics.median(timings) * 1000:.0f} | "
                f"{max(timings) * 1000:.0f} (max of {len(timings)}) | |")
        lines += [
            "",
            f"## {name}: scale (one connection: latency is service time)",
            "",
            "| contacts | page of 100 | product p50 ms | p99 | req/s | floor p50 ms | p99 "
            "| req/s |",
            "|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for (size, label), r in out["scale"].items():
            p, f = r["product"], r["floor"]
            contacts = out["generation"][size]["contacts"]
            lines.append(f"| {contacts:,} | {label} | {ms(p['p50'])} | {ms(p['p99'])} | "
                         f"{n(p['rps'])} | {ms(f['p50'])} | {ms(f['p99'])} | {n(f['rps'])} |")
        lines += [
            "",
            f"## {name}: data generation (`bench/generate.py`)",
            "",
            "| business file | contacts | invoices | rows | seconds | rows/s |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for size, info in out["generation"].items():
            rows, seconds = info["rows"], info["seconds"]["total"]
            lines.append(f"| {size} | {info['contacts']:,} | {info['invoices']:,} | "
                         f"{rows:,} | {n(seconds, 1)} | {n(rows / seconds)} |")
        soak = out.get("soak")
        if soak:
            w = soak["wrk"]
            lines += [
                "",
                f"## {name}: memory under {soak['seconds'] / 60:.0f} minutes of mixed load",
                "",
                f"Shows and lists (XML and JSON), updates, creates and invoice lists, API key, "
                f"{s['connections']} connections: {n(w.get('rps', 0))} req/s, p50 "
                f"{ms(w.get('p50', 0))} ms, p99 {ms(w.get('p99', 0))} ms. RSS of each worker "
                "(MiB) over time:",
                "",
                "| seconds | " + " | ".join(f"worker {i + 1}"
                                           for i in range(len(soak["samples"][0][1]))) + " |",
                "|---:|" + "---:|" * len(soak["samples"][0][1]),
            ]
            step = max(1, len(soak["samples"]) // 12)
            picked = soak["samples"][::step]
            if picked[-1] is not soak["samples"][-1]:
                picked.append(soak["samples"][-1])
            for t, values in picked:
                lines.append(f"| {t} | " + " | ".join(f"{v:.1f}" for v in values) + " |")
    analysis = Path(__file__).with_name("analysis.md")
    if analysis.exists() and not s["quick"]:
        lines += ["", analysis.read_text().rstrip()]
    lines.append("")
    return "\n".join(lines)


def _tuple_keys(value, depth=0):
    """Undo :func:`jsonable` for the keys that were tuples ("scenario / auth")."""
    if isinstance(value, dict):
        return {(tuple(k.split(" / ")) if " / " in k else k): _tuple_keys(v, depth + 1)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_tuple_keys(v, depth + 1) for v in value]
    return value


if __name__ == "__main__":
    # Re-render a report from the raw figures of a run (``run.py --json``), e.g. after
    # editing bench/analysis.md: python bench/report.py figures.json > docs/benchmarks.md
    import json
    import sys

    print(markdown(_tuple_keys(json.loads(Path(sys.argv[1]).read_text()))), end="")
