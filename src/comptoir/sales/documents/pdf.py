"""Printed sales documents: a ``SheetView`` in, French HTML and a WeasyPrint PDF out.

Why HTML/CSS and WeasyPrint: the layout lives in two ordinary templates
(``sales/documents/document.html`` and ``document.css``) that a company can override and
restyle without touching Python, and the same HTML can be shown in the browser as a preview.

How the work is split:

- ``build_context`` turns the view model into display-ready strings (French number and date
  formats, the titles and the legal mentions of each document kind), so the templates hold no
  formatting logic and need no custom template tags. User text is cleaned of characters that
  cannot be printed and is escaped by Django's auto-escaping, never marked safe.
- ``render_html`` renders the template (``sales/documents/<kind>.html`` when a company added
  one, else ``document.html``).
- ``render_pdf`` lays it out on A4 with WeasyPrint. Everything that does not depend on the
  document is built once per thread and reused: the font configuration and the parsed
  stylesheet (re-parsed only when the CSS template's text changes). Resources are loaded only
  from ``data:`` URLs: a document never reaches the network or the file system, whatever a
  template or a user's text contains.

Speed (target: a 20-line invoice in 0.4 s): without HarfBuzz's subsetter on the system
(Debian package ``libharfbuzz-subset0``), WeasyPrint subsets every font face of every PDF with
fontTools, which alone costs 0.1-0.4 s per face with DejaVu. So the stylesheet uses one family
with two faces, "Comptoir Sans" regular and bold: DejaVu Sans reduced once to the Latin
characters invoices use (~65 KB, cached under ``DATA_DIR/fonts``) and embedded whole, which
skips the per-document subsetting. A document with characters outside that set falls back to
the system fonts and WeasyPrint's subsetting (slower, every script still prints). The layout
avoids what makes WeasyPrint measure twice (auto-width tables, ``overflow-wrap`` on numbers),
and the cyclic garbage collector is paused while a page is laid out.
"""

from __future__ import annotations

import atexit
import base64
import ctypes
import gc
import hashlib
import io
import logging
import os
import shutil
import threading
import weakref
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.template.loader import get_template, select_template

from comptoir.sales.documents.view import BankDetails, Party, SheetView, clean_text

logger = logging.getLogger(__name__)

NBSP = "\u00a0"
MINUS = "\u2212"
CENT = Decimal("0.01")
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}

TEMPLATE_DIR = "sales/documents"
STYLESHEET_TEMPLATE = f"{TEMPLATE_DIR}/document.css"

RECOVERY_ARTICLE = "article L441-10 du Code de commerce"
NO_DISCOUNT = "Pas d'escompte pour paiement anticipé."
DEFAULT_EXEMPTION_REASONS = {
    "E": "Exonération de TVA",
    "AE": "Autoliquidation",
    "K": "Exonération de TVA, article 262 ter I du CGI",
    "G": "Exonération de TVA, article 262 I du CGI",
    "O": "Opération non soumise à la TVA",
}


# -- French formatting ---------------------------------------------------------------------


def _group(digits: str) -> str:
    """'1234567' -> '1 234 567' with non-breaking spaces."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return NBSP.join(parts)


def format_decimal(value: Decimal, min_places: int = 0, max_places: int = 3) -> str:
    """French decimal: comma, grouped thousands, between ``min_places`` and ``max_places``."""
    value = Decimal(value).quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
    sign = MINUS if value < 0 else ""
    integer, _, fraction = format(abs(value), "f").partition(".")
    fraction = fraction.rstrip("0")
    if len(fraction) < min_places:
        fraction = fraction.ljust(min_places, "0")
    text = _group(integer) + ("," + fraction if fraction else "")
    return sign + text


def format_amount(value: Decimal, currency: str = "EUR") -> str:
    """'1 234,56 €': two decimals, half up, non-breaking spaces, the currency sign after."""
    text = format_decimal(value, min_places=2, max_places=2)
    return f"{text}{NBSP}{CURRENCY_SYMBOLS.get(currency, currency)}"


def _whole_amount(value: Decimal) -> str:
    """'40 €' rather than '40,00 €' for the amounts the law states in whole euros."""
    if value == value.to_integral_value():
        return f"{format_decimal(value, max_places=0)}{NBSP}€"
    return format_amount(value)


def format_price(value: Decimal, currency: str = "EUR") -> str:
    """A unit price: like an amount, but keeps up to 4 decimals when the price has them."""
    text = format_decimal(value, min_places=2, max_places=4)
    return f"{text}{NBSP}{CURRENCY_SYMBOLS.get(currency, currency)}"


def format_percent(value: Decimal) -> str:
    """'20 %', '5,5 %' (French typography: a non-breaking space before the sign)."""
    return f"{format_decimal(value, max_places=3)}{NBSP}%"


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_siren(siren: str) -> str:
    digits = "".join(ch for ch in siren if ch.isdigit())
    if len(digits) == 9:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    if len(digits) == 14:
        return f"{digits[:3]} {digits[3:6]} {digits[6:9]} {digits[9:]}"
    return siren


def format_iban(iban: str) -> str:
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


# -- Context --------------------------------------------------------------------------------


def document_title(view: SheetView) -> str:
    if view.kind == "invoice":
        return "Facture d'acompte" if view.is_deposit else "Facture"
    return {"credit": "Avoir", "proposal": "Devis", "delivery_note": "Bon de livraison"}.get(
        view.kind, "Document"
    )


def _address_lines(party: Party) -> list[str]:
    lines = [clean_text(party.street_address), clean_text(party.street_address2)]
    lines.append(" ".join(p for p in (clean_text(party.zip_code), clean_text(party.city)) if p))
    if party.country_code.upper() != "FR" or (
        party.country and party.country.strip().lower() != "france"
    ):
        lines.append(clean_text(party.country) or party.country_code.upper())
    return [line for line in lines if line.strip()]


def _party(party: Party | None, seller: bool = False) -> dict | None:
    """Name, address lines and identifiers of a party; the seller also shows how to reach it,
    the customer the person the document is addressed to."""
    if party is None:
        return None
    ids = []
    if party.siret and seller:
        ids.append(f"SIRET {format_siren(clean_text(party.siret))}")
    elif party.siren:
        ids.append(f"SIREN {format_siren(clean_text(party.siren))}")
    if party.vat_number:
        label = "N° TVA intracommunautaire" if seller else "N° TVA"
        ids.append(f"{label} : {clean_text(party.vat_number)}")
    address = _address_lines(party)
    contact = []
    if seller:
        if party.phone:
            contact.append(f"Tél. {clean_text(party.phone)}")
        if party.email:
            contact.append(clean_text(party.email))
    elif party.contact_name:
        address.insert(0, clean_text(party.contact_name))
    return {"name": clean_text(party.name), "address": address, "contact": contact, "ids": ids}


def legal_line(seller: Party) -> str:
    """The seller's identity as the law wants it on every page: name, legal form and capital,
    address, SIREN and registry, VAT number."""
    head = clean_text(seller.name)
    if seller.legal_form:
        head += f", {clean_text(seller.legal_form)}"
    if seller.share_capital:
        head += f" au capital de {clean_text(seller.share_capital)}"
    parts = [head, ", ".join(_address_lines(seller))]
    if seller.siren or seller.siret:
        registry = f"SIREN {format_siren(clean_text(seller.siren))}" if seller.siren else ""
        if seller.rcs:
            registry = f"{registry} {clean_text(seller.rcs)}".strip()
        if seller.siret:
            registry = f"{registry} (SIRET {format_siren(clean_text(seller.siret))})".strip()
        parts.append(registry)
    if seller.vat_number:
        parts.append(f"TVA intracommunautaire {clean_text(seller.vat_number)}")
    return " – ".join(part for part in parts if part)


def _logo_src(data: bytes) -> str:
    if not data:
        return ""
    head = data[:256].lstrip()
    if data.startswith(b"\x89PNG"):
        mime = "image/png"
    elif data.startswith(b"\xff\xd8"):
        mime = "image/jpeg"
    elif head.startswith(b"<svg") or head.startswith(b"<?xml"):
        mime = "image/svg+xml"
    else:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _dates(view: SheetView) -> list[tuple[str, str]]:
    dates = [("Date", format_date(view.issue_date))]
    if view.kind == "proposal" and view.validity_date:
        dates.append(("Valable jusqu'au", format_date(view.validity_date)))
    if view.delivery_date:
        label = "Date de livraison" if view.kind == "delivery_note" else "Livraison / prestation"
        dates.append((label, format_date(view.delivery_date)))
    if view.kind == "invoice" and view.due_date:
        dates.append(("Échéance", format_date(view.due_date)))
    return dates


def _origin_text(view: SheetView) -> str:
    if not view.origin_reference:
        return ""
    reference = clean_text(view.origin_reference)
    suffix = f" du {format_date(view.origin_date)}" if view.origin_date else ""
    if view.kind == "credit":
        return f"Avoir sur la facture n° {reference}{suffix}"
    if view.kind == "invoice":
        return f"Suivant devis n° {reference}{suffix}"
    return f"Document d'origine n° {reference}{suffix}"


def _lines(view: SheetView) -> list[dict]:
    currency = view.currency
    lines = []
    for line in view.lines:
        priced = line.kind in ("", "option")
        lines.append({
            "kind": line.kind,
            "description": clean_text(line.description),
            "description_more": clean_text(line.description_more),
            "reference": clean_text(line.reference),
            "quantity": format_decimal(line.quantity) if priced else "",
            "unit": clean_text(line.unit) if priced else "",
            "unit_price": format_price(line.unit_price, currency) if priced else "",
            "reduction": format_percent(line.reduction_percent)
            if priced and line.reduction_percent else "",
            "vat_rate": format_percent(line.vat_rate) if priced else "",
            "total": format_amount(line.total_price, currency)
            if line.kind in ("", "option", "total") else "",
        })
    return lines


def _totals(view: SheetView) -> list[dict]:
    def money(value: Decimal) -> str:
        return format_amount(value, view.currency)

    rows = []
    if view.reduction_total or view.shipping_cost:
        rows.append({"label": "Total HT des lignes", "value": money(view.lines_total), "css": ""})
        if view.reduction_total:
            rows.append({"label": "Remise", "value": money(-view.reduction_total), "css": ""})
        if view.shipping_cost:
            rows.append({"label": "Frais de port HT", "value": money(view.shipping_cost),
                         "css": ""})
        rows.append({"label": "Total HT", "value": money(view.vat_exc_total), "css": "subtotal"})
    else:
        rows.append({"label": "Total HT", "value": money(view.vat_exc_total), "css": ""})
    rows.append({"label": "Total TVA", "value": money(view.vat_total), "css": ""})
    label = "Total TTC de l'avoir" if view.kind == "credit" else "Total TTC"
    rows.append({"label": label, "value": money(view.vat_inc_total), "css": "grand-total"})
    if view.payed_amount:
        rows.append({"label": "Déjà réglé", "value": money(-view.payed_amount), "css": ""})
        due = "Reste à rembourser" if view.kind == "credit" else "Net à payer"
        rows.append({"label": due, "value": money(view.remaining_due), "css": "due"})
    return rows


def _bank(bank: BankDetails | None) -> dict | None:
    if bank is None or not bank.iban:
        return None
    return {
        "iban": format_iban(clean_text(bank.iban)),
        "bic": clean_text(bank.bic).upper(),
        "account_name": clean_text(bank.account_name),
        "bank_name": clean_text(bank.bank_name),
    }


def _payment(view: SheetView) -> dict | None:
    if view.kind not in ("invoice", "proposal"):
        return None
    lines = []
    if view.payment_terms:
        lines.append(f"Conditions de paiement : {clean_text(view.payment_terms)}")
    if view.kind == "invoice" and view.due_date:
        lines.append(f"Date d'échéance : {format_date(view.due_date)}")
    bank = _bank(view.bank)
    if not lines and bank is None:
        return None
    return {"lines": lines, "bank": bank}


def uses_exemption(view: SheetView) -> bool:
    """True when some amount is taxed at 0 %, which needs the legal exemption mention."""
    rates = [line.vat_rate for line in view.priced_lines] + [r.vat_rate for r in view.rate_totals]
    if view.shipping_cost:
        rates.append(view.shipping_vat_rate)
    return any(rate == 0 for rate in rates)


def exemption_reason(view: SheetView) -> str:
    """The mention printed (and sent in the XML) for amounts at 0 %; empty for category Z."""
    category = view.vat_exemption_category.upper()
    if category == "Z":
        return ""
    return clean_text(view.vat_exemption_reason) or DEFAULT_EXEMPTION_REASONS.get(category, "")


def late_payment_texts(view: SheetView) -> tuple[str, str, str]:
    """The three payment mentions French B2B invoices must carry (Code de commerce L441-9 and
    L441-10): early payment discount, late-payment penalties, fixed recovery indemnity."""
    discount = clean_text(view.early_payment_discount_text) or NO_DISCOUNT
    penalties = (
        "En cas de retard de paiement, des pénalités de retard sont exigibles de plein droit, "
        f"calculées au taux de {clean_text(view.late_penalty_rate_text)}, à compter du jour "
        "suivant la date d'échéance."
    )
    indemnity = (
        "Tout professionnel en situation de retard de paiement est de plein droit débiteur "
        "d'une indemnité forfaitaire pour frais de recouvrement de "
        f"{_whole_amount(view.recovery_indemnity)} ({RECOVERY_ARTICLE})."
    )
    return discount, penalties, indemnity


def _mentions(view: SheetView) -> list[str]:
    mentions = []
    if view.kind in ("invoice", "credit", "proposal") and uses_exemption(view):
        reason = exemption_reason(view)
        if reason:
            mentions.append(reason)
    if view.kind in ("invoice", "proposal"):
        mentions.extend(late_payment_texts(view))
    if view.vat_on_debits and view.kind in ("invoice", "credit"):
        mentions.append("Option pour le paiement de la taxe d'après les débits.")
    if view.operation_category and view.kind in ("invoice", "credit", "proposal"):
        mentions.append(f"Nature de l'opération : {clean_text(view.operation_category)}")
    return mentions


def build_context(view: SheetView) -> dict:
    """The display-ready dictionary the templates read as ``doc``."""
    title = document_title(view)
    show_prices = view.kind != "delivery_note"
    show_reduction = show_prices and any(line.reduction_percent for line in view.lines)
    columns = 3 + (3 + int(show_reduction) if show_prices else 0)  # matches the <colgroup>
    reference = clean_text(view.reference).strip()
    seller_name = clean_text(view.seller.name)
    pdf_title = f"{title} {reference}" if reference else f"{title} (brouillon)"
    references = []
    if view.purchase_order_reference:
        references.append(f"Votre commande n° {clean_text(view.purchase_order_reference)}")
    if view.buyer_reference:
        references.append(f"Votre référence : {clean_text(view.buyer_reference)}")
    return {
        "kind": view.kind,
        "language": clean_text(view.language) or "fr",
        "title": title,
        "pdf_title": f"{pdf_title} – {seller_name}",
        "is_draft": not reference,
        "reference": reference,
        "dates": _dates(view),
        "seller": _party(view.seller, seller=True),
        "buyer": _party(view.buyer),
        "shipping": _party(view.shipping),
        "subject_title": clean_text(view.title),
        "subject_subtitle": clean_text(view.subtitle),
        "origin_text": _origin_text(view),
        "references": references,
        "show_prices": show_prices,
        "show_reduction": show_reduction,
        "columns": columns,
        "lines": _lines(view),
        "rates": [
            {"rate": format_percent(rate.vat_rate),
             "base": format_amount(rate.base, view.currency),
             "vat": format_amount(rate.vat, view.currency)}
            for rate in view.rate_totals
        ],
        "totals": _totals(view),
        "payment": _payment(view),
        "mentions": _mentions(view),
        "notes": clean_text(view.notes).strip(),
        "legal_line": legal_line(view.seller),
        "logo_src": _logo_src(view.logo),
        "signature": view.kind if view.kind in ("proposal", "delivery_note") else None,
    }


def render_html(view: SheetView) -> str:
    """The document as a complete HTML page (French), ready for WeasyPrint or a browser."""
    template = select_template([f"{TEMPLATE_DIR}/{view.kind}.html",
                                f"{TEMPLATE_DIR}/document.html"])
    return template.render({"doc": build_context(view), "view": view})


# -- PDF -------------------------------------------------------------------------------------

# The characters the bundled document font covers: Latin scripts of Western and Central Europe,
# punctuation, currency and the few symbols invoices use. A document whose text stays inside
# this set embeds the small prepared font as is; anything else falls back to the system fonts,
# which WeasyPrint subsets (slower, but every script prints).
FONT_FAMILY = "Comptoir Sans"
FONT_FILES = {"normal": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype", "/usr/local/share/fonts", "/usr/share/fonts",
    "/opt/homebrew/share/fonts", "/Library/Fonts",
)
FONT_RANGES = (
    (0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F),
    (0x2190, 0x2199), (0x2212, 0x2212), (0x2260, 0x2265), (0x25A0, 0x25CF), (0xFFFD, 0xFFFD),
)
FONT_CACHE_VERSION = "2"
_SPACES = frozenset(map(ord, "\t\n\r\f"))
_font_lock = threading.Lock()
_font_cache: dict[str, object] = {}


def _find_font(filename: str) -> Path | None:
    for directory in FONT_DIRS:
        candidate = Path(directory) / filename
        if candidate.is_file():
            return candidate
    for directory in FONT_DIRS[:3]:
        base = Path(directory)
        if base.is_dir():
            found = next(base.rglob(filename), None)
            if found:
                return found
    return None


def _prepare_font(path: Path) -> tuple[bytes, frozenset[int]]:
    """DejaVu reduced to ``FONT_RANGES`` and renamed (the Bitstream Vera licence wants modified
    fonts renamed), hinting dropped: ~60 KB instead of ~700 KB."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    # Kerning yes, ligatures no: a ligature glyph ("fi") has no character of its own in the
    # subset, and text copied or extracted from the PDF would come out garbled.
    options.layout_features = ["kern", "ccmp", "locl", "mark", "mkmk"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for low, high in FONT_RANGES for c in range(low, high + 1)])
    font = TTFont(path)
    subsetter.subset(font)
    style = font["name"].getDebugName(2) or "Book"
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FONT_FAMILY
        elif record.nameID == 4:
            record.string = f"{FONT_FAMILY} {style}"
        elif record.nameID in (3, 6):
            record.string = f"{FONT_FAMILY.replace(' ', '')}-{style.replace(' ', '')}"
    output = io.BytesIO()
    font.save(output)
    return output.getvalue(), frozenset(font.getBestCmap())


def _font_cache_dir() -> Path | None:
    from django.conf import settings

    data_dir = getattr(settings, "DATA_DIR", None)
    return Path(data_dir) / "fonts" if data_dir else None


def _cached_font(path: Path) -> tuple[bytes, frozenset[int]]:
    """``_prepare_font`` once per machine: the result is kept under ``DATA_DIR/fonts``, keyed
    by the source font, the fontTools version and the coverage, so new processes start fast."""
    from fontTools import version as fonttools_version
    from fontTools.ttLib import TTFont

    stat = path.stat()
    key = hashlib.sha256(repr((
        FONT_CACHE_VERSION, str(path), stat.st_size, stat.st_mtime_ns, fonttools_version,
        FONT_RANGES, FONT_FAMILY,
    )).encode()).hexdigest()[:20]
    folder = _font_cache_dir()
    target = folder / f"{path.stem}-{key}.ttf" if folder else None
    if target is not None and target.is_file():
        data = target.read_bytes()
        return data, frozenset(TTFont(io.BytesIO(data)).getBestCmap())
    data, covered = _prepare_font(path)
    if target is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, target)
        except OSError:
            logger.info("Could not cache the document font in %s", folder, exc_info=True)
    return data, covered


def document_fonts() -> tuple[str, frozenset[int]]:
    """``@font-face`` rules for the prepared document font and the characters it covers;
    ``("", frozenset())`` when DejaVu is not on this system (then system fonts are used).
    Built once per process, from the disk cache when another process already prepared it."""
    with _font_lock:
        if "fonts" not in _font_cache:
            rules, covered = [], None
            try:
                for weight, filename in FONT_FILES.items():
                    path = _find_font(filename)
                    if path is None:
                        raise FileNotFoundError(filename)
                    data, cmap = _cached_font(path)
                    covered = cmap if covered is None else covered & cmap
                    encoded = base64.b64encode(data).decode("ascii")
                    rules.append(
                        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
                        f"font-style: normal; src: url(data:font/ttf;base64,{encoded}); }}"
                    )
            except Exception:  # no DejaVu, or a font fontTools cannot read: use system fonts
                logger.warning("Document font not prepared; using system fonts", exc_info=True)
                rules, covered = [], None
            _font_cache["fonts"] = ("\n".join(rules), covered or frozenset())
        return _font_cache["fonts"]


_local = threading.local()
_font_configs: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _remove_font_folders() -> None:
    """WeasyPrint removes a font configuration's temporary folder in ``__del__``, which fails
    noisily when it runs during interpreter shutdown; remove the folders while Python is
    still whole."""
    for font_config in list(_font_configs):
        folder, font_config._folder = getattr(font_config, "_folder", None), None
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def _weasyprint():
    """WeasyPrint objects reused across documents, one set per thread (Pango's font map is not
    meant to be shared between threads)."""
    state = getattr(_local, "state", None)
    if state is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        class OfflineFetcher(URLFetcher):
            """Only ``data:`` URLs: no network, no local files, whatever the HTML says."""

            def fetch(self, url, headers=None):
                if url[:5].lower() == "data:":
                    return super().fetch(url, headers)
                raise ValueError(f"sales documents load no external resource ({url[:80]})")

        font_config = FontConfiguration()
        _font_configs.add(font_config)
        fetcher = OfflineFetcher()
        font_rules, covered = document_fonts()
        state = _local.state = {
            "font_config": font_config,
            "fetcher": fetcher,
            "fonts": CSS(string=font_rules, font_config=font_config, url_fetcher=fetcher),
            "covered": covered,
            "stylesheets": {},
        }
    return state


def _stylesheet(state: dict):
    """The parsed ``document.css`` and whether it uses the document font (a restyled sheet may
    not); parsed again only when the template's text changes."""
    from weasyprint import CSS

    text = get_template(STYLESHEET_TEMPLATE).render({})
    cache = state["stylesheets"]
    entry = cache.get(text)
    if entry is None:
        if len(cache) > 8:
            cache.clear()
        css = CSS(string=text, font_config=state["font_config"], url_fetcher=state["fetcher"])
        entry = cache[text] = (css, FONT_FAMILY in text)
    return entry


@contextmanager
def _gc_paused():
    """Laying out a page allocates hundreds of thousands of short-lived objects; the cyclic
    collector would run dozens of times for nothing (measured: ~15 % of the render). It is
    paused for the render only and switched back on if it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def layout_html(html: str, *, pdf_variant: str | None = None):
    """Lay out ``html`` on A4 with the document stylesheet. Returns the WeasyPrint document
    (pages, boxes) and the options ``write_pdf`` must receive again."""
    from weasyprint import DEFAULT_OPTIONS, HTML

    state = _weasyprint()
    stylesheet, uses_document_font = _stylesheet(state)
    # When the stylesheet uses the prepared font and every character is in it, embed it whole:
    # it is small, and skipping WeasyPrint's per-document font subsetting is most of the speed
    # of this function. Otherwise (other fonts, other scripts) fonts are subset as usual.
    full_fonts = uses_document_font and bool(state["covered"]) and not (
        set(map(ord, html)) - state["covered"] - _SPACES
    )
    options = dict(DEFAULT_OPTIONS, stylesheets=[state["fonts"], stylesheet],
                   pdf_variant=pdf_variant, full_fonts=full_fonts)
    with _gc_paused():
        document = HTML(string=html, url_fetcher=state["fetcher"], base_url=None).render(
            font_config=state["font_config"], **options
        )
    return document, options


class _MissingGlyphs(logging.Handler):
    """Collects the characters WeasyPrint had to draw as ``.notdef`` in this thread: no
    installed font has them (emoji, scripts without a font on the server...)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.codepoints: set[int] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if (record.thread == self.thread and str(record.msg).startswith(".notdef glyph")
                and len(record.args or ()) >= 2 and isinstance(record.args[1], int)):
            self.codepoints.add(record.args[1])


def _write_pdf(html: str, pdf_variant: str | None) -> bytes:
    document, options = layout_html(html, pdf_variant=pdf_variant)
    with _gc_paused():
        return document.write_pdf(**options)


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    """PDF bytes of ``html``; ``pdf_variant`` e.g. "pdf/a-3b" (WeasyPrint's variant names).

    A character that no installed font can draw would be printed as an empty box, break text
    extraction and PDF/A (which forbids the ``.notdef`` glyph): when WeasyPrint reports one,
    the document is rendered again with those characters replaced by U+FFFD. The stored data
    (and the Factur-X XML) keep the original text. (WeasyPrint reports them as warnings of the
    ``weasyprint`` logger: a logging configuration that silences that logger disables this.)"""
    weasyprint_logger = logging.getLogger("weasyprint")
    collector = _MissingGlyphs()
    weasyprint_logger.addHandler(collector)
    try:
        data = _write_pdf(html, pdf_variant)
    finally:
        weasyprint_logger.removeHandler(collector)
    if collector.codepoints:
        replacement = "\ufffd" if 0xFFFD in _weasyprint()["covered"] else "?"
        logger.info("Characters without a font replaced in a document: %s",
                    " ".join(f"U+{codepoint:04X}" for codepoint in sorted(collector.codepoints)))
        data = _write_pdf(html.translate(dict.fromkeys(collector.codepoints, replacement)),
                          pdf_variant)
    _release_memory()
    return data


def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc
        return None


_trim = _malloc_trim()


def _release_memory() -> None:
    """A layout leaves the C heap (Pango, HarfBuzz, lxml) full of freed blocks that glibc keeps
    for the process; a server worker would carry them for the rest of its life (measured:
    ~9 MB after 40 documents, growing). Handing them back costs under a millisecond."""
    if _trim is not None:
        _trim(0)


def layout(view: SheetView):
    """The laid-out document (``.pages``), for callers that need page count or geometry."""
    return layout_html(render_html(view))[0]


def warm_up() -> None:
    """Prepare the fonts and this thread's WeasyPrint objects now rather than during the first
    document (Pango loads its fonts on first use). Not run when a server worker starts (see
    ``sales.apps``): it is for processes that print many documents."""
    html_to_pdf('<p>Comptoir <b>1\u00a0234,56\u00a0€</b></p>')


def render_pdf(view: SheetView, *, pdf_variant: str | None = None) -> bytes:
    """The document as PDF bytes. Factur-X invoices go through ``facturx.facturx_pdf``."""
    return html_to_pdf(render_html(view), pdf_variant=pdf_variant)
