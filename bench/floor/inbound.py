"""The floor's write input: hardened XML parsing and the contact rules, by hand.

Parsing uses lxml with the product's settings (``comptoir.core.xmlparser``): no document type
declaration in any encoding, at most 100,000 tags, no entity resolution, no network, no DTD,
no huge trees; comments, processing instructions and blank text dropped; namespaced tags read
by their local name; leaf text stripped; a duplicated leaf keeps its last value.

Validation follows what the product's serializers accept and refuse (``comptoir.crm`` and
``comptoir.core.serializers``), with its messages, field by field in wire order: text lengths
and characters, enumerations (the empty string included, as the product accepts it), the
firm link (checked in the database by the caller), a required and non-blank ``last_name`` on
create, nested items validated whole (``type_id`` and ``value`` required, e-mail and phone
checks, ``normalized_phone`` computed from the digits of a phone). The e-mail check is a
simplified form of Django's.
"""

from __future__ import annotations

import re

from lxml import etree


class Rejected(Exception):
    """A request the floor answers with an error: ``status`` and the messages."""

    def __init__(self, status: int, messages):
        super().__init__(status, messages)
        self.status = status
        self.messages = messages if isinstance(messages, list) else [messages]


# -- parsing ------------------------------------------------------------------------------

MAX_TAGS = 100_000


def _any_width(word: bytes) -> bytes:
    return rb"\x00*".join(re.escape(bytes([b])) for b in word)


_DOCTYPE = re.compile(
    _any_width(b"<!") + rb"[\s\x00]*(?:"
    + b"|".join(_any_width(w) for w in (b"DOCTYPE", b"ENTITY", b"ELEMENT", b"ATTLIST"))
    + b")",
    re.IGNORECASE,
)
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
    huge_tree=False, remove_comments=True, remove_pis=True, remove_blank_text=True,
    collect_ids=False,
)


def parse(body: bytes):
    """The root element of a request body, or :class:`Rejected` (400, 413 or 422)."""
    if not body or not body.strip():
        raise Rejected(400, "the request body is empty; send one XML element")
    if _DOCTYPE.search(body):
        raise Rejected(400, "document type declarations and entities are not accepted")
    if body.count(b"<") > MAX_TAGS:
        raise Rejected(413, f"the document has more than {MAX_TAGS} tags")
    try:
        root = etree.fromstring(body.strip(), _PARSER)
    except etree.XMLSyntaxError as exc:
        message = " ".join(exc.msg.split())
        if exc.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            raise Rejected(413, "the document is nested deeper than 256 levels or holds a text "
                                f"longer than 10,000,000 characters: {message}") from None
        if exc.code == etree.ErrorTypes.ERR_INVALID_CHAR:
            raise Rejected(422, "a character XML cannot carry (a control character?): "
                                f"{message}") from None
        raise Rejected(400, f"malformed XML: {message}") from None
    except ValueError as exc:
        raise Rejected(400, f"malformed XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise Rejected(400, "document type declarations are not accepted")
    for node in root.iter(etree.Entity):
        raise Rejected(400, f"undefined entity {node.text}")
    return root


def _tag(node) -> str:
    tag = node.tag
    return tag.rsplit("}", 1)[1] if "}" in tag else tag


def _leaves(node) -> dict:
    """Leaf children by local tag, text stripped; a duplicated leaf keeps its last value."""
    return {_tag(c): (c.text or "").strip() for c in node if len(c) == 0}


def _child(node, tag: str):
    found = None
    for c in node:
        if _tag(c) == tag:
            found = c
    return found


# -- rules --------------------------------------------------------------------------------

PARTY_TYPES = frozenset(
    {"client", "prospect", "supplier", "press", "partner", "staff", "perso", "other"}
)
LANGUAGES = frozenset({"fr", "en", "de", "es", "it", "nl", "pt"})
CIVILITIES = frozenset({"17", "18", "19"})
ADDRESS_TYPES = frozenset({"20", "21", "22"})
ITEM_TYPES = frozenset(
    {"471", "24", "23", "88", "554", "26", "25", "27", "28", "430", "431", "432", "433", "457"}
)
PHONE_TYPES = frozenset({471, 24, 23, 88, 554, 26, 25})
EMAIL_TYPES = frozenset({27, 28})

TEXT, CHOICE, INT_CHOICE, LINK = "text", "choice", "int_choice", "link"

#: writable contact fields in wire order: name -> (kind, max length or choices, nullable)
CONTACT_FIELDS = {
    "civility_label_id": (INT_CHOICE, CIVILITIES, True),
    "last_name": (TEXT, 150, False),
    "first_name": (TEXT, 150, False),
    "comment": (TEXT, None, False),
    "job_title": (TEXT, 150, False),
    "job_department": (TEXT, 150, False),
    "country": (TEXT, 100, False),
    "contact_type": (CHOICE, PARTY_TYPES, False),
    "contact_type2": (CHOICE, PARTY_TYPES, False),
    "firm_id": (LINK, None, True),
    "reference": (TEXT, 100, False),
    "keywords": (TEXT, 500, False),
    "language": (CHOICE, LANGUAGES, False),
    "accounting_ref": (TEXT, 50, False),
    "accounting_ref_vendor": (TEXT, 50, False),
    "contact_origin": (TEXT, 150, False),
}
CONTACT_DEFAULTS = {
    "civility_label_id": None, "last_name": "", "first_name": "", "comment": "",
    "job_title": "", "job_department": "", "country": "France", "contact_type": "client",
    "contact_type2": "", "firm_id": None, "reference": "", "keywords": "", "language": "fr",
    "accounting_ref": "", "accounting_ref_vendor": "", "contact_origin": "",
}
ADDRESS_FIELDS = {
    "address_type": (INT_CHOICE, ADDRESS_TYPES, False),
    "street_address": (TEXT, 255, False),
    "street_address2": (TEXT, 255, False),
    "zip_code": (TEXT, 20, False),
    "city": (TEXT, 100, False),
    "country": (TEXT, 100, False),
}
ADDRESS_DEFAULTS = {
    "address_type": 21, "street_address": "", "street_address2": "", "zip_code": "",
    "city": "", "country": "France",
}
ITEM_FIELDS = {
    "type_id": (INT_CHOICE, ITEM_TYPES, False),
    "value": (TEXT, 255, False),
}
#: nested collections in wire order: plural -> (singular, fields, defaults, required)
NESTED = {
    "contact_addresses": ("contact_address", ADDRESS_FIELDS, ADDRESS_DEFAULTS, ()),
    "contact_items": ("contact_item", ITEM_FIELDS, {}, ("type_id", "value")),
}

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PHONE = re.compile(r"^[0-9+().\-/\s]+$")
_EMAIL_USER = re.compile(
    r"^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*\Z", re.IGNORECASE
)
_EMAIL_DOMAIN = re.compile(
    r"^(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+"
    r"(?:[a-z\u00a1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\.?\Z",
    re.IGNORECASE,
)


def is_email(value: str) -> bool:
    if "@" not in value or len(value) > 320:
        return False
    user, domain = value.rsplit("@", 1)
    return bool(_EMAIL_USER.match(user)) and (
        domain == "localhost" or bool(_EMAIL_DOMAIN.match(domain))
    )


def is_phone(value: str) -> bool:
    return bool(_PHONE.match(value)) and sum(ch.isdigit() for ch in value) >= 3


def normalize_phone(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _normalised(fields: dict, leaves: dict) -> dict:
    """The product's inbound rules: an empty number or link is no value (null where the
    field may be null, absent otherwise); ``0`` and ``-1`` are no link."""
    data = {}
    for name, (kind, _, nullable) in fields.items():
        if name not in leaves:
            continue
        value = leaves[name]
        if kind is LINK:
            data[name] = None if value in ("", "0", "-1") else value
        elif kind is INT_CHOICE and value == "":
            if nullable:
                data[name] = None
        else:
            data[name] = value
    return data


def _check(fields: dict, data: dict, errors: dict) -> dict:
    """Validated values of ``data``; messages go to ``errors`` by field name."""
    clean = {}
    for name, value in data.items():
        kind, spec, _ = fields[name]
        if value is None or kind is LINK:
            clean[name] = value  # links are checked against the database by the caller
        elif kind is TEXT:
            problems = []
            if spec is not None and len(value) > spec:
                problems.append(f"ensure this field has no more than {spec} characters")
            if _ILLEGAL.search(value):
                problems.append("contains control characters that cannot be stored")
            if problems:
                errors[name] = problems
            clean[name] = value
        elif value in spec or (kind is CHOICE and value == ""):
            clean[name] = int(value) if kind is INT_CHOICE else value
        else:
            errors[name] = [f'"{value}" is not a valid choice']
    return clean


def with_defaults(plural: str, item: dict) -> dict:
    """A nested item to insert: the model's defaults for what it does not give, no id."""
    return {**NESTED[plural][2], **{k: v for k, v in item.items() if k != "id"}}


def link_id(value: str) -> int | None:
    """The id a link names, or None if it is not an id."""
    return int(value) if value.lstrip("-").isdigit() else None


_BIGINT = 2**63


def contact_input(root, creating: bool, firm_exists):
    """``(values, nested, messages)`` of a ``<contact>`` body.

    ``values`` holds the contact fields the body gives (with the defaults on create),
    ``nested`` the collections it sends (plural -> list of item dicts with the fields the
    item gives, ``"id"`` when it names one; see :func:`with_defaults`), ``messages`` the
    product's ``path: message`` lines. ``firm_exists(id)`` says whether a firm of the
    request's business file has that id.
    """
    if _tag(root) != "contact":
        raise Rejected(400, f"expected a <contact> element, got <{_tag(root)}>")
    errors: dict = {}
    values = _check(CONTACT_FIELDS, _normalised(CONTACT_FIELDS, _leaves(root)), errors)
    last_name = values.get("last_name")
    if last_name is None:
        if creating:
            errors["last_name"] = ["this field is required"]
    elif "last_name" not in errors and not last_name:
        errors["last_name"] = ["this field may not be blank"]
    firm = values.get("firm_id")
    if firm is not None and "firm_id" not in errors:
        pk = link_id(firm)
        if pk is None:
            errors["firm_id"] = [f"expected an id, got {firm!r}"]
        elif not -_BIGINT <= pk < _BIGINT or not firm_exists(pk):
            errors["firm_id"] = [f"no firm with id {firm} in this business file"]
        else:
            values["firm_id"] = pk
    messages = [f"{name}: {m}" for name in CONTACT_FIELDS for m in errors.get(name, ())]

    nested = {}
    for plural, (singular, fields, _, required) in NESTED.items():
        wrapper = _child(root, plural)
        if wrapper is None:
            continue
        if len(wrapper) == 0 and (wrapper.text or "").strip():
            raise Rejected(400, f"<{plural}> must hold <{singular}> elements")
        items = []
        for index, node in enumerate((n for n in wrapper if _tag(n) == singular), start=1):
            leaves = _leaves(node)
            item_errors: dict = {}
            item = _check(fields, _normalised(fields, leaves), item_errors)
            for name in required:
                if name not in item and name not in item_errors:
                    item_errors[name] = ["this field is required"]
            pk = leaves.get("id", "")
            if pk != "":
                try:
                    item["id"] = int(pk)
                except ValueError:
                    item_errors["id"] = ["a valid integer is required"]
            if plural == "contact_items" and not item_errors:
                value = item["value"]
                if not value:
                    item_errors["value"] = ["this field may not be blank"]
                elif item["type_id"] in EMAIL_TYPES and not is_email(value):
                    item_errors["value"] = ["not a valid e-mail address"]
                elif item["type_id"] in PHONE_TYPES and not is_phone(value):
                    item_errors["value"] = ["not a valid phone number"]
                is_phone_type = item["type_id"] in PHONE_TYPES
                item["normalized_phone"] = normalize_phone(value) if is_phone_type else ""
            for name in ("id", *fields):
                messages += [f"{plural}[{index}].{name}: {m}" for m in item_errors.get(name, ())]
            items.append(item)
        nested[plural] = items

    if creating:
        values = {**CONTACT_DEFAULTS, **values}
    return values, nested, messages
