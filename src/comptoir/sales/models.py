"""Models of the sales module: leads (sales opportunities)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from comptoir.core.models import BusinessModel
from comptoir.core.money import AMOUNT_DIGITS
from comptoir.sales.choices import LeadImportance, LeadStep


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
