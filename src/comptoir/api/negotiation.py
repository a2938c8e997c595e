"""Content negotiation where the URL suffix decides (wire-contract W4, W5).

Responses: ``.xml`` answers XML and ``.json`` answers JSON whatever ``Accept`` says (incwo
clients send all sorts). Without a suffix, ``Accept`` chooses between JSON and XML, XML
being the default; an ``Accept`` that admits neither is 406.

Request bodies: an XML or JSON ``Content-Type`` picks its parser. A body sent with no type,
``text/plain``, form encoding or a bogus type (``UTF-8``, seen in the wild) is read in the
format of the URL suffix. Any other declared type (an image, multipart) is 415.
"""

from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation

XML_TYPES = ("application/xml", "text/xml")
JSON_TYPES = ("application/json",)
LENIENT_TYPES = ("", "text/plain", "application/x-www-form-urlencoded", "utf-8")


def _renderer(renderers, fmt):
    return next(r for r in renderers if r.format == fmt)


class SuffixNegotiation(BaseContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if format_suffix in ("xml", "json"):
            renderer = _renderer(renderers, format_suffix)
            return renderer, renderer.media_type
        accept = request.META.get("HTTP_ACCEPT", "").lower()
        if not accept.strip():
            renderer = _renderer(renderers, "xml")
            return renderer, renderer.media_type
        json_pos = accept.find("json")
        xml_pos = accept.find("xml")
        if json_pos >= 0 and (xml_pos < 0 or json_pos < xml_pos):
            renderer = _renderer(renderers, "json")
        elif xml_pos >= 0 or "*/*" in accept or "application/*" in accept:
            renderer = _renderer(renderers, "xml")
        else:
            raise exceptions.NotAcceptable(
                "this server answers application/xml or application/json"
            )
        return renderer, renderer.media_type

    def select_parser(self, request, parsers):
        content_type = request.content_type.split(";")[0].strip().lower()
        if content_type.endswith("+xml") or content_type in XML_TYPES:
            wanted = "xml"
        elif content_type.endswith("+json") or content_type in JSON_TYPES:
            wanted = "json"
        elif content_type in LENIENT_TYPES or "/" not in content_type:
            kwargs = request.parser_context.get("kwargs", {}) if request.parser_context else {}
            wanted = kwargs.get("format") or "xml"
        else:
            return None  # DRF answers 415
        return next((p for p in parsers if p.format == wanted), None)
