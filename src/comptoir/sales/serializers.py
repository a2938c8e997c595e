"""Write validation of leads (fields come from ``resources.py``)."""

from rest_framework import serializers

from comptoir.catalog.serializers import CatalogSerializer
from comptoir.sales import services
from comptoir.sales.models import Lead


class LeadSerializer(CatalogSerializer):
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
