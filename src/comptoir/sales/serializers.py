"""Write validation of leads and of the sales documents (fields come from ``resources.py``).

Sheet serializers add the document rules to the framework's: lines complete themselves from
their product (description, unit price, unit, VAT) when those are not sent, an empty or
absent ``vat_value_id`` is the product's VAT (607 without a product), an unknown VAT id or a
product of another business file is a 422 naming the line, a disabled product is refused on
a new line, negative quantities only on invoices and credit notes. After each write the
totals are recomputed by ``services`` (the ``after_save`` hook); totals sent are ignored.
"""

from rest_framework import serializers

from comptoir.core.serializers import BusinessModelSerializer
from comptoir.core.vat import DEFAULT_VAT_ID, RATES
from comptoir.sales import services
from comptoir.sales.choices import SheetType
from comptoir.sales.models import (
    BillSheet,
    DeliveryNote,
    Lead,
    ProposalSheet,
)


class LeadSerializer(BusinessModelSerializer):
    """``manager_id`` must name a member of the business file; contacts, firms and product
    categories must be of the same business file (both checked by the base class)."""

    class Meta:
        model = Lead

    def validate_topic(self, value):
        if not value.strip():
            raise serializers.ValidationError("this field may not be blank")
        return value.strip()

    def create(self, validated_data):
        validated_data = services.complete_new_lead(validated_data, self.context.get("user_id"))
        return super().create(validated_data)


class VatIdField(serializers.Field):
    """``vat_value_id``: an id of the VAT table, or empty/absent (then the product's)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data == "":
            return True, None
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        text = str(data).strip()
        if isinstance(data, bool) or not text.lstrip("-").isdigit():
            raise serializers.ValidationError(f"expected a VAT id, got {data!r}")
        if int(text) not in RATES:
            raise serializers.ValidationError(f"unknown VAT id {text}")
        return int(text)

    def to_representation(self, value):
        return value


class SheetLineSerializer(BusinessModelSerializer):
    """A line of a proposal or bill sheet."""

    allow_negative = False
    vat_value_id = VatIdField()

    class Meta:
        model = None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        product = attrs.get("customer_product")
        if product is not None:
            if not product.is_active and attrs.get("id") is None:
                raise serializers.ValidationError(
                    {"customer_product_id": [f"product {product.pk} is disabled"]})
            if not attrs.get("description"):
                attrs["description"] = product.name
            if "unit_price" not in attrs:
                attrs["unit_price"] = product.price
            if not attrs.get("unit"):
                attrs["unit"] = product.unit
        if attrs.get("vat_value_id") is None:
            attrs["vat_value_id"] = product.vat_id if product is not None else DEFAULT_VAT_ID
        quantity = attrs.get("quantity")
        if quantity is not None and quantity < 0 and not self.allow_negative:
            raise serializers.ValidationError(
                {"quantity": ["must not be negative on this document"]})
        return attrs


class BillLineSerializer(SheetLineSerializer):
    """Refund lines (negative quantities) are allowed on invoices; the validated total must
    still not be negative."""

    allow_negative = True


class DeliveryNoteLineSerializer(BusinessModelSerializer):
    class Meta:
        model = None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        product = attrs.get("customer_product")
        if product is not None:
            if not product.is_active and attrs.get("id") is None:
                raise serializers.ValidationError(
                    {"customer_product_id": [f"product {product.pk} is disabled"]})
            if not attrs.get("description"):
                attrs["description"] = product.name
            if not attrs.get("unit"):
                attrs["unit"] = product.unit
        for name in ("quantity", "delivered_quantity"):
            value = attrs.get(name)
            if value is not None and value < 0:
                raise serializers.ValidationError({name: ["must not be negative"]})
        return attrs


class SheetSerializer(BusinessModelSerializer):
    """Common rules of the three sheet kinds."""

    class Meta:
        model = None

    def create(self, validated_data):
        validated_data = services.complete_new_sheet(self.context["business_file"],
                                                     validated_data)
        return super().create(validated_data)


class ProposalSheetSerializer(SheetSerializer):
    class Meta:
        model = ProposalSheet

    def after_save(self, instance, created):
        services.proposal_saved(instance)


class DeliveryNoteSerializer(SheetSerializer):
    class Meta:
        model = DeliveryNote


class BillSheetSerializer(SheetSerializer):
    class Meta:
        model = BillSheet

    def validate_sheet_type(self, value):
        if self.instance is not None and value != self.instance.sheet_type:
            raise serializers.ValidationError(
                "use the validate action to validate a draft; the type of a sheet does not "
                "change otherwise")
        return value

    def after_save(self, instance, created):
        services.bill_sheet_saved(instance, created)


__all__ = ["BillSheetSerializer", "DeliveryNoteSerializer", "LeadSerializer",
           "ProposalSheetSerializer", "SheetType"]
