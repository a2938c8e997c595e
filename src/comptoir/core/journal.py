"""The journal: an append-only, hash-chained record of validations per business file.

French anti-fraud rules (the *inaltérabilité* condition of the invoicing and cash-register
rules) want validated documents and the events that touch them recorded in a way that
shows any later change. Each business file has one chain of
:class:`~comptoir.core.models.JournalEntry` rows numbered 1, 2, 3 … and each entry holds the
hash of the previous one (64 zeros for the first) and its own hash, the SHA-256 of a
canonical serialisation of all its content, including that previous hash::

    with transaction.atomic():
        reference, index = assign_reference(bf.pk, "invoice", invoice.date)
        ...
        record(bf.pk, "validate", "bill_sheet", invoice.pk, reference,
               {"total_ttc": invoice.total_ttc, "date": invoice.date}, user.pk)

Changing any stored field of an entry changes its hash; rewriting the hash as well breaks the
next entry's link; deleting or reordering entries breaks the numbering or a link; deleting the
last entries leaves the chain shorter than its :class:`~comptoir.core.models.JournalHead`.
:func:`verify` (``comptoir journal verify``) recomputes all of it.

**Appending under concurrency.** Each business file has one ``JournalHead`` row holding the
last sequence and hash. :func:`record` locks it (``SELECT … FOR UPDATE`` on PostgreSQL,
the IMMEDIATE transaction's write lock on SQLite), appends the entry after it and moves it,
and the lock is held until the caller's transaction ends, so appends of one business file
are serialised and a rollback leaves no hole. Locking "the last entry" instead would be wrong
on PostgreSQL: a second transaction waiting on entry *n* gets it once the first commits, but
*n* is then no longer the last one (the waiting ``ORDER BY … LIMIT 1`` is not re-run), and
an empty journal has no row to lock at all. A transaction that both numbers a document and
journals it must take the number first: the journal head is then always the last lock taken,
and two validations cannot wait for each other in a cycle.

**Canonical form.** The hashed content is a JSON object with sorted keys, no whitespace,
UTF-8: ``business_file_id``, ``sequence``, ``previous_hash``, ``created_at`` (ISO 8601 in UTC
with microseconds), ``event``, ``object_zname``, ``object_zid``, ``reference``, ``payload``
and ``user_id``. The payload is normalised before it is stored, so that what is hashed is
exactly what the database gives back: ``Decimal`` becomes its string (``"120.00"``), dates and
datetimes their ISO 8601 string; floats are refused (money is Decimal, and a float does not
survive every JSON column unchanged), and so are non-string keys.

**What "append-only" covers.** The model refuses ``save()`` of an existing entry and
``delete()``, a business file with a journal cannot be deleted (``PROTECT``), deleting a
user leaves the ``user_id`` of their entries as it was (no cascade rewrites an entry), and
the admin shows entries read-only. Nothing in the database itself stops someone with SQL
access from rewriting rows and hashes: that is what :func:`verify` is for, and why the head
hash is worth writing down outside the server (in a closing report) now and then.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from comptoir.core.models import GENESIS_HASH, JournalEntry, JournalHead
from comptoir.core.numbering import require_transaction

HASHED_FIELDS = ("business_file_id", "sequence", "previous_hash", "created_at", "event",
                 "object_zname", "object_zid", "reference", "payload", "user_id")


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    first_broken_sequence: int | None
    reason: str


def normalise(value):
    """``value`` as plain JSON types: Decimal and dates as strings, tuples as lists."""
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"journal payload keys must be strings, not {key!r}")
        return {key: normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(item) for item in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return _timestamp(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError(f"journal payloads take Decimal, not float ({value!r})")
    raise TypeError(f"cannot journal a value of type {type(value).__name__}: {value!r}")


def _timestamp(value: datetime.datetime) -> str:
    if timezone.is_naive(value):
        raise ValueError(f"naive datetime {value!r}: the journal needs aware datetimes")
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical(entry: JournalEntry) -> bytes:
    content = {name: getattr(entry, name) for name in HASHED_FIELDS}
    content["created_at"] = _timestamp(entry.created_at)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode()


def compute_hash(entry: JournalEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def record(business_file_id: int, event: str, object_zname: str, object_zid: int,
           reference: str, payload: dict, user_id: int | None) -> JournalEntry:
    """Append an entry to the business file's chain, inside the caller's transaction."""
    require_transaction("journal.record()")
    payload = normalise(payload)
    head = JournalHead.objects.lock(business_file_id)
    entry = JournalEntry(
        business_file_id=business_file_id, sequence=head.sequence + 1,
        previous_hash=head.hash, created_at=timezone.now(), event=event,
        object_zname=object_zname, object_zid=object_zid, reference=reference or "",
        payload=payload, user_id=user_id,
    )
    entry.hash = compute_hash(entry)
    entry.save()
    head.sequence, head.hash = entry.sequence, entry.hash
    head.save(update_fields=["sequence", "hash"])
    return entry


def entries(business_file_id: int):
    return JournalEntry.objects.for_business_file(business_file_id).order_by("sequence")


def verify(business_file_id: int) -> VerifyResult:
    """Recompute every hash and link of the business file's chain and check its numbering."""
    count, previous_hash = 0, GENESIS_HASH
    for entry in entries(business_file_id).iterator(chunk_size=2000):
        expected = count + 1
        if entry.sequence != expected:
            what = (f"entry {expected} is missing (the next one is {entry.sequence})"
                    if entry.sequence > expected else
                    f"entry {entry.sequence} appears where {expected} was expected")
            return _broken(business_file_id, expected, what)
        if entry.previous_hash != previous_hash:
            return _broken(business_file_id, expected,
                           f"entry {expected} does not link to the hash of the entry before it")
        if compute_hash(entry) != entry.hash:
            return _broken(business_file_id, expected,
                           f"entry {expected} was changed after it was written "
                           "(its content does not match its hash)")
        count, previous_hash = expected, entry.hash
    head = JournalHead.objects.for_business_file(business_file_id).first()
    head_sequence, head_hash = (head.sequence, head.hash) if head else (0, GENESIS_HASH)
    if head_sequence != count:
        return _broken(business_file_id, min(count, head_sequence) + 1,
                       f"the chain ends at entry {count} but its head says {head_sequence}")
    if head_hash != previous_hash:
        return _broken(business_file_id, max(count, 1),
                       "the last entry's hash does not match the head of the chain")
    return VerifyResult(True, count, None, f"{count} entries, chain intact")


def _broken(business_file_id: int, sequence: int, reason: str) -> VerifyResult:
    total = JournalEntry.objects.for_business_file(business_file_id).count()
    return VerifyResult(False, total, sequence, reason)
