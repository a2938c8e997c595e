from django.contrib import admin

from comptoir.cash import services
from comptoir.cash.models import BankAccount
from comptoir.core.admin import BusinessModelAdmin


@admin.register(BankAccount)
class BankAccountAdmin(BusinessModelAdmin):
    list_display = ("id", "name", "bank_name", "bank_iban", "is_default", "business_file")
    search_fields = ("name", "bank_name", "bank_iban")
    list_filter = ("business_file", "is_default")

    def save_model(self, request, obj, form, change):
        # The form cannot see the one-default constraint (business_file is not in it).
        if obj.is_default:
            services.clear_other_defaults(obj.business_file_id, keep=obj)
        super().save_model(request, obj, form, change)
