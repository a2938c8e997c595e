"""Rules of the catalog: prices entered incl. VAT, the default warehouse, stock from movements.

Stock is recomputed, never incremented. Every write of a movement (create, update, delete)
runs inside :func:`stock_kept_right`, which locks the products concerned, lets the write
happen, then sets each product's per-warehouse rows and ``total_stock`` to
``SUM(direction × quantity)`` of its movements::

    with stock_kept_right(bf_id, [product_id]):
        movement.save()

Locking the product rows first serialises concurrent movements of one product on
PostgreSQL, so the second sum sees the first movement; SQLite serialises writers anyway.
Stock may be negative (sold before the delivery was recorded); nothing refuses it.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import F, Sum
from django.utils import timezone

from comptoir.catalog.models import CustomerProduct, ProductStock, StockMovement, Warehouse
from comptoir.core import vat
from comptoir.core.money import AMOUNT_DIGITS, PRICE_PLACES, QUANTITY_PLACES, ttc_to_ht

DEFAULT_WAREHOUSE_NAME = "Entrepôt principal"
_QUANTUM = Decimal(1).scaleb(-QUANTITY_PLACES)


# -- prices -------------------------------------------------------------------------------


def ht_to_ttc(price: Decimal, vat_percent: Decimal, places: int = PRICE_PLACES) -> Decimal:
    """A price including tax from one excluding it, kept at ``places`` decimals."""
    factor = Decimal(1) + Decimal(vat_percent) / Decimal(100)
    return (Decimal(price) * factor).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def apply_price_entry(attrs: dict, instance: CustomerProduct | None = None) -> dict:
    """Complete a product write so that ``price`` (excl. tax) and ``entered_price_in_ttc``
    (incl. tax) agree with ``vat_id``.

    With ``enter_prices_in_ttc`` 1 the price incl. VAT is the one the user fixed: a sent
    ``entered_price_in_ttc`` gives ``price``, and a new VAT rate changes ``price``, not the
    price incl. VAT. A ``price`` sent without it (or a product switching to TTC entry) gives
    ``entered_price_in_ttc``. With ``enter_prices_in_ttc`` 0, ``price`` is the one sent and
    ``entered_price_in_ttc`` is computed from it.
    """

    def current(name, default):
        if name in attrs:
            return attrs[name]
        return getattr(instance, name) if instance is not None else default

    in_ttc = current("enter_prices_in_ttc", False)
    rate = vat.rate(current("vat_id", vat.DEFAULT_VAT_ID))
    price = current("price", Decimal(0))
    if in_ttc:
        switching = instance is None or not instance.enter_prices_in_ttc
        if "entered_price_in_ttc" in attrs:
            attrs["price"] = ttc_to_ht(attrs["entered_price_in_ttc"], rate)
        elif "price" in attrs or switching:
            attrs["entered_price_in_ttc"] = ht_to_ttc(price, rate)
        elif "vat_id" in attrs:
            attrs["price"] = ttc_to_ht(instance.entered_price_in_ttc, rate)
    elif instance is None or attrs.keys() & {"price", "vat_id", "enter_prices_in_ttc",
                                             "entered_price_in_ttc"}:
        attrs["entered_price_in_ttc"] = ht_to_ttc(price, rate)
    return attrs


# -- warehouses ---------------------------------------------------------------------------


def default_warehouse(business_file_id: int) -> Warehouse:
    """The business file's default warehouse, created if it has none (older business files,
    or one whose default was deleted)."""
    warehouses = Warehouse.objects.for_business_file(business_file_id)
    found = warehouses.filter(is_default=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Warehouse.objects.create(
                business_file_id=business_file_id, name=DEFAULT_WAREHOUSE_NAME, is_default=True
            )
    except IntegrityError:  # a concurrent request created it first
        return warehouses.get(is_default=True)


def create_default_warehouse(business_file) -> None:
    """Set-up of a new business file (``tenancy.services.on_business_file_created``);
    idempotent."""
    default_warehouse(business_file.pk)


def clear_default(business_file_id: int, keep: Warehouse | None = None) -> None:
    """Unmark the current default warehouse, before another one becomes the default."""
    others = Warehouse.objects.for_business_file(business_file_id).filter(is_default=True)
    if keep is not None and keep.pk is not None:
        others = others.exclude(pk=keep.pk)
    others.update(is_default=False, updated_at=timezone.now())


# -- stock --------------------------------------------------------------------------------


@contextmanager
def stock_kept_right(business_file_id: int, product_ids: Iterable[int]):
    """Run a write of movements, then recompute the stock of ``product_ids``, atomically."""
    ids = sorted({pk for pk in product_ids if pk is not None})
    with transaction.atomic():
        # Lock in id order so that two writers never wait on each other crosswise.
        list(
            CustomerProduct.objects.for_business_file(business_file_id)
            .filter(pk__in=ids).order_by("pk").select_for_update().values_list("pk", flat=True)
        )
        yield
        for product_id in ids:
            recompute_stock(business_file_id, product_id)


def recompute_stock(business_file_id: int, product_id: int) -> Decimal:
    """Set the per-warehouse stock and ``total_stock`` of a product from its movements."""
    signed = F("direction") * F("quantity")
    sums = (
        StockMovement.objects.for_business_file(business_file_id)
        .filter(customer_product_id=product_id)
        .values("warehouse_id").order_by()
        .annotate(quantity=Sum(signed, output_field=models.DecimalField(
            max_digits=AMOUNT_DIGITS + 6, decimal_places=QUANTITY_PLACES)))
    )
    # SQLite sums decimals as floats: back to the exact quantity at its stored precision.
    totals = {row["warehouse_id"]: Decimal(row["quantity"]).quantize(_QUANTUM) for row in sums}
    total = sum(totals.values(), Decimal(0))
    stocks = ProductStock.objects.for_business_file(business_file_id).filter(
        customer_product_id=product_id
    )
    stale = []
    for row in stocks:
        quantity = totals.pop(row.warehouse_id, None)
        if quantity is None:
            stale.append(row.pk)
        elif row.quantity != quantity:
            row.quantity = quantity
            row.save(update_fields=["quantity", "updated_at"])
    if stale:
        stocks.filter(pk__in=stale).delete()
    ProductStock.objects.bulk_create(
        ProductStock(business_file_id=business_file_id, customer_product_id=product_id,
                     warehouse_id=warehouse_id, quantity=quantity)
        for warehouse_id, quantity in totals.items()
    )
    CustomerProduct.objects.for_business_file(business_file_id).filter(pk=product_id).update(
        total_stock=total, updated_at=timezone.now()
    )
    return total
