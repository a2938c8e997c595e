"""Brands as custom labels (W35, W10, W11) and product categories at their legacy routes."""

import orjson
from django.test import TestCase
from lxml import etree

from comptoir.catalog.models import CustomerProductCategory, CustomLabel
from comptoir.core.testing.clients import make_tenant
from tests.catalog import fixtures

BRAND = "customer_product_brand"


class BrandTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("a")
        cls.other = make_tenant("b")

    def setUp(self):
        self.client = self.tenant.owner_client()
        self.bf = self.tenant.id

    def test_a_brand_is_created_with_the_type_in_the_query_string(self):
        body = ("<custom_label>\n  <long_label>Emile Henry &amp; Fils</long_label>\n"
                "  <language>fr</language>\n"
                f"  <business_file_id>{self.other.id}</business_file_id>\n</custom_label>")
        response = self.client.post(f"/{self.bf}/custom_labels.xml?type={BRAND}", body,
                                    content_type="text/xml")
        self.assertEqual(response.status_code, 201, response.content)
        # The catalogue-sync client reads the id from the first line holding <id>.
        line = next(x for x in response.content.decode().splitlines() if "<id>" in x)
        label = CustomLabel.objects.for_business_file(self.bf).get(pk=int(line[6:-5]))
        self.assertEqual((label.label_type, label.long_label), (BRAND, "Emile Henry & Fils"))
        self.assertFalse(CustomLabel.objects.for_business_file(self.other.id).exists())

    def test_the_type_in_the_body_is_accepted_too_and_one_is_needed(self):
        response = self.client.post(
            f"/{self.bf}/custom_labels.xml",
            f"<custom_label><label_type>{BRAND}</label_type><long_label>Jars</long_label>"
            "</custom_label>", content_type="application/xml")
        self.assertEqual(response.status_code, 201, response.content)
        response = self.client.post(f"/{self.bf}/custom_labels.xml",
                                    "<custom_label><long_label>Jars</long_label></custom_label>",
                                    content_type="application/xml")
        self.assertEqual(response.status_code, 422)
        self.assertIn(b"<error>label_type: ", response.content)
        response = self.client.post(f"/{self.bf}/custom_labels.xml?type=shoe_size",
                                    "<custom_label><long_label>42</long_label></custom_label>",
                                    content_type="application/xml")
        self.assertEqual(response.status_code, 422)

    def test_the_type_of_a_label_cannot_change(self):
        label = fixtures.brand(self.bf)
        response = self.client.put(f"/{self.bf}/custom_labels/{label.pk}.json",
                                   orjson.dumps({"label_type": "contact_origin"}),
                                   content_type="application/json")
        self.assertEqual(response.status_code, 422)
        response = self.client.put(f"/{self.bf}/custom_labels/{label.pk}.json",
                                   orjson.dumps({"label_type": BRAND, "long_label": "Revol SA"}),
                                   content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)

    def test_the_legacy_list_filters_by_type_and_pages(self):
        brands = [fixtures.brand(self.bf, name) for name in ("A", "B", "C")]
        fixtures.brand(self.bf, "Salon", label_type="contact_origin")
        fixtures.brand(self.other.id, "Autre")
        response = self.client.get(f"/custom_labels/list/{self.bf}.xml?type={BRAND}&page=2"
                                   "&per_page=2")
        self.assertEqual(response.status_code, 200)
        root = etree.fromstring(response.content)
        self.assertEqual(root.tag, "custom_labels")
        self.assertEqual([i.findtext("id") for i in root.findall("custom_label")],
                         [str(brands[2].pk)])
        self.assertEqual(root.findtext("pagination/current_page"), "2")
        self.assertEqual(root.findtext("pagination/total_pages"), "2")
        self.assertEqual(root.findtext("pagination/current_page_items_count"), "1")
        response = self.client.get(f"/custom_labels/list/{self.bf}.xml?type={BRAND}")
        items = etree.fromstring(response.content).findall("custom_label")
        self.assertEqual([(i.findtext("id"), i.findtext("long_label")) for i in items],
                         [(str(b.pk), b.long_label) for b in brands])


class CategoryTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("a")
        cls.other = make_tenant("b")

    def setUp(self):
        self.client = self.tenant.owner_client()
        self.bf = self.tenant.id

    def test_the_legacy_routes_of_the_catalogue_sync_client(self):
        response = self.client.post(
            f"/customer_product_categories/create/{self.bf}.xml",
            "<customer_product_category><name>Vaisselle</name></customer_product_category>",
            content_type="application/xml")
        self.assertEqual(response.status_code, 201, response.content)
        line = next(x for x in response.content.decode().splitlines() if "<id>" in x)
        created = int(line[6:-5])
        for name in ("Verrerie", "Linge de table"):
            fixtures.category(self.bf, name)
        response = self.client.get(
            f"/customer_product_categories/list/{self.bf}.xml?page=2&per_page=2")
        self.assertEqual(response.status_code, 200)
        root = etree.fromstring(response.content)
        self.assertEqual(root.tag, "customer_product_categories")
        self.assertEqual([i.findtext("name") for i in root.findall("customer_product_category")],
                         ["Linge de table"])
        self.assertEqual(root.findtext("pagination/current_page"), "2")
        response = self.client.post(f"/customer_product_categories/destroy/{self.bf}/{created}.xml")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(
            CustomerProductCategory.objects.for_business_file(self.bf).filter(pk=created).exists()
        )
        foreign = fixtures.category(self.other.id)
        response = self.client.post(
            f"/customer_product_categories/destroy/{self.bf}/{foreign.pk}.xml")
        self.assertEqual(response.status_code, 404)

    def test_parents_are_of_the_business_file_and_never_cycle(self):
        top = fixtures.category(self.bf, "Maison")
        child = fixtures.category(self.bf, "Cuisine", parent_category=top)
        grandchild = fixtures.category(self.bf, "Ustensiles", parent_category=child)
        for pk, parent in ((top.pk, grandchild.pk), (top.pk, top.pk)):
            response = self.client.put(f"/{self.bf}/customer_product_categories/{pk}.json",
                                       orjson.dumps({"parent_category_id": parent}),
                                       content_type="application/json")
            self.assertEqual(response.status_code, 422, response.content)
            self.assertEqual(orjson.loads(response.content)["errors"], [
                "parent_category_id: a category cannot be its own parent or ancestor"])
        foreign = fixtures.category(self.other.id)
        response = self.client.post(f"/{self.bf}/customer_product_categories.json",
                                    orjson.dumps({"name": "X", "parent_category_id": foreign.pk}),
                                    content_type="application/json")
        self.assertEqual(response.status_code, 422)
        response = self.client.get(f"/{self.bf}/customer_product_categories/{child.pk}.json")
        body = orjson.loads(response.content)
        self.assertEqual((body["parent_category_id"], body["parent_category_name"]),
                         (top.pk, "Maison"))
