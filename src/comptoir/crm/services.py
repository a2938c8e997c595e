"""Rules of contact data: phone normalisation, e-mail check, SIREN and VAT numbers."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_PHONE_CHARS = re.compile(r"^[0-9+().\-/\s]+$")


def normalize_phone(value: str) -> str:
    """Digits only, as incwo's ``normalized_phone``: ``06 12 34 56 78`` → ``0612345678``."""
    return "".join(ch for ch in value if ch.isdigit())


def is_phone(value: str) -> bool:
    return bool(_PHONE_CHARS.match(value)) and sum(ch.isdigit() for ch in value) >= 3


def is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, ch in enumerate(reversed(digits)):
        n = int(ch)
        if index % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def clean_siren(value: str) -> str:
    """A SIREN is 9 digits passing the Luhn check; spaces are dropped."""
    digits = re.sub(r"\s", "", value)
    if not digits:
        return ""
    if not (digits.isdigit() and len(digits) == 9):
        raise ValueError("a SIREN is 9 digits")
    if not luhn_ok(digits):
        raise ValueError("not a valid SIREN (check digit)")
    return digits


_VAT = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,13}$")


def clean_vat_number(value: str) -> str:
    """An intra-EU VAT number; a French one's key must match its SIREN."""
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if not compact:
        return ""
    if not _VAT.match(compact):
        raise ValueError("an intra-EU VAT number is a country code and 2 to 13 letters or digits")
    if compact.startswith("FR"):
        key, siren = compact[2:4], compact[4:]
        if not (len(siren) == 9 and siren.isdigit() and key.isdigit()):
            raise ValueError("a French VAT number is FR, a 2-digit key and the SIREN")
        if int(key) != (12 + 3 * (int(siren) % 97)) % 97:
            raise ValueError("the key of this French VAT number does not match its SIREN")
    return compact
