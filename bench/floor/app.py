"""The floor as a WSGI application: contacts over HTTP with nothing but SQL and strings.

The HTTP harness serves it with the same gunicorn, worker count and database as
``comptoir serve`` and compares throughput; it answers the product's URLs with the product's
bytes (status, body, ``Content-Type``, ``Location`` on create, and the same extra headers)::

    DATABASE_URL=sqlite:////path/db.sqlite3 \\
    FLOOR_CREDENTIALS='[{"authorization": "Basic ZGVtb0Bjb21wdG9pci50ZXN0OnNlY3JldA==",
                         "user_id": 1, "business_files": [1]}]' \\
    .venv/bin/gunicorn --chdir bench --workers 2 --bind 127.0.0.1:8601 floor.app:application

(``postgres://user@host:port/name`` works the same; ``COMPTOIR_TIME_ZONE``,
``COMPTOIR_PAGE_SIZE``, ``COMPTOIR_MAX_PAGE_SIZE`` and ``COMPTOIR_MAX_BODY_BYTES`` are read as
the product reads them.)

Endpoints, ``{bf}`` being the business file id and ``{fmt}`` ``xml`` or ``json``:

* ``GET /{bf}/contacts/{id}.{fmt}``: one contact with its addresses and items;
* ``GET /{bf}/contacts.{fmt}?page=N&per_page=M``: a page (100 by default, at most 500) with
  the pagination block and ``total_count``; the filters (``q``, ``updated_since``,
  ``firm_id``, ``contact_type``) are not the floor's job: 501;
* ``POST /{bf}/contacts.{fmt}``: create from an XML ``<contact>`` body with nested
  ``<contact_addresses>`` and ``<contact_items>``; 201, ``Location`` and the show bytes;
* ``PUT /{bf}/contacts/{id}.{fmt}``: partial update from an XML body (a nested collection
  sent replaces the stored one, as in the product); 200 and the show bytes.

Write bodies are XML only (a JSON body is 415). Errors are the product's documents (``<errors>``
or ``application/problem+json``) with its statuses and, for the cases it shares with the
product, its messages.

Authentication costs a dictionary look-up: ``FLOOR_CREDENTIALS`` is a JSON list of
``{"authorization": <the exact Authorization header: "Basic base64(email:password)",
"Basic base64(email:api key)" or "Bearer <api key>">, "user_id": <the user's id, written as
creator_id>, "business_files": [<ids the credential may use>], "read_only": <optional,
false by default>}``. Any other header is 401 with the product's body and challenge; a
business file the credential does not list is 404, as the product answers a non-member.
The scheme is matched case-insensitively; the rest of the header exactly.

One connection per worker process, opened at its first request (``floor.sql``).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qsl

from floor import writer
from floor.inbound import NESTED, Rejected, contact_input, parse, with_defaults
from floor.sql import NESTED_TABLES, Store, now_utc

ROUTE = re.compile(r"/([0-9]{1,18})/contacts(?:/([0-9]{1,18}))?\.(xml|json)")

STATUS = {code: f"{code} {HTTPStatus(code).phrase}" for code in
          (200, 201, 400, 401, 403, 404, 405, 413, 415, 422, 501)}
TITLES = {400: "Bad request", 401: "Authentication required", 403: "Forbidden",
          404: "Not found", 405: "Method not allowed", 413: "Request too large",
          415: "Unsupported media type", 422: "Validation failed", 501: "Not implemented"}

XML_TYPE = ("Content-Type", "application/xml; charset=utf-8")
JSON_TYPE = ("Content-Type", "application/json")
PROBLEM_TYPE = ("Content-Type", "application/problem+json")
# What the product's middleware and DRF add to every API answer.
COMMON = [("Vary", "Accept"), ("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
          ("Referrer-Policy", "same-origin"), ("Cross-Origin-Opener-Policy", "same-origin")]
LIST_HEADERS = [("Allow", "GET, POST, HEAD, OPTIONS"), *COMMON]
DETAIL_HEADERS = [("Allow", "GET, PUT, DELETE, HEAD, OPTIONS"), *COMMON]
CHALLENGE = ("WWW-Authenticate", 'Basic realm="Comptoir API", charset="UTF-8"')
API_KEY_PREFIX = "cpt_"

FILTERS = ("q", "updated_since", "firm_id", "contact_type")
MAX_PAGE = 1_000_000_000
XML_TYPES = ("application/xml", "text/xml")
JSON_TYPES = ("application/json",)
LENIENT_TYPES = ("", "text/plain", "application/x-www-form-urlencoded", "utf-8")


@dataclass(frozen=True)
class Credential:
    user_id: int
    business_files: frozenset
    read_only: bool = False
    is_key: bool = False


def basic_header(email: str, secret: str) -> str:
    """The ``Authorization`` value of a Basic credential, as a client sends it."""
    return "Basic " + base64.b64encode(f"{email}:{secret}".encode()).decode()


def _is_key(authorization: str) -> bool:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer":
        return True
    try:
        secret = base64.b64decode(token).decode("utf-8", "replace").partition(":")[2]
    except (binascii.Error, ValueError):
        return False
    return secret.startswith(API_KEY_PREFIX)


def load_credentials(entries) -> dict[str, Credential]:
    """``FLOOR_CREDENTIALS`` (parsed JSON) as a dict: Authorization header -> credential."""
    table = {}
    for entry in entries:
        header = entry["authorization"].strip()
        scheme, _, rest = header.partition(" ")
        header = f"{scheme.capitalize()} {rest.strip()}"
        table[header] = Credential(
            int(entry["user_id"]), frozenset(int(b) for b in entry["business_files"]),
            bool(entry.get("read_only", False)), _is_key(header),
        )
    return table


def _auth_failure(header: str | None) -> str:
    """The product's 401 message for a header the floor does not know."""
    parts = header.encode("latin-1", "replace").split() if header else []
    if not parts or parts[0].lower() not in (b"basic", b"bearer"):
        return "authentication credentials were not provided"
    if parts[0].lower() == b"bearer":
        return "malformed Bearer token" if len(parts) != 2 else "invalid credentials"
    if len(parts) != 2:
        return "malformed Basic credentials"
    try:
        raw = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return "malformed Basic credentials"
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
    email, sep, _ = decoded.partition(":")
    if not sep or not email:
        return "malformed Basic credentials"
    return "invalid credentials"


def _positive_int(params: dict, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Rejected(400, f"{name}: expected a whole number, got {raw!r}") from None
    if value < 1:
        raise Rejected(400, f"{name}: must be 1 or more")
    if value > MAX_PAGE:
        raise Rejected(400, f"{name}: must be at most {MAX_PAGE}")
    return value


class FloorApp:
    """The WSGI callable. Without arguments it reads ``DATABASE_URL`` and
    ``FLOOR_CREDENTIALS`` from the environment at its first request."""

    def __init__(self, database_url: str | None = None, credentials=None):
        self.store = Store(database_url) if database_url else None
        self.credentials = load_credentials(credentials) if credentials is not None else None
        self.page_size = int(os.environ.get("COMPTOIR_PAGE_SIZE", "100"))
        self.max_page_size = int(os.environ.get("COMPTOIR_MAX_PAGE_SIZE", "500"))
        self.max_body = int(os.environ.get("COMPTOIR_MAX_BODY_BYTES", str(10 * 1024 * 1024)))
        self._ready = self.store is not None and self.credentials is not None

    def _configure(self) -> None:
        if self.store is None:
            self.store = Store(os.environ["DATABASE_URL"])
        if self.credentials is None:
            self.credentials = load_credentials(json.loads(os.environ["FLOOR_CREDENTIALS"]))
        self._ready = True

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    # -- WSGI -------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        if not self._ready:
            self._configure()
        path = environ["PATH_INFO"]
        route = ROUTE.fullmatch(path)
        if route is None:
            return self._not_found(path, start_response)
        bf_text, pk, fmt = route.groups()
        headers = DETAIL_HEADERS if pk else LIST_HEADERS
        json_out = fmt == "json"
        authorization = environ.get("HTTP_AUTHORIZATION")
        credential = self.credentials.get(authorization)
        try:
            if credential is None:
                credential = self._retry_scheme(authorization)
            bf = int(bf_text)
            if bf not in credential.business_files:
                raise Rejected(404, "no such business file")
            method = environ["REQUEST_METHOD"]
            if method == "GET":
                if pk is None:
                    status, body = 200, self.list(bf, environ.get("QUERY_STRING"), json_out)
                else:
                    status, body = 200, self.show(bf, pk, json_out)
            elif method == "POST" and pk is None:
                self._may_write(credential)
                pk, body = self.create(environ, bf, credential, json_out)
                headers = [("Location", f"/{bf}/contacts/{pk}.{fmt}"), *headers]
                status = 201
            elif method == "PUT" and pk is not None:
                self._may_write(credential)
                status, body = 200, self.update(environ, bf, pk, credential, json_out)
            else:
                raise Rejected(405, f'method "{method}" not allowed')
        except Rejected as rejected:
            status = rejected.status
            if json_out:
                body = writer.errors_json(status, TITLES[status], rejected.messages)
                content_type = PROBLEM_TYPE
            else:
                body = writer.errors_xml(rejected.messages)
                content_type = XML_TYPE
            if status == 401:
                headers = [CHALLENGE, *headers]
        else:
            content_type = JSON_TYPE if json_out else XML_TYPE
        start_response(STATUS[status],
                       [content_type, ("Content-Length", str(len(body))), *headers])
        return [body]

    def _retry_scheme(self, authorization: str | None) -> Credential:
        """A header whose scheme is spelt otherwise (``basic``), or the product's 401."""
        if authorization:
            scheme, _, rest = authorization.strip().partition(" ")
            credential = self.credentials.get(f"{scheme.capitalize()} {rest.strip()}")
            if credential is not None:
                return credential
        raise Rejected(401, _auth_failure(authorization))

    @staticmethod
    def _may_write(credential: Credential) -> None:
        if credential.read_only:
            raise Rejected(403, "this API key is read-only" if credential.is_key
                           else "your role in this business file is read-only")

    @staticmethod
    def _not_found(path: str, start_response):
        if path.endswith(".json"):
            body = writer.errors_json(404, "no such resource", ["no such resource"])
            content_type = PROBLEM_TYPE
        elif path.endswith(".xml"):
            body, content_type = writer.errors_xml(["no such resource"]), XML_TYPE
        else:
            body, content_type = b"Not Found", ("Content-Type", "text/plain; charset=utf-8")
        start_response(STATUS[404], [content_type, ("Content-Length", str(len(body))),
                                     *COMMON[1:]])
        return [body]

    # -- reads ------------------------------------------------------------------------------

    def show(self, bf: int, pk: str, json_out: bool) -> bytes:
        found = self.store.show(bf, int(pk))
        if found is None:
            raise Rejected(404, f"no contact with id {pk}")
        return writer.show_json(*found) if json_out else writer.show_xml(*found)

    def list(self, bf: int, query: str | None, json_out: bool) -> bytes:
        page, per_page = 1, self.page_size
        if query:
            params = dict(parse_qsl(query, keep_blank_values=True))
            if any(params.get(name, "").strip() for name in FILTERS):
                raise Rejected(501, "the floor does not filter lists")
            page = _positive_int(params, "page", 1)
            per_page = min(_positive_int(params, "per_page", self.page_size),
                           self.max_page_size)
        rows, addresses, items, total = self.store.page(bf, per_page, (page - 1) * per_page)
        pagination = (page, max(1, -(-total // per_page)), len(rows), per_page, total)
        if json_out:
            return writer.page_json(rows, addresses, items, pagination)
        return writer.page_xml(rows, addresses, items, pagination)

    # -- writes -----------------------------------------------------------------------------

    def _body(self, environ, json_out: bool):
        """The parsed XML body: the product's content-type rules, size cap and parser."""
        # The product's order: an empty body, then the type, then the size.
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= 0:
            raise Rejected(400, "the request body is empty; send one element with a "
                                "Content-Length")
        declared = environ.get("CONTENT_TYPE", "")
        content_type = declared.split(";")[0].strip().lower()
        if content_type.endswith("+xml") or content_type in XML_TYPES:
            pass
        elif content_type.endswith("+json") or content_type in JSON_TYPES:
            raise Rejected(415, "the floor reads XML bodies only")
        elif content_type in LENIENT_TYPES or "/" not in content_type:
            if json_out:
                raise Rejected(415, "the floor reads XML bodies only")
        else:
            raise Rejected(415, f'unsupported media type "{declared}" in request')
        if length > self.max_body:
            raise Rejected(413, f"the request body is larger than {self.max_body} bytes")
        return parse(environ["wsgi.input"].read(length))

    def _show_after_write(self, bf: int, pk: int, json_out: bool) -> bytes:
        found = self.store.show(bf, pk)
        return writer.show_json(*found) if json_out else writer.show_xml(*found)

    def create(self, environ, bf: int, credential: Credential, json_out: bool):
        store = self.store
        root = self._body(environ, json_out)
        cursor = store.conn.cursor()
        try:
            values, nested, messages = contact_input(
                root, True, lambda firm: store.firm_exists(cursor, bf, firm)
            )
        finally:
            cursor.close()
        if messages:
            raise Rejected(422, messages)
        now = now_utc()
        with store.transaction() as cursor:
            pk = store.insert_contact(cursor, bf, credential.user_id, values, now)
            for plural, items in nested.items():
                store.insert_children(cursor, plural, bf, credential.user_id, pk,
                                      [with_defaults(plural, i) for i in items], now)
        return pk, self._show_after_write(bf, pk, json_out)

    def update(self, environ, bf: int, pk_text: str, credential: Credential,
               json_out: bool) -> bytes:
        store, pk = self.store, int(pk_text)
        now = now_utc()
        with store.transaction() as cursor:
            # The product's order: the contact, then the body, then its rules.
            if not store.contact_exists(cursor, bf, pk):
                raise Rejected(404, f"no contact with id {pk_text}")
            root = self._body(environ, json_out)
            values, nested, messages = contact_input(
                root, False, lambda firm: store.firm_exists(cursor, bf, firm)
            )
            if messages:
                raise Rejected(422, messages)
            known = {}
            for plural, items in nested.items():
                known[plural] = store.child_ids(cursor, NESTED_TABLES[plural][0], bf, pk)
                singular = NESTED[plural][0]
                messages += [
                    f"{plural}[{index}].id: no such {singular} in this contact"
                    for index, item in enumerate(items, start=1)
                    if "id" in item and item["id"] not in known[plural]
                ]
            if messages:
                raise Rejected(422, messages)
            store.update_row(cursor, "crm_contact", bf, pk, values, now)
            for plural, items in nested.items():
                table = NESTED_TABLES[plural][0]
                keep, new = set(), []
                for item in items:
                    if "id" in item:
                        fields = {k: v for k, v in item.items() if k != "id"}
                        store.update_row(cursor, table, bf, item["id"], fields, now)
                        keep.add(item["id"])
                    else:
                        new.append(with_defaults(plural, item))
                store.delete_children(cursor, table, bf, pk, sorted(known[plural] - keep))
                store.insert_children(cursor, plural, bf, credential.user_id, pk, new, now)
        return self._show_after_write(bf, pk, json_out)


application = FloorApp()
