"""List filters of leads (docs/api.md, "Filters")."""

import django_filters
from django_filters.widgets import BooleanWidget

from comptoir.core.filtersets import BusinessModelFilterSet, LinkFilter
from comptoir.sales.models import Lead


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """``step=459`` or ``step=459,460``."""


class LeadFilterSet(BusinessModelFilterSet):
    search_fields = ("topic", "client_name", "firm__name")
    step = NumberInFilter(field_name="step_id", lookup_expr="in")
    firm_id = LinkFilter(field_name="firm_id")
    contact_id = LinkFilter(field_name="contact_id")
    manager_id = LinkFilter(field_name="manager_id")
    product_category_id = LinkFilter(field_name="product_category_id")
    is_engaged = django_filters.BooleanFilter(widget=BooleanWidget)

    class Meta:
        model = Lead
        fields = []
