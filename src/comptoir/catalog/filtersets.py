"""List filters of the catalog (docs/api.md, "Filters")."""

import django_filters

from comptoir.catalog.models import (
    CustomerProduct,
    CustomerProductCategory,
    CustomLabel,
    StockMovement,
    Warehouse,
)
from comptoir.core.filtersets import (
    BooleanFilter,
    BusinessModelFilterSet,
    LinkFilter,
    WireDateFilter,
)


class CustomerProductFilterSet(BusinessModelFilterSet):
    search_fields = ("name", "reference", "barcode", "vendor_reference")
    reference = django_filters.CharFilter()
    barcode = django_filters.CharFilter()
    is_active = BooleanFilter()
    type_of_product_id = django_filters.NumberFilter()
    product_category_id = LinkFilter(field_name="product_category_id")
    brand_id = LinkFilter(field_name="brand_id")

    class Meta:
        model = CustomerProduct
        fields = []


class CustomerProductCategoryFilterSet(BusinessModelFilterSet):
    search_fields = ("name",)
    parent_category_id = LinkFilter(field_name="parent_category_id")

    class Meta:
        model = CustomerProductCategory
        fields = []


class CustomLabelFilterSet(BusinessModelFilterSet):
    """``?type=customer_product_brand`` lists the brands (W10, W11)."""

    search_fields = ("long_label", "short_label")
    type = django_filters.CharFilter(field_name="label_type")

    class Meta:
        model = CustomLabel
        fields = []


class WarehouseFilterSet(BusinessModelFilterSet):
    search_fields = ("name", "city")
    is_default = BooleanFilter()

    class Meta:
        model = Warehouse
        fields = []


class StockMovementFilterSet(BusinessModelFilterSet):
    search_fields = ("reference", "comment", "customer_product__name",
                     "customer_product__reference")
    customer_product_id = LinkFilter(field_name="customer_product_id")
    warehouse_id = LinkFilter(field_name="warehouse_id")
    direction = django_filters.NumberFilter()
    movement_date_from = WireDateFilter(field_name="movement_date", lookup_expr="gte")
    movement_date_to = WireDateFilter(field_name="movement_date", lookup_expr="lte")

    class Meta:
        model = StockMovement
        fields = []
