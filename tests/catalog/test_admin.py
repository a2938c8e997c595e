"""The operators' admin shows the catalog and leads, and keeps the stock right."""

from decimal import Decimal

import pytest

from comptoir.catalog import services
from comptoir.catalog.models import CustomerProduct, StockMovement
from comptoir.core.testing.clients import make_tenant
from comptoir.sales.models import Lead
from comptoir.tenancy.models import User
from tests.catalog import fixtures


@pytest.fixture
def admin_client(client, db):
    User.objects.create_superuser("root@example.test", "root password 1")
    client.login(username="root@example.test", password="root password 1")
    return client


@pytest.fixture
def catalog(db):
    bf = make_tenant("adm").id
    product = fixtures.product(bf)
    with services.stock_kept_right(bf, [product.pk]):
        movement = StockMovement.objects.create(
            business_file_id=bf, customer_product=product,
            warehouse=services.default_warehouse(bf), direction=1, quantity=Decimal(3))
    lead = Lead.objects.create(business_file_id=bf, topic="Vaisselle")
    return bf, product, movement, lead


def test_changelists_and_change_pages_render(admin_client, catalog):
    _, product, movement, lead = catalog
    for url in ("/admin/catalog/customerproduct/",
                f"/admin/catalog/customerproduct/{product.pk}/change/",
                "/admin/catalog/customerproductcategory/", "/admin/catalog/customlabel/",
                "/admin/catalog/warehouse/", "/admin/catalog/productstock/",
                "/admin/catalog/stockmovement/",
                f"/admin/catalog/stockmovement/{movement.pk}/change/",
                "/admin/sales/lead/", f"/admin/sales/lead/{lead.pk}/change/"):
        assert admin_client.get(url).status_code == 200, url


def test_deleting_movements_in_the_admin_recomputes_the_stock(admin_client, catalog):
    bf, _, movement, _ = catalog
    assert CustomerProduct.objects.for_business_file(bf).get().total_stock == 3
    response = admin_client.post("/admin/catalog/stockmovement/", {
        "action": "delete_selected", "_selected_action": [movement.pk], "post": "yes"})
    assert response.status_code == 302
    assert CustomerProduct.objects.for_business_file(bf).get().total_stock == 0
