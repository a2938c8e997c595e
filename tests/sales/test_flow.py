"""The acceptance flow of the sales issue, through the API alone (XML, then JSON).

Product, firm and lead; a proposal with priced, option, comment and subtotal lines; accepted
(the lead is won); a 30 % deposit invoice and the final invoice, both validated (FA-…-00001
and FA-…-00002); the PDF is a Factur-X whose XML totals are the API's; a partial credit note
validated (AV-…-00001); the journal verifies. Then hostile inputs, and the concurrency of
validations (PostgreSQL).
"""

from __future__ import annotations

import threading
from decimal import Decimal

import orjson
import pytest
from django.db import close_old_connections, connection, transaction
from django.test import TestCase, TransactionTestCase
from django.utils import timezone
from lxml import etree

from comptoir.core import journal
from comptoir.core.testing.clients import make_tenant, to_xml
from comptoir.sales import services
from comptoir.sales.choices import LeadStep, SheetType
from comptoir.sales.models import BillLine, BillSheet, CompanyProfile, Lead

YEAR = timezone.localdate().year
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"


class Api:
    """A client speaking one format: ``post``/``put``/``get`` take and give dicts."""

    def __init__(self, testcase, client, bf, fmt):
        self.t, self.client, self.bf, self.fmt = testcase, client, bf, fmt

    def _decode(self, response, plural=None):
        if self.fmt == "json":
            return orjson.loads(response.content)
        root = etree.fromstring(response.content)
        return {child.tag: (child.text or "") if len(child) == 0 else
                [{leaf.tag: leaf.text or "" for leaf in item} for item in child]
                for child in root}

    def _body(self, plural, data):
        if self.fmt == "json":
            return orjson.dumps(data), "application/json"
        return to_xml(plural, data), "application/xml"

    def post(self, plural, data, status=201):
        body, content_type = self._body(plural, data)
        response = self.client.post(f"/{self.bf}/{plural}.{self.fmt}", body,
                                    content_type=content_type)
        self.t.assertEqual(response.status_code, status, response.content)
        return self._decode(response)

    def put(self, plural, pk, data, status=200):
        body, content_type = self._body(plural, data)
        response = self.client.put(f"/{self.bf}/{plural}/{pk}.{self.fmt}", body,
                                   content_type=content_type)
        self.t.assertEqual(response.status_code, status, response.content)
        return self._decode(response)

    def action(self, plural, pk, name, query="", status=200, data=None):
        body, content_type = (b"", "application/xml") if data is None else \
            self._body(plural, data)
        response = self.client.post(f"/{self.bf}/{plural}/{pk}/{name}.{self.fmt}{query}",
                                    body, content_type=content_type)
        self.t.assertEqual(response.status_code, status, response.content)
        return self._decode(response), response

    def get(self, plural, pk):
        response = self.client.get(f"/{self.bf}/{plural}/{pk}.{self.fmt}")
        self.t.assertEqual(response.status_code, 200, response.content)
        return self._decode(response)


def as_int(value) -> int:
    return int(value)


class FlowTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("flow")
        cls.other = make_tenant("other")
        CompanyProfile.objects.for_business_file(cls.tenant.id).update(
            siren="732829320", tva="FR44732829320", street_address="1 place Bellecour",
            zip_code="69002", city="Lyon", email="contact@example.test")

    def run_flow(self, fmt):
        import facturx

        api = Api(self, self.tenant.owner_client(), self.tenant.id, fmt)
        product = api.post("customer_products", {"name": "Journée de conseil",
                                                 "price": 650, "vat_id": 607, "unit": "j"})
        book = api.post("customer_products", {"name": "Guide pratique", "price": "24.90",
                                              "vat_id": 223})
        firm = api.post("firms", {"name": "Brasserie des Halles", "siren": "552100554",
                                  "tva": "FR96552100554"})
        lead = api.post("leads", {"topic": "Accompagnement", "firm_id": firm["id"]})
        proposal = api.post("proposal_sheets", {
            "title": "Accompagnement 2026", "firm_id": firm["id"], "lead_id": lead["id"],
            "billing_add_name": "Brasserie des Halles", "billing_add_street_address":
            "2 quai Saint-Antoine", "billing_add_zip_code": "69002",
            "billing_add_city": "Lyon",
            "proposal_lines": [
                {"customer_product_id": product["id"], "quantity": 3},
                {"customer_product_id": book["id"], "quantity": 10, "vat_value_id": ""},
                {"content_kind": "total", "description": "Sous-total"},
                {"content_kind": "option", "description": "Journée supplémentaire",
                 "unit_price": 650, "quantity": 1, "vat_value_id": 607},
                {"content_kind": "comment", "description": "Dates à convenir"},
            ]})
        self.assertEqual(proposal["vat_inc_total"], "2602.70")  # 1950 × 1.2 + 249 × 1.055
        accepted, _ = api.action("proposal_sheets", proposal["id"], "accept")
        self.assertEqual(str(accepted["progress_id"]), "557")
        self.assertEqual(as_int(api.get("leads", lead["id"])["step_id"]), LeadStep.WON)

        deposit, response = api.action("proposal_sheets", proposal["id"], "to_deposit_invoice",
                                       query="?percent=30", status=201)
        self.assertTrue(response["Location"].startswith(f"/{self.tenant.id}/bill_sheets/"))
        deposit, _ = api.action("bill_sheets", deposit["id"], "validate")
        final, _ = api.action("proposal_sheets", proposal["id"], "to_invoice", status=201)
        final, _ = api.action("bill_sheets", final["id"], "validate")
        self.assertEqual(deposit["reference"], f"FA-{YEAR}-00001")
        self.assertEqual(final["reference"], f"FA-{YEAR}-00002")
        self.assertEqual(Decimal(deposit["vat_inc_total"]) + Decimal(final["vat_inc_total"]),
                         Decimal(proposal["vat_inc_total"]))

        response = api.client.get(f"/{self.tenant.id}/bill_sheets/{final['id']}.pdf")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
        _, xml = facturx.get_facturx_xml_from_pdf(response.content, check_xsd=False)
        tree = etree.fromstring(xml)
        self.assertEqual(tree.findtext(f".//{RAM}GrandTotalAmount"), final["vat_inc_total"])
        self.assertEqual(tree.findtext(f".//{RAM}TaxBasisTotalAmount"),
                         final["vat_exc_total_with_shipping"])
        self.assertEqual(tree.findtext(f".//{RAM}TaxTotalAmount"), final["vat_cost"])
        served = api.client.get(f"/{self.tenant.id}/bill_sheets/{final['id']}/facturx.xml")
        self.assertEqual(served.content, xml)

        line = final["bill_lines"][0]
        credit, _ = api.action("bill_sheets", final["id"], "to_credit_note", status=201,
                               data={"bill_lines": [{"id": line["id"], "quantity": 1}]})
        self.assertEqual(credit["vat_inc_total"], "780.00")
        credit, _ = api.action("bill_sheets", credit["id"], "validate")
        self.assertEqual((credit["sheet_type"], credit["reference"]),
                         ("credit", f"AV-{YEAR}-00001"))
        result = journal.verify(self.tenant.id)
        self.assertTrue(result.ok, result.reason)
        self.assertEqual(result.entries, 3)

    def test_flow_in_xml(self):
        self.run_flow("xml")

    def test_flow_in_json(self):
        self.run_flow("json")

    def test_hostile_inputs(self):
        api = Api(self, self.tenant.owner_client(), self.tenant.id, "json")
        foreign = Api(self, self.other.owner_client(), self.other.id, "json").post(
            "customer_products", {"name": "Ailleurs", "price": 1})
        product = api.post("customer_products", {"name": "Guide", "price": 10, "vat_id": 223})
        errors = api.post("bill_sheets", {"bill_lines": [
            {"customer_product_id": foreign["id"]}]}, status=422)["errors"]
        self.assertTrue(errors[0].startswith("bill_lines[1].customer_product_id: no "), errors)
        api.post("proposal_sheets", {"proposal_lines": [{"description": "x", "quantity": -2}]},
                 status=422)
        api.post("bill_sheets", {"bill_lines": [{"description": "x", "vat_value_id": 12345}]},
                 status=422)
        body = api.post("bill_sheets", {"bill_lines": [
            {"customer_product_id": product["id"], "vat_value_id": "", "quantity": "2.5"},
            {"description": "y", "unit_price": 1, "vat_value_id": None}]})
        self.assertEqual([ln["vat_value_id"] for ln in body["bill_lines"]], [223, 607])
        self.assertEqual(body["bill_lines"][0]["quantity"], "2.5000")
        errors = api.post("bill_sheets", {"bill_lines": [{"description": "y",
                                                          "quantity": "abc"}]},
                          status=422)["errors"]
        self.assertTrue(errors[0].startswith("bill_lines[1].quantity"), errors)
        api.action("bill_sheets", body["id"], "validate")
        errors = api.put("bill_sheets", body["id"], {"title": "edited"}, status=422)["errors"]
        self.assertIn("is validated and can no longer be changed", errors[0])


class SequentialValidationTest(TestCase):
    """The sequential half of the concurrency test (runs on SQLite too)."""

    def test_fifty_validations_get_fifty_consecutive_numbers(self):
        tenant = make_tenant("seq")
        ids = make_drafts(tenant, 50)
        for pk in ids:
            with transaction.atomic():
                services.validate_bill_sheet(
                    BillSheet.objects.for_business_file(tenant.id).get(pk=pk))
        assert_consecutive(self, tenant, 50)


def make_drafts(tenant, count) -> list[int]:
    ids = []
    for _ in range(count):
        sheet = BillSheet.objects.create(business_file=tenant.business_file,
                                         sheet_type=SheetType.INVOICE_MAYBE)
        BillLine.objects.create(business_file=tenant.business_file, bill_sheet=sheet,
                                description="x", unit_price=Decimal(10), quantity=1,
                                vat_value_id=607)
        services.recompute(sheet)
        ids.append(sheet.pk)
    return ids


def assert_consecutive(testcase, tenant, count):
    indexes = sorted(BillSheet.objects.for_business_file(tenant.id)
                     .values_list("reference_index", flat=True))
    testcase.assertEqual(indexes, list(range(1, count + 1)))
    references = set(BillSheet.objects.for_business_file(tenant.id)
                     .values_list("reference", flat=True))
    testcase.assertEqual(len(references), count)
    testcase.assertTrue(journal.verify(tenant.id).ok)


class ConcurrentValidationTest(TransactionTestCase):
    def test_fifty_drafts_from_ten_connections(self):
        if connection.vendor != "postgresql":
            pytest.skip("SQLite serialises every writing transaction (BEGIN IMMEDIATE): there "
                        "is no concurrency to test; SequentialValidationTest covers the rule")
        tenant = make_tenant("conc")
        ids = make_drafts(tenant, 50)
        chunks = [ids[i::10] for i in range(10)]
        failures = []

        def work(chunk):
            try:
                for pk in chunk:
                    with transaction.atomic():
                        services.validate_bill_sheet(
                            BillSheet.objects.for_business_file(tenant.id).get(pk=pk))
            except Exception as exc:
                failures.append(exc)
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(failures, [])
        assert_consecutive(self, tenant, 50)
        self.assertEqual(Lead.objects.for_business_file(tenant.id).count(), 0)
