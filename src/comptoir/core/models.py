"""The base of every business record: tenant scope that cannot be forgotten.

Every business model inherits :class:`BusinessModel`. Its default manager returns a
:class:`BusinessQuerySet` that refuses to run until it is scoped to one business file::

    Contact.objects.for_business_file(bf).filter(last_name="Martin")   # runs
    Contact.objects.filter(last_name="Martin")                          # raises UnscopedQuery

Querysets reached from an instance (``contact.contact_items.all()``, prefetches) inherit the
parent's scope. Framework code that must cross business files (admin, migrations, the
compiled read path which builds its own predicate) says so with ``unscoped()``; a test keeps
that word out of the business modules.
"""

from django.conf import settings
from django.db import models


class UnscopedQuery(RuntimeError):
    """A business-model query ran without a business-file scope."""


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
        if not self._scoped:
            raise UnscopedQuery(
                f"{self.model.__name__} queried without a business-file scope; "
                "use .for_business_file(bf)"
            )

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
