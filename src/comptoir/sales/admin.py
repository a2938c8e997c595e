from django.contrib import admin

from comptoir.core.admin import BusinessModelAdmin
from comptoir.sales.models import BillSheet, CompanyProfile, DeliveryNote, Lead, ProposalSheet


@admin.register(Lead)
class LeadAdmin(BusinessModelAdmin):
    list_display = ("id", "topic", "client_name", "step_id", "value", "confidence_pct",
                    "business_file")
    search_fields = ("topic", "client_name")
    list_filter = ("business_file", "step_id")
    raw_id_fields = ("manager", "contact", "firm", "product_category")


@admin.register(CompanyProfile)
class CompanyProfileAdmin(BusinessModelAdmin):
    """The seller printed on documents: edited here until it has an API resource."""

    list_display = ("id", "name", "siren", "tva", "business_file")
    search_fields = ("name", "siren")


@admin.register(ProposalSheet)
class ProposalSheetAdmin(BusinessModelAdmin):
    list_display = ("id", "reference", "title", "progress_id", "vat_inc_total", "business_file")
    search_fields = ("reference", "title")
    raw_id_fields = ("firm", "contact", "lead", "bank_account")


@admin.register(BillSheet)
class BillSheetAdmin(BusinessModelAdmin):
    list_display = ("id", "reference", "sheet_type", "vat_inc_total", "business_file")
    search_fields = ("reference", "title")
    raw_id_fields = ("firm", "contact", "lead", "bank_account", "proposal_sheet",
                     "origin_bill_sheet")


@admin.register(DeliveryNote)
class DeliveryNoteAdmin(BusinessModelAdmin):
    list_display = ("id", "reference", "title", "progress_id", "business_file")
    search_fields = ("reference", "title")
    raw_id_fields = ("firm", "contact", "lead", "proposal_sheet")
