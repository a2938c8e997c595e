"""Which format answers (W4, W5), what is ignored (W3, W10), Basic auth (W1, W2), error bodies.

The URL suffix decides: ``.xml`` answers XML and ``.json`` JSON, whatever ``Accept`` says and
whatever ``Content-Type`` a GET carries. Without a suffix (legacy routes) ``Accept`` chooses,
XML by default, and an ``Accept`` admitting neither is 406 (``comptoir.api.negotiation``).
"""

from __future__ import annotations

import orjson
import pytest
from lxml import etree

from comptoir.core.testing.clients import basic, make_tenant

XML_TYPE = "application/xml; charset=utf-8"
PROLOG = b'<?xml version="1.0" encoding="UTF-8"?>\n'
PASSWORD = "s3cr#t.pa:ss:w.rd#"


@pytest.fixture
def api(db):
    tenant = make_tenant("negotiation", password=PASSWORD)
    client = tenant.owner_client()
    response = client.post(f"/{tenant.id}/contacts.json",
                           orjson.dumps({"last_name": "Martin", "first_name": "Élodie"}),
                           content_type="application/json")
    assert response.status_code == 201
    contact = response.json()
    return {"tenant": tenant, "client": client, "bf": tenant.id, "contact": contact,
            "show": f"/{tenant.id}/contacts/{contact['id']}",
            "list": f"/{tenant.id}/contacts"}


def assert_xml(response, root: str) -> etree._Element:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XML_TYPE
    assert response.content.startswith(PROLOG)
    document = etree.fromstring(response.content)
    assert document.tag == root
    return document


def assert_json(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return orjson.loads(response.content)


ACCEPTS = [None, "*/*", "application/xml", "text/xml", "application/json", "text/html",
           "image/png", "application/json, text/plain, */*", "application/json;q=1.0",
           "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"]


def accept(value) -> dict:
    return {} if value is None else {"HTTP_ACCEPT": value}


# -- the suffix decides ------------------------------------------------------------------


@pytest.mark.parametrize("value", ACCEPTS)
def test_xml_suffix_answers_xml_whatever_accept_says(api, value):
    document = assert_xml(api["client"].get(api["show"] + ".xml", **accept(value)), "contact")
    assert document.findtext("id") == str(api["contact"]["id"])
    assert_xml(api["client"].get(api["list"] + ".xml", **accept(value)), "contacts")


@pytest.mark.parametrize("value", ACCEPTS)
def test_json_suffix_answers_json_whatever_accept_says(api, value):
    assert assert_json(api["client"].get(api["show"] + ".json", **accept(value))) == api["contact"]
    body = assert_json(api["client"].get(api["list"] + ".json", **accept(value)))
    assert body["contacts"] == [api["contact"]]


@pytest.mark.parametrize("content_type", [
    "application/xml", "text/xml", "application/json",
    "application/x-www-form-urlencoded;charset=UTF-8", "UTF-8", "image/png", "",
])
def test_get_ignores_its_content_type(api, content_type):
    client = api["client"]
    extra = {"CONTENT_TYPE": content_type}
    assert_xml(client.get(api["show"] + ".xml", **extra), "contact")
    assert_xml(client.get(api["list"] + ".xml?page=1", **extra), "contacts")
    assert_json(client.get(api["show"] + ".json", **extra))


def test_format_query_parameter_does_not_override_the_suffix(api):
    client = api["client"]
    assert_xml(client.get(api["show"] + ".xml?format=json&r=1234&unknown=x"), "contact")
    assert_json(client.get(api["show"] + ".json?format=xml"))


# -- legacy routes without a suffix ------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "*/*", "application/xml", "text/xml", "application/*",
                                   "text/html,application/xhtml+xml,application/xml;q=0.9,*/*"])
def test_legacy_routes_without_suffix_answer_xml(api, value):
    client, bf, pk = api["client"], api["bf"], api["contact"]["id"]
    assert_xml(client.get(f"/contacts/show/{bf}/{pk}", **accept(value)), "contact")
    assert_xml(client.get(f"/contacts/list/{bf}?page=1", **accept(value)), "contacts")


def test_legacy_routes_with_suffix_follow_the_suffix(api):
    client, bf, pk = api["client"], api["bf"], api["contact"]["id"]
    assert_xml(client.get(f"/contacts/show/{bf}/{pk}.xml", HTTP_ACCEPT="application/json"),
               "contact")
    assert_json(client.get(f"/contacts/show/{bf}/{pk}.json", HTTP_ACCEPT="application/xml"))


def test_legacy_route_without_suffix_answers_json_when_asked(api):
    client, bf, pk = api["client"], api["bf"], api["contact"]["id"]
    response = client.get(f"/contacts/show/{bf}/{pk}", HTTP_ACCEPT="application/json")
    assert assert_json(response) == api["contact"]


@pytest.mark.parametrize("value", ["text/html", "image/png", "text/plain"])
def test_legacy_route_without_suffix_is_406_for_neither_format(api, value):
    client, bf, pk = api["client"], api["bf"], api["contact"]["id"]
    response = client.get(f"/contacts/show/{bf}/{pk}", HTTP_ACCEPT=value)
    assert response.status_code == 406
    assert response["Content-Type"] == XML_TYPE
    assert response.content == (
        PROLOG + b"<errors>\n"
        b"  <error>this server answers application/xml or application/json</error>\n"
        b"</errors>\n"
    )


# -- what is ignored (W3) ----------------------------------------------------------------


def test_unknown_headers_and_cookies_are_ignored(api):
    plain = api["client"].get(api["show"] + ".xml")
    response = api["client"].get(
        api["show"] + ".xml",
        HTTP_X_FACILE_VERSION="2.3.1",
        HTTP_ACCEPT_LANGUAGE="fr",
        HTTP_ACCEPT_CHARSET="ISO-8859-1,utf-8;q=0.7,*;q=0.7",
        HTTP_COOKIE="_session_id=0123456789abcdef; remember_me=1",
        HTTP_USER_AGENT="Jakarta Commons-HttpClient/3.1",
    )
    assert_xml(response, "contact")
    assert response.content == plain.content
    assert "Set-Cookie" not in response


def test_a_session_cookie_alone_is_not_a_credential(api):
    client = api["client"].__class__(HTTP_COOKIE="_session_id=0123456789abcdef")
    response = client.get(api["show"] + ".xml")
    assert response.status_code == 401


# -- Basic authentication (W1, W2) -------------------------------------------------------------


def test_password_with_hash_dot_and_colons_is_split_at_the_first_colon(api):
    tenant = api["tenant"]
    assert ":" in PASSWORD and "#" in PASSWORD and "." in PASSWORD
    client = api["client"].__class__(**basic(tenant.owner.email, PASSWORD))
    assert_xml(client.get(api["show"] + ".xml"), "contact")
    # The whole remainder is the password: a prefix of it is wrong.
    for wrong in (PASSWORD.split(":")[0], PASSWORD.rsplit(":", 1)[0], PASSWORD[:-1]):
        response = api["client"].__class__(**basic(tenant.owner.email, wrong)).get(
            api["show"] + ".xml"
        )
        assert response.status_code == 401
    # UTF-8 passwords work too.
    tenant.owner.set_password("mot:de#passe.é")
    tenant.owner.save()
    client = api["client"].__class__(**basic(tenant.owner.email, "mot:de#passe.é"))
    assert_xml(client.get(api["show"] + ".xml"), "contact")


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("header", [None, "Basic", "Basic !!!", "Basic " + "bm9jb2xvbg==",
                                    "Digest username=x"])
def test_missing_or_bad_credentials_are_401_with_a_basic_challenge(api, fmt, header):
    client = api["client"].__class__()
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = client.get(api["show"] + f".{fmt}", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="')
    if fmt == "xml":
        assert response["Content-Type"] == XML_TYPE
        assert etree.fromstring(response.content).tag == "errors"
    else:
        assert response["Content-Type"] == "application/problem+json"
        assert orjson.loads(response.content)["status"] == 401


# -- error bodies -----------------------------------------------------------------------------


def test_xml_error_body(api):
    response = api["client"].get(f"/{api['bf']}/contacts/987654321.xml",
                                 HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == XML_TYPE
    assert response.content == (
        PROLOG + b"<errors>\n  <error>no contact with id 987654321</error>\n</errors>\n"
    )


def test_json_error_body_is_a_problem_document(api):
    response = api["client"].get(f"/{api['bf']}/contacts/987654321.json",
                                 HTTP_ACCEPT="application/xml")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert orjson.loads(response.content) == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "no contact with id 987654321",
        "errors": ["no contact with id 987654321"],
    }


def test_validation_errors_in_both_formats(api):
    """golden-xml.md's third example, byte for byte, and its JSON twin."""
    body = (b"<contact><first_name>Sans nom</first_name><contact_items><contact_item>"
            b"<type_id>27</type_id><value>elodie@</value></contact_item></contact_items>"
            b"</contact>")
    response = api["client"].post(api["list"] + ".xml", body, content_type="application/xml")
    assert response.status_code == 422
    assert response["Content-Type"] == XML_TYPE
    assert response.content == (
        PROLOG + b"<errors>\n"
        b"  <error>last_name: this field is required</error>\n"
        b"  <error>contact_items[1].value: not a valid e-mail address</error>\n"
        b"</errors>\n"
    )
    response = api["client"].post(api["list"] + ".json", body, content_type="application/xml")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = orjson.loads(response.content)
    assert problem["title"] == "Validation failed"
    assert problem["errors"] == ["last_name: this field is required",
                                 "contact_items[1].value: not a valid e-mail address"]
    assert problem["detail"] == "; ".join(problem["errors"])


def test_error_messages_are_escaped_in_xml(api):
    body = orjson.dumps({"last_name": "X", "contact_type": "<b>&co</b>"})
    response = api["client"].post(api["list"] + ".xml", body, content_type="application/json")
    assert response.status_code == 422
    assert b"&lt;b&gt;&amp;co&lt;/b&gt;" in response.content
    [error] = etree.fromstring(response.content)
    assert error.text.startswith("contact_type: ") and "<b>&co</b>" in error.text


@pytest.mark.parametrize(("method", "status"), [("patch", 405), ("options", 405)])
def test_other_methods_are_refused_cleanly(api, method, status):
    response = getattr(api["client"], method)(api["show"] + ".json")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    response = getattr(api["client"], method)(api["show"] + ".xml")
    assert response.status_code == status
    assert etree.fromstring(response.content).tag == "errors"


def test_unsupported_media_type_is_a_problem_document_on_json(api):
    response = api["client"].post(api["list"] + ".json", b"\x89PNG", content_type="image/png")
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert orjson.loads(response.content)["errors"] == [
        'unsupported media type "image/png" in request'
    ]
