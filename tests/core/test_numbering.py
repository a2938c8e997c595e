"""Document numbering (``comptoir.core.numbering``): gapless, unique, per file, kind and year.

The concurrency tests run real threads, each with its own database connection, on both
engines. On PostgreSQL they use the test database as it is. On SQLite the suite's test
database lives in shared-cache memory, where a second writer gets "database table is locked"
at once instead of waiting (the busy timeout does not apply to shared-cache locks), so those
tests copy it into a WAL file and point every connection at the copy: the setup production
runs, IMMEDIATE transactions included. ``threaded_db`` and ``run_in_threads`` are also used
by ``test_journal.py``.
"""

from __future__ import annotations

import datetime
import random
import sqlite3
import threading
import time
from contextlib import closing

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from comptoir.core.models import DocumentCounter, NumberingPattern
from comptoir.core.numbering import (
    DEFAULT_PATTERN,
    assign_reference,
    pattern_for,
    peek_next,
    set_pattern,
    validate_pattern,
)
from comptoir.tenancy.models import BusinessFile

DAY = datetime.date(2026, 3, 14)
NEXT_YEAR = datetime.date(2027, 1, 2)


@pytest.fixture
def bf(db):
    return BusinessFile.objects.create(name="Numérotation")


@pytest.fixture
def other_bf(db):
    return BusinessFile.objects.create(name="Autre")


def take(business_file, kind="invoice", on=DAY):
    with transaction.atomic():
        return assign_reference(business_file.pk, kind, on)


# -- threads with their own connections ------------------------------------------------------


@pytest.fixture
def threaded_db(transactional_db, tmp_path):
    """A committed database that threads reach through connections of their own."""
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
    original_settings, original = connections.settings["default"], connections["default"]
    connections.settings["default"] = {**original_settings, "NAME": str(path)}
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = original_settings
        connections["default"] = original


def run_in_threads(count: int, work) -> list:
    """``work(i)`` in ``count`` threads started together; the first error is raised here."""
    start = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(i):
        try:
            start.wait()
            results[i] = work(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running"
    if errors:
        raise errors[0]
    return results


# -- references --------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "first"), [
    ("invoice", "FA-2026-00001"), ("credit", "AV-2026-00001"),
    ("proposal", "DE-2026-00001"), ("delivery_note", "BL-2026-00001"),
])
def test_default_references(bf, kind, first):
    assert take(bf, kind) == (first, 1)
    assert take(bf, kind) == (first[:-1] + "2", 2)


def test_sequences_are_per_kind_per_year_and_per_business_file(bf, other_bf):
    assert [take(bf)[1] for _ in range(3)] == [1, 2, 3]
    assert take(bf, "credit") == ("AV-2026-00001", 1)
    assert take(bf, on=NEXT_YEAR) == ("FA-2027-00001", 1)
    assert take(other_bf) == ("FA-2026-00001", 1)
    assert take(bf) == ("FA-2026-00004", 4)
    assert take(bf, on=datetime.date(2026, 12, 31)) == ("FA-2026-00005", 5)
    assert take(bf, on=NEXT_YEAR) == ("FA-2027-00002", 2)
    counters = DocumentCounter.objects.for_business_file(bf).order_by("kind", "year")
    assert list(counters.values_list("kind", "year", "last_index")) == [
        ("credit", 2026, 1), ("invoice", 2026, 5), ("invoice", 2027, 2)]


@pytest.mark.parametrize(("pattern", "expected"), [
    ("{prefix}/{year}/{index}", "FA/2026/7"),
    ("F{yy}{month}-{index:04d}", "F2603-0007"),
    ("{year}-{index:03d}", "2026-007"),
    ("{{{prefix}}}{yy}.{index:01d}", "{FA}26.7"),
    ("Facture n° {year}{month}{index:06d}", "Facture n° 202603000007"),
])
def test_patterns(bf, pattern, expected):
    for _ in range(6):
        take(bf)
    set_pattern(bf.pk, "invoice", pattern)
    assert peek_next(bf.pk, "invoice", DAY) == expected
    assert take(bf) == (expected, 7)
    assert take(bf, "credit")[0] == "AV-2026-00001"  # other kinds keep the default


def test_a_pattern_is_per_business_file_and_kind(bf, other_bf):
    set_pattern(bf.pk, "credit", "AV{yy}-{index:03d}")
    set_pattern(bf.pk, "credit", "A{yy}-{index:03d}")  # replaced, not duplicated
    assert pattern_for(bf.pk, "credit") == "A{yy}-{index:03d}"
    assert pattern_for(bf.pk, "invoice") == DEFAULT_PATTERN
    assert pattern_for(other_bf.pk, "credit") == DEFAULT_PATTERN
    assert NumberingPattern.objects.for_business_file(bf).count() == 1


@pytest.mark.parametrize(("pattern", "message"), [
    ("", "cannot be empty"),
    ("FA-{year}", "must contain {index}"),
    ("FA-{index:05d}", "must contain {year} or {yy}"),
    ("{client}-{year}-{index}", r"unknown placeholder \{client\}"),
    ("{}-{year}-{index}", r"unknown placeholder \{\}"),
    ("{0}-{year}-{index}", r"unknown placeholder \{0\}"),
    ("{index[0]}-{year}", "unknown placeholder"),
    ("{prefix.lower}-{year}-{index}", "unknown placeholder"),
    ("{index:x}-{year}", "only the index takes a format"),
    ("{index:5d}-{year}", "only the index takes a format"),
    ("{index:013d}-{year}", "only the index takes a format"),
    ("{year:04d}-{index}", "only the index takes a format"),
    ("{index!r}-{year}", "only the index takes a format"),
    ("{index:{yy}}-{year}", "only the index takes a format"),
    ("{prefix}-{year}-{index", "invalid numbering pattern"),
    ("{prefix}}-{year}-{index}", "invalid numbering pattern"),
    ("FA\n{year}-{index}", "control characters"),
    ("{year}-{index}" + "x" * 40, "at most 40 characters"),
])
def test_invalid_patterns_are_refused_with_a_reason(bf, pattern, message):
    with pytest.raises(ValidationError, match=message):
        validate_pattern(pattern)
    with pytest.raises(ValidationError, match=message):
        set_pattern(bf.pk, "invoice", pattern)
    with pytest.raises(ValidationError):
        NumberingPattern(business_file=bf, kind="invoice", pattern=pattern).clean_fields()
    assert pattern_for(bf.pk, "invoice") == DEFAULT_PATTERN


def test_unknown_kinds_are_refused(bf):
    for call in (lambda: take(bf, "quote"), lambda: peek_next(bf.pk, "quote", DAY),
                 lambda: set_pattern(bf.pk, "quote", DEFAULT_PATTERN)):
        with pytest.raises(ValueError, match="unknown document kind 'quote'"):
            call()


def test_a_rollback_gives_the_number_back(bf):
    assert take(bf) == ("FA-2026-00001", 1)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert assign_reference(bf.pk, "invoice", DAY) == ("FA-2026-00002", 2)
        1 / 0  # noqa: B018  (the validation fails after the number was taken)
    assert take(bf) == ("FA-2026-00002", 2)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert assign_reference(bf.pk, "invoice", NEXT_YEAR)[1] == 1  # creates the counter
        1 / 0  # noqa: B018
    assert not DocumentCounter.objects.for_business_file(bf).filter(year=2027).exists()
    assert take(bf, on=NEXT_YEAR) == ("FA-2027-00001", 1)


def test_peek_next_consumes_nothing(bf):
    assert peek_next(bf.pk, "invoice", DAY) == "FA-2026-00001"
    assert peek_next(bf.pk, "invoice", DAY) == "FA-2026-00001"
    assert not DocumentCounter.objects.for_business_file(bf).exists()
    assert take(bf) == ("FA-2026-00001", 1)
    assert peek_next(bf.pk, "invoice", DAY) == "FA-2026-00002"
    assert peek_next(bf.pk, "invoice", NEXT_YEAR) == "FA-2027-00001"
    assert take(bf) == ("FA-2026-00002", 2)


def test_assigning_outside_a_transaction_raises(bf):
    # pytest-django wraps this test in a transaction of its own: it does not count
    with pytest.raises(transaction.TransactionManagementError, match=r"transaction\.atomic\(\)"):
        assign_reference(bf.pk, "invoice", DAY)
    assert not DocumentCounter.objects.for_business_file(bf).exists()


@pytest.mark.django_db(transaction=True)
def test_assigning_in_autocommit_mode_raises():
    bf = BusinessFile.objects.create(name="Autocommit")
    with pytest.raises(transaction.TransactionManagementError):
        assign_reference(bf.pk, "invoice", DAY)
    assert take(bf) == ("FA-2026-00001", 1)


# -- concurrency -------------------------------------------------------------------------

THREADS, PER_THREAD = 10, 5


def validate_concurrently(bf_id: int, rollback_every: int = 0):
    """Each thread commits PER_THREAD numbers; every ``rollback_every``-th attempt fails."""

    def work(i):
        committed, rolled_back, attempt = [], [], 0
        while len(committed) < PER_THREAD:
            attempt += 1
            fail = rollback_every and (attempt + i) % rollback_every == 0
            try:
                with transaction.atomic():
                    reference, index = assign_reference(bf_id, "invoice", DAY)
                    time.sleep(random.uniform(0, 0.01))  # the rest of the validation
                    if fail:
                        raise RuntimeError("validation failed")
            except RuntimeError:
                rolled_back.append(index)
            else:
                committed.append((reference, index))
        return committed, rolled_back

    results = run_in_threads(THREADS, work)
    committed = [pair for done, _ in results for pair in done]
    rolled_back = [index for _, failed in results for index in failed]
    return committed, rolled_back


@pytest.mark.usefixtures("threaded_db")
def test_concurrent_validations_get_distinct_consecutive_numbers():
    bf = BusinessFile.objects.create(name="Concurrence")
    committed, _ = validate_concurrently(bf.pk)
    total = THREADS * PER_THREAD
    assert sorted(index for _, index in committed) == list(range(1, total + 1))
    assert sorted(ref for ref, _ in committed) == [f"FA-2026-{i:05d}" for i in range(1, total + 1)]
    counter = DocumentCounter.objects.for_business_file(bf).get()
    assert (counter.year, counter.last_index) == (2026, total)


@pytest.mark.usefixtures("threaded_db")
def test_numbers_of_rolled_back_validations_are_reused():
    bf = BusinessFile.objects.create(name="Concurrence et échecs")
    committed, rolled_back = validate_concurrently(bf.pk, rollback_every=3)
    total = THREADS * PER_THREAD
    assert len(rolled_back) >= THREADS  # each thread failed at least once on the way
    assert sorted(index for _, index in committed) == list(range(1, total + 1))
    # a failed validation held the next free number, which a later one received again
    assert set(rolled_back) <= set(range(1, total + 2))
    assert DocumentCounter.objects.for_business_file(bf).get().last_index == total
