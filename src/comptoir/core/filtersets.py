"""List filters: one django-filter FilterSet per resource, on a queryset already scoped.

Every list accepts ``updated_since`` (``dd-mm-YYYY``, ``dd-mm-YYYY-HH-MM`` or ISO 8601) and
``q``, a free-text search over the fields a resource names in ``search_fields`` (``__`` paths
allowed; matches are substrings ignoring case and accents, combined with OR). A resource
adds its own filters as ordinary django-filter declarations::

    class FirmFilterSet(BusinessModelFilterSet):
        search_fields = ("name", "siren")
        firm_type = django_filters.CharFilter()

Unknown query parameters are ignored (W10); a malformed value is a 400 that names it.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from comptoir.core import wire
from comptoir.core.search import folded_search


class WireDateTimeField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return wire.parse_datetime_input(value)
        except ValueError as exc:
            raise forms.ValidationError(
                "expected dd-mm-YYYY, dd-mm-YYYY-HH-MM or an ISO 8601 date and time"
            ) from exc


class WireDateTimeFilter(django_filters.Filter):
    field_class = WireDateTimeField


class WireDateFilter(django_filters.DateFilter):
    """A date in the incwo form (``dd-mm-YYYY``) or ISO 8601 (``YYYY-MM-DD``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(*args, **kwargs)


class WireBooleanField(forms.Field):
    TRUE, FALSE = {"1", "true", "yes"}, {"0", "false", "no"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError("expected 0 or 1 (or true / false)")


class BooleanFilter(django_filters.BooleanFilter):
    """``is_active=1`` / ``0`` as incwo writes booleans (W27); anything else is a 400."""

    field_class = WireBooleanField


class LinkFilter(django_filters.NumberFilter):
    """``firm_id=7``; ``firm_id=0`` selects the records without a link."""

    def filter(self, qs, value):
        if value is None:
            return qs
        if value == 0:
            return qs.filter(**{f"{self.field_name}__isnull": True})
        return qs.filter(**{self.field_name: value})


class BusinessModelFilterSet(django_filters.FilterSet):
    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="filter_q", label="Free text")
    updated_since = WireDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = folded_search(self.search_fields, value) | self.extra_search(value)
        return queryset.filter(condition)

    def extra_search(self, value: str) -> Q:
        """Hook for searches that are more than a substring (phones, related rows)."""
        return Q()
