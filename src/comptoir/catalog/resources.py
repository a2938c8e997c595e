"""The catalog resources (incwo-api.md §4.7 and its helper resources; wire-contract W18, W35).

They belong to the Sales menu, hence ``module = "sales"``.
"""

from django.db.models import F

from comptoir.catalog import choices
from comptoir.catalog.filtersets import (
    CustomerProductCategoryFilterSet,
    CustomerProductFilterSet,
    CustomLabelFilterSet,
    StockMovementFilterSet,
    WarehouseFilterSet,
)
from comptoir.catalog.models import (
    CustomerProduct,
    CustomerProductCategory,
    CustomLabel,
    ProductStock,
    StockMovement,
    Warehouse,
)
from comptoir.catalog.serializers import (
    CustomerProductCategorySerializer,
    CustomerProductSerializer,
    CustomLabelSerializer,
    StockMovementSerializer,
    WarehouseSerializer,
)
from comptoir.core.registry import DATETIME, Nested, Resource, computed, register
from comptoir.core.vat import VAT

STOCKS = Nested(
    "stocks", "stock",
    model=ProductStock, parent="customer_product",
    fields=("id", "warehouse_id", computed("warehouse_name", F("warehouse__name")), "quantity"),
    ordering=("warehouse_id",), writable=False,
)


@register
class CustomerProductResource(Resource):
    model = CustomerProduct
    singular, plural = "customer_product", "customer_products"
    module = "sales"
    summary = (
        "An item of the catalog, with its prices, VAT and stock; disable it with is_active 0 "
        "rather than delete it. total_stock and the per-warehouse stocks are read-only, "
        "recomputed from the stock movements (sent, they are ignored)."
    )
    fields = (
        "id", "reference", "name", "is_active",
        computed("modified_at", F("updated_at"), kind=DATETIME),
        "price", "cost", "total_stock", "brand_id", "product_category_id", "barcode",
        computed("brand_name", F("brand__long_label")),
        computed("product_category_name", F("product_category__name")),
        "description", "notes_internal", "type_of_product_id", "vat_id",
        "enter_prices_in_ttc", "entered_price_in_ttc", "price_distributor", "unit",
        "weight_kg", "alert_stock", "vendor_reference", "is_from_vendor",
        "activity_classification_choice", "accounting_ref",
        "creator_id", "created_at", "updated_at",
    )
    # Read-only: stock per warehouse, recomputed from the stock movements.
    nested = (STOCKS,)
    serializer = CustomerProductSerializer
    filterset = CustomerProductFilterSet
    enumerations = {"vat_id": VAT, "type_of_product_id": choices.ProductType}
    deletion_hint = "disable it with is_active 0 instead"


@register
class CustomerProductCategoryResource(Resource):
    model = CustomerProductCategory
    singular, plural = "customer_product_category", "customer_product_categories"
    module = "sales"
    summary = "A category of the catalog, possibly inside a parent category."
    fields = (
        "id", "name", "parent_category_id",
        computed("parent_category_name", F("parent_category__name")),
        "comment", "creator_id", "created_at", "updated_at",
    )
    serializer = CustomerProductCategorySerializer
    filterset = CustomerProductCategoryFilterSet


@register
class CustomLabelResource(Resource):
    model = CustomLabel
    singular, plural = "custom_label", "custom_labels"
    module = "sales"
    summary = (
        "A label of a given type; product brands are custom labels of type "
        "customer_product_brand (list and create with ?type=customer_product_brand)."
    )
    fields = ("id", "long_label", "short_label", "label_type",
              "creator_id", "created_at", "updated_at")
    serializer = CustomLabelSerializer
    filterset = CustomLabelFilterSet
    enumerations = {"label_type": choices.LabelType}
    create_from_query = {"type": "label_type"}


@register
class WarehouseResource(Resource):
    model = Warehouse
    singular, plural = "warehouse", "warehouses"
    module = "sales"
    summary = (
        "A place where stock is kept; every business file has a default warehouse, used by "
        "stock movements that name none."
    )
    fields = (
        "id", "name", "is_default", "street_address", "street_address2", "zip_code", "city",
        "country", "comment", "creator_id", "created_at", "updated_at",
    )
    serializer = WarehouseSerializer
    filterset = WarehouseFilterSet


@register
class StockMovementResource(Resource):
    model = StockMovement
    singular, plural = "stock_movement", "stock_movements"
    module = "sales"
    summary = (
        "Goods into (direction 1) or out of (direction -1) a warehouse, a positive quantity; "
        "the products' stock is recomputed from the movements."
    )
    fields = (
        "id", "customer_product_id",
        computed("customer_product_name", F("customer_product__name")),
        "warehouse_id", computed("warehouse_name", F("warehouse__name")),
        "origin_warehouse_id", "destination_warehouse_id", "direction", "quantity",
        "movement_date", "reference", "comment", "creator_id", "created_at", "updated_at",
    )
    serializer = StockMovementSerializer
    filterset = StockMovementFilterSet
    enumerations = {"direction": choices.StockDirection}
