"""Document references: gapless and unique per business file, kind and year.

When a draft is validated it receives its reference, ``FA-2026-00001`` for the first invoice
of 2026, and the next invoice of the year gets ``FA-2026-00002`` whatever happened in
between: French rules want invoice numbers continuous, without gaps or duplicates. The
caller owns the transaction that validates the document and takes the number inside it::

    with transaction.atomic():
        invoice = Invoice.objects.for_business_file(bf).select_for_update().get(pk=pk)
        invoice.reference, invoice.index = assign_reference(bf.pk, "invoice", invoice.date)
        invoice.status = "validated"
        invoice.save()

Each (business file, kind, year) has one :class:`~comptoir.core.models.DocumentCounter`
row holding the last index given. ``assign_reference`` locks that row, adds one and
returns the new index, and the lock lasts until the caller's transaction ends:

- **Unique.** A second validation of the same kind, year and business file waits on the
  lock until the first commits, then reads the committed value and takes the next index.
  On PostgreSQL (READ COMMITTED, Django's default) ``SELECT … FOR UPDATE`` blocks on the row
  and returns its newest committed version; a missing row is created with
  ``INSERT … ON CONFLICT DO NOTHING``, so two first validations of a year do not fail, the
  second waits for the first's insert and then locks the same row. On SQLite the settings
  open every transaction with ``BEGIN IMMEDIATE``: one writer at a time for the whole
  database, so the read and the increment cannot interleave with another transaction's
  (``FOR UPDATE`` does not exist there and Django leaves it out).
- **Gapless.** The number and the validated document are written by the same transaction:
  either both are committed or neither is. A rollback (a failed validation, a crash) also
  undoes the increment, and the next validation receives the same number again.

Hence the call must be inside ``transaction.atomic()``; outside one, each statement would
commit on its own and a number could be lost, so :func:`assign_reference` raises. Take the
number late in the transaction and keep the transaction short (no PDF or e-mail inside): every
validation of that kind and year in the business file waits for it. Under REPEATABLE READ or
SERIALIZABLE isolation PostgreSQL would refuse the second transaction with a serialization
error instead of waiting; Comptoir runs READ COMMITTED.

References follow a pattern per business file and kind (:class:`NumberingPattern`), by
default ``{prefix}-{year}-{index:05d}`` with the prefixes FA (invoice), AV (credit note,
*avoir*), DE (proposal, *devis*) and BL (delivery note, *bon de livraison*). A pattern uses
only ``{prefix}``, ``{year}`` (2026), ``{yy}`` (26), ``{month}`` (01–12, of the document's
date) and ``{index}`` or ``{index:0Nd}``; it must contain the index and the year, since the
counter restarts every year and references must not repeat.
"""

from __future__ import annotations

import datetime
import string

from django.core.exceptions import ValidationError
from django.db import transaction

from comptoir.core.models import DocumentCounter, DocumentKind, NumberingPattern

PREFIXES = {
    DocumentKind.INVOICE: "FA",
    DocumentKind.CREDIT: "AV",
    DocumentKind.PROPOSAL: "DE",
    DocumentKind.DELIVERY_NOTE: "BL",
}
DEFAULT_PATTERN = "{prefix}-{year}-{index:05d}"
PLACEHOLDERS = ("prefix", "year", "yy", "month", "index")
PATTERN_MAX_LENGTH = 40


def require_transaction(what: str) -> None:
    """Raise unless the caller opened ``transaction.atomic()`` (a test case's own does not count).

    pytest-django and Django's ``TestCase`` wrap each test in a transaction; counting it would
    let a caller that forgot its own ``atomic()`` pass its tests and lose numbers in
    production.
    """
    connection = transaction.get_connection()
    if not any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        raise transaction.TransactionManagementError(
            f"{what} must run inside the caller's transaction.atomic()"
        )


def validate_pattern(pattern: str) -> None:
    """Raise :class:`ValidationError` with a message naming the problem."""
    if not isinstance(pattern, str) or not pattern:
        raise ValidationError("a numbering pattern cannot be empty")
    if len(pattern) > PATTERN_MAX_LENGTH:
        raise ValidationError(f"a numbering pattern has at most {PATTERN_MAX_LENGTH} characters")
    if not pattern.isprintable():
        raise ValidationError("a numbering pattern cannot contain control characters")
    allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise ValidationError(f"invalid numbering pattern {pattern!r}: {exc}") from None
    used = set()
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            raise ValidationError(
                f"unknown placeholder {{{name}}} in {pattern!r}; use only {allowed}"
            )
        if conversion or (spec and not (name == "index" and _is_width(spec))):
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (
                f":{spec}" if spec else "") + "}"
            raise ValidationError(
                f"{shown} in {pattern!r}: only the index takes a format, a width as {{index:05d}}"
            )
        used.add(name)
    if "index" not in used:
        raise ValidationError(f"the numbering pattern {pattern!r} must contain {{index}}")
    if not used & {"year", "yy"}:
        raise ValidationError(
            f"the numbering pattern {pattern!r} must contain {{year}} or {{yy}}: numbers "
            "restart every year and references must stay unique"
        )


def _is_width(spec: str) -> bool:
    digits = spec[1:-1]
    return spec[0] == "0" and spec[-1] == "d" and digits.isdigit() and 1 <= int(digits) <= 12


def _kind(kind: str) -> DocumentKind:
    try:
        return DocumentKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in DocumentKind)
        raise ValueError(f"unknown document kind {kind!r}; expected one of {kinds}") from None


def format_reference(pattern: str, kind: str, on: datetime.date, index: int) -> str:
    return pattern.format(prefix=PREFIXES[_kind(kind)], year=f"{on.year:04d}",
                          yy=f"{on.year % 100:02d}", month=f"{on.month:02d}", index=index)


def pattern_for(business_file_id: int, kind: str) -> str:
    """The business file's pattern for ``kind``, or the default."""
    kind = _kind(kind)
    stored = (NumberingPattern.objects.for_business_file(business_file_id)
              .filter(kind=kind).values_list("pattern", flat=True).first())
    return stored or DEFAULT_PATTERN


def set_pattern(business_file_id: int, kind: str, pattern: str) -> NumberingPattern:
    """Validate and store the business file's pattern for ``kind``."""
    kind = _kind(kind)
    validate_pattern(pattern)
    row, _ = NumberingPattern.objects.for_business_file(business_file_id).update_or_create(
        kind=kind, defaults={"pattern": pattern}, create_defaults={
            "pattern": pattern, "business_file_id": business_file_id},
    )
    return row


def assign_reference(business_file_id: int, kind: str, on: datetime.date) -> tuple[str, int]:
    """Take the next index of ``kind`` for the year of ``on``: ``("FA-2026-00042", 42)``.

    Call it inside the transaction that validates the document; the counter stays locked
    until that transaction ends and a rollback gives the number back.
    """
    kind = _kind(kind)
    require_transaction("assign_reference()")
    pattern = pattern_for(business_file_id, kind)
    counter = DocumentCounter.objects.lock(business_file_id, kind=kind, year=on.year)
    counter.last_index += 1
    counter.save(update_fields=["last_index"])
    return format_reference(pattern, kind, on, counter.last_index), counter.last_index


def peek_next(business_file_id: int, kind: str, on: datetime.date) -> str:
    """The reference the next validation would get now, for display; takes nothing."""
    kind = _kind(kind)
    last = (DocumentCounter.objects.for_business_file(business_file_id)
            .filter(kind=kind, year=on.year).values_list("last_index", flat=True).first())
    return format_reference(pattern_for(business_file_id, kind), kind, on, (last or 0) + 1)
