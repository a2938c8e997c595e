from django.contrib import admin

from comptoir.core.admin import BusinessModelAdmin
from comptoir.sales.models import Lead


@admin.register(Lead)
class LeadAdmin(BusinessModelAdmin):
    list_display = ("id", "topic", "client_name", "step_id", "value", "confidence_pct",
                    "business_file")
    search_fields = ("topic", "client_name")
    list_filter = ("business_file", "step_id")
    raw_id_fields = ("manager", "contact", "firm", "product_category")
