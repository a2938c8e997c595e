"""Products: prices entered incl. VAT, brand and category links, the list items clients read."""

from decimal import Decimal

import orjson
from django.test import TestCase
from lxml import etree

from comptoir.catalog import services
from comptoir.core.testing.clients import make_tenant
from tests.catalog import fixtures

W18_FIELDS = ("id", "reference", "name", "is_active", "modified_at", "price", "cost",
              "total_stock", "brand_id", "product_category_id", "barcode")


class PriceEntryTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("a")

    def setUp(self):
        self.client = self.tenant.owner_client()
        self.bf = self.tenant.id

    def post(self, payload, status=201):
        response = self.client.post(f"/{self.bf}/customer_products.json", orjson.dumps(payload),
                                    content_type="application/json")
        self.assertEqual(response.status_code, status, response.content)
        return orjson.loads(response.content)

    def put(self, pk, payload):
        response = self.client.put(f"/{self.bf}/customer_products/{pk}.json",
                                   orjson.dumps(payload), content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        return orjson.loads(response.content)

    @staticmethod
    def prices(body):
        return body["price"], body["entered_price_in_ttc"]

    def test_a_price_entered_incl_vat_gives_the_price_excl_tax(self):
        body = self.post({"name": "Bol", "enter_prices_in_ttc": 1, "entered_price_in_ttc": "12",
                          "vat_id": 607})
        self.assertEqual(self.prices(body), ("10.0000", "12.0000"))
        body = self.post({"name": "Livre", "enter_prices_in_ttc": True,
                          "entered_price_in_ttc": "10.00", "vat_id": 223, "price": "1"})
        self.assertEqual(self.prices(body), ("9.4787", "10.0000"))  # 10 / 1.055, half up

    def test_in_ttc_mode_the_price_incl_vat_is_kept_when_the_vat_changes(self):
        body = self.post({"name": "Bol", "enter_prices_in_ttc": 1, "entered_price_in_ttc": "24"})
        body = self.put(body["id"], {"vat_id": 552})
        self.assertEqual(self.prices(body), ("21.8182", "24.0000"))
        body = self.put(body["id"], {"name": "Bol à thé"})
        self.assertEqual(self.prices(body), ("21.8182", "24.0000"))  # no drift on other writes
        body = self.put(body["id"], {"price": "20"})
        self.assertEqual(self.prices(body), ("20.0000", "22.0000"))

    def test_in_ht_mode_the_price_is_the_one_sent(self):
        body = self.post({"name": "Pichet", "price": "12.5", "entered_price_in_ttc": "99"})
        self.assertEqual(self.prices(body), ("12.5000", "15.0000"))
        body = self.put(body["id"], {"vat_id": 225})
        self.assertEqual(self.prices(body), ("12.5000", "12.5000"))
        body = self.put(body["id"], {"enter_prices_in_ttc": 1, "vat_id": 607})
        self.assertEqual(self.prices(body), ("12.5000", "15.0000"))
        body = self.put(body["id"], {"enter_prices_in_ttc": 0, "entered_price_in_ttc": "30"})
        self.assertEqual(self.prices(body), ("12.5000", "15.0000"))

    def test_the_conversions_are_decimal(self):
        self.assertEqual(services.ht_to_ttc(Decimal("9.4787"), Decimal("5.5")),
                         Decimal("10.0000"))  # 10.0000285
        self.assertEqual(services.ht_to_ttc(Decimal("0.000375"), 20), Decimal("0.0005"))  # half up
        attrs = services.apply_price_entry({"enter_prices_in_ttc": True,
                                            "entered_price_in_ttc": Decimal("1.00")})
        self.assertEqual(attrs["price"], Decimal("0.8333"))

    def test_unknown_vat_ids_and_bad_numbers_are_refused(self):
        for payload, field in (({"name": "X", "vat_id": 606}, "vat_id"),
                               ({"name": "X", "price": "douze"}, "price"),
                               ({"name": "X", "cost": "1.23456"}, "cost"),
                               ({"name": "X", "type_of_product_id": 3}, "type_of_product_id"),
                               ({"name": "  "}, "name")):
            errors = self.post(payload, status=422)["errors"]
            self.assertTrue(errors[0].startswith(f"{field}: "), errors)


class ProductLinksTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("a")
        cls.other = make_tenant("b")

    def setUp(self):
        self.client = self.tenant.owner_client()
        self.bf = self.tenant.id

    def post(self, payload):
        return self.client.post(f"/{self.bf}/customer_products.json", orjson.dumps(payload),
                                content_type="application/json")

    def test_the_brand_must_be_a_brand_label_of_the_business_file(self):
        other_type = fixtures.brand(self.bf, "Client salon", label_type="contact_origin")
        response = self.post({"name": "Pichet", "brand_id": other_type.pk})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(orjson.loads(response.content)["errors"], [
            f"brand_id: custom label {other_type.pk} is not a brand (its label_type is "
            "contact_origin, not customer_product_brand)"])
        foreign = fixtures.brand(self.other.id)
        response = self.post({"name": "Pichet", "brand_id": foreign.pk})
        self.assertEqual(response.status_code, 422)
        foreign_category = fixtures.category(self.other.id)
        response = self.post({"name": "Pichet", "product_category_id": foreign_category.pk})
        self.assertEqual(response.status_code, 422)
        mine = fixtures.brand(self.bf)
        response = self.post({"name": "Pichet", "brand_id": mine.pk, "product_category_id": 0})
        self.assertEqual(response.status_code, 201, response.content)
        body = orjson.loads(response.content)
        self.assertEqual((body["brand_id"], body["brand_name"], body["product_category_id"]),
                         (mine.pk, "Revol", None))

    def test_deleting_a_brand_or_a_category_unlinks_its_products(self):
        brand, category = fixtures.brand(self.bf), fixtures.category(self.bf)
        product = fixtures.product(self.bf, brand=brand, product_category=category)
        for plural, pk in (("custom_labels", brand.pk),
                           ("customer_product_categories", category.pk)):
            self.assertEqual(self.client.delete(f"/{self.bf}/{plural}/{pk}.xml").status_code, 200)
        product.refresh_from_db()
        self.assertEqual((product.brand_id, product.product_category_id), (None, None))

    def test_list_items_carry_what_clients_read(self):
        brand, category = fixtures.brand(self.bf), fixtures.category(self.bf)
        fixtures.product(self.bf, reference="PIC123", brand=brand, product_category=category,
                         barcode="3760123456789", price=Decimal("12.5"), cost=Decimal(8))
        fixtures.product(self.bf, name="Sans rien", is_active=False)
        response = self.client.get(f"/customer_products/list/{self.bf}.xml?page=1")
        self.assertEqual(response.status_code, 200)
        lines = response.content.decode().splitlines()
        self.assertEqual(lines[1], '<customer_products type="array">')
        items = etree.fromstring(response.content).findall("customer_product")
        self.assertEqual(len(items), 2)
        for item in items:
            self.assertEqual([c.tag for c in item][:len(W18_FIELDS)], list(W18_FIELDS))
        first, second = items
        self.assertEqual(
            [first.findtext(f) for f in ("reference", "is_active", "price", "cost",
                                         "total_stock", "brand_id", "product_category_id",
                                         "barcode")],
            ["PIC123", "1", "12.5000", "8.0000", "0.0000", str(brand.pk), str(category.pk),
             "3760123456789"])
        self.assertEqual([second.findtext(f) for f in ("is_active", "brand_id")], ["0", "0"])
        self.assertRegex(first.findtext("modified_at"), r"^\d\d-\d\d-\d{4}-\d\d-\d\d$")


def test_boolean_filters_take_0_and_1_and_refuse_anything_else(db):
    from comptoir.core.testing.clients import make_tenant

    tenant = make_tenant("bool")
    client = tenant.owner_client()
    for name, active in (("Actif", True), ("Retiré", False)):
        client.post(f"/{tenant.id}/customer_products.json",
                    f'{{"name": "{name}", "is_active": {str(active).lower()}}}',
                    content_type="application/json")
    url = f"/{tenant.id}/customer_products.json?is_active="
    names = lambda value: [p["name"] for p in client.get(url + value).json()["customer_products"]]  # noqa: E731
    assert names("1") == names("true") == ["Actif"]
    assert names("0") == names("false") == ["Retiré"]
    response = client.get(url + "maybe")
    assert response.status_code == 400
    assert "is_active" in response.json()["errors"][0]
