"""The totals engine of commercial documents (comptoir.sales.totals), without a database.

Worked examples are computed by hand in the comments next to them; Hypothesis then checks
the invariants the sheets rely on (bases add up, TTC = HT + VAT exactly, two decimals,
line order irrelevant, deposits and balance add up to the document).
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.vat import RATES
from comptoir.sales.totals import (
    COMMENT,
    OPTION,
    PRICED,
    SUBTOTAL,
    DocumentInput,
    DocumentTotals,
    LineInput,
    LineTotals,
    PartialTotals,
    RateTotals,
    balance,
    compute,
    deposit,
)

D = Decimal


def line(quantity="1", price="0", vat_id=607, reduction="0", kind=PRICED, ordering=0):
    return LineInput(kind=kind, quantity=D(quantity), unit_price=D(price), vat_id=vat_id,
                     reduction_percent=D(reduction), ordering=ordering)


def doc(*lines, reduction="0", amount="0", shipping="0", shipping_vat_id=607, places=2):
    return compute(DocumentInput(lines=lines, reduction_percent=D(reduction),
                                 reduction_amount=D(amount), shipping_cost=D(shipping),
                                 shipping_vat_id=shipping_vat_id, places=places))


def amounts(line_totals: LineTotals):
    return (line_totals.total_price, line_totals.vat_value, line_totals.total_price_with_taxes)


def table(totals):
    return [(row.vat_id, row.base, row.vat) for row in totals.per_rate]


def summary(totals: DocumentTotals):
    return (totals.vat_exc_total, totals.reduction_from_percent, totals.reduction_amount,
            totals.reduction_total, totals.vat_exc_total_after_reduction, totals.shipping_cost,
            totals.vat_exc_total_with_shipping, totals.vat_total, totals.vat_inc_total)


def assert_exact(value, places=2):
    assert isinstance(value, Decimal)
    assert value.as_tuple().exponent == -places, value
    assert not (value.is_zero() and value.is_signed()), "negative zero"


def all_amounts(totals):
    values = []
    if isinstance(totals, DocumentTotals):
        values += summary(totals)
        for line_totals in totals.lines:
            values += [getattr(line_totals, f.name) for f in dataclasses.fields(line_totals)
                       if f.name not in ("kind", "ordering", "vat_id", "vat_rate")]
    else:
        values += [totals.vat_exc_total, totals.vat_total, totals.vat_inc_total]
    for row in totals.per_rate:
        values += [row.base, row.vat]
    return values


# -- the module docstring's worked example -------------------------------------------------------


WORKED = DocumentInput(
    lines=(
        LineInput(quantity=D(3), unit_price=D("19.99"), vat_id=607, ordering=100),
        LineInput(quantity=D(2), unit_price=D("12.50"), vat_id=223,
                  reduction_percent=D(10), ordering=200),
        LineInput(quantity=D("0.75"), unit_price=D("13.3333"), vat_id=223, ordering=300),
    ),
    reduction_percent=D(10),
    shipping_cost=D("8.00"),
)


def test_worked_example_lines():
    totals = compute(WORKED)
    assert [amounts(lt) for lt in totals.lines] == [
        (D("59.97"), D("11.99"), D("71.96")),   # 59.97 × 20 % = 11.994
        (D("22.50"), D("1.24"), D("23.74")),    # 25.00 − 10 %; 22.50 × 5.5 % = 1.2375
        (D("10.00"), D("0.55"), D("10.55")),    # 9.999975 → 10.00
    ]
    assert [(lt.vat_id, lt.vat_rate) for lt in totals.lines] == [
        (607, D(20)), (223, D("5.5")), (223, D("5.5"))]


def test_worked_example_document():
    totals = compute(WORKED)
    assert totals.vat_exc_total == D("92.47")
    assert totals.reduction_from_percent == D("9.25")  # 9.247
    assert totals.reduction_amount == D("0.00")
    assert totals.reduction_total == D("9.25")
    assert totals.vat_exc_total_after_reduction == D("83.22")
    assert totals.shipping_cost == D("8.00")
    assert totals.vat_exc_total_with_shipping == D("91.22")
    # 9.25 × 59.97 / 92.47 = 5.99897…, × 32.50 / 92.47 = 3.25103…: the cent left over after
    # the floors (5.99 + 3.25) goes to 20 %, the larger remainder.
    assert table(totals) == [
        (223, D("29.25"), D("1.61")),   # 32.50 − 3.25; 29.25 × 5.5 % = 1.60875
        (607, D("61.97"), D("12.39")),  # 59.97 − 6.00 + 8.00; 61.97 × 20 % = 12.394
    ]
    assert [row.rate for row in totals.per_rate] == [D("5.5"), D(20)]
    assert totals.vat_total == D("14.00")
    assert totals.vat_inc_total == D("105.22")
    assert sum(lt.vat_value for lt in totals.lines) == D("13.78")


def test_worked_example_deposit_and_balance():
    totals = compute(WORKED)
    first = deposit(totals, D(30))
    # 29.25 × 30 % = 8.775 → 8.78, VAT 0.4829 → 0.48; 61.97 × 30 % = 18.591 → 18.59, VAT 3.718
    assert table(first) == [(223, D("8.78"), D("0.48")), (607, D("18.59"), D("3.72"))]
    assert (first.vat_exc_total, first.vat_total, first.vat_inc_total) == (
        D("27.37"), D("4.20"), D("31.57"))
    rest = balance(totals, [first])
    # 43.38 × 20 % would be 8.68: the balance's VAT is the difference 12.39 − 3.72 = 8.67
    assert table(rest) == [(223, D("20.47"), D("1.13")), (607, D("43.38"), D("8.67"))]
    assert (rest.vat_exc_total, rest.vat_total, rest.vat_inc_total) == (
        D("63.85"), D("9.80"), D("73.65"))
    assert first.vat_inc_total + rest.vat_inc_total == totals.vat_inc_total


# -- lines -----------------------------------------------------------------------------------


def test_three_times_19_99_at_20_percent():
    totals = doc(line("3", "19.99"))
    assert amounts(totals.lines[0]) == (D("59.97"), D("11.99"), D("71.96"))
    assert table(totals) == [(607, D("59.97"), D("11.99"))]
    assert (totals.vat_total, totals.vat_inc_total) == (D("11.99"), D("71.96"))


def test_a_third_of_a_quantity_is_rounded_once_at_line_level():
    third = D(1) / D(3)  # 0.3333…3 (28 digits)
    totals = compute(DocumentInput(lines=[LineInput(quantity=third, unit_price=D(30))]))
    assert totals.lines[0].total_price == D("10.00")  # 9.999…9, not 0.33 × 30 = 9.90
    assert doc(line("0.3333", "30")).lines[0].total_price == D("10.00")  # 9.999
    # Three lines of a third of 10.00 are three rounded 3.33: the document is 9.99.
    totals = doc(*[line("0.3333", "10")] * 3)
    assert [lt.total_price for lt in totals.lines] == [D("3.33")] * 3
    assert totals.vat_exc_total == D("9.99")


@pytest.mark.parametrize(("price", "vat"), [
    ("10.00", "0.55"),
    ("12.50", "0.69"),   # 0.6875
    ("0.10", "0.01"),    # 0.0055: half up
    ("0.09", "0.00"),    # 0.00495
    ("19.99", "1.10"),   # 1.09945
    ("0.30", "0.02"),    # 0.0165
])
def test_vat_at_5_5_percent_is_rounded_half_up(price, vat):
    totals = doc(line("1", price, vat_id=223))
    assert totals.lines[0].vat_value == D(vat)
    assert totals.vat_total == D(vat)


def test_document_vat_per_rate_differs_from_the_sum_of_line_vats():
    totals = doc(*[line("1", "0.10", vat_id=223)] * 10)
    assert sum(lt.vat_value for lt in totals.lines) == D("0.10")  # 10 × round(0.0055)
    assert totals.vat_total == D("0.06")  # round(1.00 × 5.5 %) = round(0.055)
    assert totals.vat_inc_total == D("1.06")


def test_line_reduction():
    totals = doc(line("4", "12.35", reduction="15"))  # 49.40 × 0.85 = 41.99
    assert amounts(totals.lines[0]) == (D("41.99"), D("8.40"), D("50.39"))  # 8.398
    totals = doc(line("1", "9.99", reduction="33.33"))  # 6.660333 → 6.66
    assert totals.lines[0].total_price == D("6.66")


def test_hundred_percent_line_reduction():
    totals = doc(line("2", "50", reduction="100"), line("1", "10", vat_id=223))
    assert amounts(totals.lines[0]) == (D("0.00"), D("0.00"), D("0.00"))
    assert totals.vat_exc_total == D("10.00")
    assert table(totals) == [(223, D("10.00"), D("0.55"))]  # no empty 20 % row


def test_option_lines_are_computed_but_not_counted():
    totals = doc(line("1", "100"), line("2", "25.50", kind=OPTION, vat_id=223),
                 line("1", "50", kind=SUBTOTAL))
    option = totals.lines[1]
    assert (option.kind, option.vat_id, option.vat_rate) == (OPTION, 223, D("5.5"))
    assert amounts(option) == (D("0.00"), D("0.00"), D("0.00"))
    assert (option.option_total_price, option.option_vat_value,
            option.option_total_price_with_taxes) == (D("51.00"), D("2.81"), D("53.81"))
    assert amounts(totals.lines[2]) == (D("100.00"), D("20.00"), D("120.00"))
    assert table(totals) == [(607, D("100.00"), D("20.00"))]
    assert (totals.vat_exc_total, totals.vat_inc_total) == (D("100.00"), D("120.00"))
    priced = totals.lines[0]
    assert (priced.option_total_price, priced.option_vat_value,
            priced.option_total_price_with_taxes) == (D("0.00"),) * 3


def test_comment_lines_are_all_zeros():
    totals = doc(LineInput(kind=COMMENT, quantity=D(5), unit_price=D(99), vat_id=None),
                 line("1", "10"), line("3", "7", kind=COMMENT, vat_id=999))
    for index in (0, 2):
        comment = totals.lines[index]
        assert (comment.kind, comment.vat_id, comment.vat_rate) == (COMMENT, None, None)
        assert all(getattr(comment, f.name) == 0 for f in dataclasses.fields(comment)
                   if f.name not in ("kind", "ordering", "vat_id", "vat_rate"))
    assert totals.vat_inc_total == D("12.00")


def test_subtotal_lines_sum_the_section_since_the_previous_subtotal():
    totals = doc(
        line("1", "10", ordering=100),
        line("2", "5", vat_id=223, ordering=200),
        line(kind=SUBTOTAL, ordering=300),
        line(kind=COMMENT, ordering=350),
        line("1", "1000", kind=OPTION, ordering=360),
        line("3", "19.99", ordering=400),
        line(kind=SUBTOTAL, ordering=500),
        line(kind=SUBTOTAL, ordering=600),
    )
    subtotals = [lt for lt in totals.lines if lt.kind == SUBTOTAL]
    assert [amounts(lt) for lt in subtotals] == [
        (D("20.00"), D("2.55"), D("22.55")),    # 10.00 + 2.00 and 10.00 + 0.55
        (D("59.97"), D("11.99"), D("71.96")),   # the option is not counted
        (D("0.00"), D("0.00"), D("0.00")),      # nothing since the previous subtotal
    ]
    assert all((lt.vat_id, lt.vat_rate) == (None, None) for lt in subtotals)
    assert totals.vat_exc_total == D("79.97")  # subtotals are not counted either


def test_subtotals_follow_ordering_not_input_order_and_lines_keep_input_order():
    totals = doc(
        line(kind=SUBTOTAL, ordering=300),
        line("1", "7", ordering=400),
        line("1", "10", ordering=100),
        line(kind=SUBTOTAL, ordering=500),
        line("1", "5", ordering=200),
    )
    assert [lt.ordering for lt in totals.lines] == [300, 400, 100, 500, 200]
    assert totals.lines[0].total_price == D("15.00")  # 10 + 5 (orderings 100, 200)
    assert totals.lines[3].total_price == D("7.00")


def test_subtotal_with_equal_orderings_keeps_input_order():
    totals = doc(line("1", "10"), line(kind=SUBTOTAL), line("1", "5"), line(kind=SUBTOTAL))
    assert [totals.lines[i].total_price for i in (1, 3)] == [D("10.00"), D("5.00")]


def test_negative_quantity_refund_line():
    totals = doc(line("2", "50"), line("-1", "50"))
    assert amounts(totals.lines[1]) == (D("-50.00"), D("-10.00"), D("-60.00"))
    assert (totals.vat_exc_total, totals.vat_total, totals.vat_inc_total) == (
        D("50.00"), D("10.00"), D("60.00"))


def test_rounding_is_symmetric_for_negative_amounts():
    sale, refund = doc(line("1", "0.125"), line("-1", "0.125")).lines
    assert sale.total_price == D("0.13") and refund.total_price == D("-0.13")
    sale, refund = doc(line("1", "0.10", vat_id=223), line("-1", "0.10", vat_id=223)).lines
    assert (sale.vat_value, refund.vat_value) == (D("0.01"), D("-0.01"))  # ±0.0055


def test_no_negative_zero():
    totals = doc(line("-1", "0"), line("-0.001", "1"), line("-1", "0.04", vat_id=223))
    for value in all_amounts(totals):
        assert_exact(value)
    assert str(totals.lines[1].total_price) == "0.00"
    assert str(totals.lines[2].vat_value) == "0.00"  # −0.0022


def test_refund_larger_than_the_sales_gives_a_negative_document():
    totals = doc(line("1", "10"), line("-1", "30"), reduction="10")
    assert totals.vat_exc_total == D("-20.00")
    assert totals.reduction_from_percent == D("-2.00")
    assert totals.vat_exc_total_after_reduction == D("-18.00")
    assert table(totals) == [(607, D("-18.00"), D("-3.60"))]
    assert totals.vat_inc_total == D("-21.60")


# -- document reduction, shipping ------------------------------------------------------------


def test_shipping_at_20_percent_while_the_lines_are_at_5_5_percent():
    totals = doc(line("4", "2.35", vat_id=223), shipping="6.90")
    assert table(totals) == [
        (223, D("9.40"), D("0.52")),   # 0.517
        (607, D("6.90"), D("1.38")),
    ]
    assert totals.vat_exc_total == D("9.40")
    assert totals.vat_exc_total_with_shipping == D("16.30")
    assert (totals.vat_total, totals.vat_inc_total) == (D("1.90"), D("18.20"))


def test_shipping_is_added_to_the_base_of_its_rate_and_never_reduced():
    totals = doc(line("1", "100"), reduction="50", shipping="10")
    assert table(totals) == [(607, D("60.00"), D("12.00"))]
    totals = doc(line("1", "100"), shipping="10", shipping_vat_id=225)
    assert table(totals) == [(225, D("10.00"), D("0.00")), (607, D("100.00"), D("20.00"))]
    assert totals.vat_inc_total == D("130.00")


def test_document_reduction_percent_is_allocated_across_rates():
    totals = doc(line("1", "33.33", vat_id=223), line("1", "33.33", vat_id=552),
                 line("1", "33.34"), reduction="10")
    # 10 % of 100.00 = 10.00; exact shares 3.333, 3.333, 3.334: floors 3.33 + 3.33 + 3.33
    # leave one cent, which goes to the largest remainder (20 %).
    assert totals.reduction_total == D("10.00")
    assert table(totals) == [
        (223, D("30.00"), D("1.65")),
        (552, D("30.00"), D("3.00")),
        (607, D("30.00"), D("6.00")),
    ]
    assert totals.vat_exc_total_after_reduction == D("90.00")


def test_document_reduction_amount_cents_add_up_with_equal_remainders():
    totals = doc(line("1", "10", vat_id=607), line("1", "10", vat_id=552),
                 line("1", "10", vat_id=223), amount="0.10")
    # 0.0333… each: floors 0.03 × 3 leave one cent; equal remainders and equal bases: the
    # smaller VAT id (223) takes it.
    assert table(totals) == [
        (223, D("9.96"), D("0.55")),
        (552, D("9.97"), D("1.00")),   # 0.997
        (607, D("9.97"), D("1.99")),   # 1.994
    ]
    assert totals.vat_exc_total_after_reduction == D("29.90")


def test_document_reduction_leftover_cents_go_to_the_largest_remainders():
    totals = doc(line("1", "1", vat_id=223), line("1", "2"), amount="0.01")
    # exact shares 0.0033… and 0.0066…: floors 0 and 0, the cent goes to 2/3 (20 %).
    assert table(totals) == [(223, D("1.00"), D("0.06")), (607, D("1.99"), D("0.40"))]


def test_document_reduction_equal_remainders_go_to_the_larger_base():
    totals = doc(line("1", "1", vat_id=223), line("1", "3"), amount="0.02")
    # exact shares 0.005 and 0.015: floors 0.00 and 0.01, equal remainders of half a cent:
    # the larger base (20 %) takes the cent left over.
    assert table(totals) == [(223, D("1.00"), D("0.06")), (607, D("2.98"), D("0.60"))]


def test_reduction_percent_first_then_amount():
    totals = doc(line("1", "150"), line("1", "50", vat_id=223), reduction="10", amount="30")
    assert totals.reduction_from_percent == D("20.00")  # 10 % of 200, not of 170
    assert totals.reduction_amount == D("30.00")
    assert totals.reduction_total == D("50.00")
    assert totals.vat_exc_total_after_reduction == D("150.00")
    assert table(totals) == [(223, D("37.50"), D("2.06")), (607, D("112.50"), D("22.50"))]
    assert totals.vat_inc_total == D("174.56")


def test_reduction_allocation_with_a_negative_base():
    totals = doc(line("1", "100"), line("-1", "20", vat_id=223), reduction="10")
    # 10 % of 80.00 = 8.00: 10.00 off the 20 % base, −2.00 off the −20.00 one.
    assert table(totals) == [(223, D("-18.00"), D("-0.99")), (607, D("90.00"), D("18.00"))]
    assert totals.vat_exc_total_after_reduction == D("72.00")


def test_reduction_equal_to_the_total_is_allowed():
    totals = doc(line("1", "40"), line("1", "60", vat_id=223), amount="100", shipping="5")
    assert totals.vat_exc_total_after_reduction == D("0.00")
    assert table(totals) == [(607, D("5.00"), D("1.00"))]
    totals = doc(line("1", "40"), line("1", "60", vat_id=223), reduction="100")
    assert (totals.vat_exc_total_after_reduction, totals.per_rate) == (D("0.00"), ())


def test_bases_that_cancel_out():
    totals = doc(line("1", "100"), line("-1", "100", vat_id=223))
    assert totals.vat_exc_total == D("0.00")
    assert table(totals) == [(223, D("-100.00"), D("-5.50")), (607, D("100.00"), D("20.00"))]
    assert totals.vat_inc_total == D("14.50")


def test_document_without_lines():
    totals = doc()
    assert totals.lines == () and totals.per_rate == ()
    assert summary(totals) == (D("0.00"),) * 9
    for value in all_amounts(totals):
        assert_exact(value)
    totals = doc(line(kind=COMMENT), line(kind=SUBTOTAL), shipping="4.5")
    assert table(totals) == [(607, D("4.50"), D("0.90"))]
    assert totals.vat_inc_total == D("5.40")
    assert deposit(doc(), D(50)) == PartialTotals((), D("0.00"), D("0.00"), D("0.00"))


def test_zero_decimal_currency():
    totals = doc(line("3", "19.5"), line("1", "7", vat_id=223), reduction="10", places=0)
    # 58.5 → 59; VAT 11.8 → 12; 7 at 5.5 % → 0.385 → 0; reduction 6.6 → 7, shares 6.26/0.74 → 6 + 1
    assert [amounts(lt) for lt in totals.lines] == [(D(59), D(12), D(71)), (D(7), D(0), D(7))]
    assert table(totals) == [(223, D(6), D(0)), (607, D(53), D(11))]
    assert totals.vat_inc_total == D(70)
    for value in all_amounts(totals):
        assert_exact(value, places=0)


def test_int_inputs_are_accepted():
    assert doc(line("2", "5")) == compute(DocumentInput(
        lines=[LineInput(quantity=2, unit_price=5)], reduction_percent=0, shipping_cost=0))


def test_inputs_and_results_are_frozen():
    totals = compute(WORKED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        totals.vat_total = D(0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        WORKED.lines[0].quantity = D(0)
    assert isinstance(totals.lines, tuple) and isinstance(totals.per_rate, tuple)
    assert all(isinstance(row, RateTotals) for row in totals.per_rate)


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["quantity", "unit_price", "reduction_percent"])
@pytest.mark.parametrize("value", [1.5, "1.5", None, True])
def test_line_rejects_non_decimal(field, value):
    with pytest.raises(TypeError, match=field):
        LineInput(**{field: value})


@pytest.mark.parametrize("field", ["reduction_percent", "reduction_amount", "shipping_cost"])
@pytest.mark.parametrize("value", [1.5, "1.5", None])
def test_document_rejects_non_decimal(field, value):
    with pytest.raises(TypeError, match=field):
        DocumentInput(**{field: value})


def test_other_type_errors():
    with pytest.raises(TypeError, match="vat_id"):
        LineInput(vat_id=607.0)
    with pytest.raises(TypeError, match="vat_id"):
        LineInput(vat_id=True)
    with pytest.raises(TypeError, match="ordering"):
        LineInput(ordering=1.0)
    with pytest.raises(TypeError, match="kind"):
        LineInput(kind=None)
    with pytest.raises(TypeError, match="LineInput"):
        DocumentInput(lines=[{"quantity": D(1)}])
    with pytest.raises(TypeError, match="shipping_vat_id"):
        DocumentInput(shipping_vat_id="607")
    with pytest.raises(TypeError, match="DocumentInput"):
        compute({"lines": []})
    with pytest.raises(TypeError, match="percent"):
        deposit(compute(WORKED), 30.0)
    with pytest.raises(TypeError, match="DocumentTotals"):
        deposit(WORKED, D(30))
    with pytest.raises(TypeError, match="PartialTotals"):
        balance(compute(WORKED), [compute(WORKED)])


def test_unknown_vat_id():
    with pytest.raises(ValueError, match="unknown VAT id 999"):
        doc(line("1", "10"), line("1", "10", vat_id=999, ordering=200))
    with pytest.raises(ValueError, match=r"line 1 \(ordering 200\)"):
        doc(line("1", "10"), line("1", "10", vat_id=999, ordering=200))
    with pytest.raises(ValueError, match="unknown VAT id 999"):
        doc(line("1", "10", vat_id=999, kind=OPTION))
    with pytest.raises(ValueError, match="unknown VAT id 12"):
        DocumentInput(shipping_vat_id=12)
    with pytest.raises(ValueError, match="no VAT id"):
        doc(line("1", "10", vat_id=None))


def test_reduction_larger_than_the_total():
    with pytest.raises(ValueError, match=r"reduction of 100\.01 is larger than the total"):
        doc(line("1", "60"), line("1", "40", vat_id=223), amount="100.01")
    with pytest.raises(ValueError, match=r"after the percent reduction \(90\.00\)"):
        doc(line("1", "100"), reduction="10", amount="90.01")
    with pytest.raises(ValueError, match="larger than the total"):
        doc(amount="0.01", shipping="50")  # shipping is not reducible
    with pytest.raises(ValueError, match="larger than the total"):
        doc(line("-1", "10"), amount="1")


@pytest.mark.parametrize("percent", ["100.01", "-0.01", "250"])
def test_percent_outside_0_to_100(percent):
    with pytest.raises(ValueError, match="between 0 and 100"):
        LineInput(reduction_percent=D(percent))
    with pytest.raises(ValueError, match="between 0 and 100"):
        DocumentInput(reduction_percent=D(percent))
    with pytest.raises(ValueError, match="between 0 and 100"):
        deposit(compute(WORKED), D(percent))


def test_other_value_errors():
    with pytest.raises(ValueError, match="unknown line kind 'subtotal'"):
        LineInput(kind="subtotal")
    with pytest.raises(ValueError, match="reduction_amount must not be negative"):
        DocumentInput(reduction_amount=D("-1"))
    with pytest.raises(ValueError, match="shipping_cost must not be negative"):
        DocumentInput(shipping_cost=D("-1"))
    with pytest.raises(ValueError, match="shipping_cost has more than 2 decimals"):
        DocumentInput(shipping_cost=D("1.005"))
    with pytest.raises(ValueError, match="reduction_amount has more than 0 decimals"):
        DocumentInput(reduction_amount=D("1.5"), places=0)
    assert DocumentInput(shipping_cost=D("1.500")).shipping_cost == D("1.5")
    with pytest.raises(ValueError, match="finite"):
        LineInput(quantity=D("NaN"))
    with pytest.raises(ValueError, match="finite"):
        LineInput(unit_price=D("Infinity"))
    with pytest.raises(ValueError, match="places"):
        DocumentInput(places=5)


def test_balance_errors():
    totals = compute(WORKED)
    other = deposit(doc(line("1", "10", vat_id=552)), D(50))
    with pytest.raises(ValueError, match="VAT id 552"):
        balance(totals, [other])
    with pytest.raises(ValueError, match="decimals"):
        balance(totals, [dataclasses.replace(deposit(totals, D(10)), places=0)])


def test_deposits_larger_than_the_document_give_a_negative_balance():
    totals = doc(line("1", "100"))
    rest = balance(totals, [deposit(totals, D(60)), deposit(totals, D(60))])
    assert table(rest) == [(607, D("-20.00"), D("-4.00"))]
    assert rest.vat_inc_total == D("-24.00")


def test_balance_without_deposits_and_after_a_full_deposit():
    totals = compute(WORKED)
    assert table(balance(totals, [])) == table(totals)
    full = balance(totals, [deposit(totals, D(100))])
    assert full == PartialTotals((), D("0.00"), D("0.00"), D("0.00"))


# -- properties ------------------------------------------------------------------------------

VAT_IDS = sorted(RATES)

lines_strategy = st.builds(
    lambda kind, quantity, price, vat_id, reduction, ordering: LineInput(
        kind=kind, quantity=quantity, unit_price=price, vat_id=vat_id,
        reduction_percent=reduction, ordering=ordering),
    st.sampled_from([PRICED] * 6 + [COMMENT, OPTION, SUBTOTAL]),
    st.decimals(min_value=-50, max_value=1000, places=4),
    st.one_of(st.decimals(min_value=0, max_value=10000, places=4),
              st.decimals(min_value=-100, max_value=0, places=4)),
    st.sampled_from(VAT_IDS),
    st.one_of(st.just(D(0)), st.decimals(min_value=0, max_value=100, places=2)),
    st.integers(min_value=0, max_value=20),
)


@st.composite
def documents(draw):
    lines = draw(st.lists(lines_strategy, max_size=12))
    percent = draw(st.one_of(st.just(D(0)), st.decimals(min_value=0, max_value=100, places=2)))
    shipping = draw(st.one_of(st.just(D(0)), st.decimals(min_value=0, max_value=500, places=2)))
    shipping_vat_id = draw(st.sampled_from(VAT_IDS))
    base = DocumentInput(lines=lines, reduction_percent=percent, shipping_cost=shipping,
                         shipping_vat_id=shipping_vat_id)
    first = compute(base)
    remaining = first.vat_exc_total - first.reduction_from_percent
    amount = D(0)
    if remaining > 0:
        amount = draw(st.one_of(st.just(D(0)), st.just(remaining),
                                st.decimals(min_value=0, max_value=remaining, places=2)))
    return dataclasses.replace(base, reduction_amount=amount)


def bases_before_reduction(document):
    totals = compute(document)
    bases = {}
    for line_input, line_totals in zip(document.lines, totals.lines, strict=True):
        if line_input.kind == PRICED:
            bases[line_input.vat_id] = bases.get(line_input.vat_id, D(0)) + line_totals.total_price
    return bases


def cents(value):
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@settings(max_examples=200, deadline=None)
@given(documents())
def test_property_totals_add_up(document):
    totals = compute(document)
    bases = sum((row.base for row in totals.per_rate), D(0))
    assert bases == totals.vat_exc_total_after_reduction + totals.shipping_cost
    assert bases == totals.vat_exc_total_with_shipping
    assert totals.vat_total == sum((row.vat for row in totals.per_rate), D(0))
    assert totals.vat_inc_total == bases + totals.vat_total
    assert totals.vat_exc_total == sum(
        (lt.total_price for lt in totals.lines if lt.kind == PRICED), D(0))
    assert totals.reduction_total == totals.reduction_from_percent + totals.reduction_amount
    assert totals.vat_exc_total_after_reduction == totals.vat_exc_total - totals.reduction_total
    for row in totals.per_rate:
        assert row.base != 0
        assert row.rate == RATES[row.vat_id]
        assert row.vat == cents(row.base * row.rate / 100)
    assert [(r.rate, r.vat_id) for r in totals.per_rate] == sorted(
        (r.rate, r.vat_id) for r in totals.per_rate)
    for line_input, lt in zip(document.lines, totals.lines, strict=True):
        assert (lt.kind, lt.ordering) == (line_input.kind, line_input.ordering)
        if lt.kind in (PRICED, OPTION):
            price = lt.total_price if lt.kind == PRICED else lt.option_total_price
            vat = lt.vat_value if lt.kind == PRICED else lt.option_vat_value
            assert price == cents(line_input.quantity * line_input.unit_price
                                  * (100 - line_input.reduction_percent) / 100)
            assert vat == cents(price * RATES[line_input.vat_id] / 100)


@settings(max_examples=200, deadline=None)
@given(documents())
def test_property_all_amounts_have_two_decimals(document):
    totals = compute(document)
    for value in all_amounts(totals):
        assert_exact(value)
    for value in all_amounts(deposit(totals, D("33.33"))):
        assert_exact(value)


@settings(max_examples=200, deadline=None)
@given(documents())
def test_property_reduction_shares_are_within_a_cent_of_pro_rata(document):
    totals = compute(document)
    before = bases_before_reduction(document)
    after = {row.vat_id: row.base for row in totals.per_rate}
    if totals.shipping_cost:
        vat_id = document.shipping_vat_id
        after[vat_id] = after.get(vat_id, D(0)) - totals.shipping_cost
    total = sum(before.values(), D(0))
    shares = {vat_id: base - after.get(vat_id, D(0)) for vat_id, base in before.items()}
    assert sum(shares.values(), D(0)) == totals.reduction_total
    for vat_id, base in before.items():
        exact = totals.reduction_total * base / total if total else D(0)
        assert abs(shares[vat_id] - exact) < D("0.01")
        if base >= 0 and all(b >= 0 for b in before.values()):
            assert after.get(vat_id, D(0)) >= 0


@settings(max_examples=200, deadline=None)
@given(documents(), st.randoms(use_true_random=False))
def test_property_line_order_does_not_change_document_totals(document, random):
    totals = compute(document)
    lines = list(document.lines)
    random.shuffle(lines)
    shuffled = compute(dataclasses.replace(document, lines=lines))
    assert summary(shuffled) == summary(totals)
    assert shuffled.per_rate == totals.per_rate
    # Same orderings are kept, so a subtotal still sums the same section when orderings
    # are distinct.
    if len({line.ordering for line in lines}) == len(lines):
        by_ordering = {lt.ordering: lt for lt in totals.lines}
        assert all(by_ordering[lt.ordering] == lt for lt in shuffled.lines)


@settings(max_examples=200, deadline=None)
@given(documents())
def test_property_document_vat_is_close_to_the_sum_of_line_vats(document):
    document = dataclasses.replace(document, reduction_percent=D(0), reduction_amount=D(0),
                                   shipping_cost=D(0))
    totals = compute(document)
    priced = [lt for lt in totals.lines if lt.kind == PRICED]
    by_lines = sum((lt.vat_value for lt in priced), D(0))
    assert abs(totals.vat_total - by_lines) <= D("0.005") * (len(priced) + len(totals.per_rate))


@settings(max_examples=200, deadline=None)
@given(documents(), st.decimals(min_value=0, max_value=100, places=2),
       st.decimals(min_value=0, max_value=100, places=2))
def test_property_deposits_and_balance(document, first_percent, second_percent):
    totals = compute(document)
    full = deposit(totals, D(100))
    assert full.per_rate == totals.per_rate
    assert (full.vat_exc_total, full.vat_total, full.vat_inc_total) == (
        totals.vat_exc_total_with_shipping, totals.vat_total, totals.vat_inc_total)
    first = deposit(totals, first_percent)
    for row in first.per_rate:
        assert row.vat == cents(row.base * row.rate / 100)
    assert first.vat_inc_total == first.vat_exc_total + first.vat_total
    second = deposit(totals, second_percent)
    rest = balance(totals, [first, second])
    for field in ("vat_exc_total", "vat_total", "vat_inc_total"):
        assert getattr(first, field) + getattr(second, field) + getattr(rest, field) == \
            getattr(totals, {"vat_exc_total": "vat_exc_total_with_shipping"}.get(field, field))
    for value in all_amounts(rest):
        assert_exact(value)
