"""The write path's statements written once: the same rows and instances as the ORM's."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models.signals import pre_save
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from comptoir.core import serializers
from comptoir.core.registry import registry
from comptoir.core.testing.clients import bearer, make_tenant, to_xml
from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm


def stored(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def without(values: dict, *names) -> dict:
    return {k: v for k, v in values.items() if k not in names}


class StatementsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("w")
        cls.other = make_tenant("o")
        cls.bf = cls.tenant.business_file.pk
        cls.firm = Firm.objects.create(business_file_id=cls.bf, name="Dupont & Fils")

    def contact(self, **extra) -> Contact:
        return Contact(business_file_id=self.bf, creator_id=self.tenant.owner.pk,
                       last_name="Martin", first_name="Hélène", firm=self.firm,
                       civility_label_id=17, **extra)

    def test_an_insert_stores_what_save_stores(self):
        by_orm, by_statement = self.contact(), self.contact()
        by_orm.save()
        serializers.save_instance(by_statement)
        self.assertIsNotNone(by_statement.pk)
        self.assertFalse(by_statement._state.adding)
        self.assertEqual(by_statement._state.db, "default")
        volatile = ("id", "created_at", "updated_at")
        self.assertEqual(without(stored(by_statement), *volatile),
                         without(stored(by_orm), *volatile))
        reread = Contact.objects.for_business_file(self.bf).get(pk=by_statement.pk)
        self.assertEqual(stored(reread), stored(by_statement))

    def test_an_update_stores_every_field_and_touches_updated_at(self):
        obj = self.contact()
        obj.save()
        before = obj.updated_at
        obj.job_title, obj.firm, obj.civility_label_id = "Gérante", None, None
        with CaptureQueriesContext(connection) as queries:
            serializers.save_instance(obj)
        self.assertEqual(len(queries), 1)
        self.assertGreater(obj.updated_at, before)
        reread = Contact.objects.for_business_file(self.bf).get(pk=obj.pk)
        self.assertEqual(stored(reread), stored(obj))

    def test_an_update_of_a_vanished_row_does_what_save_does(self):
        obj = self.contact()
        obj.save()
        pk = obj.pk
        Contact.objects.for_business_file(self.bf).filter(pk=pk).delete()
        serializers.save_instance(obj)  # Model.save(): no row updated, so it inserts
        self.assertTrue(Contact.objects.for_business_file(self.bf).filter(pk=pk).exists())

    def test_save_receivers_still_hear_of_the_save(self):
        heard = []

        def receiver(sender, instance, **kwargs):
            heard.append(instance)

        pre_save.connect(receiver, sender=Contact)
        self.addCleanup(pre_save.disconnect, receiver, sender=Contact)
        obj = self.contact()
        serializers.save_instance(obj)
        obj.job_title = "Comptable"
        serializers.save_instance(obj)
        self.assertEqual(heard, [obj, obj])

    def test_a_model_that_saves_itself_saves_itself(self):
        parent = self.contact()
        parent.save()
        item = ContactItem(business_file_id=self.bf, contact=parent, type_id=88,
                           value="04 78 12 34 56")
        serializers.save_instance(item)
        self.assertEqual(item.normalized_phone, "0478123456")  # ContactItem.save() ran

    def test_many_inserts_store_what_bulk_create_stores(self):
        parent = self.contact()
        parent.save()

        def rows():
            return [ContactAddress(business_file_id=self.bf, contact=parent, city=city,
                                   zip_code="69002") for city in ("Lyon", "Grenoble", "Nice")]

        by_orm, by_statement = rows(), rows()
        ContactAddress.objects.bulk_create(by_orm)
        with CaptureQueriesContext(connection) as queries:
            serializers.insert_instances(ContactAddress, by_statement)
        self.assertEqual(len(queries), 1)
        for a, b in zip(by_orm, by_statement, strict=True):
            self.assertEqual(b._state.adding, a._state.adding)
            volatile = ("id", "created_at", "updated_at")
            self.assertEqual(without(stored(b), *volatile), without(stored(a), *volatile))
        stored_rows = ContactAddress.objects.for_business_file(self.bf).filter(
            pk__in=[b.pk for b in by_statement]).order_by("id")
        self.assertEqual([r.city for r in stored_rows], ["Lyon", "Grenoble", "Nice"])

    def test_many_inserts_without_a_business_file_are_refused(self):
        from comptoir.core.models import UnscopedQuery

        with self.assertRaises(UnscopedQuery):
            serializers.insert_instances(ContactAddress, [ContactAddress(city="Lyon")])

    def test_the_stored_instance_is_the_one_the_orm_loads(self):
        obj = self.contact(comment="Préfère être contacté par e-mail.")
        obj.save()
        seen = 0
        for resource in registry:
            model = resource.model
            for orm in model.objects.for_business_file(self.bf).order_by("id")[:3]:
                found = serializers.stored_instance(model, self.bf, orm.pk)
                self.assertEqual(type(found), model)
                self.assertEqual(stored(found), stored(orm), model)
                self.assertFalse(found._state.adding)
                self.assertEqual(found.get_deferred_fields(), set())
                seen += 1
        self.assertGreaterEqual(seen, 3)
        self.assertIsNone(serializers.stored_instance(Contact, self.bf, obj.pk + 1000))
        self.assertIsNone(serializers.stored_instance(Contact, self.other.business_file.pk,
                                                      obj.pk))

    def test_values_of_every_kind_read_back_typed(self):
        from comptoir.cash.models import BankAccount

        account = BankAccount.objects.for_business_file(self.bf).first()
        if account is None:
            account = BankAccount(business_file_id=self.bf, name="Compte courant")
            serializers.save_instance(account)
        found = serializers.stored_instance(BankAccount, self.bf, account.pk)
        for field in BankAccount._meta.concrete_fields:
            value = getattr(found, field.attname)
            if value is None:
                continue
            kind = field.get_internal_type()
            if kind == "BooleanField":
                self.assertIsInstance(value, bool, field.name)
            elif kind == "DecimalField":
                self.assertIsInstance(value, Decimal, field.name)
            elif kind == "DateTimeField":
                self.assertIsNotNone(value.tzinfo, field.name)
            elif kind == "DateField":
                self.assertIsInstance(value, dt.date, field.name)


class APIWritesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("api")

    def test_a_create_writes_one_row_per_table_and_no_savepoint_of_its_own(self):
        body = to_xml("contacts", {
            "first_name": "Hélène", "last_name": "Martin-Dubois", "contact_type": "client",
            "contact_addresses": [{"street_address": "12 rue de la République",
                                   "zip_code": "69002", "city": "Lyon"}],
            "contact_items": [{"type_id": 27, "value": "helene.martin@example.fr"},
                              {"type_id": 88, "value": "04 78 12 34 56"}],
        })
        with CaptureQueriesContext(connection) as queries:
            response = self.client.post(f"/{self.tenant.id}/contacts.xml", body,
                                        content_type="application/xml",
                                        **bearer(self.tenant.key))
        self.assertEqual(response.status_code, 201, response.content)
        statements = [q["sql"].split()[0].upper() for q in queries]
        self.assertEqual(statements.count("INSERT"), 3, statements)
        # The view's transaction (a savepoint inside the test's own) and nothing more.
        self.assertLessEqual(statements.count("SAVEPOINT"), 1, statements)
        contact = Contact.objects.for_business_file(self.tenant.id).get(
            last_name="Martin-Dubois")
        items = contact.contactitems.order_by("id")
        self.assertEqual([i.normalized_phone for i in items], ["", "0478123456"])
        self.assertEqual(contact.contactaddresss.get().city, "Lyon")
