"""Small helpers for API tests: credentials, XML payloads from dicts, tenants."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.test import Client

from comptoir.core.registry import registry
from comptoir.tenancy.models import ApiKey, BusinessFile, Membership, Role, User
from comptoir.tenancy.services import set_up_business_file


def basic(email: str, secret: str) -> dict:
    token = base64.b64encode(f"{email}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _xml_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_xml(plural: str, data: dict) -> str:
    """The XML body a client would send for ``data`` (JSON-style values) of a resource."""
    resource = registry[plural]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<{resource.singular}>"]
    for name, value in data.items():
        nested = resource.nested_by_plural(name)
        if nested is None:
            lines.append(f"  <{name}>{_xml_value(value)}</{name}>")
            continue
        lines.append(f"  <{name}>")
        for item in value:
            lines.append(f"    <{nested.singular}>")
            lines += [f"      <{k}>{_xml_value(v)}</{k}>" for k, v in item.items()]
            lines.append(f"    </{nested.singular}>")
        lines.append(f"  </{name}>")
    lines.append(f"</{resource.singular}>")
    return "\n".join(lines) + "\n"


@dataclass
class Tenant:
    """A business file with an owner, a read-only member and a read-only API key."""

    business_file: BusinessFile
    owner: User
    password: str
    reader: User
    read_only_key: str
    key: str

    @property
    def id(self) -> int:
        return self.business_file.pk

    def owner_client(self) -> Client:
        return Client(**basic(self.owner.email, self.password))

    def reader_client(self) -> Client:
        return Client(**basic(self.reader.email, self.password))

    def read_only_key_client(self) -> Client:
        return Client(**bearer(self.read_only_key))


def make_tenant(label: str, password: str = "correct horse battery") -> Tenant:
    business_file = BusinessFile.objects.create(name=f"Entreprise {label}", api_enabled=True)
    set_up_business_file(business_file)
    owner = User.objects.create_user(f"owner-{label}@example.test", password)
    reader = User.objects.create_user(f"reader-{label}@example.test", password)
    Membership.objects.create(user=owner, business_file=business_file, role=Role.OWNER)
    Membership.objects.create(user=reader, business_file=business_file, role=Role.READ_ONLY)
    _, read_only_key = ApiKey.issue(user=owner, business_file=business_file, name="ro",
                                    read_only=True)
    _, key = ApiKey.issue(user=owner, business_file=business_file, name="rw")
    return Tenant(business_file, owner, password, reader, read_only_key, key)


def wsgi_get(application, path: str, headers: dict) -> tuple[str, list, bytes]:
    """GET through a WSGI application itself (the test client bypasses ``comptoir.wsgi``)."""
    import io
    import sys

    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver", "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0), **headers,
    }
    started = []
    chunks = application(environ, lambda status, hdrs, exc_info=None: started.append(
        (status, hdrs)))
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return started[0][0], list(started[0][1]), body
