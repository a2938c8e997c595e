"""Models of the sales module: leads, proposals, delivery notes, invoices and credit notes.

The three sheet kinds share abstract bases: :class:`SheetBase` (reference, parties and their
address copies, dates, lead) and :class:`PricedSheet` (reduction, shipping, bank account and
the totals the engine computes, ``sales.totals``). Every line model derives from
:class:`SheetLine`. Totals are stored, read-only, recomputed by ``services.recompute`` on
every write. Contacts, firms, products and bank accounts named by a sheet or a line are
``PROTECT``ed: deleting them is a 422 (the crm/catalog resources' deletion hint says so).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from comptoir.core.models import BusinessModel
from comptoir.core.money import AMOUNT_DIGITS
from comptoir.core.vat import DEFAULT_VAT_ID, VAT
from comptoir.sales.choices import (
    BillProgress,
    DeliveryProgress,
    LeadImportance,
    LeadStep,
    LineKind,
    PaymentTerm,
    ProposalProgress,
    SheetType,
)


class Lead(BusinessModel):
    """A sales opportunity on a prospect or a client (incwo-api.md §4.6).

    ``project_id`` of incwo's leads is not stored yet: there is no projects module to point at.
    """

    topic = models.CharField(max_length=255)
    client_name = models.CharField(max_length=255, blank=True)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    contact = models.ForeignKey("crm.Contact", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="leads")
    firm = models.ForeignKey("crm.Firm", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="leads")
    is_engaged = models.BooleanField("already a customer", default=False)
    importance = models.SmallIntegerField(choices=LeadImportance.choices(),
                                          default=LeadImportance.UNRATED)
    step_id = models.IntegerField("step", choices=LeadStep.choices(), default=LeadStep.PROJECT)
    product_category = models.ForeignKey(
        "catalog.CustomerProductCategory", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="leads",
    )
    value = models.DecimalField("value excl. tax", max_digits=AMOUNT_DIGITS, decimal_places=2,
                                default=0, validators=[MinValueValidator(0)])
    value_date = models.DateField("expected signing date", null=True, blank=True)
    confidence_pct = models.SmallIntegerField(
        "confidence (%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    description = models.TextField(blank=True)
    learning_on_customer = models.TextField(blank=True)
    learning_on_sales_tools = models.TextField(blank=True)
    learning_on_products = models.TextField(blank=True)

    class Meta(BusinessModel.Meta):
        ordering = ["id"]
        indexes = [
            *BusinessModel.Meta.indexes,
            models.Index(fields=["business_file", "firm"], name="sales_lead_bf_firm"),
            models.Index(fields=["business_file", "contact"], name="sales_lead_bf_contact"),
            models.Index(fields=["business_file", "step_id"], name="sales_lead_bf_step"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(confidence_pct__gte=0, confidence_pct__lte=100),
                                   name="sales_lead_confidence_pct_0_100"),
            models.CheckConstraint(condition=Q(value__gte=0), name="sales_lead_value_gte_0"),
        ]

    def __str__(self):
        return self.topic


def _amount(verbose_name=None, **kwargs):
    kwargs.setdefault("default", 0)
    return models.DecimalField(verbose_name, max_digits=AMOUNT_DIGITS, decimal_places=2, **kwargs)


def _total(verbose_name=None):
    return _amount(verbose_name, editable=False)


def _four(verbose_name=None, **kwargs):
    return models.DecimalField(verbose_name, max_digits=AMOUNT_DIGITS, decimal_places=4, **kwargs)


def _percent(verbose_name=None, **kwargs):
    kwargs.setdefault("default", 0)
    return models.DecimalField(verbose_name, max_digits=7, decimal_places=4,
                               validators=[MinValueValidator(0), MaxValueValidator(100)],
                               **kwargs)


ADDRESS_PARTS = ("name", "street_address", "street_address2", "zip_code", "city", "country")


class SheetBase(BusinessModel):
    """What every sales document has: its number, its customer and their addresses."""

    reference = models.CharField(max_length=35, blank=True, editable=False)
    reference_index = models.IntegerField(null=True, blank=True, editable=False)
    title = models.CharField(max_length=255, blank=True)
    subtitle = models.CharField(max_length=255, blank=True)
    contact = models.ForeignKey("crm.Contact", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    firm = models.ForeignKey("crm.Firm", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    billing_date = models.DateField(default=timezone.localdate)
    billing_add_name = models.CharField(max_length=255, blank=True)
    billing_add_street_address = models.CharField(max_length=255, blank=True)
    billing_add_street_address2 = models.CharField(max_length=255, blank=True)
    billing_add_zip_code = models.CharField(max_length=20, blank=True)
    billing_add_city = models.CharField(max_length=100, blank=True)
    billing_add_country = models.CharField(max_length=100, blank=True)
    shipping_add_name = models.CharField(max_length=255, blank=True)
    shipping_add_street_address = models.CharField(max_length=255, blank=True)
    shipping_add_street_address2 = models.CharField(max_length=255, blank=True)
    shipping_add_zip_code = models.CharField(max_length=20, blank=True)
    shipping_add_city = models.CharField(max_length=100, blank=True)
    shipping_add_country = models.CharField(max_length=100, blank=True)
    comment = models.TextField(blank=True)
    language = models.CharField(max_length=8, default="fr", blank=True)
    lead = models.ForeignKey(Lead, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")

    class Meta(BusinessModel.Meta):
        abstract = True

    #: why the sheet may no longer change (``""``: it may); see ``change_refused``
    def change_refused(self) -> str:
        return ""

    def deletion_refused(self) -> str:
        """Why the sheet may not be deleted (``""``: it may); by default, ``change_refused``."""
        return self.change_refused()

    def delete(self, *args, **kwargs):
        from rest_framework.exceptions import ValidationError

        reason = self.deletion_refused()
        if reason:
            raise ValidationError(reason)
        return super().delete(*args, **kwargs)


class PricedSheet(SheetBase):
    """A sheet with prices: reduction, shipping, bank details and the stored totals."""

    bank_account = models.ForeignKey("cash.BankAccount", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    reduction_percent = _percent("document reduction (%)")
    reduction_amount = _amount("document reduction (amount excl. tax)",
                               validators=[MinValueValidator(0)])
    shipping_cost = _amount(validators=[MinValueValidator(0)])
    shipping_vat_id = models.IntegerField(choices=VAT.choices(), default=DEFAULT_VAT_ID)
    vat_exc_total = _total("lines excl. tax")
    reduction_total = _total()
    vat_exl_total = _total("excl. tax after reduction")
    vat_exc_total_with_shipping = _total()
    vat_cost = _total("VAT")
    vat_inc_total = _total("incl. tax")

    class Meta(SheetBase.Meta):
        abstract = True


class SheetLine(BusinessModel):
    """A line of a priced sheet (``proposal_line``, ``bill_line``)."""

    customer_product = models.ForeignKey("catalog.CustomerProduct", on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+")
    content_kind = models.CharField(max_length=10, choices=LineKind.choices(), blank=True,
                                    default="")
    description = models.TextField(blank=True)
    description_more = models.TextField(blank=True)
    unit_price = _four("unit price excl. tax", default=0)
    quantity = _four(default=1)
    unit = models.CharField(max_length=30, blank=True)
    vat_value_id = models.IntegerField("VAT", choices=VAT.choices(), null=True, blank=True)
    reduction_percent = _percent("line reduction (%)")
    ordering = models.IntegerField(default=0)
    total_price = _total("total excl. tax")
    vat_value = _total("VAT")
    total_price_with_taxes = _total("total incl. tax")

    class Meta(BusinessModel.Meta):
        abstract = True
        ordering = ["ordering", "id"]


class ProposalSheet(PricedSheet):
    """A quote (*devis*, incwo's ``proposal_sheet``). Numbered DE-… when first sent or
    accepted (``services.number_proposal``)."""

    progress_id = models.IntegerField("progress", choices=ProposalProgress.choices(),
                                      default=ProposalProgress.DRAFT)
    validity_date = models.DateField(null=True, blank=True)

    class Meta(PricedSheet.Meta):
        ordering = ["id"]

    def deletion_refused(self) -> str:
        if self.reference:
            return (f"proposal {self.reference} is numbered: deleting it would leave a hole in "
                    "the numbering; mark it refused instead")
        return ""

    def __str__(self):
        return self.reference or f"proposal #{self.pk}"


class ProposalLine(SheetLine):
    proposal_sheet = models.ForeignKey(ProposalSheet, on_delete=models.CASCADE,
                                       related_name="lines")

    class Meta(SheetLine.Meta):
        pass


class ProposalPaymentPlan(BusinessModel):
    """A planned payment of a proposal (incwo's ``cash_deposit`` of kind ``plan``, §4.12):
    an amount incl. tax or a percent of the proposal, and when it is expected."""

    proposal_sheet = models.ForeignKey(ProposalSheet, on_delete=models.CASCADE,
                                       related_name="payment_plans")
    amount_ttc = _amount("amount incl. tax", null=True, blank=True)
    percent = _percent(null=True, blank=True)
    deposit_date_estimation = models.DateField(null=True, blank=True)
    comments = models.TextField(blank=True)

    class Meta(BusinessModel.Meta):
        ordering = ["id"]


class DeliveryNote(SheetBase):
    """A delivery note (*bon de livraison*): numbered BL-… and immutable once delivered."""

    progress_id = models.IntegerField("progress", choices=DeliveryProgress.choices(),
                                      default=DeliveryProgress.DRAFT, editable=False)
    delivery_date = models.DateField(null=True, blank=True)
    proposal_sheet = models.ForeignKey(ProposalSheet, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="delivery_notes")

    class Meta(SheetBase.Meta):
        ordering = ["id"]

    def change_refused(self) -> str:
        if self.progress_id == DeliveryProgress.DELIVERED:
            return (f"delivery note {self.reference} is delivered and can no longer be "
                    "changed or deleted")
        return ""

    def __str__(self):
        return self.reference or f"delivery note #{self.pk}"


class DeliveryNoteLine(BusinessModel):
    delivery_note = models.ForeignKey(DeliveryNote, on_delete=models.CASCADE,
                                      related_name="lines")
    customer_product = models.ForeignKey("catalog.CustomerProduct", on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+")
    description = models.TextField(blank=True)
    quantity = _four("quantity ordered", default=1)
    delivered_quantity = _four(null=True, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    warehouse = models.ForeignKey("catalog.Warehouse", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    ordering = models.IntegerField(default=0)

    class Meta(BusinessModel.Meta):
        ordering = ["ordering", "id"]


class BillSheet(PricedSheet):
    """An invoice or a credit note, draft (``*_maybe``) or validated (numbered, immutable)."""

    sheet_type = models.CharField(max_length=16, choices=SheetType.choices(),
                                  default=SheetType.INVOICE_MAYBE)
    progress_id = models.IntegerField("progress", choices=BillProgress.choices(),
                                      default=BillProgress.DRAFT, editable=False)
    due_date = models.DateField(null=True, blank=True)
    payment_term_id = models.IntegerField("payment terms", choices=PaymentTerm.choices(),
                                          default=PaymentTerm.DAYS_30)
    payed_amount = _amount("amount paid", editable=False)
    remaining_due = _amount(editable=False)
    is_deposit = models.BooleanField(default=False)
    deposit_percent = _percent(null=True, blank=True)
    proposal_sheet = models.ForeignKey(ProposalSheet, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="bill_sheets")
    origin_bill_sheet = models.ForeignKey("self", on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="credit_notes")
    validated_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: the PDF as printed at validation (Factur-X for invoices and credit notes), served as is
    pdf = models.BinaryField(null=True, blank=True, editable=False)

    class Meta(PricedSheet.Meta):
        ordering = ["id"]
        indexes = [
            *BusinessModel.Meta.indexes,
            models.Index(fields=["business_file", "sheet_type"], name="sales_bill_bf_type"),
        ]

    @property
    def is_validated(self) -> bool:
        return self.sheet_type in (SheetType.INVOICE, SheetType.CREDIT) and bool(self.reference)

    def change_refused(self) -> str:
        if self.is_validated:
            what = "invoice" if self.sheet_type == SheetType.INVOICE else "credit note"
            return (f"{what} {self.reference} is validated and can no longer be changed or "
                    "deleted; issue a credit note to correct it")
        return ""

    def __str__(self):
        return self.reference or f"bill sheet #{self.pk}"


class BillLine(SheetLine):
    bill_sheet = models.ForeignKey(BillSheet, on_delete=models.CASCADE, related_name="lines")

    class Meta(SheetLine.Meta):
        pass


class VatTotal(BusinessModel):
    """One row of a priced sheet's VAT table (``vat_totals/vat_total``), read-only."""

    proposal_sheet = models.ForeignKey(ProposalSheet, on_delete=models.CASCADE, null=True,
                                       blank=True, related_name="vat_totals")
    bill_sheet = models.ForeignKey(BillSheet, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="vat_totals")
    vat_value_id = models.IntegerField(choices=VAT.choices(), editable=False)
    rate = models.DecimalField(max_digits=6, decimal_places=3, editable=False)
    base = _total("base excl. tax")
    vat = _total("VAT")

    class Meta(BusinessModel.Meta):
        ordering = ["rate", "vat_value_id"]


class CompanyProfile(BusinessModel):
    """The seller printed on the documents: one per business file, made by the set-up hook
    with the business file's name; edited in the admin for now (no API resource yet)."""

    name = models.CharField(max_length=255)
    street_address = models.CharField(max_length=255, blank=True)
    street_address2 = models.CharField(max_length=255, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    tva = models.CharField("intra-EU VAT number", max_length=20, blank=True)
    email = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    legal_form = models.CharField(max_length=50, blank=True)
    share_capital = models.CharField(max_length=50, blank=True)
    rcs = models.CharField("RCS", max_length=100, blank=True)
    payment_term_id = models.IntegerField("default payment terms", choices=PaymentTerm.choices(),
                                          default=PaymentTerm.DAYS_30)

    class Meta(BusinessModel.Meta):
        constraints = [models.UniqueConstraint(fields=["business_file"],
                                               name="sales_companyprofile_one_per_bf")]

    def __str__(self):
        return self.name
