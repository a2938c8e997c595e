"""Stock kept right by the movements: totals, per-warehouse rows, default warehouse, deletion."""

from decimal import Decimal

import orjson
from django.test import TestCase

from comptoir.catalog import services
from comptoir.catalog.models import CustomerProduct, ProductStock, StockMovement, Warehouse
from comptoir.core.testing.clients import make_tenant
from comptoir.tenancy.models import BusinessFile
from comptoir.tenancy.services import create_business_file, set_up_business_file
from tests.catalog import fixtures


class StockTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("a")
        cls.other = make_tenant("b")
        cls.bf = cls.tenant.id
        cls.product = fixtures.product(cls.bf, reference="PIC123")
        cls.shop = fixtures.warehouse(cls.bf, "Boutique")
        cls.main = Warehouse.objects.for_business_file(cls.bf).get(is_default=True)

    def setUp(self):
        self.client = self.tenant.owner_client()

    # -- helpers --------------------------------------------------------------------------

    def move(self, direction, quantity, product=None, status=201, **fields):
        payload = {"customer_product_id": (product or self.product).pk, "direction": direction,
                   "quantity": quantity, **fields}
        response = self.client.post(f"/{self.bf}/stock_movements.json", orjson.dumps(payload),
                                    content_type="application/json")
        self.assertEqual(response.status_code, status, response.content)
        return orjson.loads(response.content)

    def xml_move(self, body, status=201, url=None):
        response = self.client.post(url or f"/{self.bf}/stock_movements.xml", body,
                                    content_type="application/xml")
        self.assertEqual(response.status_code, status, response.content)
        return response

    def put(self, movement_id, payload, status=200):
        response = self.client.put(f"/{self.bf}/stock_movements/{movement_id}.json",
                                   orjson.dumps(payload), content_type="application/json")
        self.assertEqual(response.status_code, status, response.content)
        return orjson.loads(response.content)

    def stock(self, product=None):
        """(total_stock, {warehouse name: quantity}) as the API shows them."""
        body = orjson.loads(
            self.client.get(f"/{self.bf}/customer_products/{(product or self.product).pk}.json")
            .content
        )
        return (Decimal(body["total_stock"]),
                {s["warehouse_name"]: Decimal(s["quantity"]) for s in body["stocks"]})

    # -- recomputation --------------------------------------------------------------------

    def test_movements_in_and_out_make_the_total_and_the_per_warehouse_stock(self):
        self.move(1, 10)
        self.move(-1, "2.5")
        self.move(1, "5.0", warehouse_id=self.shop.pk)
        self.assertEqual(self.stock(), (Decimal("12.5"), {
            "Entrepôt principal": Decimal("7.5"), "Boutique": Decimal("5")}))
        row = ProductStock.objects.for_business_file(self.bf).get(warehouse=self.shop)
        self.assertEqual(row.quantity, Decimal("5.0000"))

    def test_updating_a_movement_recomputes_quantity_warehouse_and_product(self):
        first = self.move(1, 10)
        self.move(1, 3, warehouse_id=self.shop.pk)
        self.put(first["id"], {"quantity": 4})
        self.assertEqual(self.stock(), (Decimal(7), {"Entrepôt principal": Decimal(4),
                                                     "Boutique": Decimal(3)}))
        self.put(first["id"], {"direction": -1})
        self.assertEqual(self.stock(), (Decimal(-1), {"Entrepôt principal": Decimal(-4),
                                                      "Boutique": Decimal(3)}))
        # Moved to the shop: the main warehouse has no movement left, so no row either.
        moved = self.put(first["id"], {"warehouse_id": self.shop.pk})
        self.assertEqual(moved["origin_warehouse_id"], self.shop.pk)
        self.assertEqual(self.stock(), (Decimal(-1), {"Boutique": Decimal(-1)}))
        other = fixtures.product(self.bf, "Bol")
        self.put(first["id"], {"customer_product_id": other.pk})
        self.assertEqual(self.stock(), (Decimal(3), {"Boutique": Decimal(3)}))
        self.assertEqual(self.stock(other), (Decimal(-4), {"Boutique": Decimal(-4)}))

    def test_deleting_a_movement_recomputes_the_stock(self):
        first = self.move(1, 10)
        second = self.move(-1, 4, warehouse_id=self.shop.pk)
        response = self.client.delete(f"/{self.bf}/stock_movements/{second['id']}.xml")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.stock(), (Decimal(10), {"Entrepôt principal": Decimal(10)}))
        response = self.client.post(f"/stock_movements/destroy/{self.bf}/{first['id']}.xml")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.stock(), (Decimal(0), {}))

    def test_the_stock_is_recomputed_from_the_movements_not_incremented(self):
        self.move(1, 10)
        CustomerProduct.objects.for_business_file(self.bf).filter(pk=self.product.pk).update(
            total_stock=Decimal("999"))
        ProductStock.objects.for_business_file(self.bf).update(quantity=Decimal("-5"))
        self.move(1, 1)
        self.assertEqual(self.stock(), (Decimal(11), {"Entrepôt principal": Decimal(11)}))
        self.assertEqual(services.recompute_stock(self.bf, self.product.pk), Decimal(11))

    def test_fractional_quantities_add_up_exactly(self):
        for _ in range(10):
            self.move(1, "0.1")
        self.move(-1, "0.3")
        self.assertEqual(self.stock()[0], Decimal("0.7"))

    def test_negative_stock_is_allowed(self):
        self.move(-1, 4)
        self.assertEqual(self.stock(), (Decimal(-4), {"Entrepôt principal": Decimal(-4)}))

    def test_deleting_a_movement_from_the_orm_recomputes_too(self):
        self.move(1, 6)
        StockMovement.objects.for_business_file(self.bf).get().delete()
        self.product.refresh_from_db()
        self.assertEqual(self.product.total_stock, 0)

    def test_total_stock_sent_on_a_product_is_ignored(self):
        # A catalogue-sync client sends total_stock ("5.0", W26) and then the movements that
        # make it: the movements are the truth, the element is read-only (W33).
        self.move(1, 2)
        response = self.client.put(
            f"/{self.bf}/customer_products/{self.product.pk}.xml",
            "<customer_product><total_stock>5.0</total_stock></customer_product>",
            content_type="application/xml")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIn(b"<total_stock>2.0000</total_stock>", response.content)

    # -- wire forms of a movement (W33, W35) ----------------------------------------------

    def test_the_catalogue_sync_body_names_the_warehouse_twice(self):
        body = (f"<stock_movement>\n   <customer_product_id>{self.product.pk}"
                "</customer_product_id>\n"
                f"   <destination_warehouse_id>{self.shop.pk}</destination_warehouse_id>\n"
                f"   <origin_warehouse_id>{self.shop.pk}</origin_warehouse_id>\n"
                "   <quantity>5.0</quantity>\n   <direction>1</direction>\n</stock_movement>")
        response = self.xml_move(body)
        movement_id = response.content.decode().splitlines()[2][6:-5]
        movement = StockMovement.objects.for_business_file(self.bf).get(pk=int(movement_id))
        self.assertEqual(movement.warehouse_id, self.shop.pk)
        self.assertEqual(movement.destination_warehouse_id, self.shop.pk)
        self.assertIsNone(movement.origin_warehouse_id)
        self.xml_move(body.replace("<direction>1<", "<direction>-1<").replace("5.0", "2"))
        self.assertEqual(self.stock(), (Decimal(3), {"Boutique": Decimal(3)}))

    def test_a_movement_naming_two_warehouses_is_refused(self):
        response = self.move(1, 1, status=422, origin_warehouse_id=self.main.pk,
                             destination_warehouse_id=self.shop.pk)
        self.assertTrue(response["errors"][0].startswith("warehouse_id: "), response)
        self.move(1, 1, status=422, warehouse_id=self.main.pk,
                  destination_warehouse_id=self.shop.pk)

    def test_a_put_with_an_id_in_the_body_ignores_it(self):
        movement = self.move(1, 10)
        other = self.move(1, 1)
        response = self.client.put(
            f"/{self.bf}/stock_movements/{movement['id']}.xml",
            f"<stock_movement><id>{other['id']}</id><quantity>7</quantity></stock_movement>",
            content_type="application/xml")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIn(f"  <id>{movement['id']}</id>\n".encode(), response.content)
        self.assertIn(b"<quantity>7.0000</quantity>", response.content)
        self.assertEqual(self.stock()[0], Decimal(8))

    def test_quantity_and_direction_rules(self):
        for quantity in (0, "-3", "0.0", "abc", "1.00001"):
            errors = self.move(1, quantity, status=422)["errors"]
            self.assertTrue(errors[0].startswith("quantity: "), errors)
        for direction in (0, 2, "-2", "in"):
            errors = self.move(direction, 1, status=422)["errors"]
            self.assertTrue(errors[0].startswith("direction: "), errors)
        for quantity in ("5.0", "3.500000000", "12", " 1.25 "):
            self.move(1, quantity)
        self.assertEqual(self.stock()[0], Decimal("21.75"))
        errors = self.move(1, 1, product=fixtures.product(self.other.id), status=422)["errors"]
        self.assertTrue(errors[0].startswith("customer_product_id: "), errors)

    def test_a_movement_date_in_the_incwo_format(self):
        movement = self.move(1, 1, movement_date="31-01-2025")
        self.assertEqual(movement["movement_date"], "2025-01-31")

    # -- default warehouse ----------------------------------------------------------------

    def test_a_new_business_file_has_one_default_warehouse(self):
        business_file, _, _ = create_business_file(name="Nouvelle", email="new@example.test",
                                                   password="a long password")
        set_up_business_file(business_file)  # idempotent
        warehouses = Warehouse.objects.for_business_file(business_file)
        self.assertEqual([(w.name, w.is_default) for w in warehouses],
                         [(services.DEFAULT_WAREHOUSE_NAME, True)])

    def test_an_older_business_file_gets_its_default_warehouse_when_first_needed(self):
        old = BusinessFile.objects.create(name="Ancienne", api_enabled=True)
        self.assertFalse(Warehouse.objects.for_business_file(old).exists())
        made = services.default_warehouse(old.pk)
        self.assertEqual((made.name, made.is_default), (services.DEFAULT_WAREHOUSE_NAME, True))
        self.assertEqual(services.default_warehouse(old.pk), made)
        self.assertEqual(Warehouse.objects.for_business_file(old).count(), 1)

    def test_a_movement_without_a_warehouse_goes_to_the_default_one(self):
        Warehouse.objects.for_business_file(self.bf).filter(pk=self.main.pk).delete()
        movement = self.move(1, 2)
        made = Warehouse.objects.for_business_file(self.bf).get(is_default=True)
        self.assertEqual(movement["warehouse_id"], made.pk)
        self.assertEqual(movement["warehouse_name"], services.DEFAULT_WAREHOUSE_NAME)

    def test_making_another_warehouse_the_default(self):
        response = self.client.put(f"/{self.bf}/warehouses/{self.shop.pk}.xml",
                                   "<warehouse><is_default>1</is_default></warehouse>",
                                   content_type="application/xml")
        self.assertEqual(response.status_code, 200, response.content)
        defaults = Warehouse.objects.for_business_file(self.bf).filter(is_default=True)
        self.assertEqual([w.pk for w in defaults], [self.shop.pk])
        self.assertEqual(self.move(1, 1)["warehouse_id"], self.shop.pk)
        response = self.client.put(f"/{self.bf}/warehouses/{self.shop.pk}.json",
                                   orjson.dumps({"is_default": False}),
                                   content_type="application/json")
        self.assertEqual(response.status_code, 422)
        self.assertTrue(orjson.loads(response.content)["errors"][0].startswith("is_default: "))
        created = self.client.post(f"/{self.bf}/warehouses.json",
                                   orjson.dumps({"name": "Dépôt", "is_default": True}),
                                   content_type="application/json")
        self.assertEqual(created.status_code, 201)
        defaults = Warehouse.objects.for_business_file(self.bf).filter(is_default=True)
        self.assertEqual([w.pk for w in defaults], [orjson.loads(created.content)["id"]])

    # -- what cannot be deleted -----------------------------------------------------------

    def test_a_product_with_movements_cannot_be_deleted_but_can_be_disabled(self):
        self.move(1, 1)
        for response in (
            self.client.delete(f"/{self.bf}/customer_products/{self.product.pk}.xml"),
            self.client.post(f"/customer_products/destroy/{self.bf}/{self.product.pk}.xml"),
        ):
            self.assertEqual(response.status_code, 422, response.content)
            self.assertIn(b"<error>this customer_product is referred to by stock movements and "
                          b"cannot be deleted; disable it with is_active 0 instead</error>",
                          response.content)
        response = self.client.delete(f"/{self.bf}/customer_products/{self.product.pk}.json")
        self.assertEqual(orjson.loads(response.content)["errors"], [
            "this customer_product is referred to by stock movements and cannot be deleted; "
            "disable it with is_active 0 instead"])
        response = self.client.put(
            f"/customer_products/show/{self.bf}/{self.product.pk}.xml",
            "<customer_product><is_active>0</is_active></customer_product>",
            content_type="application/xml")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIn(b"<is_active>0</is_active>", response.content)
        self.assertIn(b"<total_stock>1.0000</total_stock>", response.content)

    def test_a_warehouse_with_movements_cannot_be_deleted(self):
        self.move(1, 1, warehouse_id=self.shop.pk)
        response = self.client.delete(f"/{self.bf}/warehouses/{self.shop.pk}.json")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(orjson.loads(response.content)["errors"], [
            "this warehouse is referred to by stock movements and cannot be deleted"])
