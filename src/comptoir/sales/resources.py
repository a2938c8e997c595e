"""The sales resources: leads (incwo-api.md §4.6)."""

from django.db.models import F

from comptoir.core.registry import DECIMAL, Resource, computed, register
from comptoir.sales import choices
from comptoir.sales.filtersets import LeadFilterSet
from comptoir.sales.models import Lead
from comptoir.sales.serializers import LeadSerializer
from comptoir.sales.services import WeightedValue


@register
class LeadResource(Resource):
    model = Lead
    singular, plural = "lead", "leads"
    module = "sales"
    summary = (
        "A sales opportunity on a prospect or a client: its step, value, expected signing "
        "date and confidence, and the value weighted by that confidence."
    )
    fields = (
        "id", "topic", "client_name", "manager_id", "contact_id", "firm_id",
        computed("firm_name", F("firm__name")),
        "is_engaged", "importance", "step_id", "product_category_id",
        "value", "value_date", "confidence_pct",
        computed("weighted_value", WeightedValue(), kind=DECIMAL),
        "description", "learning_on_customer", "learning_on_sales_tools",
        "learning_on_products", "creator_id", "created_at", "updated_at",
    )
    serializer = LeadSerializer
    filterset = LeadFilterSet
    enumerations = {"step_id": choices.LeadStep, "importance": choices.LeadImportance}
