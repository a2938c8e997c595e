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
