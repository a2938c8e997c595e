"""From a parsed body to the data a resource's serializer validates.

Both codecs end here, so XML and JSON writes follow one set of rules:

* the body holds one object, the singular element (``<contact>``) in XML, a JSON object,
  optionally wrapped as ``{"contact": {...}}``;
* only the resource's writable fields and nested collections are kept: unknown and
  read-only names are ignored (W33);
* a link given as ``0``, ``-1``, empty or ``null`` means "no link" (W23);
* in XML, an empty element for a number, a date or a boolean means "no value": null where
  the field may be null, otherwise as if the element were absent (the default on create,
  unchanged on update);
* a nested collection present in the body is a list of items, each a dict of its writable
  fields plus ``id`` when the client names an existing item.
"""

from __future__ import annotations

from comptoir.core.registry import LINK, TEXT
from comptoir.core.xmlparser import Element, XMLRejected


def _normalise(fields, values: dict, from_xml: bool) -> dict:
    data = {}
    for f in fields:
        if f.name not in values:
            continue
        value = values[f.name]
        # incwo writes an absent link as 0, and sometimes -1 (bank_account_id, W23).
        no_link = f.kind == LINK and value in ("0", 0, "-1", -1, "", None)
        if from_xml and f.kind != TEXT and value == "":
            if not f.nullable:
                continue
            value = None
        elif no_link:
            value = None
        data[f.name] = value
    return data


def _nested_item_fields(nested):
    return [f for f in nested.fields if not f.read_only or f.name == "id"]


def _aliased(resource, values: dict) -> dict:
    """Other names clients use for a field (``reduction_currency`` for ``reduction_amount``)."""
    aliases = getattr(resource, "input_aliases", None)
    if not aliases:
        return values
    values = dict(values)
    for alias, name in aliases.items():
        if alias in values and name not in values:
            values[name] = values[alias]
    return values


def from_xml(resource, root: Element) -> dict:
    if root.tag != resource.singular:
        raise XMLRejected(f"expected a <{resource.singular}> element, got <{root.tag}>")
    data = _normalise(resource.writable_fields, _aliased(resource, root.leaves()), from_xml=True)
    for nested in resource.nested:
        if not nested.writable:
            continue
        wrapper = root.child(nested.plural)
        if wrapper is None:
            continue
        if wrapper.is_leaf and wrapper.text:
            # Text where items belong is a mistake, not a request to empty the collection.
            raise XMLRejected(f"<{nested.plural}> must hold <{nested.singular}> elements")
        data[nested.plural] = [
            _normalise(_nested_item_fields(nested), item.leaves(), from_xml=True)
            for item in wrapper.children
            if item.tag == nested.singular
        ]
    return data


def from_json(resource, body) -> dict:
    if isinstance(body, dict) and set(body) == {resource.singular}:
        body = body[resource.singular]
    if not isinstance(body, dict):
        raise ValueError(f"expected a JSON object for a {resource.singular}")
    data = _normalise(resource.writable_fields, _aliased(resource, body), from_xml=False)
    for nested in resource.nested:
        if not nested.writable or nested.plural not in body:
            continue
        items = body[nested.plural]
        if items is None:
            items = []
        if isinstance(items, dict) and nested.singular in items:  # XML-shaped JSON
            items = items[nested.singular]
            items = items if isinstance(items, list) else [items]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValueError(f"{nested.plural} must be a list of objects")
        data[nested.plural] = [
            _normalise(_nested_item_fields(nested), item, from_xml=False) for item in items
        ]
    return data
