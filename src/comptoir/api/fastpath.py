"""The fast read path: plain reads with a confirmed credential, answered below Django.

A show of one contact costs the database and the writer about a tenth of what a Django
request around them costs (middleware, URL resolution, DRF's request, negotiation and
response, signals). For the reads that dominate an API's traffic, every one of those steps
has a fixed outcome once the same caller has been served once, so this WSGI middleware, in
front of Django's handler, answers them directly:

* ``GET /{bf}/{plural}/{id}.{xml|json}`` and ``GET /{bf}/{plural}.{xml|json}`` with no query
  parameters but ``page`` and ``per_page`` (plain digits), for a registered resource;
* whose ``Authorization`` header carries a credential this worker already verified for this
  business file, still valid under the current access generation
  (:func:`comptoir.tenancy.access.confirmed`: no SQL, no hash, no shared-cache read);
* of a shape (resource, show or list, format) that Django has already answered with 200 in
  this worker: the response headers are the ones Django sent then, so both paths answer the
  same headers by construction, and the bytes come from the same compiled SQL and generated
  writers (:mod:`comptoir.api.bodies`).

Anything else goes to Django unchanged: other methods, filters, unknown ids, anything that
would be an error, a first request, and every request when API throttling
(``COMPTOIR_API_RATE``) is on or ``COMPTOIR_FAST_READS`` is off. If reading fails for any
reason the request is handed to Django too, before anything was sent. The end of a request
is signalled as Django signals it (``request_finished``: connections past their age closed).
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.signals import request_finished

from comptoir.api.authentication import MalformedCredentials, parse_basic
from comptoir.api.bodies import list_body, object_body
from comptoir.core.readpath import compiled
from comptoir.core.registry import registry
from comptoir.tenancy.access import confirmed

logger = logging.getLogger(__name__)

_PATH = re.compile(r"/([1-9][0-9]{0,17})/([a-z_]+)(?:/([1-9][0-9]{0,17}))?\.(xml|json)")
_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
_TYPE, _LENGTH = object(), object()  # slots in learnt headers


class FastReads:
    def __init__(self, django_application):
        self.django = django_application
        self.enabled = settings.COMPTOIR_FAST_READS and not settings.COMPTOIR_API_RATE
        self.page_size = settings.COMPTOIR_PAGE_SIZE
        self.max_page_size = settings.COMPTOIR_MAX_PAGE_SIZE
        self.headers: dict[tuple, list[tuple[str, str]]] = {}  # learnt from Django, per shape
        self.answered = 0  # requests this path served (for tests and curiosity)

    def __call__(self, environ, start_response):
        if not self.enabled or environ.get("REQUEST_METHOD") != "GET":
            return self.django(environ, start_response)
        request = self._eligible(environ)
        if request is None:
            return self.django(environ, start_response)
        shape = request[0]
        headers = self.headers.get(shape)
        if headers is None:
            return self.django(environ, self._learning(shape, start_response))
        try:
            body, content_type = self._answer(environ, *request)
        except Exception:  # anything unexpected: Django answers it, properly
            logger.warning("fast read path handed a request over", exc_info=True)
            return self.django(environ, start_response)
        if body is None:
            return self.django(environ, start_response)
        self.answered += 1
        length = str(len(body))
        start_response("200 OK", [
            (name, content_type if value is _TYPE else length if value is _LENGTH else value)
            for name, value in headers
        ])
        return [body]

    # -- what qualifies -------------------------------------------------------------------

    def _eligible(self, environ):
        match = _PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return None
        bf, plural, pk, fmt = match.groups()
        resource = registry.resources.get(plural)
        if resource is None:
            return None
        page = per_page = None
        query = environ.get("QUERY_STRING", "")
        if query:
            if pk is not None:
                return None
            for pair in query.split("&"):
                name, sep, value = pair.partition("=")
                if not sep or not _NUMBER.fullmatch(value):
                    return None
                if name == "page" and page is None:
                    page = int(value)
                elif name == "per_page" and per_page is None:
                    per_page = int(value)
                else:
                    return None  # a filter, an unknown or a repeated parameter
        shape = (plural, pk is None, fmt)
        return shape, resource, int(bf), pk, fmt, page or 1, per_page

    def _learning(self, shape, start_response):
        def start(status, headers, exc_info=None):
            names = {name.lower() for name, _ in headers}
            if (status.startswith("200 ") and exc_info is None and "set-cookie" not in names
                    and {"content-type", "content-length"} <= names):
                # Django's headers in Django's order, the two that vary left as slots.
                slots = {"content-type": _TYPE, "content-length": _LENGTH}
                self.headers[shape] = [(name, slots.get(name.lower(), value))
                                       for name, value in headers]
            return start_response(status, headers, exc_info)

        return start

    # -- answering ------------------------------------------------------------------------

    def _access(self, environ, bf_id: int):
        header = environ.get("HTTP_AUTHORIZATION", "").encode("latin-1").split()
        if len(header) != 2:
            return None
        scheme = header[0].lower()
        if scheme == b"basic":
            try:
                email, secret = parse_basic(header[1])
            except MalformedCredentials:
                return None
            return confirmed(email, secret, bf_id)
        if scheme == b"bearer":
            return confirmed(None, header[1].decode("latin-1"), bf_id)
        return None

    def _answer(self, environ, shape, resource, bf_id, pk, fmt, page, per_page):
        """(body, content type), or (None, None) to let Django answer."""
        if self._access(environ, bf_id) is None:
            return None, None
        reader = compiled(resource)
        try:
            if pk is not None:
                found = reader.read_one(bf_id, int(pk))
                if found is None:
                    return None, None  # Django says 404, in its words
                return object_body(reader.writers, found[0], found[1], fmt)
            per_page = min(per_page or self.page_size, self.max_page_size)
            rows, nested, total = reader.read_page(bf_id, per_page, (page - 1) * per_page)
            return list_body(resource, reader.writers, rows, nested, total, page, per_page,
                             fmt)
        finally:
            # What Django does at the end of a request, among others: drop a database
            # connection past its age or broken by an error.
            request_finished.send(sender=self.__class__)
