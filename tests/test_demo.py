"""The demo business file (``comptoir demo``): a whole small business, loaded once, coherent.

The loader runs once per class on a fresh test database (its credentials file goes to a
temporary ``DATA_DIR``); the checks read what it made through the same rules the API applies:
the catalog's stock and price rules, the cash module's IBAN checks, the API's product list.
"""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from decimal import Decimal

import orjson
from django.test import TestCase, override_settings
from django.utils import timezone
from lxml import etree

from comptoir.cash import services as cash_services
from comptoir.cash.models import BankAccount
from comptoir.catalog import demo as catalog_demo
from comptoir.catalog.choices import LabelType, ProductType
from comptoir.catalog.models import (
    CustomerProduct,
    CustomerProductCategory,
    CustomLabel,
    ProductStock,
    StockMovement,
    Warehouse,
)
from comptoir.catalog.services import ht_to_ttc
from comptoir.core import vat
from comptoir.core.money import ttc_to_ht
from comptoir.core.testing.clients import basic
from comptoir.crm import demo
from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm
from comptoir.sales.choices import OPEN_STEPS, LeadStep
from comptoir.sales.models import Lead
from comptoir.tenancy.models import BusinessFile, Membership, User
from comptoir.tenancy.services import set_up_business_file

BUSINESS_MODELS = [Firm, Contact, ContactAddress, ContactItem, CustomerProductCategory,
                   CustomLabel, Warehouse, CustomerProduct, StockMovement, ProductStock,
                   BankAccount, Lead]


def ean13_valid(code: str) -> bool:
    """Weights 1 and 3 alternate from the left over all 13 digits; the sum is a multiple of 10."""
    if len(code) != 13 or not code.isdigit():
        return False
    return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(code)) % 10 == 0


def counts(bf_id: int) -> dict:
    return {m.__name__: m.objects.for_business_file(bf_id).count() for m in BUSINESS_MODELS}


class DemoTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        data_dir = cls.enterClassContext(tempfile.TemporaryDirectory())
        cls.enterClassContext(override_settings(DATA_DIR=data_dir))
        cls.result = demo.load_demo()
        cls.bf = cls.result["business_file_id"]
        cls.user = User.objects.get(email=demo.DEMO_EMAIL)

    def products(self):
        return CustomerProduct.objects.for_business_file(self.bf)

    # -- what is there ------------------------------------------------------------------

    def test_the_business_is_all_there(self):
        self.assertTrue(self.result["created"])
        found = counts(self.bf)
        self.assertGreaterEqual(found["Firm"], 50)
        self.assertGreaterEqual(found["Contact"], 200)
        self.assertGreaterEqual(found["CustomerProduct"], 40)
        self.assertGreaterEqual(found["Lead"], 20)
        self.assertTrue(6 <= found["CustomerProductCategory"] <= 8)
        brands = CustomLabel.objects.for_business_file(self.bf).filter(
            label_type=LabelType.CUSTOMER_PRODUCT_BRAND)
        self.assertTrue(5 <= brands.count() <= 6)
        accounts = BankAccount.objects.for_business_file(self.bf).filter(is_default=True)
        self.assertEqual(accounts.count(), 1)

    def test_everything_is_in_the_one_business_file(self):
        self.assertEqual(BusinessFile.objects.count(), 1)
        self.assertEqual(Membership.objects.filter(business_file_id=self.bf).count(), 1)
        for model in BUSINESS_MODELS:
            with self.subTest(model=model.__name__):
                self.assertFalse(model.objects.unscoped().exclude(business_file_id=self.bf)
                                 .exists())
        # and the links between records stay inside it
        leads = Lead.objects.for_business_file(self.bf)
        for link in ("firm", "contact", "product_category"):
            self.assertFalse(leads.filter(**{f"{link}__isnull": False})
                             .exclude(**{f"{link}__business_file_id": self.bf}).exists())
        self.assertFalse(StockMovement.objects.for_business_file(self.bf).exclude(
            warehouse__business_file_id=self.bf, customer_product__business_file_id=self.bf
        ).exists())

    # -- the catalog ------------------------------------------------------------------------

    def test_stock_is_the_sum_of_the_movements(self):
        moved = defaultdict(Decimal)
        per_warehouse = defaultdict(Decimal)
        for m in StockMovement.objects.for_business_file(self.bf):
            moved[m.customer_product_id] += m.direction * m.quantity
            per_warehouse[m.customer_product_id, m.warehouse_id] += m.direction * m.quantity
        stocks = {(s.customer_product_id, s.warehouse_id): s.quantity
                  for s in ProductStock.objects.for_business_file(self.bf)}
        self.assertEqual(stocks, dict(per_warehouse))
        default = Warehouse.objects.for_business_file(self.bf).get(is_default=True)
        self.assertEqual({w for _, w in stocks}, {default.pk})
        for product in self.products():
            with self.subTest(product=product.reference):
                self.assertEqual(product.total_stock, moved.get(product.pk, Decimal(0)))
                goods = product.type_of_product_id == ProductType.GOODS
                self.assertEqual(product.pk in moved, goods)
                if goods:
                    self.assertGreater(product.total_stock, 0)
        outs = StockMovement.objects.for_business_file(self.bf).filter(direction=-1)
        self.assertTrue(outs.exists())

    def test_every_barcode_is_a_valid_ean13(self):
        barcodes = []
        for product in self.products():
            with self.subTest(product=product.reference):
                if product.type_of_product_id == ProductType.GOODS:
                    self.assertTrue(ean13_valid(product.barcode), product.barcode)
                    barcodes.append(product.barcode)
                else:
                    self.assertEqual(product.barcode, "")
        self.assertEqual(len(barcodes), len(set(barcodes)))
        self.assertFalse(ean13_valid("3770021372148"))  # the check is not a tautology

    def test_prices_follow_the_catalog_rules(self):
        products = list(self.products())
        for p in products:
            with self.subTest(product=p.reference):
                rate = vat.rate(p.vat_id)
                if p.enter_prices_in_ttc:
                    self.assertEqual(p.price, ttc_to_ht(p.entered_price_in_ttc, rate))
                else:
                    self.assertEqual(p.entered_price_in_ttc, ht_to_ttc(p.price, rate))
                self.assertGreater(p.price, 0)
                self.assertLess(p.cost, p.price)
                self.assertTrue(p.unit)
                self.assertTrue(p.product_category_id)
        vat_ids = [p.vat_id for p in products]
        self.assertGreater(vat_ids.count(vat.VAT.STANDARD_20), len(products) * 3 // 4)
        self.assertGreaterEqual(vat_ids.count(vat.VAT.REDUCED_10), 2)
        self.assertEqual(vat_ids.count(vat.VAT.REDUCED_5_5), 1)
        self.assertGreaterEqual(sum(p.enter_prices_in_ttc for p in products), 2)
        self.assertEqual(sum(not p.is_active for p in products), 2)
        self.assertTrue(any(p.type_of_product_id == ProductType.SERVICE for p in products))
        self.assertLessEqual({p.unit for p in products},
                             {"pièce", "h", "m²", "ml", "forfait", "jour"})
        references = [p.reference for p in products]
        self.assertEqual(len(references), len(set(references)))

    def test_the_catalog_is_the_same_on_every_installation(self):
        other = BusinessFile.objects.create(name="Autre installation")
        set_up_business_file(other)
        catalog_demo.generate(other, None, random.Random(f"{demo.SEED}:catalog"),
                              timezone.localdate())

        def snapshot(bf):
            return list(CustomerProduct.objects.for_business_file(bf).values_list(
                "reference", "barcode", "price", "entered_price_in_ttc", "total_stock"))

        self.assertEqual(snapshot(other), snapshot(self.bf))

    # -- bank account and leads -------------------------------------------------------------

    def test_the_default_bank_account_passes_the_iban_checks(self):
        account = BankAccount.objects.for_business_file(self.bf).get(is_default=True)
        self.assertTrue(account.bank_iban.startswith("FR"))
        self.assertEqual(cash_services.clean_iban(account.bank_iban), account.bank_iban)
        self.assertEqual(cash_services.iban_remainder(account.bank_iban), 1)
        self.assertEqual(cash_services.clean_bic(account.bank_bic), account.bank_bic)
        rib = cash_services.settle_rib({"bank_iban": account.bank_iban})  # checks the RIB key
        self.assertEqual(rib, {name: getattr(account, name) for name in cash_services.RIB_PARTS})
        self.assertEqual(account.bank_key, cash_services.rib_key(
            account.bank_code, account.bank_desk, account.bank_account))
        self.assertTrue(account.bank_name and account.city)

    def test_leads_cover_the_pipeline(self):
        leads = list(Lead.objects.for_business_file(self.bf))
        self.assertEqual({lead.step_id for lead in leads}, {s.value for s in LeadStep})
        today = timezone.localdate()
        for lead in leads:
            with self.subTest(lead=lead.topic):
                self.assertEqual(lead.manager_id, self.user.pk)
                self.assertTrue(lead.firm_id or lead.contact_id)
                self.assertTrue(lead.client_name)
                self.assertGreater(lead.value, 0)
                self.assertTrue(0 <= lead.confidence_pct <= 100)
                if lead.step_id in OPEN_STEPS:
                    self.assertGreater(lead.value_date, today)
                elif lead.step_id == LeadStep.WON:
                    self.assertEqual(lead.confidence_pct, 100)
                else:
                    self.assertEqual(lead.confidence_pct, 0)
        open_dates = {lead.value_date.month for lead in leads if lead.step_id in OPEN_STEPS}
        self.assertGreaterEqual(len(open_dates), 3)  # spread over the coming months

    # -- idempotency and the API ---------------------------------------------------------

    def test_loading_again_creates_nothing(self):
        before = counts(self.bf)
        again = demo.load_demo()
        self.assertFalse(again["created"])
        self.assertEqual(again["business_file_id"], self.bf)
        self.assertEqual(again["password"], self.result["password"])
        self.assertEqual(counts(self.bf), before)
        self.assertEqual(BusinessFile.objects.count(), 1)
        self.assertEqual(User.objects.count(), 1)

    def test_the_api_lists_the_products(self):
        response = self.client.get(f"/{self.bf}/customer_products.xml",
                                   **basic(self.result["email"], self.result["password"]))
        self.assertEqual(response.status_code, 200, response.content[:500])
        root = etree.fromstring(response.content)
        self.assertEqual(int(root.findtext("pagination/total_count")),
                         self.products().count())

    def test_a_validated_demo_invoice_is_factur_x(self):
        auth = basic(self.result["email"], self.result["password"])
        product = self.products().filter(is_active=True).first()
        firm = Firm.objects.for_business_file(self.bf).first()
        body = orjson.dumps({"firm_id": firm.pk, "sheet_type": "invoice",
                             "bill_lines": [{"customer_product_id": product.pk,
                                             "quantity": "2"}]})
        response = self.client.post(f"/{self.bf}/bill_sheets.json", body,
                                    content_type="application/json", **auth)
        self.assertEqual(response.status_code, 201, response.content[:500])
        invoice = orjson.loads(response.content)
        self.assertTrue(invoice["reference"].startswith("FA-"))
        response = self.client.get(f"/{self.bf}/bill_sheets/{invoice['id']}/facturx.xml", **auth)
        self.assertEqual(response.status_code, 200, response.content[:500])
        self.assertIn(b"812345676", response.content)
