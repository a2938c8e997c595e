"""Write validation of the catalog (fields come from ``resources.py``)."""

from rest_framework import serializers

from comptoir.catalog import services
from comptoir.catalog.choices import LabelType, StockDirection
from comptoir.catalog.models import (
    CustomerProduct,
    CustomerProductCategory,
    CustomLabel,
    StockMovement,
    Warehouse,
)
from comptoir.core.serializers import BusinessModelSerializer


class CatalogSerializer(BusinessModelSerializer):
    """Catalog records have a name that may not be blank."""

    class Meta:
        model = None

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("this field may not be blank")
        return value.strip()


class CustomerProductCategorySerializer(CatalogSerializer):
    class Meta:
        model = CustomerProductCategory

    def validate_parent_category_id(self, parent):
        if parent is None or self.instance is None:
            return parent
        ancestor, seen = parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == self.instance.pk:
                raise serializers.ValidationError(
                    "a category cannot be its own parent or ancestor"
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent_category
        return parent


class CustomLabelSerializer(CatalogSerializer):
    class Meta:
        model = CustomLabel

    def validate_long_label(self, value):
        if not value.strip():
            raise serializers.ValidationError("this field may not be blank")
        return value.strip()

    def validate_label_type(self, value):
        if self.instance is not None and value != self.instance.label_type:
            raise serializers.ValidationError("the type of a label cannot be changed")
        return value


class CustomerProductSerializer(CatalogSerializer):
    class Meta:
        model = CustomerProduct

    def validate_brand_id(self, brand):
        if brand is not None and brand.label_type != LabelType.CUSTOMER_PRODUCT_BRAND:
            raise serializers.ValidationError(
                f"custom label {brand.pk} is not a brand "
                f"(its label_type is {brand.label_type}, not customer_product_brand)"
            )
        return brand

    def validate(self, attrs):
        return services.apply_price_entry(super().validate(attrs), self.instance)


class WarehouseSerializer(CatalogSerializer):
    class Meta:
        model = Warehouse

    def validate_is_default(self, value):
        if self.instance is not None and self.instance.is_default and not value:
            raise serializers.ValidationError(
                "this is the default warehouse: make another one the default instead"
            )
        return value

    def create(self, validated_data):
        if validated_data.get("is_default"):
            services.clear_default(self.context["business_file"])
        return super().create(validated_data)

    def update(self, instance, validated_data):
        if validated_data.get("is_default"):
            services.clear_default(instance.business_file_id, keep=instance)
        return super().update(instance, validated_data)


WAREHOUSE_FIELDS = ("warehouse", "origin_warehouse", "destination_warehouse")


class StockMovementSerializer(CatalogSerializer):
    class Meta:
        model = StockMovement
        extra_kwargs = {"warehouse_id": {"required": False, "allow_null": True}}

    def validate_quantity(self, value):
        if value <= 0:
            raise serializers.ValidationError(
                "must be more than 0 (a movement out of stock has direction -1)"
            )
        return value

    def validate(self, attrs):
        """One warehouse, however the client names it: ``warehouse_id``, or incwo's
        ``destination_warehouse_id`` (in) / ``origin_warehouse_id`` (out); none named on
        create means the default warehouse."""
        attrs = super().validate(attrs)
        named = {attrs[f] for f in WAREHOUSE_FIELDS if attrs.get(f) is not None}
        if len(named) > 1:
            raise serializers.ValidationError({
                "warehouse_id": "a movement changes the stock of one warehouse; these name "
                "several (record a transfer as one movement out and one in)"
            })
        if named:
            warehouse = named.pop()
        elif self.instance is None or any(f in attrs for f in WAREHOUSE_FIELDS):
            warehouse = services.default_warehouse(self.context["business_file"])
        else:
            warehouse = self.instance.warehouse
        direction = attrs.get("direction", getattr(self.instance, "direction", None))
        attrs["warehouse"] = warehouse
        attrs["destination_warehouse"] = warehouse if direction == StockDirection.IN else None
        attrs["origin_warehouse"] = warehouse if direction == StockDirection.OUT else None
        return attrs

    def create(self, validated_data):
        product = validated_data["customer_product"]
        with services.stock_kept_right(self.context["business_file"], [product.pk]):
            return super().create(validated_data)

    def update(self, instance, validated_data):
        products = [instance.customer_product_id]
        if "customer_product" in validated_data:
            products.append(validated_data["customer_product"].pk)
        with services.stock_kept_right(instance.business_file_id, products):
            return super().update(instance, validated_data)
