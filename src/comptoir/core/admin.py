"""Admin base for business models: operators see every business file, filter by it."""

from django.contrib import admin


class BusinessModelAdmin(admin.ModelAdmin):
    list_filter = ("business_file",)
    readonly_fields = ("business_file", "creator", "created_at", "updated_at")

    def get_queryset(self, request):
        # The admin is for operators of the whole server: it deliberately crosses tenants.
        return self.model._default_manager.unscoped().select_related("business_file")

    def has_add_permission(self, request):
        return False  # records are created inside a business file, through the API or the app
