"""The floor: contacts served as the wire contract wants them, with nothing else.

The physical limit of our design, for the benchmarks: hand-written SQL on a raw DB-API
connection (``sqlite3`` or psycopg 3), tuples, and a hand-written string writer answering the
same bytes as the product. No Django and no framework at request time.

* ``floor.app``: a WSGI application (show, list, create, update of contacts in XML and JSON)
  that the HTTP harness serves with gunicorn beside ``comptoir serve``; see its docstring for
  the command, ``DATABASE_URL`` and ``FLOOR_CREDENTIALS``.
* ``floor.inprocess``: :class:`~floor.inprocess.Floor`, the list page and the show in XML
  called directly, for ``bench/inprocess.py``.
* ``floor.sql`` (the statements and the connection), ``floor.writer`` (XML and JSON bytes),
  ``floor.inbound`` (hardened XML parsing and the write rules).

Nothing is imported here: a process that only needs the in-process floor does not load lxml
or psycopg.
"""
