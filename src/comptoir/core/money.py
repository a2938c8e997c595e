"""Money is Decimal, rounded explicitly, half up to the cent (the French commercial rule).

Amounts stored on documents have two decimals; unit prices, costs and quantities keep more
(``PRICE_PLACES``, ``QUANTITY_PLACES``) and are rounded only where a document computes a
line total. Never construct money from a float.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
PRICE_PLACES = 4
QUANTITY_PLACES = 4
AMOUNT_DIGITS = 14  # up to 999,999,999,999.99


def to_cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount``, rounded to the cent."""
    return to_cents(Decimal(amount) * Decimal(percent) / Decimal(100))


def ttc_to_ht(amount_ttc: Decimal, vat_percent: Decimal, places: int = PRICE_PLACES) -> Decimal:
    """A price excluding tax from one including it, kept at ``places`` decimals."""
    divisor = Decimal(1) + Decimal(vat_percent) / Decimal(100)
    return (Decimal(amount_ttc) / divisor).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
