"""Factur-X e-invoices: the UN/CEFACT CII XML (profile EN 16931) of an invoice or credit note,
and the PDF/A-3 that carries it.

Why: French companies must receive e-invoices from September 2026 and issue them from 2027
(SMEs). Factur-X is the French/German hybrid format: a PDF people read, with the structured
XML embedded that accounting systems and the e-invoicing platforms (PDP) read. EN 16931 is the
European semantic standard; its profile is the one every platform accepts.

How:

- ``cii_xml(view)`` builds the XML with lxml from a ``SheetView`` (never by pasting strings:
  user text is only ever assigned as element text). The PDF and the XML are fed by the same
  view, so the numbers match by construction; the builder still checks the EN 16931 arithmetic
  (``view.consistency_problems``) and refuses a document the platforms would reject
  (``FacturXError``): a draft without a number, a proposal or delivery note, totals that do not
  add up, an amount due without due date or payment terms.
- ``facturx_pdf(view)`` renders the PDF with WeasyPrint as PDF/A-3b (WeasyPrint 70's variant
  name ``"pdf/a-3b"``: ICC output intent, XMP identification) and hands it to the ``factur-x``
  package, which validates the XML against the official XSD, embeds it as ``factur-x.xml``
  (AFRelationship Data) and writes the Factur-X XMP metadata (conformance level EN 16931).
- ``compliance_warnings(view)`` lists what the French CTC rules (BR-FR, September 2026) will
  ask beyond EN 16931 (seller SIREN, electronic addresses, invoice number format, the corrected
  invoice's date on a credit note...) without blocking, so the UI can tell the user early.

Mapping decisions are documented next to the code that makes them (units, VAT categories,
document reduction split per VAT rate, shipping as a document-level charge, notes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from comptoir.sales.documents.pdf import (
    document_title,
    exemption_reason,
    format_date,
    late_payment_texts,
    render_pdf,
)
from comptoir.sales.documents.view import (
    ZERO,
    DocumentLine,
    Party,
    SheetView,
    clean_text,
    consistency_problems,
)

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
FACTURX_LEVEL = "en16931"
PDF_VARIANT = "pdf/a-3b"

TYPE_INVOICE, TYPE_CREDIT_NOTE, TYPE_DEPOSIT = "380", "381", "386"
PAYMENT_SEPA_TRANSFER = "58"
SCHEME_SIREN = "0002"  # ISO 6523 ICD of the French SIREN (BT-30 legal registration id)
SCHEME_SIREN_ADDRESS = "0225"  # electronic address scheme of the French e-invoicing directory
SCHEME_VAT = "VA"
ALLOWANCE_DISCOUNT = "95"  # UNTDID 5189 "Discount"
CHARGE_FREIGHT = "FC"  # UNTDID 7161 "Freight service"

# UN/ECE Recommendation 20 codes for the units French businesses type. Keys are normalised by
# ``unit_code`` (lower case, no accents, no trailing dot or plural s).
UNIT_CODES = {
    "h": "HUR", "hr": "HUR", "heure": "HUR", "hour": "HUR", "hre": "HUR",
    "j": "DAY", "jr": "DAY", "jour": "DAY", "journee": "DAY", "day": "DAY",
    "demi-journee": "C62", "min": "MIN", "minute": "MIN", "mn": "MIN",
    "sem": "WEE", "semaine": "WEE", "week": "WEE",
    "moi": "MON", "mois": "MON", "month": "MON",
    "an": "ANN", "annee": "ANN", "year": "ANN",
    "u": "C62", "un": "C62", "unite": "C62", "unit": "C62", "ex": "C62", "exemplaire": "C62",
    "pc": "H87", "pce": "H87", "piece": "H87", "pi": "H87",
    "forfait": "LS", "fft": "LS", "ff": "LS", "forf": "LS",
    "lot": "LO", "ens": "SET", "ensemble": "SET", "set": "SET", "kit": "SET",
    "paire": "PR", "boite": "XBX", "carton": "XCT", "palette": "XPX", "sac": "XBG",
    "page": "ZZ",
    "kg": "KGM", "g": "GRM", "gr": "GRM", "t": "TNE", "tonne": "TNE",
    "m": "MTR", "ml": "MTR", "metre": "MTR", "cm": "CMT", "mm": "MMT", "km": "KMT",
    "m2": "MTK", "m²": "MTK", "metre carre": "MTK", "m3": "MTQ", "m³": "MTQ",
    "l": "LTR", "litre": "LTR", "cl": "CLT", "kwh": "KWH",
}
# ``ml`` means "mètre linéaire" on French quotes far more often than millilitre.
DEFAULT_UNIT = "C62"

_UNIT_ACCENTS = str.maketrans("éèêëàâäîïôöûüç", "eeeeaaaiioouuc")
_REFERENCE_FR = re.compile(r"^[A-Za-z0-9+\-_/]{1,35}$")

CENT = Decimal("0.01")
XML_PROLOG = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# BR-CO-25 wants payment terms or a due date whenever an amount is due, credit notes included.
CREDIT_NOTE_TERMS = "Avoir remboursable ou à déduire d'une prochaine facture"


class FacturXError(ValueError):
    """The view cannot become a valid EN 16931 e-invoice; the message says why."""


def unit_code(unit: str) -> str:
    """The UN/ECE Rec 20 code of a unit as typed ("h", "jours", "m²"...); C62 when unknown."""
    key = clean_text(unit).strip().lower().translate(_UNIT_ACCENTS).rstrip(".").strip()
    if not key:
        return DEFAULT_UNIT
    if key in UNIT_CODES:
        return UNIT_CODES[key]
    if key.endswith("s") and key[:-1] in UNIT_CODES:
        return UNIT_CODES[key[:-1]]
    return DEFAULT_UNIT


def type_code(view: SheetView) -> str:
    if view.kind == "credit":
        return TYPE_CREDIT_NOTE
    return TYPE_DEPOSIT if view.is_deposit else TYPE_INVOICE


# -- value formats ---------------------------------------------------------------------------


def _amount(value: Decimal) -> str:
    """Amounts: two decimals, half up, a dot, no exponent, no negative zero."""
    value = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return format(value if value else CENT * 0, "f")


def _decimal(value: Decimal, places: int, min_places: int = 0) -> str:
    value = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(value if value else Decimal(0), "f")
    if "." in text:
        integer, fraction = text.split(".")
        fraction = fraction.rstrip("0").ljust(min_places, "0")
        text = f"{integer}.{fraction}" if fraction else integer
    elif min_places:
        text = f"{text}.{'0' * min_places}"
    return text


def _price(value: Decimal) -> str:
    return _decimal(value, 6, 2)  # BR-FR-DEC-03: at most 6 decimals


def _quantity(value: Decimal) -> str:
    return _decimal(value, 4)  # BR-FR-DEC-02: at most 4 decimals


def _percent(value: Decimal) -> str:
    return _decimal(value, 2)


def _date102(value: date) -> str:
    return value.strftime("%Y%m%d")


def _digits(value: str) -> str:
    return "".join(ch for ch in clean_text(value) if ch.isdigit())


# -- XML building ------------------------------------------------------------------------------


def _el(parent, tag: str, text: object = None, **attributes: str):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attributes)
    if text is not None:
        element.text = clean_text(text)  # lxml escapes; clean_text drops what XML forbids
    return element


def _date_element(parent, tag: str, value: date, qualified: bool = False):
    holder = _el(parent, tag)
    _el(holder, "qdt:DateTimeString" if qualified else "udt:DateTimeString", _date102(value),
        format="102")
    return holder


def _indicator(parent, tag: str, value: bool):
    _el(_el(parent, tag), "udt:Indicator", "true" if value else "false")


@dataclass(frozen=True, slots=True)
class _Category:
    """A VAT breakdown key: EN 16931 category code and rate (None for category O)."""

    code: str
    rate: Decimal | None


def _category(view: SheetView, rate: Decimal) -> _Category:
    """Rates above zero are standard (S). At 0 % the view says which regime applies: E exempt
    (default, e.g. franchise en base), Z zero rate, AE reverse charge, K intra-community, G
    export, O outside the scope (which carries no rate at all)."""
    if rate:
        return _Category("S", rate)
    code = (view.vat_exemption_category or "E").upper()
    return _Category(code, None if code == "O" else ZERO)


def _tax(parent, tag: str, category: _Category, view: SheetView, *, calculated=None,
         basis=None, header: bool = False):
    tax = _el(parent, tag)
    if calculated is not None:
        _el(tax, "ram:CalculatedAmount", _amount(calculated))
    _el(tax, "ram:TypeCode", "VAT")
    reason = exemption_reason(view) if header and category.code not in ("S", "Z") else ""
    if reason:
        _el(tax, "ram:ExemptionReason", reason)
    if basis is not None:
        _el(tax, "ram:BasisAmount", _amount(basis))
    _el(tax, "ram:CategoryCode", category.code)
    if header and category.code not in ("S", "Z") and view.vat_exemption_code:
        _el(tax, "ram:ExemptionReasonCode", view.vat_exemption_code)
    if header and view.vat_on_debits:
        _el(tax, "ram:DueDateTypeCode", "5")  # tax due on the invoice date (option débits)
    if category.rate is not None:
        _el(tax, "ram:RateApplicablePercent", _percent(category.rate))
    return tax


def _address(parent, party: Party):
    address = _el(parent, "ram:PostalTradeAddress")
    if party.zip_code:
        _el(address, "ram:PostcodeCode", party.zip_code)
    if party.street_address:
        _el(address, "ram:LineOne", party.street_address)
    if party.street_address2:
        _el(address, "ram:LineTwo", party.street_address2)
    if party.city:
        _el(address, "ram:CityName", party.city)
    _el(address, "ram:CountryID", (clean_text(party.country_code).strip() or "FR").upper())


def _trade_party(parent, tag: str, party: Party, *, with_contact: bool = True):
    """Name, SIREN as legal registration (scheme 0002), contact, address, SIREN-based
    electronic address (scheme 0225, the French directory), VAT number (scheme VA)."""
    element = _el(parent, tag)
    _el(element, "ram:Name", clean_text(party.name).strip() or "-")
    siren = _digits(party.siren)
    if len(siren) == 9:
        legal = _el(element, "ram:SpecifiedLegalOrganization")
        _el(legal, "ram:ID", siren, schemeID=SCHEME_SIREN)
    if with_contact and (party.contact_name or party.phone or party.email):
        contact = _el(element, "ram:DefinedTradeContact")
        if party.contact_name:
            _el(contact, "ram:PersonName", party.contact_name)
        if party.phone:
            _el(_el(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber",
                party.phone)
        if party.email:
            _el(_el(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", party.email)
    _address(element, party)
    if len(siren) == 9:
        _el(_el(element, "ram:URIUniversalCommunication"), "ram:URIID", siren,
            schemeID=SCHEME_SIREN_ADDRESS)
    vat_number = "".join(clean_text(party.vat_number).split()).upper()
    if vat_number:
        _el(_el(element, "ram:SpecifiedTaxRegistration"), "ram:ID", vat_number,
            schemeID=SCHEME_VAT)
    return element


def _business_process(view: SheetView) -> str:
    """French BT-23 "cadre de facturation": B goods, S services, M mixed; 1 = ordinary invoice.
    Only sent when the view says what the operation is."""
    category = clean_text(view.operation_category).lower().translate(_UNIT_ACCENTS)
    if not category:
        return ""
    if "mixte" in category or ("bien" in category and "service" in category):
        return "M1"
    if "bien" in category or "livraison" in category or "marchandise" in category:
        return "B1"
    return "S1"


def _buyer_kind(buyer: Party) -> str:
    """French BAR note: who the invoice goes to (B2B in France, abroad, or a consumer)."""
    if (buyer.country_code or "FR").upper() != "FR":
        return "B2BINT" if buyer.vat_number or buyer.siren else "B2C"
    return "B2B" if len(_digits(buyer.siren)) == 9 else "B2C"


def _line_item(parent, number: int, line: DocumentLine, view: SheetView, sign: int):
    """One priced line. A negative unit price becomes a negative quantity at a positive price
    (EN 16931 BR-27: prices are never negative); a line reduction becomes a price discount
    (gross price, discount, net price)."""
    quantity = sign * line.quantity
    price = line.unit_price
    if price < 0:
        price, quantity = -price, -quantity
    reduction = line.reduction_percent or ZERO
    net = (price * (100 - reduction) / 100).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    item = _el(parent, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(number))
    product = _el(item, "ram:SpecifiedTradeProduct")
    if line.reference:
        _el(product, "ram:SellerAssignedID", line.reference)
    text = clean_text(line.description).strip()
    name, _, rest = text.partition("\n")
    _el(product, "ram:Name", name.strip() or clean_text(line.reference) or "-")
    more = "\n".join(part for part in (rest.strip(), clean_text(line.description_more).strip())
                     if part)
    if more:
        _el(product, "ram:Description", more)
    agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
    if reduction:
        gross = _el(agreement, "ram:GrossPriceProductTradePrice")
        _el(gross, "ram:ChargeAmount", _price(price))
        discount = _el(gross, "ram:AppliedTradeAllowanceCharge")
        _indicator(discount, "ram:ChargeIndicator", False)
        _el(discount, "ram:ActualAmount", _price(price - net))
    _el(_el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", _price(net))
    _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", _quantity(quantity),
        unitCode=unit_code(line.unit))
    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    _tax(settlement, "ram:ApplicableTradeTax", _category(view, line.vat_rate), view)
    _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
        "ram:LineTotalAmount", _amount(sign * line.total_price))


def _allowance_charge(parent, *, charge: bool, amount: Decimal, reason_code: str,
                      reason: str, category: _Category, view: SheetView):
    element = _el(parent, "ram:SpecifiedTradeAllowanceCharge")
    _indicator(element, "ram:ChargeIndicator", charge)
    _el(element, "ram:ActualAmount", _amount(amount))
    _el(element, "ram:ReasonCode", reason_code)
    _el(element, "ram:Reason", reason)
    _tax(element, "ram:CategoryTradeTax", category, view)


def _check(view: SheetView) -> None:
    if view.kind not in ("invoice", "credit"):
        raise FacturXError(f"a {view.kind} is not an invoice: Factur-X is for invoices and "
                           "credit notes")
    if view.is_draft:
        raise FacturXError("a draft has no invoice number: only a validated invoice becomes "
                           "a Factur-X e-invoice")
    if not view.priced_lines:
        raise FacturXError("an e-invoice needs at least one priced line")
    problems = consistency_problems(view)
    if problems:
        raise FacturXError("the totals do not add up: " + "; ".join(problems))


def _allowances_per_rate(view: SheetView, sign: int) -> dict[Decimal, Decimal]:
    """The document reduction split per VAT rate, as EN 16931 wants every allowance to carry
    its VAT category: for each rate, lines + shipping at that rate - taxable base."""
    lines: dict[Decimal, Decimal] = {}
    for line in view.priced_lines:
        lines[line.vat_rate] = lines.get(line.vat_rate, ZERO) + line.total_price
    if view.shipping_cost:
        rate = view.shipping_vat_rate
        lines[rate] = lines.get(rate, ZERO) + view.shipping_cost
    split = {}
    for rate_total in view.rate_totals:
        allowance = lines.get(rate_total.vat_rate, ZERO) - rate_total.base
        if abs(allowance) >= CENT:
            if allowance < 0 or not view.reduction_total:
                raise FacturXError(
                    f"the taxable base at {rate_total.vat_rate} % ({rate_total.base}) does not "
                    f"match its lines and shipping ({lines.get(rate_total.vat_rate, ZERO)})"
                )
            split[rate_total.vat_rate] = sign * allowance
    return split


def cii_xml(view: SheetView) -> bytes:
    """The EN 16931 CII XML (UTF-8, with prolog) of a validated invoice or credit note."""
    _check(view)
    sign = -1 if view.kind == "credit" and view.vat_inc_total < 0 else 1
    currency = clean_text(view.currency).strip().upper() or "EUR"

    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    process = _business_process(view)
    if process:
        _el(_el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID",
            process)
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID",
        GUIDELINE_EN16931)

    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", clean_text(view.reference).strip())
    _el(document, "ram:TypeCode", type_code(view))
    _date_element(document, "ram:IssueDateTime", view.issue_date)
    discount, penalties, indemnity = late_payment_texts(view)
    notes = [(penalties, "PMD"), (indemnity, "PMT"), (discount, "AAB"),
             (_buyer_kind(view.buyer), "BAR")]
    if view.notes.strip():
        notes.insert(0, (clean_text(view.notes).strip(), "AAI"))
    for content, subject in notes:
        note = _el(document, "ram:IncludedNote")
        _el(note, "ram:Content", content)
        _el(note, "ram:SubjectCode", subject)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for number, line in enumerate(view.priced_lines, start=1):
        _line_item(transaction, number, line, view, sign)

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if view.buyer_reference:
        _el(agreement, "ram:BuyerReference", view.buyer_reference)
    _trade_party(agreement, "ram:SellerTradeParty", view.seller)
    _trade_party(agreement, "ram:BuyerTradeParty", view.buyer)
    if view.purchase_order_reference:
        _el(_el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID",
            view.purchase_order_reference)

    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    if view.shipping is not None:
        ship_to = _el(delivery, "ram:ShipToTradeParty")
        _el(ship_to, "ram:Name", clean_text(view.shipping.name).strip() or "-")
        _address(ship_to, view.shipping)
    if view.delivery_date:
        _date_element(_el(delivery, "ram:ActualDeliverySupplyChainEvent"),
                      "ram:OccurrenceDateTime", view.delivery_date)

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:PaymentReference", clean_text(view.reference).strip())
    _el(settlement, "ram:InvoiceCurrencyCode", currency)
    if view.bank is not None and view.bank.iban and view.kind == "invoice":
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", PAYMENT_SEPA_TRANSFER)
        account = _el(means, "ram:PayeePartyCreditorFinancialAccount")
        _el(account, "ram:IBANID", "".join(clean_text(view.bank.iban).split()).upper())
        if view.bank.account_name:
            _el(account, "ram:AccountName", view.bank.account_name)
        if view.bank.bic:
            _el(_el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID",
                "".join(clean_text(view.bank.bic).split()).upper())

    for rate_total in sorted(view.rate_totals, key=lambda r: r.vat_rate, reverse=True):
        _tax(settlement, "ram:ApplicableTradeTax", _category(view, rate_total.vat_rate), view,
             calculated=sign * rate_total.vat, basis=sign * rate_total.base, header=True)

    for rate, allowance in sorted(_allowances_per_rate(view, sign).items(), reverse=True):
        _allowance_charge(settlement, charge=False, amount=allowance,
                          reason_code=ALLOWANCE_DISCOUNT, reason="Remise",
                          category=_category(view, rate), view=view)
    if view.shipping_cost:
        _allowance_charge(settlement, charge=True, amount=sign * view.shipping_cost,
                          reason_code=CHARGE_FREIGHT, reason="Frais de port",
                          category=_category(view, view.shipping_vat_rate), view=view)

    due = sign * view.remaining_due
    terms_text = clean_text(view.payment_terms).strip()
    if not terms_text and not view.due_date and view.kind == "credit":
        terms_text = CREDIT_NOTE_TERMS
    if terms_text or view.due_date:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        if terms_text:
            _el(terms, "ram:Description", terms_text)
        if view.due_date:
            _date_element(terms, "ram:DueDateDateTime", view.due_date)
    elif due > 0:
        raise FacturXError("an invoice with an amount due needs a due date or payment terms "
                           "(EN 16931 BR-CO-25)")

    summation = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(summation, "ram:LineTotalAmount", _amount(sign * view.lines_total))
    if view.shipping_cost:
        _el(summation, "ram:ChargeTotalAmount", _amount(sign * view.shipping_cost))
    if view.reduction_total:
        _el(summation, "ram:AllowanceTotalAmount", _amount(sign * view.reduction_total))
    _el(summation, "ram:TaxBasisTotalAmount", _amount(sign * view.vat_exc_total))
    _el(summation, "ram:TaxTotalAmount", _amount(sign * view.vat_total), currencyID=currency)
    _el(summation, "ram:GrandTotalAmount", _amount(sign * view.vat_inc_total))
    if view.payed_amount:
        _el(summation, "ram:TotalPrepaidAmount", _amount(sign * view.payed_amount))
    _el(summation, "ram:DuePayableAmount", _amount(due))

    if view.origin_reference and view.kind == "credit":
        referenced = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(referenced, "ram:IssuerAssignedID", view.origin_reference)
        if view.origin_date:
            _date_element(referenced, "ram:FormattedIssueDateTime", view.origin_date,
                          qualified=True)

    return XML_PROLOG + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def compliance_warnings(view: SheetView) -> list[str]:
    """What the French e-invoicing rules (CTC, BR-FR) will reject that EN 16931 accepts.
    Informative: ``cii_xml`` does not refuse these."""
    warnings = []
    reference = clean_text(view.reference).strip()
    if reference and not _REFERENCE_FR.match(reference):
        warnings.append("invoice number: at most 35 letters, digits and + - _ / (BR-FR-01/02)")
    if len(_digits(view.seller.siren)) != 9:
        warnings.append("seller SIREN (9 digits) is required (BR-FR-10)")
    if not view.seller.vat_number and any(r.vat_rate for r in view.rate_totals):
        warnings.append("seller VAT number is required with VAT at a standard rate (BR-S-02)")
    if _buyer_kind(view.buyer) == "B2B" and len(_digits(view.buyer.siren)) != 9:
        warnings.append("buyer SIREN (9 digits) is required in B2B (BR-FR-11)")
    for role, party in (("seller", view.seller), ("buyer", view.buyer)):
        vat_number = "".join(clean_text(party.vat_number).split())
        if vat_number and not re.match(r"^[A-Za-z]{2}", vat_number):
            warnings.append(f"{role} VAT number starts with its country code (BR-CO-09)")
    if view.kind == "credit" and not (view.origin_reference and view.origin_date):
        warnings.append("a credit note names the corrected invoice and its date (BR-FR-CO-05)")
    if view.kind == "invoice" and not view.is_deposit and view.due_date and (
        view.due_date < view.issue_date
    ):
        warnings.append("the due date is before the issue date (BR-FR-CO-07)")
    if not view.operation_category:
        warnings.append("the operation category (goods, services, mixed) is required "
                        "(BT-23, BR-FR-08)")
    if (view.currency or "EUR").upper() != "EUR":
        warnings.append("an invoice in another currency also states its VAT in EUR "
                        "(BR-FR-CO-12), which this builder does not do yet")
    return warnings


def pdf_metadata(view: SheetView) -> dict[str, str]:
    """French document metadata (the factur-x package would write English ones)."""
    title = document_title(view)
    seller = clean_text(view.seller.name)
    reference = clean_text(view.reference).strip()
    return {
        "author": seller,
        "keywords": f"{title}, Factur-X",
        "title": f"{seller} : {title} {reference}",
        "subject": f"{title} {reference} du {format_date(view.issue_date)} émise par {seller}",
    }


def facturx_pdf(view: SheetView, pdf: bytes | None = None) -> bytes:
    """The Factur-X PDF/A-3 of a validated invoice or credit note.

    ``pdf``: an already rendered PDF/A-3 of this view (``render_pdf(view,
    pdf_variant="pdf/a-3b")``); rendered here when not given. The XML is validated against
    the EN 16931 XSD by the factur-x package before it is embedded.
    """
    import facturx

    xml = cii_xml(view)
    if pdf is None:
        pdf = render_pdf(view, pdf_variant=PDF_VARIANT)
    return facturx.generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level=FACTURX_LEVEL,
        check_xsd=True,
        pdf_metadata=pdf_metadata(view),
        lang="fr-FR",
    )
