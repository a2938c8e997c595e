"""Value formats of the incwo wire, both directions (wire-contract W23–W27).

Out: dates ``dd-mm-YYYY``, timestamps ``dd-mm-YYYY-HH-MM`` in the server's time zone,
booleans ``0``/``1``, decimals in fixed point with a dot and their fractional digits (never
``0E-9``), absent links ``0``, text escaped for XML (line breaks, including the Unicode ones
that ``str.splitlines()`` and JavaScript honour, as character references, so that every leaf
stays on one line).
JSON gets ISO 8601, ``true``/``false``, ``null`` and decimals as strings. In: the same
forms, plus ISO 8601 everywhere, ``0`` or empty meaning "no link", and surrounding
whitespace ignored.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings

UTC = dt.UTC
_local_tz = None


def local_tz() -> ZoneInfo:
    global _local_tz
    if _local_tz is None:
        _local_tz = ZoneInfo(settings.TIME_ZONE)
    return _local_tz


def to_local(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(local_tz())


# Legal in XML 1.0 but line breaks for Python's splitlines() and JavaScript: a client cutting
# the document into lines must still see one leaf per line.
_UNICODE_BREAKS = (("\x85", "&#133;"), ("\u2028", "&#8232;"), ("\u2029", "&#8233;"))


def xml_escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\n" in text or "\r" in text:
        # Character references keep one leaf per line (W20) and survive parsing unchanged.
        text = text.replace("\r", "&#13;").replace("\n", "&#10;")
    if not text.isascii():  # O(1): the check below costs nothing on ASCII text
        for char, reference in _UNICODE_BREAKS:
            if char in text:
                text = text.replace(char, reference)
    return text


def xml_text(value) -> str:
    return "" if value is None else xml_escape(value)


def xml_int(value) -> str:
    return "0" if value is None else str(value)


def xml_bool(value) -> str:
    return "1" if value else "0"


def as_decimal(value, places: int) -> Decimal:
    if not isinstance(value, Decimal):
        # SQLite stores decimals with numeric affinity and returns int or float.
        value = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return value.quantize(Decimal(1).scaleb(-places)) if places else value


def decimal_text(value, places: int) -> str:
    """Fixed point, never exponent notation: ``str()`` gives ``0E-9`` and ``1.00E-7``."""
    return format(as_decimal(value, places), "f")


def xml_decimal(value, places: int) -> str:
    text = decimal_text(value, places)
    return text if "." in text else text + ".0"


def xml_date(value: dt.date) -> str:
    if isinstance(value, str):  # a raw string from a backend without a converter
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def xml_datetime(value: dt.datetime) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    v = to_local(value)
    return f"{v.day:02d}-{v.month:02d}-{v.year:04d}-{v.hour:02d}-{v.minute:02d}"


def json_datetime(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return to_local(value)


def json_date(value):
    if isinstance(value, str):
        return value[:10]
    return value


def json_decimal(value, places: int):
    return None if value is None else decimal_text(value, places)


# --- input ---------------------------------------------------------------------------------

DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "iso-8601"]
DATETIME_INPUT_FORMATS = ["%d-%m-%Y-%H-%M", "%d-%m-%Y-%H-%M-%S", "%d-%m-%Y", "iso-8601"]

# Characters XML 1.0 cannot carry: refused on input because the writer trusts stored text.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def parse_decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(f"{text!r} is not a number") from exc


def parse_datetime_input(text: str) -> dt.datetime | None:
    """Parse ``dd-mm-YYYY[-HH-MM]`` or ISO 8601, as aware local time. Used by filters."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d-%m-%Y-%H-%M-%S", "%d-%m-%Y-%H-%M", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=local_tz())
        except ValueError:
            continue
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=local_tz())
