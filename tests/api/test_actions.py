"""Declared actions: POST /{bf}/{plural}/{id}/{name}.xml, their legacy GET route, and rules."""

import orjson
import pytest
from django.test import override_settings
from django.urls import include, path
from rest_framework.exceptions import ValidationError

from comptoir.api.urls import resource_patterns
from comptoir.core.registry import Action
from comptoir.core.testing.clients import make_tenant
from comptoir.crm.models import Contact, Firm
from comptoir.crm.resources import ContactResource


def archive(contact, context):
    if contact.keywords == "archived":
        raise ValidationError({"keywords": "this contact is archived already"})
    contact.keywords = "archived"
    contact.save()
    return contact


def make_firm(contact, context):
    return Firm.objects.create(business_file_id=context["business_file"],
                               name=f"{contact.last_name} SARL", creator_id=context["user_id"])


class ContactWithActions(ContactResource):
    actions = (
        Action("archive", archive, "Archive the contact.", legacy="archive_contact"),
        Action("make_firm", make_firm, "Make a firm named after the contact."),
    )


urlpatterns = [
    *resource_patterns(ContactWithActions()),
    path("", include("comptoir.api.urls")),
]


@pytest.fixture
def setup(db):
    with override_settings(ROOT_URLCONF=__name__):
        tenant, other = make_tenant("a"), make_tenant("b")
        contact = Contact.objects.create(business_file=tenant.business_file, last_name="Roux")
        foreign = Contact.objects.create(business_file=other.business_file, last_name="Autre")
        yield tenant, contact, foreign


def test_an_action_runs_and_answers_the_object(setup):
    tenant, contact, _ = setup
    client = tenant.owner_client()
    response = client.post(f"/{tenant.id}/contacts/{contact.pk}/archive.xml")
    assert response.status_code == 200, response.content
    assert b"<keywords>archived</keywords>" in response.content
    again = client.post(f"/{tenant.id}/contacts/{contact.pk}/archive.json")
    assert again.status_code == 422
    assert orjson.loads(again.content)["errors"] == [
        "keywords: this contact is archived already"
    ]


def test_an_action_making_another_object_answers_201_with_its_location(setup):
    tenant, contact, _ = setup
    response = tenant.owner_client().post(f"/{tenant.id}/contacts/{contact.pk}/make_firm.json")
    assert response.status_code == 201, response.content
    firm = orjson.loads(response.content)
    assert firm["name"] == "Roux SARL"
    assert response["Location"] == f"/{tenant.id}/firms/{firm['id']}.json"


def test_the_legacy_get_route_needs_a_writing_credential(setup):
    tenant, contact, _ = setup
    url = f"/contacts/archive_contact/{tenant.id}/{contact.pk}"
    assert tenant.read_only_key_client().get(url).status_code == 403
    assert tenant.reader_client().get(url).status_code == 403
    contact.refresh_from_db()
    assert contact.keywords == ""
    response = tenant.owner_client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"


def test_actions_respect_tenancy_and_method(setup):
    tenant, _, foreign = setup
    client = tenant.owner_client()
    assert client.post(f"/{tenant.id}/contacts/{foreign.pk}/archive.xml").status_code == 404
    assert client.get(f"/contacts/archive_contact/{tenant.id}/{foreign.pk}").status_code == 404
    foreign.refresh_from_db()
    assert foreign.keywords == ""
    assert client.get(f"/{tenant.id}/contacts/{foreign.pk}/archive.xml").status_code == 405
    assert tenant.read_only_key_client().post(
        f"/{tenant.id}/contacts/{foreign.pk}/archive.xml").status_code == 403
