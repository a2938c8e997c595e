"""The catalog resources through the shared resource tests."""

import orjson

from comptoir.catalog.models import Warehouse
from comptoir.core.testing.api import ResourceAPITestCase
from comptoir.core.testing.clients import to_xml
from tests.catalog import fixtures
from tests.catalog.fixtures import LinkedPayloads


class CustomerProductTestCase(LinkedPayloads, ResourceAPITestCase):
    resource = "customer_products"
    create_data = [
        {
            "reference": "PIC123", "name": "Pichet en grès", "is_active": True,
            "price": 12.5, "cost": 8, "vat_id": 607, "type_of_product_id": 20004,
            "product_category_id": "@category", "brand_id": "@brand",
            "barcode": "3760123456789", "unit": "pièce", "weight_kg": 1.2,
            "activity_classification_choice": "commerce",
        },
        {"reference": "SRV-01", "name": "Atelier découverte", "type_of_product_id": 1,
         "price": 45, "vat_id": 552, "is_active": False},
        {"reference": "BOL-7", "name": "Bol à thé <céladon> & sous-tasse",
         "enter_prices_in_ttc": True, "entered_price_in_ttc": 24, "vat_id": 607,
         "description": "Émail céladon\nfait main", "alert_stock": 3},
    ]
    update_data = {"name": "Pichet en grès émaillé", "notes_internal": "Fournisseur : Revol"}
    invalid_data = ({"name": "TVA inconnue", "vat_id": 999}, "vat_id")
    filters = [
        ("q=pichet", [0]),
        ("q=3760123", [0]),
        ("is_active=0", [1]),
        ("is_active=1", [0, 2]),
        ("reference=BOL-7", [2]),
        ("brand_id=0", [1, 2]),
        ("type_of_product_id=1", [1]),
    ]

    @classmethod
    def make_links(cls, tenant):
        return {"category": fixtures.category(tenant.id).pk, "brand": fixtures.brand(tenant.id).pk}

    def _check_partial_update(self, fmt):
        # modified_at is updated_at under incwo's name: it moves with every write.
        self.created[0].pop("modified_at")
        super()._check_partial_update(fmt)

    def test_nested_replace_and_keep(self):
        """``stocks`` is read-only: sent on a write it is ignored, never replaced."""
        obj = self.created[0]
        response = self.client.post(
            f"/{self.tenant.id}/stock_movements.json",
            orjson.dumps({"customer_product_id": obj["id"], "direction": 1, "quantity": "4"}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        stocks = self.get_json(self.url(pk=obj["id"]))["stocks"]
        self.assertEqual(len(stocks), 1)
        sent = {"stocks": [{"id": stocks[0]["id"], "quantity": "99"},
                           {"warehouse_id": stocks[0]["warehouse_id"], "quantity": "5"}]}
        for fmt in ("xml", "json"):
            body = to_xml(self.resource, sent) if fmt == "xml" else orjson.dumps(sent)
            response = self.client.put(self.url(pk=obj["id"], fmt=fmt), body,
                                       content_type=f"application/{fmt}")
            self.assertEqual(response.status_code, 200, response.content)
            self.assertEqual(self.get_json(self.url(pk=obj["id"]))["stocks"], stocks)
        response = self.client.post(self.url(), orjson.dumps({"name": "Neuf", **sent}),
                                    content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(orjson.loads(response.content)["stocks"], [])


class CustomerProductCategoryTestCase(ResourceAPITestCase):
    resource = "customer_product_categories"
    create_data = [
        {"name": "Céramique", "comment": "Grès, faïence, porcelaine"},
        {"name": "Textile"},
        {"name": "Arts de la table & cadeaux"},
    ]
    update_data = {"name": "Céramique d'art"}
    invalid_data = ({"name": "   "}, "name")
    filters = [("q=textile", [1]), ("q=ceramique", [0]), ("parent_category_id=0", [0, 1, 2])]


class CustomLabelTestCase(ResourceAPITestCase):
    resource = "custom_labels"
    create_data = [
        {"label_type": "customer_product_brand", "long_label": "Revol"},
        {"label_type": "customer_product_brand", "long_label": "Emile Henry", "short_label": "EH"},
        {"label_type": "customer_product_brand", "long_label": "Jars Céramistes"},
    ]
    update_data = {"long_label": "Revol Porcelaine", "short_label": "RP"}
    invalid_data = ({"label_type": "shoe_size", "long_label": "42"}, "label_type")
    filters = [
        ("type=customer_product_brand", [0, 1, 2]),
        ("type=customer_product_brand&q=henry", [1]),
        ("type=contact_origin", []),
    ]


class WarehouseTestCase(ResourceAPITestCase):
    resource = "warehouses"
    create_data = [
        {"name": "Boutique Lyon", "street_address": "3 rue Mercière", "zip_code": "69002",
         "city": "Lyon"},
        {"name": "Réserve"},
        {"name": "Dépôt Villeurbanne", "is_default": True, "city": "Villeurbanne"},
    ]
    update_data = {"comment": "Ouvert le samedi", "city": "Lyon 2e"}
    invalid_data = ({"name": ""}, "name")
    filters = [("q=lyon", [0]), ("is_default=1", [2]), ("is_default=0", [0, 1])]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The shared tests count only the warehouses they create: drop the default ones
        # made with the business files (nothing refers to them yet).
        for tenant in (cls.tenant, cls.other):
            Warehouse.objects.for_business_file(tenant.id).delete()


class StockMovementTestCase(LinkedPayloads, ResourceAPITestCase):
    resource = "stock_movements"
    create_data = [
        {"customer_product_id": "@product", "direction": 1, "quantity": 10,
         "comment": "Livraison fournisseur"},
        {"customer_product_id": "@product", "direction": -1, "quantity": 2.5,
         "warehouse_id": "@shop", "reference": "BL-12"},
        {"customer_product_id": "@product", "direction": 1, "quantity": 5.0,
         "destination_warehouse_id": "@shop", "movement_date": "2024-03-15"},
    ]
    update_data = {"quantity": 12, "comment": "Livraison fournisseur (recomptée)"}
    invalid_data = ({"customer_product_id": "@product", "direction": 2, "quantity": "1"},
                    "direction")
    filters = [
        ("direction=-1", [1]),
        ("q=livraison", [0]),
        ("movement_date_from=01-03-2024&movement_date_to=31-03-2024", [2]),
        ("customer_product_id=0", []),
    ]

    @classmethod
    def make_links(cls, tenant):
        return {"product": fixtures.product(tenant.id).pk,
                "shop": fixtures.warehouse(tenant.id).pk}
