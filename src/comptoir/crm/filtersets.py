"""List filters of contacts and firms (docs/api.md, "Filters")."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from comptoir.core.filtersets import BusinessModelFilterSet, LinkFilter
from comptoir.core.search import folded_search
from comptoir.crm.models import Contact, ContactItem, Firm
from comptoir.crm.services import normalize_phone


def _items_matching(owner: str, value: str):
    """Contact items of the outer row whose value (or phone digits) contains ``value``."""
    condition = folded_search(["value"], value)
    digits = normalize_phone(value)
    if len(digits) >= 3:
        condition |= Q(normalized_phone__contains=digits)
    return Exists(
        ContactItem.objects.correlated().filter(condition, **{owner: OuterRef("pk")})
    )


class ContactFilterSet(BusinessModelFilterSet):
    search_fields = ("first_name", "last_name", "job_title", "firm__name")
    firm_id = LinkFilter(field_name="firm_id")
    contact_type = django_filters.CharFilter()

    class Meta:
        model = Contact
        fields = []

    def extra_search(self, value):
        return Q(_items_matching("contact", value))


class FirmFilterSet(BusinessModelFilterSet):
    search_fields = ("name", "siren", "tva")
    firm_type = django_filters.CharFilter()
    parent_firm_id = LinkFilter(field_name="parent_firm_id")

    class Meta:
        model = Firm
        fields = []

    def extra_search(self, value):
        return Q(_items_matching("firm", value))
