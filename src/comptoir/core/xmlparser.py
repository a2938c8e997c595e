"""Parsing request bodies in XML: hardened first, tolerant second.

Hardened: a body larger than ``COMPTOIR_MAX_BODY_BYTES`` is refused before parsing (413), and
so is a body with more than :data:`MAX_TAGS` tags (a 10 MB body of empty elements would
otherwise cost seconds of CPU and hundreds of megabytes); any document type declaration is
refused (so no entity expansion, billion laughs, external entities or DTD fetches can happen);
lxml runs with entity resolution, network access and DTD loading off, and without its "huge
tree" allowance, so nesting deeper than 256 levels or a text longer than 10,000,000
characters is refused too (:class:`XMLTooLarge`, 413 like an oversized body). A character XML
cannot carry (``&#1;``, a raw control character) is :class:`XMLInvalidCharacter`, which the
API answers 422 like the same character sent in JSON.

Tolerant (wire-contract W33): the prolog is optional, whitespace and blank lines between
elements are ignored, the predefined and numeric entities are decoded, unknown elements are
ignored by the caller, and a duplicated leaf keeps its last value instead of failing.

The result is neutral: :class:`Element` nodes holding text or children, which the resource
layer turns into field values (``comptoir.core.inbound``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree


class XMLRejected(ValueError):
    """The body is not XML we accept; the message says why, for the client."""


class XMLTooLarge(XMLRejected):
    """The body has more tags, more nesting or a longer text than we parse."""


class XMLInvalidCharacter(XMLRejected):
    """The body holds a character XML 1.0 cannot carry, such as a control character."""


#: Most ``<`` a body may hold: a bound on its elements, counted before lxml builds a tree.
MAX_TAGS = 100_000


def _any_width(word: bytes) -> bytes:
    """A pattern for ``word`` in UTF-8, UTF-16 or UTF-32: NUL bytes may follow each byte."""
    return rb"\x00*".join(re.escape(bytes([b])) for b in word)


_DOCTYPE = re.compile(
    _any_width(b"<!") + rb"[\s\x00]*(?:"
    + b"|".join(_any_width(w) for w in (b"DOCTYPE", b"ENTITY", b"ELEMENT", b"ATTLIST"))
    + b")",
    re.IGNORECASE,
)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,
        collect_ids=False,
    )


@dataclass
class Element:
    tag: str
    text: str = ""
    children: list[Element] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> dict[str, str]:
        """Leaf children by tag; a duplicated leaf keeps its last value."""
        return {c.tag: c.text for c in self.children if c.is_leaf}

    def child(self, tag: str) -> Element | None:
        found = None
        for c in self.children:
            if c.tag == tag:
                found = c
        return found


def _convert(node) -> Element:
    tag = node.tag if isinstance(node.tag, str) else ""
    if "}" in tag:  # a namespaced client: keep the local name
        tag = tag.rsplit("}", 1)[1]
    children = [_convert(c) for c in node if isinstance(c.tag, str)]
    text = "" if children else (node.text or "").strip()
    return Element(tag, text, children)


def parse(body: bytes) -> Element:
    """Parse a request body into an :class:`Element` tree or raise :class:`XMLRejected`."""
    if not body or not body.strip():
        raise XMLRejected("the request body is empty; send one XML element")
    if _DOCTYPE.search(body):
        raise XMLRejected("document type declarations and entities are not accepted")
    if body.count(b"<") > MAX_TAGS:
        raise XMLTooLarge(f"the document has more than {MAX_TAGS} tags")
    try:
        root = etree.fromstring(body.strip(), _parser())
    except etree.XMLSyntaxError as exc:
        message = " ".join(exc.msg.split())  # lxml's message already says line and column
        if exc.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            raise XMLTooLarge(
                "the document is nested deeper than 256 levels or holds a text longer than "
                f"10,000,000 characters: {message}"
            ) from None
        if exc.code == etree.ErrorTypes.ERR_INVALID_CHAR:
            raise XMLInvalidCharacter(
                f"a character XML cannot carry (a control character?): {message}"
            ) from None
        raise XMLRejected(f"malformed XML: {message}") from None
    except ValueError as exc:  # e.g. a str with an encoding declaration
        raise XMLRejected(f"malformed XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise XMLRejected("document type declarations are not accepted")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise XMLRejected(f"undefined entity {node.text}")
    return _convert(root)
