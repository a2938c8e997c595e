from django.contrib import admin

from comptoir.core.admin import BusinessInline, BusinessModelAdmin
from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm


class ContactItemInline(BusinessInline):
    model = ContactItem
    fields = ("type_id", "value")


class ContactAddressInline(BusinessInline):
    model = ContactAddress
    fields = ("address_type", "street_address", "street_address2", "zip_code", "city", "country")


@admin.register(Contact)
class ContactAdmin(BusinessModelAdmin):
    list_display = ("id", "last_name", "first_name", "firm", "contact_type", "business_file")
    search_fields = ("last_name", "first_name")
    list_filter = ("business_file", "contact_type")
    inlines = (ContactAddressInline, ContactItemInline)
    raw_id_fields = ("firm",)


@admin.register(Firm)
class FirmAdmin(BusinessModelAdmin):
    list_display = ("id", "name", "firm_type", "siren", "business_file")
    search_fields = ("name", "siren")
    list_filter = ("business_file", "firm_type")
    inlines = (ContactAddressInline, ContactItemInline)
    raw_id_fields = ("parent_firm",)
