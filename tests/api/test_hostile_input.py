"""Hostile and wrong request bodies: a clear 4xx, never a 500, and the database untouched.

Also the tolerance real clients rely on (wire-contract W23, W24, W32, W33): what a sloppy
but honest client sends must work.
"""

from __future__ import annotations

import orjson
import pytest
from django.conf import settings
from lxml import etree

from comptoir.core.testing.clients import make_tenant, to_xml
from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm

PROLOG = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class Api:
    """A tenant, its owner's client and one contact to aim updates at."""

    def __init__(self):
        self.tenant = make_tenant("hostile")
        self.other = make_tenant("other")
        self.client = self.tenant.owner_client()
        self.bf = self.tenant.id
        self.firm = self.post_json("firms", {"name": "Atelier Martin"})
        self.contact = self.post_json("contacts", {
            "last_name": "Martin", "first_name": "Élodie", "firm_id": self.firm["id"],
            "contact_items": [{"type_id": 27, "value": "elodie@atelier-martin.fr"}],
            "contact_addresses": [{"city": "Lyon"}],
        })
        self.foreign_firm = self.other.owner_client().post(
            f"/{self.other.id}/firms.json", orjson.dumps({"name": "Autre"}),
            content_type="application/json",
        ).json()

    def post_json(self, plural, data):
        response = self.client.post(f"/{self.bf}/{plural}.json", orjson.dumps(data),
                                    content_type="application/json")
        assert response.status_code == 201, response.content
        return response.json()

    @property
    def collection(self):
        return f"/{self.bf}/contacts"

    @property
    def member(self):
        return f"/{self.bf}/contacts/{self.contact['id']}"

    def counts(self):
        return [model.objects.for_business_file(bf).count()
                for bf in (self.bf, self.other.id)
                for model in (Contact, ContactAddress, ContactItem, Firm)]

    def stored(self):
        return self.client.get(self.member + ".json").json()

    def send(self, method, fmt, body, content_type="application/xml", **extra):
        url = self.collection + f".{fmt}" if method == "post" else self.member + f".{fmt}"
        return self.client.generic(method.upper(), url, body, content_type=content_type, **extra)


@pytest.fixture
def api(db):
    return Api()


def error_messages(response) -> list[str]:
    """The messages of an error answer, checking its shape in either format."""
    if response["Content-Type"].startswith("application/xml"):
        assert response.content.startswith(PROLOG)
        root = etree.fromstring(response.content)
        assert root.tag == "errors"
        assert all(child.tag == "error" for child in root)
        return [child.text for child in root]
    assert response["Content-Type"] == "application/problem+json"
    problem = orjson.loads(response.content)
    assert problem["status"] == response.status_code
    return problem["errors"]


def assert_refused(api, status, method, fmt, body, *, mention="", **kwargs):
    """Send ``body`` by POST or PUT: ``status``, a message, and nothing written."""
    counts, stored = api.counts(), api.stored()
    response = api.send(method, fmt, body, **kwargs)
    assert response.status_code == status, response.content[:500]
    messages = error_messages(response)
    assert messages and all(messages)
    assert mention in " ".join(messages), messages
    assert api.counts() == counts
    assert api.stored() == stored
    return messages


BOTH = pytest.mark.parametrize("method", ["post", "put"])

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<contact><last_name>&lol9;</last_name></contact>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE contact [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<contact><last_name>&xxe;</last_name></contact>
"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE contact [
  <!ENTITY % file SYSTEM "file:///etc/passwd">
  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">
  %remote;
]>
<contact><last_name>x</last_name></contact>
"""
PLAIN_DOCTYPE = b"""<?xml version="1.0"?>
<!DOCTYPE contact SYSTEM "http://127.0.0.1:9/contact.dtd">
<contact><last_name>x</last_name></contact>
"""


# -- entities and document types ---------------------------------------------------------


@BOTH
@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY, PLAIN_DOCTYPE],
                         ids=["billion-laughs", "external-entity", "parameter-entity", "doctype"])
def test_document_type_declarations_are_refused(api, method, body):
    messages = assert_refused(api, 400, method, "xml", body, mention="document type")
    assert "root:" not in " ".join(messages)


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entities_in_utf16_are_refused_too(api, body):
    """The byte-level guard cannot see UTF-16; the parse-level one must."""
    encoded = body.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    assert_refused(api, 400, "post", "xml", encoded.encode("utf-16"), mention="document type")


def test_undefined_entity_is_refused(api):
    body = b"<contact><last_name>Caf&eacute;&nbsp;Martin</last_name></contact>"
    assert_refused(api, 400, "post", "xml", body, mention="eacute")


# -- sizes and shapes ---------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "content_type"), [("xml", "application/xml"),
                                                   ("json", "application/json")])
def test_twenty_megabytes_is_413(api, fmt, content_type):
    filler = b" " * (20 * 1024 * 1024)
    body = (b"<contact><last_name>x</last_name>" + filler + b"</contact>" if fmt == "xml"
            else b'{"last_name": "x"' + filler + b"}")
    assert_refused(api, 413, "post", fmt, body, content_type=content_type)
    assert_refused(api, 413, "put", fmt, body, content_type=content_type)


def test_body_just_over_the_limit_is_413_and_at_the_limit_is_read(api):
    limit = settings.COMPTOIR_MAX_BODY_BYTES
    head = b"<contact><last_name>Limite</last_name><comment>" + b"x" * 9_000_000 + b"</comment>"
    tail = b"</contact>"
    at_limit = head + b"\n" * (limit - len(head) - len(tail)) + tail
    assert_refused(api, 413, "post", "xml", at_limit + b" ")
    response = api.send("post", "xml", at_limit)
    assert response.status_code == 201, response.content[:300]
    assert len(Contact.objects.for_business_file(api.bf).get(last_name="Limite").comment) == (
        9_000_000
    )


def test_text_longer_than_the_parser_takes_is_413(api):
    body = b"<contact><last_name>Long</last_name><comment>" + b"x" * 10_000_001 + b"</comment>"
    body += b"</contact>"
    assert len(body) < settings.COMPTOIR_MAX_BODY_BYTES
    assert_refused(api, 413, "post", "xml", body, mention="10,000,000 characters")


def test_chunked_body_without_content_length_writes_nothing(api):
    """Django reads no body without a Content-Length: refused, never half-read."""
    counts = api.counts()
    body = b"<contact><last_name>x</last_name>" + b" " * (20 * 1024 * 1024) + b"</contact>"
    response = api.send("post", "xml", body, CONTENT_LENGTH="",
                        HTTP_TRANSFER_ENCODING="chunked")
    assert 400 <= response.status_code < 500
    assert error_messages(response)
    assert api.counts() == counts


def test_millions_of_empty_elements_are_refused_before_parsing(api):
    body = b"<contact><last_name>x</last_name>" + b"<a/>" * 2_000_000 + b"</contact>"
    assert len(body) < settings.COMPTOIR_MAX_BODY_BYTES
    assert_refused(api, 413, "post", "xml", body, mention="tags")


@pytest.mark.parametrize("depth", [300, 10_000])
def test_deep_nesting_is_refused(api, depth):
    body = b"<contact>" + b"<a>" * depth + b"</a>" * depth + b"</contact>"
    assert_refused(api, 413, "post", "xml", body, mention="nested deeper than 256 levels")


def test_nesting_within_the_limit_is_read(api):
    body = b"<contact><last_name>Profond</last_name>" + b"<a>" * 250 + b"</a>" * 250
    assert created(api, body + b"</contact>")["last_name"] == "Profond"


def test_deep_json_is_refused(api):
    body = b'{"last_name": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    assert_refused(api, 400, "post", "json", body, content_type="application/json")


# -- malformed and misdirected ------------------------------------------------------------


@BOTH
@pytest.mark.parametrize("body", [
    b"<contact><last_name>Martin</contact>",
    b"<contact><last_name>Dubois & Fils</last_name></contact>",  # C1/C2 never escape
    b"<contact><last_name>a</last_name></contact><contact/>",
    b"<contact><last_name>x</last_name>",
    b"last_name=Martin",
    b'<?xml version="1.0" encoding="x-unknown"?><contact/>',
    b"<contact><last_name>Ram\xe8</last_name></contact>",  # Latin-1 bytes, no declaration
], ids=["unclosed", "raw-ampersand", "two-roots", "truncated", "form", "encoding", "latin1"])
def test_malformed_xml_is_400(api, method, body):
    assert_refused(api, 400, method, "xml", body, mention="malformed XML")


@BOTH
def test_wrong_root_element_is_400(api, method):
    body = to_xml("firms", {"name": "Atelier"})
    assert_refused(api, 400, method, "xml", body, mention="<contact>")


@BOTH
@pytest.mark.parametrize("body", [b"[]", b'[{"last_name": "x"}]', b'"x"', b"42", b"null",
                                  b'{"contact_items": "x"}', b'{"contact_items": [1]}'])
def test_json_that_is_not_an_object_is_400(api, method, body):
    assert_refused(api, 400, method, "json", body, content_type="application/json")


@pytest.mark.parametrize("body", [b"{not json", b'{"last_name": "x",}', b"\xff\xfe{}"])
def test_malformed_json_is_400(api, body):
    assert_refused(api, 400, "post", "json", body, content_type="application/json",
                   mention="malformed JSON")


@BOTH
@pytest.mark.parametrize("body", [b" ", b"\n\n  \t"])
def test_blank_body_is_400(api, method, body):
    assert_refused(api, 400, method, "xml", body, mention="empty")
    assert_refused(api, 400, method, "json", body, content_type="application/json",
                   mention="empty")


@BOTH
def test_empty_body_writes_nothing(api, method):
    for fmt in ("xml", "json"):
        counts, stored = api.counts(), api.stored()
        response = api.send(method, fmt, b"", content_type=f"application/{fmt}")
        if method == "post":
            assert 400 <= response.status_code < 500, response.content
        assert api.counts() == counts
        assert {k: v for k, v in api.stored().items() if k != "updated_at"} == {
            k: v for k, v in stored.items() if k != "updated_at"
        }


@BOTH
def test_empty_body_is_400(api, method):
    assert_refused(api, 400, method, "xml", b"", mention="empty")


@BOTH
def test_text_where_nested_items_belong_is_400(api, method):
    body = b"<contact><last_name>X</last_name><contact_items>oops</contact_items></contact>"
    assert_refused(api, 400, method, "xml", body, mention="contact_item")


@BOTH
@pytest.mark.parametrize("content_type", [
    "image/png", "multipart/form-data; boundary=x", "text/html", "application/octet-stream",
])
def test_unsupported_content_type_is_415(api, method, content_type):
    body = to_xml("contacts", {"last_name": "Image"})
    assert_refused(api, 415, method, "xml", body, content_type=content_type,
                   mention=content_type.split(";")[0])


# -- wrong values ---------------------------------------------------------------------------


@BOTH
@pytest.mark.parametrize(("fields", "field"), [
    ("<civility_label_id>abc</civility_label_id>", "civility_label_id"),
    ("<civility_label_id>99</civility_label_id>", "civility_label_id"),
    ("<firm_id>abc</firm_id>", "firm_id"),
    ("<firm_id>-3</firm_id>", "firm_id"),
    ("<firm_id>1.5</firm_id>", "firm_id"),
    ("<firm_id>99999999999999999999999</firm_id>", "firm_id"),
    ("<contact_type>martian</contact_type>", "contact_type"),
    ("<language>klingon</language>", "language"),
    ("<last_name></last_name>", "last_name"),
    ("<last_name>" + "x" * 151 + "</last_name>", "last_name"),
    ("<contact_items><contact_item><type_id>27</type_id><value>pas un mail</value>"
     "</contact_item></contact_items>", "contact_items[1].value"),
    ("<contact_items><contact_item><type_id>999</type_id><value>x</value></contact_item>"
     "</contact_items>", "contact_items[1].type_id"),
    ("<contact_items><contact_item><type_id>88</type_id><value>06 12</value></contact_item>"
     "<contact_item><type_id>88</type_id><value>allo</value></contact_item>"
     "</contact_items>", "contact_items[2].value"),
    ("<contact_items><contact_item><id>abc</id><type_id>88</type_id><value>0612345678</value>"
     "</contact_item></contact_items>", "contact_items[1].id"),
])
def test_wrong_values_are_422_naming_the_field(api, method, fields, field):
    body = f"<contact><last_name>Valide</last_name>{fields}</contact>"
    messages = assert_refused(api, 422, method, "xml", body.encode())
    assert any(m.startswith(f"{field}: ") for m in messages), messages


@BOTH
def test_firm_of_another_business_file_is_422_like_a_missing_one(api, method):
    foreign = api.foreign_firm["id"]
    body = f"<contact><last_name>X</last_name><firm_id>{foreign}</firm_id></contact>"
    messages = assert_refused(api, 422, method, "xml", body.encode())
    missing = foreign + 1000
    body = f"<contact><last_name>X</last_name><firm_id>{missing}</firm_id></contact>"
    others = assert_refused(api, 422, method, "xml", body.encode())
    assert messages == [f"firm_id: no firm with id {foreign} in this business file"]
    assert others == [m.replace(str(foreign), str(missing)) for m in messages]


@BOTH
@pytest.mark.parametrize("body", [
    b"<contact><last_name>a&#1;b</last_name></contact>",
    b"<contact><last_name>a\x01b</last_name></contact>",
    b"<contact><comment>bip&#x7;</comment></contact>",
    b"<contact><last_name>nul&#0;</last_name></contact>",
    b"<contact><last_name>a&#xFFFE;</last_name></contact>",
    b"<contact><last_name>a&#xD800;</last_name></contact>",
])
def test_control_characters_in_xml_are_422(api, method, body):
    assert_refused(api, 422, method, "xml", body, mention="character XML cannot carry")


@BOTH
@pytest.mark.parametrize(("data", "field"), [
    ({"last_name": "nul\u0000"}, "last_name"),
    ({"last_name": "a\u0001b"}, "last_name"),
    ({"comment": "form\u000cfeed"}, "comment"),
    ({"contact_items": [{"type_id": 88, "value": "06\u001b12 34 56"}]}, "contact_items[1].value"),
    ({"contact_addresses": [{"city": "Ly\u0008on"}]}, "contact_addresses[1].city"),
])
def test_control_characters_in_json_are_422(api, method, data, field):
    body = orjson.dumps({"last_name": "Valide", **data})
    messages = assert_refused(api, 422, method, "json", body, content_type="application/json")
    assert any(m.startswith(f"{field}: ") for m in messages), messages


def test_control_character_quoted_in_an_xml_error_keeps_it_well_formed(api):
    """A JSON body answered in XML: the error may quote the character, spelled out."""
    body = orjson.dumps({"last_name": "X", "contact_type": "client\u0001"})
    messages = assert_refused(api, 422, "post", "xml", body, content_type="application/json")
    assert any(m.startswith("contact_type: ") and "\\u0001" in m for m in messages), messages


# -- tolerance (W23, W24, W32, W33) ---------------------------------------------------------


def created(api, body, content_type="application/xml", fmt="xml"):
    response = api.send("post", fmt, body, content_type=content_type)
    assert response.status_code == 201, response.content
    pk = (etree.fromstring(response.content).findtext("id") if fmt == "xml"
          else response.json()["id"])
    return api.client.get(f"{api.collection}/{pk}.json").json()


def test_duplicated_leaf_keeps_the_last_value(api):
    body = (b"<contact><last_name>Premier</last_name><job_title>A</job_title>"
            b"<last_name>Second</last_name><job_title>B</job_title></contact>")
    contact = created(api, body)
    assert (contact["last_name"], contact["job_title"]) == ("Second", "B")
    body = b"<contact><comment>1</comment><comment>2</comment></contact>"
    response = api.send("put", "xml", body)
    assert response.status_code == 200
    assert api.stored()["comment"] == "2"


def test_unknown_and_read_only_elements_are_ignored(api):
    body = f"""<contact>
      <id>987654</id>
      <business_file_id>{api.other.id}</business_file_id>
      <creator_id>{api.other.owner.pk}</creator_id>
      <created_at>01-01-2000-00-00</created_at>
      <first_last_name>Faux Nom</first_last_name>
      <normalized_phone>1</normalized_phone>
      <unknown><deeper>1</deeper></unknown>
      <last_name>Inconnu</last_name>
      <contact_items><contact_item><type_id>88</type_id><value>06 12 34 56 78</value>
        <normalized_phone>999</normalized_phone><colour>red</colour></contact_item>
        <not_an_item><value>x</value></not_an_item></contact_items>
    </contact>"""
    contact = created(api, body.encode())
    assert contact["id"] != 987654
    assert contact["last_name"] == contact["first_last_name"] == "Inconnu"
    assert contact["creator_id"] == api.tenant.owner.pk
    assert not contact["created_at"].startswith("2000")
    assert [(i["value"], i["normalized_phone"]) for i in contact["contact_items"]] == [
        ("06 12 34 56 78", "0612345678")
    ]
    assert Contact.objects.for_business_file(api.bf).filter(pk=contact["id"]).exists()
    assert api.client.get(f"/{api.other.id}/contacts.json").status_code == 404


@pytest.mark.parametrize("content_type", [
    "application/xml", "text/xml", "text/xml; charset=utf-8", "application/xml;charset=UTF-8",
    "", "UTF-8", "text/plain", "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=UTF-8",
])
def test_xml_accepted_under_every_type_clients_send(api, content_type):
    """W5, and PHP curl's default form type, the bogus ``UTF-8`` or none at all."""
    body = to_xml("contacts", {"last_name": "Envoyé", "first_name": content_type})
    contact = created(api, body.encode(), content_type=content_type)
    assert (contact["last_name"], contact["first_name"]) == ("Envoyé", content_type)


def test_json_without_content_type_on_a_json_url(api):
    contact = created(api, b'{"last_name": "Sans type"}', content_type="", fmt="json")
    assert contact["last_name"] == "Sans type"


def test_body_type_wins_over_the_url_suffix(api):
    contact = created(api, b'{"last_name": "JSON"}', content_type="application/json")
    assert contact["last_name"] == "JSON"
    body = to_xml("contacts", {"last_name": "XML"}).encode()
    contact = created(api, body, fmt="json")
    assert contact["last_name"] == "XML"


@pytest.mark.parametrize("body", [
    b'<contact xmlns="urn:incwo"><last_name>Espace</last_name></contact>',
    b'<i:contact xmlns:i="urn:incwo"><i:last_name>Espace</i:last_name></i:contact>',
])
def test_namespaced_xml(api, body):
    assert created(api, body)["last_name"] == "Espace"


def test_utf8_bom(api):
    body = b"\xef\xbb\xbf" + to_xml("contacts", {"last_name": "Ramè"}).encode()
    assert created(api, body)["last_name"] == "Ramè"
    body = b"\xef\xbb\xbf" + orjson.dumps({"last_name": "Ramè"})
    assert created(api, body, content_type="application/json", fmt="json")["last_name"] == "Ramè"


def test_latin1_body_with_its_declaration(api):
    body = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n'
            "<contact><last_name>Ramè</last_name><comment>déjà vu, ½ €uro? non: «ok»</comment>"
            "</contact>").replace("€", "E")
    contact = created(api, body.encode("iso-8859-1"))
    assert contact["last_name"] == "Ramè"
    assert contact["comment"] == "déjà vu, ½ Euro? non: «ok»"


def test_utf16_body(api):
    body = '<?xml version="1.0" encoding="UTF-16"?><contact><last_name>Ωmega</last_name></contact>'
    assert created(api, body.encode("utf-16"))["last_name"] == "Ωmega"


def test_character_and_predefined_references(api):
    """W24, W33: numeric references and the five predefined entities."""
    body = (b"<contact><last_name>G&#233;n&#233;ral &#x27;&apos;&quot;&amp;&lt;&gt;</last_name>"
            b"<comment>&#x1F600;&#10;fin</comment></contact>")
    contact = created(api, body)
    assert contact["last_name"] == "Général ''\"&<>"
    assert contact["comment"] == "😀\nfin"


def test_whitespace_comments_and_cdata_between_and_inside_elements(api):
    body = (b'<?xml version="1.0" encoding="UTF-8"?>\r\n\r\n<contact>\r\n\r\n'
            b"\t<last_name>\r\n   Dubois   \r\n</last_name>\n\n\n"
            b"  <!-- a comment --><?php echo 1; ?>\n"
            b"  <first_name>Jean<!-- cut -->ne</first_name>\n"
            b"  <comment><![CDATA[<b>gras</b> & co]]></comment>\n"
            b"  <contact_items>\n\n    <contact_item>\n      <type_id> 88 </type_id>\n"
            b"      <value>06 12 34 56 78</value>\n    </contact_item>\n  </contact_items>\n"
            b"</contact>\n\n")
    contact = created(api, b"\n  " + body)
    assert (contact["last_name"], contact["first_name"]) == ("Dubois", "Jeanne")
    assert contact["comment"] == "<b>gras</b> & co"
    assert [(i["type_id"], i["value"]) for i in contact["contact_items"]] == [
        (88, "06 12 34 56 78")
    ]


@pytest.mark.parametrize("value", ["0", "", " 0 "])
def test_firm_id_zero_or_empty_means_no_firm(api, value):
    body = f"<contact><last_name>Seul</last_name><firm_id>{value}</firm_id></contact>"
    assert created(api, body.encode())["firm_id"] is None
    assert api.stored()["firm_id"] == api.firm["id"]
    response = api.send("put", "xml", f"<contact><firm_id>{value}</firm_id></contact>".encode())
    assert response.status_code == 200, response.content
    assert "  <firm_id>0</firm_id>" in response.content.decode().split("\n")
    assert api.stored()["firm_id"] is None


@pytest.mark.parametrize("value", [0, "0", "", None])
def test_firm_id_zero_or_null_in_json_means_no_firm(api, value):
    body = orjson.dumps({"firm_id": value})
    response = api.send("put", "json", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert api.stored()["firm_id"] is None


def test_empty_elements_for_values_that_cannot_be_null_fall_back_to_the_default(api):
    """An empty number, date or boolean means "no value"; without null that is "absent"."""
    body = (b"<contact><last_name>Vide</last_name><civility_label_id></civility_label_id>"
            b"<contact_addresses><contact_address><address_type></address_type>"
            b"<city>Lyon</city></contact_address></contact_addresses></contact>")
    contact = created(api, body)
    assert contact["civility_label_id"] is None
    assert [(a["address_type"], a["city"]) for a in contact["contact_addresses"]] == [
        (21, "Lyon")
    ]
    firm_url = f"/{api.bf}/firms/{api.firm['id']}.xml"
    response = api.client.put(firm_url, b"<firm><can_be_parent>1</can_be_parent></firm>",
                              content_type="application/xml")
    assert response.status_code == 200, response.content
    response = api.client.put(firm_url, b"<firm><can_be_parent></can_be_parent></firm>",
                              content_type="application/xml")
    assert response.status_code == 200, response.content
    assert "  <can_be_parent>1</can_be_parent>" in response.content.decode().split("\n")


def test_delete_with_xml_content_type_and_no_body(api):
    """W32: 200 (never 204) with the object as it was."""
    response = api.client.delete(api.member + ".xml", content_type="application/xml")
    assert response.status_code == 200, response.content
    assert etree.fromstring(response.content).findtext("id") == str(api.contact["id"])
    assert api.client.get(api.member + ".json").status_code == 404


def test_delete_ignores_a_body(api):
    response = api.client.delete(api.member + ".xml", BILLION_LAUGHS,
                                 content_type="application/xml")
    assert response.status_code == 200
    assert api.client.get(api.member + ".json").status_code == 404
