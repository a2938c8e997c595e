"""Write validation of bank accounts (fields come from ``resources.py``, rules from services)."""

from django.db import transaction
from rest_framework import serializers

from comptoir.cash import services
from comptoir.cash.models import BankAccount
from comptoir.core.serializers import BusinessModelSerializer


class BankAccountSerializer(BusinessModelSerializer):
    # Wider than the stored forms: clients send "FR76 3000 6000 0112 3456 7890 189".
    bank_iban = serializers.CharField(max_length=64, allow_blank=True, required=False)
    bank_bic = serializers.CharField(max_length=20, allow_blank=True, required=False)

    class Meta:
        model = BankAccount

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("this field may not be blank")
        return value.strip()

    def validate_bank_iban(self, value):
        try:
            return services.clean_iban(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate_bank_bic(self, value):
        try:
            return services.clean_bic(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "bank_iban" in attrs or any(name in attrs for name in services.RIB_PARTS):
            try:
                attrs.update(services.settle_rib(attrs, self.instance))
            except services.BankDetailsError as exc:
                raise serializers.ValidationError({exc.field: str(exc)}) from None
        return attrs

    def save(self, **kwargs):
        with transaction.atomic():
            if self.validated_data.get("is_default"):
                services.clear_other_defaults(self.context["business_file"], keep=self.instance)
            return super().save(**kwargs)
