"""Every error is an answer with a status and a list of messages, never a 500.

Validation failures are 422 with one message per problem, prefixed by the field's path
(``contact_items[1].value: not a valid e-mail address``, items counted from 1). The other
statuses keep DRF's meaning: 400 malformed body or query, 401 with the Basic challenge, 403,
404, 405, 406, 413, 415, 429 with ``Retry-After``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Too many requests",
}


def humanise(message) -> str:
    text = str(message).strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


def flatten(detail, path: str = "") -> list[str]:
    """DRF's nested error structure as ``path: message`` lines."""
    if isinstance(detail, dict) and detail and all(str(k).isdigit() for k in detail):
        # A list serializer's errors keyed by item index (counted from 0).
        lines = []
        for index in sorted(detail, key=int):
            lines += flatten(detail[index], f"{path}[{int(index) + 1}]")
        return lines
    if isinstance(detail, dict):
        lines = []
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                lines += flatten(value, path)
            else:
                lines += flatten(value, f"{path}.{key}" if path else str(key))
        return lines
    if isinstance(detail, list):
        if detail and all(isinstance(d, (dict, list)) for d in detail):
            lines = []
            for index, item in enumerate(detail, start=1):
                lines += flatten(item, f"{path}[{index}]")
            return lines
        lines = []
        for item in detail:
            lines += flatten(item, path)
        return lines
    message = humanise(detail)
    return [f"{path}: {message}" if path else message]


def error_response(status_code: int, messages: list[str], headers=None) -> Response:
    data = {
        "errors": messages,
        "status": status_code,
        "title": TITLES.get(status_code, "Error"),
    }
    return Response(data, status=status_code, headers=headers)


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("not found")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
        messages = flatten(exc.detail)
    else:
        status_code = exc.status_code
        messages = flatten(exc.detail)
    set_rollback()
    return error_response(status_code, messages, headers)
