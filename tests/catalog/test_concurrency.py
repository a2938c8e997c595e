"""Concurrent movements of one product on PostgreSQL: the stock loses none of them."""

import threading
import unittest
from decimal import Decimal

from django.db import connection, connections
from django.test import TransactionTestCase

from comptoir.catalog import services
from comptoir.catalog.models import CustomerProduct, StockMovement
from comptoir.tenancy.models import BusinessFile
from tests.catalog import fixtures


@unittest.skipUnless(connection.vendor == "postgresql", "SQLite serialises writers anyway")
class ConcurrentMovementsTestCase(TransactionTestCase):
    def test_concurrent_movements_all_count(self):
        bf = BusinessFile.objects.create(name="Concurrence")
        product = fixtures.product(bf)
        warehouse = services.default_warehouse(bf.pk)
        threads, per_thread = 6, 8
        start = threading.Barrier(threads)

        def work():
            try:
                start.wait()
                for _ in range(per_thread):
                    with services.stock_kept_right(bf.pk, [product.pk]):
                        StockMovement.objects.create(
                            business_file_id=bf.pk, customer_product=product,
                            warehouse=warehouse, direction=1, quantity=Decimal("1.5"))
            finally:
                connections.close_all()

        workers = [threading.Thread(target=work) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        product = CustomerProduct.objects.for_business_file(bf).get()
        self.assertEqual(product.total_stock, Decimal("1.5") * threads * per_thread)
