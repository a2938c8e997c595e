from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from comptoir.tenancy.models import ApiKey, BusinessFile, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "language")}),
        ("Rights", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(BusinessFile)
class BusinessFileAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "api_enabled", "created_at")
    search_fields = ("name",)
    inlines = (MembershipInline,)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = (
        "prefix", "name", "user", "business_file", "read_only", "created_at", "revoked_at"
    )
    readonly_fields = ("prefix", "key_hash", "created_at")
    list_filter = ("read_only",)

    def has_add_permission(self, request):
        return False  # the secret is shown once: create keys with `comptoir apikey create`
