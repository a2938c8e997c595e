"""The read path at full page size: fixed query counts and output equal to the ORM's view."""

import orjson
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from comptoir.core.testing.clients import make_tenant
from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm


class FullPageTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("a")
        bf = cls.tenant.business_file
        firms = Firm.objects.bulk_create(
            [Firm(business_file=bf, name=f"Firme {i}") for i in range(10)]
        )
        contacts = Contact.objects.bulk_create([
            Contact(business_file=bf, last_name=f"Nom {i:03d}", first_name="Anne",
                    firm=firms[i % 10] if i % 3 else None)
            for i in range(150)
        ])
        ContactAddress.objects.bulk_create([
            ContactAddress(business_file=bf, contact=c, city="Lyon", zip_code="69001")
            for c in contacts
        ])
        ContactItem.objects.bulk_create([
            ContactItem(business_file=bf, contact=c, type_id=type_id, value=value)
            for c in contacts
            for type_id, value in ((27, "anne@example.fr"), (88, "06 00 00 00 00"))
        ])
        cls.contacts = contacts

    def setUp(self):
        self.client = self.tenant.owner_client()
        self.client.get(f"/{self.tenant.id}/contacts.xml?per_page=1")  # cache the credential

    def test_a_list_page_of_100_runs_4_queries(self):
        for fmt in ("xml", "json"):
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(f"/{self.tenant.id}/contacts.{fmt}")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(len(queries), 4, [q["sql"] for q in queries])
        body = orjson.loads(response.content)
        self.assertEqual(len(body["contacts"]), 100)
        self.assertEqual(body["pagination"]["total_pages"], 2)
        self.assertTrue(all(len(c["contact_items"]) == 2 for c in body["contacts"]))

    def test_the_largest_page_still_runs_4_queries(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(f"/{self.tenant.id}/contacts.xml?per_page=100000")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(queries), 3)  # the whole collection fits: no counter needed
        self.assertEqual(response.content.count(b"\n  <contact>\n"), 150)

    def test_a_page_past_the_end_runs_1_query(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(f"/{self.tenant.id}/contacts.xml?page=9000")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(queries), 1)  # the counter says there is nothing to read
        self.assertIn(b"<current_page_items_count>0</current_page_items_count>", response.content)
        self.assertIn(b"<total_count>150</total_count>", response.content)

    def test_a_filtered_page_runs_4_queries(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(f"/{self.tenant.id}/contacts.json?q=nom 01&per_page=5")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(queries), 4, [q["sql"] for q in queries])
        self.assertEqual(orjson.loads(response.content)["pagination"]["total_count"], 10)

    def test_a_show_runs_3_queries(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(f"/{self.tenant.id}/contacts/{self.contacts[5].pk}.xml")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(queries), 3)

    def test_a_create_runs_at_most_6_statements_and_an_update_5(self):
        transaction_control = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")

        def statements(queries):
            return [q["sql"] for q in queries
                    if not q["sql"].lstrip().upper().startswith(transaction_control)]

        body = ('<contact><first_name>Hélène</first_name><last_name>Martin</last_name>'
                '<contact_addresses><contact_address><city>Lyon</city></contact_address>'
                '</contact_addresses><contact_items>'
                '<contact_item><type_id>27</type_id><value>h@example.fr</value></contact_item>'
                '<contact_item><type_id>88</type_id><value>04 78 12 34 56</value>'
                '</contact_item></contact_items></contact>')
        with CaptureQueriesContext(connection) as queries:
            response = self.client.post(f"/{self.tenant.id}/contacts.xml", body,
                                        content_type="application/xml")
        self.assertEqual(response.status_code, 201, response.content)
        # Three inserts (the contact, its addresses, its items) and the show that answers.
        self.assertLessEqual(len(statements(queries)), 6, statements(queries))
        pk = self.contacts[3].pk
        with CaptureQueriesContext(connection) as queries:
            response = self.client.put(f"/{self.tenant.id}/contacts/{pk}.xml",
                                       "<contact><job_title>CTO</job_title></contact>",
                                       content_type="application/xml")
        self.assertEqual(response.status_code, 200, response.content)
        # The stored contact, its update, and the show that answers.
        self.assertLessEqual(len(statements(queries)), 5, statements(queries))

    def test_compiled_rows_agree_with_the_orm(self):
        body = orjson.loads(self.client.get(f"/{self.tenant.id}/contacts.json?per_page=500")
                            .content)
        by_id = {c["id"]: c for c in body["contacts"]}
        for contact in Contact.objects.for_business_file(self.tenant.id).select_related("firm"):
            wire = by_id[contact.pk]
            self.assertEqual(wire["last_name"], contact.last_name)
            self.assertEqual(wire["firm_id"], contact.firm_id)
            self.assertEqual(wire["firm_name"], contact.firm.name if contact.firm else "")
            self.assertEqual(wire["first_last_name"], f"Anne {contact.last_name}")


class DeletionTouchesTheLinkedTestCase(TestCase):
    """Clearing a link on delete is a change a sync client must see through updated_since."""

    def test_deleting_a_firm_updates_its_contacts_and_subsidiaries(self):
        import datetime

        tenant = make_tenant("del")
        bf = tenant.business_file
        firm = Firm.objects.create(business_file=bf, name="Mère")
        child = Firm.objects.create(business_file=bf, name="Fille", parent_firm=firm)
        contact = Contact.objects.create(business_file=bf, last_name="Roux", firm=firm)
        long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        Contact.objects.for_business_file(bf).update(updated_at=long_ago)
        Firm.objects.for_business_file(bf).update(updated_at=long_ago)
        client = tenant.owner_client()
        self.assertEqual(client.delete(f"/{bf.pk}/firms/{firm.pk}.xml").status_code, 200)
        changed = orjson.loads(client.get(
            f"/{bf.pk}/contacts.json?updated_since=01-01-2021").content)["contacts"]
        self.assertEqual([(c["id"], c["firm_id"]) for c in changed], [(contact.pk, None)])
        firms = orjson.loads(client.get(
            f"/{bf.pk}/firms.json?updated_since=01-01-2021").content)["firms"]
        self.assertEqual([(f["id"], f["parent_firm_id"]) for f in firms], [(child.pk, None)])
