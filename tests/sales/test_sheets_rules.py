"""The rules of the sales documents: totals, lines, numbering, immutability, conversions,
deposits, credit notes, delivery, printing (through the API and the services)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import orjson
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from comptoir.catalog.models import CustomerProduct, StockMovement
from comptoir.core import journal
from comptoir.core.testing.clients import make_tenant
from comptoir.sales import services
from comptoir.sales.choices import BillProgress, LeadStep
from comptoir.sales.models import BillSheet, CompanyProfile, Lead
from tests.sales.test_sheets import firm_in, product_in

YEAR = timezone.localdate().year


def errors_of(response) -> list[str]:
    return orjson.loads(response.content)["errors"]


class SheetsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("a")
        cls.other = make_tenant("b")
        CompanyProfile.objects.for_business_file(cls.tenant.id).update(
            siren="732829320", tva="FR44732829320", street_address="1 place Bellecour",
            zip_code="69002", city="Lyon")
        cls.product = product_in(cls.tenant, "Conseil", "100", 607)
        cls.book = product_in(cls.tenant, "Livre", "20", 223)
        cls.firm = firm_in(cls.tenant)

    def setUp(self):
        self.client = self.tenant.owner_client()
        self.bf = self.tenant.id

    def post(self, plural, data, query=""):
        return self.client.post(f"/{self.bf}/{plural}.json{query}", orjson.dumps(data),
                                content_type="application/json")

    def created(self, plural, data) -> dict:
        response = self.post(plural, data)
        self.assertEqual(response.status_code, 201, response.content)
        return orjson.loads(response.content)

    def act(self, plural, pk, name, query="", body=None):
        return self.client.post(f"/{self.bf}/{plural}/{pk}/{name}.json{query}",
                                orjson.dumps(body) if body is not None else b"",
                                content_type="application/json")

    def get(self, plural, pk) -> dict:
        response = self.client.get(f"/{self.bf}/{plural}/{pk}.json")
        self.assertEqual(response.status_code, 200, response.content)
        return orjson.loads(response.content)

    def invoice(self, lines=None, **extra) -> dict:
        lines = lines or [{"customer_product_id": self.product.pk, "quantity": 2}]
        return self.created("bill_sheets", {"sheet_type": "invoice_maybe",
                                            "firm_id": self.firm.pk, "bill_lines": lines,
                                            **extra})


class TotalsAndLinesTest(SheetsTestCase):
    def test_totals_are_recomputed_and_sent_totals_ignored(self):
        body = self.created("proposal_sheets", {
            "firm_id": self.firm.pk, "vat_inc_total": "1.00", "reduction_percent": 10,
            "shipping_cost": "8.00",
            "proposal_lines": [
                {"description": "a", "unit_price": "19.99", "quantity": 3, "vat_value_id": 607,
                 "total_price": "999"},
                {"description": "b", "unit_price": "12.50", "quantity": 2, "vat_value_id": 223,
                 "reduction_percent": 10},
                {"description": "c", "unit_price": "13.3333", "quantity": "0.75",
                 "vat_value_id": 223},
            ]})
        # The worked example of sales/totals.py.
        self.assertEqual(body["vat_exc_total"], "92.47")
        self.assertEqual(body["reduction_total"], "9.25")
        self.assertEqual(body["vat_exl_total"], "83.22")
        self.assertEqual(body["vat_exc_total_with_shipping"], "91.22")
        self.assertEqual(body["vat_cost"], "14.00")
        self.assertEqual(body["vat_inc_total"], "105.22")
        self.assertEqual([line["total_price"] for line in body["proposal_lines"]],
                         ["59.97", "22.50", "10.00"])
        self.assertEqual([line["ordering"] for line in body["proposal_lines"]], [100, 200, 300])
        self.assertEqual([(v["vat_value_id"], v["base"], v["vat"]) for v in body["vat_totals"]],
                         [(223, "29.25", "1.61"), (607, "61.97", "12.39")])
        # An update of the lines recomputes everything.
        response = self.client.put(
            f"/{self.bf}/proposal_sheets/{body['id']}.json",
            orjson.dumps({"reduction_percent": 0, "shipping_cost": 0, "proposal_lines": [
                {"description": "a", "unit_price": 10, "quantity": 1, "vat_value_id": 607}]}),
            content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        after = self.get("proposal_sheets", body["id"])
        self.assertEqual(after["vat_inc_total"], "12.00")
        self.assertEqual(len(after["vat_totals"]), 1)

    def test_a_product_line_is_completed_from_the_product(self):
        body = self.invoice([{"customer_product_id": self.book.pk, "quantity": 2,
                              "vat_value_id": ""}])
        line = body["bill_lines"][0]
        self.assertEqual((line["description"], line["unit_price"], line["unit"],
                          line["vat_value_id"]), ("Livre", "20.0000", "h", 223))
        self.assertEqual(body["vat_inc_total"], "42.20")
        # Absent VAT without a product: 607; an empty element in XML too.
        body = self.invoice([{"description": "x", "unit_price": 10, "quantity": 1}])
        self.assertEqual(body["bill_lines"][0]["vat_value_id"], 607)
        xml = ('<bill_sheet><sheet_type>invoice_maybe</sheet_type><bill_lines><bill_line>'
               f'<customer_product_id>{self.book.pk}</customer_product_id>'
               '<quantity>2.5</quantity><vat_value_id></vat_value_id></bill_line></bill_lines>'
               '</bill_sheet>')
        response = self.client.post(f"/{self.bf}/bill_sheets.xml", xml,
                                    content_type="application/xml")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertIn(b"<vat_value_id>223</vat_value_id>", response.content)
        self.assertIn(b"<quantity>2.5000</quantity>", response.content)

    def test_hostile_lines_are_422_naming_the_line(self):
        foreign = product_in(self.other, "Étranger")
        disabled = product_in(self.tenant, "Ancien", "5", is_active=False)
        cases = [
            ("bill_sheets", "bill_lines", {"customer_product_id": foreign.pk},
             "bill_lines[2].customer_product_id"),
            ("bill_sheets", "bill_lines", {"description": "x", "vat_value_id": 999},
             "bill_lines[2].vat_value_id: unknown VAT id 999"),
            ("bill_sheets", "bill_lines", {"description": "x", "quantity": "abc"},
             "bill_lines[2].quantity"),
            ("bill_sheets", "bill_lines", {"customer_product_id": disabled.pk},
             "bill_lines[2].customer_product_id: product"),
            ("proposal_sheets", "proposal_lines", {"description": "x", "quantity": -1},
             "proposal_lines[2].quantity: must not be negative"),
            ("delivery_notes", "delivery_note_lines", {"description": "x", "quantity": -1},
             "delivery_note_lines[2].quantity: must not be negative"),
        ]
        for plural, collection, bad, message in cases:
            response = self.post(plural, {collection: [{"description": "ok"}, bad]})
            self.assertEqual(response.status_code, 422, (plural, bad))
            self.assertTrue(any(e.startswith(message) for e in errors_of(response)),
                            (message, errors_of(response)))

    def test_refund_lines_on_invoices_but_no_negative_invoice(self):
        body = self.invoice([{"customer_product_id": self.product.pk, "quantity": 1},
                             {"description": "remise", "unit_price": 30, "quantity": -1}])
        self.assertEqual(body["vat_inc_total"], "84.00")
        body = self.invoice([{"description": "remboursement", "unit_price": 30,
                              "quantity": -1}])
        self.assertEqual(body["vat_inc_total"], "-36.00")
        response = self.act("bill_sheets", body["id"], "validate")
        self.assertEqual(response.status_code, 422)
        self.assertIn("make a credit note", errors_of(response)[0])

    def test_addresses_are_copied_from_the_firm_unless_given(self):
        body = self.invoice()
        self.assertEqual((body["billing_add_name"], body["billing_add_city"],
                          body["shipping_add_zip_code"]), ("Atelier Martin", "Lyon", "69003"))
        body = self.invoice(billing_add_name="Autre", billing_add_city="Paris")
        self.assertEqual((body["billing_add_name"], body["billing_add_city"],
                          body["shipping_add_city"]), ("Autre", "Paris", "Lyon"))

    def test_a_fixed_reduction(self):
        body = self.invoice(reduction_amount="20.00")
        self.assertEqual(body["reduction_amount"], "20.00")
        self.assertEqual(body["vat_exl_total"], "180.00")

    def test_due_date_from_payment_terms(self):
        day = datetime.date(2026, 1, 15)
        self.assertEqual(services.due_date_for(day, 0), day)
        self.assertEqual(services.due_date_for(day, 1), datetime.date(2026, 2, 14))
        self.assertEqual(services.due_date_for(day, 2), datetime.date(2026, 2, 28))
        self.assertEqual(services.due_date_for(day, 3), datetime.date(2026, 3, 31))
        self.assertEqual(services.due_date_for(day, 4), datetime.date(2026, 3, 16))
        body = self.invoice(billing_date="2026-01-15", payment_term_id=3)
        self.assertEqual(body["due_date"], "2026-03-31")
        body = self.invoice(billing_date="2026-01-15", due_date="2026-01-20")
        self.assertEqual(body["due_date"], "2026-01-20")


class ValidationTest(SheetsTestCase):
    def test_validation_numbers_gaplessly_and_journals(self):
        first, second, draft = self.invoice(), self.invoice(), self.invoice()
        response = self.act("bill_sheets", first["id"], "validate")
        self.assertEqual(response.status_code, 200, response.content)
        body = orjson.loads(response.content)
        self.assertEqual((body["sheet_type"], body["reference"], body["progress_id"]),
                         ("invoice", f"FA-{YEAR}-00001", BillProgress.VALIDATED))
        # The legacy route (W11), XML by default.
        response = self.client.get(f"/bill_sheets/confirm_invoice/{self.bf}/{second['id']}")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIn(f"<reference>FA-{YEAR}-00002</reference>".encode(), response.content)
        response = self.act("bill_sheets", first["id"], "validate")
        self.assertEqual(response.status_code, 422)
        self.assertIn("already validated", errors_of(response)[0])
        self.assertEqual(self.get("bill_sheets", draft["id"])["reference"], "")
        result = journal.verify(self.bf)
        self.assertTrue(result.ok, result.reason)
        self.assertEqual(result.entries, 2)
        entry = journal.entries(self.bf).first()
        self.assertEqual(entry.reference, f"FA-{YEAR}-00001")
        self.assertEqual(entry.payload["vat_inc_total"], "240.00")
        self.assertEqual(entry.payload["per_rate"][0]["base"], "200.00")

    def test_a_validated_invoice_is_immutable_and_a_draft_is_not(self):
        body = self.invoice()
        url = f"/{self.bf}/bill_sheets/{body['id']}.json"
        change = orjson.dumps({"title": "changed"})
        self.assertEqual(self.client.put(url, change, content_type="application/json")
                         .status_code, 200)
        self.act("bill_sheets", body["id"], "validate")
        response = self.client.put(url, change, content_type="application/json")
        self.assertEqual(response.status_code, 422)
        self.assertIn("is validated and can no longer be changed", errors_of(response)[0])
        response = self.client.delete(url)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.get("bill_sheets", body["id"])["title"], "changed")
        draft = self.invoice()
        self.assertEqual(self.client.delete(f"/{self.bf}/bill_sheets/{draft['id']}.json")
                         .status_code, 200)

    def test_posting_an_invoice_validates_it(self):
        body = self.created("bill_sheets", {
            "sheet_type": "invoice", "firm_id": self.firm.pk,
            "bill_lines": [{"customer_product_id": self.product.pk, "quantity": 1}]})
        self.assertEqual((body["sheet_type"], body["reference"]),
                         ("invoice", f"FA-{YEAR}-00001"))
        self.assertTrue(journal.verify(self.bf).ok)

    def test_an_empty_invoice_is_not_validated(self):
        body = self.invoice([{"content_kind": "comment", "description": "rien"}])
        response = self.act("bill_sheets", body["id"], "validate")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.get("bill_sheets", body["id"])["reference"], "")

    def test_validate_service_needs_the_callers_transaction_and_rolls_back(self):
        sheet = BillSheet.objects.for_business_file(self.bf).get(pk=self.invoice()["id"])
        with self.assertRaises(transaction.TransactionManagementError):
            services.validate_bill_sheet(sheet)
        with transaction.atomic():
            services.validate_bill_sheet(sheet)
        sheet.refresh_from_db()
        self.assertEqual(sheet.reference, f"FA-{YEAR}-00001")

    def test_status_follows_payments_and_the_calendar(self):
        body = self.invoice(billing_date="2020-01-01")
        self.assertEqual(body["status_id"], BillProgress.DRAFT)
        self.act("bill_sheets", body["id"], "validate")
        self.assertEqual(self.get("bill_sheets", body["id"])["status_id"], BillProgress.OVERDUE)
        sheet = BillSheet.objects.for_business_file(self.bf).get(pk=body["id"])
        services.record_payment(sheet, Decimal("100"))
        after = self.get("bill_sheets", body["id"])
        self.assertEqual((after["status_id"], after["remaining_due"]),
                         (BillProgress.PARTLY_PAID, "140.00"))
        services.record_payment(sheet, Decimal("140"))
        self.assertEqual(self.get("bill_sheets", body["id"])["status_id"], BillProgress.PAID)


class ProposalTest(SheetsTestCase):
    def proposal(self, **extra) -> dict:
        return self.created("proposal_sheets", {
            "firm_id": self.firm.pk, "title": "Devis",
            "proposal_lines": [
                {"customer_product_id": self.product.pk, "quantity": 10},
                {"customer_product_id": self.book.pk, "quantity": 5},
                {"content_kind": "option", "description": "option", "unit_price": 50},
                {"content_kind": "comment", "description": "note"},
                {"content_kind": "total", "description": "sous-total"},
            ], **extra})

    def test_numbered_when_sent_and_lead_won_when_accepted(self):
        lead = Lead.objects.create(business_file=self.tenant.business_file, topic="Site")
        body = self.proposal(lead_id=lead.pk)
        self.assertEqual(body["reference"], "")
        self.assertEqual(body["proposal_lines"][4]["total_price"], "1100.00")
        response = self.act("proposal_sheets", body["id"], "send")
        self.assertEqual(orjson.loads(response.content)["reference"], f"DE-{YEAR}-00001")
        response = self.act("proposal_sheets", body["id"], "accept")
        self.assertEqual(orjson.loads(response.content)["progress_id"], 557)
        lead.refresh_from_db()
        self.assertEqual(lead.step_id, LeadStep.WON)
        # A numbered proposal is not deleted (its number would leave a hole).
        self.assertEqual(self.client.delete(f"/{self.bf}/proposal_sheets/{body['id']}.json")
                         .status_code, 422)
        # PUT progress_id 557 wins the lead too, and numbers the next proposal.
        other = Lead.objects.create(business_file=self.tenant.business_file, topic="Autre")
        body = self.proposal(lead_id=other.pk)
        response = self.client.put(f"/{self.bf}/proposal_sheets/{body['id']}.json",
                                   orjson.dumps({"progress_id": 557}),
                                   content_type="application/json")
        self.assertEqual(orjson.loads(response.content)["reference"], f"DE-{YEAR}-00002")
        other.refresh_from_db()
        self.assertEqual(other.step_id, LeadStep.WON)

    def test_to_invoice_leaves_options_out_and_links_the_proposal(self):
        body = self.proposal()
        response = self.act("proposal_sheets", body["id"], "to_invoice")
        self.assertEqual(response.status_code, 201, response.content)
        invoice = orjson.loads(response.content)
        self.assertEqual(response["Location"], f"/{self.bf}/bill_sheets/{invoice['id']}.json")
        self.assertEqual(invoice["proposal_sheet_id"], body["id"])
        self.assertEqual(invoice["sheet_type"], "invoice_maybe")
        self.assertEqual([ln["content_kind"] for ln in invoice["bill_lines"]],
                         ["", "", "comment", "total"])
        self.assertEqual(invoice["vat_inc_total"], body["vat_inc_total"])

    def test_deposit_and_final_invoices_add_up_to_the_proposal(self):
        body = self.proposal(reduction_percent=10, shipping_cost=8)
        response = self.act("proposal_sheets", body["id"], "to_deposit_invoice",
                            query="?percent=30")
        self.assertEqual(response.status_code, 201, response.content)
        deposit = orjson.loads(response.content)
        self.assertTrue(deposit["is_deposit"])
        self.assertEqual(Decimal(deposit["deposit_percent"]), 30)
        # The balance cannot be invoiced while the deposit is a draft that may still change.
        refused = self.act("proposal_sheets", body["id"], "to_invoice")
        self.assertEqual(refused.status_code, 422, refused.content)
        self.assertIn(b"draft deposit invoice", refused.content)
        deposit = orjson.loads(self.act("bill_sheets", deposit["id"], "validate").content)
        final = orjson.loads(self.act("proposal_sheets", body["id"], "to_invoice").content)
        # Bases add up exactly; the VAT is recomputed per rate (a cent per rate at most).
        self.assertEqual(Decimal(deposit["vat_exc_total_with_shipping"])
                         + Decimal(final["vat_exc_total_with_shipping"]),
                         Decimal(body["vat_exc_total_with_shipping"]))
        self.assertLessEqual(abs(Decimal(deposit["vat_inc_total"])
                                 + Decimal(final["vat_inc_total"])
                                 - Decimal(body["vat_inc_total"])), Decimal("0.02"))
        self.assertIn(f"Acompte {deposit['reference']}", final["bill_lines"][-1]["description"])
        self.assertIn("(TVA 20 %)", final["bill_lines"][-1]["description"])
        for bad in ("?percent=abc", "?percent=0", "?percent=101", ""):
            response = self.act("proposal_sheets", body["id"], "to_deposit_invoice", bad)
            self.assertEqual(response.status_code, 422, bad)
        # The percent in the body works too.
        response = self.act("proposal_sheets", body["id"], "to_deposit_invoice",
                            body={"percent": 10})
        self.assertEqual(response.status_code, 201, response.content)

    def test_the_final_invoice_is_the_engines_balance_without_reduction(self):
        from comptoir.sales import totals as engine

        body = self.proposal()
        proposal = services._models().ProposalSheet.objects.for_business_file(self.bf).get(
            pk=body["id"])
        deposit = orjson.loads(self.act("proposal_sheets", body["id"], "to_deposit_invoice",
                                        "?percent=30").content)
        self.act("bill_sheets", deposit["id"], "validate")
        final = orjson.loads(self.act("proposal_sheets", body["id"], "to_invoice").content)
        dep = BillSheet.objects.for_business_file(self.bf).get(pk=deposit["id"])
        expected = engine.balance(services.compute_totals(proposal), [services._partial_of(dep)])
        self.assertEqual(Decimal(final["vat_exc_total_with_shipping"]), expected.vat_exc_total)
        self.assertEqual(Decimal(final["vat_inc_total"]), expected.vat_inc_total)

    def test_delivery_takes_goods_out_of_stock_and_freezes_the_note(self):
        body = self.proposal()
        response = self.act("proposal_sheets", body["id"], "to_delivery_note")
        self.assertEqual(response.status_code, 201, response.content)
        note = orjson.loads(response.content)
        self.assertEqual(len(note["delivery_note_lines"]), 2)
        lines = [{**ln, "delivered_quantity": 4 if ln["customer_product_id"] == self.product.pk
                  else ln["quantity"]} for ln in note["delivery_note_lines"]]
        response = self.client.put(f"/{self.bf}/delivery_notes/{note['id']}.json",
                                   orjson.dumps({"delivery_note_lines": lines}),
                                   content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        response = self.act("delivery_notes", note["id"], "deliver")
        self.assertEqual(response.status_code, 200, response.content)
        delivered = orjson.loads(response.content)
        self.assertEqual((delivered["reference"], delivered["progress_id"]),
                         (f"BL-{YEAR}-00001", 801))
        moves = StockMovement.objects.for_business_file(self.bf).order_by("id")
        self.assertEqual([(m.customer_product_id, m.direction, m.quantity) for m in moves],
                         [(self.product.pk, -1, Decimal("4.0000")),
                          (self.book.pk, -1, Decimal("5.0000"))])
        product = CustomerProduct.objects.for_business_file(self.bf).get(pk=self.product.pk)
        self.assertEqual(product.total_stock, Decimal(-4))
        self.assertEqual(self.act("delivery_notes", note["id"], "deliver").status_code, 422)
        response = self.client.put(f"/{self.bf}/delivery_notes/{note['id']}.json",
                                   orjson.dumps({"title": "x"}), content_type="application/json")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.client.delete(f"/{self.bf}/delivery_notes/{note['id']}.json")
                         .status_code, 422)


class CreditNoteTest(SheetsTestCase):
    def validated(self, **extra) -> dict:
        body = self.invoice([{"customer_product_id": self.product.pk, "quantity": 3},
                             {"customer_product_id": self.book.pk, "quantity": 2}], **extra)
        return orjson.loads(self.act("bill_sheets", body["id"], "validate").content)

    def test_partial_credit_notes_up_to_the_invoice(self):
        invoice = self.validated()
        line = invoice["bill_lines"][0]
        response = self.act("bill_sheets", invoice["id"], "to_credit_note",
                            body={"bill_lines": [{"id": line["id"], "quantity": 1}]})
        self.assertEqual(response.status_code, 201, response.content)
        credit = orjson.loads(response.content)
        self.assertEqual((credit["sheet_type"], credit["origin_bill_sheet_id"],
                          credit["vat_inc_total"]), ("credit_maybe", invoice["id"], "120.00"))
        response = self.act("bill_sheets", credit["id"], "validate")
        self.assertEqual(orjson.loads(response.content)["reference"], f"AV-{YEAR}-00001")
        # 120 credited out of 402.20: a 90 % credit is too much, 70 % is not.
        self.assertEqual(self.act("bill_sheets", invoice["id"], "to_credit_note",
                                  "?percent=90").status_code, 422)
        response = self.act("bill_sheets", invoice["id"], "to_credit_note", "?percent=70")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(self.act("bill_sheets", orjson.loads(response.content)["id"],
                                  "validate").status_code, 200)
        self.assertNotEqual(self.get("bill_sheets", invoice["id"])["progress_id"],
                            BillProgress.CANCELLED)

    def test_a_whole_credit_note_cancels_the_invoice(self):
        invoice = self.validated()
        credit = orjson.loads(self.act("bill_sheets", invoice["id"], "to_credit_note").content)
        self.assertEqual(credit["vat_inc_total"], invoice["vat_inc_total"])
        self.act("bill_sheets", credit["id"], "validate")
        self.assertEqual(self.get("bill_sheets", invoice["id"])["status_id"],
                         BillProgress.CANCELLED)
        self.assertEqual(self.act("bill_sheets", invoice["id"], "to_credit_note").status_code,
                         422)

    def test_only_validated_invoices_are_credited(self):
        draft = self.invoice()
        self.assertEqual(self.act("bill_sheets", draft["id"], "to_credit_note").status_code,
                         422)


class PrintingTest(SheetsTestCase):
    def test_draft_pdfs_and_no_einvoice_for_a_draft(self):
        draft = self.invoice()
        response = self.client.get(f"/{self.bf}/bill_sheets/{draft['id']}.pdf")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertEqual(self.client.get(f"/{self.bf}/bill_sheets/{draft['id']}/facturx.xml")
                         .status_code, 404)
        proposal = self.created("proposal_sheets", {"proposal_lines": [
            {"customer_product_id": self.product.pk}]})
        response = self.client.get(f"/{self.bf}/proposal_sheets/{proposal['id']}.pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        note = self.created("delivery_notes", {"delivery_note_lines": [
            {"customer_product_id": self.product.pk}]})
        response = self.client.get(f"/{self.bf}/delivery_notes/{note['id']}.pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        # Another tenant's sheet is 404, and a reader may print.
        other = self.other.owner_client()
        self.assertEqual(other.get(f"/{self.other.id}/bill_sheets/{draft['id']}.pdf")
                         .status_code, 404)
        self.assertEqual(self.tenant.reader_client()
                         .get(f"/{self.bf}/bill_sheets/{draft['id']}.pdf").status_code, 200)

    def test_a_validated_invoice_is_printed_once(self):
        body = self.invoice()
        self.act("bill_sheets", body["id"], "validate")
        first = self.client.get(f"/{self.bf}/bill_sheets/{body['id']}.pdf").content
        CustomerProduct.objects.for_business_file(self.bf).filter(pk=self.product.pk).update(
            name="Renamed", price=1)
        self.firm.name = "Renamed firm"
        self.firm.save()
        again = self.client.get(f"/{self.bf}/bill_sheets/{body['id']}.pdf").content
        self.assertEqual(first, again)
        response = self.client.get(f"/{self.bf}/bill_sheets/{body['id']}/facturx.xml")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/xml")
        self.assertIn(f"FA-{YEAR}-00001".encode(), response.content)
        self.assertIn(b"<ram:GrandTotalAmount>240.00</ram:GrandTotalAmount>", response.content)

    def test_the_pdf_is_stored_after_the_validating_commit(self):
        body = self.invoice()
        with self.captureOnCommitCallbacks(execute=True):
            self.act("bill_sheets", body["id"], "validate")
        sheet = BillSheet.objects.for_business_file(self.bf).get(pk=body["id"])
        self.assertTrue(bytes(sheet.pdf).startswith(b"%PDF"))
        served = self.client.get(f"/{self.bf}/bill_sheets/{body['id']}.pdf").content
        self.assertEqual(bytes(sheet.pdf), served)

    def test_a_first_download_racing_another_serves_the_stored_pdf(self):
        body = self.invoice()
        self.act("bill_sheets", body["id"], "validate")
        stored = b"%PDF-1.7 stored by the other request"
        real_render = services.render_sheet_pdf

        def render_while_another_stores(sheet):
            data = real_render(sheet)
            BillSheet.objects.for_business_file(self.bf).filter(pk=sheet.pk).update(pdf=stored)
            return data

        with mock.patch.object(services, "render_sheet_pdf", render_while_another_stores):
            first = self.client.get(f"/{self.bf}/bill_sheets/{body['id']}.pdf").content
        self.assertEqual(first, stored)
        self.assertEqual(self.client.get(f"/{self.bf}/bill_sheets/{body['id']}.pdf").content,
                         stored)

    def test_without_siren_a_plain_pdf_and_no_facturx(self):
        CompanyProfile.objects.for_business_file(self.bf).update(siren="", tva="")
        body = self.invoice()
        self.assertEqual(self.act("bill_sheets", body["id"], "validate").status_code, 200)
        response = self.client.get(f"/{self.bf}/bill_sheets/{body['id']}.pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertEqual(self.client.get(f"/{self.bf}/bill_sheets/{body['id']}/facturx.xml")
                         .status_code, 404)

    def test_every_business_file_gets_a_company_profile(self):
        profile = CompanyProfile.objects.for_business_file(self.other.id).get()
        self.assertEqual(profile.name, self.other.business_file.name)


class AliasTest(SheetsTestCase):
    def test_incwo_reduction_currency_is_the_reduction_amount(self):
        response = self.client.post(
            f"/{self.bf}/bill_sheets.xml",
            "<bill_sheet><sheet_type>invoice_maybe</sheet_type>"
            "<reduction_currency>10</reduction_currency><bill_lines><bill_line>"
            "<description>Pose</description><unit_price>100</unit_price><quantity>1</quantity>"
            "<vat_value_id></vat_value_id></bill_line></bill_lines></bill_sheet>",
            content_type="application/xml")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertIn(b"<reduction_amount>10.00</reduction_amount>", response.content)
        self.assertIn(b"<vat_inc_total>108.00</vat_inc_total>", response.content)


class PartiesOfDocumentsTest(SheetsTestCase):
    def test_a_firm_named_on_a_document_cannot_be_deleted(self):
        self.invoice()
        response = self.client.delete(f"/{self.bf}/firms/{self.firm.pk}.xml")
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn(b"sales documents name this firm and keep it", response.content)
        self.assertEqual(self.client.get(f"/{self.bf}/firms/{self.firm.pk}.xml").status_code, 200)


class DecimalInputTest(SheetsTestCase):
    def test_trailing_zeros_are_not_precision_on_every_resource(self):
        """W26: clients echo ``3.500000000``; the base serializer takes it as 3.5."""
        body = self.invoice(lines=[{"description": "Pose", "unit_price": "100.000000000",
                                    "quantity": "3.500000000"}])
        self.assertEqual(body["bill_lines"][0]["quantity"], "3.5000")
        self.assertEqual(body["vat_exc_total"], "350.00")
        response = self.client.post(
            f"/{self.bf}/bill_sheets.json",
            orjson.dumps({"sheet_type": "invoice_maybe", "bill_lines": [
                {"description": "Pose", "unit_price": "1", "quantity": "3.14159"}]}),
            content_type="application/json")
        self.assertEqual(response.status_code, 422)
        self.assertIn("bill_lines[1].quantity", orjson.loads(response.content)["errors"][0])
