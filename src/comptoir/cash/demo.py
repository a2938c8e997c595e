"""The bank account of the demo business file: the one its sheets print for customers to pay to.

Called by ``comptoir.crm.demo.load_demo`` inside the transaction that creates the demo
business file. The account number is made up; its RIB key and the IBAN's check digits are
computed, then the IBAN, BIC and RIB go through the same checks as an API write
(``services.clean_iban``, ``clean_bic``, ``settle_rib``), so the demo shows numbers that pass
them. It is the business file's default account.
"""

from __future__ import annotations

from comptoir.cash import services
from comptoir.cash.models import BankAccount

COUNTRY = "FR"
BANK_CODE = "10278"  # Crédit Mutuel
BRANCH_CODE = "07302"
ACCOUNT_NUMBER = "00020347801"
BIC = "CMCIFR2A"


def iban_check_digits(country: str, bban: str) -> str:
    """ISO 13616: ``98 - (BBAN + country + "00") mod 97``, on two digits."""
    return f"{98 - services.iban_remainder(country + '00' + bban):02d}"


def french_iban(bank_code: str, branch_code: str, account: str) -> str:
    """The compact IBAN of a French RIB, with its RIB key and check digits computed."""
    bban = bank_code + branch_code + account + services.rib_key(bank_code, branch_code, account)
    return COUNTRY + iban_check_digits(COUNTRY, bban) + bban


def generate(bf, user) -> dict:
    """Create the default bank account of ``bf``; return how many accounts were made."""
    iban = services.clean_iban(french_iban(BANK_CODE, BRANCH_CODE, ACCOUNT_NUMBER))
    BankAccount.objects.create(
        business_file=bf, creator=user, name="Compte courant professionnel",
        bank_name="Crédit Mutuel", bank_iban=iban, bank_bic=services.clean_bic(BIC),
        bank_dom="CCM Lyon Croix-Rousse", street_address="12 boulevard de la Croix-Rousse",
        zip_code="69004", city="Lyon", country="France", is_default=True,
        comment="Compte imprimé sur les devis et les factures.",
        **services.settle_rib({"bank_iban": iban}),
    )
    return {"bank_accounts": 1}
