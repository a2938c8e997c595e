"""The base of every business record: tenant scope that cannot be forgotten.

Every business model inherits :class:`BusinessModel`. Its default manager returns a
:class:`BusinessQuerySet` that refuses to run until it is scoped to one business file::

    Contact.objects.for_business_file(bf).filter(last_name="Martin")   # runs
    Contact.objects.filter(last_name="Martin")                          # raises UnscopedQuery

Querysets reached from an instance (``contact.contactitems.all()``, prefetches) inherit the
parent's scope. Framework code that must cross business files (admin, migrations, the
compiled read path which builds its own predicate) says so with ``unscoped()``, or, for the
admin's own forms, runs in :func:`operator_scope`; a test keeps both out of the business
modules.

Combining querysets keeps the guard: ``a | b``, ``a ^ b`` and ``a.union(b)`` are scoped only
if every operand is (an unscoped operand would add other tenants' rows), ``a & b`` and
``a.intersection(b)`` if any is, ``a.difference(b)`` if ``a`` is. An unscoped queryset used
as a filter value (``filter(pk__in=Contact.objects.filter(...))``) raises as well; scope it,
or use ``correlated()`` for a subquery that follows the outer row's business file.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import models
from django.db.models.query import EmptyQuerySet
from django.utils import timezone


class UnscopedQuery(RuntimeError):
    """A business-model query ran without a business-file scope."""


_operator_scope = contextvars.ContextVar("comptoir_operator_scope", default=False)


@contextmanager
def operator_scope():
    """Let queries cross business files for the duration: the operators' admin only.

    Django's admin builds querysets deep inside its forms and formsets from the default
    manager; rather than chase each one, the admin's requests run in this scope
    (``comptoir.core.admin.OperatorScopeMiddleware``), which staff authentication guards.
    """
    token = _operator_scope.set(True)
    try:
        yield
    finally:
        _operator_scope.reset(token)


def _is_scoped(queryset) -> bool:
    """Scoped, empty, or not a business queryset at all."""
    return getattr(queryset, "_scoped", True) or isinstance(queryset, EmptyQuerySet)


class BusinessQuerySet(models.QuerySet):
    _scoped = False

    def for_business_file(self, business_file):
        bf_id = getattr(business_file, "pk", business_file)
        if bf_id is None:
            raise UnscopedQuery("for_business_file() needs a business file")
        qs = self.filter(business_file_id=bf_id)
        qs._scoped = True
        return qs

    def correlated(self, outer_field: str = "business_file_id"):
        """A subquery scoped to the business file of the outer query's row."""
        qs = self.filter(business_file_id=models.OuterRef(outer_field))
        qs._scoped = True
        return qs

    def unscoped(self):
        qs = self._chain()
        qs._scoped = True
        return qs

    def _clone(self):
        clone = super()._clone()
        clone._scoped = self._scoped
        return clone

    def _add_hints(self, **hints):
        super()._add_hints(**hints)
        # Related managers and prefetches pass the parent instance: its scope is ours.
        instance = hints.get("instance")
        if instance is not None and getattr(instance, "business_file_id", None) is not None:
            self._scoped = True

    def _guard(self):
        if not self._scoped and not _operator_scope.get():
            raise UnscopedQuery(
                f"{self.model.__name__} queried without a business-file scope; "
                "use .for_business_file(bf)"
            )

    # -- combinations ---------------------------------------------------------------------

    def _rescope(self, combined, operands, scoped: bool):
        if any(combined is q for q in operands):
            return combined  # Django handed back an operand (an empty side): it keeps its own
        if isinstance(combined, BusinessQuerySet):
            combined._scoped = scoped
        elif not scoped:  # a sliced operand makes Django build a plain QuerySet
            raise UnscopedQuery(f"{self.model.__name__}: combined with an unscoped queryset")
        return combined

    def __or__(self, other):
        scoped = _is_scoped(self) and _is_scoped(other)
        return self._rescope(super().__or__(other), (self, other), scoped)

    def __xor__(self, other):
        scoped = _is_scoped(self) and _is_scoped(other)
        return self._rescope(super().__xor__(other), (self, other), scoped)

    def __and__(self, other):
        scoped = _is_scoped(self) or _is_scoped(other)
        return self._rescope(super().__and__(other), (self, other), scoped)

    def _combinator_query(self, combinator, *other_qs, all=False):
        # (``all`` is Django's UNION ALL flag here, hence ``not any(not …)``)
        operands = (self, *other_qs)
        if combinator == "union":
            scoped = not any(not _is_scoped(q) for q in operands)
        elif combinator == "intersection":
            scoped = any(_is_scoped(q) for q in operands)
        else:  # difference: only the first operand's rows come out
            scoped = _is_scoped(self)
        clone = super()._combinator_query(combinator, *other_qs, all=all)
        clone._scoped = scoped
        return clone

    def resolve_expression(self, *args, **kwargs):
        """Used as a value in another query (``pk__in=queryset``): it must be scoped too."""
        self._guard()
        return super().resolve_expression(*args, **kwargs)

    def _fetch_all(self):
        if self._result_cache is None:
            self._guard()
        super()._fetch_all()

    def count(self):
        self._guard()
        return super().count()

    def exists(self):
        self._guard()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._guard()
        return super().aggregate(*args, **kwargs)

    def iterator(self, *args, **kwargs):
        self._guard()
        return super().iterator(*args, **kwargs)

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)  # a generator would be used up by the check
        if any(getattr(o, "business_file_id", None) is None for o in objs):
            raise UnscopedQuery("bulk_create() of business records without a business file")
        return super().bulk_create(objs, *args, **kwargs)


class BusinessManager(models.Manager.from_queryset(BusinessQuerySet)):
    pass


class BusinessModel(models.Model):
    """Abstract base: the business file, who created the record and when."""

    business_file = models.ForeignKey(
        "tenancy.BusinessFile", on_delete=models.CASCADE, related_name="+", editable=False,
        db_index=False,  # the (business_file, id) index below serves every lookup by tenant
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BusinessManager()

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["business_file", "id"], name="%(app_label)s_%(class)s_bf")]

    def delete(self, *args, **kwargs):
        # Records whose link to this one the deletion clears (SET_NULL) change too: a sync
        # client reading ``updated_since`` must see them. Same transaction as the delete.
        now = timezone.now()
        for relation in self._meta.related_objects:
            related = relation.related_model
            if relation.on_delete is models.SET_NULL and issubclass(related, BusinessModel):
                related.objects.for_business_file(self.business_file_id).filter(
                    **{relation.field.name: self}
                ).update(updated_at=now)
        return super().delete(*args, **kwargs)


# -- Framework tables of numbering and the journal (``numbering.py``, ``journal.py``) --------


class LockedRowQuerySet(BusinessQuerySet):
    def lock(self, business_file_id: int, **key):
        """The row of ``business_file_id`` and ``key``, created if missing, locked until commit.

        A missing row is inserted with ``INSERT … ON CONFLICT DO NOTHING`` (``INSERT OR IGNORE``
        on SQLite): two transactions creating it at once do not fail, the second waits for
        the first and then inserts nothing. ``SELECT … FOR UPDATE`` then locks the row on
        PostgreSQL; SQLite ignores it, its IMMEDIATE transactions already hold the write lock.
        """
        rows = self.for_business_file(business_file_id).filter(**key).select_for_update()
        row = rows.first()
        if row is None:
            self.bulk_create(
                [self.model(business_file_id=business_file_id, **key)], ignore_conflicts=True
            )
            row = rows.get()
        return row


class LockedRowManager(models.Manager.from_queryset(LockedRowQuerySet)):
    pass


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT = "credit", "Credit note"
    PROPOSAL = "proposal", "Proposal"
    DELIVERY_NOTE = "delivery_note", "Delivery note"


def _validate_pattern(value):
    from comptoir.core.numbering import validate_pattern

    validate_pattern(value)


class NumberingPattern(models.Model):
    business_file = models.ForeignKey(
        "tenancy.BusinessFile", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    pattern = models.CharField(max_length=40, validators=[_validate_pattern])
    updated_at = models.DateTimeField(auto_now=True)

    objects = BusinessManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business_file", "kind"],
                                    name="numbering_pattern_unique"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.pattern}"


class DocumentCounter(models.Model):
    business_file = models.ForeignKey(
        "tenancy.BusinessFile", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last_index = models.PositiveIntegerField(default=0)

    objects = LockedRowManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business_file", "kind", "year"],
                                    name="document_counter_unique"),
        ]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last_index}"


GENESIS_HASH = "0" * 64


class AppendOnly(RuntimeError):
    """A journal entry was about to be changed or deleted."""


class JournalHead(models.Model):
    business_file = models.OneToOneField(
        "tenancy.BusinessFile", on_delete=models.PROTECT, related_name="+"
    )
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    objects = LockedRowManager()

    def __str__(self):
        return f"head of business file {self.business_file_id}: {self.sequence}"


class JournalEntry(models.Model):
    business_file = models.ForeignKey(
        "tenancy.BusinessFile", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    sequence = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    event = models.CharField(max_length=64)
    object_zname = models.CharField(max_length=64)
    object_zid = models.BigIntegerField()
    reference = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        db_index=False, null=True, related_name="+",
    )
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = BusinessManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business_file", "sequence"],
                                    name="journal_entry_unique"),
        ]
        verbose_name_plural = "journal entries"

    def __str__(self):
        return f"#{self.sequence} {self.event} {self.reference}".rstrip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("journal entries cannot be changed once written")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("journal entries cannot be deleted")


class RowCount(models.Model):
    """How many rows of one listed table a business file holds, kept by database triggers.

    A list page's ``total_count`` reads this row instead of running ``COUNT(*)``, which grows
    with the business file (75 ms at a million contacts on PostgreSQL). ``version`` is a random
    token drawn anew by every insert or delete: it versions what was learnt about the table's
    order (the page anchors of :mod:`comptoir.core.rowcounts`). Written by triggers only.
    """

    business_file = models.ForeignKey(
        "tenancy.BusinessFile", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    table_name = models.CharField(max_length=63)
    row_count = models.BigIntegerField(default=0)
    version = models.BigIntegerField(default=0)

    objects = BusinessManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business_file", "table_name"],
                                    name="row_count_unique"),
        ]

    def __str__(self):
        return f"{self.table_name}: {self.row_count}"
