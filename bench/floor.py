"""The floor: the contacts list and show as the wire contract wants them, with nothing else.

Raw ``sqlite3``, hand-written SQL returning tuples, f-strings for the XML. It answers the
same bytes as the product (the harness checks that first); its speed is what our design
could reach if the framework cost nothing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Paris")
UTC = dt.UTC

CONTACT_COLUMNS = """c.id, c.civility_label_id, c.last_name, c.first_name,
    CASE WHEN c.first_name = '' THEN c.last_name ELSE c.first_name || ' ' || c.last_name END,
    c.comment, c.job_title, c.job_department, c.country, c.contact_type, c.contact_type2,
    c.firm_id, f.name, c.reference, c.keywords, c.language, c.accounting_ref,
    c.accounting_ref_vendor, c.contact_origin, c.creator_id, c.created_at, c.updated_at"""
FROM = "FROM crm_contact c LEFT OUTER JOIN crm_firm f ON c.firm_id = f.id"


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
    return s


def ts(value: str) -> str:
    d = dt.datetime.fromisoformat(value).replace(tzinfo=UTC).astimezone(TZ)
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}-{d.hour:02d}-{d.minute:02d}"


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
            phone = f"{p}      <normalized_phone>{i[4]}</normalized_phone>\n" if i[4] else ""
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


PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n'


class Floor:
    def __init__(self, path: str):
        self.db = sqlite3.connect(path, check_same_thread=False)

    def _nested(self, bf: int, ids: list[int]):
        marks = ",".join("?" * len(ids))
        addresses = {i: [] for i in ids}
        items = {i: [] for i in ids}
        for row in self.db.execute(
            "SELECT contact_id, id, address_type, street_address, street_address2, zip_code, "
            f"city, country FROM crm_contactaddress WHERE business_file_id = ? AND contact_id "
            f"IN ({marks}) ORDER BY 1, 2", [bf, *ids]
        ):
            addresses[row[0]].append(row)
        for row in self.db.execute(
            "SELECT contact_id, id, type_id, value, normalized_phone FROM crm_contactitem "
            f"WHERE business_file_id = ? AND contact_id IN ({marks}) ORDER BY 1, 2", [bf, *ids]
        ):
            items[row[0]].append(row)
        return addresses, items

    def show(self, bf: int, pk: int) -> bytes:
        row = self.db.execute(
            f"SELECT {CONTACT_COLUMNS} {FROM} WHERE c.business_file_id = ? AND c.id = ?",
            (bf, pk),
        ).fetchone()
        addresses, items = self._nested(bf, [row[0]])
        return (PROLOG + contact_xml(row, addresses[row[0]], items[row[0]], "")).encode()

    def page(self, bf: int, page: int, per_page: int) -> bytes:
        rows = self.db.execute(
            f"SELECT {CONTACT_COLUMNS} {FROM} WHERE c.business_file_id = ? ORDER BY c.id "
            "LIMIT ? OFFSET ?", (bf, per_page, (page - 1) * per_page),
        ).fetchall()
        ids = [r[0] for r in rows]
        addresses, items = self._nested(bf, ids) if ids else ({}, {})
        total = self.db.execute(
            "SELECT COUNT(*) FROM crm_contact WHERE business_file_id = ?", (bf,)
        ).fetchone()[0]
        out = [PROLOG, '<contacts type="array">\n']
        out += [contact_xml(r, addresses[r[0]], items[r[0]], "  ") for r in rows]
        out.append(
            f"  <pagination>\n    <current_page>{page}</current_page>\n"
            f"    <total_pages>{max(1, -(-total // per_page))}</total_pages>\n"
            f"    <current_page_items_count>{len(rows)}</current_page_items_count>\n"
            f"    <per_page>{per_page}</per_page>\n    <total_count>{total}</total_count>\n"
            "  </pagination>\n</contacts>\n"
        )
        return "".join(out).encode()
