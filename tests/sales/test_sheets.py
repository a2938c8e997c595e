"""Shared API tests of the three sales documents (fixtures only, with nested lines)."""

from __future__ import annotations

from decimal import Decimal

from comptoir.catalog.models import CustomerProduct
from comptoir.core.testing.api import ResourceAPITestCase
from comptoir.crm.models import ContactAddress, Firm


def product_in(tenant, name="Conseil", price="100", vat_id=607, **extra) -> CustomerProduct:
    found = CustomerProduct.objects.for_business_file(tenant.id).filter(name=name).first()
    if found is None:
        found = CustomerProduct.objects.create(
            business_file=tenant.business_file, name=name, price=Decimal(price), vat_id=vat_id,
            unit="h", **extra)
    return found


def firm_in(tenant, name="Atelier Martin") -> Firm:
    found = Firm.objects.for_business_file(tenant.id).filter(name=name).first()
    if found is None:
        found = Firm.objects.create(business_file=tenant.business_file, name=name,
                                    siren="552100554", tva="FR96552100554")
        ContactAddress.objects.create(business_file=tenant.business_file, firm=found,
                                      street_address="3 rue des Lilas", zip_code="69003",
                                      city="Lyon", country="France")
    return found


def resolve_placeholders(data: dict, tenant) -> dict:
    """``"firm_id": "FIRM"`` and ``"customer_product_id": "PRODUCT"`` become ids of objects
    of ``tenant`` (created once)."""
    if data.get("firm_id") == "FIRM":
        data["firm_id"] = firm_in(tenant).pk
    for key, value in list(data.items()):
        if isinstance(value, list):
            data[key] = [
                {**item, "customer_product_id": product_in(tenant).pk}
                if item.get("customer_product_id") == "PRODUCT" else item
                for item in value
            ]
    return data


PRICED = {"description": "Audit", "unit_price": 250, "quantity": 2,
          "vat_value_id": 607, "ordering": 100}
OPTION = {"content_kind": "option", "customer_product_id": "PRODUCT", "quantity": 1,
          "ordering": 100}
COMMENT = {"content_kind": "comment", "description": "Livraison sous huit jours",
           "ordering": 200}
# The item with nested lines comes first and has no priced line: the shared test duplicates
# one of its lines and checks that the other collections (the VAT table) are unchanged.


class ProposalSheetAPITest(ResourceAPITestCase):
    resource = "proposal_sheets"
    create_data = [
        {"title": "Refonte du site", "firm_id": "FIRM", "proposal_lines": [OPTION, COMMENT],
         "cash_deposits": [{"percent": 30, "comments": "à la commande"}]},
        {"title": "Maintenance annuelle", "reduction_percent": 5, "shipping_cost": 10,
         "validity_date": "2026-12-31"},
        {"title": "Formation", "comment": "à confirmer"},
    ]
    update_data = {"title": "Refonte du site et hébergement", "subtitle": "Lot 1"}
    invalid_data = ({"title": "Négatif", "proposal_lines": [{**PRICED, "quantity": -1}]},
                    "proposal_lines[1].quantity")
    filters = [("q=maintenance", [1]), ("progress=555", [0, 1, 2])]

    @classmethod
    def prepare_payload(cls, data, tenant):
        return resolve_placeholders(data, tenant)


class DeliveryNoteAPITest(ResourceAPITestCase):
    resource = "delivery_notes"
    create_data = [
        {"title": "Livraison lot 1", "firm_id": "FIRM",
         "delivery_note_lines": [{"customer_product_id": "PRODUCT", "quantity": 3},
                                 {"description": "Câbles", "quantity": 10, "unit": "m"}]},
        {"title": "Livraison lot 2", "delivery_date": "2026-11-30"},
        {"title": "Livraison lot 3"},
    ]
    update_data = {"title": "Livraison lot 1 bis", "comment": "porte B"}
    invalid_data = ({"title": "x", "delivery_note_lines": [{"description": "y",
                                                            "quantity": -2}]},
                    "delivery_note_lines[1].quantity")
    filters = [("q=lot 2", [1])]

    @classmethod
    def prepare_payload(cls, data, tenant):
        return resolve_placeholders(data, tenant)


class BillSheetAPITest(ResourceAPITestCase):
    resource = "bill_sheets"
    create_data = [
        {"title": "Facture site", "sheet_type": "invoice_maybe", "firm_id": "FIRM",
         "bill_lines": [OPTION, COMMENT]},
        {"title": "Avoir geste commercial", "sheet_type": "credit_maybe",
         "payment_term_id": 3, "billing_date": "2026-01-15"},
        {"title": "Facture formation", "sheet_type": "invoice_maybe", "shipping_cost": 12},
    ]
    update_data = {"title": "Facture site (lot 1)", "payment_term_id": 0}
    invalid_data = ({"title": "x", "bill_lines": [{**PRICED, "vat_value_id": 999}]},
                    "bill_lines[1].vat_value_id")
    filters = [("sheet_type=credit_maybe", [1]), ("q=formation", [2])]

    @classmethod
    def prepare_payload(cls, data, tenant):
        return resolve_placeholders(data, tenant)
