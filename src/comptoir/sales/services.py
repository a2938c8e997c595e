"""Rules of leads (weighted value, defaults) and of the sales documents (below).

The weighted value of a lead is ``value × confidence_pct / 100`` rounded half up to the
cent. It is computed in SQL (the read path stays one query) and exactly on both engines:
the value is taken in whole cents, multiplied by the percentage and divided by 100 in
integer arithmetic with half-up rounding (``(cents × pct + 50) / 100``, both terms are never
negative), so SQLite's floats never touch an amount.
"""

from __future__ import annotations

import dataclasses
import datetime
from calendar import monthrange
from decimal import Decimal

from django.db import models, transaction
from django.db.models import F, Func, Sum
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError

from comptoir.core import journal
from comptoir.core.money import AMOUNT_DIGITS, CENT
from comptoir.core.numbering import assign_reference
from comptoir.core.vat import DEFAULT_VAT_ID, RATES
from comptoir.core.xmlparser import Element
from comptoir.sales import totals as engine
from comptoir.sales.choices import (
    DRAFT_TYPES,
    OPEN_STEPS,
    PAYMENT_TERMS,
    BillProgress,
    DeliveryProgress,
    LeadStep,
    ProposalProgress,
    SheetType,
)


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


# == Sales documents ==========================================================================
#
# Rules of proposals, delivery notes, invoices and credit notes. Each is a function called
# explicitly by a serializer (``after_save``), an Action of ``resources.py`` or a test.
#
# * Totals: :func:`recompute` runs after every write of a priced sheet, with all its lines, in
#   one call of ``sales.totals.compute``; it stores the line totals, the sheet totals and the
#   VAT table (``vat_totals``). Totals sent by a client are never read.
# * Numbering (``core.numbering``, gapless, taken inside the validating transaction):
#   invoices FA- and credit notes AV- when validated; delivery notes BL- when delivered;
#   proposals DE- when they first leave the draft state (sent, accepted, refused, postponed,
#   finished: the ``send``/``accept`` actions or a PUT of ``progress_id``). A numbered proposal
#   cannot be deleted any more (its number would leave a hole).
# * Immutability: a validated invoice or credit note and a delivered note refuse every update
#   and delete (``change_refused`` on the model, honoured by the serializer and ``delete()``).

ZERO = Decimal(0)
PROVISIONAL_REFERENCE = "PROVISIONAL"


def _models():
    from comptoir.sales import models

    return models


def lines_of(sheet):
    """The lines of a priced sheet, scoped, in creation order."""
    m = _models()
    if isinstance(sheet, m.ProposalSheet):
        rows = m.ProposalLine.objects.for_business_file(sheet.business_file_id).filter(
            proposal_sheet=sheet)
    elif isinstance(sheet, m.BillSheet):
        rows = m.BillLine.objects.for_business_file(sheet.business_file_id).filter(
            bill_sheet=sheet)
    else:
        rows = m.DeliveryNoteLine.objects.for_business_file(sheet.business_file_id).filter(
            delivery_note=sheet)
    return rows.order_by("id")


def _vat_totals_of(sheet):
    m = _models()
    key = "proposal_sheet" if isinstance(sheet, m.ProposalSheet) else "bill_sheet"
    return m.VatTotal.objects.for_business_file(sheet.business_file_id).filter(**{key: sheet})


# -- addresses --------------------------------------------------------------------------------


def party_address(business_file_id: int, firm=None, contact=None) -> dict:
    """The address to copy on a sheet: the firm's name and first address, else the contact's."""
    from comptoir.crm.models import ContactAddress

    party = firm or contact
    if party is None:
        return {}
    key = "firm" if firm is not None else "contact"
    found = (ContactAddress.objects.for_business_file(business_file_id)
             .filter(**{key: party}).order_by("id").first())
    address = {"name": str(party) if firm is not None else
               f"{getattr(contact, 'first_name', '')} {contact.last_name}".strip()}
    if found is not None:
        address.update(street_address=found.street_address,
                       street_address2=found.street_address2, zip_code=found.zip_code,
                       city=found.city, country=found.country)
    return address


def complete_new_sheet(business_file_id: int, attrs: dict) -> dict:
    """Copy the billing and shipping addresses from the firm (or contact) when none is sent."""
    from comptoir.sales.models import ADDRESS_PARTS

    address = party_address(business_file_id, attrs.get("firm"), attrs.get("contact"))
    if not address:
        return attrs
    for prefix in ("billing_add_", "shipping_add_"):
        if not any(attrs.get(prefix + part) for part in ADDRESS_PARTS):
            for part in ADDRESS_PARTS:
                attrs[prefix + part] = address.get(part, "")
    return attrs


# -- due dates --------------------------------------------------------------------------------


def due_date_for(billing_date: datetime.date, payment_term_id: int) -> datetime.date:
    """``billing_date`` plus the term's days, then to the end of that month for the "fin de
    mois" terms (30 days end of month: the last day of the month 30 days later)."""
    days, end_of_month = PAYMENT_TERMS.get(payment_term_id, (30, False))
    due = billing_date + datetime.timedelta(days=days)
    if end_of_month:
        due = due.replace(day=monthrange(due.year, due.month)[1])
    return due


# -- totals -----------------------------------------------------------------------------------


def line_input(line, position: int) -> engine.LineInput:
    kind = line.content_kind or ""
    priced = kind in (engine.PRICED, engine.OPTION)
    return engine.LineInput(
        kind=kind, quantity=Decimal(line.quantity), unit_price=Decimal(line.unit_price),
        vat_id=(line.vat_value_id or DEFAULT_VAT_ID) if priced else None,
        reduction_percent=Decimal(line.reduction_percent), ordering=line.ordering or position,
    )


def document_input(sheet, lines) -> engine.DocumentInput:
    return engine.DocumentInput(
        lines=tuple(line_input(line, (i + 1) * 100) for i, line in enumerate(lines)),
        reduction_percent=Decimal(sheet.reduction_percent),
        reduction_amount=Decimal(sheet.reduction_amount),
        shipping_cost=Decimal(sheet.shipping_cost),
        shipping_vat_id=sheet.shipping_vat_id or DEFAULT_VAT_ID,
    )


def compute_totals(sheet, lines=None) -> engine.DocumentTotals:
    """The engine's totals of a sheet as stored now (a 422 when the engine refuses it)."""
    lines = list(lines_of(sheet)) if lines is None else lines
    try:
        return engine.compute(document_input(sheet, lines))
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def recompute(sheet) -> engine.DocumentTotals:
    """Recompute and store every total of a priced sheet and its lines, in one engine call.

    Lines without ``ordering`` get their position (100, 200, …); a bill sheet without a due
    date gets one from its payment terms; ``remaining_due`` follows ``vat_inc_total``.
    """
    m = _models()
    lines = list(lines_of(sheet))
    for position, line in enumerate(lines, start=1):
        if not line.ordering:
            line.ordering = position * 100
    result = compute_totals(sheet, lines)
    for line, totals in zip(lines, result.lines, strict=True):
        if line.content_kind == engine.OPTION:
            line.total_price = totals.option_total_price
            line.vat_value = totals.option_vat_value
            line.total_price_with_taxes = totals.option_total_price_with_taxes
        else:
            line.total_price = totals.total_price
            line.vat_value = totals.vat_value
            line.total_price_with_taxes = totals.total_price_with_taxes
    if lines:
        type(lines[0]).objects.for_business_file(sheet.business_file_id).bulk_update(
            lines, ["ordering", "total_price", "vat_value", "total_price_with_taxes"])
    stored = {
        "vat_exc_total": result.vat_exc_total,
        "reduction_total": result.reduction_total,
        "vat_exl_total": result.vat_exc_total_after_reduction,
        "vat_exc_total_with_shipping": result.vat_exc_total_with_shipping,
        "vat_cost": result.vat_total,
        "vat_inc_total": result.vat_inc_total,
    }
    if isinstance(sheet, m.BillSheet):
        stored["remaining_due"] = result.vat_inc_total - Decimal(sheet.payed_amount)
        if sheet.due_date is None:
            stored["due_date"] = due_date_for(sheet.billing_date, sheet.payment_term_id)
    for name, value in stored.items():
        setattr(sheet, name, value)
    type(sheet).objects.for_business_file(sheet.business_file_id).filter(pk=sheet.pk).update(
        updated_at=timezone.now(), **stored)
    # The VAT table is updated in place (a rate keeps its row and id while it stays).
    existing = {row.vat_value_id: row for row in _vat_totals_of(sheet)}
    key = "proposal_sheet" if isinstance(sheet, m.ProposalSheet) else "bill_sheet"
    changed, new = [], []
    for rate_row in result.per_rate:
        row = existing.pop(rate_row.vat_id, None)
        if row is None:
            new.append(m.VatTotal(business_file_id=sheet.business_file_id,
                                  creator_id=sheet.creator_id, vat_value_id=rate_row.vat_id,
                                  rate=rate_row.rate, base=rate_row.base, vat=rate_row.vat,
                                  **{key: sheet}))
        elif (row.base, row.vat) != (rate_row.base, rate_row.vat):
            row.base, row.vat = rate_row.base, rate_row.vat
            changed.append(row)
    if existing:
        _vat_totals_of(sheet).filter(pk__in=[row.pk for row in existing.values()]).delete()
    if changed:
        m.VatTotal.objects.for_business_file(sheet.business_file_id).bulk_update(
            changed, ["base", "vat"])
    if new:
        m.VatTotal.objects.bulk_create(new)
    return result


# -- proposals --------------------------------------------------------------------------------


def number_proposal(proposal) -> None:
    """Give a proposal its DE- reference the first time it leaves the draft state (inside the
    caller's transaction: a rollback gives the number back)."""
    if proposal.reference or proposal.progress_id == ProposalProgress.DRAFT:
        return
    proposal.reference, proposal.reference_index = assign_reference(
        proposal.business_file_id, "proposal", proposal.billing_date)
    type(proposal).objects.for_business_file(proposal.business_file_id).filter(
        pk=proposal.pk).update(reference=proposal.reference,
                               reference_index=proposal.reference_index)


def win_lead(proposal) -> None:
    """An accepted proposal moves its lead to won (step 462)."""
    if proposal.lead_id is None or proposal.progress_id != ProposalProgress.ACCEPTED:
        return
    leads = _models().Lead.objects.for_business_file(proposal.business_file_id)
    lead = leads.get(pk=proposal.lead_id)
    if lead.step_id != LeadStep.WON:
        lead.step_id = LeadStep.WON
        lead.save(update_fields=["step_id", "updated_at"])


def proposal_saved(proposal) -> None:
    """After every write of a proposal: totals, number, lead."""
    recompute(proposal)
    number_proposal(proposal)
    win_lead(proposal)


def set_proposal_progress(proposal, progress_id: int):
    proposal.progress_id = progress_id
    proposal.save(update_fields=["progress_id", "updated_at"])
    number_proposal(proposal)
    win_lead(proposal)
    return proposal


def send_proposal(proposal, context=None):
    """Action ``send``: the proposal is sent (556) and numbered."""
    if proposal.progress_id != ProposalProgress.DRAFT:
        raise ValidationError("only a draft proposal can be sent")
    return set_proposal_progress(proposal, ProposalProgress.SENT)


def accept_proposal(proposal, context=None):
    """Action ``accept``: the proposal is accepted (557), numbered, and its lead won."""
    if proposal.progress_id in (ProposalProgress.ACCEPTED, ProposalProgress.FINISHED):
        raise ValidationError("this proposal is already accepted")
    return set_proposal_progress(proposal, ProposalProgress.ACCEPTED)


# -- copies between documents -----------------------------------------------------------------

HEADER_FIELDS = (
    "title", "subtitle", "contact_id", "firm_id", "comment", "language", "lead_id",
    *(f"{p}{part}" for p in ("billing_add_", "shipping_add_")
      for part in ("name", "street_address", "street_address2", "zip_code", "city", "country")),
)
PRICE_FIELDS = ("bank_account_id", "reduction_percent", "reduction_amount", "shipping_cost",
                "shipping_vat_id")
LINE_FIELDS = ("customer_product_id", "content_kind", "description", "description_more",
               "unit_price", "quantity", "unit", "vat_value_id", "reduction_percent", "ordering")


def _user_id(context) -> int | None:
    return (context or {}).get("user_id")


def _new_bill_sheet(source, sheet_type: str, context, *, prices=True, **extra):
    m = _models()
    values = {name: getattr(source, name) for name in HEADER_FIELDS}
    if prices:
        values.update({name: getattr(source, name) for name in PRICE_FIELDS})
    else:
        values["bank_account_id"] = getattr(source, "bank_account_id", None)
    values.update(extra)
    return m.BillSheet.objects.create(
        business_file_id=source.business_file_id, creator_id=_user_id(context),
        sheet_type=sheet_type, billing_date=timezone.localdate(), **values)


def _add_bill_lines(sheet, lines: list[dict]) -> None:
    m = _models()
    m.BillLine.objects.bulk_create([
        m.BillLine(business_file_id=sheet.business_file_id, creator_id=sheet.creator_id,
                   bill_sheet=sheet, **line)
        for line in lines
    ])


def _copied_lines(lines, *, skip_options=True) -> list[dict]:
    return [{name: getattr(line, name) for name in LINE_FIELDS} for line in lines
            if not (skip_options and line.content_kind == engine.OPTION)]


def percent_text(value: Decimal) -> str:
    """A rate as French documents write it: ``20``, ``5,5`` (never ``2E+1``)."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def _deposits_of(proposal):
    m = _models()
    return (m.BillSheet.objects.for_business_file(proposal.business_file_id)
            .filter(proposal_sheet=proposal, is_deposit=True,
                    sheet_type__in=(SheetType.INVOICE, SheetType.INVOICE_MAYBE))
            .order_by("id"))


def _partial_of(sheet) -> engine.PartialTotals:
    rows = [engine.RateTotals(v.vat_value_id, RATES[v.vat_value_id], v.base, v.vat)
            for v in _vat_totals_of(sheet)]
    return engine._partial(rows, 2)


def to_invoice(proposal, context=None):
    """Action ``to_invoice``: the whole proposal as a draft invoice (option lines left out).

    When deposit invoices were made from the proposal, they must be validated first (a draft
    could still change or go; 422 otherwise), and the final invoice deducts them as
    lines, one per deposit and VAT rate, ``-1 × the deposit's base`` at that rate ("Acompte
    FA-… du …"). The proposal's document reduction then becomes lines too (one "Remise" line
    per rate, the engine's allocation of it), so that every base of the final invoice is
    exactly ``sales.totals.balance``'s; its VAT is recomputed on that base and may differ by a
    cent per rate from the balance's VAT difference.
    """
    deposits = list(_deposits_of(proposal))
    drafts = [d for d in deposits if d.sheet_type == SheetType.INVOICE_MAYBE]
    if drafts:
        # A draft may still change or disappear: the final invoice would deduct a fiction.
        raise ValidationError({"proposal_sheet": (
            "validate or delete the draft deposit invoice"
            f"{'s' if len(drafts) > 1 else ''} #{', #'.join(str(d.pk) for d in drafts)} "
            "before invoicing the balance")})
    source = list(lines_of(proposal))
    extra = {}
    lines = _copied_lines(source)
    if deposits:
        result = compute_totals(proposal, source)
        if result.reduction_total:
            extra = {"reduction_percent": ZERO, "reduction_amount": ZERO}
            line_bases: dict[int, Decimal] = {}
            for totals in result.lines:
                if totals.kind == engine.PRICED:
                    line_bases[totals.vat_id] = line_bases.get(totals.vat_id, ZERO) \
                        + totals.total_price
            shipping_vat = proposal.shipping_vat_id or DEFAULT_VAT_ID
            for row in result.per_rate:
                reduced = row.base - (result.shipping_cost if row.vat_id == shipping_vat
                                      else ZERO)
                share = line_bases.get(row.vat_id, ZERO) - reduced
                if share:
                    lines.append({"description": f"Remise (TVA {percent_text(row.rate)} %)",
                                  "quantity": Decimal(-1), "unit_price": share,
                                  "vat_value_id": row.vat_id})
    invoice = _new_bill_sheet(proposal, SheetType.INVOICE_MAYBE, context,
                              proposal_sheet_id=proposal.pk, **extra)
    for deposit in deposits:
        label = deposit.reference
        for row in _vat_totals_of(deposit):
            lines.append({
                "description": f"Acompte {label} du {deposit.billing_date:%d/%m/%Y} "
                               f"(TVA {percent_text(row.rate)} %)",
                "quantity": Decimal(-1), "unit_price": row.base,
                "vat_value_id": row.vat_value_id,
            })
    for position, line in enumerate(lines, start=1):
        line["ordering"] = position * 100
    _add_bill_lines(invoice, lines)
    recompute(invoice)
    return invoice


def request_value(context, name: str):
    """A parameter of an Action: the query string's, else the body's (JSON or XML)."""
    request = (context or {}).get("request")
    if request is None:
        return (context or {}).get(name)
    value = request.query_params.get(name)
    if value is not None:
        return value
    try:
        data = request.data
    except Exception:
        return None
    if isinstance(data, dict):
        return data.get(name)
    if isinstance(data, Element):
        found = data if data.tag == name else data.child(name)
        if found is None:
            return None
        return found.text if found.is_leaf else found
    return None


def _percent_param(context, default=None) -> Decimal | None:
    raw = request_value(context, "percent")
    if raw is None or str(raw).strip() == "":
        return default
    try:
        value = Decimal(str(raw).strip())
    except ArithmeticError:
        raise ValidationError(f"percent: expected a number, got {raw!r}") from None
    if not value.is_finite() or not ZERO < value <= 100:
        raise ValidationError("percent: must be more than 0 and at most 100")
    return value


def to_deposit_invoice(proposal, context=None, percent=None):
    """Action ``to_deposit_invoice`` (``?percent=30`` or ``<percent>30</percent>``): a draft
    deposit invoice of that percent of the proposal, one line per VAT rate whose amounts are
    ``sales.totals.deposit``'s."""
    percent = percent if percent is not None else _percent_param(context)
    if percent is None:
        raise ValidationError("percent: give the deposit's percent (?percent=30)")
    part = engine.deposit(compute_totals(proposal), percent)
    if not part.per_rate:
        raise ValidationError("the proposal has nothing to invoice")
    invoice = _new_bill_sheet(proposal, SheetType.INVOICE_MAYBE, context, prices=False,
                              proposal_sheet_id=proposal.pk, is_deposit=True,
                              deposit_percent=percent)
    label = proposal.reference or proposal.title or f"#{proposal.pk}"
    _add_bill_lines(invoice, [
        {"description": f"Acompte de {percent_text(percent)} % sur le devis {label} "
                        f"(TVA {percent_text(row.rate)} %)",
         "quantity": Decimal(1), "unit_price": row.base, "vat_value_id": row.vat_id,
         "ordering": position * 100}
        for position, row in enumerate(part.per_rate, start=1)
    ])
    recompute(invoice)
    return invoice


# -- delivery notes ---------------------------------------------------------------------------


def to_delivery_note(proposal, context=None):
    """Action ``to_delivery_note``: the proposal's product and priced lines to deliver."""
    m = _models()
    values = {name: getattr(proposal, name) for name in HEADER_FIELDS}
    note = m.DeliveryNote.objects.create(
        business_file_id=proposal.business_file_id, creator_id=_user_id(context),
        proposal_sheet=proposal, billing_date=timezone.localdate(), **values)
    m.DeliveryNoteLine.objects.bulk_create([
        m.DeliveryNoteLine(
            business_file_id=proposal.business_file_id, creator_id=_user_id(context),
            delivery_note=note, customer_product_id=line.customer_product_id,
            description=line.description, quantity=line.quantity, unit=line.unit,
            ordering=line.ordering)
        for line in lines_of(proposal) if line.content_kind == engine.PRICED
    ])
    return note


def deliver(note, context=None):
    """Action ``deliver``: number the note (BL-…), mark it delivered and take the delivered
    quantities (the ordered ones when not given) of its products out of stock (direction -1,
    the line's warehouse or the default one), all in the caller's transaction."""
    from comptoir.catalog.models import StockMovement
    from comptoir.catalog.services import default_warehouse, stock_kept_right

    m = _models()
    note = m.DeliveryNote.objects.for_business_file(note.business_file_id).select_for_update() \
        .get(pk=note.pk)
    if note.progress_id == DeliveryProgress.DELIVERED:
        raise ValidationError(f"delivery note {note.reference} is already delivered")
    lines = list(lines_of(note))
    moves = [line for line in lines if line.customer_product_id
             and (line.delivered_quantity if line.delivered_quantity is not None
                  else line.quantity) > 0]
    note.delivery_date = note.delivery_date or timezone.localdate()
    note.reference, note.reference_index = assign_reference(
        note.business_file_id, "delivery_note", note.billing_date)
    note.progress_id = DeliveryProgress.DELIVERED
    note.save()
    bf = note.business_file_id
    with stock_kept_right(bf, [line.customer_product_id for line in moves]):
        warehouse = default_warehouse(bf) if any(not ln.warehouse_id for ln in moves) else None
        StockMovement.objects.bulk_create([
            StockMovement(
                business_file_id=bf, creator_id=_user_id(context),
                customer_product_id=line.customer_product_id,
                warehouse_id=line.warehouse_id or warehouse.pk,
                origin_warehouse_id=line.warehouse_id or warehouse.pk, direction=-1,
                quantity=(line.delivered_quantity if line.delivered_quantity is not None
                          else line.quantity),
                movement_date=note.delivery_date, reference=note.reference)
            for line in moves
        ])
    for line in lines:
        if line.delivered_quantity is None:
            line.delivered_quantity = line.quantity
    if lines:
        m.DeliveryNoteLine.objects.for_business_file(note.business_file_id).bulk_update(
            lines, ["delivered_quantity"])
    return note


# -- invoices and credit notes ----------------------------------------------------------------


def credited_amount(invoice, exclude=None) -> Decimal:
    """What the credit notes of ``invoice`` (drafts included) already credit, incl. tax."""
    m = _models()
    notes = m.BillSheet.objects.for_business_file(invoice.business_file_id).filter(
        origin_bill_sheet=invoice, sheet_type__in=(SheetType.CREDIT, SheetType.CREDIT_MAYBE))
    if exclude is not None:
        notes = notes.exclude(pk=exclude.pk)
    return sum((n.vat_inc_total for n in notes), ZERO)


def _check_credit(note) -> None:
    origin = note.origin_bill_sheet
    if origin is None:
        return
    left = origin.vat_inc_total - credited_amount(origin, exclude=note)
    if note.vat_inc_total > left:
        raise ValidationError(
            f"this credit note ({note.vat_inc_total}) credits more than what remains "
            f"uncredited on invoice {origin.reference} ({left})")


def _line_quantities(context) -> list[tuple[int, Decimal]]:
    raw = request_value(context, "bill_lines")
    items = []
    if raw is None:
        return items
    if isinstance(raw, Element):
        raw = [item.leaves() for item in raw.children]
    if not isinstance(raw, list):
        raise ValidationError("bill_lines: expected a list of {id, quantity}")
    for index, item in enumerate(raw, start=1):
        try:
            items.append((int(item["id"]), Decimal(str(item.get("quantity") or "0"))))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            raise ValidationError(f"bill_lines[{index}]: expected an id and a quantity") \
                from None
    return items


def to_credit_note(invoice, context=None, *, percent=None, quantities=None):
    """Action ``to_credit_note``: a draft credit note of a validated invoice, linked by
    ``origin_bill_sheet_id``. Whole by default; ``percent`` (one line per VAT rate, like a
    deposit) or ``bill_lines`` [{id, quantity}] (those invoice lines, those quantities) make
    it partial. Crediting more than what remains uncredited is a 422."""
    if invoice.sheet_type != SheetType.INVOICE:
        raise ValidationError("only a validated invoice can be credited")
    percent = percent if percent is not None else _percent_param(context)
    quantities = quantities if quantities is not None else _line_quantities(context)
    note = _new_bill_sheet(invoice, SheetType.CREDIT_MAYBE, context,
                           prices=not (percent or quantities), origin_bill_sheet_id=invoice.pk,
                           proposal_sheet_id=invoice.proposal_sheet_id,
                           payment_term_id=invoice.payment_term_id)
    source = list(lines_of(invoice))
    if percent is not None:
        part = engine.deposit(compute_totals(invoice, source), percent)
        lines = [{"description": f"Avoir de {percent_text(percent)} % sur la facture "
                                 f"{invoice.reference} (TVA {percent_text(row.rate)} %)",
                  "quantity": Decimal(1), "unit_price": row.base, "vat_value_id": row.vat_id}
                 for row in part.per_rate]
    elif quantities:
        by_id = {line.pk: line for line in source}
        lines = []
        for line_id, quantity in quantities:
            line = by_id.get(line_id)
            if line is None:
                raise ValidationError(f"bill_lines: no line {line_id} on this invoice")
            if not ZERO < quantity <= line.quantity:
                raise ValidationError(f"bill_lines: quantity of line {line_id} must be more "
                                      f"than 0 and at most {line.quantity}")
            copied = _copied_lines([line])[0]
            copied["quantity"] = quantity
            lines.append(copied)
    else:
        lines = _copied_lines(source)
    for position, line in enumerate(lines, start=1):
        line["ordering"] = position * 100
    _add_bill_lines(note, lines)
    recompute(note)
    _check_credit(note)
    return note


def bill_sheet_saved(sheet, created: bool) -> None:
    """After every write of a bill sheet: totals; ``sheet_type`` invoice or credit sent on
    create validates in the same transaction."""
    if sheet.sheet_type in (SheetType.INVOICE, SheetType.CREDIT) and not sheet.reference:
        sheet.sheet_type = (SheetType.INVOICE_MAYBE if sheet.sheet_type == SheetType.INVOICE
                            else SheetType.CREDIT_MAYBE)
        type(sheet).objects.for_business_file(sheet.business_file_id).filter(pk=sheet.pk) \
            .update(sheet_type=sheet.sheet_type)
        validate_bill_sheet(sheet, user_id=sheet.creator_id)
        bf, pk = sheet.business_file_id, sheet.pk
        transaction.on_commit(lambda: stored_pdf(bf, pk))
        return
    recompute(sheet)
    if sheet.origin_bill_sheet_id and sheet.sheet_type == SheetType.CREDIT_MAYBE:
        _check_credit(sheet)


def canonical_document(sheet) -> dict:
    """What the journal records of a validated sheet: enough to prove what was issued."""
    return {
        "sheet_type": sheet.sheet_type,
        "reference": sheet.reference,
        "billing_date": sheet.billing_date,
        "due_date": sheet.due_date,
        "customer": {
            "firm_id": sheet.firm_id, "contact_id": sheet.contact_id,
            "name": sheet.billing_add_name,
            "address": [sheet.billing_add_street_address, sheet.billing_add_street_address2,
                        sheet.billing_add_zip_code, sheet.billing_add_city,
                        sheet.billing_add_country],
        },
        "origin": sheet.origin_bill_sheet.reference if sheet.origin_bill_sheet_id else "",
        "lines": [
            {"kind": line.content_kind, "description": line.description,
             "quantity": line.quantity, "unit_price": line.unit_price,
             "vat_value_id": line.vat_value_id, "reduction_percent": line.reduction_percent,
             "total_price": line.total_price}
            for line in lines_of(sheet)
        ],
        "per_rate": [{"vat_value_id": v.vat_value_id, "rate": v.rate, "base": v.base,
                      "vat": v.vat} for v in _vat_totals_of(sheet)],
        "vat_exc_total_with_shipping": sheet.vat_exc_total_with_shipping,
        "reduction_total": sheet.reduction_total,
        "vat_cost": sheet.vat_cost,
        "vat_inc_total": sheet.vat_inc_total,
    }


def validate_bill_sheet(sheet, context=None, *, user_id=None):
    """Validate a draft invoice or credit note, in the caller's transaction.

    Locks the sheet, recomputes its totals, refuses an empty or negative document, checks that
    a credit note credits no more than remains and that the Factur-X data is complete (when
    the company profile has a SIREN and a VAT number), then takes its FA-/AV- number, records
    the journal entry (number first, journal second: the lock order of ``core``) and saves.
    The PDF is rendered after the commit (:func:`stored_pdf`) so that the numbering lock is
    held for milliseconds, not for a layout.
    """
    m = _models()
    user_id = user_id if user_id is not None else _user_id(context)
    sheet = (m.BillSheet.objects.for_business_file(sheet.business_file_id)
             .select_for_update().get(pk=sheet.pk))
    if sheet.sheet_type not in DRAFT_TYPES:
        raise ValidationError(f"{sheet.reference or 'this sheet'} is already validated")
    recompute(sheet)
    if not any(line.content_kind == engine.PRICED for line in lines_of(sheet)):
        raise ValidationError("an invoice needs at least one priced line")
    if sheet.vat_inc_total < 0:
        raise ValidationError(f"the total of this invoice is negative ({sheet.vat_inc_total}): "
                              "make a credit note instead")
    final = DRAFT_TYPES[sheet.sheet_type]
    if final == SheetType.CREDIT:
        _check_credit(sheet)
    sheet.sheet_type = final
    # Checked before the number is taken: the counter row stays locked until the commit, so
    # everything that can fail or take time comes first. The number only has to be there for
    # the check to accept the document; its value changes nothing else in the XML's validity.
    view = dataclasses.replace(sheet_view(sheet), reference=PROVISIONAL_REFERENCE)
    if view.seller.siren and view.seller.vat_number:
        from comptoir.sales.documents import FacturXError, cii_xml

        try:
            cii_xml(view)
        except FacturXError as exc:
            raise ValidationError(f"this invoice cannot become a Factur-X e-invoice: {exc}") \
                from None
    sheet.reference, sheet.reference_index = assign_reference(
        sheet.business_file_id, final, sheet.billing_date)
    sheet.progress_id = BillProgress.VALIDATED
    sheet.validated_at = timezone.now()
    sheet.save()
    journal.record(sheet.business_file_id, "validate", "bill_sheet", sheet.pk, sheet.reference,
                   canonical_document(sheet), user_id)
    if final == SheetType.CREDIT and sheet.origin_bill_sheet_id:
        origin = sheet.origin_bill_sheet
        if credited_amount(origin) >= origin.vat_inc_total:
            type(origin).objects.for_business_file(origin.business_file_id).filter(
                pk=origin.pk).update(progress_id=BillProgress.CANCELLED)
    return sheet


def validate_action(sheet, context=None):
    """Action ``validate`` (legacy ``confirm_invoice``): validate, then store the PDF once the
    transaction has committed.

    The legal document is printed with the seller's identity, bank details and the
    customer's data as they are at validation. That costs the request a layout (~85 % of a
    validation's CPU time); moving it to a background job needs a snapshot of that data or a
    job queue, neither of which exists yet."""
    sheet = validate_bill_sheet(sheet, context)
    bf, pk = sheet.business_file_id, sheet.pk
    transaction.on_commit(lambda: stored_pdf(bf, pk))
    return sheet


def record_payment(sheet, amount: Decimal):
    """Add a payment to a validated invoice (the payments module will call it): updates
    ``payed_amount`` and ``remaining_due``; ``status_id`` follows on read."""
    if sheet.sheet_type != SheetType.INVOICE:
        raise ValidationError("payments are recorded on validated invoices")
    sheet.payed_amount = Decimal(sheet.payed_amount) + Decimal(amount)
    sheet.remaining_due = sheet.vat_inc_total - sheet.payed_amount
    type(sheet).objects.for_business_file(sheet.business_file_id).filter(pk=sheet.pk).update(
        payed_amount=sheet.payed_amount, remaining_due=sheet.remaining_due,
        updated_at=timezone.now())
    return sheet


# -- printing ---------------------------------------------------------------------------------


def company_profile(business_file_id: int):
    """The business file's seller identity, created from its name when missing."""
    from comptoir.sales.models import CompanyProfile
    from comptoir.tenancy.models import BusinessFile

    found = CompanyProfile.objects.for_business_file(business_file_id).first()
    if found is None:
        name = BusinessFile.objects.filter(pk=business_file_id).values_list(
            "name", flat=True).first() or ""
        found, _ = CompanyProfile.objects.for_business_file(business_file_id).get_or_create(
            business_file_id=business_file_id, defaults={"name": name})
    return found


def create_company_profile(business_file) -> None:
    """Set-up of a new business file (``tenancy.services.on_business_file_created``)."""
    company_profile(business_file.pk)


def _bank(sheet):
    from comptoir.cash.models import BankAccount
    from comptoir.cash.services import default_account
    from comptoir.sales.documents import BankDetails

    account = None
    if getattr(sheet, "bank_account_id", None):
        account = BankAccount.objects.for_business_file(sheet.business_file_id).filter(
            pk=sheet.bank_account_id).first()
    account = account or default_account(sheet.business_file_id)
    if account is None or not account.bank_iban:
        return None
    return BankDetails(iban=account.bank_iban, bic=account.bank_bic,
                       account_name=account.name, bank_name=account.bank_name)


def sheet_view(sheet):
    """The ``SheetView`` of a sheet, from its own stored copies (lines, addresses, totals)."""
    from comptoir.crm.models import Firm
    from comptoir.sales.documents import DocumentLine, Party, RateTotal, SheetView
    from comptoir.sales.documents.view import clean_text

    m = _models()
    bf = sheet.business_file_id
    profile = company_profile(bf)
    seller = Party(name=profile.name, street_address=profile.street_address,
                   street_address2=profile.street_address2, zip_code=profile.zip_code,
                   city=profile.city, siren=profile.siren, vat_number=profile.tva,
                   email=profile.email, phone=profile.phone, legal_form=profile.legal_form,
                   share_capital=profile.share_capital, rcs=profile.rcs)
    firm = (Firm.objects.for_business_file(bf).filter(pk=sheet.firm_id).first()
            if sheet.firm_id else None)
    country = sheet.billing_add_country
    buyer = Party(name=sheet.billing_add_name or (firm.name if firm else "") or "Client",
                  street_address=sheet.billing_add_street_address,
                  street_address2=sheet.billing_add_street_address2,
                  zip_code=sheet.billing_add_zip_code, city=sheet.billing_add_city,
                  country="" if country in ("", "France") else country,
                  siren=firm.siren if firm else "", vat_number=firm.tva if firm else "")
    common = {"seller": seller, "buyer": buyer, "issue_date": sheet.billing_date,
              "reference": sheet.reference, "title": sheet.title, "subtitle": sheet.subtitle,
              "notes": clean_text(sheet.comment)}
    if isinstance(sheet, m.DeliveryNote):
        lines = [DocumentLine(description=line.description or "-",
                              quantity=line.delivered_quantity if line.delivered_quantity
                              is not None else line.quantity, unit=line.unit)
                 for line in lines_of(sheet)]
        return SheetView(kind="delivery_note", delivery_date=sheet.delivery_date,
                         lines=tuple(lines), **common)
    lines = []
    for line in lines_of(sheet).order_by("ordering", "id"):
        kind = line.content_kind or ""
        rate = RATES.get(line.vat_value_id or DEFAULT_VAT_ID, ZERO)
        lines.append(DocumentLine(
            description=line.description or "-", kind=kind,
            description_more=line.description_more, quantity=line.quantity, unit=line.unit,
            unit_price=line.unit_price, vat_rate=rate if kind in ("", "option") else ZERO,
            reduction_percent=line.reduction_percent, total_price=line.total_price,
            total_price_with_taxes=line.total_price_with_taxes))
    rates = tuple(RateTotal(v.rate, v.base, v.vat) for v in _vat_totals_of(sheet))
    amounts = {
        "lines": tuple(lines), "rate_totals": rates,
        "vat_exc_total": sheet.vat_exc_total_with_shipping,
        "reduction_total": sheet.reduction_total, "shipping_cost": sheet.shipping_cost,
        "shipping_vat_rate": RATES.get(sheet.shipping_vat_id, Decimal(20)),
        "vat_total": sheet.vat_cost, "vat_inc_total": sheet.vat_inc_total,
        "bank": _bank(sheet),
    }
    if isinstance(sheet, m.ProposalSheet):
        return SheetView(kind="proposal", validity_date=sheet.validity_date,
                         remaining_due=sheet.vat_inc_total, **amounts, **common)
    kind = "credit" if sheet.sheet_type in (SheetType.CREDIT, SheetType.CREDIT_MAYBE) \
        else "invoice"
    origin = sheet.origin_bill_sheet if sheet.origin_bill_sheet_id else None
    terms = PAYMENT_TERMS.get(sheet.payment_term_id)
    from comptoir.sales.choices import PaymentTerm

    return SheetView(
        kind=kind, due_date=sheet.due_date, payed_amount=sheet.payed_amount,
        remaining_due=sheet.vat_inc_total - sheet.payed_amount,
        payment_terms=PaymentTerm.member(sheet.payment_term_id).label_fr if terms else "",
        origin_reference=origin.reference if origin else "",
        origin_date=origin.billing_date if origin else None,
        is_deposit=sheet.is_deposit, delivery_date=sheet.billing_date,
        **amounts, **common)


def render_sheet_pdf(sheet) -> bytes:
    """A fresh PDF of any sheet (drafts, proposals, delivery notes): never stored."""
    from comptoir.sales.documents import document_pdf, render_pdf

    view = sheet_view(sheet)
    if view.kind in ("invoice", "credit") and not view.is_draft and not (
            view.seller.siren and view.seller.vat_number):
        return render_pdf(view)  # no SIREN or VAT number: a plain PDF, no e-invoice
    return document_pdf(view)


def stored_pdf(business_file_id: int, pk: int) -> bytes:
    """The PDF of a validated invoice or credit note, rendered once and kept: the first call
    (just after the validating commit, or the first download of a sheet validated without
    it) renders and stores it, every later one serves the same bytes.

    Rendering happens outside any transaction, so no lock is held during the layout; two
    first calls racing both render, the first ``UPDATE … WHERE pdf IS NULL`` wins and the
    other serves the stored bytes."""
    m = _models()
    sheet = m.BillSheet.objects.for_business_file(business_file_id).get(pk=pk)
    if sheet.pdf:
        return bytes(sheet.pdf)
    data = render_sheet_pdf(sheet)
    with transaction.atomic():
        updated = (m.BillSheet.objects.for_business_file(business_file_id)
                   .filter(pk=pk, pdf__isnull=True).update(pdf=data))
    if not updated:  # another request stored it first: serve that one
        return bytes(m.BillSheet.objects.for_business_file(business_file_id)
                     .values_list("pdf", flat=True).get(pk=pk))
    return data


def pdf_rendering(instance, context=None) -> tuple[bytes, str]:
    """``GET …/{id}.pdf`` of any sheet."""
    m = _models()
    if isinstance(instance, m.BillSheet) and instance.is_validated:
        return stored_pdf(instance.business_file_id, instance.pk), "application/pdf"
    return render_sheet_pdf(instance), "application/pdf"


def facturx_rendering(instance, context=None) -> tuple[bytes, str]:
    """``GET …/bill_sheets/{id}/facturx.xml``: the CII XML embedded in the stored PDF; 404 for
    a draft (it has no e-invoice yet) and for an invoice printed without Factur-X."""
    if not instance.is_validated:
        raise NotFound("a draft has no Factur-X e-invoice: validate it first")
    from facturx import get_facturx_xml_from_pdf

    data = stored_pdf(instance.business_file_id, instance.pk)
    _, xml = get_facturx_xml_from_pdf(data, check_xsd=False)
    if not xml:
        raise NotFound("this invoice was printed without Factur-X (the company profile has "
                       "no SIREN or VAT number)")
    return xml, "application/xml"
