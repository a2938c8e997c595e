"""The benchmark data generator (``bench/generate.py``): what it writes, the product accepts.

One small business file is generated inside the test database (300 contacts, 20 invoices),
then used through the real API and the product's own services: lists and shows, totals read
back against the totals engine, the validation of a generated draft, the journal, an update
of unchanged records, and the isolation from another business file.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import orjson
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client, TestCase

from comptoir.core.models import DocumentCounter, JournalEntry
from comptoir.core.numbering import format_reference
from comptoir.core.testing.clients import basic, bearer, make_tenant
from comptoir.crm.choices import PHONE_TYPES
from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm
from comptoir.crm.services import is_email, is_phone, normalize_phone
from comptoir.sales import services
from comptoir.sales.choices import SheetType
from comptoir.sales.models import BillLine, BillSheet, VatTotal

ROOT = Path(__file__).resolve().parents[1]


def load_generator():
    name = "bench_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "generate.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


gen = load_generator()
CONTACTS, INVOICES, PRODUCTS = 300, 20, 40
EMAIL, PASSWORD = "generated@example.test", "generated password"


class GeneratedBusinessFileTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.other = make_tenant("other")
        # The path of the big loads: indexes (and PostgreSQL's foreign keys) dropped and
        # re-created around the load. GeneratorRulesTest runs the other one.
        threshold, gen.SET_ASIDE_MIN_ROWS = gen.SET_ASIDE_MIN_ROWS, 0
        try:
            cls.result = gen.generate(contacts=CONTACTS, invoices=INVOICES, products=PRODUCTS,
                                      seed=7, email=EMAIL, password=PASSWORD)
        finally:
            gen.SET_ASIDE_MIN_ROWS = threshold
        cls.bf = cls.result["business_file_id"]

    def setUp(self):
        self.client = Client(**basic(EMAIL, PASSWORD))

    def get(self, path: str, client=None, status=200):
        response = (client or self.client).get(f"/{self.bf}/{path}")
        self.assertEqual(response.status_code, status, response.content[:500])
        return orjson.loads(response.content) if path.split("?")[0].endswith(".json") \
            else response

    def sheets(self):
        return BillSheet.objects.for_business_file(self.bf)

    # -- what was written ---------------------------------------------------------------

    def test_the_result_describes_the_business_file(self):
        result = self.result
        self.assertEqual(result["email"], EMAIL)
        self.assertTrue(result["api_key"].startswith("cpt_"))
        self.assertEqual(result["engine"], connection.vendor)
        counts = result["counts"]
        self.assertEqual(counts["crm_contact"], CONTACTS)
        self.assertEqual(counts["crm_firm"], CONTACTS // 10)
        self.assertEqual(counts["catalog_customerproduct"], PRODUCTS)
        self.assertEqual(counts["sales_billsheet"], INVOICES)
        self.assertEqual(counts["core_journalentry"], INVOICES - INVOICES // 10)
        self.assertEqual(result["rows"], sum(counts.values()))
        for phase in ("setup", "firms", "contacts", "products", "invoices", "journal",
                      "analyze", "total"):
            self.assertIn(phase, result["seconds"])
        # The key works as well as the password.
        response = Client(**bearer(result["api_key"])).get(f"/{self.bf}/firms.json")
        self.assertEqual(response.status_code, 200)

    def test_every_contact_has_one_address_and_three_items(self):
        contacts = Contact.objects.for_business_file(self.bf)
        addresses = ContactAddress.objects.for_business_file(self.bf)
        items = ContactItem.objects.for_business_file(self.bf)
        self.assertEqual(contacts.count(), CONTACTS)
        self.assertEqual(addresses.filter(contact__isnull=False).count(), CONTACTS)
        self.assertEqual(items.filter(contact__isnull=False).count(), 3 * CONTACTS)
        self.assertEqual(addresses.filter(contact__isnull=False).values("contact").distinct()
                         .count(), CONTACTS)
        linked = contacts.filter(firm__isnull=False).count()
        self.assertTrue(0.5 * CONTACTS < linked < 0.9 * CONTACTS, linked)
        self.assertEqual(addresses.filter(firm__isnull=False).count(), CONTACTS // 10)
        for item in items:
            expected = normalize_phone(item.value) if item.type_id in PHONE_TYPES else ""
            self.assertEqual(item.normalized_phone, expected, item.value)
            # What the item serializer requires of a phone or an e-mail.
            valid = is_phone if item.type_id in PHONE_TYPES else is_email
            self.assertTrue(valid(item.value), item.value)
        user = self.result["email"]
        for model in (Firm, Contact, ContactAddress, ContactItem, BillSheet, BillLine):
            rows = model.objects.for_business_file(self.bf)
            self.assertFalse(rows.exclude(creator__email=user).exists(), model)
            self.assertFalse(rows.filter(updated_at__lt=F("created_at")).exists(), model)
        # Spread over the past years, and something to escape in the XML.
        span = contacts.order_by("id").last().created_at - contacts.order_by("id")[0].created_at
        self.assertGreater(span, dt.timedelta(days=365 * 4))
        self.assertTrue(Contact.objects.for_business_file(self.bf)
                        .filter(last_name__regex=r"[éèëêïîôöüç]").exists()
                        or Contact.objects.for_business_file(self.bf)
                        .filter(first_name__regex=r"[éèëêïîôöüç]").exists())
        self.assertTrue(Firm.objects.for_business_file(self.bf).filter(name__contains="&")
                        .exists())

    def test_firms_have_valid_siren_and_vat_numbers(self):
        from comptoir.crm.services import clean_siren, clean_vat_number

        firms = list(Firm.objects.for_business_file(self.bf))
        self.assertTrue(any(firm.siren for firm in firms))
        for firm in firms:
            self.assertEqual(clean_siren(firm.siren), firm.siren)
            self.assertEqual(clean_vat_number(firm.tva), firm.tva)

    # -- through the API ----------------------------------------------------------------

    def test_lists_give_the_generated_counts(self):
        for plural, count in (("contacts", CONTACTS), ("firms", CONTACTS // 10),
                              ("customer_products", PRODUCTS), ("bill_sheets", INVOICES)):
            body = self.get(f"{plural}.json?per_page=7")
            self.assertEqual(body["pagination"]["total_count"], count, plural)
            self.assertEqual(len(body[plural]), 7)
            response = self.get(f"{plural}.xml?per_page=7&page=2")
            self.assertIn(f"<total_count>{count}</total_count>".encode(), response.content)

    def test_a_contact_shows_its_address_and_items(self):
        contact = Contact.objects.for_business_file(self.bf).order_by("id")[17]
        body = self.get(f"contacts/{contact.pk}.json")
        self.assertEqual(body["last_name"], contact.last_name)
        self.assertEqual(len(body["contact_addresses"]), 1)
        self.assertEqual(len(body["contact_items"]), 3)
        for item in body["contact_items"]:
            if int(item["type_id"]) in PHONE_TYPES:
                self.assertEqual(item["normalized_phone"], normalize_phone(item["value"]))
            else:
                self.assertIn("@", item["value"])
        response = self.get(f"contacts/{contact.pk}.xml")
        self.assertEqual(response.content.count(b"<contact_address>"), 1)
        self.assertEqual(response.content.count(b"<contact_item>"), 3)

    def test_comments_with_line_breaks_and_ampersands_are_escaped(self):
        firms = Firm.objects.for_business_file(self.bf)
        firm = firms.filter(name__contains="&").first()
        response = self.get(f"firms/{firm.pk}.xml")
        self.assertIn(b"&amp;", response.content)
        noted = Contact.objects.for_business_file(self.bf).exclude(comment="").first()
        self.assertIsNotNone(noted)
        self.get(f"contacts/{noted.pk}.xml")

    def test_invoice_totals_are_the_engines(self):
        for sheet in self.sheets().order_by("id"):
            totals = services.compute_totals(sheet)
            body = self.get(f"bill_sheets/{sheet.pk}.json")
            self.assertEqual(Decimal(body["vat_exc_total"]), totals.vat_exc_total)
            self.assertEqual(Decimal(body["vat_exl_total"]), totals.vat_exc_total_after_reduction)
            self.assertEqual(Decimal(body["vat_exc_total_with_shipping"]),
                             totals.vat_exc_total_with_shipping)
            self.assertEqual(Decimal(body["reduction_total"]), totals.reduction_total)
            self.assertEqual(Decimal(body["vat_cost"]), totals.vat_total)
            self.assertEqual(Decimal(body["vat_inc_total"]), totals.vat_inc_total)
            self.assertEqual(Decimal(body["remaining_due"]), totals.vat_inc_total)
            self.assertTrue(5 <= len(body["bill_lines"]) <= 20)
            for line, expected in zip(body["bill_lines"], totals.lines, strict=True):
                self.assertNotEqual(line["customer_product_id"], 0)
                self.assertEqual(Decimal(line["total_price"]), expected.total_price)
                self.assertEqual(Decimal(line["vat_value"]), expected.vat_value)
                self.assertEqual(Decimal(line["total_price_with_taxes"]),
                                 expected.total_price_with_taxes)
            self.assertEqual([(int(v["vat_value_id"]), Decimal(v["base"]), Decimal(v["vat"]))
                              for v in body["vat_totals"]],
                             [(r.vat_id, r.base, r.vat) for r in totals.per_rate])

    def test_recomputing_changes_nothing(self):
        """``services.recompute`` (what every write runs) finds every stored total right."""
        def snapshot():
            sheets = self.sheets()
            return (
                list(sheets.order_by("id").values_list(
                    "vat_exc_total", "reduction_total", "vat_exl_total",
                    "vat_exc_total_with_shipping", "vat_cost", "vat_inc_total",
                    "remaining_due", "due_date")),
                list(BillLine.objects.for_business_file(self.bf).order_by("id").values_list(
                    "id", "ordering", "total_price", "vat_value", "total_price_with_taxes")),
                list(VatTotal.objects.for_business_file(self.bf).order_by("id").values_list(
                    "id", "bill_sheet_id", "vat_value_id", "rate", "base", "vat")),
            )

        before = snapshot()
        for sheet in self.sheets():
            services.recompute(sheet)
        self.assertEqual(snapshot(), before)

    def test_the_journal_verifies_and_records_what_validation_records(self):
        out = StringIO()
        call_command("journal", "verify", "--business-file", str(self.bf), stdout=out)
        validated = INVOICES - INVOICES // 10
        self.assertIn(f"ok, {validated} entries, chain intact", out.getvalue())
        entries = {e.object_zid: e for e in JournalEntry.objects.for_business_file(self.bf)}
        sheets = list(self.sheets().filter(sheet_type=SheetType.INVOICE).order_by("id"))
        self.assertEqual(len(sheets), validated)
        self.assertEqual([entries[s.pk].sequence for s in sheets], list(range(1, validated + 1)))
        for sheet in sheets:
            entry = entries[sheet.pk]
            # What validate_bill_sheet would have written (the generator builds it in memory).
            self.assertEqual(entry.payload,
                             gen_normalise(services.canonical_document(sheet)))
            self.assertEqual((entry.reference, entry.created_at, entry.user_id),
                             (sheet.reference, sheet.validated_at, sheet.creator_id))
            self.assertIsNotNone(sheet.validated_at)

    def test_validating_a_draft_takes_the_next_number(self):
        draft = self.sheets().filter(sheet_type=SheetType.INVOICE_MAYBE).order_by("id").first()
        year = draft.billing_date.year
        numbered = self.sheets().filter(sheet_type=SheetType.INVOICE, billing_date__year=year)
        indexes = sorted(numbered.values_list("reference_index", flat=True))
        last = len(indexes)
        self.assertEqual(indexes, list(range(1, last + 1)))  # gapless
        counters = DocumentCounter.objects.for_business_file(self.bf).filter(kind="invoice")
        self.assertEqual(counters.filter(year=year).values_list("last_index", flat=True)
                         .first() or 0, last)
        response = self.client.post(f"/{self.bf}/bill_sheets/{draft.pk}/validate.json")
        self.assertEqual(response.status_code, 200, response.content)
        body = orjson.loads(response.content)
        self.assertEqual(body["reference"],
                         format_reference("{prefix}-{year}-{index:05d}", "invoice",
                                          draft.billing_date, last + 1))
        out = StringIO()
        call_command("journal", "verify", "--business-file", str(self.bf), stdout=out)
        self.assertIn("chain intact", out.getvalue())

    def test_unchanged_records_can_be_put_back(self):
        """The data satisfies the serializers' validators: a client that reads a record and
        writes it back unchanged gets a 200 and the same record."""
        contact = Contact.objects.for_business_file(self.bf).filter(firm__isnull=False) \
            .order_by("id")[3]
        firm = Firm.objects.for_business_file(self.bf).exclude(siren="").order_by("id")[1]
        draft = self.sheets().filter(sheet_type=SheetType.INVOICE_MAYBE).order_by("id").last()
        for plural, pk, volatile in (("contacts", contact.pk, {"updated_at"}),
                                     ("firms", firm.pk, {"updated_at"}),
                                     ("bill_sheets", draft.pk, {"updated_at", "status_id"})):
            before = self.get(f"{plural}/{pk}.json")
            response = self.client.put(f"/{self.bf}/{plural}/{pk}.json", orjson.dumps(before),
                                       content_type="application/json")
            self.assertEqual(response.status_code, 200, response.content)
            after = orjson.loads(response.content)
            for name, value in before.items():
                if name not in volatile and not isinstance(value, list):
                    self.assertEqual(after[name], value, f"{plural}.{name}")
            for name in ("contact_addresses", "contact_items", "bill_lines", "vat_totals"):
                if name in before:
                    self.assertEqual(without_ids(after[name]), without_ids(before[name]), name)

    def test_new_records_get_fresh_ids(self):
        """Sequences were moved past the generated ids."""
        response = self.client.post(f"/{self.bf}/contacts.json", orjson.dumps(
            {"last_name": "Nouveau", "contact_items": [{"type_id": 27,
                                                        "value": "n@example.fr"}]}),
            content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        top = Contact.objects.for_business_file(self.bf).exclude(last_name="Nouveau") \
            .order_by("-id").first()
        self.assertGreater(orjson.loads(response.content)["id"], top.pk)

    def test_another_business_file_sees_none_of_it(self):
        other = self.other.owner_client()
        for plural in ("contacts", "firms", "customer_products", "bill_sheets"):
            body = orjson.loads(other.get(f"/{self.other.id}/{plural}.json").content)
            self.assertEqual(body["pagination"]["total_count"], 0, plural)
            self.assertEqual(body[plural], [])
        contact = Contact.objects.for_business_file(self.bf).first()
        self.assertEqual(other.get(f"/{self.other.id}/contacts/{contact.pk}.json").status_code,
                         404)
        # And the generated credentials do not open the other business file.
        self.assertIn(self.client.get(f"/{self.other.id}/contacts.json").status_code,
                      (403, 404))


def without_ids(rows: list[dict]) -> list[dict]:
    """Nested rows sent back whole may be replaced by new ones: compare them without ids."""
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


def gen_normalise(payload):
    from comptoir.core.journal import normalise

    return normalise(payload)


class GeneratorRulesTest(TestCase):
    def test_the_same_seed_gives_the_same_data(self):
        day = dt.date(2025, 6, 2)
        names = []
        for email in ("a@example.test", "b@example.test"):
            result = gen.generate(contacts=40, products=10, invoices=3, seed=11, email=email,
                                  password="pw", today=day)
            contacts = Contact.objects.for_business_file(result["business_file_id"])
            sheets = BillSheet.objects.for_business_file(result["business_file_id"])
            names.append((
                list(contacts.order_by("id").values_list("first_name", "last_name",
                                                         "created_at")),
                list(sheets.order_by("id").values_list("reference", "vat_inc_total")),
            ))
        self.assertEqual(names[0], names[1])
        self.assertTrue(names[0][1][0][0].startswith("FA-20"))

    def test_a_server_computed_field_it_does_not_fill_stops_it(self):
        with self.assertRaisesRegex(gen.GeneratorOutdated, "editable=False"):
            gen.Table(BillSheet, ("id",), {"business_file_id": 1}, connection)
        with self.assertRaisesRegex(gen.GeneratorOutdated, "last_name is required"):
            gen.Table(Contact, ("id", "created_at", "updated_at"),
                      {"business_file_id": 1, "creator_id": None}, connection)
        table = gen.Table(Contact, ("id", "last_name", "created_at", "updated_at"),
                          {"business_file_id": 1, "creator_id": None}, connection)
        columns = dict(zip(table.columns[4:], table.tail, strict=True))
        self.assertEqual((columns["country"], columns["language"], columns["firm_id"]),
                         ("France", "fr", None))
