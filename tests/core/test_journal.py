"""The hash-chained journal (``comptoir.core.journal``) and ``comptoir journal``.

Tampering is done the way someone with database access would do it, with
``unscoped().update()`` and raw SQL, and :func:`verify` must name the first broken entry.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
import random
import time
from decimal import Decimal

import pytest
from django.core.management import ManagementUtility, call_command
from django.db import connection, connections, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from comptoir.core import journal
from comptoir.core.models import GENESIS_HASH, AppendOnly, JournalEntry, JournalHead
from comptoir.core.numbering import assign_reference
from comptoir.tenancy.models import BusinessFile, User
from tests.core.test_numbering import run_in_threads, threaded_db  # noqa: F401  (fixture)

DAY = datetime.date(2026, 3, 14)


@pytest.fixture
def bf(db):
    return BusinessFile.objects.create(name="Journal")


@pytest.fixture
def user(db):
    return User.objects.create_user("compta@example.test", "a password 123")


def append(bf, n, user=None, event="validate"):
    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(journal.record(
                bf.pk, event, "bill_sheet", 100 + i, f"FA-2026-{i + 1:05d}",
                {"total_ttc": Decimal("120.00") + i, "date": DAY, "lines": [{"qty": 2}]},
                user.pk if user else None,
            ))
    return entries


def rows(bf):
    return JournalEntry.objects.unscoped().filter(business_file=bf)


def broken_at(bf) -> int | None:
    result = journal.verify(bf.pk)
    assert result.ok is (result.first_broken_sequence is None)
    return result.first_broken_sequence


# -- the chain -------------------------------------------------------------------------------


def test_a_chain_of_entries_verifies(bf, user):
    entries = append(bf, 5, user)
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].previous_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.previous_hash == before.hash
    stored = list(journal.entries(bf.pk))
    assert [e.hash for e in stored] == [e.hash for e in entries]
    assert all(journal.compute_hash(e) == e.hash for e in stored)
    assert stored[2].payload == {"total_ttc": "122.00", "date": "2026-03-14", "lines": [{"qty": 2}]}
    assert stored[0].user_id == user.pk
    head = JournalHead.objects.for_business_file(bf).get()
    assert (head.sequence, head.hash) == (5, entries[-1].hash)
    assert journal.verify(bf.pk) == journal.VerifyResult(True, 5, None, "5 entries, chain intact")


def test_the_hash_is_sha256_of_the_canonical_content(bf):
    entry = append(bf, 1)[0]
    content = json.loads(journal.canonical(entry))
    assert sorted(content) == sorted(journal.HASHED_FIELDS)
    assert content["business_file_id"] == bf.pk
    assert content["created_at"].endswith("+00:00")
    assert journal.canonical(entry) == json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert entry.hash == hashlib.sha256(journal.canonical(entry)).hexdigest()


def test_each_business_file_has_its_own_chain(bf):
    other = BusinessFile.objects.create(name="Autre")
    append(bf, 3)
    first_other = append(other, 1)[0]
    assert (first_other.sequence, first_other.previous_hash) == (1, GENESIS_HASH)
    assert journal.verify(bf.pk).entries == 3
    assert journal.verify(other.pk).entries == 1
    empty = BusinessFile.objects.create(name="Vide")
    assert journal.verify(empty.pk) == journal.VerifyResult(True, 0, None,
                                                            "0 entries, chain intact")


@pytest.mark.parametrize(("payload", "error"), [
    ({"amount": 1.5}, "Decimal, not float"),
    ({1: "x"}, "keys must be strings"),
    ({"at": datetime.datetime(2026, 3, 14, 12, 0)}, "naive datetime"),
    ({"what": object()}, "cannot journal a value of type object"),
])
def test_payloads_that_would_not_survive_storage_are_refused(bf, payload, error):
    with pytest.raises((TypeError, ValueError), match=error), transaction.atomic():
        journal.record(bf.pk, "validate", "bill_sheet", 1, "", payload, None)
    assert not rows(bf).exists()


def test_aware_datetimes_are_stored_in_utc(bf):
    paris_winter = datetime.timezone(datetime.timedelta(hours=1))
    at = datetime.datetime(2026, 3, 14, 12, 0, tzinfo=paris_winter)
    with transaction.atomic():
        entry = journal.record(bf.pk, "pay", "bill_sheet", 1, "", {"at": at}, None)
    assert entry.payload == {"at": "2026-03-14T11:00:00.000000+00:00"}
    assert journal.verify(bf.pk).ok


def test_recording_outside_a_transaction_raises(bf):
    with pytest.raises(transaction.TransactionManagementError):
        journal.record(bf.pk, "validate", "bill_sheet", 1, "FA-2026-00001", {}, None)
    assert not rows(bf).exists()


def test_a_rolled_back_entry_leaves_no_hole(bf):
    append(bf, 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        journal.record(bf.pk, "validate", "bill_sheet", 9, "FA-2026-00003", {}, None)
        raise RuntimeError("the validation failed")
    assert append(bf, 1)[0].sequence == 3
    assert journal.verify(bf.pk).ok


# -- append-only ---------------------------------------------------------------------------


def test_entries_refuse_save_and_delete(bf):
    entry = append(bf, 1)[0]
    entry.reference = "FA-2026-99999"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    stored = journal.entries(bf.pk).get()
    assert stored.reference == "FA-2026-00001"
    with pytest.raises(AppendOnly):
        stored.save(update_fields=["reference"])
    assert journal.verify(bf.pk).ok


def test_a_business_file_with_a_journal_cannot_be_deleted(bf):
    append(bf, 1)
    with pytest.raises(ProtectedError):
        BusinessFile.objects.get(pk=bf.pk).delete()


def test_deleting_a_user_leaves_their_entries_intact(bf, user):
    append(bf, 2, user)
    User.objects.filter(pk=user.pk).delete()
    assert list(rows(bf).values_list("user_id", flat=True)) == [user.pk, user.pk]
    assert journal.verify(bf.pk).ok


# -- tampering -----------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [
    ("payload", {"total_ttc": "1.00", "date": "2026-03-14", "lines": [{"qty": 2}]}),
    ("reference", "FA-2026-00099"),
    ("event", "cancel"),
    ("object_zid", 999),
    ("object_zname", "proposal_sheet"),
    ("created_at", timezone.now() - datetime.timedelta(days=30)),
    ("user_id", 42),
    ("hash", "f" * 64),
])
def test_changing_a_stored_field_is_detected(bf, field, value):
    append(bf, 5)
    rows(bf).filter(sequence=3).update(**{field: value})
    result = journal.verify(bf.pk)
    assert (result.ok, result.first_broken_sequence, result.entries) == (False, 3, 5)
    assert "entry 3 was changed" in result.reason


def test_changing_a_previous_hash_breaks_the_link(bf):
    append(bf, 5)
    rows(bf).filter(sequence=4).update(previous_hash="0" * 64)
    result = journal.verify(bf.pk)
    assert (result.first_broken_sequence, result.reason) == (
        4, "entry 4 does not link to the hash of the entry before it")


def test_rewriting_an_entry_with_a_fresh_hash_breaks_the_next_link(bf):
    append(bf, 5)
    entry = rows(bf).get(sequence=2)
    entry.payload = {"total_ttc": "0.00"}
    rows(bf).filter(pk=entry.pk).update(payload=entry.payload, hash=journal.compute_hash(entry))
    assert broken_at(bf) == 3


def test_rewriting_the_last_entry_is_caught_by_the_head(bf):
    append(bf, 3)
    entry = rows(bf).get(sequence=3)
    entry.reference = "FA-2026-77777"
    rows(bf).filter(pk=entry.pk).update(reference=entry.reference,
                                        hash=journal.compute_hash(entry))
    result = journal.verify(bf.pk)
    assert result.first_broken_sequence == 3
    assert "head" in result.reason


def test_deleting_a_middle_entry_is_detected(bf):
    append(bf, 5)
    rows(bf).filter(sequence=3).delete()  # a queryset delete, as SQL would do
    result = journal.verify(bf.pk)
    assert (result.ok, result.entries, result.first_broken_sequence) == (False, 4, 3)
    assert result.reason == "entry 3 is missing (the next one is 4)"


def test_deleting_the_last_entries_is_detected(bf):
    append(bf, 5)
    rows(bf).filter(sequence__gte=4).delete()
    result = journal.verify(bf.pk)
    assert (result.first_broken_sequence, result.reason) == (
        4, "the chain ends at entry 3 but its head says 5")


def test_swapping_two_entries_is_detected(bf):
    append(bf, 5)
    with transaction.atomic():
        rows(bf).filter(sequence=2).update(sequence=1000)
        rows(bf).filter(sequence=3).update(sequence=2)
        rows(bf).filter(sequence=1000).update(sequence=3)
    assert broken_at(bf) == 2


def test_raw_sql_tampering_is_detected(bf):
    append(bf, 4)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {JournalEntry._meta.db_table} SET object_zid = object_zid + 1 "
            "WHERE business_file_id = %s AND sequence = %s", [bf.pk, 2])
    assert broken_at(bf) == 2


# -- concurrency -------------------------------------------------------------------------------


@pytest.mark.usefixtures("threaded_db")
def test_concurrent_appends_build_one_unbroken_chain():
    """10 connections append 5 entries each, with no other lock to line them up."""
    bf = BusinessFile.objects.create(name="Concurrence")

    def work(i):
        for n in range(5):
            with transaction.atomic():
                time.sleep(random.uniform(0, 0.005))
                journal.record(bf.pk, "pay", "cash_deposit", i * 10 + n, "",
                               {"amount": Decimal("10.00")}, None)
                time.sleep(random.uniform(0, 0.005))

    run_in_threads(10, work)
    assert journal.verify(bf.pk) == journal.VerifyResult(True, 50, None, "50 entries, chain intact")
    assert sorted(rows(bf).values_list("object_zid", flat=True)) == sorted(
        i * 10 + n for i in range(10) for n in range(5))


@pytest.mark.usefixtures("threaded_db")
def test_concurrent_validations_number_and_journal_in_the_same_order():
    """10 connections validate 5 invoices each: number first, then journal, one transaction."""
    bf = BusinessFile.objects.create(name="Concurrence")

    def work(i):
        for n in range(5):
            with transaction.atomic():
                reference, index = assign_reference(bf.pk, "invoice", DAY)
                time.sleep(random.uniform(0, 0.005))
                journal.record(bf.pk, "validate", "bill_sheet", index, reference,
                               {"thread": i, "n": n}, None)
            if n == 2 and i % 3 == 0:  # and a validation that fails after journaling
                with pytest.raises(RuntimeError), transaction.atomic():
                    assign_reference(bf.pk, "invoice", DAY)
                    journal.record(bf.pk, "validate", "bill_sheet", 0, "?", {}, None)
                    raise RuntimeError("the validation failed")

    run_in_threads(10, work)
    assert journal.verify(bf.pk) == journal.VerifyResult(True, 50, None, "50 entries, chain intact")
    stored = list(journal.entries(bf.pk).values_list("sequence", "reference"))
    # the number is locked first, so the journal lists the invoices in their order
    assert stored == [(i, f"FA-2026-{i:05d}") for i in range(1, 51)]


# -- the command -------------------------------------------------------------------------------


@pytest.fixture
def run_command(monkeypatch):
    """``comptoir journal …`` as the console runs it, in this process: its exit status.

    The console path closes every connection when the command ends, which would close the
    test's own transaction on PostgreSQL; here it leaves them open. System checks are the
    business of ``comptoir check`` and its tests, not of these.
    """
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def run(*args) -> int:
        try:
            ManagementUtility(["comptoir", "journal", "--skip-checks", *args]).execute()
        except SystemExit as exc:
            return exc.code
        return 0

    return run


def test_verify_command(bf, capsys, run_command):
    other = BusinessFile.objects.create(name="Autre")
    append(bf, 3)
    append(other, 2)
    assert run_command("verify") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"business file {bf.pk}: ok, 3 entries, chain intact",
                   f"business file {other.pk}: ok, 2 entries, chain intact"]
    rows(other).filter(sequence=2).update(reference="X")
    assert run_command("verify") == 1
    captured = capsys.readouterr()
    assert f"business file {bf.pk}: ok" in captured.out
    assert f"business file {other.pk}: BROKEN at entry 2: entry 2 was changed" in captured.out
    assert "1 broken journal chain" in captured.err
    assert run_command("verify", "--business-file", str(bf.pk)) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"business file {bf.pk}: ok, 3 entries, chain intact"]
    assert run_command("verify", "--business-file", str(other.pk)) == 1
    assert run_command("verify", "--business-file", "999999") == 1
    assert "no business file 999999" in capsys.readouterr().err


def test_show_command(bf, capsys, run_command):
    entries = append(bf, 4)
    call_command("journal", "show", "--business-file", str(bf.pk), "--last", "2")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["sequence"] for line in lines] == [3, 4]
    assert lines[1]["hash"] == entries[3].hash
    assert lines[1]["previous_hash"] == entries[2].hash
    assert lines[1]["payload"]["total_ttc"] == "123.00"
    call_command("journal", "show", "--business-file", str(bf.pk))
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert run_command("show", "--business-file", str(bf.pk), "--last", "0") == 1
    assert run_command("show", "--business-file", "999999") == 1
    assert run_command("show") == 2  # argparse: --business-file is required


# -- admin ---------------------------------------------------------------------------------


def test_the_admin_shows_counters_and_journal_read_only(bf, client):
    User.objects.create_superuser("root@example.test", "root password 1")
    client.login(username="root@example.test", password="root password 1")
    entry = append(bf, 2)[0]
    with transaction.atomic():
        assign_reference(bf.pk, "invoice", DAY)
    for model in ("journalentry", "journalhead", "documentcounter"):
        assert client.get(f"/admin/core/{model}/").status_code == 200, model
        assert client.get(f"/admin/core/{model}/add/").status_code == 403, model
    # Patterns are the one thing operators set (tests/test_admin.py).
    assert client.get("/admin/core/numberingpattern/add/").status_code == 200
    url = f"/admin/core/journalentry/{entry.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"FA-2026-00001" in page.content and b"Save" not in page.content
    assert client.post(url, {"reference": "X"}).status_code == 403
    assert client.post(f"/admin/core/journalentry/{entry.pk}/delete/").status_code == 403
    assert journal.verify(bf.pk).ok
