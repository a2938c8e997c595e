"""The caller's business files: ``/business_files.xml|json`` and the mobile apps' W37 probe."""

from __future__ import annotations

import orjson
import pytest
from django.test import Client
from lxml import etree

from comptoir.core.testing.clients import basic, bearer, make_tenant
from comptoir.tenancy.models import ApiKey, BusinessFile, Membership, Role

pytestmark = pytest.mark.django_db

LEGACY = "/account/index/0.xml?target=incwo_erp"


@pytest.fixture
def setup():
    """The owner of A is also a member of C; B belongs to someone else."""
    a, b = make_tenant("a"), make_tenant("b")
    c = BusinessFile.objects.create(name="Café & Co <Lyon>", api_enabled=True)
    Membership.objects.create(user=a.owner, business_file=c, role=Role.MEMBER)
    return a, b, c


def listed(response) -> list[tuple[int, str]]:
    assert response.status_code == 200, response.content
    root = etree.fromstring(response.content)
    assert root.tag == "business_files"
    items = root.findall("business_file")
    for item in items:
        assert [child.tag for child in item] == ["id", "name"]
    return [(int(item.findtext("id")), item.findtext("name")) for item in items]


def test_xml_lists_only_the_callers_business_files(setup):
    a, b, c = setup
    response = Client(**basic(a.owner.email, a.password)).get("/business_files.xml")
    assert response["Content-Type"].startswith("application/xml")
    assert listed(response) == [(a.id, "Entreprise a"), (c.pk, "Café & Co <Lyon>")]
    root = etree.fromstring(response.content)
    assert root.get("type") == "array"
    assert root.findtext("pagination/current_page_items_count") == "2"
    assert [e.tag for e in root][-1] == "pagination"
    assert b"Entreprise b" not in response.content
    # the other tenant sees only its own
    other = Client(**basic(b.owner.email, b.password)).get("/business_files.xml")
    assert listed(other) == [(b.id, "Entreprise b")]


def test_json_lists_only_the_callers_business_files(setup):
    a, _, c = setup
    response = Client(**basic(a.owner.email, a.password)).get("/business_files.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = orjson.loads(response.content)
    assert body["business_files"] == [
        {"id": a.id, "name": "Entreprise a"}, {"id": c.pk, "name": "Café & Co <Lyon>"},
    ]
    assert body["pagination"]["total_count"] == 2


def test_mobile_account_index_lists_business_files(setup):
    """W37: ``<business_files><business_file><id/><name/></business_file>…``."""
    a, _, c = setup
    client = Client(**basic(a.owner.email, a.password))
    response = client.get(LEGACY, HTTP_ACCEPT_LANGUAGE="fr", HTTP_X_FACILE_VERSION="2.1")
    assert response["Content-Type"].startswith("application/xml")
    assert listed(response) == [(a.id, "Entreprise a"), (c.pk, "Café & Co <Lyon>")]
    assert etree.fromstring(response.content).find("pagination") is None
    text = response.content.decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<business_files')
    assert "<name>Café &amp; Co &lt;Lyon&gt;</name>" in text
    # the literal 0 means "all files"; the route answers XML without the suffix too
    assert listed(client.get("/account/index/0?target=incwo_erp")) == listed(response)


def test_a_reader_lists_its_business_file(setup):
    a, _, _ = setup
    assert listed(Client(**basic(a.reader.email, a.password)).get(LEGACY)) == \
        [(a.id, "Entreprise a")]


@pytest.mark.parametrize("url", ["/business_files.xml", "/business_files.json", LEGACY])
def test_listing_without_credentials_is_401(setup, url):
    response = Client().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="')


@pytest.mark.parametrize("url", ["/business_files.xml", LEGACY])
def test_listing_with_a_wrong_password_is_401(setup, url):
    a, _, _ = setup
    response = Client(**basic(a.owner.email, a.password + "x")).get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="')


def test_an_api_key_lists_only_its_business_file(setup):
    a, _, c = setup
    _, key_c = ApiKey.issue(user=a.owner, business_file=c, name="c")
    for headers, expected in ((bearer(a.key), a.id), (basic(a.owner.email, a.key), a.id),
                              (bearer(key_c), c.pk), (basic(a.owner.email, key_c), c.pk)):
        for url in ("/business_files.xml", LEGACY):
            assert [pk for pk, _ in listed(Client(**headers).get(url))] == [expected]
        body = orjson.loads(Client(**headers).get("/business_files.json").content)
        assert [f["id"] for f in body["business_files"]] == [expected]


def test_a_revoked_key_lists_nothing(setup):
    a, _, _ = setup
    assert Client(**bearer(a.key)).get(LEGACY).status_code == 200
    ApiKey.objects.get(business_file=a.business_file, name="rw").revoke()
    assert Client(**bearer(a.key)).get(LEGACY).status_code == 401


def test_leaving_a_business_file_removes_it_from_the_list_at_once(setup):
    a, _, c = setup
    client = Client(**basic(a.owner.email, a.password))
    assert len(listed(client.get(LEGACY))) == 2
    Membership.objects.get(user=a.owner, business_file=c).delete()
    assert listed(client.get(LEGACY)) == [(a.id, "Entreprise a")]


def test_renaming_a_business_file_shows_at_once(setup):
    a, _, _ = setup
    client = Client(**basic(a.owner.email, a.password))
    assert listed(client.get("/business_files.xml"))[0][1] == "Entreprise a"
    a.business_file.name = "Entreprise A renommée"
    a.business_file.save()
    assert listed(client.get("/business_files.xml"))[0][1] == "Entreprise A renommée"


def test_listing_is_read_only(setup):
    a, _, _ = setup
    response = Client(**basic(a.owner.email, a.password)).post(
        "/business_files.xml", "<business_file><name>x</name></business_file>",
        content_type="application/xml",
    )
    assert response.status_code == 405
    assert BusinessFile.objects.count() == 3
