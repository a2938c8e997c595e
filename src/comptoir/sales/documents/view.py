"""The view model of a printed sales document: plain, frozen values, no database.

The renderers (``pdf.py``, ``facturx.py``) take a ``SheetView`` and return bytes; they never
touch a model, a queryset or a request. The sheet services build a ``SheetView`` from a
proposal, delivery note, invoice or credit note (amounts already computed and rounded by the
services, which are the only place that does business arithmetic), and tests build one by hand.
Keeping this boundary thin makes the documents testable without a database, lets a validated
invoice be re-rendered identically from a frozen snapshot, and keeps the Factur-X XML and the
PDF fed by the very same numbers.

Contract for the amounts (all ``Decimal``, in the document currency, excluding VAT unless the
name says otherwise):

- ``DocumentLine.total_price`` is the line's net amount (quantity x unit price, less the line
  reduction), rounded to the cent. For a ``"total"`` line it is the subtotal shown.
- ``lines_total`` (a property) is the sum of the priced lines, options excluded.
- ``reduction_total`` is the document-level reduction, ``shipping_cost`` the shipping charge
  (taxed at ``shipping_vat_rate``).
- ``RateTotal.base`` is the taxable base at that rate *after* the document reduction and
  *with* the shipping charge at that rate; ``RateTotal.vat`` the VAT at that rate.
- ``vat_exc_total = lines_total - reduction_total + shipping_cost = sum of the bases``;
  ``vat_total = sum of the rate VAT``; ``vat_inc_total = vat_exc_total + vat_total``;
  ``remaining_due = vat_inc_total - payed_amount``.
- A credit note carries positive amounts (the document type says it is a credit); the
  Factur-X builder also accepts a credit note given with negative totals and flips the signs.

``consistency_problems(view)`` lists the places where these equalities do not hold; the
Factur-X builder refuses an inconsistent invoice rather than emit an e-invoice that the
platforms would reject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ZERO = Decimal("0")

# Characters that XML 1.0 forbids and that make no sense on paper: C0 controls except tab and
# newline, DEL, lone surrogates, the non-characters U+FFFE/U+FFFF.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: object) -> str:
    """User text made safe to print and to put in XML (escaping is the renderers' job)."""
    if value is None:
        return ""
    text = str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNPRINTABLE.sub("", text)


KINDS = ("invoice", "credit", "proposal", "delivery_note")
LINE_KINDS = ("", "comment", "option", "total")


@dataclass(frozen=True, slots=True)
class Party:
    """A company or person as printed on a document (seller, customer or shipping address)."""

    name: str
    street_address: str = ""
    street_address2: str = ""
    zip_code: str = ""
    city: str = ""
    country: str = ""  # printed name, e.g. "Belgique"; empty for France
    country_code: str = "FR"  # ISO 3166-1 alpha-2
    siren: str = ""  # 9 digits; the French legal registration id (SpecifiedLegalOrganization)
    vat_number: str = ""  # intra-community VAT number, e.g. "FR12345678901"
    email: str = ""
    phone: str = ""
    # Seller legal identity, printed in the footer (all optional).
    siret: str = ""  # 14 digits, the establishment
    legal_form: str = ""  # e.g. "SAS", "SARL", "EI"
    share_capital: str = ""  # as printed, e.g. "10 000 €"
    rcs: str = ""  # e.g. "RCS Paris"
    contact_name: str = ""  # the person to address (buyer) or who follows the file (seller)


@dataclass(frozen=True, slots=True)
class BankDetails:
    """Where the customer pays: printed on the invoice and sent as SEPA transfer details."""

    iban: str
    bic: str = ""
    account_name: str = ""
    bank_name: str = ""


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One row of the lines table.

    ``kind``: ``""`` a priced line; ``"comment"`` a text row; ``"option"`` a priced row shown
    as optional and counted nowhere; ``"total"`` a subtotal row (``total_price`` holds the
    subtotal). Only priced lines go to the Factur-X XML.
    """

    description: str
    kind: str = ""
    description_more: str = ""
    quantity: Decimal = ZERO
    unit: str = ""
    unit_price: Decimal = ZERO
    vat_rate: Decimal = ZERO  # percent, e.g. Decimal("20"), Decimal("5.5")
    reduction_percent: Decimal = ZERO
    total_price: Decimal = ZERO
    total_price_with_taxes: Decimal = ZERO
    reference: str = ""  # the seller's product reference, if any

    def __post_init__(self) -> None:
        if self.kind not in LINE_KINDS:
            raise ValueError(f"line kind must be one of {LINE_KINDS}, not {self.kind!r}")

    @property
    def is_priced(self) -> bool:
        return self.kind == ""


@dataclass(frozen=True, slots=True)
class RateTotal:
    """The VAT breakdown at one rate: taxable base (after reduction, with shipping) and VAT."""

    vat_rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class SheetView:
    """Everything a printed proposal, delivery note, invoice or credit note shows."""

    kind: str  # "invoice" | "credit" | "proposal" | "delivery_note"
    seller: Party
    buyer: Party
    issue_date: date
    reference: str = ""  # empty for a draft: the document says "BROUILLON" and has no number
    due_date: date | None = None  # invoices
    validity_date: date | None = None  # proposals
    delivery_date: date | None = None  # date of the sale or of the end of the service
    title: str = ""
    subtitle: str = ""
    shipping: Party | None = None  # delivery address when it differs from the buyer's
    lines: tuple[DocumentLine, ...] = ()
    rate_totals: tuple[RateTotal, ...] = ()
    vat_exc_total: Decimal = ZERO
    reduction_total: Decimal = ZERO
    shipping_cost: Decimal = ZERO
    shipping_vat_rate: Decimal = Decimal("20")
    vat_total: Decimal = ZERO
    vat_inc_total: Decimal = ZERO
    payed_amount: Decimal = ZERO
    remaining_due: Decimal = ZERO
    currency: str = "EUR"
    payment_terms: str = ""  # e.g. "30 jours fin de mois"
    bank: BankDetails | None = None
    late_penalty_rate_text: str = "trois fois le taux d'intérêt légal"
    recovery_indemnity: Decimal = Decimal("40")
    early_payment_discount_text: str = ""  # empty: "Pas d'escompte pour paiement anticipé."
    origin_reference: str = ""  # the invoice a credit note corrects, the proposal of an invoice
    origin_date: date | None = None  # issue date of that origin document
    purchase_order_reference: str = ""  # the customer's order number (BT-13)
    buyer_reference: str = ""  # the customer's routing / service reference (BT-10)
    notes: str = ""
    is_deposit: bool = False  # "Facture d'acompte" (Factur-X TypeCode 386)
    language: str = "fr"
    # VAT at 0 %: the category and the mention the law requires (e.g. franchise en base:
    # category "E", reason "TVA non applicable, art. 293 B du CGI", code "VATEX-FR-FRANCHISE").
    vat_exemption_category: str = "E"  # E exempt, Z zero rate, AE reverse charge, K, G, O
    vat_exemption_reason: str = ""
    vat_exemption_code: str = ""
    vat_on_debits: bool = False  # "Option pour le paiement de la taxe d'après les débits"
    operation_category: str = ""  # "Livraison de biens" | "Prestation de services" | "Mixte"
    logo: bytes = field(default=b"", repr=False)  # PNG, JPEG or SVG bytes of the seller's logo

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        for name in ("lines", "rate_totals"):  # lists are accepted, kept as tuples
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    @property
    def is_draft(self) -> bool:
        return not self.reference.strip()

    @property
    def priced_lines(self) -> tuple[DocumentLine, ...]:
        return tuple(line for line in self.lines if line.is_priced)

    @property
    def lines_total(self) -> Decimal:
        """Sum of the priced lines' net amounts (Factur-X LineTotalAmount)."""
        return sum((line.total_price for line in self.lines if line.is_priced), ZERO)


TOLERANCE = Decimal("0.005")


def consistency_problems(view: SheetView) -> list[str]:
    """The contract equalities (module docstring) that ``view`` breaks, as readable messages."""
    problems: list[str] = []

    def check(label: str, actual: Decimal, expected: Decimal) -> None:
        if abs(actual - expected) > TOLERANCE:
            problems.append(f"{label}: {actual} != {expected}")

    bases = sum((rate.base for rate in view.rate_totals), ZERO)
    vats = sum((rate.vat for rate in view.rate_totals), ZERO)
    check(
        "vat_exc_total = lines_total - reduction_total + shipping_cost",
        view.vat_exc_total,
        view.lines_total - view.reduction_total + view.shipping_cost,
    )
    check("vat_exc_total = sum of rate bases", view.vat_exc_total, bases)
    check("vat_total = sum of rate VAT", view.vat_total, vats)
    check("vat_inc_total = vat_exc_total + vat_total", view.vat_inc_total,
          view.vat_exc_total + view.vat_total)
    check("remaining_due = vat_inc_total - payed_amount", view.remaining_due,
          view.vat_inc_total - view.payed_amount)
    rates = [rate.vat_rate for rate in view.rate_totals]
    if len(set(rates)) != len(rates):
        problems.append("rate_totals: one entry per VAT rate")
    known = set(rates)
    for line in view.priced_lines:
        if line.vat_rate not in known:
            problems.append(f"line {line.description[:40]!r}: rate {line.vat_rate} has no total")
    if view.shipping_cost and view.shipping_vat_rate not in known:
        problems.append(f"shipping: rate {view.shipping_vat_rate} has no total")
    return problems
