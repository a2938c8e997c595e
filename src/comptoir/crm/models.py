"""Contacts (people) and firms (companies), with their addresses and contact items."""

from django.db import models
from django.db.models import Q

from comptoir.core.models import BusinessModel
from comptoir.crm.choices import (
    PHONE_TYPES,
    AddressType,
    Civility,
    ContactItemType,
    Language,
    PartyType,
)
from comptoir.crm.services import normalize_phone


class Party(BusinessModel):
    """What contacts and firms share: classification, references, free text."""

    comment = models.TextField(blank=True)
    keywords = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=8, choices=Language.choices(), default="fr")
    reference = models.CharField(max_length=100, blank=True)
    accounting_ref = models.CharField("customer accounting reference", max_length=50, blank=True)
    accounting_ref_vendor = models.CharField(
        "supplier accounting reference", max_length=50, blank=True
    )

    class Meta(BusinessModel.Meta):
        abstract = True


class Firm(Party):
    name = models.CharField(max_length=200)
    firm_type = models.CharField(max_length=16, choices=PartyType.choices(), default="client")
    firm_type2 = models.CharField(max_length=16, choices=PartyType.choices(), blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    tva = models.CharField("intra-EU VAT number", max_length=20, blank=True)
    parent_firm = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="subsidiaries"
    )
    can_be_parent = models.BooleanField(default=False)

    class Meta(Party.Meta):
        ordering = ["id"]

    def __str__(self):
        return self.name


class Contact(Party):
    civility_label_id = models.IntegerField(choices=Civility.choices(), null=True, blank=True)
    last_name = models.CharField(max_length=150)
    first_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    job_department = models.CharField(max_length=150, blank=True)
    country = models.CharField(max_length=100, blank=True, default="France")
    contact_type = models.CharField(max_length=16, choices=PartyType.choices(), default="client")
    contact_type2 = models.CharField(max_length=16, choices=PartyType.choices(), blank=True)
    contact_origin = models.CharField(max_length=150, blank=True)
    firm = models.ForeignKey(
        Firm, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )

    class Meta(Party.Meta):
        ordering = ["id"]
        indexes = [
            *Party.Meta.indexes,
            models.Index(fields=["business_file", "firm"], name="crm_contact_bf_firm"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


class OwnedByParty(BusinessModel):
    """A row that belongs to exactly one contact or one firm."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="%(class)ss"
    )
    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, null=True, blank=True, related_name="%(class)ss"
    )

    class Meta(BusinessModel.Meta):
        abstract = True
        # The nested reads filter on both columns; without these SQLite may pick the
        # (business_file, id) index and scan every row of the tenant.
        indexes = [
            *BusinessModel.Meta.indexes,
            models.Index(
                fields=["business_file", "contact"], name="%(app_label)s_%(class)s_bf_contact"
            ),
            models.Index(fields=["business_file", "firm"], name="%(app_label)s_%(class)s_bf_firm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, firm__isnull=True)
                | Q(contact__isnull=True, firm__isnull=False),
                name="%(app_label)s_%(class)s_one_owner",
            )
        ]


class ContactAddress(OwnedByParty):
    address_type = models.IntegerField(choices=AddressType.choices(), default=21)
    street_address = models.CharField(max_length=255, blank=True)
    street_address2 = models.CharField(max_length=255, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True, default="France")

    class Meta(OwnedByParty.Meta):
        ordering = ["id"]
        verbose_name_plural = "contact addresses"


class ContactItem(OwnedByParty):
    """A phone number, an e-mail address or a messaging id."""

    type_id = models.IntegerField(choices=ContactItemType.choices())
    value = models.CharField(max_length=255)
    normalized_phone = models.CharField(max_length=32, blank=True, editable=False)

    class Meta(OwnedByParty.Meta):
        ordering = ["id"]
        indexes = [
            *OwnedByParty.Meta.indexes,
            models.Index(fields=["business_file", "normalized_phone"], name="crm_item_phone"),
        ]

    def save(self, *args, **kwargs):
        # Also computed by the API serializer, whose bulk inserts do not call save().
        self.normalized_phone = normalize_phone(self.value) if self.type_id in PHONE_TYPES else ""
        super().save(*args, **kwargs)
