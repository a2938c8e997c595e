"""Write validation of contacts and firms (fields come from ``resources.py``)."""

from rest_framework import serializers

from comptoir.core.serializers import BusinessModelSerializer
from comptoir.crm import services
from comptoir.crm.choices import EMAIL_TYPES, PHONE_TYPES
from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm


class ContactAddressSerializer(BusinessModelSerializer):
    class Meta:
        model = ContactAddress


class ContactItemSerializer(BusinessModelSerializer):
    class Meta:
        model = ContactItem

    def validate(self, attrs):
        attrs = super().validate(attrs)
        value = attrs.get("value", "").strip()
        type_id = attrs.get("type_id")
        if not value:
            raise serializers.ValidationError({"value": "this field may not be blank"})
        if type_id in EMAIL_TYPES and not services.is_email(value):
            raise serializers.ValidationError({"value": "not a valid e-mail address"})
        if type_id in PHONE_TYPES and not services.is_phone(value):
            raise serializers.ValidationError({"value": "not a valid phone number"})
        attrs["value"] = value
        is_phone = type_id in PHONE_TYPES
        attrs["normalized_phone"] = services.normalize_phone(value) if is_phone else ""
        return attrs


class ContactSerializer(BusinessModelSerializer):
    class Meta:
        model = Contact

    def validate_last_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("this field may not be blank")
        return value.strip()


class FirmSerializer(BusinessModelSerializer):
    # Wider than the stored forms: clients send "732 829 320" or "FR 44 732829320".
    siren = serializers.CharField(max_length=20, allow_blank=True, required=False)
    tva = serializers.CharField(max_length=30, allow_blank=True, required=False)

    class Meta:
        model = Firm

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("this field may not be blank")
        return value.strip()

    def validate_siren(self, value):
        try:
            return services.clean_siren(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate_tva(self, value):
        try:
            return services.clean_vat_number(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate_parent_firm_id(self, parent):
        if parent is None or self.instance is None:
            return parent
        ancestor, seen = parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == self.instance.pk:
                raise serializers.ValidationError("a firm cannot be its own parent or ancestor")
            seen.add(ancestor.pk)
            ancestor = ancestor.parent_firm
        return parent
