"""Printed sales documents and e-invoices, independent of the database.

A plain, frozen view model (``view.SheetView``) goes in, bytes come out:

- ``render_html(view)``: the French HTML of a proposal, delivery note, invoice or credit note
  (Django templates ``sales/documents/document.html`` and ``document.css``, restylable);
- ``render_pdf(view)``: that HTML laid out on A4 by WeasyPrint;
- ``cii_xml(view)``: the UN/CEFACT CII XML, profile EN 16931, of a validated invoice or credit
  note (``…/{id}/facturx.xml``);
- ``facturx_pdf(view)``: the Factur-X PDF/A-3 with that XML embedded;
- ``document_pdf(view)``: the PDF a user gets for a sheet (Factur-X for validated invoices and
  credit notes, a plain PDF for drafts, proposals and delivery notes).

Why a view model: the sheet services own the arithmetic and the numbering; the renderers only
print. A validated invoice's view can be snapshotted and re-rendered identically, tests need no
database, and the PDF and the XML are fed by the same numbers.
"""

from comptoir.sales.documents.facturx import (
    FacturXError,
    cii_xml,
    compliance_warnings,
    facturx_pdf,
)
from comptoir.sales.documents.pdf import render_html, render_pdf, warm_up
from comptoir.sales.documents.view import (
    BankDetails,
    DocumentLine,
    Party,
    RateTotal,
    SheetView,
    consistency_problems,
)


def document_pdf(view: SheetView) -> bytes:
    """The PDF of a sheet: a Factur-X e-invoice once an invoice or credit note is validated
    (has its number), a plain PDF otherwise. Raises ``FacturXError`` for a validated invoice
    whose data cannot make a valid e-invoice, so validation can refuse it."""
    if view.kind in ("invoice", "credit") and not view.is_draft:
        return facturx_pdf(view)
    return render_pdf(view)


__all__ = [
    "BankDetails", "DocumentLine", "FacturXError", "Party", "RateTotal", "SheetView",
    "cii_xml", "compliance_warnings", "consistency_problems", "document_pdf", "facturx_pdf",
    "render_html", "render_pdf", "warm_up",
]
