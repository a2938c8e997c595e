"""Trigger-kept row counts and page anchors: exact totals, correct deep pages, fixed queries."""

import orjson
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from comptoir.core import rowcounts
from comptoir.core.models import RowCount
from comptoir.core.registry import registry
from comptoir.core.testing.clients import make_tenant
from comptoir.crm.models import Contact, ContactItem, Firm
from comptoir.tenancy.models import BusinessFile


def counted(bf_id: int, table: str = "crm_contact") -> int:
    row = RowCount.objects.for_business_file(bf_id).filter(table_name=table).first()
    return row.row_count if row else 0


def actual(bf_id: int, model=Contact) -> int:
    return model.objects.for_business_file(bf_id).count()


class TriggersTestCase(TestCase):
    def test_every_listed_table_has_its_triggers(self):
        tables = {resource.model._meta.db_table for resource in registry}
        self.assertTrue(tables)
        self.assertEqual(tables - rowcounts.tables_with_triggers(), set())

    def test_installing_again_changes_nothing(self):
        self.assertEqual(rowcounts.install(), [])


class CountsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a = make_tenant("a")
        cls.b = make_tenant("b")

    def assert_exact(self):
        for tenant in (self.a, self.b):
            for model in (Contact, Firm):
                self.assertEqual(counted(tenant.id, model._meta.db_table),
                                 actual(tenant.id, model), (tenant.id, model))

    def test_counts_follow_every_kind_of_write(self):
        client = self.a.owner_client()
        bf = self.a.business_file
        created = [
            orjson.loads(client.post(f"/{self.a.id}/contacts.json", {"last_name": f"N{i}"},
                                     content_type="application/json").content)["id"]
            for i in range(3)
        ]
        self.assert_exact()
        Contact.objects.bulk_create([Contact(business_file=bf, last_name=f"B{i}")
                                     for i in range(25)])
        self.assert_exact()
        self.assertEqual(client.delete(f"/{self.a.id}/contacts/{created[0]}.xml").status_code,
                         200)
        Contact.objects.for_business_file(self.a.id).filter(last_name__startswith="B1").delete()
        self.assert_exact()
        self.assertEqual(counted(self.b.id), 0)  # the other business file's counter is apart
        firm = Firm.objects.create(business_file=bf, name="F")
        Contact.objects.create(business_file=bf, last_name="Employee", firm=firm)
        firm.delete()  # clears the link; the contact stays
        self.assert_exact()

    def test_a_deleted_business_file_takes_its_counters_along(self):
        Contact.objects.create(business_file=self.b.business_file, last_name="X")
        BusinessFile.objects.filter(pk=self.b.id).delete()
        self.assertFalse(RowCount.objects.for_business_file(self.b.id).exists())
        self.assertEqual(counted(self.a.id), actual(self.a.id))

    def test_installing_seeds_the_counts_of_existing_rows(self):
        bf = self.a.business_file
        Contact.objects.bulk_create([Contact(business_file=bf, last_name=f"S{i}")
                                     for i in range(7)])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute('DROP TRIGGER comptoir_rowcount_ins ON "crm_contact"')
            else:
                cursor.execute('DROP TRIGGER "comptoir_rowcount_ins_crm_contact"')
            cursor.execute("UPDATE core_rowcount SET row_count = 0 WHERE table_name = %s",
                           ["crm_contact"])
        self.assertEqual(rowcounts.install(), ["crm_contact"])
        self.assertEqual(counted(self.a.id), 7)
        Contact.objects.create(business_file=bf, last_name="After")
        self.assertEqual(counted(self.a.id), 8)

    def test_rebuild_recounts(self):
        Contact.objects.bulk_create([Contact(business_file=self.a.business_file,
                                             last_name=f"R{i}") for i in range(4)])
        RowCount.objects.for_business_file(self.a.id).update(row_count=999)
        rowcounts.rebuild()
        self.assert_exact()


class DeepPagesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("a")
        cls.other = make_tenant("b")
        bf = cls.tenant.business_file
        contacts = Contact.objects.bulk_create(
            [Contact(business_file=bf, last_name=f"Nom {i:03d}") for i in range(60)]
        )
        ContactItem.objects.bulk_create(
            [ContactItem(business_file=bf, contact=c, type_id=27, value=f"n{c.pk}@example.fr")
             for c in contacts]
        )
        # The other tenant's rows interleave with this one's ids.
        Contact.objects.bulk_create([Contact(business_file=cls.other.business_file,
                                             last_name=f"Autre {i}") for i in range(30)])

    def setUp(self):
        rowcounts.anchors.clear()
        self.client = self.tenant.owner_client()
        self.client.get(f"/{self.tenant.id}/contacts.xml?per_page=1")  # cache the credential

    def page_ids(self, page: int, per_page: int = 7) -> list[int]:
        body = orjson.loads(self.client.get(
            f"/{self.tenant.id}/contacts.json?page={page}&per_page={per_page}").content)
        return [c["id"] for c in body["contacts"]]

    def expected(self, page: int, per_page: int = 7) -> list[int]:
        ids = list(Contact.objects.for_business_file(self.tenant.id).order_by("id")
                   .values_list("id", flat=True))
        return ids[(page - 1) * per_page: page * per_page]

    def test_walking_the_pages_seeks_and_agrees_with_the_orm(self):
        for page in range(1, 11):
            self.assertEqual(self.page_ids(page), self.expected(page), page)
        # Page 5's start is known now: it is read by seeking, with the same fixed queries.
        expected = self.expected(5)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.page_ids(5), expected)
        sql = [q["sql"] for q in queries]
        self.assertEqual(len(sql), 4, sql)  # counter, page, addresses, items
        self.assertNotIn("OFFSET", sql[1].upper())

    def test_a_page_nobody_asked_before_skips_along_the_index(self):
        for page in range(2, 11):
            rowcounts.anchors.clear()
            expected = self.expected(page)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.page_ids(page), expected, page)
            if expected:
                self.assertIn("LIMIT 1 OFFSET", queries[1]["sql"].upper())

    def test_same_bytes_whether_seeking_or_offsetting(self):
        url = f"/{self.tenant.id}/contacts.xml?page=4&per_page=9"
        self.client.get(f"/{self.tenant.id}/contacts.xml?page=3&per_page=9")
        sought = self.client.get(url).content
        rowcounts.anchors.clear()
        self.assertEqual(self.client.get(url).content, sought)

    def test_an_insert_or_delete_forgets_the_anchors_and_an_update_keeps_them(self):
        for page in (1, 2, 3):
            self.page_ids(page)
        first = self.expected(1)[0]
        Contact.objects.for_business_file(self.tenant.id).filter(pk=first).delete()
        self.assertEqual(self.page_ids(3), self.expected(3))
        self.client.put(f"/{self.tenant.id}/contacts/{self.expected(2)[0]}.xml",
                        "<contact><job_title>CTO</job_title></contact>",
                        content_type="application/xml")
        expected = self.expected(4)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.page_ids(4), expected)
        self.assertNotIn("OFFSET", queries[1]["sql"].upper())
        Contact.objects.create(business_file=self.tenant.business_file, last_name="Nouveau")
        self.assertEqual(self.page_ids(9), self.expected(9))

    def test_past_the_end_and_the_total(self):
        body = orjson.loads(self.client.get(
            f"/{self.tenant.id}/contacts.json?page=30&per_page=7").content)
        self.assertEqual(body["contacts"], [])
        self.assertEqual(body["pagination"]["total_count"], 60)
        self.assertEqual(body["pagination"]["total_pages"], 9)

    def test_anchors_never_cross_business_files(self):
        self.page_ids(1)
        self.page_ids(2)
        other = self.other.owner_client()
        body = orjson.loads(other.get(
            f"/{self.other.id}/contacts.json?page=2&per_page=7").content)
        names = {c["last_name"] for c in body["contacts"]}
        self.assertTrue(names and all(n.startswith("Autre") for n in names))
        self.assertEqual(body["pagination"]["total_count"], 30)
