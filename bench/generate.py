"""Benchmark data: one new business file filled with a realistic French business, fast.

The performance harness needs business files of every size up to a million contacts, on
SQLite and on PostgreSQL, with data that looks like a real customer's (so that indexes,
query plans and the XML writers see realistic values) and that the product accepts as its
own (so that the API can read, update and validate it). Creating them through the ORM or the
API would take hours at that size; this module writes the rows directly, in bulk, and is
careful to leave them exactly as the product would have:

* One business file, created by ``tenancy.services.create_business_file`` (so every module's
  set-up runs: default warehouse, company profile…), owned by a user whose e-mail and
  password are given, API access on and an API key issued (``issue_api_key``).
* Firms (``contacts // 10``, at least 10): names made from trades, family names, places and
  brands, a legal form, a valid SIREN and the matching VAT number for most, one address, a
  main phone and usually a ``contact@`` e-mail; a few belong to a group (``parent_firm``).
* Contacts: about 70 % work for a firm (its type, often its address, an e-mail at its domain,
  a direct line and a mobile), the others are private customers. Each has exactly one
  address and three contact items (an e-mail, a phone, a mobile), ``normalized_phone``
  computed by ``crm.services.normalize_phone``. Names, streets and towns are French, with
  accents; a few comments carry ``&``, ``<`` and line breaks so that the XML escaping runs.
* Products (``--products``, 200 by default): variants of the demo catalog's furniture, goods
  and services, with their categories and brands; EAN-13 barcodes for goods; the price
  incl. VAT from the catalog's own ``apply_price_entry``.
* Invoices (``--invoices``, none by default): 5 to 20 product lines each, addressed to
  generated firms and contacts with their address copied as the product copies it. Their
  line and document totals and VAT table come from ``sales.totals.compute`` fed by
  ``sales.services.document_input``, the same call ``services.recompute`` makes. About
  90 % are validated over the past years: numbered per year in date order with the
  business file's pattern (``core.numbering.format_reference``), the per-year counters set
  to the last index given (the next real validation takes the next number), and one
  journal entry each, chained with ``core.journal.normalise`` and ``compute_hash``
  (``comptoir journal verify`` passes). Its payload is what validation records,
  ``services.canonical_document`` of the sheet, built from the generated values because
  calling it costs two ORM queries an invoice; the tests compare the two. The rest are
  recent drafts.
* ``created_at`` grows with the id over the past six years (records are created over time,
  so ``updated_since`` selects a realistic tail); ``updated_at`` is later for some. The
  creator of every row is the owner.

Everything is drawn from ``random.Random`` streams seeded with ``seed`` (one per kind of
record, so that asking for more invoices does not reshuffle the contacts); dates are offsets
from ``today`` (the day of the run unless given).

**How rows are written.** Column lists come from each model's ``_meta``: the generator
names the fields it computes, every other column takes the field's default (adapted by the
field for the connection), so a field added with a default is filled without a change here.
A field the generator does not compute and that has no default, or that the server computes
(``editable=False``: totals, denormalised and search columns), stops the run with a message
naming it rather than loading wrong data. Rows are plain tuples, never model instances. On
PostgreSQL they go through ``COPY`` with ids reserved from the table's sequence (the table
is locked against other writers while it is loaded, then the sequence is moved past the
block); on SQLite through ``executemany``, with the load-only pragmas below. Both are
ordinary inserts: triggers (such as the per-business-file row counters) run as for any
other write, and none is disabled. Everything happens in one transaction, in which the
plain (non-unique) indexes and, on PostgreSQL, the foreign keys of the tables the load at
least doubles (``SET_ASIDE_MIN_ROWS``) are dropped before the load and re-created from the
catalog's own definitions after it: a sorted index build and one validating join per key
are several times cheaper than millions of single-row updates and checks (PostgreSQL's
"Populating a Database"). The
foreign keys come back validated, so the data is checked all the same; meanwhile the
tables, and on PostgreSQL the tables they reference (users, business files), are locked:
generate into a database nobody else is using. Only rows of the new business file are
written. Afterwards the tables are analysed, and on PostgreSQL vacuumed so that index-only
scans see an up-to-date visibility map.

Usage::

    python bench/generate.py --database-url sqlite:////tmp/bench.sqlite3 --contacts 1000000 \\
        --invoices 10000

prints one JSON object: ``business_file_id``, ``email``, ``password``, ``api_key``,
``engine``, ``seed``, ``today``, ``counts`` (rows written per table), ``rows``, ``seconds``
(per phase and ``total``; ``migrate`` from the CLI only) and ``rows_per_second``. With
Django already set up (the harness), :func:`generate` does the same and returns that
dictionary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import operator
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from types import SimpleNamespace

DEFAULT_EMAIL = "bench@comptoir.test"
DEFAULT_PASSWORD = "bench password"
CHUNK = 50_000  # contacts generated, then written, at a time: bounded memory at any size
HISTORY_YEARS = 6  # contacts and firms are created over this many years
INVOICE_YEARS = 3  # validated invoices: this year and the two before
DRAFT_DAYS = 45  # drafts are recent work
EPOCH = dt.datetime(1970, 1, 1)
# A table's plain indexes (and PostgreSQL foreign keys) are rebuilt after the load when it adds
# at least this many rows and at least as many as the table holds: below that, rebuilding
# them over the rows already there would cost more than it saves.
SET_ASIDE_MIN_ROWS = 50_000


class GeneratorOutdated(RuntimeError):
    """A model gained a field the generator cannot fill on its own: teach it the field."""


# --- Vocabulary that the demo data does not have --------------------------------------------

# Comments that make the writers escape: ampersands, angle brackets, line breaks (LF, CRLF).
ESCAPING_NOTES = [
    ("Accès par la cour & l'escalier B.\nSonner deux fois.", "accès"),
    ("Remise < 5 % si paiement comptant > 30 jours.", "remise"),
    ("Facturer « Dupont & Fils »\r\nà l'attention de la comptabilité.", "facturation"),
    ("Horaires : 8 h – 12 h & 14 h – 18 h.\nFermé le lundi.", "horaires"),
]
LANGUAGES = ["en", "de", "es", "it", "nl"]
INVOICE_TITLES = [
    "Fourniture de mobilier", "Travaux de menuiserie", "Agencement de boutique",
    "Pose et installation", "Commande de quincaillerie", "Prestations d'atelier",
    "Rénovation intérieure", "Commande du mois",
]
INVOICE_COMMENTS = [
    "Merci de votre confiance & à bientôt !",
    "Règlement par virement à réception.\nPénalités de retard : 3 fois le taux légal.",
    "Livraison effectuée le jour de la facture.",
]
PRODUCT_VARIANTS = [
    "", " – grand modèle", " – petit modèle", " – finition naturelle", " – teinte wengé",
    " – série Atelier", " – édition limitée", " – version pro", " – coloris gris",
    " – chêne fumé",
]
PAYMENT_TERMS = [0, 1, 1, 1, 2, 3, 4]  # mostly 30 days, as small businesses invoice
LINE_REDUCTIONS = [Decimal(0)] * 17 + [Decimal(5), Decimal(10), Decimal("12.5")]
PAIRS = [f"{n:02d}" for n in range(100)]


# --- Writing rows ---------------------------------------------------------------------------


class Table:
    """How to write one model's rows: the generated fields first, then constant columns.

    ``fields`` are the attnames the generator gives, in its tuples' order; ``constants`` the
    values every row shares (business file, creator…). Every other concrete field takes its
    default, adapted by the field for the connection: a new field with a default needs
    nothing here, one without a default or computed by the server stops the run.
    """

    def __init__(self, model, fields: tuple[str, ...], constants: dict, connection):
        meta = model._meta
        concrete = {f.attname: f for f in meta.concrete_fields}
        unknown = [name for name in (*fields, *constants) if name not in concrete]
        if unknown:
            raise GeneratorOutdated(f"{meta.label} has no field {', '.join(unknown)}")
        tail_fields, tail = [], []
        for field in meta.concrete_fields:
            name = field.attname
            if name in fields:
                continue
            if name in constants:
                value = constants[name]
            elif not field.editable:
                raise GeneratorOutdated(
                    f"{meta.label}.{name} is computed by the server (editable=False): "
                    "bench/generate.py must compute it too")
            elif field.has_default() or field.null or field.blank:
                value = field.get_default()
                if value is None and not field.null:
                    raise GeneratorOutdated(f"{meta.label}.{name}: no value for a NOT NULL "
                                            "column; bench/generate.py must fill it")
            else:
                raise GeneratorOutdated(f"{meta.label}.{name} is required and has no default: "
                                        "bench/generate.py must fill it")
            tail_fields.append(field)
            tail.append(field.get_db_prep_save(value, connection=connection))
        self.model = model
        self.name = meta.db_table
        self.fields = fields
        self.columns = [concrete[name].column for name in fields] + [f.column for f in tail_fields]
        self.tail = tuple(tail)
        self.from_dict = operator.itemgetter(*fields)


class SqliteSink:
    """``executemany`` on the raw connection, inside the caller's transaction."""

    vendor = "sqlite"

    def __init__(self, connection):
        self.raw = connection.connection
        self.next_ids: dict[str, int] = {}
        self.indexes: list[tuple[str, str]] = []

    def reserve(self, table: Table, count: int) -> int:
        """The first of ``count`` fresh ids (the transaction holds the database's write lock)."""
        first = self.next_ids.get(table.name)
        if first is None:
            cursor = self.raw.cursor()
            (top,) = cursor.execute(f'SELECT max(id) FROM "{table.name}"').fetchone()
            row = cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = ?",
                                 (table.name,)).fetchone()
            first = max(top or 0, row[0] if row else 0) + 1
        self.next_ids[table.name] = first + count
        return first

    def set_aside_foreign_keys(self, tables: list[str]) -> None:
        """Kept: SQLite checks a key with an index lookup in-process, a few % of the load."""

    def restore_foreign_keys(self) -> None:
        pass

    def set_aside_indexes(self, tables: list[str]) -> None:
        """Drop the plain (not unique) indexes of ``tables`` until :meth:`restore_indexes`
        (see :class:`PostgresSink`)."""
        if not tables:
            return
        marks = ", ".join("?" * len(tables))
        self.indexes = self.raw.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY tbl_name, name", tables).fetchall()
        self.indexes = [(name, sql) for name, sql in self.indexes
                        if not sql.upper().startswith("CREATE UNIQUE")]
        for name, _ in self.indexes:
            self.raw.execute(f'DROP INDEX "{name}"')

    def restore_indexes(self) -> None:
        for _, sql in self.indexes:
            self.raw.execute(sql)
        self.indexes = []

    def write(self, table: Table, rows) -> None:
        marks = ", ".join("?" * len(table.columns))
        columns = ", ".join(f'"{c}"' for c in table.columns)
        tail = table.tail
        self.raw.executemany(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})',
                             (row + tail for row in rows))


class PostgresSink:
    """``COPY … FROM STDIN`` on the raw psycopg connection, inside the caller's transaction."""

    vendor = "postgresql"

    def __init__(self, connection):
        self.raw = connection.connection
        self.sequences: dict[str, str] = {}
        self.foreign_keys: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, str]] = []

    def set_aside_foreign_keys(self, tables: list[str]) -> None:
        """Drop the foreign keys of ``tables`` until :meth:`restore_foreign_keys`.

        Checked row by row, they cost an SPI query per key and row, about 15 per contact
        (150 s at a million contacts, and worse when the checks are deferred to a commit
        that must read back rows already evicted from shared buffers). Re-created after the
        load, each is validated by one join over the table, as PostgreSQL's "Populating a
        Database" advises. Same transaction: nobody sees the tables without them, a failure
        restores them, and the definitions are the catalog's own (``DEFERRABLE INITIALLY
        DEFERRED`` included). Dropping them locks the referenced tables too (users, business
        files) until commit: load a database nobody is using. Triggers are left alone.
        """
        if not tables:
            return
        with self.raw.cursor() as cursor:
            # A table with deferred checks still pending in this transaction (rows the caller
            # wrote before) cannot lose a key: check them now, then put every deferrable
            # constraint back in its declared mode.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.conname) "
                "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                "WHERE c.condeferrable AND NOT c.condeferred")
            immediate = [name for (name,) in cursor.fetchall()]
            if immediate:
                cursor.execute(f"SET CONSTRAINTS {', '.join(immediate)} IMMEDIATE")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
                "ORDER BY conrelid::regclass::text, conname", [[f'"{t}"' for t in tables]])
            self.foreign_keys = cursor.fetchall()
            for table, name, _ in self.foreign_keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')

    def restore_foreign_keys(self) -> None:
        with self.raw.cursor() as cursor:
            for table, name, definition in self.foreign_keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        self.foreign_keys = []

    def set_aside_indexes(self, tables: list[str]) -> None:
        """Drop the plain indexes of ``tables`` until :meth:`restore_indexes`.

        Millions of inserts into each index in turn (eight on contact items) are most of a
        load's time; a sorted build afterwards is several times cheaper, as "Populating a
        Database" says too. Unique indexes and those behind a constraint stay: they guard
        the data. Same transaction, definitions from the catalog.
        """
        if not tables:
            return
        with self.raw.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY 1", [[f'"{t}"' for t in tables]])
            self.indexes = cursor.fetchall()
            for name, _ in self.indexes:
                cursor.execute(f"DROP INDEX {name}")

    def restore_indexes(self) -> None:
        if not self.indexes:
            return
        with self.raw.cursor() as cursor:
            # For the sorts of the builds; this transaction only.
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _, definition in self.indexes:
                cursor.execute(definition)
        self.indexes = []

    def reserve(self, table: Table, count: int) -> int:
        """The first of ``count`` ids taken from the table's sequence, which then moves past
        them. The table is locked against other writers until commit, so nobody draws from
        the sequence between the two statements."""
        with self.raw.cursor() as cursor:
            sequence = self.sequences.get(table.name)
            if sequence is None:
                cursor.execute(f'LOCK TABLE "{table.name}" IN SHARE ROW EXCLUSIVE MODE')
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [f'"{table.name}"'])
                sequence = self.sequences[table.name] = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            if count > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
        return first

    def write(self, table: Table, rows) -> None:
        columns = ", ".join(f'"{c}"' for c in table.columns)
        tail = table.tail
        with self.raw.cursor() as cursor, \
                cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row + tail)


# --- Small fast helpers ---------------------------------------------------------------------


def _seconds(moment: dt.datetime) -> float:
    """Seconds since the epoch of a naive UTC datetime (``timestamp()`` would take it as
    local time)."""
    return (moment - EPOCH).total_seconds()


@functools.cache
def _mailbox_part(name: str) -> str:
    from comptoir.crm.demo import ascii_fold

    return re.sub(r"[^a-z0-9-]", "", ascii_fold(name).lower())


@functools.cache
def _slug(text: str) -> str:
    from comptoir.crm.demo import slug

    return slug(text)


def _siren(rng: random.Random) -> str:
    """Eight random digits and the Luhn check digit, computed rather than searched for (the
    product's ``luhn_ok`` still has the last word)."""
    from comptoir.crm.services import luhn_ok

    body = f"{3 + int(rng.random() * 7)}{int(rng.random() * 10_000_000):07d}"
    # From the right, the check digit is position 0, so the body's last digit is doubled.
    total = 0
    for index, ch in enumerate(reversed(body)):
        n = int(ch) * (2 if index % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    number = f"{body}{(10 - total % 10) % 10}"
    assert luhn_ok(number), number
    return number


def _ean13(rng: random.Random, prefix: str) -> str:
    from comptoir.catalog.demo import ean13_check_digit

    body = prefix + "".join(str(int(rng.random() * 10)) for _ in range(12 - len(prefix)))
    return body + ean13_check_digit(body)


# --- The generator --------------------------------------------------------------------------


class Generator:
    def __init__(self, *, connection, business_file_id: int, user_id: int, contacts: int,
                 products: int, invoices: int, seed: int, today: dt.date, log):
        from comptoir.core.numbering import pattern_for

        self.connection = connection
        self.sink = (PostgresSink if connection.vendor == "postgresql" else SqliteSink)(
            connection)
        self.bf, self.user = business_file_id, user_id
        self.n_contacts, self.n_products, self.n_invoices = contacts, products, invoices
        self.n_firms = max(10, contacts // 10)
        self.seed, self.today, self.log = seed, today, log
        self.counts: Counter = Counter()
        self.seconds: dict[str, float] = {}
        self.invoice_pattern = pattern_for(business_file_id, "invoice")
        self.validated: list = []  # (sheet, lines, totals, validated at): for the journal
        # Naive UTC: what Django stores on SQLite, and what PostgreSQL reads in the session's
        # UTC time zone.
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self.now = min(now, dt.datetime.combine(today, dt.time(23, 0)))
        self.utc_suffix = "+00:00" if connection.vendor == "postgresql" else ""
        self.history_start = _seconds(self.now - dt.timedelta(days=365 * HISTORY_YEARS))

    def heavy_tables(self) -> list[str]:
        """The tables whose indexes and keys are worth rebuilding (``SET_ASIDE_MIN_ROWS``)."""
        from comptoir.catalog.models import CustomerProduct
        from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm
        from comptoir.sales.models import BillLine, BillSheet, VatTotal

        n, firms, invoices = self.n_contacts, self.n_firms, self.n_invoices
        planned = {Firm: firms, Contact: n, ContactAddress: n + firms,
                   ContactItem: 3 * n + firms, CustomerProduct: self.n_products,
                   BillSheet: invoices, BillLine: 12 * invoices, VatTotal: invoices}
        heavy = []
        with self.connection.cursor() as cursor:
            for model, rows in planned.items():
                if rows < SET_ASIDE_MIN_ROWS:
                    continue
                cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')
                if rows >= cursor.fetchone()[0]:
                    heavy.append(model._meta.db_table)
        return heavy

    def rng(self, kind: str) -> random.Random:
        return random.Random(f"{self.seed}:{kind}")

    def table(self, model, fields: tuple[str, ...], **constants) -> Table:
        constants.setdefault("business_file_id", self.bf)
        if any(field.attname == "creator_id" for field in model._meta.concrete_fields):
            constants.setdefault("creator_id", self.user)
        return Table(model, fields, constants, self.connection)

    def write(self, table: Table, rows, count: int | None = None) -> None:
        """Write ``rows`` (a list, or an iterable of ``count`` rows)."""
        count = len(rows) if count is None else count
        if count:
            self.sink.write(table, rows)
            self.counts[table.name] += count

    def phase(self, name: str, function) -> None:
        started = time.perf_counter()
        function()
        self.seconds[name] = round(time.perf_counter() - started, 3)
        self.log(f"{name}: {self.seconds[name]:.1f} s")

    def stamp(self, seconds: float) -> str:
        return self.text(EPOCH + dt.timedelta(seconds=seconds))

    def text(self, moment: dt.datetime) -> str:
        """A naive UTC datetime as the column takes it. Formatted once per record rather than
        adapted by the driver in every row that carries it (the addresses and items repeat
        their contact's): SQLite stores Django's ``YYYY-MM-DD HH:MM:SS.ffffff`` text, and
        PostgreSQL parses the same with its offset."""
        return moment.isoformat(" ") + self.utc_suffix

    # -- firms ----------------------------------------------------------------------------

    def firms(self) -> None:
        from comptoir.crm import demo
        from comptoir.crm.choices import AddressType, ContactItemType, PartyType
        from comptoir.crm.models import ContactAddress, ContactItem, Firm
        from comptoir.crm.services import normalize_phone

        rng = self.rng("firms")
        r = rng.random
        n = self.n_firms
        firm_table = self.table(Firm, (
            "id", "name", "firm_type", "siren", "tva", "parent_firm_id", "can_be_parent",
            "comment", "keywords", "reference", "accounting_ref", "accounting_ref_vendor",
            "created_at", "updated_at"))
        address_table, item_table = self.party_tables(ContactAddress, ContactItem, "firm_id")
        first_id = self.sink.reserve(firm_table, n)
        self.firm_ids = range(first_id, first_id + n)
        # What contacts and invoices copy from their firm, by firm index.
        self.firm_name, self.firm_domain, self.firm_phone = [], [], []
        self.firm_address, self.firm_type = [], []
        firms, addresses, items, used_domains = [], [], [], set()
        now = _seconds(self.now)
        step = (now - self.history_start) / n
        for i in range(n):
            trade, preferred, styles = demo.TRADES[int(r() * len(demo.TRADES))]
            style = styles[int(r() * len(styles))]
            family = ""
            if style in ("name", "fils", "associes"):
                family = distinctive = demo.LAST_NAMES[int(r() * len(demo.LAST_NAMES))]
            elif style == "place":
                distinctive = demo.PLACES[int(r() * len(demo.PLACES))]
            else:
                distinctive = demo.BRANDS[int(r() * len(demo.BRANDS))]
            base = f"{trade} {distinctive}"
            zip_code, city, area = demo.TOWNS[int(r() * len(demo.TOWNS))]
            domain = _slug(base)
            if domain in used_domains:
                domain = f"{domain}-{_slug(city)}"[:50].rstrip("-")  # a label is 63 at most
                if domain in used_domains:
                    domain = f"{domain}{i}"
            used_domains.add(domain)
            if style == "fils":
                base += " & Fils"
            elif style == "associes":
                base += " et Associés"
            form = demo.LEGAL_FORMS[int(r() * len(demo.LEGAL_FORMS))]
            name = f"{form} {base}" if r() < 0.4 else f"{base} {form}"
            if r() < 0.8:
                firm_type = preferred[int(r() * len(preferred))]
            else:
                firm_type = ("client", "client", "prospect", "supplier", "partner")[int(r() * 5)]
            siren = tva = ""
            if r() < 0.75:  # the others' numbers were never entered
                siren = _siren(rng)
                tva = demo.vat_number(siren)
            comment = keywords = ""
            roll = r()
            if roll < 0.01:
                comment, keywords = ESCAPING_NOTES[int(r() * len(ESCAPING_NOTES))]
            elif roll < 0.15:
                comment, keywords = demo.FIRM_NOTES[int(r() * len(demo.FIRM_NOTES))]
            # Groups: one firm in 97 may own subsidiaries, found among the firms after it.
            group = i - i % 97
            parent = self.firm_ids[group] if group != i and r() < 0.03 else None
            key = (family or distinctive).upper().replace(" ", "")[:6]
            accounting = f"411{key}{i}" if firm_type == PartyType.CLIENT and r() < 0.6 else ""
            vendor = f"401{key}{i}" if firm_type == PartyType.SUPPLIER and r() < 0.6 else ""
            moment = self.history_start + i * step + r() * step
            created = self.stamp(moment)
            updated = created if r() < 0.5 else self.stamp(moment + r() * (now - moment))
            firm_id = first_id + i
            firms.append((firm_id, name, firm_type, siren, tva, parent, i % 97 == 0, comment,
                          keywords, f"F{i + 1:06d}", accounting, vendor, created, updated))
            street = self.street(r)
            extra = demo.STREET_EXTRAS[int(r() * len(demo.STREET_EXTRAS))] if r() < 0.15 else ""
            address = (street, extra, zip_code, city)
            addresses.append((firm_id, AddressType.PROFESSIONAL, *address, "France",
                              created, updated))
            phone = self.landline(r, area)
            items.append((firm_id, ContactItemType.MAIN_PRO_PHONE, phone,
                          normalize_phone(phone), created, updated))
            if r() < 0.85:
                items.append((firm_id, ContactItemType.PRO_EMAIL, f"contact@{domain}.fr", "",
                              created, updated))
            self.firm_name.append(name)
            self.firm_domain.append(domain)
            self.firm_phone.append(phone)
            self.firm_address.append(address)
            self.firm_type.append(firm_type)
        self.write(firm_table, firms)
        self.write_owned(address_table, addresses)
        self.write_owned(item_table, items)

    def party_tables(self, address_model, item_model, owner: str) -> tuple[Table, Table]:
        addresses = self.table(address_model, (
            "id", owner, "address_type", "street_address", "street_address2", "zip_code",
            "city", "country", "created_at", "updated_at"))
        items = self.table(item_model, (
            "id", owner, "type_id", "value", "normalized_phone", "created_at", "updated_at"))
        return addresses, items

    def write_owned(self, table: Table, rows: list) -> None:
        """Rows without their id: ids are reserved for the whole list, then prepended."""
        if rows:
            first = self.sink.reserve(table, len(rows))
            self.write(table, [(first + k, *row) for k, row in enumerate(rows)])

    @staticmethod
    def street(r) -> str:
        from comptoir.crm import demo

        number = 1 + int(r() * 150)
        suffix = " bis" if r() < 0.05 else ""
        kind = demo.STREET_KINDS[int(r() * len(demo.STREET_KINDS))]
        return f"{number}{suffix} {kind} {demo.STREET_NAMES[int(r() * len(demo.STREET_NAMES))]}"

    @staticmethod
    def landline(r, area: int) -> str:
        digits = f"{10 + int(r() * 90)} {PAIRS[int(r() * 100)]} {PAIRS[int(r() * 100)]} " \
                 f"{PAIRS[int(r() * 100)]}"
        if r() < 0.05:  # as some people type it: international form
            return f"+33 {area} {digits}"
        return f"0{area} {digits}"

    @staticmethod
    def mobile(r) -> str:
        return f"0{'6667'[int(r() * 4)]} {10 + int(r() * 90)} {PAIRS[int(r() * 100)]} " \
               f"{PAIRS[int(r() * 100)]} {PAIRS[int(r() * 100)]}"

    # -- contacts -------------------------------------------------------------------------

    def contacts(self) -> None:
        from comptoir.crm.models import Contact, ContactAddress, ContactItem

        contact_table = self.table(Contact, (
            "id", "civility_label_id", "last_name", "first_name", "job_title", "job_department",
            "country", "contact_type", "contact_origin", "firm_id", "comment", "keywords",
            "language", "accounting_ref", "created_at", "updated_at"))
        address_table, item_table = self.party_tables(ContactAddress, ContactItem,
                                                       "contact_id")
        rng = self.rng("contacts")
        n = self.n_contacts
        for lo in range(0, n, CHUNK):
            hi = min(n, lo + CHUNK)
            first_id = self.sink.reserve(contact_table, hi - lo)
            addresses, items = [], []
            # Generated while they are written: PostgreSQL works through the contacts while
            # Python draws them and their addresses and items.
            self.write(contact_table, self.contact_rows(rng, lo, hi, first_id, addresses, items),
                       count=hi - lo)
            self.write_owned(address_table, addresses)
            self.write_owned(item_table, items)
            self.log(f"  contacts: {hi:,} / {n:,}")

    def contact_rows(self, rng, lo: int, hi: int, first_id: int, addresses: list, items: list):
        """Contacts ``lo`` to ``hi`` (indexes), ids from ``first_id``; their address and items
        are appended to ``addresses`` and ``items``, without ids."""
        from comptoir.crm import demo
        from comptoir.crm.choices import AddressType, Civility, ContactItemType
        from comptoir.crm.services import normalize_phone

        r = rng.random
        men, women, lasts = demo.MEN, demo.WOMEN, demo.LAST_NAMES
        jobs, origins, notes, towns = demo.JOBS, demo.ORIGINS, demo.CONTACT_NOTES, demo.TOWNS
        domains = demo.PERSONAL_MAIL_DOMAINS
        n_firms, n = self.n_firms, self.n_contacts
        firm_ids, firm_type = self.firm_ids, self.firm_type
        firm_domain, firm_phone, firm_address = self.firm_domain, self.firm_phone, \
            self.firm_address
        wanted = self.invoice_contacts  # contact index -> what its invoices copy
        mr, mrs, miss = Civility.MR, Civility.MRS, Civility.MISS
        pro, personal = AddressType.PROFESSIONAL, AddressType.PERSONAL
        now = _seconds(self.now)
        step = (now - self.history_start) / max(n, 1)
        stamp = self.stamp
        for i in range(lo, hi):
            contact_id = first_id + i - lo
            woman = r() < 0.5
            first = women[int(r() * len(women))] if woman else men[int(r() * len(men))]
            last = lasts[int(r() * len(lasts))]
            if r() < 0.03:
                last = f"{last}-{lasts[int(r() * len(lasts))]}"
            roll = r()
            civility = None if roll < 0.03 else (
                (miss if roll < 0.07 else mrs) if woman else mr)
            local = f"{_mailbox_part(first)}.{_mailbox_part(last)}"
            moment = self.history_start + i * step + r() * step
            created = stamp(moment)
            updated = created if r() < 0.6 else stamp(moment + r() * (now - moment))
            if r() < 0.7:
                # Big firms have many contacts: the first firms are the busiest.
                f = int(n_firms * r() ** 2)
                firm_id = firm_ids[f]
                man_title, woman_title, department = jobs[int(r() * len(jobs))]
                title = woman_title if woman else man_title
                kind = firm_type[f]
                if r() < 0.8:
                    address = firm_address[f]
                    address_type = pro
                else:
                    zip_code, city, area = towns[int(r() * len(towns))]
                    address = (self.street(r), "", zip_code, city)
                    address_type = personal
                email = (ContactItemType.PRO_EMAIL, f"{local}@{firm_domain[f]}.fr")
                phone = (ContactItemType.PRO_PHONE,
                         f"{firm_phone[f][:-5]}{PAIRS[int(r() * 100)]} "
                         f"{PAIRS[int(r() * 100)]}")
                mobile = (ContactItemType.PRO_MOBILE, self.mobile(r))
                accounting = ""
            else:
                firm_id = f = None
                title = department = ""
                roll = r()
                kind = "perso" if roll < 0.25 else ("prospect" if roll < 0.35 else "client")
                zip_code, city, area = towns[int(r() * len(towns))]
                address = (self.street(r), "", zip_code, city)
                address_type = personal
                if r() < 0.4:
                    local = f"{local}{int(r() * 100)}"
                email = (ContactItemType.PERSONAL_EMAIL,
                         f"{local}@{domains[int(r() * len(domains))]}")
                phone = (ContactItemType.PERSONAL_PHONE, self.landline(r, area))
                mobile = (ContactItemType.PERSONAL_MOBILE, self.mobile(r))
                accounting = f"411C{i + 1:07d}" if kind == "client" and r() < 0.3 else ""
            comment = keywords = ""
            roll = r()
            if roll < 0.005:
                comment, keywords = ESCAPING_NOTES[int(r() * len(ESCAPING_NOTES))]
            elif roll < 0.08:
                comment, keywords = notes[int(r() * len(notes))]
            origin = origins[int(r() * len(origins))] if r() < 0.3 else ""
            language = LANGUAGES[int(r() * len(LANGUAGES))] if r() < 0.03 else "fr"
            yield (contact_id, civility, last, first, title, department, "France", kind,
                   origin, firm_id, comment, keywords, language, accounting, created, updated)
            addresses.append((contact_id, address_type, *address, "France", created, updated))
            items.append((contact_id, email[0], email[1], "", created, updated))
            for type_id, value in (phone, mobile):
                items.append((contact_id, type_id, value, normalize_phone(value), created,
                              updated))
            if i in wanted:
                wanted[i] = (contact_id, f"{first} {last}", f, address)

    # -- products -------------------------------------------------------------------------

    def products(self) -> None:
        from comptoir.catalog import demo as catalog_demo
        from comptoir.catalog.choices import LabelType, ProductType
        from comptoir.catalog.models import CustomerProduct, CustomerProductCategory, CustomLabel
        from comptoir.catalog.services import apply_price_entry

        rng = self.rng("products")
        r = rng.random
        created = self.stamp(self.history_start)
        # A handful of rows: the ORM is fast enough and fills every default itself.
        categories = {}
        for key, name, parent, comment in catalog_demo.CATEGORIES:
            category = CustomerProductCategory(
                business_file_id=self.bf, creator_id=self.user, name=name, comment=comment,
                parent_category=categories.get(parent))
            category.save()
            categories[key] = category
        brands = {key: CustomLabel(business_file_id=self.bf, creator_id=self.user,
                                   label_type=LabelType.CUSTOMER_PRODUCT_BRAND, long_label=long,
                                   short_label=short)
                  for key, long, short, _ in catalog_demo.BRANDS}
        CustomLabel.objects.bulk_create(brands.values())
        prefixes = {key: prefix for key, _, _, prefix in catalog_demo.BRANDS}
        self.counts[CustomerProductCategory._meta.db_table] += len(categories)
        self.counts[CustomLabel._meta.db_table] += len(brands)

        table = self.table(CustomerProduct, (
            "id", "reference", "name", "description", "is_active", "type_of_product_id",
            "product_category_id", "brand_id", "price", "cost", "vat_id",
            "entered_price_in_ttc", "unit", "barcode", "weight_kg", "alert_stock",
            "accounting_ref", "created_at", "updated_at"), total_stock=Decimal(0))
        first_id = self.sink.reserve(table, self.n_products)
        items = catalog_demo.PRODUCTS
        rows, self.catalog = [], []
        places = Decimal("0.0001")
        for k in range(self.n_products):
            item = items[k % len(items)]
            variant = k // len(items)
            suffix = PRODUCT_VARIANTS[variant % len(PRODUCT_VARIANTS)]
            reference = item.reference if variant == 0 else f"{item.reference}-V{variant}"
            factor = Decimal(100 + 7 * variant) / 100
            price = (Decimal(item.price) * factor).quantize(places)
            cost = (Decimal(item.cost) * factor).quantize(places)
            # Prices entered incl. VAT: price excl. VAT and incl. VAT, as the catalog keeps them.
            prices = apply_price_entry({"price": price, "vat_id": item.vat_id})
            goods = item.kind != catalog_demo.SERVICE
            barcode = _ean13(rng, prefixes[item.brand]) if goods and item.brand else ""
            product_id = first_id + k
            updated = self.stamp(self.history_start + r() * 86400 * 365 * 2)
            rows.append((
                product_id, reference, f"{item.name}{suffix}", item.description, item.active,
                ProductType.GOODS if goods else ProductType.SERVICE,
                categories[item.category].pk, brands[item.brand].pk if item.brand else None,
                prices["price"], cost, item.vat_id, prices["entered_price_in_ttc"], item.unit,
                barcode, Decimal(item.weight) if item.weight else None, item.alert,
                catalog_demo.ACCOUNTS[item.kind], created, updated))
            if item.active:  # a disabled product cannot go on a new line
                self.catalog.append(SimpleNamespace(
                    id=product_id, name=f"{item.name}{suffix}", price=prices["price"],
                    unit=item.unit, vat_id=item.vat_id))
        self.write(table, rows)

    # -- invoices -------------------------------------------------------------------------

    def plan_invoices(self) -> None:
        """Who each invoice is for, drawn before the contacts so that generating them can keep
        what those invoices copy (their name and address) and nothing else."""
        rng = self.rng("invoice-customers")
        self.invoice_customers = []
        self.invoice_contacts: dict[int, tuple | None] = {}
        for _ in range(self.n_invoices):
            if self.n_contacts and rng.random() < 0.5:
                index = int(rng.random() * self.n_contacts)
                self.invoice_customers.append(("contact", index))
                self.invoice_contacts[index] = None
            else:
                self.invoice_customers.append(("firm", int(rng.random() * self.n_firms)))

    def invoices(self) -> None:
        from comptoir.core.models import DocumentCounter
        from comptoir.core.numbering import format_reference
        from comptoir.sales import services
        from comptoir.sales import totals as engine
        from comptoir.sales.choices import BillProgress, SheetType
        from comptoir.sales.models import ADDRESS_PARTS, BillLine, BillSheet, VatTotal

        if not self.n_invoices:
            return
        if not self.catalog:
            raise ValueError("invoices need at least one active product (--products)")
        rng = self.rng("invoices")
        r = rng.random
        n = self.n_invoices
        drafts = n // 10
        first_day = dt.date(self.today.year - INVOICE_YEARS + 1, 1, 1)
        days = (self.today - first_day).days
        plan = []
        for k in range(n):
            if k < n - drafts:
                day = first_day + dt.timedelta(days=int(r() * (days + 1)))
                if day.weekday() > 4 and day - dt.timedelta(days=day.weekday() - 4) >= first_day:
                    day -= dt.timedelta(days=day.weekday() - 4)  # invoiced on the Friday
            else:
                day = self.today - dt.timedelta(days=int(r() * DRAFT_DAYS))
            # The time of day: office hours (UTC), and before now for today's.
            start, hours = dt.datetime.combine(day, dt.time(7)), 10 * 3600
            if day >= self.now.date():
                start = dt.datetime.combine(day, dt.time(0))
                hours = max(1.0, (self.now - start).total_seconds() * 0.9)
            plan.append((start + dt.timedelta(seconds=r() * hours), k < n - drafts, k))
        # Ids, numbers and the journal follow the order of the documents in time.
        plan.sort()
        sheet_table = self.table(BillSheet, (
            "id", "reference", "reference_index", "title", "subtitle", "contact_id", "firm_id",
            "billing_date", *(f"{p}{part}" for p in ("billing_add_", "shipping_add_")
                              for part in ADDRESS_PARTS),
            "comment", "reduction_percent", "shipping_cost", "vat_exc_total",
            "reduction_total", "vat_exl_total", "vat_exc_total_with_shipping", "vat_cost",
            "vat_inc_total", "sheet_type", "progress_id", "due_date", "payment_term_id",
            "payed_amount", "remaining_due", "validated_at", "created_at", "updated_at"),
            pdf=None)  # printed on the first GET of the PDF, as after every validation
        line_table = self.table(BillLine, (
            "id", "bill_sheet_id", "customer_product_id", "content_kind", "description",
            "unit_price", "quantity", "unit", "vat_value_id", "reduction_percent", "ordering",
            "total_price", "vat_value", "total_price_with_taxes", "created_at", "updated_at"))
        vat_table = self.table(VatTotal, (
            "id", "bill_sheet_id", "vat_value_id", "rate", "base", "vat", "created_at",
            "updated_at"), proposal_sheet_id=None)
        first_id = self.sink.reserve(sheet_table, n)
        catalog = self.catalog
        # Furniture by the piece, hardware by the dozen, wood and laying by the metre.
        by_unit = [Decimal(q) for q in ("0.5", "1.5", "2.25", "4", "7.5", "12", "18.75")]
        by_price = [(Decimal(300), [Decimal(q) for q in (1, 1, 1, 2)]),
                    (Decimal(40), [Decimal(q) for q in (1, 1, 2, 2, 3, 4, 5)]),
                    (Decimal(0), [Decimal(q) for q in (1, 2, 5, 10, 12, 20, 50)])]
        for product in catalog:
            product.quantities = by_unit if product.unit in ("m²", "ml", "h") else next(
                choices for floor, choices in by_price if product.price >= floor)
        last_index: Counter = Counter()
        sheets, lines, vat_rows = [], [], []
        zero = Decimal("0.00")
        for position, (moment, validated, k) in enumerate(plan):
            sheet_id = first_id + position
            day = moment.date()
            kind, index = self.invoice_customers[k]
            contact_id = None
            if kind == "contact" and self.invoice_contacts.get(index):
                contact_id, name, f, address = self.invoice_contacts[index]
                if f is not None:  # the contact's firm is billed, at the firm's address
                    name, address = self.firm_name[f], self.firm_address[f]
                    firm_id = self.firm_ids[f]
                else:
                    firm_id = None
            else:
                f = index if kind == "firm" else int(r() * self.n_firms)
                firm_id, name, address = self.firm_ids[f], self.firm_name[f], \
                    self.firm_address[f]
            copy = dict(zip(ADDRESS_PARTS, (name, *address, "France"), strict=True))
            sheet = {f"{p}{part}": value for p in ("billing_add_", "shipping_add_")
                     for part, value in copy.items()}
            term = PAYMENT_TERMS[int(r() * len(PAYMENT_TERMS))]
            sheet.update(
                id=sheet_id, title=INVOICE_TITLES[int(r() * len(INVOICE_TITLES))],
                subtitle=f"Chantier de {address[3]}" if r() < 0.3 else "",
                contact_id=contact_id, firm_id=firm_id, billing_date=day,
                comment=INVOICE_COMMENTS[int(r() * len(INVOICE_COMMENTS))] if r() < 0.2 else "",
                reduction_percent=Decimal(5 * (1 + int(r() * 2))) if r() < 0.1 else Decimal(0),
                shipping_cost=Decimal(("15.00", "25.00", "49.90")[int(r() * 3)])
                if r() < 0.2 else zero,
                payment_term_id=term, due_date=services.due_date_for(day, term),
                payed_amount=zero)
            sheet_lines = []
            for number in range(1, 6 + int(r() * 16)):
                product = catalog[int(r() * len(catalog))]
                sheet_lines.append(SimpleNamespace(
                    bill_sheet_id=sheet_id, customer_product_id=product.id, content_kind="",
                    description=product.name, unit_price=product.price,
                    quantity=product.quantities[int(r() * len(product.quantities))],
                    unit=product.unit,
                    vat_value_id=product.vat_id,
                    reduction_percent=LINE_REDUCTIONS[int(r() * len(LINE_REDUCTIONS))],
                    ordering=number * 100))
            # The product's own computation: services.recompute makes this very call.
            result = engine.compute(services.document_input(
                SimpleNamespace(reduction_amount=Decimal(0), shipping_vat_id=None, **sheet),
                sheet_lines))
            sheet.update(
                vat_exc_total=result.vat_exc_total, reduction_total=result.reduction_total,
                vat_exl_total=result.vat_exc_total_after_reduction,
                vat_exc_total_with_shipping=result.vat_exc_total_with_shipping,
                vat_cost=result.vat_total, vat_inc_total=result.vat_inc_total,
                remaining_due=result.vat_inc_total - sheet["payed_amount"])
            if validated:
                last_index[day.year] += 1
                reference_index = last_index[day.year]
                created = moment - dt.timedelta(seconds=60 + r() * 36000)
                sheet.update(
                    reference=format_reference(self.invoice_pattern, "invoice", day,
                                               reference_index),
                    reference_index=reference_index, sheet_type=SheetType.INVOICE,
                    progress_id=BillProgress.VALIDATED, validated_at=self.text(moment),
                    created_at=self.text(created), updated_at=self.text(moment))
                self.validated.append((sheet, sheet_lines, result, moment))
            else:
                sheet.update(reference="", reference_index=None,
                             sheet_type=SheetType.INVOICE_MAYBE, progress_id=BillProgress.DRAFT,
                             validated_at=None, created_at=self.text(moment),
                             updated_at=self.text(moment))
            stamps = (sheet["created_at"], sheet["updated_at"])
            for line, totals in zip(sheet_lines, result.lines, strict=True):
                line.total_price = totals.total_price
                lines.append((line.bill_sheet_id, line.customer_product_id, line.content_kind,
                              line.description, line.unit_price, line.quantity, line.unit,
                              line.vat_value_id, line.reduction_percent, line.ordering,
                              totals.total_price, totals.vat_value,
                              totals.total_price_with_taxes, *stamps))
            for row in result.per_rate:
                vat_rows.append((sheet_id, row.vat_id, row.rate, row.base, row.vat, *stamps))
            sheets.append(sheet_table.from_dict(sheet))
        self.write(sheet_table, sheets)
        self.write_owned(line_table, lines)
        self.write_owned(vat_table, vat_rows)
        counters = [DocumentCounter(business_file_id=self.bf, kind="invoice", year=year,
                                    last_index=last) for year, last in sorted(last_index.items())]
        DocumentCounter.objects.bulk_create(counters)
        self.counts[DocumentCounter._meta.db_table] += len(counters)

    def journal(self) -> None:
        """One entry per validated invoice, in the order of their numbers, chained after the
        business file's head with the journal's own ``normalise`` and ``compute_hash``.

        The payload is what ``validate_bill_sheet`` records, ``services.canonical_document``
        of the stored sheet, built here from the generated values rounded to their columns'
        decimal places (what the database gives back): calling ``canonical_document`` costs
        two ORM queries per invoice, over a minute for 10,000. ``tests/test_bench_generate.py``
        checks every generated payload against ``canonical_document``, so a change there
        cannot go unnoticed here.
        """
        from comptoir.core import journal
        from comptoir.core.models import JournalEntry, JournalHead
        from comptoir.sales.models import BillLine, BillSheet, VatTotal

        if not self.validated:
            return

        def stored(model, name):
            quantum = Decimal(1).scaleb(-model._meta.get_field(name).decimal_places)
            return lambda value: value.quantize(quantum)

        quantity, unit_price, reduction, total_price = (stored(BillLine, name) for name in (
            "quantity", "unit_price", "reduction_percent", "total_price"))
        rate, base, vat = (stored(VatTotal, name) for name in ("rate", "base", "vat"))
        amount = stored(BillSheet, "vat_inc_total")
        table = self.table(JournalEntry, (
            "id", "sequence", "created_at", "event", "object_zname", "object_zid", "reference",
            "payload", "user_id", "previous_hash", "hash"))
        as_json = JournalEntry._meta.get_field("payload").get_db_prep_save
        head = JournalHead.objects.lock(self.bf)
        sequence, previous = head.sequence, head.hash
        rows = []
        for sheet, lines, result, moment in self.validated:
            payload = {
                "sheet_type": sheet["sheet_type"],
                "reference": sheet["reference"],
                "billing_date": sheet["billing_date"],
                "due_date": sheet["due_date"],
                "customer": {
                    "firm_id": sheet["firm_id"], "contact_id": sheet["contact_id"],
                    "name": sheet["billing_add_name"],
                    "address": [sheet[f"billing_add_{part}"] for part in (
                        "street_address", "street_address2", "zip_code", "city", "country")],
                },
                "origin": "",
                "lines": [
                    {"kind": line.content_kind, "description": line.description,
                     "quantity": quantity(line.quantity), "unit_price": unit_price(line.unit_price),
                     "vat_value_id": line.vat_value_id,
                     "reduction_percent": reduction(line.reduction_percent),
                     "total_price": total_price(line.total_price)}
                    for line in lines
                ],
                "per_rate": [{"vat_value_id": row.vat_id, "rate": rate(row.rate),
                              "base": base(row.base), "vat": vat(row.vat)}
                             for row in result.per_rate],
                "vat_exc_total_with_shipping": amount(sheet["vat_exc_total_with_shipping"]),
                "reduction_total": amount(sheet["reduction_total"]),
                "vat_cost": amount(sheet["vat_cost"]),
                "vat_inc_total": amount(sheet["vat_inc_total"]),
            }
            sequence += 1
            entry = JournalEntry(
                business_file_id=self.bf, sequence=sequence, previous_hash=previous,
                created_at=moment.replace(tzinfo=dt.UTC), event="validate",
                object_zname="bill_sheet", object_zid=sheet["id"], reference=sheet["reference"],
                payload=journal.normalise(payload), user_id=self.user)
            entry.hash = journal.compute_hash(entry)
            rows.append((entry.sequence, self.text(moment), entry.event, entry.object_zname,
                         entry.object_zid, entry.reference,
                         as_json(entry.payload, connection=self.connection), entry.user_id,
                         entry.previous_hash, entry.hash))
            previous = entry.hash
        # Django binds parameters client-side on PostgreSQL: bulk_create would spend longer
        # rewriting placeholders than the database spends inserting.
        self.write_owned(table, rows)
        head.sequence, head.hash = sequence, previous
        head.save(update_fields=["sequence", "hash"])

    # -- after the load -------------------------------------------------------------------

    def analyze(self, in_transaction: bool) -> None:
        tables = ", ".join(f'"{name}"' for name in sorted(self.counts))
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql" and not in_transaction:
                cursor.execute(f"VACUUM (ANALYZE) {tables}")  # sets the visibility map too
            elif self.connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {tables}")
            else:
                for name in sorted(self.counts):
                    cursor.execute(f'ANALYZE "{name}"')


# --- SQLite pragmas for the load ------------------------------------------------------------

# Safe for a load that is thrown away if it fails, not for production: no fsync, the rollback
# journal in memory (a WAL would receive every page once more), a large page cache. Foreign
# keys stay on: the checks are cheap next to the indexes and catch a generator bug.
SQLITE_LOAD_PRAGMAS = {"journal_mode": "MEMORY", "synchronous": "OFF",
                       "cache_size": "-524288", "temp_store": "MEMORY"}


def _sqlite_pragmas(connection, values: dict) -> dict:
    """Set ``values``; return the previous ones."""
    previous = {}
    with connection.cursor() as cursor:
        for name, value in values.items():
            cursor.execute(f"PRAGMA {name}")
            previous[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {value}")
    return previous


# --- Entry points ---------------------------------------------------------------------------


def generate(*, contacts: int, products: int = 200, invoices: int = 0, seed: int = 1,
             email: str = DEFAULT_EMAIL, password: str = DEFAULT_PASSWORD,
             today: dt.date | None = None, name: str | None = None, log=None) -> dict:
    """Create and fill one business file (see the module's documentation); Django must be
    set up and the database migrated. Returns what the CLI prints."""
    from django.db import connection, transaction
    from django.utils import timezone

    from comptoir.tenancy.services import create_business_file, issue_api_key

    if contacts < 0 or products < 0 or invoices < 0:
        raise ValueError("counts cannot be negative")
    if invoices and not products:
        raise ValueError("invoices need products to put on their lines")
    log = log or (lambda message: None)
    today = today or timezone.localdate()
    started = time.perf_counter()
    nested = connection.in_atomic_block  # a test's transaction: no pragmas, no VACUUM
    previous = None
    if connection.vendor == "sqlite" and not nested:
        previous = _sqlite_pragmas(connection, SQLITE_LOAD_PRAGMAS)
    try:
        with transaction.atomic():
            setup_started = time.perf_counter()
            bf, user, _ = create_business_file(
                name=name or f"Banc d'essai — {contacts:,} contacts".replace(",", " "),
                email=email, password=password, enable_api=True)
            _, api_key = issue_api_key(email=email, business_file_id=bf.pk, name="bench")
            generator = Generator(
                connection=connection, business_file_id=bf.pk, user_id=user.pk,
                contacts=contacts, products=products, invoices=invoices, seed=seed,
                today=today, log=log)
            generator.seconds["setup"] = round(time.perf_counter() - setup_started, 3)
            generator.plan_invoices()
            heavy = generator.heavy_tables()
            generator.sink.set_aside_foreign_keys(heavy)
            generator.sink.set_aside_indexes(heavy)
            generator.phase("firms", generator.firms)
            generator.phase("contacts", generator.contacts)
            generator.phase("products", generator.products)
            generator.phase("invoices", generator.invoices)
            generator.phase("journal", generator.journal)
            generator.phase("indexes", generator.sink.restore_indexes)
            generator.phase("foreign_keys", generator.sink.restore_foreign_keys)
            if nested:
                generator.phase("analyze", lambda: generator.analyze(in_transaction=True))
            committing = time.perf_counter()
        # Deferred foreign-key checks of the rows loaded with their keys in place run here.
        generator.seconds["commit"] = round(time.perf_counter() - committing, 3)
        if not nested:
            generator.phase("analyze", lambda: generator.analyze(in_transaction=False))
    finally:
        if previous is not None:
            _sqlite_pragmas(connection, previous)
    total = time.perf_counter() - started
    rows = sum(generator.counts.values())
    generator.seconds["total"] = round(total, 3)
    return {
        "business_file_id": bf.pk, "email": user.email, "password": password,
        "api_key": api_key, "engine": connection.vendor, "seed": seed,
        "today": today.isoformat(), "counts": dict(sorted(generator.counts.items())),
        "rows": rows, "seconds": generator.seconds,
        "rows_per_second": round(rows / total) if total else None,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", required=True,
                        help="sqlite:///path or postgres://user@host:port/name")
    parser.add_argument("--contacts", type=int, required=True)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--invoices", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--email", default=DEFAULT_EMAIL)
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--today", type=dt.date.fromisoformat,
                        help="the day the data is generated as of (default: today)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
    # The settings want a data directory (secret key, file cache); the generated data needs
    # neither, so an unset one becomes a throwaway directory rather than ./var.
    scratch = None
    if "COMPTOIR_DATA_DIR" not in os.environ:
        scratch = tempfile.TemporaryDirectory(prefix="comptoir-generate-")
        os.environ["COMPTOIR_DATA_DIR"] = scratch.name
        os.environ.setdefault("COMPTOIR_CACHE_URL", "locmem://bench-generate")
    import django

    django.setup()
    from django.core.management import call_command

    def log(message):
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    call_command("migrate", verbosity=0)  # nothing to do on a migrated database
    migrate_seconds = round(time.perf_counter() - started, 3)
    log(f"migrate: {migrate_seconds:.1f} s")
    result = generate(contacts=args.contacts, products=args.products, invoices=args.invoices,
                      seed=args.seed, email=args.email, password=args.password,
                      today=args.today, log=log)
    result["seconds"] = {"migrate": migrate_seconds, **result["seconds"]}
    print(json.dumps(result, ensure_ascii=False))
    if scratch is not None:
        scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
