"""The floor (``bench/floor``) answers the product's bytes, on SQLite and on PostgreSQL.

The floor's WSGI application is called in-process on the test database, through its own raw
connection, and compared with the product through Django's test client: same status, body and
headers. The tests are transactional so that each side sees what the other committed. On
SQLite the test database is pytest-django's in-memory one, a shared-cache URI
(``file:memorydb_default?mode=memory&cache=shared``) that a second connection of the same
process opens by name.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path
from urllib.parse import quote

import orjson
import pytest
from django.db import connection
from django.test import Client

from comptoir.core.testing.clients import basic, make_tenant, to_xml
from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from floor.app import FloorApp, basic_header
from floor.sql import parse_database_url

pytestmark = pytest.mark.django_db(transaction=True)
UTC = dt.UTC


def floor_database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/" \
           f"{settings['NAME']}"



# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def data(transactional_db):
    tenant = make_tenant("floor")
    other = make_tenant("other")
    bf = tenant.business_file
    firm = Firm.objects.create(business_file=bf, name="Société Générale & Fils")
    north = Firm.objects.create(business_file=bf, name="Ateliers <Nord>")
    contacts = []

    def contact(**fields):
        c = Contact.objects.create(business_file=bf, **fields)
        contacts.append(c)
        return c

    elodie = contact(civility_label_id=18, last_name="Martin", first_name="Élodie",
                     job_title="Gérante", firm=firm, comment="ligne 1\nligne 2\r\nligne 3",
                     keywords="pain, bio", contact_origin="Salon & foire", language="en")
    ContactAddress.objects.create(business_file=bf, contact=elodie,
                                  street_address="12 rue des Tanneurs", zip_code="69001",
                                  city="Lyon")
    ContactAddress.objects.create(business_file=bf, contact=elodie, address_type=20,
                                  street_address="3 impasse <du> Château & Cie",
                                  street_address2="Bât. B\nporte 2", city="Évian",
                                  country="Suisse")
    for type_id, value in ((27, "elodie@example.fr"), (88, "06 12 34 56 78"),
                           (26, "+33 (0)4.78.00.00.00")):
        ContactItem.objects.create(business_file=bf, contact=elodie, type_id=type_id,
                                   value=value)
    contact(last_name="Dubois & Fils <SARL>", contact_type="supplier",
            comment="séparateurs\u2028unicode\u2029et\x85NEL", country="")
    noel = contact(last_name="Noël", first_name="Zoë", firm=north, civility_label_id=17,
                   contact_type2="partner", reference="R&D-7", accounting_ref="411ZOE")
    ContactItem.objects.create(business_file=bf, contact=noel, type_id=430, value="zoe.noel")
    lonely = contact(last_name="Seul", first_name="")
    ContactAddress.objects.create(business_file=bf, contact=lonely, city="Brest")
    for i in range(4):
        contact(last_name=f"Nom {i}", first_name="Anne", job_department="Ventes")
    # Timestamps across summer and winter time and a day boundary, with microseconds.
    Contact.objects.for_business_file(bf).filter(pk=elodie.pk).update(
        created_at=dt.datetime(2026, 1, 15, 23, 30, 59, 999999, tzinfo=UTC),
        updated_at=dt.datetime(2026, 7, 14, 22, 5, 1, 5, tzinfo=UTC),
    )
    Contact.objects.for_business_file(bf).filter(pk=noel.pk).update(
        created_at=dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
        updated_at=dt.datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),
    )
    # One contact made through the API: its creator is the owner.
    response = tenant.owner_client().post(
        f"/{bf.pk}/contacts.xml",
        data=to_xml("contacts", {"last_name": "Par l'API", "first_name": "Anaïs",
                                 "firm_id": firm.pk,
                                 "contact_items": [{"type_id": 24, "value": "01 02 03"}]}),
        content_type="application/xml",
    )
    assert response.status_code == 201, response.content
    return {"tenant": tenant, "other": other, "bf": bf.pk, "firm": firm.pk,
            "ids": [*(c.pk for c in contacts), int(response["Location"].split("/")[-1][:-4])]}


@pytest.fixture
def floor(data):
    tenant = data["tenant"]
    app = FloorApp(floor_database_url(), credentials=[
        {"authorization": basic_header(tenant.owner.email, tenant.password),
         "user_id": tenant.owner.pk, "business_files": [data["bf"]]},
        {"authorization": f"Bearer {tenant.key}", "user_id": tenant.owner.pk,
         "business_files": [data["bf"]]},
        {"authorization": basic_header(tenant.owner.email, tenant.key),
         "user_id": tenant.owner.pk, "business_files": [data["bf"]]},
        {"authorization": f"Bearer {tenant.read_only_key}", "user_id": tenant.owner.pk,
         "business_files": [data["bf"]], "read_only": True},
        {"authorization": basic_header(tenant.reader.email, tenant.password),
         "user_id": tenant.reader.pk, "business_files": [data["bf"]], "read_only": True},
    ])
    yield app
    app.close()


# -- helpers -------------------------------------------------------------------------------


def call_floor(app, method, url, body=b"", authorization=None, content_type="application/xml"):
    path, _, query = url.partition("?")
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8601", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    if body:
        environ["CONTENT_TYPE"] = content_type
        environ["CONTENT_LENGTH"] = str(len(body))
    if authorization is not None:
        environ["HTTP_AUTHORIZATION"] = authorization
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = {k.lower(): v for k, v in headers}

    chunks = app(environ, start_response)
    return answer["status"], answer["headers"], b"".join(chunks)


def call_product(method, url, body=b"", authorization=None, content_type="application/xml"):
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    if body:
        response = Client().generic(method, url, data=body, content_type=content_type, **extra)
    else:
        response = Client().generic(method, url, **extra)
    return (response.status_code, {k.lower(): v for k, v in response.headers.items()},
            response.content)


def owner(data) -> str:
    return basic(data["tenant"].owner.email, data["tenant"].password)["HTTP_AUTHORIZATION"]


def assert_same(app, method, url, body=b"", authorization=None, content_type="application/xml"):
    floor_answer = call_floor(app, method, url, body, authorization, content_type)
    product_answer = call_product(method, url, body, authorization, content_type)
    assert floor_answer[0] == product_answer[0], (url, floor_answer[2], product_answer[2])
    assert floor_answer[2] == product_answer[2], url
    assert floor_answer[1] == product_answer[1], url
    return floor_answer


MASKS = [
    (re.compile(rb"<id>\d+</id>"), b"<id>N</id>"),
    (re.compile(rb"<(created_at|updated_at)>[0-9-]+</\1>"), rb"<\1>T</\1>"),
    (re.compile(rb'"id":\d+'), b'"id":N'),
    (re.compile(rb'"(created_at|updated_at)":"[^"]+"'), rb'"\1":"T"'),
]


def masked(body: bytes) -> bytes:
    for pattern, replacement in MASKS:
        body = pattern.sub(replacement, body)
    return body


# -- reads ---------------------------------------------------------------------------------


def test_show_is_the_products_bytes(data, floor):
    auth = owner(data)
    for pk in data["ids"]:
        for fmt in ("xml", "json"):
            assert_same(floor, "GET", f"/{data['bf']}/contacts/{pk}.{fmt}", authorization=auth)


def test_show_with_every_kind_of_credential(data, floor):
    tenant, pk = data["tenant"], data["ids"][0]
    for authorization in (f"Bearer {tenant.key}", basic_header(tenant.owner.email, tenant.key),
                          f"Bearer {tenant.read_only_key}",
                          basic_header(tenant.reader.email, tenant.password),
                          "basic " + owner(data).split(" ", 1)[1]):
        status, _, body = assert_same(floor, "GET", f"/{data['bf']}/contacts/{pk}.xml",
                                      authorization=authorization)
        assert status == 200 and b"<first_name>\xc3\x89lodie</first_name>" in body


def test_what_the_writer_must_get_right_is_there(data, floor):
    """The fixtures exercise escaping, time zones and empty collections, or the test is weak."""
    bf, ids = data["bf"], data["ids"]
    _, _, body = call_floor(floor, "GET", f"/{bf}/contacts/{ids[0]}.xml", authorization=owner(data))
    assert b"<comment>ligne 1&#10;ligne 2&#13;&#10;ligne 3</comment>" in body
    assert b"<created_at>16-01-2026-00-30</created_at>" in body  # winter, next day in Paris
    assert b"<updated_at>15-07-2026-00-05</updated_at>" in body  # summer time
    assert b"<normalized_phone>0612345678</normalized_phone>" in body
    _, _, body = call_floor(floor, "GET", f"/{bf}/contacts/{ids[1]}.xml", authorization=owner(data))
    assert b"<contact_addresses></contact_addresses>\n  <contact_items></contact_items>" in body
    assert b"&#8232;unicode&#8233;et&#133;NEL" in body
    assert b"<firm_id>0</firm_id>" in body and b"<creator_id>0</creator_id>" in body
    _, _, body = call_floor(floor, "GET", f"/{bf}/contacts/{ids[2]}.json",
                            authorization=owner(data))
    shown = orjson.loads(body)
    assert shown["created_at"] == "2026-03-29T01:59:59+01:00"
    assert shown["updated_at"] == "2026-03-29T03:00:00+02:00"
    assert shown["firm_name"] == "Ateliers <Nord>"
    assert shown["contact_items"][0]["normalized_phone"] == ""


def test_list_pages_are_the_products_bytes(data, floor):
    bf, auth = data["bf"], owner(data)
    for fmt in ("xml", "json"):
        for query in ("", "?page=1&per_page=3", "?page=2&per_page=3", "?page=4&per_page=3",
                      "?page=9&per_page=3", "?per_page=100000", "?page=2", "?per_page=11",
                      "?per_page=20", "?page=&per_page=", "?page=1&page=2&per_page=4"):
            assert_same(floor, "GET", f"/{bf}/contacts.{fmt}{query}", authorization=auth)
    _, _, body = call_floor(floor, "GET", f"/{bf}/contacts.json?page=2&per_page=3",
                            authorization=auth)
    assert orjson.loads(body)["pagination"] == {
        "current_page": 2, "total_pages": 3, "current_page_items_count": 3, "per_page": 3,
        "total_count": 9,
    }


def test_list_pages_of_a_business_file_with_no_contacts(data, floor):
    bf = data["bf"]
    Contact.objects.for_business_file(bf).delete()
    for fmt in ("xml", "json"):
        assert_same(floor, "GET", f"/{bf}/contacts.{fmt}", authorization=owner(data))
        assert_same(floor, "GET", f"/{bf}/contacts.{fmt}?page=3", authorization=owner(data))


def test_bad_page_parameters_are_the_products_400(data, floor):
    for fmt in ("xml", "json"):
        for query in ("page=abc", "page=0", "per_page=-1", "page=2000000000"):
            status, _, _ = assert_same(floor, "GET", f"/{data['bf']}/contacts.{fmt}?{query}",
                                       authorization=owner(data))
            assert status == 400


def test_filters_are_not_the_floors_job(data, floor):
    status, _, _ = call_floor(floor, "GET", f"/{data['bf']}/contacts.xml?q=martin",
                              authorization=owner(data))
    assert status == 501


# -- access --------------------------------------------------------------------------------


def test_unknown_credentials_are_the_products_401(data, floor):
    tenant, bf, pk = data["tenant"], data["bf"], data["ids"][0]
    for authorization in (None, basic_header(tenant.owner.email, "wrong password"),
                          basic_header("nobody@example.test", tenant.password),
                          "Bearer cpt_unknown", "Basic !!!", "Basic a b", "Token abc",
                          "Basic " + "Ym9ib25seQ=="):  # "bobonly": no colon
        for url in (f"/{bf}/contacts/{pk}.xml", f"/{bf}/contacts.json"):
            status, headers, _ = assert_same(floor, "GET", url, authorization=authorization)
            assert status == 401
            assert headers["www-authenticate"] == 'Basic realm="Comptoir API", charset="UTF-8"'
    status, _, _ = assert_same(floor, "POST", f"/{bf}/contacts.xml",
                               b"<contact><last_name>X</last_name></contact>",
                               authorization=basic_header(tenant.owner.email, "nope"))
    assert status == 401


def test_another_business_file_is_the_products_404(data, floor):
    other = data["other"].id
    for url in (f"/{other}/contacts.xml", f"/{other}/contacts/{data['ids'][0]}.json"):
        status, _, _ = assert_same(floor, "GET", url, authorization=owner(data))
        assert status == 404


def test_unknown_contact_and_unknown_method(data, floor):
    bf, auth = data["bf"], owner(data)
    for fmt in ("xml", "json"):
        assert assert_same(floor, "GET", f"/{bf}/contacts/999999.{fmt}", authorization=auth)[0] \
            == 404
        assert assert_same(floor, "PUT", f"/{bf}/contacts/999999.{fmt}",
                           b"<contact><job_title>CTO</job_title></contact>",
                           authorization=auth)[0] == 404
        assert assert_same(floor, "DELETE", f"/{bf}/contacts.{fmt}", authorization=auth)[0] \
            == 405


def test_read_only_credentials_cannot_write(data, floor):
    tenant, bf = data["tenant"], data["bf"]
    body = b"<contact><last_name>Interdit</last_name></contact>"
    for authorization in (f"Bearer {tenant.read_only_key}",
                          basic_header(tenant.reader.email, tenant.password)):
        status, _, _ = assert_same(floor, "POST", f"/{bf}/contacts.xml", body,
                                   authorization=authorization)
        assert status == 403
        status, _, _ = assert_same(floor, "PUT", f"/{bf}/contacts/{data['ids'][0]}.json", body,
                                   authorization=authorization)
        assert status == 403
    assert not Contact.objects.for_business_file(bf).filter(last_name="Interdit").exists()


# -- writes --------------------------------------------------------------------------------

CREATE = """<?xml version="1.0" encoding="UTF-8"?>
<contact>
  <civility_label_id>18</civility_label_id>
  <last_name>Lefèvre &amp; Fils</last_name>
  <first_name>Chloé</first_name>
  <job_title>Directrice &lt;R&amp;D&gt;</job_title>
  <comment>première ligne&#10;seconde ligne</comment>
  <firm_id>{firm}</firm_id>
  <contact_type>prospect</contact_type>
  <id>424242</id>
  <created_at>01-01-2000-00-00</created_at>
  <unknown_element>ignored</unknown_element>
  <contact_addresses>
    <contact_address>
      <street_address>5 place Bellecour</street_address>
      <zip_code>69002</zip_code>
      <city>Lyon</city>
    </contact_address>
  </contact_addresses>
  <contact_items>
    <contact_item><type_id>27</type_id><value>chloe@example.fr</value></contact_item>
    <contact_item><type_id>88</type_id><value> 06 98 76 54 32 </value></contact_item>
    <contact_item><type_id>430</type_id><value>chloe.skype</value></contact_item>
  </contact_items>
</contact>
"""


def test_create_answers_what_the_product_answers(data, floor):
    bf, auth = data["bf"], owner(data)
    body = CREATE.format(firm=data["firm"]).encode()
    for fmt in ("xml", "json"):
        f_status, f_headers, f_body = call_floor(floor, "POST", f"/{bf}/contacts.{fmt}", body,
                                                 authorization=auth)
        p_status, p_headers, p_body = call_product("POST", f"/{bf}/contacts.{fmt}", body,
                                                   authorization=auth)
        assert (f_status, p_status) == (201, 201), (f_body, p_body)
        assert masked(f_body) == masked(p_body)
        floor_id = int(f_headers.pop("location").split("/")[-1].split(".")[0])
        product_id = int(p_headers.pop("location").split("/")[-1].split(".")[0])
        assert f_headers == p_headers
        assert floor_id not in (424242, product_id)
        # What the floor stored reads back the same through the product, and vice versa.
        for pk in (floor_id, product_id):
            for show_fmt in ("xml", "json"):
                assert_same(floor, "GET", f"/{bf}/contacts/{pk}.{show_fmt}", authorization=auth)
        _, _, shown = call_product("GET", f"/{bf}/contacts/{floor_id}.{fmt}", authorization=auth)
        assert shown == f_body
    created = Contact.objects.for_business_file(bf).get(pk=floor_id)
    assert created.creator_id == data["tenant"].owner.pk
    assert created.country == "France" and created.language == "fr"
    items = list(ContactItem.objects.for_business_file(bf).filter(contact=created)
                 .values_list("value", "normalized_phone", "creator_id", "firm_id"))
    assert items == [("chloe@example.fr", "", created.creator_id, None),
                     ("06 98 76 54 32", "0698765432", created.creator_id, None),
                     ("chloe.skype", "", created.creator_id, None)]
    address = ContactAddress.objects.for_business_file(bf).get(contact=created)
    assert (address.address_type, address.country, address.firm_id) == (21, "France", None)
    assert address.created_at == address.updated_at


def test_a_minimal_create_and_the_location(data, floor):
    bf, auth = data["bf"], owner(data)
    body = b"<contact><last_name>Bref</last_name></contact>"
    # A body without an XML type is read in the format of the URL, as the product does.
    status, headers, answer = call_floor(floor, "POST", f"/{bf}/contacts.xml", body,
                                         authorization=auth, content_type="text/plain")
    assert status == 201 and headers["content-type"] == "application/xml; charset=utf-8"
    pk = int(re.search(rb"<id>(\d+)</id>", answer).group(1))
    assert headers["location"] == f"/{bf}/contacts/{pk}.xml"
    status, headers, answer = call_floor(floor, "POST", f"/{bf}/contacts.json", body,
                                         authorization=auth,
                                         content_type="application/xml; charset=utf-8")
    assert status == 201 and headers["content-type"] == "application/json"
    pk = orjson.loads(answer)["id"]
    assert headers["location"] == f"/{bf}/contacts/{pk}.json"
    assert_same(floor, "GET", f"/{bf}/contacts/{pk}.json", authorization=auth)


def test_update_answers_what_the_product_answers(data, floor):
    bf, auth, pk = data["bf"], owner(data), data["ids"][0]
    before = Contact.objects.for_business_file(bf).get(pk=pk).updated_at
    status, _, f_body = call_floor(floor, "PUT", f"/{bf}/contacts/{pk}.xml",
                                   b"<contact><job_title>CTO</job_title></contact>",
                                   authorization=auth)
    assert status == 200
    assert call_product("GET", f"/{bf}/contacts/{pk}.xml", authorization=auth)[2] == f_body
    after = Contact.objects.for_business_file(bf).get(pk=pk)
    assert after.job_title == "CTO" and after.updated_at > before
    assert after.comment == "ligne 1\nligne 2\r\nligne 3" and after.firm_id == data["firm"]
    # The product's answer to the same update of another contact, masked, is the floor's.
    twin, other_twin = data["ids"][4], data["ids"][5]  # "Nom 0" and "Nom 1"
    for fmt in ("xml", "json"):
        body = b"<contact><job_title>CTO</job_title></contact>"
        f_status, f_headers, f_body = call_floor(floor, "PUT", f"/{bf}/contacts/{twin}.{fmt}",
                                                 body, authorization=auth)
        p_status, p_headers, p_body = call_product(
            "PUT", f"/{bf}/contacts/{other_twin}.{fmt}", body, authorization=auth)
        assert (f_status, p_status) == (200, 200)
        assert masked(f_body) == masked(p_body).replace(b"Nom 1", b"Nom 0")
        assert f_headers == p_headers
        assert_same(floor, "GET", f"/{bf}/contacts/{twin}.{fmt}", authorization=auth)


def test_an_update_replaces_the_collections_it_sends(data, floor):
    bf, auth, pk = data["bf"], owner(data), data["ids"][0]
    kept = ContactItem.objects.for_business_file(bf).filter(contact_id=pk).order_by("id")[1]
    body = f"""<contact>
      <firm_id>0</firm_id>
      <civility_label_id></civility_label_id>
      <contact_addresses></contact_addresses>
      <contact_items>
        <contact_item><id>{kept.pk}</id><type_id>24</type_id><value>04 72 00 00 01</value>
        </contact_item>
        <contact_item><type_id>28</type_id><value>perso@example.fr</value></contact_item>
      </contact_items>
    </contact>""".encode()
    status, _, f_body = call_floor(floor, "PUT", f"/{bf}/contacts/{pk}.xml", body,
                                   authorization=auth)
    assert status == 200, f_body
    assert call_product("GET", f"/{bf}/contacts/{pk}.xml", authorization=auth)[2] == f_body
    contact = Contact.objects.for_business_file(bf).get(pk=pk)
    assert contact.firm_id is None and contact.civility_label_id is None
    assert not ContactAddress.objects.for_business_file(bf).filter(contact=contact).exists()
    items = list(ContactItem.objects.for_business_file(bf).filter(contact=contact)
                 .order_by("id").values_list("id", "type_id", "value", "normalized_phone"))
    assert items[0] == (kept.pk, 24, "04 72 00 00 01", "0472000001")
    assert items[1][1:] == (28, "perso@example.fr", "")
    assert len(items) == 2
    # The product then changes it back: the floor reads the product's write identically.
    status, _, p_body = call_product("PUT", f"/{bf}/contacts/{pk}.json",
                                     f"<contact><firm_id>{data['firm']}</firm_id></contact>"
                                     .encode(), authorization=auth)
    assert status == 200
    assert call_floor(floor, "GET", f"/{bf}/contacts/{pk}.json", authorization=auth)[2] == p_body


@pytest.mark.parametrize("body", [
    b"<contact><first_name>Sans nom</first_name></contact>",
    b"<contact><last_name>  </last_name><job_title>" + b"x" * 151 + b"</job_title></contact>",
    b"<contact><last_name>A</last_name><contact_type>zz</contact_type><language>xx</language>"
    b"<civility_label_id>3</civility_label_id><firm_id>999999</firm_id></contact>",
    b"<contact><last_name>A</last_name><firm_id>abc</firm_id>"
    b"<civility_label_id>abc</civility_label_id></contact>",
    b"<contact><last_name>A</last_name><contact_items><contact_item><type_id>27</type_id>"
    b"<value>pas un e-mail</value></contact_item><contact_item><value>x</value></contact_item>"
    b"<contact_item><type_id>88</type_id><value>abc</value></contact_item><contact_item>"
    b"<type_id>27</type_id><value></value></contact_item></contact_items><contact_addresses>"
    b"<contact_address><address_type>5</address_type></contact_address></contact_addresses>"
    b"</contact>",
    b"<foo/>",
    b"<contact><last_name>A</last_name><contact_items>text</contact_items></contact>",
    b'<?xml version="1.0"?><!DOCTYPE contact [<!ENTITY x "y">]><contact/>',
    b"<contact><last_name>A</last_name>",
    b"<contact><last_name>&undefined;</last_name></contact>",
    b"<contact><last_name>A&#1;</last_name></contact>",
])
def test_rejected_bodies_are_the_products_errors(data, floor, body):
    bf, auth = data["bf"], owner(data)
    count = Contact.objects.for_business_file(bf).count()
    for fmt in ("xml", "json"):
        status, _, _ = assert_same(floor, "POST", f"/{bf}/contacts.{fmt}", body,
                                   authorization=auth)
        assert status in (400, 422)
        if b"first_name" in body:
            continue  # a valid update: the two answers would differ by their updated_at
        status, _, _ = assert_same(floor, "PUT", f"/{bf}/contacts/{data['ids'][0]}.{fmt}", body,
                                   authorization=auth)
        assert status in (400, 422)
    assert Contact.objects.for_business_file(bf).count() == count


def test_unknown_nested_ids_and_odd_bodies(data, floor):
    bf, auth, pk = data["bf"], owner(data), data["ids"][0]
    body = (b"<contact><contact_items><contact_item><id>999999</id><type_id>27</type_id>"
            b"<value>a@b.fr</value></contact_item></contact_items></contact>")
    assert assert_same(floor, "PUT", f"/{bf}/contacts/{pk}.xml", body, authorization=auth)[0] \
        == 422
    assert assert_same(floor, "POST", f"/{bf}/contacts.xml", b"", authorization=auth)[0] == 400
    assert assert_same(floor, "POST", f"/{bf}/contacts.xml", b"<contact/>", authorization=auth,
                       content_type="image/png")[0] == 415
    # A body in JSON is the product's business, not the floor's.
    status, _, _ = call_floor(floor, "POST", f"/{bf}/contacts.json", b'{"last_name": "J"}',
                              authorization=auth, content_type="application/json")
    assert status == 415


# -- configuration -------------------------------------------------------------------------


def test_the_application_reads_its_configuration_from_the_environment(data, monkeypatch):
    tenant, bf, pk = data["tenant"], data["bf"], data["ids"][0]
    monkeypatch.setenv("DATABASE_URL", floor_database_url())
    monkeypatch.setenv("FLOOR_CREDENTIALS", orjson.dumps([
        {"authorization": f"Bearer {tenant.key}", "user_id": tenant.owner.pk,
         "business_files": [bf]},
    ]).decode())
    app = FloorApp()
    try:
        assert_same(app, "GET", f"/{bf}/contacts/{pk}.xml", authorization=f"Bearer {tenant.key}")
        status, _, _ = call_floor(app, "GET", f"/{bf}/contacts/{pk}.xml",
                                  authorization=owner(data))
        assert status == 401
    finally:
        app.close()


def test_database_urls():
    assert parse_database_url("sqlite:////tmp/x/db.sqlite3") == ("sqlite", "/tmp/x/db.sqlite3")
    assert parse_database_url("sqlite:///db.sqlite3") == ("sqlite", "db.sqlite3")
    assert parse_database_url("sqlite://:memory:") == ("sqlite", ":memory:")
    assert parse_database_url("postgres://postgres@127.0.0.1:5432/test") == (
        "postgres", "postgresql://postgres@127.0.0.1:5432/test")
    with pytest.raises(ValueError):
        parse_database_url("mysql://x/y")
