"""Parsing request bodies in XML: hardened first, tolerant second.

Hardened: a body larger than ``COMPTOIR_MAX_BODY_BYTES`` is refused before parsing (413);
any document type declaration is refused (so no entity expansion, billion laughs, external
entities or DTD fetches can happen); lxml runs with entity resolution, network access and DTD
loading off, and without its "huge tree" allowance.

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


_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)


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
    try:
        root = etree.fromstring(body.strip(), _parser())
    except etree.XMLSyntaxError as exc:
        raise XMLRejected(f"malformed XML: {exc.msg} (line {exc.lineno})") from None
    except ValueError as exc:  # e.g. a str with an encoding declaration
        raise XMLRejected(f"malformed XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise XMLRejected("document type declarations are not accepted")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise XMLRejected(f"undefined entity {node.text}")
    return _convert(root)
