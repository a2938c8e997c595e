"""Printed sales documents and Factur-X e-invoices, from a hand-built view model.

The renderers are tested without a database: a ``SheetView`` in, HTML / PDF / XML out. The
Factur-X output is checked with the ``factur-x`` package's own tools (XSD validation,
extraction from the PDF, level detection); PDFs are read back with ``pypdf``, which the
``factur-x`` package depends on. The EN 16931 arithmetic rules that need the (XSLT 2)
schematron are re-checked here in Python on the generated XML.
"""

import io
import statistics
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from comptoir.sales.documents import document_pdf, pdf
from comptoir.sales.documents import facturx as fx
from comptoir.sales.documents.view import (
    BankDetails,
    DocumentLine,
    Party,
    RateTotal,
    SheetView,
    consistency_problems,
)

D = Decimal
NBSP = "\u00a0"
NS = fx.NS

SELLER = Party(
    name="Atelier Dupont", street_address="12 rue des Lilas", zip_code="75011", city="Paris",
    siren="123456789", vat_number="FR32123456789", email="compta@dupont.fr",
    phone="01 23 45 67 89", legal_form="SAS", share_capital="10 000 €", rcs="RCS Paris",
)
BUYER = Party(
    name="Boulangerie Martin SARL", street_address="3 place du Marché", zip_code="69002",
    city="Lyon", siren="987654321", vat_number="FR45987654321", contact_name="Claire Martin",
)
BANK = BankDetails(iban="FR7630006000011234567890189", bic="AGRIFRPP",
                   account_name="Atelier Dupont", bank_name="Crédit Agricole")


def cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def priced(description, quantity, unit_price, rate="20", unit="h", reduction="0", kind=""):
    quantity, unit_price, rate, reduction = D(quantity), D(unit_price), D(rate), D(reduction)
    total = cents(quantity * unit_price * (100 - reduction) / 100)
    return DocumentLine(
        description=description, kind=kind, quantity=quantity, unit=unit,
        unit_price=unit_price, vat_rate=rate, reduction_percent=reduction, total_price=total,
        total_price_with_taxes=cents(total * (100 + rate) / 100),
    )


def make_view(lines, *, reduction="0", shipping_cost="0", payed="0", **overrides) -> SheetView:
    """A consistent view, computed the way the sheet services will: VAT per rate on the base
    after the document reduction (split across rates pro rata) and with shipping at 20 %."""
    lines = tuple(lines)
    reduction, shipping, payed = D(reduction), D(shipping_cost), D(payed)
    by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        if line.kind == "":
            by_rate[line.vat_rate] = by_rate.get(line.vat_rate, D(0)) + line.total_price
    lines_total = sum(by_rate.values(), D(0))
    bases, left = {}, reduction
    for index, rate in enumerate(sorted(by_rate)):
        last = index == len(by_rate) - 1
        share = left if last else cents(reduction * by_rate[rate] / lines_total)
        left -= share
        bases[rate] = by_rate[rate] - share
    if shipping:
        bases[D(20)] = bases.get(D(20), D(0)) + shipping
    rate_totals = tuple(RateTotal(rate, base, cents(base * rate / 100))
                        for rate, base in sorted(bases.items()))
    vat_exc = sum((r.base for r in rate_totals), D(0))
    vat = sum((r.vat for r in rate_totals), D(0))
    values = {
        "kind": "invoice", "reference": "F-2025-0042", "issue_date": date(2025, 3, 14),
        "due_date": date(2025, 4, 30), "delivery_date": date(2025, 3, 10),
        "title": "Refonte du site", "subtitle": "Lot 1 : conception", "seller": SELLER,
        "buyer": BUYER, "lines": lines, "rate_totals": rate_totals, "vat_exc_total": vat_exc,
        "reduction_total": reduction, "shipping_cost": shipping, "vat_total": vat,
        "vat_inc_total": vat_exc + vat, "payed_amount": payed,
        "remaining_due": vat_exc + vat - payed, "payment_terms": "30 jours fin de mois",
        "bank": BANK, "operation_category": "Prestation de services",
    }
    values.update(overrides)
    return SheetView(**values)


def sample_lines(count: int) -> list[DocumentLine]:
    lines = []
    for index in range(count):
        lines.append(priced(
            f"Prestation n° {index + 1} – développement", index % 5 + 1, D("123.45") + index,
            rate="5.5" if index % 4 == 0 else "20", unit="jour" if index % 2 else "h",
            reduction="10" if index % 7 == 3 else "0",
        ))
    return lines


def invoice_view(count: int = 20, **overrides) -> SheetView:
    overrides.setdefault("reduction", "50")
    overrides.setdefault("shipping_cost", "15")
    overrides.setdefault("payed", "100")
    return make_view(sample_lines(count), **overrides)


def xml_tree(xml: bytes):
    return etree.fromstring(xml)


def texts(tree, path: str) -> list[str]:
    return [element.text for element in tree.iterfind(path, NS)]


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


# -- view model ---------------------------------------------------------------------------


def test_the_sample_views_keep_the_totals_contract():
    assert consistency_problems(invoice_view()) == []
    broken = make_view([priced("A", 1, 100)], vat_total=D("19.99"))
    assert any("vat_total" in problem for problem in consistency_problems(broken))


# -- French formatting ----------------------------------------------------------------------


def test_amounts_dates_and_rates_are_formatted_the_french_way():
    assert pdf.format_amount(D("1234.56")) == f"1{NBSP}234,56{NBSP}€"
    assert pdf.format_amount(D("1234567.005")) == f"1{NBSP}234{NBSP}567,01{NBSP}€"
    assert pdf.format_amount(D("-50")) == f"\u221250,00{NBSP}€"
    assert pdf.format_amount(D("0")) == f"0,00{NBSP}€"
    assert pdf.format_amount(D("12"), "USD") == f"12,00{NBSP}$"
    assert pdf.format_price(D("0.125")) == f"0,125{NBSP}€"
    assert pdf.format_percent(D("5.5")) == f"5,5{NBSP}%"
    assert pdf.format_percent(D("20.00")) == f"20{NBSP}%"
    assert pdf.format_decimal(D("1.500")) == "1,5"
    assert pdf.format_date(date(2025, 3, 4)) == "04/03/2025"
    assert pdf.format_siren("123456789") == "123 456 789"
    assert pdf.format_iban("fr76 3000 6000 0112 3456 7890 189") == (
        "FR76 3000 6000 0112 3456 7890 189"
    )


# -- HTML -----------------------------------------------------------------------------------


def test_invoice_html_carries_every_mandatory_mention():
    view = invoice_view()
    html = pdf.render_html(view)
    expected = [
        "<title>Facture F-2025-0042", ">Facture<", "N° F-2025-0042",
        "Atelier Dupont", "SIREN 123 456 789", "FR32123456789", "RCS Paris",
        "au capital de 10 000 €", "12 rue des Lilas", "75011 Paris",
        "Boulangerie Martin SARL", "SIREN 987 654 321", "FR45987654321", "69002 Lyon",
        "Date :</span> 14/03/2025", "Échéance :</span> 30/04/2025",
        "Livraison / prestation :</span> 10/03/2025",
        "Désignation", "P.U. HT", "Total HT", "TVA",
        "Conditions de paiement : 30 jours fin de mois", "Date d&#x27;échéance : 30/04/2025",
        "Pas d&#x27;escompte pour paiement anticipé.",
        "En cas de retard de paiement, des pénalités de retard",
        "trois fois le taux d&#x27;intérêt légal",
        f"indemnité forfaitaire pour frais de recouvrement de 40{NBSP}€",
        "article L441-10 du Code de commerce",
        "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP",
        "Nature de l&#x27;opération : Prestation de services",
    ]
    for text in expected:
        assert text in html, text
    assert "BROUILLON" not in html
    # Totals per VAT rate and the document totals, French formatted.
    for rate in view.rate_totals:
        assert pdf.format_amount(rate.base) in html
        assert pdf.format_amount(rate.vat) in html
    for label, amount in [("Total HT des lignes", view.lines_total),
                          ("Remise", -view.reduction_total), ("Frais de port HT", D("15")),
                          ("Total HT", view.vat_exc_total), ("Total TVA", view.vat_total),
                          ("Total TTC", view.vat_inc_total), ("Déjà réglé", -view.payed_amount),
                          ("Net à payer", view.remaining_due)]:
        assert f"<th>{label}</th><td>{pdf.format_amount(amount)}</td>" in html, label
    assert f"5,5{NBSP}%" in html and f"10{NBSP}%" in html  # a rate and a line reduction


def test_an_early_payment_discount_replaces_the_no_discount_mention():
    html = pdf.render_html(invoice_view(early_payment_discount_text="Escompte de 2 % à 8 jours."))
    assert "Escompte de 2 % à 8 jours." in html
    assert "Pas d&#x27;escompte" not in html


def test_a_draft_says_so_and_has_no_number():
    html = pdf.render_html(invoice_view(reference=""))
    assert "BROUILLON / draft" in html
    assert 'class="watermark">BROUILLON<' in html
    assert 'class="reference"' not in html and "F-2025-0042" not in html
    assert "Facture (brouillon)" in html


def test_credit_note_wording_and_the_invoice_it_corrects():
    view = make_view([priced("Remboursement prestation", 2, "150")], kind="credit",
                     reference="AV-2025-0003", origin_reference="F-2025-0042",
                     origin_date=date(2025, 3, 14), due_date=None)
    html = pdf.render_html(view)
    assert ">Avoir<" in html
    assert "Avoir sur la facture n° F-2025-0042 du 14/03/2025" in html
    assert "Total TTC de l&#x27;avoir" in html
    assert "retard de paiement" not in html  # no payment terms on a credit note
    tree = xml_tree(fx.cii_xml(view))
    assert texts(tree, "rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    referenced = ".//ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument"
    assert texts(tree, f"{referenced}/ram:IssuerAssignedID") == ["F-2025-0042"]
    assert texts(tree, f"{referenced}/ram:FormattedIssueDateTime/qdt:DateTimeString") == [
        "20250314"
    ]
    facturx.xml_check_xsd(fx.cii_xml(view), flavor="factur-x", level="en16931")


def test_a_credit_note_given_with_negative_amounts_is_sent_positive():
    line = priced("Remboursement", "-2", "150")
    view = make_view([line], kind="credit", reference="AV-1", origin_reference="F-1",
                     origin_date=date(2025, 1, 2))
    assert view.vat_inc_total < 0
    tree = xml_tree(fx.cii_xml(view))
    summation = ".//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert texts(tree, f"{summation}/ram:GrandTotalAmount") == ["360.00"]
    assert texts(tree, ".//ram:BilledQuantity") == ["2"]
    assert texts(tree, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["150.00"]
    check_en16931_arithmetic(tree)


def test_deposit_invoice_title_and_type_code():
    view = make_view([priced("Acompte de 30 % sur le devis D-2025-0007", 1, "900", unit="")],
                     is_deposit=True, origin_reference="D-2025-0007")
    html = pdf.render_html(view)
    assert "Facture d&#x27;acompte" in html
    assert "Suivant devis n° D-2025-0007" in html
    tree = xml_tree(fx.cii_xml(view))
    assert texts(tree, "rsm:ExchangedDocument/ram:TypeCode") == ["386"]
    facturx.xml_check_xsd(fx.cii_xml(view), flavor="factur-x", level="en16931")


def test_proposal_and_delivery_note():
    proposal = make_view([priced("Audit", 2, "600", unit="jour")], kind="proposal",
                         reference="D-2025-0007", validity_date=date(2025, 4, 14),
                         due_date=None)
    html = pdf.render_html(proposal)
    assert ">Devis<" in html and "Valable jusqu&#x27;au :</span> 14/04/2025" in html
    assert "Bon pour accord" in html
    assert "article L441-10" in html  # the payment conditions a signed quote commits to
    delivery = make_view([priced("Carton de fournitures", 3, "20", unit="pce")],
                         kind="delivery_note", reference="BL-2025-0001", due_date=None)
    html = pdf.render_html(delivery)
    assert ">Bon de livraison<" in html and "Date de livraison :</span> 10/03/2025" in html
    assert "P.U. HT" not in html and "Total TTC" not in html  # an unvalued delivery note
    assert "Carton de fournitures" in html
    for view in (proposal, delivery):
        with pytest.raises(fx.FacturXError):
            fx.cii_xml(view)


def test_comment_option_and_subtotal_lines_print_but_are_not_invoiced():
    lines = [
        priced("Conception", 2, "500", unit="jour"),
        DocumentLine(description="Phase 2 : réalisation", kind="comment",
                     description_more="Planning à confirmer"),
        priced("Développement", 3, "450", unit="jour"),
        DocumentLine(description="Sous-total phases 1 et 2", kind="total",
                     total_price=D("2350")),
        priced("Maintenance annuelle", 1, "1200", unit="an", kind="option"),
    ]
    view = make_view(lines)
    assert view.lines_total == D("2350")
    html = pdf.render_html(view)
    assert '<tr class="comment">' in html and "Phase 2 : réalisation" in html
    assert "Planning à confirmer" in html
    assert '<tr class="total">' in html and f"2{NBSP}350,00{NBSP}€" in html
    assert '<tr class="option">' in html and '<span class="badge">Option</span>' in html
    assert f"(1{NBSP}200,00{NBSP}€)" in html  # the option's amount, outside the totals
    assert "Option non comprise dans le total" in html
    xml = fx.cii_xml(view)
    tree = xml_tree(xml)
    assert texts(tree, ".//ram:SpecifiedTradeProduct/ram:Name") == [
        "Conception", "Développement"
    ]
    assert texts(tree, ".//ram:AssociatedDocumentLineDocument/ram:LineID") == ["1", "2"]
    for absent in ("Phase 2", "Sous-total", "Maintenance"):
        assert absent.encode() not in xml
    check_en16931_arithmetic(tree)


def assert_nothing_overflows(document):
    """Every box stays between the page's left and right margins (long words wrap)."""
    for page in document.pages:
        page_box = page._page_box
        left, right = page_box.margin_left, page.width - page_box.margin_right
        for box in page_box.descendants():
            if box is page_box or not hasattr(box, "margin_width"):
                continue
            assert left - 0.5 <= box.position_x, box
            assert box.position_x + box.margin_width() <= right + 0.5, box


@pytest.mark.parametrize("overrides", [
    {},
    {"reference": ""},
    {"kind": "credit", "origin_reference": "F-2025-0001", "origin_date": date(2025, 1, 5)},
    {"kind": "proposal", "validity_date": date(2025, 4, 14)},
    {"kind": "delivery_note", "shipping": Party(name="Entrepôt Nord", city="Lille")},
    {"unit_price_scale": 10_000},
])
def test_every_kind_of_document_stays_inside_the_margins(overrides):
    scale = overrides.pop("unit_price_scale", 1)
    lines = [priced(f"Article {n}", 3, D("99.99") * scale, rate="20") for n in range(8)]
    assert_nothing_overflows(pdf.layout(make_view(lines, reduction="10", **overrides)))


HOSTILE = (
    '<script>alert("x")</script> Tom & Jerry\'s "quotes" <b>bold</b> ]]> 🧾😀 '
    + "W" * 500 + " \x00\x0b\x1f fin"
)


def test_hostile_text_is_escaped_everywhere_and_does_not_break_the_layout():
    hostile = Party(name=HOSTILE[:120], street_address=HOSTILE, city="Paris",
                    siren="987654321")
    lines = [
        priced(HOSTILE, 1, "10"),
        DocumentLine(description=HOSTILE, kind="comment", description_more=HOSTILE),
        priced("Normal", 1, "20"),
    ]
    view = make_view(lines, buyer=hostile, notes=HOSTILE, title=HOSTILE,
                     payment_terms=HOSTILE, purchase_order_reference=HOSTILE[:40])
    html = pdf.render_html(view)
    assert "<script>" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry&#x27;s" in html
    assert "🧾😀" in html
    assert "\x00" not in html and "\x0b" not in html

    xml = fx.cii_xml(view)
    tree = xml_tree(xml)  # well-formed
    facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert b"<script>" not in xml
    name = texts(tree, ".//ram:BuyerTradeParty/ram:Name")[0]
    assert name == HOSTILE[:120].replace("\x00", "")
    product = texts(tree, ".//ram:SpecifiedTradeProduct/ram:Name")[0]
    assert product.startswith('<script>alert("x")</script> Tom & Jerry') and "W" * 500 in product
    assert product.endswith("  fin")

    document = pdf.layout(view)
    assert document.pages  # the render succeeds
    assert_nothing_overflows(document)
    data = pdf.render_pdf(view)
    assert data.startswith(b"%PDF")
    assert "W" * 40 in "".join(pdf_text(data))  # the long word is printed, wrapped


def test_documents_never_load_external_resources():
    fetcher = pdf._weasyprint()["fetcher"]
    for url in ("http://example.com/logo.png", "https://example.com/x.css",
                "file:///etc/passwd", "ftp://example.com/a"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
           b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
           b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
    html = pdf.render_html(invoice_view(3, logo=png))
    assert 'src="data:image/png;base64,' in html
    remote = '<body style="background: url(http://127.0.0.1:9/x.png)"'
    data = pdf.html_to_pdf(html.replace("<body", remote))
    assert data.startswith(b"%PDF")


# -- Factur-X XML --------------------------------------------------------------------------


def amounts(tree, path):
    return [D(text) for text in texts(tree, path)]


def check_en16931_arithmetic(tree):
    """The EN 16931 calculation rules (BR-CO-10 to 16, BR-S-08, BR-CO-17), checked in Python
    because the official schematron needs an XSLT 2 processor."""
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    summation = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"

    def one(name):
        values = amounts(tree, f"{summation}/ram:{name}")
        return values[0] if values else D(0)

    line_amounts = amounts(tree, ".//ram:SpecifiedTradeSettlementLineMonetarySummation/"
                                 "ram:LineTotalAmount")
    assert one("LineTotalAmount") == sum(line_amounts)  # BR-CO-10
    allowances, charges = D(0), D(0)
    per_category: dict[tuple, Decimal] = {}
    for item in tree.iterfind(".//ram:IncludedSupplyChainTradeLineItem", NS):
        tax = item.find(".//ram:ApplicableTradeTax", NS)
        key = (tax.findtext("ram:CategoryCode", namespaces=NS),
               D(tax.findtext("ram:RateApplicablePercent", "0", NS)))
        amount = D(item.findtext(".//ram:LineTotalAmount", namespaces=NS))
        per_category[key] = per_category.get(key, D(0)) + amount
    for element in tree.iterfind(f"{settlement}/ram:SpecifiedTradeAllowanceCharge", NS):
        charge = element.findtext("ram:ChargeIndicator/udt:Indicator", namespaces=NS) == "true"
        amount = D(element.findtext("ram:ActualAmount", namespaces=NS))
        tax = element.find("ram:CategoryTradeTax", NS)
        key = (tax.findtext("ram:CategoryCode", namespaces=NS),
               D(tax.findtext("ram:RateApplicablePercent", "0", NS)))
        per_category[key] = per_category.get(key, D(0)) + (amount if charge else -amount)
        if charge:
            charges += amount
        else:
            allowances += amount
    assert one("AllowanceTotalAmount") == allowances  # BR-CO-11
    assert one("ChargeTotalAmount") == charges  # BR-CO-12
    basis = one("LineTotalAmount") - allowances + charges
    assert one("TaxBasisTotalAmount") == basis  # BR-CO-13
    tax_total = D(0)
    for tax in tree.iterfind(f"{settlement}/ram:ApplicableTradeTax", NS):
        key = (tax.findtext("ram:CategoryCode", namespaces=NS),
               D(tax.findtext("ram:RateApplicablePercent", "0", NS)))
        base = D(tax.findtext("ram:BasisAmount", namespaces=NS))
        calculated = D(tax.findtext("ram:CalculatedAmount", namespaces=NS))
        assert base == per_category.pop(key), key  # BR-S-08 and siblings
        assert abs(calculated - cents(base * key[1] / 100)) <= D("0.01"), key  # BR-CO-17
        tax_total += calculated
    assert per_category == {}  # every line category has its breakdown
    assert one("TaxTotalAmount") == tax_total  # BR-CO-14
    assert one("GrandTotalAmount") == basis + tax_total  # BR-CO-15
    assert one("DuePayableAmount") == one("GrandTotalAmount") - one("TotalPrepaidAmount")
    for price in texts(tree, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount"):
        assert D(price) >= 0  # BR-27


def test_cii_xml_of_an_invoice_is_valid_en16931():
    view = invoice_view(shipping=Party(name="Entrepôt Nord", street_address="1 rue du Quai",
                                       zip_code="59000", city="Lille"))
    xml = fx.cii_xml(view)
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = xml_tree(xml)
    assert facturx.get_level(tree) == "en16931"
    assert texts(tree, ".//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == [
        "urn:cen.eu:en16931:2017"
    ]
    assert texts(tree, "rsm:ExchangedDocument/ram:ID") == ["F-2025-0042"]
    assert texts(tree, "rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert texts(tree, ".//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == [
        "S1"
    ]
    seller = ".//ram:SellerTradeParty"
    assert texts(tree, f"{seller}/ram:Name") == ["Atelier Dupont"]
    legal = tree.find(f"{seller}/ram:SpecifiedLegalOrganization/ram:ID", NS)
    assert (legal.text, legal.get("schemeID")) == ("123456789", "0002")
    vat = tree.find(f"{seller}/ram:SpecifiedTaxRegistration/ram:ID", NS)
    assert (vat.text, vat.get("schemeID")) == ("FR32123456789", "VA")
    assert texts(tree, f"{seller}/ram:PostalTradeAddress/ram:CountryID") == ["FR"]
    assert texts(tree, ".//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == [
        "987654321"
    ]
    notes = dict(zip(texts(tree, "rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode"),
                     texts(tree, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content"),
                     strict=True))
    assert notes["PMD"].startswith("En cas de retard de paiement")
    assert "L441-10" in notes["PMT"] and "40" in notes["PMT"]
    assert notes["AAB"] == "Pas d'escompte pour paiement anticipé."
    assert notes["BAR"] == "B2B"
    means = ".//ram:SpecifiedTradeSettlementPaymentMeans"
    assert texts(tree, f"{means}/ram:TypeCode") == ["58"]
    assert texts(tree, f"{means}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == [
        "FR7630006000011234567890189"
    ]
    terms = ".//ram:SpecifiedTradePaymentTerms"
    assert texts(tree, f"{terms}/ram:Description") == ["30 jours fin de mois"]
    assert texts(tree, f"{terms}/ram:DueDateDateTime/udt:DateTimeString") == ["20250430"]
    tax_total = tree.find(".//ram:TaxTotalAmount", NS)
    assert tax_total.get("currencyID") == "EUR"
    assert len(tree.findall(".//ram:IncludedSupplyChainTradeLineItem", NS)) == 20
    ship_to = ".//ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty"
    assert texts(tree, f"{ship_to}/ram:Name") == ["Entrepôt Nord"]
    assert texts(tree, f"{ship_to}/ram:PostalTradeAddress/ram:CityName") == ["Lille"]
    assert texts(tree, ".//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString") == [
        "20250310"
    ]
    # A line reduction is a price discount: gross 126.45, discount 12.645, net 113.805.
    reduced = tree.findall(".//ram:IncludedSupplyChainTradeLineItem", NS)[3]
    assert reduced.findtext(".//ram:GrossPriceProductTradePrice/ram:ChargeAmount",
                            namespaces=NS) == "126.45"
    assert reduced.findtext(".//ram:AppliedTradeAllowanceCharge/ram:ActualAmount",
                            namespaces=NS) == "12.645"
    assert reduced.findtext(".//ram:NetPriceProductTradePrice/ram:ChargeAmount",
                            namespaces=NS) == "113.805"
    check_en16931_arithmetic(tree)
    assert fx.compliance_warnings(view) == []


def test_document_reduction_and_shipping_are_split_per_vat_rate():
    tree = xml_tree(fx.cii_xml(invoice_view()))
    settlement = ".//ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeAllowanceCharge"
    found = [
        (element.findtext("ram:ChargeIndicator/udt:Indicator", namespaces=NS),
         element.findtext("ram:ReasonCode", namespaces=NS),
         element.findtext("ram:CategoryTradeTax/ram:RateApplicablePercent", namespaces=NS))
        for element in tree.iterfind(settlement, NS)
    ]
    assert found == [("false", "95", "20"), ("false", "95", "5.5"), ("true", "FC", "20")]
    assert sum(amounts(tree, f"{settlement}/ram:ActualAmount")[:2]) == D("50")


def test_zero_rate_lines_carry_the_exemption_category_and_reason():
    view = make_view(
        [priced("Formation professionnelle", 1, "800", rate="0", unit="jour"),
         priced("Support de cours", 1, "40", rate="20", unit="u")],
        vat_exemption_reason="Exonération de TVA, article 261-4-4° du CGI",
        vat_exemption_code="VATEX-FR-CGI261-4",
    )
    html = pdf.render_html(view)
    assert "Exonération de TVA, article 261-4-4° du CGI" in html
    xml = fx.cii_xml(view)
    facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = xml_tree(xml)
    header = tree.findall(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NS)
    exempt = [tax for tax in header if tax.findtext("ram:CategoryCode", namespaces=NS) == "E"]
    assert len(exempt) == 1
    assert exempt[0].findtext("ram:ExemptionReasonCode", namespaces=NS) == "VATEX-FR-CGI261-4"
    assert exempt[0].findtext("ram:RateApplicablePercent", namespaces=NS) == "0"
    standard = [tax for tax in header if tax.findtext("ram:CategoryCode", namespaces=NS) == "S"]
    assert standard[0].find("ram:ExemptionReason", NS) is None
    check_en16931_arithmetic(tree)
    zero_rated = make_view([priced("Livre", 1, "30", rate="0")], vat_exemption_category="Z")
    tree = xml_tree(fx.cii_xml(zero_rated))
    assert texts(tree, ".//ram:CategoryCode") == ["Z", "Z"]
    assert tree.find(".//ram:ExemptionReason", NS) is None


def test_units_map_to_un_ece_codes():
    assert fx.unit_code("h") == "HUR"
    assert fx.unit_code("Heures") == "HUR"
    assert fx.unit_code("jours") == "DAY"
    assert fx.unit_code("J.") == "DAY"
    assert fx.unit_code("m²") == "MTK"
    assert fx.unit_code("forfait") == "LS"
    assert fx.unit_code("pièce") == "H87"
    assert fx.unit_code("mois") == "MON"
    assert fx.unit_code("") == "C62"
    assert fx.unit_code("bidule") == "C62"
    tree = xml_tree(fx.cii_xml(invoice_view(4)))
    codes = [q.get("unitCode") for q in tree.iterfind(".//ram:BilledQuantity", NS)]
    assert codes == ["HUR", "DAY", "HUR", "DAY"]


def test_negative_unit_price_becomes_a_negative_quantity():
    view = make_view([priced("Prestation", 1, "500"), priced("Geste commercial", 1, "-50")])
    tree = xml_tree(fx.cii_xml(view))
    assert texts(tree, ".//ram:BilledQuantity") == ["1", "-1"]
    assert texts(tree, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount") == [
        "500.00", "50.00"
    ]
    check_en16931_arithmetic(tree)


def test_what_cannot_be_an_e_invoice_is_refused_with_a_reason():
    with pytest.raises(fx.FacturXError, match="draft"):
        fx.cii_xml(invoice_view(reference=""))
    with pytest.raises(fx.FacturXError, match="totals"):
        fx.cii_xml(invoice_view(vat_total=D("1")))
    with pytest.raises(fx.FacturXError, match="BR-CO-25"):
        fx.cii_xml(invoice_view(payment_terms="", due_date=None))
    warnings = fx.compliance_warnings(invoice_view(
        reference="F 2025/42 bis", seller=Party(name="Sans SIREN", vat_number="12345678901"),
        operation_category="",
    ))
    assert any("BR-CO-09" in w for w in warnings)
    assert any("BR-FR-01" in w for w in warnings)
    assert any("BR-FR-10" in w for w in warnings)
    assert any("BR-FR-08" in w for w in warnings)


# -- PDF and Factur-X PDF -------------------------------------------------------------------


def test_facturx_pdf_is_pdf_a3_with_our_xml_embedded():
    view = invoice_view()
    data = fx.facturx_pdf(view)
    assert data.startswith(b"%PDF")
    filename, embedded = facturx.get_facturx_xml_from_pdf(data, check_xsd=True)
    assert filename == "factur-x.xml"
    assert embedded == fx.cii_xml(view)
    assert facturx.get_level(etree.fromstring(embedded)) == "en16931"

    reader = PdfReader(io.BytesIO(data))
    xmp = etree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    assert xmp.findtext(".//{http://www.aiim.org/pdfa/ns/id/}part") == "3"
    assert xmp.findtext(".//{http://www.aiim.org/pdfa/ns/id/}conformance") == "B"
    fx_ns = "{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}"
    assert xmp.findtext(f".//{fx_ns}ConformanceLevel") == "EN 16931"
    assert xmp.findtext(f".//{fx_ns}DocumentFileName") == "factur-x.xml"
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root  # the sRGB output intent PDF/A needs
    assert root["/AF"][0].get_object()["/AFRelationship"] == "/Data"
    assert reader.metadata.title == "Atelier Dupont : Facture F-2025-0042"
    text = "".join(pdf_text(data))
    assert "Facture" in text and "F-2025-0042" in text


def test_document_pdf_is_factur_x_only_for_validated_invoices():
    validated = document_pdf(invoice_view(3))
    assert facturx.get_facturx_xml_from_pdf(validated, check_xsd=False)[0] == "factur-x.xml"
    for view in (invoice_view(3, reference=""),
                 invoice_view(3, kind="proposal", validity_date=date(2025, 4, 1))):
        data = document_pdf(view)
        assert data.startswith(b"%PDF")
        assert facturx.get_facturx_xml_from_pdf(data, check_xsd=False) == (False, False)


def test_a_200_line_invoice_runs_over_numbered_pages():
    view = invoice_view(200)
    data = pdf.render_pdf(view)
    pages = pdf_text(data)
    assert len(pages) >= 5
    for number, text in enumerate(pages, start=1):
        assert f"Page {number}/{len(pages)}" in text
        assert "SIREN 123 456 789 RCS Paris" in text  # the seller's legal line, every page
        if "Prestation n°" in text:
            assert "Désignation" in text  # the table header repeats on every page of lines
    assert "Prestation n° 200" in "".join(pages[-2:]) and "Total TTC" in pages[-1]


def test_render_time_of_a_20_line_invoice(capsys):
    """Measured and printed, not asserted (the target is a median of 0.4 s for the PDF)."""
    view = invoice_view(20)
    fx.facturx_pdf(view)  # warm: fonts, Pango, XSD

    def median(function, runs=7):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    results = {
        "HTML": median(lambda: pdf.render_html(view)),
        "PDF": median(lambda: pdf.render_pdf(view)),
        "Factur-X PDF": median(lambda: fx.facturx_pdf(view)),
    }
    with capsys.disabled():
        print("\n20-line invoice, median of 7: " + ", ".join(
            f"{name} {seconds * 1000:.0f} ms" for name, seconds in results.items()))
    assert all(seconds > 0 for seconds in results.values())


def test_pdf_embeds_the_small_document_font():
    data = pdf.render_pdf(invoice_view(3))
    assert len(data) < 250_000
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("Comptoir-Sans" in name for name in fonts), fonts


@pytest.mark.parametrize(("kind", "reduction"), [
    ("invoice", "0"), ("invoice", "10"), ("proposal", "0"), ("delivery_note", "0"),
])
def test_every_row_of_the_lines_table_spans_exactly_its_columns(kind, reduction):
    lines = [
        priced("Conception", 2, "500", unit="jour", reduction=reduction),
        DocumentLine(description="Un commentaire", kind="comment"),
        DocumentLine(description="Sous-total", kind="total", total_price=D("1000")),
    ]
    html = pdf.render_html(make_view(lines, kind=kind))
    table = etree.HTML(html).find(".//table[@class='lines']")
    columns = len(table.findall("./colgroup/col"))
    for row in table.iter("tr"):
        span = sum(int(cell.get("colspan", "1")) for cell in row if cell.tag in ("td", "th"))
        assert span == columns, etree.tostring(row)
