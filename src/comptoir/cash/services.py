"""Rules of bank accounts: IBAN, BIC and French RIB checks, and the one default account.

Every sheet prints the account to pay to, so a typing mistake there sends a customer's money
nowhere. The numbers carry their own check digits; they are verified when given:

* an IBAN (ISO 13616) is stored compact and upper-case (``FR76 3000 …`` → ``FR763000…``):
  a country of the SWIFT IBAN registry, the length that country uses, and the mod-97 check;
* a BIC (ISO 9362) is 8 or 11 characters: bank (4 letters), country (2 letters), location
  (2 letters or digits), optional branch (3 letters or digits);
* a French RIB (bank code, branch code, account number, key) is checked by its key,
  ``97 - (89 × bank + 15 × branch + 3 × account) mod 97``, letters of the account counting
  as digits (A and J as 1, B, K and S as 2, …). A French (or Monaco) IBAN contains a RIB:
  ``FRkk BBBBB GGGGG CCCCCCCCCCC KK``. The RIB fields follow that IBAN — empty ones are
  filled from it, sent ones must agree with it — so an account is never stored with two
  different numbers::

      settle_rib({"bank_iban": "FR7630006000011234567890189"})
      → {"bank_code": "30006", "bank_desk": "00001", "bank_account": "12345678901",
         "bank_key": "89"}

One account per business file may be the default, the one printed on documents when none is
chosen. Choosing another releases the previous one (:func:`clear_other_defaults`, called by
the serializer inside the write's transaction); a partial unique index backs the rule.
"""

from __future__ import annotations

import re

from django.utils import timezone

from comptoir.cash.models import BankAccount
from comptoir.core.numbering import require_transaction
from comptoir.tenancy.models import BusinessFile

# Lengths of the SWIFT IBAN registry (release 101); a country joining it must be added here.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}
# Countries whose IBAN holds a French RIB (bank, branch, account, key).
RIB_COUNTRIES = frozenset({"FR", "MC"})
RIB_PARTS = ("bank_code", "bank_desk", "bank_account", "bank_key")

_SEPARATORS = re.compile(r"[\s\-.]")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]+$")
_BIC_SHAPE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_RIB_SHAPE = re.compile(r"^(?P<bank_code>[0-9]{5})(?P<bank_desk>[0-9]{5})"
                        r"(?P<bank_account>[A-Z0-9]{11})(?P<bank_key>[0-9]{2})$")
_WHITESPACE = re.compile(r"\s")
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


class BankDetailsError(ValueError):
    """A bank detail is wrong; ``field`` names the one to correct."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def compact(value: str) -> str:
    return _SEPARATORS.sub("", value or "").upper()


def iban_remainder(iban: str) -> int:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97


def clean_iban(value: str) -> str:
    iban = compact(value)
    if not iban:
        return ""
    if not _IBAN_SHAPE.match(iban):
        raise ValueError("an IBAN is a country code, 2 check digits and letters or digits")
    country = iban[:2]
    length = IBAN_LENGTHS.get(country)
    if length is None:
        raise ValueError(f"{country} is not a country of the IBAN registry")
    if len(iban) != length:
        raise ValueError(f"an IBAN of {country} has {length} characters, not {len(iban)}")
    if iban_remainder(iban) != 1:
        raise ValueError("not a valid IBAN (check digits)")
    if country in RIB_COUNTRIES and not _RIB_SHAPE.match(iban[4:]):
        raise ValueError(f"an IBAN of {country} holds a RIB: 5 digits, 5 digits, "
                         "11 letters or digits and a 2-digit key")
    return iban


def clean_bic(value: str) -> str:
    bic = compact(value)
    if bic and not _BIC_SHAPE.match(bic):
        raise ValueError("a BIC is 8 or 11 characters: 4 letters (bank), 2 letters (country), "
                         "2 letters or digits (location), optionally 3 more (branch)")
    return bic


def rib_key(bank_code: str, bank_desk: str, bank_account: str) -> str:
    account = int(bank_account.upper().translate(_RIB_LETTERS))
    return f"{97 - (89 * int(bank_code) + 15 * int(bank_desk) + 3 * account) % 97:02d}"


def is_rib(parts: dict) -> bool:
    """The four parts have the shape of a French RIB (other countries use these fields too)."""
    values = [parts.get(name, "") for name in RIB_PARTS]
    return [len(v) for v in values] == [5, 5, 11, 2] and bool(_RIB_SHAPE.match("".join(values)))


def rib_of_iban(iban: str) -> dict | None:
    if iban[:2] not in RIB_COUNTRIES:
        return None
    match = _RIB_SHAPE.match(iban[4:])
    return match.groupdict() if match else None


def settle_rib(sent: dict, stored=None) -> dict:
    """The RIB parts to store after a write that sent ``sent`` (cleaned IBAN included).

    ``stored`` is the account being updated, if any. With a French IBAN the parts are the
    IBAN's: empty ones are filled, sent ones must match. Parts that only mirrored the IBAN
    being replaced go with it. Otherwise the parts are kept, checked by their key when the
    four of them have the shape of a RIB.
    """
    parts = {name: getattr(stored, name, "") for name in RIB_PARTS}
    parts.update({name: _WHITESPACE.sub("", sent[name]).upper()
                  for name in RIB_PARTS if name in sent})
    old_iban = getattr(stored, "bank_iban", "")
    iban = sent.get("bank_iban", old_iban)
    mirrored = rib_of_iban(old_iban)
    if iban and iban != old_iban and mirrored:
        for name in RIB_PARTS:
            if name not in sent and parts[name] == mirrored[name]:
                parts[name] = ""
    inner = rib_of_iban(iban)
    if inner is not None:
        expected = rib_key(inner["bank_code"], inner["bank_desk"], inner["bank_account"])
        if expected != inner["bank_key"]:
            raise BankDetailsError("bank_iban", "the RIB inside this IBAN has a wrong key")
        for name in RIB_PARTS:
            if name in sent and parts[name] and parts[name] != inner[name]:
                raise BankDetailsError(name, f"does not match the IBAN, which says {inner[name]}")
        return inner
    if is_rib(parts) and rib_key(*(parts[name] for name in RIB_PARTS[:3])) != parts["bank_key"]:
        raise BankDetailsError(
            "bank_key", "the RIB key does not match the bank code, branch code and account number"
        )
    return parts


def clear_other_defaults(business_file, keep=None) -> int:
    """Release the default account of ``business_file`` before ``keep`` (or a new one) takes it.

    The business file's row is locked first (without blocking the inserts that refer to it)
    so that two accounts made default at the same time take turns instead of colliding; the
    lock and the change belong to the caller's transaction, which saves the new default.
    """
    require_transaction("clear_other_defaults()")
    bf_id = getattr(business_file, "pk", business_file)
    BusinessFile.objects.select_for_update(no_key=True).filter(pk=bf_id).first()
    others = BankAccount.objects.for_business_file(bf_id).filter(is_default=True)
    if keep is not None and keep.pk is not None:
        others = others.exclude(pk=keep.pk)
    return others.update(is_default=False, updated_at=timezone.now())


def default_account(business_file):
    """The account printed on a document that names none, or ``None``."""
    return BankAccount.objects.for_business_file(business_file).filter(is_default=True).first()
