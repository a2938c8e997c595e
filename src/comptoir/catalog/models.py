"""The catalog: products sold, their categories and brands, warehouses and stock movements.

Stock is what the movements say. A product's ``total_stock`` and its per-warehouse rows
(:class:`ProductStock`) are never incremented: every write of a movement recomputes them
from ``SUM(direction × quantity)`` in the same transaction (``services.stock_kept_right``),
so they cannot drift from the movements. Stock may go below zero: a shop may sell before it
records the delivery.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from comptoir.catalog.choices import LabelType, ProductType, StockDirection
from comptoir.core.models import BusinessModel
from comptoir.core.money import AMOUNT_DIGITS, PRICE_PLACES, QUANTITY_PLACES
from comptoir.core.vat import DEFAULT_VAT_ID, VAT


def _price(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=AMOUNT_DIGITS, decimal_places=PRICE_PLACES,
                               **kwargs)


def _quantity(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=AMOUNT_DIGITS,
                               decimal_places=QUANTITY_PLACES, **kwargs)


class CustomerProductCategory(BusinessModel):
    name = models.CharField(max_length=200)
    parent_category = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="subcategories"
    )
    comment = models.TextField(blank=True)

    class Meta(BusinessModel.Meta):
        ordering = ["id"]
        verbose_name_plural = "customer product categories"
        # the inherited index name would pass the 30-character limit
        indexes = [models.Index(fields=["business_file", "id"], name="catalog_category_bf")]

    def __str__(self):
        return self.name


class CustomLabel(BusinessModel):
    """A user-defined label of a given type; the catalog's brands are ``customer_product_brand``."""

    label_type = models.CharField(max_length=40, choices=LabelType.choices())
    long_label = models.CharField(max_length=200)
    short_label = models.CharField(max_length=50, blank=True)

    class Meta(BusinessModel.Meta):
        ordering = ["id"]
        indexes = [
            *BusinessModel.Meta.indexes,
            models.Index(fields=["business_file", "label_type"], name="catalog_label_bf_type"),
        ]

    def __str__(self):
        return self.long_label


class Warehouse(BusinessModel):
    """Where stock is kept. Every business file has exactly one default warehouse at most,
    created with the business file (or lazily, see ``services.default_warehouse``)."""

    name = models.CharField(max_length=200)
    is_default = models.BooleanField(default=False)
    street_address = models.CharField(max_length=255, blank=True)
    street_address2 = models.CharField(max_length=255, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True, default="France")
    comment = models.TextField(blank=True)

    class Meta(BusinessModel.Meta):
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["business_file"], condition=Q(is_default=True),
                                    name="catalog_warehouse_one_default"),
        ]

    def __str__(self):
        return self.name


class CustomerProduct(BusinessModel):
    """An item of the catalog. Disable it (``is_active`` 0) rather than delete it: once stock
    movements or documents refer to it, it cannot be deleted."""

    reference = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    notes_internal = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    type_of_product_id = models.IntegerField(choices=ProductType.choices(),
                                             default=ProductType.GOODS)
    product_category = models.ForeignKey(
        CustomerProductCategory, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="products",
    )
    brand = models.ForeignKey(
        CustomLabel, on_delete=models.SET_NULL, null=True, blank=True, related_name="products"
    )
    price = _price("unit price excl. tax", default=0)
    cost = _price("unit cost", default=0)
    price_distributor = _price("distributor price excl. tax", default=0)
    vat_id = models.IntegerField("VAT", choices=VAT.choices(), default=DEFAULT_VAT_ID)
    enter_prices_in_ttc = models.BooleanField("prices entered incl. VAT", default=False)
    entered_price_in_ttc = _price("unit price incl. VAT", default=0)
    unit = models.CharField(max_length=30, blank=True)
    barcode = models.CharField(max_length=64, blank=True)
    weight_kg = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    alert_stock = models.IntegerField("stock alert threshold", null=True, blank=True)
    vendor_reference = models.CharField(max_length=100, blank=True)
    is_from_vendor = models.BooleanField(default=False)
    activity_classification_choice = models.CharField(max_length=30, blank=True)
    accounting_ref = models.CharField("accounting reference", max_length=50, blank=True)
    total_stock = _quantity("total stock", default=0, editable=False)

    class Meta(BusinessModel.Meta):
        ordering = ["id"]
        indexes = [
            *BusinessModel.Meta.indexes,
            models.Index(fields=["business_file", "reference"], name="catalog_product_bf_ref"),
            models.Index(fields=["business_file", "barcode"], name="catalog_product_bf_barcode"),
        ]

    def __str__(self):
        return f"{self.reference} {self.name}".strip()


class ProductStock(BusinessModel):
    """The stock of one product in one warehouse: derived from the movements, never written
    by hand (``services.recompute_stock``)."""

    customer_product = models.ForeignKey(CustomerProduct, on_delete=models.CASCADE,
                                         related_name="stocks", editable=False)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="stocks",
                                  editable=False)
    quantity = _quantity("quantity", default=0, editable=False)

    class Meta(BusinessModel.Meta):
        ordering = ["id"]
        indexes = [
            *BusinessModel.Meta.indexes,
            models.Index(fields=["business_file", "customer_product"],
                         name="catalog_stock_bf_product"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["business_file", "customer_product", "warehouse"],
                                    name="catalog_stock_one_row_per_warehouse"),
        ]


class StockMovement(BusinessModel):
    """Goods into (``direction`` 1) or out of (-1) one warehouse; ``quantity`` is positive.

    incwo clients name the warehouse ``destination_warehouse_id`` (in) or
    ``origin_warehouse_id`` (out); both are kept in step with ``warehouse`` by the serializer.
    """

    customer_product = models.ForeignKey(CustomerProduct, on_delete=models.PROTECT,
                                         related_name="stock_movements")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT,
                                  related_name="stock_movements")
    origin_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+")
    destination_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="+")
    direction = models.SmallIntegerField(choices=StockDirection.choices())
    quantity = _quantity("quantity")
    movement_date = models.DateField(default=timezone.localdate)
    reference = models.CharField(max_length=100, blank=True)
    comment = models.TextField(blank=True)

    class Meta(BusinessModel.Meta):
        ordering = ["id"]
        # A plain str: the API joins it into the message of a refused delete (a lazy default
        # breaks the join).
        verbose_name_plural = "stock movements"
        indexes = [
            *BusinessModel.Meta.indexes,
            models.Index(fields=["business_file", "customer_product"],
                         name="catalog_move_bf_product"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="catalog_move_quantity_gt_0"),
            models.CheckConstraint(condition=Q(direction__in=[1, -1]),
                                   name="catalog_move_direction"),
        ]

    def delete(self, *args, **kwargs):
        # The one write path without a serializer: the stock it counted in is recomputed in
        # the same transaction (no signal; QuerySet.delete() of movements is not used).
        from comptoir.catalog.services import stock_kept_right

        with stock_kept_right(self.business_file_id, [self.customer_product_id]):
            return super().delete(*args, **kwargs)
