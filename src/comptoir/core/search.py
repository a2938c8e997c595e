"""Free-text search that ignores case and accents, on SQLite and PostgreSQL alike.

``élodie``, ``Elodie`` and ``ELODIE`` all find "Élodie". The ``fold`` transform lowers a
text column and strips its accents in SQL — through a Python function registered on each
SQLite connection, through ``lower`` and ``translate`` on PostgreSQL (no extension needed) —
and :func:`fold` does the same to the searched text::

    queryset.filter(last_name__fold__contains=fold(text))
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import CharField, Q, TextField, Transform


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded.replace("œ", "oe").replace("æ", "ae").replace("ø", "o").replace("ł", "l")


_ACCENTED = "".join(
    ch for ch in map(chr, range(0xC0, 0x17F))
    if ch.islower() and len(fold(ch)) == 1 and fold(ch) != ch and fold(ch).isascii()
)
_PLAIN = "".join(fold(ch) for ch in _ACCENTED)


class FoldTransform(Transform):
    lookup_name = "fold"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return f"comptoir_fold({sql})", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return (
            f"replace(replace(translate(lower({sql}), %s, %s), 'œ', 'oe'), 'æ', 'ae')",
            [*params, _ACCENTED, _PLAIN],
        )

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return f"LOWER({sql})", params


CharField.register_lookup(FoldTransform)
TextField.register_lookup(FoldTransform)


def folded_search(paths, text: str) -> Q:
    """A condition: any of the ``paths`` contains ``text``, ignoring case and accents."""
    needle = fold(text)
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}__fold__contains": needle})
    return condition


def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("comptoir_fold", 1, fold, deterministic=True)


connection_created.connect(_register_sqlite_function, dispatch_uid="comptoir_fold")
