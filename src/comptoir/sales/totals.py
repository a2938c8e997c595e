"""Totals of commercial documents (proposals, delivery notes, invoices, credit notes).

Pure functions over frozen dataclasses: no database, no Django, ``Decimal`` only. The sheet
models build a :class:`DocumentInput` from their lines, call :func:`compute` and store what
it returns; every total is read-only in the API and recomputed by the server on each save.

Rules
-----

Inputs are ``Decimal`` (``int`` is accepted and converted); a ``float`` anywhere raises
``TypeError``. Rounding is always ``ROUND_HALF_UP`` to the cent (``places``, 2 by default),
symmetric around zero: -0.005 rounds to -0.01, so a refund line mirrors its sale line
exactly. A zero result is never negative (``0.00``, not ``-0.00``).

1. **Line, rounded at line level.** For a priced line (``kind == ""``)::

       total_price            = round(quantity × unit_price × (100 − reduction_percent) / 100)
       vat_value              = round(total_price × rate / 100)
       total_price_with_taxes = total_price + vat_value

   computed exactly then rounded once: the line total excl. tax is the rounded amount every
   later step adds up (three lines of 1/3 × 10.00 are 3 × 3.33 = 9.99, not 10.00).
   ``rate`` comes from the VAT table by ``vat_id`` (607 = 20 %, 223 = 5.5 %…,
   :mod:`comptoir.core.vat`); an unknown id is a ``ValueError`` naming it. Quantities and
   unit prices may be negative (a refund or discount line): the engine computes signed
   amounts, and which document kind allows them is for the sheet services to decide.

2. **Other line kinds** (incwo's ``content_kind``): ``"comment"`` lines carry only zeros and
   no VAT id; ``"option"`` lines are computed like priced lines into ``option_total_price``,
   ``option_vat_value`` and ``option_total_price_with_taxes`` while their ``total_price``,
   ``vat_value`` and ``total_price_with_taxes`` are 0 (as in incwo) and they count in no
   document total; ``"total"`` (subtotal) lines carry the sums of ``total_price``,
   ``vat_value`` and ``total_price_with_taxes`` of the priced lines *since the previous
   subtotal line* (or the start of the document): each subtotal closes a section. Lines are
   taken in ``ordering`` order (ties keep the input order) for subtotals; results are
   returned in the input order.

3. **Document reduction.** The sum of the priced lines is ``vat_exc_total``. The document
   reduction percent is applied first, rounded (``reduction_from_percent``), then the fixed
   ``reduction_amount`` (incwo's ``reduction_currency``) is subtracted from what remains.
   The reduction may bring the total to exactly 0 but not below (``ValueError``). Shipping
   is never reduced.

4. **VAT per rate** (the French "TVA sur base par taux"). The priced lines are grouped by
   VAT id into bases excl. tax. The document reduction is allocated across those bases pro
   rata by the largest-remainder method: each base gets the floor (to the cent) of its exact
   share, then the cents left over go one each to the largest remainders (ties: larger base,
   then smaller VAT id), so the reduced bases add up exactly to
   ``vat_exc_total_after_reduction`` and no share is off its exact value by a cent or more.
   Shipping is then added to the base of its own VAT id (``shipping_vat_id``, 607 by
   default). The VAT of each rate is ``round(base × rate / 100)`` and the document VAT is
   the sum of those per-rate amounts. Rates whose base ends at 0 are left out of the table.

5. **The invoice shows the per-rate VAT.** The line ``vat_value`` is informative (incwo
   shows it per line) and is computed before the document reduction and without shipping;
   even without those, the sum of the line VATs can differ from the document VAT by up to
   half a cent per line (ten lines of 0.10 at 5.5 %: 10 × 0.01 = 0.10 by line, but
   round(1.00 × 5.5 %) = 0.06 by rate). ``vat_total`` and ``vat_inc_total`` are the legal
   amounts; ``vat_inc_total = vat_exc_total_with_shipping + vat_total`` exactly.

6. **Credit notes** store positive amounts like invoices: the caller passes positive
   quantities and applies the sign where it needs one (accounting exports, balances).

7. **Deposits.** :func:`deposit` invoices a percentage of a document: each per-rate base is
   ``round(base × percent / 100)`` and its VAT is recomputed on that base. :func:`balance`
   gives the final invoice: the document's per-rate bases and VAT minus those of the
   deposits, so deposits and balance add up to the document to the cent (the balance's VAT
   is a difference, not recomputed on the balance's base).

Worked example (asserted in ``tests/sales/test_totals.py``)
-----------------------------------------------------------

=======================================  ======  =====  ======
line                                      excl.    VAT   incl.
=======================================  ======  =====  ======
3 × 19.99 at 20 %                         59.97  11.99   71.96
2 × 12.50 at 5.5 %, line reduction 10 %   22.50   1.24   23.74
0.75 × 13.3333 at 5.5 % (9.999975)        10.00   0.55   10.55
=======================================  ======  =====  ======

Bases: 59.97 at 20 %, 32.50 at 5.5 %, ``vat_exc_total`` 92.47. A 10 % document reduction is
round(9.247) = 9.25, whose exact shares are 5.99897… (20 %) and 3.25103… (5.5 %): floors 5.99
and 3.25 leave one cent, which goes to the larger remainder (20 %): 6.00 and 3.25.
``vat_exc_total_after_reduction`` = 83.22 = 53.97 + 29.25. Shipping 8.00 at 20 % makes the
20 % base 61.97 and ``vat_exc_total_with_shipping`` 91.22. VAT: round(12.394) = 12.39 at
20 %, round(1.60875) = 1.61 at 5.5 %, ``vat_total`` 14.00, ``vat_inc_total`` 105.22 (the
line VATs add up to 13.78). A 30 % deposit is 18.59 + VAT 3.72 at 20 % and 8.78 + VAT 0.48
at 5.5 %: 27.37 + 4.20 = 31.57; the balance is 43.38 + 8.67 and 20.47 + 1.13: 63.85 + 9.80 =
73.65, and 31.57 + 73.65 = 105.22.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from comptoir.core.vat import DEFAULT_VAT_ID, RATES

PRICED = ""
COMMENT = "comment"
OPTION = "option"
SUBTOTAL = "total"
KINDS = frozenset({PRICED, COMMENT, OPTION, SUBTOTAL})

MAX_PLACES = 4
HUNDRED = Decimal(100)

# Wide enough that every product and quotient of the engine is exact before it is rounded.
_CONTEXT = decimal.Context(
    prec=200, rounding=ROUND_HALF_UP, Emax=999_999, Emin=-999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


# -- inputs ------------------------------------------------------------------------------------


def _decimal(name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__} ({value!r})")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number, not {value}")
    return value


def _percent(name: str, value: object) -> Decimal:
    value = _decimal(name, value)
    if not Decimal(0) <= value <= HUNDRED:
        raise ValueError(f"{name} must be between 0 and 100, not {value}")
    return value


def _int(name: str, value: object, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__} ({value!r})")
    return value


def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def _round(value: Decimal, quantum: Decimal) -> Decimal:
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _rate(vat_id: int | None, where: str) -> Decimal:
    if vat_id is None:
        raise ValueError(f"{where} has no VAT id")
    try:
        return RATES[vat_id]
    except KeyError:
        raise ValueError(f"{where}: unknown VAT id {vat_id}") from None


@dataclass(frozen=True, kw_only=True)
class LineInput:
    """One line of a document, as the sheet stores it (incwo's ``*_line``).

    ``kind`` is incwo's ``content_kind``: ``""`` priced line, ``"comment"``, ``"option"``,
    ``"total"`` (subtotal). ``unit_price`` is excl. tax (4 places in the models; the engine
    computes with whatever it is given). ``vat_id`` is incwo's ``vat_value_id`` (required
    for priced and option lines, ignored and may be ``None`` for the others).
    ``reduction_percent`` is the line reduction, 0 to 100. ``ordering`` is incwo's sort key
    (100, 200, …).
    """

    kind: str = PRICED
    quantity: Decimal = Decimal(1)
    unit_price: Decimal = Decimal(0)
    vat_id: int | None = DEFAULT_VAT_ID
    reduction_percent: Decimal = Decimal(0)
    ordering: int = 0

    def __post_init__(self):
        if not isinstance(self.kind, str):
            raise TypeError(f"kind must be a str, not {type(self.kind).__name__}")
        if self.kind not in KINDS:
            raise ValueError(f"unknown line kind {self.kind!r} (one of {sorted(KINDS)})")
        object.__setattr__(self, "quantity", _decimal("quantity", self.quantity))
        object.__setattr__(self, "unit_price", _decimal("unit_price", self.unit_price))
        object.__setattr__(self, "reduction_percent",
                           _percent("reduction_percent", self.reduction_percent))
        _int("vat_id", self.vat_id, optional=True)
        _int("ordering", self.ordering)


@dataclass(frozen=True, kw_only=True)
class DocumentInput:
    """A document to total: its lines and the sheet-level reduction and shipping.

    ``reduction_percent`` (0 to 100) and ``reduction_amount`` (incwo's
    ``reduction_currency``, excl. tax, ≥ 0, at most ``places`` decimals) are the document
    reduction; ``shipping_cost`` (excl. tax, ≥ 0) is taxed at ``shipping_vat_id``.
    ``places`` is the number of decimals of the currency (2 for the euro). Credit notes pass
    positive amounts, like invoices.
    """

    lines: tuple[LineInput, ...] = ()
    reduction_percent: Decimal = Decimal(0)
    reduction_amount: Decimal = Decimal(0)
    shipping_cost: Decimal = Decimal(0)
    shipping_vat_id: int = DEFAULT_VAT_ID
    places: int = 2

    def __post_init__(self):
        if isinstance(self.lines, str | bytes) or not isinstance(self.lines, Iterable):
            raise TypeError("lines must be a sequence of LineInput")
        lines = tuple(self.lines)
        for line in lines:
            if not isinstance(line, LineInput):
                raise TypeError(f"lines must be LineInput, not {type(line).__name__}")
        object.__setattr__(self, "lines", lines)
        _int("places", self.places)
        if not 0 <= self.places <= MAX_PLACES:
            raise ValueError(f"places must be between 0 and {MAX_PLACES}, not {self.places}")
        object.__setattr__(self, "reduction_percent",
                           _percent("reduction_percent", self.reduction_percent))
        for name in ("reduction_amount", "shipping_cost"):
            value = _decimal(name, getattr(self, name))
            if value < 0:
                raise ValueError(f"{name} must not be negative, not {value}")
            with localcontext(_CONTEXT):
                if value != value.quantize(_quantum(self.places)):
                    raise ValueError(f"{name} has more than {self.places} decimals: {value}")
            object.__setattr__(self, name, value)
        _int("shipping_vat_id", self.shipping_vat_id)
        _rate(self.shipping_vat_id, "shipping")


# -- outputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineTotals:
    """The amounts of one line; field names are incwo's line fields.

    ``vat_id`` and ``vat_rate`` (percent) are ``None`` for comment and subtotal lines. The
    ``option_*`` amounts are those of an option line (0 for every other kind).
    """

    kind: str
    ordering: int
    vat_id: int | None
    vat_rate: Decimal | None
    total_price: Decimal
    vat_value: Decimal
    total_price_with_taxes: Decimal
    option_total_price: Decimal
    option_vat_value: Decimal
    option_total_price_with_taxes: Decimal


@dataclass(frozen=True)
class RateTotals:
    """One row of the VAT table of a document: base excl. tax and VAT at one VAT id."""

    vat_id: int
    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True)
class DocumentTotals:
    """The totals of a document, as :func:`compute` returns them.

    ``lines`` are in the input order; ``per_rate`` is sorted by rate then VAT id and holds
    only rates with a non-zero base. Amount fields and their incwo names:

    =================================  ====================================================
    field                              incwo sheet field
    =================================  ====================================================
    ``vat_exc_total``                  (none: the priced lines before the reduction)
    ``reduction_from_percent``         (none: the amount of ``reduction_percent``)
    ``reduction_amount``               ``reduction_currency``
    ``reduction_total``                (none)
    ``vat_exc_total_after_reduction``  ``vat_exl_total`` (inferred: excl. VAT, no shipping)
    ``shipping_cost``                  ``shipping_cost``
    ``vat_exc_total_with_shipping``    ``vat_exc_total_with_shipping``
    ``vat_total``                      ``vat_cost`` (inferred: undefined in the doc)
    ``vat_inc_total``                  ``vat_inc_total``
    =================================  ====================================================
    """

    lines: tuple[LineTotals, ...]
    per_rate: tuple[RateTotals, ...]
    vat_exc_total: Decimal
    reduction_from_percent: Decimal
    reduction_amount: Decimal
    reduction_total: Decimal
    vat_exc_total_after_reduction: Decimal
    shipping_cost: Decimal
    vat_exc_total_with_shipping: Decimal
    vat_total: Decimal
    vat_inc_total: Decimal
    places: int = 2


@dataclass(frozen=True)
class PartialTotals:
    """A deposit or balance invoice of a document (:func:`deposit`, :func:`balance`)."""

    per_rate: tuple[RateTotals, ...]
    vat_exc_total: Decimal
    vat_total: Decimal
    vat_inc_total: Decimal
    places: int = 2


# -- computation -------------------------------------------------------------------------------


def _allocate(amount: Decimal, weights: Mapping[int, Decimal], places: int) -> dict[int, Decimal]:
    """Split ``amount`` over ``weights`` pro rata, to the unit of ``places``, exactly.

    Integer arithmetic in cents: each key gets the floor of its exact share, then the units
    left over go one each to the largest remainders (ties: larger weight, then smaller key).
    """
    quantum = _quantum(places)
    target = int(amount.scaleb(places))
    units = {key: int(weight.scaleb(places)) for key, weight in weights.items()}
    total = sum(units.values())
    if total == 0:
        if target:
            raise ValueError(f"cannot allocate {amount} over bases that add up to 0")
        return {key: Decimal(0) * quantum for key in units}
    shares, remainders = {}, {}
    for key, weight in units.items():
        numerator, denominator = target * weight, total
        if denominator < 0:
            numerator, denominator = -numerator, -denominator
        shares[key], remainders[key] = divmod(numerator, denominator)
    left = target - sum(shares.values())
    assert 0 <= left < max(len(units), 1)
    for key in sorted(units, key=lambda k: (-remainders[k], -abs(units[k]), k))[:left]:
        shares[key] += 1
    return {key: _round(Decimal(share) * quantum, quantum) for key, share in shares.items()}


def _rate_row(vat_id: int, base: Decimal, quantum: Decimal) -> RateTotals:
    rate = RATES[vat_id]
    return RateTotals(vat_id, rate, base, _round(base * rate / HUNDRED, quantum))


def _sorted_rows(rows: Iterable[RateTotals]) -> tuple[RateTotals, ...]:
    return tuple(sorted(rows, key=lambda row: (row.rate, row.vat_id)))


def compute(document: DocumentInput) -> DocumentTotals:
    """The line and document totals of ``document`` (see the module's rules)."""
    if not isinstance(document, DocumentInput):
        raise TypeError(f"document must be a DocumentInput, not {type(document).__name__}")
    with localcontext(_CONTEXT):
        quantum = _quantum(document.places)
        zero = Decimal(0) * quantum
        results: list[LineTotals | None] = [None] * len(document.lines)
        bases: dict[int, Decimal] = {}
        section = [zero, zero, zero]
        order = sorted(range(len(document.lines)), key=lambda i: document.lines[i].ordering)
        for index in order:
            line = document.lines[index]
            if line.kind == COMMENT:
                results[index] = LineTotals(line.kind, line.ordering, None, None, *[zero] * 6)
                continue
            if line.kind == SUBTOTAL:
                results[index] = LineTotals(line.kind, line.ordering, None, None,
                                            *section, zero, zero, zero)
                section = [zero, zero, zero]
                continue
            where = f"line {index} (ordering {line.ordering})"
            rate = _rate(line.vat_id, where)
            price = _round(line.quantity * line.unit_price
                           * (HUNDRED - line.reduction_percent) / HUNDRED, quantum)
            vat = _round(price * rate / HUNDRED, quantum)
            amounts = (price, vat, price + vat)
            if line.kind == OPTION:
                results[index] = LineTotals(line.kind, line.ordering, line.vat_id, rate,
                                            zero, zero, zero, *amounts)
                continue
            results[index] = LineTotals(line.kind, line.ordering, line.vat_id, rate,
                                        *amounts, zero, zero, zero)
            section = [total + amount for total, amount in zip(section, amounts, strict=True)]
            bases[line.vat_id] = bases.get(line.vat_id, zero) + price

        vat_exc_total = sum(bases.values(), zero)
        from_percent = _round(vat_exc_total * document.reduction_percent / HUNDRED, quantum)
        amount = document.reduction_amount.quantize(quantum)
        remaining = vat_exc_total - from_percent
        if amount > 0 and amount > remaining:
            raise ValueError(
                f"the document reduction of {amount} is larger than the total excl. tax "
                f"{'after the percent reduction ' if from_percent else ''}({remaining})")
        reduction_total = from_percent + amount
        after_reduction = vat_exc_total - reduction_total
        shares = _allocate(reduction_total, bases, document.places)
        reduced = {vat_id: base - shares[vat_id] for vat_id, base in bases.items()}
        shipping = document.shipping_cost.quantize(quantum)
        if shipping:
            vat_id = document.shipping_vat_id
            reduced[vat_id] = reduced.get(vat_id, zero) + shipping
        per_rate = _sorted_rows(_rate_row(vat_id, base, quantum)
                                for vat_id, base in reduced.items() if base)
        with_shipping = after_reduction + shipping
        vat_total = sum((row.vat for row in per_rate), zero)
        return DocumentTotals(
            lines=tuple(results), per_rate=per_rate, vat_exc_total=vat_exc_total,
            reduction_from_percent=from_percent, reduction_amount=amount,
            reduction_total=reduction_total, vat_exc_total_after_reduction=after_reduction,
            shipping_cost=shipping, vat_exc_total_with_shipping=with_shipping,
            vat_total=vat_total, vat_inc_total=with_shipping + vat_total,
            places=document.places,
        )


def _partial(rows: Iterable[RateTotals], places: int) -> PartialTotals:
    quantum = _quantum(places)
    zero = Decimal(0) * quantum
    per_rate = _sorted_rows(rows)
    base = sum((row.base for row in per_rate), zero)
    vat = sum((row.vat for row in per_rate), zero)
    return PartialTotals(per_rate, base, vat, base + vat, places)


def deposit(totals: DocumentTotals, percent: Decimal) -> PartialTotals:
    """A deposit invoice of ``percent`` % (0 to 100) of a document.

    Each per-rate base (shipping included, after the document reduction) becomes
    ``round(base × percent / 100)`` and its VAT is recomputed on it; rates whose deposit base
    rounds to 0 are left out. ``deposit(totals, 100)`` has the document's per-rate table and
    totals; the deposit incl. tax can differ from ``percent`` % of ``vat_inc_total`` by a few
    cents (one rounding per rate).
    """
    if not isinstance(totals, DocumentTotals):
        raise TypeError(f"totals must be DocumentTotals, not {type(totals).__name__}")
    percent = _percent("percent", percent)
    with localcontext(_CONTEXT):
        quantum = _quantum(totals.places)
        rows = (_rate_row(row.vat_id, _round(row.base * percent / HUNDRED, quantum), quantum)
                for row in totals.per_rate)
        return _partial((row for row in rows if row.base), totals.places)


def balance(totals: DocumentTotals, deposits: Iterable[PartialTotals]) -> PartialTotals:
    """The balance (final) invoice of a document after its deposit invoices.

    Per VAT id, the document's base and VAT minus those of the deposits: the deposits and
    the balance add up to the document exactly. The balance's VAT is that difference, not
    recomputed on the balance's base (which could be a cent off). A deposit at a VAT id the
    document does not have is a ``ValueError``; deposits larger than the document give
    negative amounts, for the caller to turn into a credit note.
    """
    if not isinstance(totals, DocumentTotals):
        raise TypeError(f"totals must be DocumentTotals, not {type(totals).__name__}")
    with localcontext(_CONTEXT):
        return _balance(totals, deposits)


def _balance(totals: DocumentTotals, deposits: Iterable[PartialTotals]) -> PartialTotals:
    quantum = _quantum(totals.places)
    remaining = {row.vat_id: [row.base, row.vat] for row in totals.per_rate}
    for partial in deposits:
        if not isinstance(partial, PartialTotals):
            raise TypeError(f"deposits must be PartialTotals, not {type(partial).__name__}")
        if partial.places != totals.places:
            raise ValueError(f"a deposit has {partial.places} decimals, the document "
                             f"{totals.places}")
        for row in partial.per_rate:
            if row.vat_id not in remaining:
                raise ValueError(f"a deposit has VAT id {row.vat_id}, which the document "
                                 f"does not have")
            remaining[row.vat_id][0] -= row.base
            remaining[row.vat_id][1] -= row.vat
    rows = (RateTotals(vat_id, RATES[vat_id], _round(base, quantum), _round(vat, quantum))
            for vat_id, (base, vat) in remaining.items() if base or vat)
    return _partial(rows, totals.places)
