"""The read path: SQL compiled once per resource, tuples, generated writers.

Reading a page of 100 contacts through model instances and nested serializers costs about
nine times the raw-SQL floor (PERFORMANCE.md). Here each resource's field list is compiled
once, by the ORM itself (``query.sql_with_params()``), into parameterised statements with the
business-file predicate built in:

* show: ``SELECT cols FROM t WHERE business_file_id = %s AND id = %s``
* page: ``SELECT cols FROM t WHERE business_file_id = %s ORDER BY id LIMIT %s OFFSET %s``
* nested: ``SELECT parent_id, cols FROM child WHERE business_file_id = %s AND parent_id IN (…)``
* total: ``SELECT row_count, version FROM core_rowcount WHERE business_file_id = %s …``,
  a counter the database keeps with triggers, and, for a page whose start an earlier page
  revealed, a seek ``… AND id > %s ORDER BY id LIMIT %s`` instead of the ``OFFSET``
  (:mod:`comptoir.core.rowcounts`)

A request binds its parameters, runs them on Django's connection and hands the tuples to the
resource's generated writers. Query counts are therefore fixed: a show is one query plus one
per nested collection, a list page adds the counter. A filtered list compiles its page query
from the filterset's queryset (same columns, same writers) at request time and counts with
``COUNT(*)`` unless the page holds the whole selection.

The business-file id is a bound parameter of every statement, so no read can leave out the
tenant scope; this module and the manager are the only places that may say ``unscoped()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

from comptoir.core.rowcounts import COUNTER_TABLE, anchors
from comptoir.core.writers import GeneratedWriters


class _Reader:
    """Runs compiled statements on the database connection's own DB-API cursor.

    Django's cursor wrapper costs more than the statement on a show (execute wrappers, and on
    SQLite a regular expression rewriting ``%s`` into ``?`` at every call). Compiled
    statements are rewritten once instead, and run on the driver's cursor inside Django's
    error wrapper (so errors and broken connections are reported as Django reports them).
    When Django is logging queries (``DEBUG``, tests capturing queries), statements go
    through Django's cursor, so that they are seen and counted like any other.
    """

    __slots__ = ("connection", "cursor", "prepare", "qmark")

    def __init__(self, connection):
        self.connection = connection
        connection.ensure_connection()
        self.prepare = False
        if connection.queries_logged:
            self.cursor = connection.cursor()
            self.qmark = False
        else:
            with connection.wrap_database_errors:
                if connection.vendor == "postgresql" and settings.COMPTOIR_PREPARED_READS:
                    # Django binds parameters client-side and never prepares (for the sake
                    # of poolers); a compiled read is the same statement thousands of times,
                    # so it is bound server-side and prepared once per connection.
                    import psycopg

                    self.cursor = psycopg.Cursor(connection.connection)
                    self.prepare = True
                else:
                    self.cursor = connection.connection.cursor()
            self.qmark = connection.vendor == "sqlite"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cursor.close()

    def execute(self, sql: str, params) -> None:
        if self.qmark:
            sql = _qmark(sql)
        with self.connection.wrap_database_errors:
            if self.prepare:
                self.cursor.execute(sql, params, prepare=True)
            else:
                self.cursor.execute(sql, params)

    def fetchone(self):
        return self.cursor.fetchone()

    def fetchall(self):
        return self.cursor.fetchall()


_QMARKS: dict[str, str] = {}


def _qmark(sql: str) -> str:
    """``%s`` placeholders as SQLite's ``?`` (as Django's SQLite backend rewrites them)."""
    converted = _QMARKS.get(sql)
    if converted is None:
        converted = FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
        if len(_QMARKS) < 20_000:  # compiled statements, and nested reads per page length
            _QMARKS[sql] = converted
    return converted


def _reader() -> _Reader:
    return _Reader(connections["default"])


_BF_SENTINEL = -918_273_645
_ID_SENTINEL = -918_273_646
_IN_SENTINEL = -918_273_647
_AFTER_SENTINEL = -918_273_648


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple
    slots: dict  # sentinel -> index in params

    def bind(self, **values) -> list:
        params = list(self.params)
        for name, index in self.slots.items():
            params[index] = values[name]
        return params


def _statement(queryset, extra_sql: str = "") -> Statement:
    sql, params = queryset.query.sql_with_params()
    slots = {}
    for index, value in enumerate(params):
        if value == _BF_SENTINEL:
            slots["bf"] = index
        elif value == _ID_SENTINEL:
            slots["pk"] = index
        elif value == _AFTER_SENTINEL:
            slots["after"] = index
    return Statement(sql + extra_sql, tuple(params), slots)


def tenant_order(resource) -> tuple:
    """The resource's order, led by the business file (a constant in every read).

    Same rows in the same order, but PostgreSQL's planner then walks the (business_file, id)
    index. Ordered by ``id`` alone, it may prefer the primary key and filter on the business
    file, reading every row of the tenants created before this one: 50 ms for page 1 of the
    last of three business files holding 1.1M contacts, against 15 ms for the first.
    """
    return ("business_file_id", *resource.ordering)


def columns_queryset(queryset, fields, leading=()):
    """Annotate computed fields and select the wire columns, in order."""
    annotations = {f.source: f.expression for f in fields if f.expression is not None}
    if annotations:
        queryset = queryset.annotate(**annotations)
    return queryset.values_list(*leading, *(f.source for f in fields))


class CompiledResource:
    """The compiled statements and writers of one resource on one database vendor."""

    def __init__(self, resource, vendor: str):
        self.resource = resource
        self.vendor = vendor
        self.writers = GeneratedWriters(resource)
        model = resource.model
        base = model.objects.unscoped().filter(business_file_id=_BF_SENTINEL)
        self.show = _statement(
            columns_queryset(base.filter(pk=_ID_SENTINEL), resource.wire_fields).order_by()
        )
        self.page = _statement(
            columns_queryset(base, resource.wire_fields).order_by(*tenant_order(resource)),
            " LIMIT %s OFFSET %s",
        )
        self.table = model._meta.db_table
        if tuple(resource.ordering) == ("id",):
            self.seek = _statement(
                columns_queryset(base.filter(pk__gt=_AFTER_SENTINEL), resource.wire_fields)
                .order_by(*tenant_order(resource)),
                " LIMIT %s",
            )
            self.skip = self._skip_statement(self.seek)
        else:
            # Page anchors are ids: only an id order can seek by them.
            self.seek = self.skip = None
        self.counter_sql = (
            f"SELECT row_count, version FROM {COUNTER_TABLE} "
            "WHERE business_file_id = %s AND table_name = %s"
        )
        self.nested = []
        for nested in resource.nested:
            child_base = nested.model.objects.unscoped().filter(
                business_file_id=_BF_SENTINEL, **{f"{nested.parent_attname}__in": [_IN_SENTINEL]}
            )
            statement = _statement(
                columns_queryset(child_base, nested.fields, leading=(nested.parent_attname,))
                .order_by(nested.parent_attname, *nested.ordering)
            )
            in_index = statement.params.index(_IN_SENTINEL)
            head, marker, tail = statement.sql.partition("IN (%s)")
            if not marker or "IN (%s)" in tail:
                raise RuntimeError(f"cannot compile the nested read of {nested!r}: {statement.sql}")
            self.nested.append((head, tail, in_index, statement))

    def _skip_statement(self, seek: Statement) -> tuple[str, int]:
        """The seek with its anchor computed in SQL: ``id > (the id before the offset)``.

        Without an anchor, ``OFFSET n`` would build and join n full rows only to drop them;
        this walks n entries of the (business_file, id) index instead, and builds the page
        alone. Returns the SQL and where, in the seek's parameters, the anchor's two go.
        """
        connection = connections["default"]
        table = connection.ops.quote_name(self.table)
        column = connection.ops.quote_name("business_file_id")
        pk = connection.ops.quote_name("id")
        before = (f"(SELECT {pk} FROM {table} WHERE {column} = %s "
                  f"ORDER BY {column}, {pk} LIMIT 1 OFFSET %s)")
        pieces = seek.sql.split("%s")
        slot = seek.slots["after"]
        if len(pieces) != len(seek.params) + 2:  # the params, then LIMIT
            raise RuntimeError(f"cannot compile the skip read of {self.resource!r}")
        sql = "%s".join(pieces[: slot + 1]) + before + "%s".join(pieces[slot + 1:])
        return sql, slot

    # -- execution ------------------------------------------------------------------------

    def fetch_nested(self, cursor, bf_id: int, parent_ids: list[int]) -> list[dict]:
        """One query per nested collection: {parent_id: [child rows]} for each."""
        grouped = []
        for head, tail, in_index, statement in self.nested:
            by_parent: dict = {pid: [] for pid in parent_ids}
            if parent_ids:
                params = statement.bind(bf=bf_id)
                params[in_index : in_index + 1] = parent_ids
                sql = head + "IN (" + ", ".join(["%s"] * len(parent_ids)) + ")" + tail
                cursor.execute(sql, params)
                for row in cursor.fetchall():
                    by_parent[row[0]].append(row)
            grouped.append(by_parent)
        return grouped

    def read_one(self, bf_id: int, pk: int):
        """(row, nested rows...) of one object, or None."""
        with _reader() as cursor:
            cursor.execute(self.show.sql, self.show.bind(bf=bf_id, pk=pk))
            row = cursor.fetchone()
            if row is None:
                return None
            nested = self.fetch_nested(cursor, bf_id, [row[0]])
        return row, [n[row[0]] for n in nested]

    def read_page(self, bf_id: int, limit: int, offset: int, queryset=None):
        """(rows, nested groups, total count) of one page, in the resource's order.

        Unfiltered, the total comes from the trigger-kept counter and a page whose start a
        previous page revealed is read by seeking to it (:mod:`comptoir.core.rowcounts`);
        a filtered list counts and offsets in SQL.
        """
        if queryset is not None:
            return self._read_filtered_page(bf_id, limit, offset, queryset)
        key = (self.table, bf_id)
        with _reader() as cursor:
            if offset == 0:
                # The first page needs no anchor: read it first, and skip the counter when
                # the whole collection is on it.
                cursor.execute(self.page.sql, [*self.page.bind(bf=bf_id), limit, 0])
                rows = cursor.fetchall()
                if len(rows) < limit:
                    total = len(rows)
                else:
                    total, version = self._counter(cursor, bf_id)
                    if self.seek is not None:
                        anchors.learn(key, version, 0, [r[0] for r in rows])
            else:
                total, version = self._counter(cursor, bf_id)
                if offset >= total:
                    return [], [{} for _ in self.nested], total
                after = anchors.get(key, version, offset) if self.seek is not None else None
                if after is not None:
                    cursor.execute(self.seek.sql, [*self.seek.bind(bf=bf_id, after=after), limit])
                elif self.skip is not None:
                    sql, slot = self.skip
                    params = self.seek.bind(bf=bf_id, after=None)
                    params[slot : slot + 1] = [bf_id, offset - 1]
                    cursor.execute(sql, [*params, limit])
                else:
                    cursor.execute(self.page.sql, [*self.page.bind(bf=bf_id), limit, offset])
                rows = cursor.fetchall()
                if self.seek is not None:
                    anchors.learn(key, version, offset, [r[0] for r in rows])
            nested = self.fetch_nested(cursor, bf_id, [r[0] for r in rows])
        return rows, nested, total

    def _counter(self, cursor, bf_id: int) -> tuple[int, int]:
        cursor.execute(self.counter_sql, [bf_id, self.table])
        counter = cursor.fetchone()
        return counter if counter is not None else (0, 0)

    def _read_filtered_page(self, bf_id: int, limit: int, offset: int, queryset):
        statement = _statement(
            columns_queryset(queryset, self.resource.wire_fields)
            .order_by(*tenant_order(self.resource)),
            " LIMIT %s OFFSET %s",
        )
        with _reader() as cursor:
            cursor.execute(statement.sql, [*statement.params, limit, offset])
            rows = cursor.fetchall()
            nested = self.fetch_nested(cursor, bf_id, [r[0] for r in rows])
        # When the whole selection is on this page, its length is the count.
        whole = offset == 0 and len(rows) < limit
        return rows, nested, (len(rows) if whole else queryset.count())


_compiled: dict = {}


def compiled(resource) -> CompiledResource:
    vendor = connections["default"].vendor
    key = (resource.plural, vendor)
    entry = _compiled.get(key)
    if entry is None:
        entry = _compiled[key] = CompiledResource(resource, vendor)
    return entry
