"""Admin base for business models: operators see every business file, filter by it."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from comptoir.core import wire
from comptoir.core.models import (
    DocumentCounter,
    JournalEntry,
    JournalHead,
    NumberingPattern,
    operator_scope,
)


class OperatorScopeMiddleware:
    """Admin requests may read every business file; the admin's staff login guards them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            with operator_scope():
                return self.get_response(request)
        return self.get_response(request)


def xml_safe_text(value):
    if isinstance(value, str) and wire.XML_ILLEGAL.search(value):
        raise ValidationError("contains control characters that cannot be stored")


class XMLSafeTextMixin:
    """The API refuses what XML cannot carry; the admin must not let it in either."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, (models.CharField, models.TextField)):
            field.validators.append(xml_safe_text)
        return field


class BusinessInline(XMLSafeTextMixin, admin.TabularInline):
    extra = 0

    def get_queryset(self, request):
        # The formset narrows it to the parent, which the operator already reached.
        return self.model._default_manager.unscoped()


class BusinessModelAdmin(XMLSafeTextMixin, admin.ModelAdmin):
    list_filter = ("business_file",)
    readonly_fields = ("business_file", "creator", "created_at", "updated_at")

    def get_queryset(self, request):
        # The admin is for operators of the whole server: it deliberately crosses tenants.
        return self.model._default_manager.unscoped().select_related("business_file")

    def save_formset(self, request, form, formset, change):
        # Rows added inline belong to the business file of the record they are added to.
        for obj in formset.save(commit=False):
            if getattr(obj, "business_file_id", None) is None:
                obj.business_file_id = form.instance.business_file_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    def has_add_permission(self, request):
        return False  # records are created inside a business file, through the API or the app


class ReadOnlyAdmin(admin.ModelAdmin):
    """Framework records that only the framework writes: operators may look, not touch."""

    list_filter = ("business_file",)

    def get_queryset(self, request):
        return self.model._default_manager.unscoped().select_related("business_file")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NumberingPattern)
class NumberingPatternAdmin(XMLSafeTextMixin, admin.ModelAdmin):
    """Operators set a business file's reference pattern per document kind (FA-{year}-…)."""

    list_display = ("business_file", "kind", "pattern", "updated_at")
    list_filter = ("kind",)
    raw_id_fields = ("business_file",)


@admin.register(DocumentCounter)
class DocumentCounterAdmin(ReadOnlyAdmin):
    list_display = ("business_file", "kind", "year", "last_index")
    list_filter = ("business_file", "kind", "year")


@admin.register(JournalHead)
class JournalHeadAdmin(ReadOnlyAdmin):
    list_display = ("business_file", "sequence", "hash")


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("business_file", "sequence", "created_at", "event", "object_zname",
                    "object_zid", "reference", "user_id")
    list_filter = ("business_file", "event")
    search_fields = ("reference",)
    ordering = ("business_file", "-sequence")
