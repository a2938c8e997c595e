"""The operators' admin works across business files and refuses what XML cannot carry."""

import re

import pytest

from comptoir.core.testing.clients import make_tenant
from comptoir.crm.models import Contact, ContactItem
from comptoir.tenancy.models import User


@pytest.fixture
def admin_client(client, db):
    User.objects.create_superuser("root@example.test", "root password 1")
    client.login(username="root@example.test", password="root password 1")
    return client


@pytest.fixture
def contact(db):
    tenant = make_tenant("adm")
    contact = Contact.objects.create(business_file=tenant.business_file, last_name="Martin")
    ContactItem.objects.create(business_file=tenant.business_file, contact=contact,
                               type_id=88, value="06 12 34 56 78")
    return contact


def test_changelists_and_change_pages_render(admin_client, contact):
    for url in ("/admin/", "/admin/crm/contact/", f"/admin/crm/contact/{contact.pk}/change/",
                "/admin/crm/firm/", "/admin/tenancy/businessfile/", "/admin/tenancy/user/",
                "/admin/tenancy/apikey/", "/admin/tenancy/businessfile/1/change/"):
        response = admin_client.get(url)
        assert response.status_code in (200, 302), url
    assert b"Martin" in admin_client.get("/admin/crm/contact/").content


def test_admin_refuses_control_characters(admin_client, contact):
    item = ContactItem.objects.for_business_file(contact.business_file_id).get()
    response = admin_client.post(f"/admin/crm/contact/{contact.pk}/change/", {
        "last_name": "Mar\x0btin", "first_name": "", "comment": "", "job_title": "",
        "job_department": "", "country": "France", "contact_type": "client",
        "contact_type2": "", "keywords": "", "language": "fr", "reference": "",
        "accounting_ref": "", "accounting_ref_vendor": "", "contact_origin": "",
        "contactaddresss-TOTAL_FORMS": "0",
        "contactaddresss-INITIAL_FORMS": "0",
        "contactitems-TOTAL_FORMS": "1",
        "contactitems-INITIAL_FORMS": "1",
        "contactitems-0-id": str(item.pk),
        "contactitems-0-contact": str(contact.pk),
        "contactitems-0-type_id": "88",
        "contactitems-0-value": "06 98 76 54 32",
    })
    assert response.status_code == 200  # the form again, with its error
    assert b"control characters" in response.content
    contact.refresh_from_db()
    assert contact.last_name == "Martin"


def test_saving_an_item_recomputes_its_normalized_phone(contact):
    item = ContactItem.objects.for_business_file(contact.business_file_id).get()
    item.value = "+33 (0)4 78 00 00 00"
    item.save()
    assert item.normalized_phone == "330478000000"
    item.type_id, item.value = 27, "a@b.fr"
    item.save()
    assert item.normalized_phone == ""


def test_admin_adds_an_inline_item_in_the_records_business_file(admin_client, contact):
    item = ContactItem.objects.for_business_file(contact.business_file_id).get()
    response = admin_client.post(f"/admin/crm/contact/{contact.pk}/change/", {
        "last_name": "Martin", "first_name": "", "comment": "", "job_title": "",
        "job_department": "", "country": "France", "contact_type": "client",
        "contact_type2": "", "keywords": "", "language": "fr", "reference": "",
        "accounting_ref": "", "accounting_ref_vendor": "", "contact_origin": "",
        "contactaddresss-TOTAL_FORMS": "0",
        "contactaddresss-INITIAL_FORMS": "0",
        "contactitems-TOTAL_FORMS": "2",
        "contactitems-INITIAL_FORMS": "1",
        "contactitems-0-id": str(item.pk),
        "contactitems-0-contact": str(contact.pk),
        "contactitems-0-type_id": "88",
        "contactitems-0-value": "06 12 34 56 78",
        "contactitems-1-contact": str(contact.pk),
        "contactitems-1-type_id": "24",
        "contactitems-1-value": "04 78 11 22 33",
    })
    errors = re.findall(rb"<ul class=\"errorlist[^>]*>(.*?)</ul>", response.content, re.S)
    assert response.status_code == 302, errors
    items = ContactItem.objects.for_business_file(contact.business_file_id).order_by("id")
    assert [(i.type_id, i.normalized_phone) for i in items] == [
        (88, "0612345678"), (24, "0478112233")
    ]


def test_operators_set_a_numbering_pattern_in_the_admin(admin_client, contact):
    import datetime

    from django.db import transaction

    from comptoir.core.numbering import assign_reference

    bf = contact.business_file_id
    response = admin_client.post("/admin/core/numberingpattern/add/", {
        "business_file": str(bf), "kind": "invoice", "pattern": "F{yy}{month}-{index:04d}",
    })
    assert response.status_code == 302, response.content[:3000]
    with transaction.atomic():
        assert assign_reference(bf, "invoice", datetime.date(2026, 3, 9)) == ("F2603-0001", 1)
    refused = admin_client.post("/admin/core/numberingpattern/add/", {
        "business_file": str(bf), "kind": "credit", "pattern": "AV-{index}",
    })
    assert refused.status_code == 200  # the form again: a pattern without the year
    assert b"year" in refused.content
