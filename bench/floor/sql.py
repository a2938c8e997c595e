"""The floor's SQL: hand-written statements on one raw DB-API connection per process.

:class:`Store` reads and writes contacts with tuples in and out. ``DATABASE_URL`` has the
product's forms: ``sqlite:///relative/path``, ``sqlite:////absolute/path`` (or
``sqlite:///file:name?mode=memory&cache=shared``, an SQLite URI, which the tests use) and
``postgres://user:password@host:port/name`` (``postgresql://`` and ``pgsql://`` too).

The connection is opened on first use, so that gunicorn workers each open their own after the
fork; a connection inherited through a fork is left alone (never used, never closed: closing it
would close the parent's) and a new one opened. Reads run in autocommit, each write in one
transaction: ``BEGIN IMMEDIATE`` on SQLite, so that two writers queue on the lock instead of
failing half-way, with the product's PRAGMAs (WAL, ``synchronous=NORMAL``, foreign keys,
``busy_timeout=10000``).

Query counts are the product's: a show is the contact and one query per nested collection, a
list page adds the count (the trigger-kept counter) unless the first page holds the whole
collection. Deep pages use ``OFFSET``: the floor keeps no page anchors. PostgreSQL gets
``contact_id = ANY(%s)`` with one array parameter where SQLite gets ``IN (?, ?, …)``.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager

CONTACT_COLUMNS = (
    "c.id, c.civility_label_id, c.last_name, c.first_name, "
    "CASE WHEN c.first_name = '' THEN c.last_name ELSE c.first_name || ' ' || c.last_name END, "
    "c.comment, c.job_title, c.job_department, c.country, c.contact_type, c.contact_type2, "
    "c.firm_id, f.name, c.reference, c.keywords, c.language, c.accounting_ref, "
    "c.accounting_ref_vendor, c.contact_origin, c.creator_id, c.created_at, c.updated_at"
)
CONTACT_FROM = "FROM crm_contact c LEFT OUTER JOIN crm_firm f ON c.firm_id = f.id"
SHOW = f"SELECT {CONTACT_COLUMNS} {CONTACT_FROM} WHERE c.business_file_id = %s AND c.id = %s"
PAGE = (f"SELECT {CONTACT_COLUMNS} {CONTACT_FROM} WHERE c.business_file_id = %s "
        "ORDER BY c.business_file_id, c.id LIMIT %s OFFSET %s")  # the (bf, id) index
# The total comes from the counter the database keeps with triggers, as the product reads it
# (comptoir.core.rowcounts): same design, same cost.
COUNT = ("SELECT row_count FROM core_rowcount WHERE business_file_id = %s "
         "AND table_name = 'crm_contact'")
ADDRESSES = ("SELECT contact_id, id, address_type, street_address, street_address2, zip_code, "
             "city, country FROM crm_contactaddress WHERE business_file_id = %s AND contact_id ")
ITEMS = ("SELECT contact_id, id, type_id, value, normalized_phone FROM crm_contactitem "
         "WHERE business_file_id = %s AND contact_id ")
NESTED_ORDER = " ORDER BY contact_id, id"

CONTACT_EXISTS = "SELECT id FROM crm_contact WHERE business_file_id = %s AND id = %s"
FIRM_EXISTS = "SELECT id FROM crm_firm WHERE business_file_id = %s AND id = %s"
INSERT_CONTACT = (
    "INSERT INTO crm_contact (created_at, updated_at, business_file_id, creator_id, "
    "civility_label_id, last_name, first_name, comment, job_title, job_department, country, "
    "contact_type, contact_type2, firm_id, reference, keywords, language, accounting_ref, "
    "accounting_ref_vendor, contact_origin) VALUES "
    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "RETURNING id"
)
#: the column order of INSERT_CONTACT after the four server-filled ones
CONTACT_INPUT_COLUMNS = (
    "civility_label_id", "last_name", "first_name", "comment", "job_title", "job_department",
    "country", "contact_type", "contact_type2", "firm_id", "reference", "keywords", "language",
    "accounting_ref", "accounting_ref_vendor", "contact_origin",
)
INSERT_ADDRESS = (
    "INSERT INTO crm_contactaddress (created_at, updated_at, business_file_id, creator_id, "
    "contact_id, firm_id, address_type, street_address, street_address2, zip_code, city, "
    "country) VALUES (%s, %s, %s, %s, %s, NULL, %s, %s, %s, %s, %s, %s)"
)
ADDRESS_INPUT_COLUMNS = (
    "address_type", "street_address", "street_address2", "zip_code", "city", "country",
)
INSERT_ITEM = (
    "INSERT INTO crm_contactitem (created_at, updated_at, business_file_id, creator_id, "
    "contact_id, firm_id, type_id, value, normalized_phone) "
    "VALUES (%s, %s, %s, %s, %s, NULL, %s, %s, %s)"
)
ITEM_INPUT_COLUMNS = ("type_id", "value", "normalized_phone")
#: nested collections: wire name -> (table, insert statement, input columns)
NESTED_TABLES = {
    "contact_addresses": ("crm_contactaddress", INSERT_ADDRESS, ADDRESS_INPUT_COLUMNS),
    "contact_items": ("crm_contactitem", INSERT_ITEM, ITEM_INPUT_COLUMNS),
}


def parse_database_url(url: str) -> tuple[str, str]:
    """``(engine, target)``: ``("sqlite", path or URI)`` or ``("postgres", libpq URI)``."""
    if url.startswith("sqlite://"):
        rest = url[len("sqlite://"):]
        if rest in ("", "/", "/:memory:", ":memory:"):
            return "sqlite", ":memory:"
        return "sqlite", rest[1:] if rest.startswith("/") else rest
    for scheme in ("postgres://", "postgresql://", "pgsql://"):
        if url.startswith(scheme):
            return "postgres", "postgresql://" + url[len(scheme):]
    raise ValueError(f"DATABASE_URL: unsupported database {url.split(':', 1)[0]!r}")


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Store:
    """Contacts of any business file, on one lazily opened connection."""

    def __init__(self, database_url: str):
        self.engine, self.target = parse_database_url(database_url)
        self.postgres = self.engine == "postgres"
        self._conn = None
        self._inherited = []  # connections opened before a fork: kept, never used
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._forget_after_fork)
        sql = {
            "SHOW": SHOW, "PAGE": PAGE, "COUNT": COUNT, "CONTACT_EXISTS": CONTACT_EXISTS,
            "FIRM_EXISTS": FIRM_EXISTS, "INSERT_CONTACT": INSERT_CONTACT,
            "INSERT_ADDRESS": INSERT_ADDRESS, "INSERT_ITEM": INSERT_ITEM,
        }
        if not self.postgres:
            sql = {k: v.replace("%s", "?") for k, v in sql.items()}
        self.sql = sql
        self.mark = "%s" if self.postgres else "?"
        m = self.mark
        self.addresses_one = f"{ADDRESSES.replace('%s', m)}= {m}{NESTED_ORDER}"
        self.items_one = f"{ITEMS.replace('%s', m)}= {m}{NESTED_ORDER}"
        if self.postgres:
            self.addresses_any = f"{ADDRESSES}= ANY(%s){NESTED_ORDER}"
            self.items_any = f"{ITEMS}= ANY(%s){NESTED_ORDER}"

    # -- the connection ---------------------------------------------------------------------

    def _forget_after_fork(self) -> None:
        if self._conn is not None:
            self._inherited.append(self._conn)
            self._conn = None

    @property
    def conn(self):
        conn = self._conn
        if conn is None:
            conn = self._conn = self._open()
        return conn

    def _open(self):
        if self.postgres:
            import psycopg

            return psycopg.connect(self.target, autocommit=True)
        import sqlite3

        conn = sqlite3.connect(
            self.target, isolation_level=None, check_same_thread=False, timeout=10,
            uri=self.target.startswith("file:"),
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @contextmanager
    def transaction(self):
        """A cursor inside one write transaction, committed unless the block raises."""
        conn = self.conn
        if self.postgres:
            with conn.transaction(), conn.cursor() as cursor:
                yield cursor
            return
        cursor = conn.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")

    def timestamp(self, value: dt.datetime):
        """A timestamp as the product stores it: aware for PostgreSQL, naive UTC text for
        SQLite (``str()`` of the naive value, as Django's SQLite backend writes it)."""
        return value if self.postgres else str(value.replace(tzinfo=None))

    # -- reads ------------------------------------------------------------------------------

    def _nested(self, cursor, bf: int, ids: list[int]):
        addresses = {i: [] for i in ids}
        items = {i: [] for i in ids}
        if not ids:
            return addresses, items
        if len(ids) == 1:
            params = (bf, ids[0])
            address_sql, item_sql = self.addresses_one, self.items_one
        elif self.postgres:
            params = (bf, ids)
            address_sql, item_sql = self.addresses_any, self.items_any
        else:
            params = (bf, *ids)
            tail = f"IN ({','.join('?' * len(ids))}){NESTED_ORDER}"
            address_sql = ADDRESSES.replace("%s", "?") + tail
            item_sql = ITEMS.replace("%s", "?") + tail
        cursor.execute(address_sql, params)
        for row in cursor.fetchall():
            addresses[row[0]].append(row)
        cursor.execute(item_sql, params)
        for row in cursor.fetchall():
            items[row[0]].append(row)
        return addresses, items

    def show(self, bf: int, pk: int):
        """``(row, addresses, items)`` of one contact, or None."""
        cursor = self.conn.cursor()
        try:
            cursor.execute(self.sql["SHOW"], (bf, pk))
            row = cursor.fetchone()
            if row is None:
                return None
            addresses, items = self._nested(cursor, bf, [row[0]])
        finally:
            cursor.close()
        return row, addresses[row[0]], items[row[0]]

    def page(self, bf: int, limit: int, offset: int):
        """``(rows, addresses by contact, items by contact, total count)`` of one page."""
        cursor = self.conn.cursor()
        try:
            cursor.execute(self.sql["PAGE"], (bf, limit, offset))
            rows = cursor.fetchall()
            addresses, items = self._nested(cursor, bf, [r[0] for r in rows])
            if offset == 0 and len(rows) < limit:
                total = len(rows)  # the whole collection is on this page, as the product
            else:
                cursor.execute(self.sql["COUNT"], (bf,))
                found = cursor.fetchone()
                total = found[0] if found else 0
        finally:
            cursor.close()
        return rows, addresses, items, total

    def firm_exists(self, cursor, bf: int, pk: int) -> bool:
        cursor.execute(self.sql["FIRM_EXISTS"], (bf, pk))
        return cursor.fetchone() is not None

    # -- writes (inside :meth:`transaction`) -------------------------------------------------

    def contact_exists(self, cursor, bf: int, pk: int) -> bool:
        cursor.execute(self.sql["CONTACT_EXISTS"], (bf, pk))
        return cursor.fetchone() is not None

    def insert_contact(self, cursor, bf: int, user_id, values: dict, now) -> int:
        stamp = self.timestamp(now)
        cursor.execute(
            self.sql["INSERT_CONTACT"],
            (stamp, stamp, bf, user_id, *(values[c] for c in CONTACT_INPUT_COLUMNS)),
        )
        return cursor.fetchone()[0]

    def insert_children(self, cursor, plural, bf, user_id, contact_id, items, now) -> None:
        if not items:
            return
        _, _, columns = NESTED_TABLES[plural]
        statement = self.sql["INSERT_ADDRESS" if plural == "contact_addresses" else "INSERT_ITEM"]
        stamp = self.timestamp(now)
        cursor.executemany(
            statement,
            [(stamp, stamp, bf, user_id, contact_id, *(i[c] for c in columns)) for i in items],
        )

    def update_row(self, cursor, table: str, bf: int, pk: int, values: dict, now) -> int:
        """``UPDATE table SET <values>, updated_at`` of one row; the rows changed (0 or 1).

        Column names come from the floor's own field tables (``floor.inbound``), never from
        the request."""
        m = self.mark
        columns = [f"{name} = {m}" for name in values] + [f"updated_at = {m}"]
        cursor.execute(
            f"UPDATE {table} SET {', '.join(columns)} WHERE business_file_id = {m} AND id = {m}",
            (*values.values(), self.timestamp(now), bf, pk),
        )
        return cursor.rowcount

    def child_ids(self, cursor, table: str, bf: int, contact_id: int) -> set[int]:
        m = self.mark
        cursor.execute(
            f"SELECT id FROM {table} WHERE business_file_id = {m} AND contact_id = {m}",
            (bf, contact_id),
        )
        return {row[0] for row in cursor.fetchall()}

    def delete_children(self, cursor, table: str, bf: int, contact_id: int, ids) -> None:
        m = self.mark
        cursor.executemany(
            f"DELETE FROM {table} WHERE business_file_id = {m} AND contact_id = {m} AND id = {m}",
            [(bf, contact_id, pk) for pk in ids],
        )
