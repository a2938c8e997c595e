"""The in-process floor of ``bench/inprocess.py``: the list page and the show in XML, called
directly, on the same SQL (``floor.sql``) and writer (``floor.writer``) as the WSGI floor."""

from __future__ import annotations

from floor import writer
from floor.sql import Store


class Floor:
    def __init__(self, path: str):
        self.store = Store(f"sqlite:///{path}")

    def show(self, bf: int, pk: int) -> bytes:
        return writer.show_xml(*self.store.show(bf, pk))

    def page(self, bf: int, page: int, per_page: int) -> bytes:
        rows, addresses, items, total = self.store.page(bf, per_page, (page - 1) * per_page)
        pagination = (page, max(1, -(-total // per_page)), len(rows), per_page, total)
        return writer.page_xml(rows, addresses, items, pagination)
