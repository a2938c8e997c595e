"""The bytes of a read: one object, or a page of a list, in XML or JSON.

Shared by the DRF views and the fast read path (:mod:`comptoir.api.fastpath`), so that both
answer the same bytes by construction.
"""

from __future__ import annotations

import math

import orjson

from comptoir.api.renderers import PROLOG

XML_CONTENT_TYPE = "application/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
JSON_OPTIONS = orjson.OPT_OMIT_MICROSECONDS


def object_body(writers, row, nested, fmt: str) -> tuple[bytes, str]:
    if fmt == "json":
        return orjson.dumps(writers.json_object(row, *nested), option=JSON_OPTIONS), \
            JSON_CONTENT_TYPE
    return (PROLOG + writers.xml_show(row, *nested)).encode(), XML_CONTENT_TYPE


def list_body(resource, writers, rows, nested, total: int, page: int, per_page: int,
              fmt: str) -> tuple[bytes, str]:
    pagination = {
        "current_page": page,
        "total_pages": max(1, math.ceil(total / per_page)),
        "current_page_items_count": len(rows),
        "per_page": per_page,
        "total_count": total,
    }
    if fmt == "json":
        item = writers.json_object
        items = [item(r, *(n[r[0]] for n in nested)) for r in rows]
        body = orjson.dumps({resource.plural: items, "pagination": pagination},
                            option=JSON_OPTIONS)
        return body, JSON_CONTENT_TYPE
    item = writers.xml_list_item
    parts = [PROLOG, f'<{resource.plural} type="array">\n']
    parts += [item(r, *(n[r[0]] for n in nested)) for r in rows]
    parts.append("  <pagination>\n")
    parts += [f"    <{k}>{v}</{k}>\n" for k, v in pagination.items()]
    parts.append(f"  </pagination>\n</{resource.plural}>\n")
    return "".join(parts).encode(), XML_CONTENT_TYPE
