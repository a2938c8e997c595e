"""Rules of leads: the weighted value of the pipeline, a lead's defaults.

The weighted value of a lead is ``value × confidence_pct / 100`` rounded half up to the
cent. It is computed in SQL (the read path stays one query) and exactly on both engines:
the value is taken in whole cents, multiplied by the percentage and divided by 100 in
integer arithmetic with half-up rounding (``(cents × pct + 50) / 100``, both terms are never
negative), so SQLite's floats never touch an amount.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Func, Sum

from comptoir.core.money import AMOUNT_DIGITS, CENT
from comptoir.sales.choices import OPEN_STEPS


class CentsField(models.DecimalField):
    """Output type of :class:`WeightedValue` in ORM queries: a Decimal to the cent.

    Not ``DecimalField`` internally, so that SQLite's float converter never sees the text
    the SQLite form of the expression answers.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", AMOUNT_DIGITS)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def get_internal_type(self):
        return "CentsField"

    def from_db_value(self, value, expression, connection):
        return None if value is None else Decimal(str(value)).quantize(CENT)


class WeightedCents(Func):
    """``value × percent / 100`` in whole cents, rounded half up: an exact integer."""

    output_field = models.BigIntegerField()

    def __init__(self, value="value", percent="confidence_pct"):
        super().__init__(F(value), F(percent))

    def as_sql(self, compiler, connection, **extra):
        value, value_params = compiler.compile(self.source_expressions[0])
        percent, percent_params = compiler.compile(self.source_expressions[1])
        # value has two places: value × 100 is whole (ROUND only drops a float's noise).
        sql = f"((CAST(ROUND({value} * 100) AS BIGINT) * {percent} + 50) / 100)"
        return sql, [*value_params, *percent_params]


class WeightedValue(WeightedCents):
    """The same amount in euros, written with two places by every engine.

    PostgreSQL: ``cents × 0.01``, a numeric of scale 2. SQLite has no decimal type and the
    read path hands raw values to the writers, so it answers the text ``euros.cc`` built
    from the integer cents (a float such as 346.5 would lose the trailing zero).
    """

    output_field = CentsField()

    def as_sql(self, compiler, connection, **extra):
        cents, params = super().as_sql(compiler, connection, **extra)
        return f"({cents} * 0.01)", params

    def as_sqlite(self, compiler, connection, **extra):
        cents, params = super().as_sql(compiler, connection, **extra)
        sql = f"(({cents} / 100) || '.' || substr('0' || ({cents} - ({cents} / 100) * 100), -2))"
        return sql, params * 4


def pipeline_value(leads) -> Decimal:
    """The weighted value of the open leads (steps project, analysis, proposal) of a scoped
    queryset: what the pipeline is expected to bring, to the cent."""
    cents = leads.filter(step_id__in=OPEN_STEPS).aggregate(cents=Sum(WeightedCents()))["cents"]
    return (Decimal(cents or 0) / 100).quantize(CENT)


def complete_new_lead(attrs: dict, user_id: int | None) -> dict:
    """Defaults of a lead created without them: its manager is the user who creates it, and
    its client name is the firm's name, or else the contact's."""
    if "manager" not in attrs and user_id is not None:
        attrs["manager_id"] = user_id
    if not attrs.get("client_name", "").strip():
        party = attrs.get("firm") or attrs.get("contact")
        if party is not None:
            attrs["client_name"] = str(party)
    return attrs
