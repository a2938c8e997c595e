"""Catalog records for tests, and payloads that link to records made in each tenant."""

from __future__ import annotations

from comptoir.catalog.choices import LabelType
from comptoir.catalog.models import (
    CustomerProduct,
    CustomerProductCategory,
    CustomLabel,
    Warehouse,
)


def category(bf, name="Céramique", **fields) -> CustomerProductCategory:
    return CustomerProductCategory.objects.create(business_file_id=_pk(bf), name=name, **fields)


def brand(bf, name="Revol", label_type=LabelType.CUSTOMER_PRODUCT_BRAND) -> CustomLabel:
    return CustomLabel.objects.create(business_file_id=_pk(bf), label_type=label_type,
                                      long_label=name)


def product(bf, name="Pichet en grès", **fields) -> CustomerProduct:
    return CustomerProduct.objects.create(business_file_id=_pk(bf), name=name, **fields)


def warehouse(bf, name="Boutique", **fields) -> Warehouse:
    return Warehouse.objects.create(business_file_id=_pk(bf), name=name, **fields)


def _pk(bf) -> int:
    return getattr(bf, "pk", bf)


class LinkedPayloads:
    """Mix into a ResourceAPITestCase: a payload value ``"@name"`` becomes the id of the
    record ``make_links(tenant)["name"]`` made in the tenant the payload is sent to."""

    links: dict

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.links = {t.id: cls.make_links(t) for t in (cls.tenant, cls.other)}

    @classmethod
    def make_links(cls, tenant) -> dict:
        return {}

    @classmethod
    def prepare_payload(cls, data: dict, tenant) -> dict:
        links = cls.links[tenant.id]
        return {
            name: links[value[1:]] if isinstance(value, str) and value.startswith("@") else value
            for name, value in data.items()
        }
