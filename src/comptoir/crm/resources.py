"""The contacts and firms resources (incwo-api.md §4.1–4.2, golden-xml.md)."""

from django.db.models import Case, F, Value, When
from django.db.models.functions import Concat

from comptoir.core.registry import Nested, Resource, computed, register
from comptoir.crm import choices
from comptoir.crm.filtersets import ContactFilterSet, FirmFilterSet
from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm
from comptoir.crm.serializers import (
    ContactAddressSerializer,
    ContactItemSerializer,
    ContactSerializer,
    FirmSerializer,
)

ADDRESSES = Nested(
    "contact_addresses", "contact_address",
    model=ContactAddress, parent="contact", serializer=ContactAddressSerializer,
    fields=("id", "address_type", "street_address", "street_address2", "zip_code", "city",
            "country"),
)
ITEMS = Nested(
    "contact_items", "contact_item",
    model=ContactItem, parent="contact", serializer=ContactItemSerializer,
    fields=("id", "type_id", "value", "normalized_phone"),
    omit_empty=("normalized_phone",),
)

FIRST_LAST_NAME = Case(
    When(first_name="", then=F("last_name")),
    default=Concat(F("first_name"), Value(" "), F("last_name")),
)


@register
class ContactResource(Resource):
    model = Contact
    singular, plural = "contact", "contacts"
    module = "crm"
    summary = "A person, with phones, e-mails and addresses, possibly working for a firm."
    fields = (
        "id", "civility_label_id", "last_name", "first_name",
        computed("first_last_name", FIRST_LAST_NAME),
        "comment", "job_title", "job_department", "country", "contact_type", "contact_type2",
        "firm_id", computed("firm_name", F("firm__name")),
        "reference", "keywords", "language", "accounting_ref", "accounting_ref_vendor",
        "contact_origin", "creator_id", "created_at", "updated_at",
    )
    nested = (ADDRESSES, ITEMS)
    serializer = ContactSerializer
    filterset = ContactFilterSet
    deletion_hint = "sales documents name this contact and keep it"
    enumerations = {
        "civility_label_id": choices.Civility,
        "contact_type": choices.PartyType,
        "contact_type2": choices.PartyType,
        "language": choices.Language,
        "contact_addresses.address_type": choices.AddressType,
        "contact_items.type_id": choices.ContactItemType,
    }


@register
class FirmResource(Resource):
    model = Firm
    singular, plural = "firm", "firms"
    module = "crm"
    summary = "A company — customer, prospect, supplier, partner — and its contact data."
    fields = (
        "id", "name", "firm_type", "firm_type2", "siren", "tva", "parent_firm_id",
        "can_be_parent", "comment", "reference", "keywords", "language", "accounting_ref",
        "accounting_ref_vendor", "creator_id", "created_at", "updated_at",
    )
    nested = (ADDRESSES.for_parent("firm"), ITEMS.for_parent("firm"))
    serializer = FirmSerializer
    filterset = FirmFilterSet
    deletion_hint = "sales documents name this firm and keep it"
    enumerations = {
        "firm_type": choices.PartyType,
        "firm_type2": choices.PartyType,
        "language": choices.Language,
        "contact_addresses.address_type": choices.AddressType,
        "contact_items.type_id": choices.ContactItemType,
    }
