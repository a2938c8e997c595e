"""Enumerations of the catalog, with incwo's ids where they are known (incwo-api.md §4.7).

VAT ids (``vat_id``) are shared with the documents: :class:`comptoir.core.vat.VAT`.
"""

from comptoir.core.choices import Enumeration


class ProductType(Enumeration):
    """``type_of_product_id``: 20004 is what real clients send for goods (W28); the label of
    ``1`` is not documented anywhere we could read and is taken to be a service."""

    GOODS = 20004, "Marchandise", "Goods"
    SERVICE = 1, "Service", "Service"


class LabelType(Enumeration):
    """``label_type`` of a custom label (``?type=`` on the list and on create, W35)."""

    CUSTOMER_PRODUCT_BRAND = "customer_product_brand", "Marque de produit", "Product brand"


class StockDirection(Enumeration):
    """``direction`` of a stock movement; its ``quantity`` is always positive (W35)."""

    IN = 1, "Entrée en stock", "Into stock"
    OUT = -1, "Sortie de stock", "Out of stock"
