"""The sales resources: leads (§4.6), proposals (§4.8), delivery notes and bill sheets (§4.10).

Sheets carry their lines as nested collections (sent whole, replaced, W34) and their VAT
table as the read-only collection ``vat_totals/vat_total`` (one row per VAT id: base after the
document reduction, with shipping, and VAT). Every total is read-only: the server recomputes
them on each write (``services.recompute``).
"""

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Now

from comptoir.core.registry import DECIMAL, INT, Action, Nested, Resource, computed, register
from comptoir.core.vat import VAT
from comptoir.sales import choices, services
from comptoir.sales.filtersets import (
    BillSheetFilterSet,
    DeliveryNoteFilterSet,
    LeadFilterSet,
    ProposalSheetFilterSet,
)
from comptoir.sales.models import (
    BillLine,
    BillSheet,
    DeliveryNote,
    DeliveryNoteLine,
    Lead,
    ProposalLine,
    ProposalPaymentPlan,
    ProposalSheet,
    VatTotal,
)
from comptoir.sales.serializers import (
    BillLineSerializer,
    BillSheetSerializer,
    DeliveryNoteLineSerializer,
    DeliveryNoteSerializer,
    LeadSerializer,
    ProposalSheetSerializer,
    SheetLineSerializer,
)
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


LINE_FIELDS = (
    "id", "customer_product_id", "content_kind", "description", "description_more",
    "unit_price", "quantity", "unit", "vat_value_id", "reduction_percent", "ordering",
    "total_price", "vat_value", "total_price_with_taxes",
)
HEADER = (
    "id", "reference", "title", "subtitle", "contact_id", "firm_id",
    computed("firm_name", F("firm__name")), "billing_date",
)
ADDRESSES = tuple(
    f"{prefix}{part}" for prefix in ("billing_add_", "shipping_add_")
    for part in ("name", "street_address", "street_address2", "zip_code", "city", "country")
)
PRICES = (
    "bank_account_id", "reduction_percent", "reduction_amount", "shipping_cost",
    "shipping_vat_id", "vat_exc_total", "reduction_total", "vat_exl_total",
    "vat_exc_total_with_shipping", "vat_cost", "vat_inc_total",
)
TRAILER = ("comment", "language", "lead_id", "creator_id", "created_at", "updated_at")


def vat_totals(parent: str) -> Nested:
    return Nested("vat_totals", "vat_total", model=VatTotal, parent=parent,
                  fields=("id", "vat_value_id", "rate", "base", "vat"),
                  ordering=("rate", "vat_value_id"), writable=False)


PDF = {".pdf": services.pdf_rendering}


@register
class ProposalSheetResource(Resource):
    model = ProposalSheet
    singular, plural = "proposal_sheet", "proposal_sheets"
    input_aliases = {"reduction_currency": "reduction_amount"}  # incwo's name
    module = "sales"
    summary = (
        "A quote (devis) with priced, option, comment and subtotal lines, a payment plan and "
        "totals computed by the server; numbered DE-… when first sent or accepted."
    )
    fields = (
        *HEADER, computed("sheet_type", Value("proposal")), "progress_id", "validity_date",
        *ADDRESSES, *PRICES, *TRAILER,
    )
    read_only = ("reference",)
    nested = (
        Nested("proposal_lines", "proposal_line", model=ProposalLine, parent="proposal_sheet",
               serializer=SheetLineSerializer, fields=LINE_FIELDS,
               ordering=("ordering", "id")),
        Nested("cash_deposits", "cash_deposit", model=ProposalPaymentPlan,
               parent="proposal_sheet",
               fields=("id", "amount_ttc", "percent", "deposit_date_estimation", "comments")),
        vat_totals("proposal_sheet"),
    )
    serializer = ProposalSheetSerializer
    filterset = ProposalSheetFilterSet
    enumerations = {"progress_id": choices.ProposalProgress, "shipping_vat_id": VAT}
    actions = (
        Action("send", services.send_proposal, "Mark a draft proposal sent (556) and number "
               "it."),
        Action("accept", services.accept_proposal, "Accept the proposal (557): numbered, its "
               "lead won."),
        Action("to_invoice", services.to_invoice, "A draft invoice of the whole proposal "
               "(options left out, deposits deducted): 201 + Location."),
        Action("to_deposit_invoice", services.to_deposit_invoice, "A draft deposit invoice of "
               "?percent= of the proposal: 201 + Location."),
        Action("to_delivery_note", services.to_delivery_note, "A delivery note of the "
               "proposal's lines: 201 + Location."),
    )
    renderings = PDF
    deletion_hint = "its invoices and delivery notes refer to it; mark it refused instead"


@register
class DeliveryNoteResource(Resource):
    model = DeliveryNote
    singular, plural = "delivery_note", "delivery_notes"
    module = "sales"
    summary = (
        "A delivery note (bon de livraison): ordered and delivered quantities; the deliver "
        "action numbers it BL-…, takes the goods out of stock and freezes it."
    )
    fields = (
        *HEADER, "progress_id", "delivery_date", "proposal_sheet_id", *ADDRESSES, *TRAILER,
    )
    nested = (
        Nested("delivery_note_lines", "delivery_note_line", model=DeliveryNoteLine,
               parent="delivery_note", serializer=DeliveryNoteLineSerializer,
               fields=("id", "customer_product_id", "description", "quantity",
                       "delivered_quantity", "unit", "warehouse_id", "ordering"),
               ordering=("ordering", "id")),
    )
    serializer = DeliveryNoteSerializer
    filterset = DeliveryNoteFilterSet
    enumerations = {"progress_id": choices.DeliveryProgress}
    actions = (
        Action("deliver", services.deliver, "Deliver: number BL-…, stock out, freeze."),
    )
    renderings = PDF


BILL_STATUS = Case(
    When(progress_id__in=(choices.BillProgress.DRAFT, choices.BillProgress.CANCELLED),
         then=F("progress_id")),
    When(Q(vat_inc_total__gt=0, payed_amount__gte=F("vat_inc_total")),
         then=Value(choices.BillProgress.PAID)),
    When(payed_amount__gt=0, then=Value(choices.BillProgress.PARTLY_PAID)),
    When(sheet_type="invoice", due_date__lt=Now(), then=Value(choices.BillProgress.OVERDUE)),
    default=F("progress_id"),
    output_field=IntegerField(),
)


@register
class BillSheetResource(Resource):
    model = BillSheet
    singular, plural = "bill_sheet", "bill_sheets"
    input_aliases = {"reduction_currency": "reduction_amount"}  # incwo's name
    module = "sales"
    summary = (
        "An invoice or a credit note: a draft (invoice_maybe, credit_maybe) freely edited, "
        "or validated (invoice, credit): numbered FA-/AV-, journaled, printed once, frozen."
    )
    fields = (
        *HEADER, "sheet_type", "progress_id", computed("status_id", BILL_STATUS, kind=INT),
        "due_date", "payment_term_id", "is_deposit", "deposit_percent", "proposal_sheet_id",
        "origin_bill_sheet_id", *ADDRESSES, *PRICES, "payed_amount", "remaining_due",
        *TRAILER,
    )
    read_only = ("reference",)
    nested = (
        Nested("bill_lines", "bill_line", model=BillLine, parent="bill_sheet",
               serializer=BillLineSerializer, fields=LINE_FIELDS, ordering=("ordering", "id")),
        vat_totals("bill_sheet"),
    )
    serializer = BillSheetSerializer
    filterset = BillSheetFilterSet
    enumerations = {"sheet_type": choices.SheetType, "progress_id": choices.BillProgress,
                    "status_id": choices.BillProgress, "payment_term_id": choices.PaymentTerm,
                    "shipping_vat_id": VAT}
    actions = (
        Action("validate", services.validate_action, "Validate a draft: number FA-/AV-, "
               "journal, store the PDF.", legacy="confirm_invoice"),
        Action("to_credit_note", services.to_credit_note, "A draft credit note of the invoice, "
               "whole or partial (?percent= or bill_lines [{id, quantity}]): 201 + Location."),
    )
    renderings = {**PDF, "/facturx.xml": services.facturx_rendering}
    deletion_hint = "a validated invoice is corrected by a credit note"
