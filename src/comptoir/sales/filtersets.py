"""List filters of leads (docs/api.md, "Filters")."""

import django_filters

from comptoir.core.filtersets import (
    BooleanFilter,
    BusinessModelFilterSet,
    LinkFilter,
    WireDateFilter,
)
from comptoir.sales.models import BillSheet, DeliveryNote, Lead, ProposalSheet


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """``step=459`` or ``step=459,460``."""


class LeadFilterSet(BusinessModelFilterSet):
    search_fields = ("topic", "client_name", "firm__name")
    step = NumberInFilter(field_name="step_id", lookup_expr="in")
    firm_id = LinkFilter(field_name="firm_id")
    contact_id = LinkFilter(field_name="contact_id")
    manager_id = LinkFilter(field_name="manager_id")
    product_category_id = LinkFilter(field_name="product_category_id")
    is_engaged = BooleanFilter()

    class Meta:
        model = Lead
        fields = []


class SheetFilterSet(BusinessModelFilterSet):
    search_fields = ("reference", "title", "billing_add_name", "firm__name")
    firm_id = LinkFilter(field_name="firm_id")
    contact_id = LinkFilter(field_name="contact_id")
    lead_id = LinkFilter(field_name="lead_id")
    progress = NumberInFilter(field_name="progress_id", lookup_expr="in")
    billing_date_from = WireDateFilter(field_name="billing_date", lookup_expr="gte")
    billing_date_to = WireDateFilter(field_name="billing_date", lookup_expr="lte")


class ProposalSheetFilterSet(SheetFilterSet):
    class Meta:
        model = ProposalSheet
        fields = []


class DeliveryNoteFilterSet(SheetFilterSet):
    proposal_sheet_id = LinkFilter(field_name="proposal_sheet_id")

    class Meta:
        model = DeliveryNote
        fields = []


class BillSheetFilterSet(SheetFilterSet):
    sheet_type = django_filters.BaseInFilter(field_name="sheet_type", lookup_expr="in")
    proposal_sheet_id = LinkFilter(field_name="proposal_sheet_id")
    origin_bill_sheet_id = LinkFilter(field_name="origin_bill_sheet_id")
    is_deposit = BooleanFilter()

    class Meta:
        model = BillSheet
        fields = []
