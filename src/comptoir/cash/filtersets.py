"""List filters of bank accounts (docs/api.md, "Filters")."""

from django.db.models import Q

from comptoir.cash.models import BankAccount
from comptoir.cash.services import compact
from comptoir.core.filtersets import BooleanFilter, BusinessModelFilterSet


class BankAccountFilterSet(BusinessModelFilterSet):
    search_fields = ("name", "bank_name", "bank_iban")
    is_default = BooleanFilter()

    class Meta:
        model = BankAccount
        fields = []

    def extra_search(self, value):
        # IBANs are stored compact; people type them in groups of four.
        iban = compact(value)
        return Q(bank_iban__contains=iban) if len(iban) >= 4 else Q()
