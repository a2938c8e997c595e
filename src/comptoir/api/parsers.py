"""Request-body parsers: size-capped, hardened XML (``comptoir.core.xmlparser``) and JSON.

Both read at most ``COMPTOIR_MAX_BODY_BYTES`` (a larger body is 413 before any parsing) and
return a neutral document that ``comptoir.core.inbound`` turns into a resource's data.
Malformed bodies are 400, except a character XML cannot carry, which is 422 as it is in JSON
(where the serializer refuses it), and XML beyond the parser's limits (too many tags, too deep,
too long a text), which is 413 like an oversized body. A UTF-8 byte order mark is skipped in
both formats.
"""

import codecs

import orjson
from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser

from comptoir.core import xmlparser


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "the request body is too large"
    default_code = "too_large"


def read_capped(stream, parser_context) -> bytes:
    limit = settings.COMPTOIR_MAX_BODY_BYTES
    request = parser_context.get("request") if parser_context else None
    if request is not None:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise RequestTooLarge(f"the request body is larger than {limit} bytes")
    body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise RequestTooLarge(f"the request body is larger than {limit} bytes")
    return body


class XMLParser(BaseParser):
    media_type = "application/xml"
    format = "xml"

    def parse(self, stream, media_type=None, parser_context=None):
        body = read_capped(stream, parser_context)
        try:
            return xmlparser.parse(body)
        except xmlparser.XMLTooLarge as exc:
            raise RequestTooLarge(str(exc)) from None
        except xmlparser.XMLInvalidCharacter as exc:
            raise exceptions.ValidationError([str(exc)]) from None
        except xmlparser.XMLRejected as exc:
            raise exceptions.ParseError(str(exc)) from None


class JSONParser(BaseParser):
    media_type = "application/json"
    format = "json"

    def parse(self, stream, media_type=None, parser_context=None):
        body = read_capped(stream, parser_context)
        if body.startswith(codecs.BOM_UTF8):  # RFC 8259 §8.1 lets a parser ignore it
            body = body[len(codecs.BOM_UTF8) :]
        if not body.strip():
            raise exceptions.ParseError("the request body is empty; send one JSON object")
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise exceptions.ParseError(f"malformed JSON: {exc}") from None
