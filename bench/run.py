"""``make bench``: the product against the floor over HTTP, on SQLite and PostgreSQL.

For each engine the harness

1. builds a database with three business files (``bench/generate.py``): *small* (1,000
   contacts), *medium* (100,000 contacts and 10,000 invoices of 5–20 lines) and *large*
   (1,000,000 contacts), every contact with one address and three contact items;
2. starts ``comptoir serve`` and the floor (``bench/floor/``) side by side: same gunicorn,
   same worker class and count, same database;
3. checks that both answer the same bytes for every compared scenario, then times them with
   wrk in alternating rounds (A B A B…), each round bounded in time;
4. times what has no floor (invoices: create, validate, PDF) and the scale runs (page 1 and
   page 9,000 of 100 at each size);

and, on PostgreSQL, runs a mixed load for ``--soak-seconds`` while sampling the workers' RSS.
The report (``--out``, by default docs/benchmarks.md) gives medians over the rounds, p50 and
p99 latency, product/floor ratios, peak RSS per worker and the targets of issue 4 with
whether this run met them. ``--quick`` runs everything tiny and short: what the test suite
runs to keep the harness working; its figures mean nothing and it asserts no timing.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import loadgen
import servers
from loadgen import Load

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PG_ADMIN_URL = os.environ.get("COMPTOIR_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = f"comptoir_bench_{os.getpid()}"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PRODUCT_PORT, FLOOR_PORT = free_port(), free_port()

FULL = {"small": 1_000, "medium": 100_000, "large": 1_000_000, "invoices": 10_000}
QUICK = {"small": 200, "medium": 2_000, "large": 5_000, "invoices": 60}

CONTACT_BODY = """<?xml version="1.0" encoding="UTF-8"?>
<contact>
  <first_name>Hélène</first_name>
  <last_name>Martin-Dubois</last_name>
  <job_title>Directrice administrative</job_title>
  <contact_type>client</contact_type>
  <contact_addresses>
    <contact_address>
      <street_address>12 rue de la République</street_address>
      <zip_code>69002</zip_code>
      <city>Lyon</city>
    </contact_address>
  </contact_addresses>
  <contact_items>
    <contact_item><type_id>27</type_id><value>helene.martin@example.fr</value></contact_item>
    <contact_item><type_id>88</type_id><value>04 78 12 34 56</value></contact_item>
  </contact_items>
</contact>
"""


def invoice_body(contact_id: int, lines: int = 10) -> str:
    items = "".join(
        f"<bill_line><description>Prestation {i + 1} — conseil &amp; suivi</description>"
        f"<unit_price>{45 + i * 12.5:.2f}</unit_price><quantity>{1 + i % 4}</quantity>"
        f"<vat_value_id>607</vat_value_id></bill_line>"
        for i in range(lines)
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<bill_sheet><sheet_type>invoice_maybe'
            f"</sheet_type><contact_id>{contact_id}</contact_id><title>Prestations</title>"
            f"<bill_lines>{items}</bill_lines></bill_sheet>\n")


# -- plumbing ---------------------------------------------------------------------------------

def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def request(port: int, method: str, path: str, headers: dict, body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    payload = body.encode() if body is not None else None
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def sql(database_url: str, query: str, params=()) -> list[tuple]:
    """A read of the benchmark database, for ids the scenarios need (never timed)."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        db = sqlite3.connect(database_url[len("sqlite:///"):])
        try:
            return db.execute(query.replace("%s", "?"), params).fetchall()
        finally:
            db.close()
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as db:
        return db.execute(query, params).fetchall()


def fresh_database(engine: str, workdir: Path) -> str:
    if engine == "sqlite":
        path = workdir / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"),
                         autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_BENCH_DB


def generate(database_url: str, workdir: Path, name: str, contacts: int, invoices: int) -> dict:
    log(f"  generating {name}: {contacts:,} contacts, {invoices:,} invoices")
    result = subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "--database-url", database_url,
         "--contacts", str(contacts), "--invoices", str(invoices),
         "--email", f"{name}@bench.example", "--password", f"{name}-password-2026"],
        capture_output=True, text=True,
        env={**os.environ, "COMPTOIR_DATA_DIR": str(workdir / "data")},
    )
    if result.returncode != 0:
        raise SystemExit(f"generate.py failed:\n{result.stderr}{result.stdout}")
    info = json.loads(result.stdout.strip().splitlines()[-1])
    info["contacts"] = info["counts"]["crm_contact"]
    info["invoices"] = info["counts"].get("sales_billsheet", 0)
    info["user_id"] = sql(database_url, "SELECT id FROM tenancy_user WHERE email = %s",
                          [info["email"]])[0][0]
    log(f"  … {info['seconds']['total']:.1f} s")
    return info


def auth_headers(info: dict) -> dict:
    basic = base64.b64encode(f"{info['email']}:{info['password']}".encode()).decode()
    return {"password": {"Authorization": f"Basic {basic}"},
            "key": {"Authorization": f"Bearer {info['api_key']}"}}


def floor_credentials(tenants: list[dict]) -> str:
    entries = []
    for info in tenants:
        for headers in auth_headers(info).values():
            entries.append({"authorization": headers["Authorization"],
                            "user_id": info["user_id"],
                            "business_files": [info["business_file_id"]]})
    return json.dumps(entries)


_VOLATILE = [
    (re.compile(rb"<(id|created_at|updated_at)>[^<]*</\1>"), rb"<\1>*</\1>"),
    (re.compile(rb'"(id|created_at|updated_at)":("[^"]*"|\d+)'), rb'"\1":*'),
]


def masked(body: bytes) -> bytes:
    for pattern, replacement in _VOLATILE:
        body = pattern.sub(replacement, body)
    return body


def same_answer(label, method, path, headers, body=None, volatile=False) -> None:
    """Product and floor must answer alike before anything is timed."""
    p_status, p_headers, p_body = request(PRODUCT_PORT, method, path, headers, body)
    f_status, f_headers, f_body = request(FLOOR_PORT, method, path, headers, body)
    if volatile:
        p_body, f_body = masked(p_body), masked(f_body)
        for h in (p_headers, f_headers):
            if "Location" in h:
                h["Location"] = re.sub(r"/\d+\.", "/*.", h["Location"])
    problems = []
    if p_status != f_status:
        problems.append(f"status {p_status} vs {f_status}")
    if p_headers.get("Content-Type") != f_headers.get("Content-Type"):
        problems.append(f"type {p_headers.get('Content-Type')} vs {f_headers.get('Content-Type')}")
    if p_headers.get("Location") != f_headers.get("Location"):
        problems.append(f"location {p_headers.get('Location')} vs {f_headers.get('Location')}")
    if p_body != f_body:
        at = next((i for i, (a, b) in enumerate(zip(p_body, f_body, strict=False)) if a != b),
                  min(len(p_body), len(f_body)))
        problems.append(f"bodies differ at byte {at}: {p_body[at - 60:at + 60]!r} vs "
                        f"{f_body[at - 60:at + 60]!r}")
    if problems:
        raise SystemExit(f"MISMATCH in {label} ({method} {path}): " + "; ".join(problems))


# -- measuring --------------------------------------------------------------------------------

class Harness:
    def __init__(self, args, wrk: str):
        self.args, self.wrk = args, wrk
        self.product: servers.Server | None = None
        self.floor: servers.Server | None = None

    def one(self, port: int, load: Load, seconds=None, connections=None, threads=None) -> dict:
        figures = loadgen.run(
            f"http://127.0.0.1:{port}", load, seconds or self.args.seconds,
            connections or self.args.connections, threads or self.args.threads, self.wrk,
        )
        if figures["failed"] or figures["socket_errors"]:
            method, path, body = load.entries[0]
            status, _, answer = request(port, method, path, load.headers, body)
            side = "product" if port == PRODUCT_PORT else "floor"
            raise SystemExit(f"{figures['failed']} failed requests and "
                             f"{figures['socket_errors']} socket errors from the {side}: "
                             f"{method} {path} now answers {status} {answer[:300]!r}")
        return figures

    def memory(self, server) -> float:
        return max((w["rss"] for w in server.worker_memory()), default=0.0)

    def ab(self, product_load: Load, floor_load: Load | None, **run) -> dict:
        """Alternating rounds; medians of each side and the product/floor ratio."""
        sides = {"product": [], "floor": []}
        # An unrecorded second on each side first: every worker has then verified the
        # credential once (a password hash) and compiled what it compiles on first use.
        self.one(PRODUCT_PORT, product_load, **{**run, "seconds": 1})
        if floor_load is not None:
            self.one(FLOOR_PORT, floor_load, **{**run, "seconds": 1})
        for _ in range(self.args.rounds):
            sides["product"].append(self.one(PRODUCT_PORT, product_load, **run))
            if floor_load is not None:
                sides["floor"].append(self.one(FLOOR_PORT, floor_load, **run))
        result = {"rss": self.memory(self.product)}
        for side, runs in sides.items():
            if runs:
                result[side] = {k: statistics.median(r[k] for r in runs)
                                for k in ("rps", "p50", "p99")}
                result[side]["requests"] = sum(r["requests"] for r in runs)
        if floor_load is not None:
            result["ratio"] = result["product"]["rps"] / result["floor"]["rps"]
        return result


def contact_scenarios(h: Harness, info: dict, database_url: str) -> dict:
    bf = info["business_file_id"]
    ids = [r[0] for r in sql(database_url, "SELECT id FROM crm_contact WHERE business_file_id "
                                          "= %s ORDER BY id LIMIT 2000", [bf])]
    show_id = ids[len(ids) // 2]
    results = {}
    for auth, headers in auth_headers(info).items():
        xml = {**headers, "Content-Type": "application/xml"}
        for fmt in ("xml", "json"):
            path = f"/{bf}/contacts/{show_id}.{fmt}"
            same_answer(f"show {fmt}", "GET", path, headers)
            log(f"  show one contact {fmt.upper()} ({auth})")
            load = Load.get([path], headers)
            results[(f"show one contact ({fmt.upper()})", auth)] = h.ab(load, load)
        for fmt in ("xml", "json"):
            path = f"/{bf}/contacts.{fmt}?page=2"
            same_answer(f"list {fmt}", "GET", path, headers)
            log(f"  list 100 contacts {fmt.upper()} ({auth})")
            load = Load.get([path], headers)
            results[(f"list 100 contacts with nested items ({fmt.upper()})", auth)] = \
                h.ab(load, load)
        same_answer("create", "POST", f"/{bf}/contacts.xml", xml, CONTACT_BODY, volatile=True)
        log(f"  create a contact XML ({auth})")
        load = Load.send("POST", [f"/{bf}/contacts.xml"], CONTACT_BODY, xml)
        results[("create a contact (XML)", auth)] = h.ab(load, load)
        update = "<contact><job_title>Responsable des achats</job_title></contact>"
        same_answer("update", "PUT", f"/{bf}/contacts/{ids[1]}.xml", xml, update,
                    volatile=True)
        log(f"  update one field XML ({auth})")
        load = Load.send("PUT", [f"/{bf}/contacts/{i}.xml" for i in ids], update, xml)
        results[("update one field (XML)", auth)] = h.ab(load, load)
    return results


def invoice_scenarios(h: Harness, info: dict, database_url: str) -> dict:
    bf = info["business_file_id"]
    contact = sql(database_url, "SELECT MIN(id) FROM crm_contact WHERE business_file_id = %s",
                  [bf])[0][0]
    results = {}
    for auth, headers in auth_headers(info).items():
        xml = {**headers, "Content-Type": "application/xml"}
        body = invoice_body(contact)
        status, _, answer = request(PRODUCT_PORT, "POST", f"/{bf}/bill_sheets.xml", xml, body)
        if status != 201:
            raise SystemExit(f"creating an invoice failed: {status} {answer[:500]!r}")
        log(f"  create an invoice of 10 lines ({auth})")
        load = Load.send("POST", [f"/{bf}/bill_sheets.xml"], body, xml)
        results[("create an invoice of 10 lines (XML)", auth)] = h.ab(load, None)
    drafts = [r[0] for r in sql(
        database_url, "SELECT id FROM sales_billsheet WHERE business_file_id = %s AND "
        "sheet_type = 'invoice_maybe' ORDER BY id", [bf])]
    half = len(drafts) // 2
    for (auth, headers), pool in zip(auth_headers(info).items(), (drafts[:half], drafts[half:]),
                                     strict=True):
        log(f"  validate an invoice ({auth}, {len(pool):,} drafts available)")
        load = Load.send("POST", [f"/{bf}/bill_sheets/{i}/validate.xml" for i in pool], "",
                         {**headers, "Content-Type": "application/xml"})
        # One round only: every validation consumes a draft, and runs out of them otherwise.
        seconds = min(h.args.seconds, max(1, len(pool) / 400))
        figures = h.one(PRODUCT_PORT, load, seconds=seconds)
        results[("validate an invoice", auth)] = {
            "product": figures, "rss": h.memory(h.product), "note": "one round"}
    # PDF: first rendering of validated 20-line invoices, one at a time, then served stored.
    # The longest validated invoices (20 lines with the full data set).
    twenty = [r[0] for r in sql(
        database_url, "SELECT s.id FROM sales_billsheet s JOIN sales_billline l "
        "ON l.bill_sheet_id = s.id WHERE s.business_file_id = %s AND s.sheet_type = 'invoice' "
        "GROUP BY s.id ORDER BY COUNT(l.id) DESC, s.id LIMIT %s", [bf, 2 * h.args.pdfs])]
    if len(twenty) < 2 * h.args.pdfs:
        raise SystemExit(f"only {len(twenty)} validated invoices to render")
    renders = {}
    for (auth, headers), start in zip(auth_headers(info).items(), (0, h.args.pdfs),
                                      strict=True):
        timings = []
        for pk in twenty[start:start + h.args.pdfs]:
            began = time.perf_counter()
            status, _, data = request(PRODUCT_PORT, "GET", f"/{bf}/bill_sheets/{pk}.pdf",
                                         headers)
            timings.append(time.perf_counter() - began)
            if status != 200 or not data.startswith(b"%PDF"):
                raise SystemExit(f"PDF of invoice {pk}: {status} {data[:200]!r}")
        renders[auth] = timings
        log(f"  PDF of a 20-line invoice ({auth}): median "
            f"{statistics.median(timings) * 1000:.0f} ms over {len(timings)}")
        load = Load.get([f"/{bf}/bill_sheets/{twenty[start]}.pdf"], headers)
        results[("PDF of a 20-line invoice, served stored", auth)] = h.ab(load, None)
    results["pdf_renders"] = renders
    return results


def scale_runs(h: Harness, tenants: dict) -> dict:
    """Latency of page 1 and page 9,000 at each size, one connection (service time)."""
    results = {}
    for name in ("small", "medium", "large"):
        info = tenants[name]
        bf = info["business_file_id"]
        headers = auth_headers(info)["key"]
        for label, path in (("page 1", f"/{bf}/contacts.xml"),
                            ("page 9,000", f"/{bf}/contacts.xml?page=9000")):
            same_answer(f"{name} {label}", "GET", path, headers)
            log(f"  {name}: {label}")
            load = Load.get([path], headers)
            results[(name, label)] = h.ab(load, load, connections=1, threads=1,
                                          seconds=h.args.scale_seconds)
        # Deep pages never asked before: what a random jump costs before any anchor exists.
        total_pages = -(-info["contacts"] // 100)
        deep = [p for p in range(total_pages // 2, total_pages + 1)]
        deep = deep[1::7] + deep[3::7] + deep[5::7]  # spread, each asked once in a round
        log(f"  {name}: deep pages never asked before ({len(deep):,})")
        load = Load.get([f"/{bf}/contacts.xml?page={p}" for p in deep], headers)
        results[(name, "deep pages, first visit")] = {
            "product": h.one(PRODUCT_PORT, load, connections=1, threads=1,
                             seconds=h.args.scale_seconds),
            "floor": h.one(FLOOR_PORT, load, connections=1, threads=1,
                           seconds=h.args.scale_seconds),
        }
    return results


def soak(h: Harness, info: dict, database_url: str) -> dict:
    """A mixed load for a long while, sampling each worker's RSS."""
    bf = info["business_file_id"]
    ids = [r[0] for r in sql(database_url, "SELECT id FROM crm_contact WHERE business_file_id "
                                          "= %s ORDER BY id LIMIT 500", [bf])]
    headers = auth_headers(info)["key"]
    xml = {**headers, "Content-Type": "application/xml"}
    entries = []
    for i, pk in enumerate(ids):
        entries.append(("GET", f"/{bf}/contacts/{pk}.xml", None))
        entries.append(("GET", f"/{bf}/contacts/{pk}.json", None))
        entries.append(("GET", f"/{bf}/contacts.{('xml', 'json')[i % 2]}?page={1 + i % 50}",
                        None))
        if i % 5 == 0:
            entries.append(("PUT", f"/{bf}/contacts/{pk}.xml",
                            f"<contact><job_title>Poste {i}</job_title></contact>"))
        if i % 10 == 0:
            entries.append(("POST", f"/{bf}/contacts.xml", CONTACT_BODY))
        if i % 25 == 0:
            entries.append(("GET", f"/{bf}/bill_sheets.xml?page={1 + i % 20}", None))
    load = Load(entries, xml)
    samples = []
    outcome = {}

    def drive():
        outcome["wrk"] = loadgen.run(f"http://127.0.0.1:{PRODUCT_PORT}", load,
                                     h.args.soak_seconds, h.args.connections, h.args.threads,
                                     h.wrk)

    log(f"  mixed load for {h.args.soak_seconds} s")
    worker = threading.Thread(target=drive)
    began = time.monotonic()
    worker.start()
    step = max(1.0, h.args.soak_seconds / 60)
    while worker.is_alive():
        samples.append((time.monotonic() - began, h.product.worker_memory()))
        worker.join(step)
    samples.append((time.monotonic() - began, h.product.worker_memory()))
    duration = samples[-1][0]
    half = [s for s in samples if s[0] >= duration / 2]
    rss_mid = max(w["rss"] for w in half[0][1])
    rss_end = max(w["rss"] for w in samples[-1][1])
    return {
        "seconds": duration, "wrk": outcome.get("wrk", {}),
        "peak": max(w["peak"] for w in samples[-1][1]),
        "rss_mid": rss_mid, "rss_end": rss_end,
        "growth": (rss_end - rss_mid) / rss_mid if rss_mid else 0.0,
        "samples": [(round(t), [round(w["rss"], 1) for w in ws]) for t, ws in samples],
    }


# -- the run ----------------------------------------------------------------------------------

def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    import sqlite3

    pg = "?"
    try:
        pg = sql(PG_ADMIN_URL, "SHOW server_version")[0][0]
    except Exception as exc:  # a description of the machine, not a requirement
        pg = f"unreachable ({exc.__class__.__name__})"
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(int(mem) / 1024 / 1024, 1),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "postgresql": pg, "kernel": platform.release(),
    }


def run_engine(h: Harness, engine: str, sizes: dict, workdir: Path) -> dict:
    log(f"{engine}: building the database")
    database_url = fresh_database(engine, workdir)
    tenants = {
        "small": generate(database_url, workdir, "small", sizes["small"], 0),
        "medium": generate(database_url, workdir, "medium", sizes["medium"], sizes["invoices"]),
        "large": generate(database_url, workdir, "large", sizes["large"], 0),
    }
    out = {"generation": tenants}
    credentials = floor_credentials(list(tenants.values()))
    logs = workdir / "logs"
    h.product = servers.product(PRODUCT_PORT, h.args.workers, database_url,
                                workdir / "data", logs / f"product-{engine}.log")
    h.floor = servers.floor(FLOOR_PORT, h.args.workers, database_url, credentials,
                            logs / f"floor-{engine}.log")
    with h.product, h.floor:
        log(f"{engine}: contacts, product against floor")
        out["contacts"] = contact_scenarios(h, tenants["medium"], database_url)
        log(f"{engine}: invoices")
        out["invoices"] = invoice_scenarios(h, tenants["medium"], database_url)
        log(f"{engine}: scale")
        out["scale"] = scale_runs(h, tenants)
        out["rss_after_scenarios"] = h.product.worker_memory()
        if engine == h.args.soak_engine and h.args.soak_seconds > 0:
            log(f"{engine}: memory under a mixed load")
            out["soak"] = soak(h, tenants["medium"], database_url)
    if engine == "postgresql" and not h.args.keep:
        drop_pg_database()
    return out


def drop_pg_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"),
                         autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny data and short rounds: checks the harness, not the speed")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--scale-seconds", type=float, default=3)
    parser.add_argument("--pdfs", type=int, default=9, help="PDF renderings timed per auth")
    parser.add_argument("--soak-seconds", type=float, default=600)
    parser.add_argument("--soak-engine", default="postgresql")
    parser.add_argument("--out", help="the Markdown report to write (docs/benchmarks.md)")
    parser.add_argument("--json", help="also write the raw figures here")
    parser.add_argument("--keep", action="store_true", help="keep the databases and logs")
    args = parser.parse_args(argv)
    sizes = FULL
    if args.quick:
        sizes = QUICK
        args.rounds, args.seconds, args.scale_seconds, args.pdfs = 1, 1, 1, 1
        args.soak_seconds = min(args.soak_seconds, 3)
    wrk = loadgen.ensure_wrk()
    h = Harness(args, wrk)
    results = {
        "machine": machine(), "wrk": loadgen.wrk_version(wrk), "sizes": sizes,
        "settings": {k: getattr(args, k) for k in ("workers", "connections", "threads",
                                                   "rounds", "seconds", "scale_seconds",
                                                   "soak_seconds", "quick")},
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="minutes"),
        "engines": {},
    }
    workdir = Path(tempfile.mkdtemp(prefix="comptoir-bench-"))
    began = time.monotonic()
    try:
        for engine in args.engines.split(","):
            results["engines"][engine] = run_engine(h, engine, sizes, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
            if "postgresql" in args.engines:
                drop_pg_database()
        else:
            log(f"kept {workdir}")
    results["minutes"] = (time.monotonic() - began) / 60
    import report

    text = report.markdown(results)
    if args.json:
        Path(args.json).write_text(json.dumps(report.jsonable(results), indent=1))
    if args.out:
        Path(args.out).write_text(text)
        log(f"wrote {args.out}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
