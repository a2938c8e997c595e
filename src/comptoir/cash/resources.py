"""The bank accounts resource (incwo-api.md §4.13)."""

from comptoir.cash.filtersets import BankAccountFilterSet
from comptoir.cash.models import BankAccount
from comptoir.cash.serializers import BankAccountSerializer
from comptoir.core.registry import Resource, register


@register
class BankAccountResource(Resource):
    model = BankAccount
    singular, plural = "bank_account", "bank_accounts"
    module = "cash"
    summary = "A bank account of the business, printed on sheets as the account to pay to."
    fields = (
        "id", "name", "bank_name", "bank_code", "bank_desk", "bank_account", "bank_key",
        "bank_iban", "bank_bic", "bank_dom", "street_address", "street_address2", "zip_code",
        "city", "country", "is_default", "comment", "creator_id", "created_at", "updated_at",
    )
    serializer = BankAccountSerializer
    filterset = BankAccountFilterSet
