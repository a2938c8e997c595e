"""Bank accounts of the business: the account printed on sheets for customers to pay to."""

from django.db import models
from django.db.models import Q

from comptoir.core.models import BusinessModel


class BankAccount(BusinessModel):
    name = models.CharField(max_length=200)
    bank_name = models.CharField(max_length=200, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    bank_desk = models.CharField("branch code", max_length=20, blank=True)
    bank_account = models.CharField("account number", max_length=34, blank=True)
    bank_key = models.CharField("RIB key", max_length=10, blank=True)
    bank_iban = models.CharField("IBAN", max_length=34, blank=True)
    bank_bic = models.CharField("BIC", max_length=11, blank=True)
    bank_dom = models.CharField("branch name", max_length=200, blank=True)
    street_address = models.CharField(max_length=255, blank=True)
    street_address2 = models.CharField(max_length=255, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True, default="France")
    is_default = models.BooleanField(
        default=False, help_text="Printed on documents that name no account."
    )
    comment = models.TextField(blank=True)

    class Meta(BusinessModel.Meta):
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_file"], condition=Q(is_default=True),
                name="cash_bankaccount_one_default",
                violation_error_message="another bank account is already the default one",
            )
        ]

    def __str__(self):
        return self.name
