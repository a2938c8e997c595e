"""The tenant scope of business models (ARCHITECTURE.md §4): forgetting it raises.

``Contact.objects`` returns a :class:`~comptoir.core.models.BusinessQuerySet` that refuses to
run until ``for_business_file()`` scopes it; querysets reached from an instance inherit the
instance's scope. A static scan keeps ``unscoped()`` and raw SQL out of the business modules.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db.models import Count, Exists, OuterRef, Q

import comptoir
from comptoir.core.models import UnscopedQuery
from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm
from comptoir.tenancy.models import BusinessFile

SRC = Path(comptoir.__file__).resolve().parent


@pytest.fixture
def files(db):
    a = BusinessFile.objects.create(name="A", api_enabled=True)
    b = BusinessFile.objects.create(name="B", api_enabled=True)
    for bf, names in ((a, ["Martin", "Roux"]), (b, ["Martin", "Secret"])):
        firm = Firm.objects.create(business_file=bf, name=f"Firme {bf.name}")
        for name in names:
            contact = Contact.objects.create(business_file=bf, last_name=name, firm=firm)
            ContactItem.objects.create(business_file=bf, contact=contact, type_id=27,
                                       value=f"{name.lower()}@{bf.name.lower()}.test")
            ContactAddress.objects.create(business_file=bf, contact=contact, city="Lyon")
    return a, b


UNSCOPED_USES = {
    "list": lambda qs: list(qs),
    "iteration": lambda qs: [c for c in qs],
    "len": lambda qs: len(qs),
    "bool": lambda qs: bool(qs),
    "index": lambda qs: qs[0],
    "slice": lambda qs: list(qs[:1]),
    "get": lambda qs: qs.get(last_name="Roux"),
    "first": lambda qs: qs.first(),
    "last": lambda qs: qs.last(),
    "count": lambda qs: qs.count(),
    "exists": lambda qs: qs.exists(),
    "update": lambda qs: qs.update(comment="changed"),
    "delete": lambda qs: qs.delete(),
    "iterator": lambda qs: list(qs.iterator()),
    "aggregate": lambda qs: qs.aggregate(n=Count("id")),
    "values": lambda qs: list(qs.values("last_name")),
    "values_list": lambda qs: list(qs.values_list("id", flat=True)),
    "in_bulk": lambda qs: qs.in_bulk(),
    "get_or_create": lambda qs: qs.get_or_create(last_name="Martin"),
    "update_or_create": lambda qs: qs.update_or_create(last_name="Martin"),
    "latest": lambda qs: qs.latest("id"),
    "annotate": lambda qs: list(qs.annotate(n=Count("contactitems"))),
    "select_related": lambda qs: list(qs.select_related("firm")),
    "prefetch": lambda qs: list(qs.prefetch_related("contactitems")),
}


@pytest.mark.parametrize("use", sorted(UNSCOPED_USES))
def test_an_unscoped_query_raises(files, use):
    with pytest.raises(UnscopedQuery):
        UNSCOPED_USES[use](Contact.objects.filter(last_name__in=["Martin", "Roux"]))
    with pytest.raises(UnscopedQuery):
        UNSCOPED_USES[use](Contact.objects.all())
    # the refusal left the data alone
    a, b = files
    assert Contact.objects.for_business_file(a).filter(comment="").count() == 2
    assert Contact.objects.for_business_file(b).count() == 2


def test_filtering_on_the_business_file_by_hand_is_not_a_scope(files):
    a, _ = files
    with pytest.raises(UnscopedQuery):
        list(Contact.objects.filter(business_file=a))
    with pytest.raises(UnscopedQuery):
        Contact.objects.filter(business_file_id=a.pk).count()


def test_building_an_unscoped_queryset_is_free_until_it_runs(files):
    a, _ = files
    queryset = Contact.objects.filter(last_name="Martin").order_by("-id").exclude(comment="x")
    assert "last_name" in str(queryset.query)  # nothing ran yet
    assert queryset.for_business_file(a).count() == 1  # scoping later is fine


def only_in(result, bf) -> int:
    """How many rows ``result`` holds, asserting that every contact in it belongs to ``bf``."""
    ids = set(Contact.objects.for_business_file(bf).values_list("id", flat=True))
    if isinstance(result, Contact):
        result = [result]
    if isinstance(result, dict) and "n" not in result:
        result = list(result.values())  # in_bulk
    if isinstance(result, list):
        for row in result:
            pk = row.pk if isinstance(row, Contact) else row
            if isinstance(row, dict):
                continue  # values(): checked by its count
            assert pk in ids, f"contact {pk} is not in {bf}"
        return len(result)
    if isinstance(result, dict):
        return result["n"]
    return int(result)


SCOPED_COUNTS = {"slice": 1, "index": 1, "first": 1, "last": 1, "latest": 1, "bool": 1,
                 "exists": 1}


@pytest.mark.parametrize("use", sorted(set(UNSCOPED_USES) - {"delete", "update", "get",
                                                            "get_or_create", "update_or_create"}))
def test_a_scoped_query_runs_and_sees_only_its_business_file(files, use):
    a, b = files
    for bf in (a, b):
        result = UNSCOPED_USES[use](Contact.objects.for_business_file(bf))
        assert only_in(result, bf) == SCOPED_COUNTS.get(use, 2), (use, result)


def test_scoped_reads_writes_and_deletes(files):
    a, b = files
    mine = Contact.objects.for_business_file(a)
    assert sorted(mine.values_list("last_name", flat=True)) == ["Martin", "Roux"]
    assert mine.get(last_name="Martin").business_file_id == a.pk
    assert not mine.filter(last_name="Secret").exists()
    assert mine.aggregate(n=Count("id"))["n"] == 2
    assert mine.update(comment="vu") == 2
    assert Contact.objects.for_business_file(b).filter(comment="vu").count() == 0
    deleted, _ = mine.filter(last_name="Roux").delete()
    assert deleted >= 1
    assert Contact.objects.for_business_file(b).count() == 2
    contact, created = mine.get_or_create(last_name="Nouveau", defaults={"business_file": a})
    assert created and contact.business_file_id == a.pk


def test_for_business_file_needs_a_business_file(files):
    with pytest.raises(UnscopedQuery):
        Contact.objects.for_business_file(None)
    with pytest.raises(UnscopedQuery):
        Contact.objects.for_business_file(BusinessFile(name="unsaved"))


def test_related_managers_of_an_instance_are_scoped(files):
    a, b = files
    martin = Contact.objects.for_business_file(a).get(last_name="Martin")
    assert [i.value for i in martin.contactitems.all()] == ["martin@a.test"]
    assert martin.contactitems.count() == 1
    assert martin.contactitems.exists()
    assert martin.contactaddresss.filter(city="Lyon").count() == 1
    firm = Firm.objects.for_business_file(b).get()
    assert sorted(firm.contacts.values_list("last_name", flat=True)) == ["Martin", "Secret"]
    assert martin.firm.name == "Firme A"  # forward foreign keys use the base manager
    item = ContactItem.objects.for_business_file(a).first()
    assert item.contact.business_file_id == a.pk


def test_prefetches_from_a_scoped_query_are_scoped(files):
    a, _ = files
    contacts = list(
        Contact.objects.for_business_file(a).prefetch_related("contactitems", "contactaddresss")
    )
    values = sorted(i.value for c in contacts for i in c.contactitems.all())
    assert values == ["martin@a.test", "roux@a.test"]


def test_bulk_create_needs_a_business_file(files):
    a, _ = files
    with pytest.raises(UnscopedQuery):
        Contact.objects.bulk_create([Contact(last_name="Sans dossier")])
    with pytest.raises(UnscopedQuery):
        Contact.objects.bulk_create([Contact(business_file=a, last_name="Avec"),
                                     Contact(last_name="Sans")])
    created = Contact.objects.bulk_create([Contact(business_file=a, last_name="Avec")])
    assert created[0].business_file_id == a.pk
    assert Contact.objects.for_business_file(a).count() == 3
    # any iterable, a generator included, is checked and then created in full
    created = Contact.objects.bulk_create(
        Contact(business_file=a, last_name=f"Lot {n}") for n in range(3)
    )
    assert len(created) == 3
    assert Contact.objects.for_business_file(a).filter(last_name__startswith="Lot").count() == 3
    with pytest.raises(UnscopedQuery):
        Contact.objects.bulk_create(Contact(last_name=f"Lot {n}") for n in range(3))


def test_a_scoped_queryset_or_an_unscoped_one_is_unscoped(files):
    """``scoped | unscoped`` would be ``bf = A OR …``: every tenant's rows."""
    a, _ = files
    scoped = Contact.objects.for_business_file(a)
    for combined in (scoped | Contact.objects.filter(last_name="Secret"),
                     Contact.objects.filter(last_name="Secret") | scoped,
                     scoped ^ Contact.objects.filter(last_name="Secret"),
                     scoped.order_by().union(Contact.objects.order_by()),
                     scoped.order_by().union(scoped.order_by(), Contact.objects.order_by())):
        with pytest.raises(UnscopedQuery):
            list(combined)
    with pytest.raises(UnscopedQuery):
        list(scoped[:1] | Contact.objects.all())
    with pytest.raises(UnscopedQuery):
        list(Contact.objects.all()[:1] | scoped)


def test_combining_scoped_querysets_works(files):
    a, b = files
    scoped = Contact.objects.for_business_file(a)
    both = scoped.filter(last_name="Martin") | scoped.filter(last_name="Roux")
    assert both.count() == 2
    assert (scoped & Contact.objects.filter(last_name="Martin")).count() == 1
    assert (Contact.objects.filter(last_name="Martin") & scoped).count() == 1
    assert (scoped | Contact.objects.none()).count() == 2
    assert (Contact.objects.none() | scoped).count() == 2
    plain = scoped.order_by()  # compound statements take no ORDER BY in their parts
    unordered = Contact.objects.order_by()
    assert len(plain.filter(last_name="Martin").union(plain.filter(last_name="Roux"))) == 2
    assert plain.difference(unordered.filter(last_name="Martin")).count() == 1
    assert plain.intersection(unordered.filter(last_name="Martin")).count() == 1
    assert unordered.filter(last_name="Martin").intersection(plain).count() == 1
    with pytest.raises(UnscopedQuery):
        unordered.filter(last_name="Martin").difference(plain).count()
    theirs = Contact.objects.for_business_file(b)
    assert {c.business_file_id for c in scoped | theirs} == {a.pk, b.pk}  # both scoped: asked


def test_an_unscoped_queryset_as_a_filter_value_raises(files):
    a, _ = files
    scoped = Contact.objects.for_business_file(a)
    with pytest.raises(UnscopedQuery):
        list(scoped.filter(pk__in=Contact.objects.filter(last_name="Secret").values("pk")))
    with pytest.raises(UnscopedQuery):
        list(ContactItem.objects.for_business_file(a).filter(contact__in=Contact.objects.all()))
    # a scoped one, or a correlated subquery, is fine
    martins = scoped.filter(last_name="Martin").values("pk")
    assert scoped.filter(pk__in=martins).count() == 1
    with_items = scoped.filter(
        Exists(ContactItem.objects.correlated().filter(contact=OuterRef("pk"),
                                                       value__startswith="roux"))
    )
    assert [c.last_name for c in with_items] == ["Roux"]


def test_a_correlated_subquery_follows_the_outer_row(files):
    _, b = files
    has_items = Exists(ContactItem.objects.correlated().filter(contact=OuterRef("pk")))
    rows = Contact.objects.for_business_file(b).filter(has_items).filter(Q(last_name="Secret"))
    assert [c.last_name for c in rows] == ["Secret"]


# -- static scan of the source tree ----------------------------------------------------------

UNSCOPED_CALL = re.compile(r"\.unscoped\(")
RAW_SQL = re.compile(r"cursor\.execute|\.raw\(|\.extra\(|\bRawSQL\b|\.executemany\(")


def python_files():
    files = sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)
    assert len(files) > 20, f"the scan found too few files under {SRC}"
    return files


def offenders(pattern, allowed) -> list[str]:
    found = []
    for path in python_files():
        relative = path.relative_to(SRC)
        if allowed(relative):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if pattern.search(line):
                found.append(f"src/comptoir/{relative}:{number}: {line.strip()}")
    return found


def unscoped_allowed(relative: Path) -> bool:
    return relative.parts[0] in ("core", "tenancy") or relative.name == "admin.py"


def raw_sql_allowed(relative: Path) -> bool:
    return relative.parts[0] == "core"


def test_unscoped_is_used_only_in_core_tenancy_and_admin():
    assert offenders(UNSCOPED_CALL, unscoped_allowed) == []


def test_raw_sql_is_used_only_in_core():
    assert offenders(RAW_SQL, raw_sql_allowed) == []


def test_the_scan_finds_what_it_looks_for():
    """Guard against a scan that silently matches nothing (wrong root, broken pattern)."""
    assert offenders(UNSCOPED_CALL, lambda relative: False), "core uses unscoped()"
    assert offenders(RAW_SQL, lambda relative: False), "core/readpath.py runs cursor.execute"
    assert not unscoped_allowed(Path("crm/views.py"))
    assert unscoped_allowed(Path("crm/admin.py"))
    assert not raw_sql_allowed(Path("tenancy/access.py"))
    for line in ("Contact.objects.unscoped().all()", "qs.raw('SELECT 1')",
                 "qs.extra(where=['1'])", "    cursor.execute(sql)"):
        assert UNSCOPED_CALL.search(line) or RAW_SQL.search(line), line
