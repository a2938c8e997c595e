"""The floor's writer: contact rows in, the product's XML and JSON bytes out, by hand.

Rows are the tuples of ``floor.sql``::

    contact  (id, civility_label_id, last_name, first_name, first_last_name, comment,
              job_title, job_department, country, contact_type, contact_type2, firm_id,
              firm_name, reference, keywords, language, accounting_ref, accounting_ref_vendor,
              contact_origin, creator_id, created_at, updated_at)
    address  (contact_id, id, address_type, street_address, street_address2, zip_code, city,
              country)
    item     (contact_id, id, type_id, value, normalized_phone)

The layout is the wire contract's, as ``comptoir.core.writers`` generates it: two spaces per
level, one leaf per line, absent links ``0``, an absent ``civility_label_id`` and an empty
``normalized_phone`` left out, empty collections written ``<x></x>``, text escaped with line
breaks (also the Unicode ones) as character references. Timestamps are ``dd-mm-YYYY-HH-MM``
in the server's time zone in XML and ISO 8601 with the offset, to the second, in JSON.
SQLite hands timestamps back as text in UTC, PostgreSQL as aware datetimes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo

import orjson

TZ = ZoneInfo(os.environ.get("COMPTOIR_TIME_ZONE", "Europe/Paris"))
UTC = dt.UTC
_fromisoformat = dt.datetime.fromisoformat

PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n'
JSON_OPTIONS = orjson.OPT_OMIT_MICROSECONDS


def esc(s):
    if s is None:
        return ""
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if "\n" in s or "\r" in s:
        s = s.replace("\r", "&#13;").replace("\n", "&#10;")
    if not s.isascii():
        # Line breaks for str.splitlines() and JavaScript, legal in XML: one leaf per line.
        if "\x85" in s:
            s = s.replace("\x85", "&#133;")
        if "\u2028" in s:
            s = s.replace("\u2028", "&#8232;")
        if "\u2029" in s:
            s = s.replace("\u2029", "&#8233;")
    return s


def local(value) -> dt.datetime:
    """A stored timestamp as an aware datetime in the server's time zone."""
    if value.__class__ is str:  # SQLite: "2026-11-29 22:54:04.123456", naive UTC
        value = _fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(TZ)


def ts(value) -> str:
    d = local(value)
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}-{d.hour:02d}-{d.minute:02d}"


# -- XML ---------------------------------------------------------------------------------


def contact_xml(r, addresses, items, p: str) -> str:
    out = [
        f"{p}<contact>\n{p}  <id>{r[0]}</id>\n",
        f"{p}  <civility_label_id>{r[1]}</civility_label_id>\n" if r[1] is not None else "",
        f"{p}  <last_name>{esc(r[2])}</last_name>\n{p}  <first_name>{esc(r[3])}</first_name>\n"
        f"{p}  <first_last_name>{esc(r[4])}</first_last_name>\n"
        f"{p}  <comment>{esc(r[5])}</comment>\n{p}  <job_title>{esc(r[6])}</job_title>\n"
        f"{p}  <job_department>{esc(r[7])}</job_department>\n"
        f"{p}  <country>{esc(r[8])}</country>\n{p}  <contact_type>{esc(r[9])}</contact_type>\n"
        f"{p}  <contact_type2>{esc(r[10])}</contact_type2>\n"
        f"{p}  <firm_id>{r[11] or 0}</firm_id>\n{p}  <firm_name>{esc(r[12])}</firm_name>\n"
        f"{p}  <reference>{esc(r[13])}</reference>\n{p}  <keywords>{esc(r[14])}</keywords>\n"
        f"{p}  <language>{esc(r[15])}</language>\n"
        f"{p}  <accounting_ref>{esc(r[16])}</accounting_ref>\n"
        f"{p}  <accounting_ref_vendor>{esc(r[17])}</accounting_ref_vendor>\n"
        f"{p}  <contact_origin>{esc(r[18])}</contact_origin>\n"
        f"{p}  <creator_id>{r[19] or 0}</creator_id>\n"
        f"{p}  <created_at>{ts(r[20])}</created_at>\n{p}  <updated_at>{ts(r[21])}</updated_at>\n",
    ]
    if addresses:
        out.append(f"{p}  <contact_addresses>\n")
        for a in addresses:
            out.append(
                f"{p}    <contact_address>\n{p}      <id>{a[1]}</id>\n"
                f"{p}      <address_type>{a[2]}</address_type>\n"
                f"{p}      <street_address>{esc(a[3])}</street_address>\n"
                f"{p}      <street_address2>{esc(a[4])}</street_address2>\n"
                f"{p}      <zip_code>{esc(a[5])}</zip_code>\n{p}      <city>{esc(a[6])}</city>\n"
                f"{p}      <country>{esc(a[7])}</country>\n{p}    </contact_address>\n"
            )
        out.append(f"{p}  </contact_addresses>\n")
    else:
        out.append(f"{p}  <contact_addresses></contact_addresses>\n")
    if items:
        out.append(f"{p}  <contact_items>\n")
        for i in items:
            phone = f"{p}      <normalized_phone>{esc(i[4])}</normalized_phone>\n" if i[4] else ""
            out.append(
                f"{p}    <contact_item>\n{p}      <id>{i[1]}</id>\n"
                f"{p}      <type_id>{i[2]}</type_id>\n{p}      <value>{esc(i[3])}</value>\n"
                f"{phone}{p}    </contact_item>\n"
            )
        out.append(f"{p}  </contact_items>\n")
    else:
        out.append(f"{p}  <contact_items></contact_items>\n")
    out.append(f"{p}</contact>\n")
    return "".join(out)


def show_xml(row, addresses, items) -> bytes:
    return (PROLOG + contact_xml(row, addresses, items, "")).encode()


def page_xml(rows, addresses, items, pagination) -> bytes:
    current, pages, count, per_page, total = pagination
    out = [PROLOG, '<contacts type="array">\n']
    out += [contact_xml(r, addresses[r[0]], items[r[0]], "  ") for r in rows]
    out.append(
        f"  <pagination>\n    <current_page>{current}</current_page>\n"
        f"    <total_pages>{pages}</total_pages>\n"
        f"    <current_page_items_count>{count}</current_page_items_count>\n"
        f"    <per_page>{per_page}</per_page>\n    <total_count>{total}</total_count>\n"
        "  </pagination>\n</contacts>\n"
    )
    return "".join(out).encode()


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _spelled_out(match) -> str:
    return f"\\u{ord(match.group()):04x}"


def errors_xml(messages) -> bytes:
    lines = [PROLOG, "<errors>\n"]
    lines += [f"  <error>{esc(_XML_ILLEGAL.sub(_spelled_out, m))}</error>\n" for m in messages]
    lines.append("</errors>\n")
    return "".join(lines).encode()


# -- JSON --------------------------------------------------------------------------------


def contact_dict(r, addresses, items) -> dict:
    return {
        "id": r[0],
        "civility_label_id": r[1],
        "last_name": r[2],
        "first_name": r[3],
        "first_last_name": r[4],
        "comment": r[5],
        "job_title": r[6],
        "job_department": r[7],
        "country": r[8],
        "contact_type": r[9],
        "contact_type2": r[10],
        "firm_id": r[11],
        "firm_name": r[12] if r[12] is not None else "",
        "reference": r[13],
        "keywords": r[14],
        "language": r[15],
        "accounting_ref": r[16],
        "accounting_ref_vendor": r[17],
        "contact_origin": r[18],
        "creator_id": r[19],
        "created_at": local(r[20]),
        "updated_at": local(r[21]),
        "contact_addresses": [
            {"id": a[1], "address_type": a[2], "street_address": a[3], "street_address2": a[4],
             "zip_code": a[5], "city": a[6], "country": a[7]}
            for a in addresses
        ],
        "contact_items": [
            {"id": i[1], "type_id": i[2], "value": i[3], "normalized_phone": i[4]} for i in items
        ],
    }


def show_json(row, addresses, items) -> bytes:
    return orjson.dumps(contact_dict(row, addresses, items), option=JSON_OPTIONS)


def page_json(rows, addresses, items, pagination) -> bytes:
    current, pages, count, per_page, total = pagination
    return orjson.dumps(
        {
            "contacts": [contact_dict(r, addresses[r[0]], items[r[0]]) for r in rows],
            "pagination": {"current_page": current, "total_pages": pages,
                           "current_page_items_count": count, "per_page": per_page,
                           "total_count": total},
        },
        option=JSON_OPTIONS,
    )


def errors_json(status: int, title: str, messages) -> bytes:
    return orjson.dumps({"type": "about:blank", "title": title, "status": status,
                         "detail": "; ".join(messages), "errors": list(messages)})
