"""Renderers for what does not come from a resource's generated writer: errors and listings.

Resource reads answer with bytes from the generated writers (``comptoir.core.writers``);
DRF renders only the rest, which is:

* an error: ``{"errors": [...], "status": 422, "title": "..."}`` becomes
  ``<errors><error>…</error></errors>`` in XML and an RFC 9457 problem document in JSON;
* a small listing (business files): ``{"root": "business_files", "item": "business_file",
  "items": [...], "pagination": {...} or None}``.

XML follows the wire layout (prolog line, two-space indentation, one leaf per line). Error
messages may quote the client's input, which in a JSON body can hold characters XML cannot
carry: they are spelled out (``\u0001``) so that the error document stays well-formed.
"""

from __future__ import annotations

import orjson
from rest_framework.renderers import BaseRenderer

from comptoir.core import wire

PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _spelled_out(match) -> str:
    return f"\\u{ord(match.group()):04x}"


def xml_errors(messages) -> str:
    lines = [PROLOG, "<errors>\n"]
    lines += [
        f"  <error>{wire.xml_escape(wire.XML_ILLEGAL.sub(_spelled_out, str(m)))}</error>\n"
        for m in messages
    ]
    lines.append("</errors>\n")
    return "".join(lines)


def _xml_leaf(name, value, pad) -> str:
    if isinstance(value, bool):
        text = wire.xml_bool(value)
    elif value is None:
        text = "0"
    else:
        text = wire.xml_escape(str(value))
    return f"{pad}<{name}>{text}</{name}>\n"


def xml_listing(root, item, items, pagination=None, array=True) -> str:
    out = [PROLOG, f'<{root} type="array">\n' if array else f"<{root}>\n"]
    for entry in items:
        out.append(f"  <{item}>\n")
        out += [_xml_leaf(k, v, "    ") for k, v in entry.items()]
        out.append(f"  </{item}>\n")
    if pagination is not None:
        out.append("  <pagination>\n")
        out += [_xml_leaf(k, v, "    ") for k, v in pagination.items()]
        out.append("  </pagination>\n")
    out.append(f"</{root}>\n")
    return "".join(out)


class XMLRenderer(BaseRenderer):
    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if "errors" in data:
            return xml_errors(data["errors"]).encode()
        if "root" in data:
            return xml_listing(
                data["root"], data["item"], data["items"], data.get("pagination"),
                data.get("array", True),
            ).encode()
        raise TypeError(f"XMLRenderer cannot render {sorted(data)}")


class JSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if "errors" in data:
            response = renderer_context.get("response") if renderer_context else None
            if response is not None:
                response["Content-Type"] = "application/problem+json"
            problem = {
                "type": "about:blank",
                "title": data.get("title", "Error"),
                "status": data.get("status"),
                "detail": "; ".join(str(e) for e in data["errors"]),
                "errors": [str(e) for e in data["errors"]],
            }
            return orjson.dumps(problem)
        if "root" in data:
            body = {data["root"]: data["items"]}
            if data.get("pagination") is not None:
                body["pagination"] = data["pagination"]
            return orjson.dumps(body)
        return orjson.dumps(data)
