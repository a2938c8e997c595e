"""The VAT table, by incwo's ids (incwo-api.md §3.1).

Products carry ``vat_id`` and document lines ``vat_value_id``; both name a row of this
table. 607 (20 %) is the French standard rate every real client uses.
"""

from decimal import Decimal

from comptoir.core.choices import Enumeration


class VAT(Enumeration):
    STANDARD_20 = 607, "TVA 20 %", "VAT 20%"
    REDUCED_10 = 552, "TVA 10 %", "VAT 10%"
    REDUCED_5_5 = 223, "TVA 5,5 %", "VAT 5.5%"
    SUPER_REDUCED_2_1 = 222, "TVA 2,1 %", "VAT 2.1%"
    NONE = 225, "Pas de TVA", "No VAT"
    OLD_19_6 = 224, "TVA 19,6 % (avant 2014)", "VAT 19.6% (before 2014)"
    RATE_19 = 529, "TVA 19 %", "VAT 19%"
    DOM_8_5 = 543, "TVA 8,5 % (DOM)", "VAT 8.5% (overseas)"
    RATE_21 = 544, "TVA 21 %", "VAT 21%"
    RATE_7_6 = 545, "TVA 7,6 %", "VAT 7.6%"
    RATE_16 = 546, "TVA 16 %", "VAT 16%"
    RATE_15 = 551, "TVA 15 %", "VAT 15%"
    RATE_3 = 553, "TVA 3 %", "VAT 3%"
    RATE_18 = 567, "TVA 18 %", "VAT 18%"
    DOM_8_5_NPR = 569, "TVA 8,5 % NPR", "VAT 8.5% NPR"
    RATE_6 = 615, "TVA 6 %", "VAT 6%"


RATES: dict[int, Decimal] = {
    607: Decimal("20"), 552: Decimal("10"), 223: Decimal("5.5"), 222: Decimal("2.1"),
    225: Decimal("0"), 224: Decimal("19.6"), 529: Decimal("19"), 543: Decimal("8.5"),
    544: Decimal("21"), 545: Decimal("7.6"), 546: Decimal("16"), 551: Decimal("15"),
    553: Decimal("3"), 567: Decimal("18"), 569: Decimal("8.5"), 615: Decimal("6"),
}
DEFAULT_VAT_ID = 607


def rate(vat_id: int) -> Decimal:
    """The rate in percent of a VAT id; KeyError for an id that is not in the table."""
    return RATES[vat_id]
