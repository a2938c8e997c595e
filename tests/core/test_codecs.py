"""The XML and JSON codecs: exact bytes, value formats and round trips.

Golden documents are written out in full (golden-xml.md's layout, ContactResource's field set
and order); ids are formatted in and timestamps pinned with a queryset update. Hypothesis
then sends arbitrary legal text through the whole stack (XML in, XML and JSON out) and
through the generated writer and the parser alone.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from decimal import Decimal

import orjson
import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from comptoir.core import inbound, wire, xmlparser
from comptoir.core.readpath import compiled
from comptoir.core.registry import registry
from comptoir.core.testing.clients import make_tenant, to_xml
from comptoir.crm.choices import EMAIL_TYPES, PHONE_TYPES, Civility, Language, PartyType
from comptoir.crm.models import Contact, Firm
from comptoir.crm.services import is_email, normalize_phone

CREATED = dt.datetime(2026, 11, 3, 8, 41, 17, 250_000, tzinfo=dt.UTC)  # 09:41 in Paris
UPDATED = dt.datetime(2026, 11, 28, 16, 5, 59, tzinfo=dt.UTC)  # 17:05, seconds cut, not rounded
XML_TYPE = "application/xml; charset=utf-8"

MARTIN = {
    "civility_label_id": 18,
    "last_name": "Martin",
    "first_name": "Élodie",
    "job_title": "Gérante",
    "job_department": "Direction",
    "country": "France",
    "contact_type": "client",
    "reference": "C-0012",
    "keywords": "atelier, cuir",
    "language": "fr",
    "contact_addresses": [
        {"address_type": 21, "street_address": "12 rue des Tanneurs", "street_address2": "",
         "zip_code": "69001", "city": "Lyon", "country": "France"},
    ],
    "contact_items": [
        {"type_id": 27, "value": "elodie.martin@atelier-martin.fr"},
        {"type_id": 88, "value": "06 12 34 56 78"},
    ],
}
DUBOIS = {
    "last_name": "Dubois & Fils <SARL>",
    "contact_type": "supplier",
    "comment": "ligne 1\nligne 2 & <fin>",
}


def pin_timestamps(model, bf, pk, created=CREATED, updated=UPDATED) -> None:
    model.objects.for_business_file(bf).filter(pk=pk).update(created_at=created,
                                                             updated_at=updated)


def create(client, bf, plural, data) -> dict:
    response = client.post(f"/{bf}/{plural}.xml", to_xml(plural, data),
                           content_type="application/xml")
    assert response.status_code == 201, response.content
    pk = int(response.content.decode().split("\n")[2][6:-5])
    return client.get(f"/{bf}/{plural}/{pk}.json").json()


@pytest.fixture
def world(db):
    """A tenant with a firm, two small contacts, Martin (full) and Dubois (no firm)."""
    tenant = make_tenant("golden")
    client = tenant.owner_client()
    bf = tenant.id
    firm = create(client, bf, "firms", {"name": "Atelier Martin", "siren": "732829320"})
    pin_timestamps(Firm, bf, firm["id"])
    contacts = [
        create(client, bf, "contacts", {"last_name": "Roux"}),
        create(client, bf, "contacts", {"last_name": "Bernard"}),
        create(client, bf, "contacts", {**MARTIN, "firm_id": firm["id"]}),
        create(client, bf, "contacts", DUBOIS),
    ]
    for contact in contacts:
        pin_timestamps(Contact, bf, contact["id"])
    return {"tenant": tenant, "client": client, "bf": bf, "firm": firm, "contacts": contacts,
            "uid": tenant.owner.pk}


def martin_xml(martin: dict, firm: dict, uid: int, pad: str = "") -> str:
    address = martin["contact_addresses"][0]["id"]
    email, mobile = (i["id"] for i in martin["contact_items"])
    text = f"""\
<contact>
  <id>{martin["id"]}</id>
  <civility_label_id>18</civility_label_id>
  <last_name>Martin</last_name>
  <first_name>Élodie</first_name>
  <first_last_name>Élodie Martin</first_last_name>
  <comment></comment>
  <job_title>Gérante</job_title>
  <job_department>Direction</job_department>
  <country>France</country>
  <contact_type>client</contact_type>
  <contact_type2></contact_type2>
  <firm_id>{firm["id"]}</firm_id>
  <firm_name>Atelier Martin</firm_name>
  <reference>C-0012</reference>
  <keywords>atelier, cuir</keywords>
  <language>fr</language>
  <accounting_ref></accounting_ref>
  <accounting_ref_vendor></accounting_ref_vendor>
  <contact_origin></contact_origin>
  <creator_id>{uid}</creator_id>
  <created_at>03-11-2026-09-41</created_at>
  <updated_at>28-11-2026-17-05</updated_at>
  <contact_addresses>
    <contact_address>
      <id>{address}</id>
      <address_type>21</address_type>
      <street_address>12 rue des Tanneurs</street_address>
      <street_address2></street_address2>
      <zip_code>69001</zip_code>
      <city>Lyon</city>
      <country>France</country>
    </contact_address>
  </contact_addresses>
  <contact_items>
    <contact_item>
      <id>{email}</id>
      <type_id>27</type_id>
      <value>elodie.martin@atelier-martin.fr</value>
    </contact_item>
    <contact_item>
      <id>{mobile}</id>
      <type_id>88</type_id>
      <value>06 12 34 56 78</value>
      <normalized_phone>0612345678</normalized_phone>
    </contact_item>
  </contact_items>
</contact>
"""
    return "".join(pad + line + "\n" for line in text.splitlines())


# -- golden bytes ---------------------------------------------------------------------------


def test_contact_show_is_byte_exact(world):
    martin = world["contacts"][2]
    response = world["client"].get(f"/{world['bf']}/contacts/{martin['id']}.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == XML_TYPE
    expected = '<?xml version="1.0" encoding="UTF-8"?>\n' + martin_xml(
        martin, world["firm"], world["uid"]
    )
    assert response.content.decode() == expected
    assert response.content == expected.encode("utf-8")  # raw UTF-8, no character references


def test_contact_show_json_twin(world):
    martin, firm, uid = world["contacts"][2], world["firm"], world["uid"]
    response = world["client"].get(f"/{world['bf']}/contacts/{martin['id']}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    address = martin["contact_addresses"][0]["id"]
    email, mobile = (i["id"] for i in martin["contact_items"])
    assert orjson.loads(response.content) == {
        "id": martin["id"],
        "civility_label_id": 18,
        "last_name": "Martin",
        "first_name": "Élodie",
        "first_last_name": "Élodie Martin",
        "comment": "",
        "job_title": "Gérante",
        "job_department": "Direction",
        "country": "France",
        "contact_type": "client",
        "contact_type2": "",
        "firm_id": firm["id"],
        "firm_name": "Atelier Martin",
        "reference": "C-0012",
        "keywords": "atelier, cuir",
        "language": "fr",
        "accounting_ref": "",
        "accounting_ref_vendor": "",
        "contact_origin": "",
        "creator_id": uid,
        "created_at": "2026-11-03T09:41:17+01:00",
        "updated_at": "2026-11-28T17:05:59+01:00",
        "contact_addresses": [
            {"id": address, "address_type": 21, "street_address": "12 rue des Tanneurs",
             "street_address2": "", "zip_code": "69001", "city": "Lyon", "country": "France"},
        ],
        "contact_items": [
            {"id": email, "type_id": 27, "value": "elodie.martin@atelier-martin.fr",
             "normalized_phone": ""},
            {"id": mobile, "type_id": 88, "value": "06 12 34 56 78",
             "normalized_phone": "0612345678"},
        ],
    }


def test_contact_without_firm_or_civility_json(world):
    dubois = world["contacts"][3]
    body = world["client"].get(f"/{world['bf']}/contacts/{dubois['id']}.json").json()
    assert body["firm_id"] is None
    assert body["firm_name"] == ""
    assert body["civility_label_id"] is None
    assert body["comment"] == "ligne 1\nligne 2 & <fin>"
    assert body["contact_addresses"] == []
    assert body["contact_items"] == []


def test_contact_list_page_is_byte_exact(world):
    _, _, martin, dubois = world["contacts"]
    response = world["client"].get(f"/{world['bf']}/contacts.xml?page=2&per_page=2&r=17")
    assert response.status_code == 200
    assert response["Content-Type"] == XML_TYPE
    expected = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<contacts type="array">\n'
        + martin_xml(martin, world["firm"], world["uid"], pad="  ")
        + f"""\
  <contact>
    <id>{dubois["id"]}</id>
    <last_name>Dubois &amp; Fils &lt;SARL&gt;</last_name>
    <first_name></first_name>
    <first_last_name>Dubois &amp; Fils &lt;SARL&gt;</first_last_name>
    <comment>ligne 1&#10;ligne 2 &amp; &lt;fin&gt;</comment>
    <job_title></job_title>
    <job_department></job_department>
    <country>France</country>
    <contact_type>supplier</contact_type>
    <contact_type2></contact_type2>
    <firm_id>0</firm_id>
    <firm_name></firm_name>
    <reference></reference>
    <keywords></keywords>
    <language>fr</language>
    <accounting_ref></accounting_ref>
    <accounting_ref_vendor></accounting_ref_vendor>
    <contact_origin></contact_origin>
    <creator_id>{world["uid"]}</creator_id>
    <created_at>03-11-2026-09-41</created_at>
    <updated_at>28-11-2026-17-05</updated_at>
    <contact_addresses></contact_addresses>
    <contact_items></contact_items>
  </contact>
  <pagination>
    <current_page>2</current_page>
    <total_pages>2</total_pages>
    <current_page_items_count>2</current_page_items_count>
    <per_page>2</per_page>
    <total_count>4</total_count>
  </pagination>
</contacts>
"""
    )
    assert response.content.decode() == expected


def test_contact_list_json_twin(world):
    _, _, martin, dubois = world["contacts"]
    client, bf = world["client"], world["bf"]
    body = client.get(f"/{bf}/contacts.json?page=2&per_page=2").json()
    assert list(body) == ["contacts", "pagination"]
    assert body["contacts"] == [client.get(f"/{bf}/contacts/{c['id']}.json").json()
                                for c in (martin, dubois)]
    assert body["pagination"] == {"current_page": 2, "total_pages": 2,
                                  "current_page_items_count": 2, "per_page": 2,
                                  "total_count": 4}


def test_empty_collection_list(db):
    tenant = make_tenant("empty")
    response = tenant.owner_client().get(f"/{tenant.id}/contacts.xml")
    assert response.content.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<contacts type="array">\n'
        "  <pagination>\n"
        "    <current_page>1</current_page>\n"
        "    <total_pages>1</total_pages>\n"
        "    <current_page_items_count>0</current_page_items_count>\n"
        f"    <per_page>{django_settings.COMPTOIR_PAGE_SIZE}</per_page>\n"
        "    <total_count>0</total_count>\n"
        "  </pagination>\n"
        "</contacts>\n"
    )


def test_firm_without_items_is_byte_exact(world):
    firm = world["firm"]
    response = world["client"].get(f"/{world['bf']}/firms/{firm['id']}.xml")
    assert response.status_code == 200
    assert response.content.decode() == f"""\
<?xml version="1.0" encoding="UTF-8"?>
<firm>
  <id>{firm["id"]}</id>
  <name>Atelier Martin</name>
  <firm_type>client</firm_type>
  <firm_type2></firm_type2>
  <siren>732829320</siren>
  <tva></tva>
  <parent_firm_id>0</parent_firm_id>
  <can_be_parent>0</can_be_parent>
  <comment></comment>
  <reference></reference>
  <keywords></keywords>
  <language>fr</language>
  <accounting_ref></accounting_ref>
  <accounting_ref_vendor></accounting_ref_vendor>
  <creator_id>{world["uid"]}</creator_id>
  <created_at>03-11-2026-09-41</created_at>
  <updated_at>28-11-2026-17-05</updated_at>
  <contact_addresses></contact_addresses>
  <contact_items></contact_items>
</firm>
"""
    body = world["client"].get(f"/{world['bf']}/firms/{firm['id']}.json").json()
    assert body["parent_firm_id"] is None
    assert body["can_be_parent"] is False
    assert body["contact_items"] == []


def test_summer_time_is_plus_two_hours(world):
    roux = world["contacts"][0]
    summer = dt.datetime(2026, 7, 14, 8, 41, tzinfo=dt.UTC)
    pin_timestamps(Contact, world["bf"], roux["id"], created=summer, updated=summer)
    client, url = world["client"], f"/{world['bf']}/contacts/{roux['id']}"
    lines = client.get(url + ".xml").content.decode().split("\n")
    assert "  <created_at>14-07-2026-10-41</created_at>" in lines
    assert client.get(url + ".json").json()["created_at"] == "2026-07-14T10:41:00+02:00"


def test_comment_with_newline_and_markup_round_trips(world):
    client, bf = world["client"], world["bf"]
    dubois = world["contacts"][3]
    url = f"/{bf}/contacts/{dubois['id']}"
    document = client.get(url + ".xml").content
    lines = document.decode().split("\n")
    assert "  <comment>ligne 1&#10;ligne 2 &amp; &lt;fin&gt;</comment>" in lines
    assert etree.fromstring(document).findtext("comment") == DUBOIS["comment"]
    # A client that GETs, edits nothing and PUTs the whole document back changes nothing.
    response = client.put(url + ".xml", document, content_type="application/xml")
    assert response.status_code == 200, response.content
    assert client.get(url + ".json").json()["comment"] == DUBOIS["comment"]
    again = client.get(url + ".xml").content.decode().split("\n")
    assert [line for line in again if "updated_at" not in line] == [
        line for line in lines if "updated_at" not in line
    ]


def test_whole_document_put_back_keeps_nested_items(world):
    client, bf = world["client"], world["bf"]
    url = f"/{bf}/contacts/{world['contacts'][2]['id']}"
    before = client.get(url + ".json").json()
    document = client.get(url + ".xml").content
    assert client.put(url + ".xml", document, content_type="application/xml").status_code == 200
    after = client.get(url + ".json").json()
    assert after["updated_at"] != before["updated_at"]
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


# -- value formats ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "places", "xml", "json"), [
    (Decimal("800"), 1, "800.0", "800.0"),
    (Decimal("0"), 2, "0.00", "0.00"),
    (Decimal("3.5"), 9, "3.500000000", "3.500000000"),
    (Decimal("0"), 9, "0.000000000", "0.000000000"),  # str() gives 0E-9
    (Decimal("0.0000001"), 9, "0.000000100", "0.000000100"),  # str() gives 1.00E-7
    (Decimal("1E+3"), 0, "1000.0", "1000"),
    (12.5, 2, "12.50", "12.50"),  # SQLite hands back floats
    (1e16, 0, "10000000000000000.0", "10000000000000000"),  # repr() is 1e+16
    (5, 0, "5.0", "5"),
])
def test_decimals_are_fixed_point(value, places, xml, json):
    assert wire.xml_decimal(value, places) == xml
    assert wire.json_decimal(value, places) == json
    assert float(xml) == float(Decimal(json))


def test_scalar_formats():
    assert wire.json_decimal(None, 2) is None
    assert (wire.xml_int(None), wire.xml_int(7)) == ("0", "7")
    assert (wire.xml_bool(True), wire.xml_bool(False), wire.xml_bool(None)) == ("1", "0", "0")
    assert wire.xml_text(None) == ""
    assert wire.xml_date(dt.date(2026, 3, 4)) == "04-03-2026"
    assert wire.xml_date("2026-03-04") == "04-03-2026"
    naive_utc = dt.datetime(2026, 12, 31, 23, 30)  # SQLite: naive UTC, already next year here
    assert wire.xml_datetime(naive_utc) == "01-01-2027-00-30"
    assert wire.xml_datetime("2026-06-01 10:00:00+00:00") == "01-06-2026-12-00"
    assert wire.json_datetime(naive_utc).isoformat() == "2027-01-01T00:30:00+01:00"


@pytest.mark.parametrize(("text", "escaped"), [
    ("Dubois & Fils <SARL>", "Dubois &amp; Fils &lt;SARL&gt;"),
    ("a\r\nb", "a&#13;&#10;b"),
    ("guillemets \" et ' restent", "guillemets \" et ' restent"),
    ("]]>", "]]&gt;"),
    ("Ramè 😀", "Ramè 😀"),
    ("fin\x85de ligne\u2028et\u2029paragraphe", "fin&#133;de ligne&#8232;et&#8233;paragraphe"),
])
def test_xml_escape(text, escaped):
    assert wire.xml_escape(text) == escaped
    assert len(escaped.splitlines()) == 1
    assert etree.fromstring(f"<a>{escaped}</a>".encode()).text == text


@pytest.mark.parametrize(("text", "expected"), [
    ("03-11-2026-09-41", dt.datetime(2026, 11, 3, 9, 41)),
    ("03-11-2026", dt.datetime(2026, 11, 3)),
    ("2026-11-03T08:41:00Z", dt.datetime(2026, 11, 3, 9, 41)),
])
def test_datetime_input(text, expected):
    parsed = wire.parse_datetime_input(f"  {text} ")
    assert parsed.astimezone(wire.local_tz()).replace(tzinfo=None) == expected
    assert wire.parse_datetime_input("  ") is None


# -- round trips ----------------------------------------------------------------------------

# XML 1.0 characters (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]):
# every assigned character but the C0/C1 controls and surrogates, plus the legal controls
# and the characters escaping must get right.
XML_CHARS = st.characters(exclude_categories=("Cs", "Cc", "Cn"))
SPECIALS = st.sampled_from(
    [*"&<>\"';#\t\néèçÀœŒ€\xa0\x7f\x85\x9f\u2028\u2029\ufdd0\ufffd😀", "👩‍💻", "]]>", "&amp;",
     "&#10;"]
)


def xml_text(max_size: int, min_size: int = 0, newline: bool = True):
    """Legal text without surrounding whitespace (the parser strips it, as does DRF)."""
    # No \r: to_xml sends it raw and XML reads a raw \r as \n (the writer sends &#13;).
    chars = st.one_of(XML_CHARS, SPECIALS) if newline else XML_CHARS
    strategy = st.lists(chars, min_size=min_size, max_size=max_size).map("".join).map(str.strip)
    return strategy.filter(lambda s: min_size <= len(s) <= max_size)


EMAILS = st.emails().filter(lambda e: len(e) <= 255 and is_email(e))
PHONES = st.from_regex(r"\A\+?[0-9]{2,4}([ .\-]?[0-9]{2,4}){1,4}\Z")
ITEMS = st.lists(
    st.one_of(
        st.builds(lambda t, v: {"type_id": t, "value": v}, st.sampled_from(sorted(EMAIL_TYPES)),
                  EMAILS),
        st.builds(lambda t, v: {"type_id": t, "value": v}, st.sampled_from(sorted(PHONE_TYPES)),
                  PHONES),
    ),
    max_size=3,
)
ADDRESSES = st.lists(
    st.fixed_dictionaries({
        "address_type": st.sampled_from([20, 21, 22]),
        "street_address": xml_text(255),
        "street_address2": xml_text(255),
        "zip_code": xml_text(20, newline=False),
        "city": xml_text(100),
        "country": xml_text(100),
    }),
    max_size=2,
)
CONTACTS = st.fixed_dictionaries(
    {
        "last_name": xml_text(150, min_size=1),
        "civility_label_id": st.sampled_from(Civility.values()),
        "contact_type": st.sampled_from(PartyType.values()),
        "language": st.sampled_from(Language.values()),
    },
    optional={
        "first_name": xml_text(150),
        "comment": xml_text(2000),
        "job_title": xml_text(150),
        "job_department": xml_text(150),
        "country": xml_text(100),
        "contact_type2": st.sampled_from(["", *PartyType.values()]),
        "reference": xml_text(100),
        "keywords": xml_text(500),
        "accounting_ref": xml_text(50),
        "accounting_ref_vendor": xml_text(50),
        "contact_origin": xml_text(150),
        "contact_addresses": ADDRESSES,
        "contact_items": ITEMS,
    },
)


def check_sent_equals_read(sent: dict, xml_doc: etree._Element, json_doc: dict) -> None:
    for name, value in sent.items():
        if isinstance(value, list):
            singular = registry["contacts"].nested_by_plural(name).singular
            xml_items = xml_doc.find(name).findall(singular)
            assert len(xml_items) == len(json_doc[name]) == len(value), name
            for item, xml_item, json_item in zip(value, xml_items, json_doc[name], strict=True):
                for key, item_value in item.items():
                    assert xml_item.findtext(key) == str(item_value), f"{name}.{key}"
                    assert json_item[key] == item_value, f"{name}.{key}"
                if item.get("type_id") in PHONE_TYPES:
                    assert json_item["normalized_phone"] == normalize_phone(item["value"])
            continue
        assert xml_doc.findtext(name) == str(value), name
        assert json_doc[name] == value, name
    first, last = sent.get("first_name", ""), sent["last_name"]
    assert json_doc["first_last_name"] == (f"{first} {last}" if first else last)


@pytest.fixture
def tenant(db):
    return make_tenant("hypothesis")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contact=CONTACTS)
def test_contact_round_trips_through_the_api(tenant, contact):
    client, bf = tenant.owner_client(), tenant.id
    response = client.post(f"/{bf}/contacts.xml", to_xml("contacts", contact),
                           content_type="application/xml")
    assert response.status_code == 201, response.content
    created = etree.fromstring(response.content)
    pk = created.findtext("id")
    xml_response = client.get(f"/{bf}/contacts/{pk}.xml")
    assert xml_response.content == response.content
    lines = xml_response.content.decode().split("\n")
    assert all(line.count("<") <= 2 for line in lines), "one leaf per line"
    json_doc = client.get(f"/{bf}/contacts/{pk}.json").json()
    check_sent_equals_read(contact, etree.fromstring(xml_response.content), json_doc)
    # The same payload in JSON is stored identically.
    response = client.post(f"/{bf}/contacts.json", orjson.dumps(contact),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    twin = response.json()
    for name in contact:
        if name in ("contact_addresses", "contact_items"):
            strip_ids = [{k: v for k, v in i.items() if k != "id"} for i in twin[name]]
            assert strip_ids == [{k: v for k, v in i.items() if k != "id"}
                                 for i in json_doc[name]]
        else:
            assert twin[name] == json_doc[name], name


# The pure codec: generated writer -> hardened parser -> inbound data, no HTTP and no database.

LEAF = re.compile(r"^( {2})*<([a-z_0-9]+)>[^<\n]*</\2>$")
TAG = re.compile(r"^( {2})*</?[a-z_0-9]+>$")


def unit_text(max_size: int):
    return st.lists(st.one_of(XML_CHARS, SPECIALS, st.just("\r")), max_size=max_size).map(
        "".join
    ).map(str.strip)


@st.composite
def contact_rows(draw):
    resource = registry["contacts"]
    row = []
    for field in resource.wire_fields:
        if field.kind == "text":
            row.append(draw(unit_text(60)))
        elif field.kind in ("int", "link"):
            row.append(draw(st.one_of(st.none(), st.integers(1, 2**63 - 1)))
                       if field.name != "id" else draw(st.integers(1, 2**31)))
        elif field.kind == "datetime":
            row.append(draw(st.datetimes(min_value=dt.datetime(1970, 1, 2),
                                         max_value=dt.datetime(2999, 12, 30),
                                         timezones=st.just(dt.UTC))))
        else:
            raise AssertionError(f"no row strategy for {field.kind}")
    items = draw(st.lists(st.tuples(st.integers(1, 99), st.sampled_from(sorted(PHONE_TYPES)),
                                    unit_text(40), unit_text(20)), max_size=3))
    items = [(row[0], pk, t, v, n) for pk, t, v, n in items]
    return tuple(row), [], items


@settings(max_examples=100, deadline=None)
@given(rows=contact_rows())
def test_writer_output_parses_back_to_the_same_values(rows):
    resource = registry["contacts"]
    row, addresses, items = rows
    writers = compiled(resource).writers
    document = '<?xml version="1.0" encoding="UTF-8"?>\n' + writers.xml_show(row, addresses, items)
    for line in document.splitlines()[1:]:  # every way of cutting lines sees one leaf a line
        assert LEAF.match(line) or TAG.match(line), repr(line)
    root = xmlparser.parse(document.encode())
    data = inbound.from_xml(resource, root)
    leaves = root.leaves()
    for index, field in enumerate(resource.wire_fields):
        value = row[index]
        if field.kind == "text":
            assert leaves[field.name] == value, field.name
            if not field.read_only:
                assert data[field.name] == value, field.name
        elif field.kind == "link":
            assert leaves[field.name] == str(value or 0), field.name
            if not field.read_only:
                assert data[field.name] == (None if value is None else str(value))
        elif field.kind == "int":
            assert leaves.get(field.name) == (None if value is None else str(value)), field.name
        else:
            assert leaves[field.name] == wire.xml_datetime(value), field.name
    assert [
        (int(i["id"]), int(i["type_id"]), i["value"]) for i in data["contact_items"]
    ] == [(pk, t, v) for _, pk, t, v, _ in items]
    assert data["contact_addresses"] == []
    # The JSON builder carries the same values.
    as_json = orjson.loads(orjson.dumps(writers.json_object(row, addresses, items)))
    for index, field in enumerate(resource.wire_fields):
        if field.kind == "text":
            assert as_json[field.name] == row[index]


def test_writer_layout_of_the_printable_ascii_range():
    """Every printable ASCII character, in every text field, still gives one leaf a line."""
    resource = registry["contacts"]
    text = string.digits + string.ascii_letters + string.punctuation + " \t\r\n" + "end"
    values = {"text": text, "int": 17, "link": 1, "datetime": CREATED}
    row = tuple(values[f.kind] for f in resource.wire_fields)
    document = compiled(resource).writers.xml_show(row, [], [])
    assert len(document.splitlines()) == len(resource.wire_fields) + 4
    assert etree.fromstring(document.encode()).findtext("comment") == text
