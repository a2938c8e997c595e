from django.contrib import admin

from comptoir.catalog import services
from comptoir.catalog.models import (
    CustomerProduct,
    CustomerProductCategory,
    CustomLabel,
    ProductStock,
    StockMovement,
    Warehouse,
)
from comptoir.core.admin import BusinessModelAdmin


@admin.register(CustomerProduct)
class CustomerProductAdmin(BusinessModelAdmin):
    list_display = ("id", "reference", "name", "price", "total_stock", "is_active",
                    "business_file")
    search_fields = ("reference", "name", "barcode")
    list_filter = ("business_file", "is_active")
    raw_id_fields = ("product_category", "brand")
    readonly_fields = (*BusinessModelAdmin.readonly_fields, "total_stock")


@admin.register(CustomerProductCategory)
class CustomerProductCategoryAdmin(BusinessModelAdmin):
    list_display = ("id", "name", "parent_category", "business_file")
    search_fields = ("name",)
    raw_id_fields = ("parent_category",)


@admin.register(CustomLabel)
class CustomLabelAdmin(BusinessModelAdmin):
    list_display = ("id", "label_type", "long_label", "business_file")
    search_fields = ("long_label",)
    list_filter = ("business_file", "label_type")


@admin.register(Warehouse)
class WarehouseAdmin(BusinessModelAdmin):
    list_display = ("id", "name", "is_default", "city", "business_file")
    search_fields = ("name", "city")


@admin.register(ProductStock)
class ProductStockAdmin(BusinessModelAdmin):
    """Derived from the movements: shown, never edited."""

    list_display = ("id", "customer_product", "warehouse", "quantity", "business_file")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockMovement)
class StockMovementAdmin(BusinessModelAdmin):
    list_display = ("id", "customer_product", "warehouse", "direction", "quantity",
                    "movement_date", "business_file")
    raw_id_fields = ("customer_product", "warehouse", "origin_warehouse",
                     "destination_warehouse")

    def save_model(self, request, obj, form, change):
        products = [obj.customer_product_id, form.initial.get("customer_product")]
        with services.stock_kept_right(obj.business_file_id, products):
            super().save_model(request, obj, form, change)

    def delete_queryset(self, request, queryset):
        # One by one: StockMovement.delete() recomputes the stock (a bulk delete would not).
        for movement in queryset:
            movement.delete()
