"""DRF authentication classes: HTTP Basic (incwo clients) and Bearer API keys.

Both hand the credential to :func:`comptoir.tenancy.access.authenticate` with the business
file named in the URL, and set ``request.auth`` to the resulting
:class:`~comptoir.tenancy.access.Access`. ``request.user`` is an :class:`APIUser` carrying only
the id and e-mail of the caller: it is never loaded from the database on a cached request.

Basic credentials are split at the first colon and decoded as UTF-8, falling back to
Latin-1 (W1). A missing or wrong credential answers 401 with a ``WWW-Authenticate: Basic``
challenge (W2).
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from comptoir.tenancy.access import AccessDenied, authenticate
from comptoir.tenancy.models import User

REALM = "Comptoir API"


def client_address(request) -> str:
    """The address failed logins are counted against.

    Behind a proxy (``COMPTOIR_TRUST_X_FORWARDED_FOR``) it is the *last* ``X-Forwarded-For``
    entry, the one the proxy appended; the entries before it are whatever the client sent,
    and taking the first would let every request claim a new address.
    """
    if settings.COMPTOIR_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "-")


def _business_file_id(request) -> int | None:
    """The ``{bf}`` of the URL; None only for URLs that name no business file.

    ``/0/contacts.xml`` names business file 0, which no one is a member of (404); the
    "all files" ``0`` of ``/account/index/0.xml`` is not captured as ``bf``.
    """
    kwargs = request.parser_context.get("kwargs", {}) if request.parser_context else {}
    value = kwargs.get("bf")
    return int(value) if value not in (None, "") else None


def _resolve(request, email, secret):
    try:
        access = authenticate(email, secret, _business_file_id(request), client_address(request))
    except AccessDenied as denied:
        if denied.status == 401:
            raise exceptions.AuthenticationFailed(denied.message) from None
        if denied.status == 403:
            raise exceptions.PermissionDenied(denied.message) from None
        if denied.status == 404:
            raise exceptions.NotFound(denied.message) from None
        raise exceptions.Throttled(wait=denied.retry_after, detail=denied.message) from None
    return APIUser(access.user_id, access.email), access


class APIUser:
    """The caller of an API request: identity only, built without touching the database.

    It is not a model instance (building one costs more than the rest of the
    authentication); code that needs the user row reads ``User`` by ``request.user.id``, and
    writes record ``creator_id`` from ``request.auth.user_id``.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    __slots__ = ("email", "id")

    def __init__(self, user_id: int, email: str):
        self.id = user_id
        self.email = email

    @property
    def pk(self) -> int:
        return self.id

    def __str__(self):
        return self.email

    def __eq__(self, other):
        return getattr(other, "pk", None) == self.id and isinstance(other, (APIUser, User))

    def __hash__(self):
        return hash(("user", self.id))


class MalformedCredentials(ValueError):
    pass


def parse_basic(token: bytes) -> tuple[str, str]:
    """``(email, secret)`` of the base64 part of a Basic header (W1)."""
    try:
        raw = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedCredentials("malformed Basic credentials") from None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
    email, sep, secret = decoded.partition(":")
    if not sep or not email:
        raise MalformedCredentials("malformed Basic credentials")
    return email.strip(), secret


class BasicAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"basic":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("malformed Basic credentials")
        try:
            email, secret = parse_basic(header[1])
        except MalformedCredentials as malformed:
            raise exceptions.AuthenticationFailed(str(malformed)) from None
        return _resolve(request, email, secret)

    def authenticate_header(self, request):
        return f'Basic realm="{REALM}", charset="UTF-8"'


class BearerAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("malformed Bearer token")
        return _resolve(request, None, header[1].decode("latin-1"))

    def authenticate_header(self, request):
        return f'Basic realm="{REALM}", charset="UTF-8"'
