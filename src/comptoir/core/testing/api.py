"""The shared API test case: every resource gets the same ~30 tests from a fixtures-only class.

Subclass with data only::

    class FirmTestCase(ResourceAPITestCase):
        resource = "firms"
        create_data = [{"name": "Atelier Martin"}, {"name": "Boulangerie Roux"}, ...]
        update_data = {"name": "Atelier Martin & Fils"}
        invalid_data = ({"name": ""}, "name")
        filters = [("q=roux", [1])]        # query string, indices into create_data

Payloads use wire names and JSON-style values; the XML variants are derived from them. Each
test runs through the real URL routes, authentication, codecs and database, in XML and JSON:
list, show, create (201 + Location), partial update, delete (200), pagination and a page past
the end, nested collections replaced when sent and kept when not, filters, legacy routes,
422 on invalid data, 404 on unknown ids, 403 for read-only credentials, and the tenant
isolation matrix — an object of business file B is 404 from business file A for every verb
and never listed. Query counts of a list page and a show are asserted too.
"""

from __future__ import annotations

import re
from decimal import Decimal
from unittest import mock

import orjson
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from lxml import etree

from comptoir.core.registry import registry
from comptoir.core.testing.clients import basic, make_tenant, to_xml, wsgi_get

LEAF_LINE = re.compile(r"^( {2})*<([a-z_0-9A-Z]+)>[^<]*</\2>$")
OPEN_LINE = re.compile(r"^( {2})*</?[a-z_0-9A-Z]+( type=\"array\")?>$")
PROLOG = '<?xml version="1.0" encoding="UTF-8"?>'


def assert_wire_layout(testcase, body: bytes) -> None:
    """The formatting real clients parse as text (W19–W22)."""
    text = body.decode()
    testcase.assertTrue(text.endswith("\n"), "the document must end with a newline")
    lines = text.split("\n")[:-1]
    testcase.assertEqual(lines[0], PROLOG)
    for line in lines[1:]:
        testcase.assertTrue(
            LEAF_LINE.match(line) or OPEN_LINE.match(line),
            f"line not in the wire layout: {line!r}",
        )
        testcase.assertEqual(line, line.rstrip(), "trailing whitespace")
    root_attrs = re.findall(r" [a-z]+=", "\n".join(lines[1:]))
    testcase.assertLessEqual(len(root_attrs), 1, "only the list root may carry an attribute")


def same_value(expected, actual) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(expected) == bool(actual) if actual is not None else expected is None
    if isinstance(expected, (int, float, Decimal)) and isinstance(actual, str):
        return Decimal(str(expected)) == Decimal(actual)
    if isinstance(expected, str) and isinstance(actual, (int, float)):
        return Decimal(expected) == Decimal(str(actual))
    return expected == actual


class ResourceAPITestCase(TestCase):
    resource: str = ""
    create_data: list[dict] = []
    update_data: dict = {}
    invalid_data: tuple[dict, str] | None = None
    filters: list[tuple[str, list[int]]] = []

    # -- fixtures -------------------------------------------------------------------------

    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("a")
        cls.other = make_tenant("b")

    def setUp(self):
        self.res = registry[self.resource]
        self.client = self.tenant.owner_client()
        self.created = [self.post_json(self.client, self.tenant.id, d) for d in self.create_data]
        self.foreign = self.post_json(
            self.other.owner_client(), self.other.id, self.create_data[0]
        )

    @classmethod
    def prepare_payload(cls, data: dict, tenant) -> dict:
        """Hook: adapt a payload to a tenant (e.g. links to objects created in it)."""
        return data

    def url(self, bf=None, pk=None, fmt="json", query="") -> str:
        bf = bf or self.tenant.id
        path = f"/{bf}/{self.res.plural}"
        path += f"/{pk}.{fmt}" if pk is not None else f".{fmt}"
        return path + (f"?{query}" if query else "")

    def post_json(self, client, bf, data) -> dict:
        tenant = self.tenant if bf == self.tenant.id else self.other
        payload = self.prepare_payload(dict(data), tenant)
        response = client.post(self.url(bf), orjson.dumps(payload), content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        return orjson.loads(response.content)

    def get_json(self, url, client=None):
        response = (client or self.client).get(url)
        self.assertEqual(response.status_code, 200, response.content)
        return orjson.loads(response.content)

    def assert_matches(self, expected: dict, actual: dict) -> None:
        for name, value in expected.items():
            nested = self.res.nested_by_plural(name)
            if nested is None:
                self.assertIn(name, actual)
                self.assertTrue(same_value(value, actual[name]),
                                f"{name}: sent {value!r}, got {actual[name]!r}")
                continue
            self.assertEqual(len(actual[name]), len(value), name)
            for sent, got in zip(value, actual[name], strict=True):
                for key, item_value in sent.items():
                    if key != "id":
                        self.assertTrue(same_value(item_value, got[key]), f"{name}.{key}")

    def xml(self, response):
        return etree.fromstring(response.content)

    # -- reads ----------------------------------------------------------------------------

    def test_list_json(self):
        body = self.get_json(self.url())
        ids = [o["id"] for o in body[self.res.plural]]
        self.assertEqual(ids, sorted(o["id"] for o in self.created))
        self.assertEqual(body["pagination"]["total_count"], len(self.created))
        self.assertEqual(body["pagination"]["current_page"], 1)
        self.assertEqual(body["pagination"]["current_page_items_count"], len(self.created))

    def test_list_xml(self):
        response = self.client.get(self.url(fmt="xml"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/xml; charset=utf-8")
        assert_wire_layout(self, response.content)
        root = self.xml(response)
        self.assertEqual(root.tag, self.res.plural)
        self.assertEqual(dict(root.attrib), {"type": "array"})
        children = list(root)
        self.assertEqual([c.tag for c in children],
                         [self.res.singular] * len(self.created) + ["pagination"])
        for item in children[:-1]:
            self.assertEqual(item[0].tag, "id")
        lines = response.content.decode().splitlines()
        item_ids = [int(line[8:-5]) for line in lines if line.startswith("    <id>")]
        self.assertEqual(item_ids, sorted(o["id"] for o in self.created))

    def test_show_json(self):
        obj = self.created[0]
        body = self.get_json(self.url(pk=obj["id"]))
        self.assertEqual(body, obj)
        self.assert_matches(self.prepare_payload(dict(self.create_data[0]), self.tenant), body)

    def test_show_xml(self):
        obj = self.created[0]
        response = self.client.get(self.url(pk=obj["id"], fmt="xml"))
        self.assertEqual(response.status_code, 200)
        assert_wire_layout(self, response.content)
        lines = response.content.decode().splitlines()
        self.assertEqual(lines[1], f"<{self.res.singular}>")
        self.assertEqual(lines[2], f"  <id>{obj['id']}</id>")
        root = self.xml(response)
        self.assertEqual(root.tag, self.res.singular)
        self.assertEqual([c.tag for c in root],
                         [f.name for f in self.res.wire_fields if root.find(f.name) is not None]
                         + [n.plural for n in self.res.nested])

    def test_pagination_and_past_the_end(self):
        per_page = max(1, len(self.created) - 1)
        first = self.get_json(self.url(query=f"per_page={per_page}"))
        second = self.get_json(self.url(query=f"per_page={per_page}&page=2"))
        ids = [o["id"] for o in first[self.res.plural] + second[self.res.plural]]
        self.assertEqual(ids, sorted(o["id"] for o in self.created))
        self.assertEqual(first["pagination"]["total_pages"], 2)
        self.assertEqual(second["pagination"]["current_page"], 2)
        past = self.client.get(self.url(fmt="xml", query=f"per_page={per_page}&page=99&r=1"))
        self.assertEqual(past.status_code, 200)
        root = self.xml(past)
        self.assertEqual([c.tag for c in root], ["pagination"])
        self.assertEqual(root.findtext("pagination/current_page"), "99")
        self.assertEqual(root.findtext("pagination/current_page_items_count"), "0")
        for query in ("page=zero", "page=0", "per_page=-5", f"page={10**15}"):
            self.assertEqual(self.client.get(self.url(query=query)).status_code, 400, query)

    def test_unknown_id_is_404(self):
        for fmt in ("xml", "json"):
            self.assertEqual(self.client.get(self.url(pk=987654321, fmt=fmt)).status_code, 404)

    # -- writes ---------------------------------------------------------------------------

    def test_create_xml(self):
        data = self.prepare_payload(dict(self.create_data[-1]), self.tenant)
        response = self.client.post(self.url(fmt="xml"), to_xml(self.resource, data),
                                    content_type="application/xml")
        self.assertEqual(response.status_code, 201, response.content)
        assert_wire_layout(self, response.content)
        new_id = int(response.content.decode().splitlines()[2][6:-5])
        self.assertEqual(response["Location"], self.url(pk=new_id, fmt="xml"))
        self.assert_matches(data, self.get_json(self.url(pk=new_id)))

    def test_create_json(self):
        data = self.prepare_payload(dict(self.create_data[-1]), self.tenant)
        response = self.client.post(self.url(), orjson.dumps(data), content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        body = orjson.loads(response.content)
        self.assertEqual(response["Location"], self.url(pk=body["id"]))
        self.assert_matches(data, body)
        self.assertEqual(self.get_json(self.url(pk=body["id"])), body)

    def _check_partial_update(self, fmt):
        obj = self.created[0]
        data = self.prepare_payload(dict(self.update_data), self.tenant)
        body = to_xml(self.resource, data) if fmt == "xml" else orjson.dumps(data)
        response = self.client.put(self.url(pk=obj["id"], fmt=fmt), body,
                                   content_type=f"application/{fmt}")
        self.assertEqual(response.status_code, 200, response.content)
        after = self.get_json(self.url(pk=obj["id"]))
        self.assert_matches(data, after)
        for name, value in obj.items():
            if name not in data and name not in ("updated_at",) and not name.endswith("_name"):
                self.assertEqual(after[name], value, f"{name} changed without being sent")

    def test_partial_update_xml(self):
        self._check_partial_update("xml")

    def test_partial_update_json(self):
        self._check_partial_update("json")

    def test_delete_xml_and_json(self):
        for fmt, obj in zip(("xml", "json"), self.created[:2], strict=False):
            response = self.client.delete(self.url(pk=obj["id"], fmt=fmt),
                                          content_type="application/xml")
            self.assertEqual(response.status_code, 200, response.content)
            self.assertEqual(self.client.get(self.url(pk=obj["id"])).status_code, 404)

    def test_invalid_data_is_422(self):
        if self.invalid_data is None:
            self.skipTest("no invalid payload declared")
        data, field = self.invalid_data
        data = self.prepare_payload(dict(data), self.tenant)
        response = self.client.post(self.url(fmt="xml"), to_xml(self.resource, data),
                                    content_type="application/xml")
        self.assertEqual(response.status_code, 422, response.content)
        errors = [e.text for e in self.xml(response).iter("error")]
        self.assertTrue(any(e.startswith(f"{field}: ") for e in errors), errors)
        response = self.client.post(self.url(), orjson.dumps(data), content_type="application/json")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        problem = orjson.loads(response.content)
        self.assertEqual(problem["status"], 422)
        self.assertTrue(any(e.startswith(f"{field}: ") for e in problem["errors"]))

    def test_one_wrong_field_at_a_time_is_never_a_500(self):
        """Each writable field of a valid payload, in turn, set to junk: 2xx or 4xx."""
        base = self.prepare_payload(dict(self.create_data[0]), self.tenant)
        for field in self.res.writable_fields:
            for junk in ("x<&>", "99999999999999999999", "-1", ""):
                data = {**base, field.name: junk}
                response = self.client.post(self.url(fmt="xml"), to_xml(self.resource, data),
                                            content_type="application/xml")
                self.assertLess(response.status_code, 500, (field.name, junk, response.content))

    def test_malformed_body_is_400(self):
        response = self.client.post(self.url(fmt="xml"), f"<{self.res.singular}><oops>",
                                    content_type="application/xml")
        self.assertEqual(response.status_code, 400)
        response = self.client.post(self.url(), "{not json", content_type="application/json")
        self.assertEqual(response.status_code, 400)

    # -- nested collections ---------------------------------------------------------------

    def test_nested_replace_and_keep(self):
        if not self.res.nested:
            self.skipTest("no nested collections")
        writable = [n for n in self.res.nested if n.writable]
        if not writable:
            self.skipTest("no writable nested collections")
        obj = next((o for o in self.created if any(o[n.plural] for n in writable)), None)
        self.assertIsNotNone(obj, "give one create_data item nested collections")
        nested = next(n for n in writable if obj[n.plural])
        kept, *dropped = obj[nested.plural]
        writable = [f.name for f in nested.fields if not f.read_only]
        new_item = {k: v for k, v in kept.items() if k in writable}
        payload = {nested.plural: [{"id": kept["id"], **new_item}, new_item]}
        response = self.client.put(self.url(pk=obj["id"], fmt="xml"),
                                   to_xml(self.resource, payload), content_type="application/xml")
        self.assertEqual(response.status_code, 200, response.content)
        after = self.get_json(self.url(pk=obj["id"]))
        items = after[nested.plural]
        self.assertEqual(len(items), 2)
        self.assertEqual(items[0]["id"], kept["id"])
        self.assertNotIn(items[1]["id"], [d["id"] for d in dropped])
        for other in self.res.nested:
            if other is not nested:
                self.assertEqual(after[other.plural], obj[other.plural], "unsent collection kept")
        # An id of another object's item is refused, not stolen.
        foreign_items = [i for n in self.res.nested for i in self.foreign[n.plural]]
        if foreign_items:
            stolen = {nested.plural: [{"id": foreign_items[0]["id"], **new_item}]}
            response = self.client.put(self.url(pk=obj["id"]), orjson.dumps(stolen),
                                       content_type="application/json")
            self.assertEqual(response.status_code, 422, response.content)
        # An empty collection empties it.
        response = self.client.put(self.url(pk=obj["id"]),
                                   orjson.dumps({nested.plural: []}),
                                   content_type="application/json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.get_json(self.url(pk=obj["id"]))[nested.plural], [])

    # -- filters --------------------------------------------------------------------------

    def test_filters(self):
        for query, indices in self.filters:
            body = self.get_json(self.url(query=query))
            expected = sorted(self.created[i]["id"] for i in indices)
            self.assertEqual([o["id"] for o in body[self.res.plural]], expected, query)
            self.assertEqual(body["pagination"]["total_count"], len(expected), query)

    def test_updated_since_filter(self):
        body = self.get_json(self.url(query="updated_since=01-01-2000"))
        self.assertEqual(len(body[self.res.plural]), len(self.created))
        body = self.get_json(self.url(query="updated_since=01-01-2999-00-00"))
        self.assertEqual(body[self.res.plural], [])
        self.assertEqual(self.client.get(self.url(query="updated_since=yesterday")).status_code,
                         400)

    # -- legacy routes (W11) --------------------------------------------------------------

    def test_legacy_routes(self):
        plural, bf = self.res.plural, self.tenant.id
        obj = self.created[0]
        response = self.client.get(f"/{plural}/list/{bf}.xml?page=1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.xml(response).tag, plural)
        response = self.client.get(f"/{plural}/show/{bf}/{obj['id']}.xml")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.xml(response).findtext("id"), str(obj["id"]))
        data = self.prepare_payload(dict(self.create_data[0]), self.tenant)
        response = self.client.post(f"/{plural}/create/{bf}.xml", to_xml(plural, data),
                                    content_type="application/xml")
        self.assertEqual(response.status_code, 201, response.content)
        new_id = self.xml(response).findtext("id")
        response = self.client.post(f"/{plural}/destroy/{bf}/{new_id}.xml")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.client.get(f"/{plural}/show/{bf}/{new_id}").status_code, 404)

    # -- permissions and tenancy ----------------------------------------------------------

    def test_read_only_credentials_cannot_write(self):
        obj = self.created[0]
        data = orjson.dumps(self.prepare_payload(dict(self.update_data), self.tenant))
        for client in (self.tenant.read_only_key_client(), self.tenant.reader_client()):
            self.assertEqual(client.get(self.url(pk=obj["id"])).status_code, 200)
            self.assertEqual(client.post(self.url(), data, content_type="application/json")
                             .status_code, 403)
            self.assertEqual(client.put(self.url(pk=obj["id"]), data,
                                        content_type="application/json").status_code, 403)
            self.assertEqual(client.delete(self.url(pk=obj["id"])).status_code, 403)
        self.assertEqual(self.get_json(self.url(pk=obj["id"])), obj)

    def test_tenant_isolation(self):
        foreign_id = self.foreign["id"]
        data = orjson.dumps(self.prepare_payload(dict(self.update_data), self.tenant))
        for fmt in ("xml", "json"):
            url = self.url(pk=foreign_id, fmt=fmt)
            self.assertEqual(self.client.get(url).status_code, 404)
            self.assertEqual(self.client.put(url, data, content_type="application/json")
                             .status_code, 404)
            self.assertEqual(self.client.delete(url).status_code, 404)
            listed = self.client.get(self.url(fmt=fmt, query="per_page=500"))
            if fmt == "xml":
                # Item ids only (4 spaces deep): a nested row of another table may share it.
                self.assertNotIn(f"\n    <id>{foreign_id}</id>\n".encode(), listed.content)
            else:
                items = orjson.loads(listed.content)[self.res.plural]
                self.assertNotIn(foreign_id, [item["id"] for item in items])
        plural, bf = self.res.plural, self.tenant.id
        self.assertEqual(self.client.get(f"/{plural}/show/{bf}/{foreign_id}.xml").status_code, 404)
        self.assertEqual(self.client.post(f"/{plural}/destroy/{bf}/{foreign_id}.xml").status_code,
                         404)
        # Nor can A reach B's business file with A's credentials.
        self.assertEqual(self.client.get(self.url(bf=self.other.id)).status_code, 404)
        # B's object is untouched.
        b_client = self.other.owner_client()
        self.assertEqual(self.get_json(self.url(bf=self.other.id, pk=foreign_id), b_client),
                         self.foreign)

    def test_fast_reads_answer_what_django_answers(self):
        from comptoir.api.fastpath import FastReads
        from comptoir.tenancy import access
        from comptoir.wsgi import django_application

        fast = FastReads(django_application)
        fast.enabled = True
        # On a loaded machine this test can outlast the few seconds a worker trusts a verdict
        # before reading the cache again (then Django answers, correctly but not fast).
        self.enterContext(mock.patch.object(access, "RECHECK_SECONDS", 3600))
        # As Django's test client does: the test's transaction must outlive each request.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        headers = basic(self.tenant.owner.email, self.tenant.password)
        pk = self.created[0]["id"]
        paths = [self.url(pk=pk, fmt=fmt) for fmt in ("xml", "json")]
        paths += [self.url(fmt=fmt, query=q) for fmt in ("xml", "json")
                  for q in ("", "page=2&per_page=1", "per_page=1&page=2", "page=9000")]
        for path in paths:
            expected = wsgi_get(django_application, path, headers)
            self.assertEqual(expected[0], "200 OK", path)
            wsgi_get(fast, path, headers)  # the first time Django answers: headers learnt
            answered = fast.answered
            self.assertEqual(wsgi_get(fast, path, headers), expected, path)
            self.assertEqual(fast.answered, answered + 1, path)
        # Never another tenant's data: its object under our business file, our credential
        # under its business file; both answered by Django (404), never by the fast path.
        answered = fast.answered
        for path in (self.url(pk=self.foreign["id"]), self.url(bf=self.other.id),
                     self.url(bf=self.other.id, pk=self.foreign["id"])):
            for _ in range(2):
                self.assertEqual(wsgi_get(fast, path, headers)[0], "404 Not Found", path)
        self.assertEqual(fast.answered, answered)
        # Bad or unusual input is never the fast path's to answer: Django's 400, 401 and
        # filtered answers, unchanged.
        answered = fast.answered
        wrong = basic(self.tenant.owner.email, "wrong password")
        for path, auth in ((self.url(query="page=0"), headers),
                           (self.url(fmt="xml", query="page=abc"), headers),
                           (self.url(query="per_page=-1"), headers),
                           (self.url(fmt="xml", query="page=1&page=2"), headers),
                           (self.url(query="updated_since=01-01-2020"), headers),
                           (self.url(pk=pk, fmt="xml"), wrong),
                           (self.url(fmt="json"), {"HTTP_AUTHORIZATION": "Basic %%%"})):
            self.assertEqual(wsgi_get(fast, path, auth), wsgi_get(django_application, path, auth),
                             path)
        self.assertEqual(fast.answered, answered)
        # A fast show runs the same statements as the full path.
        with CaptureQueriesContext(connection) as queries:
            wsgi_get(fast, paths[0], headers)
        self.assertEqual(len(queries), 1 + len(self.res.nested))

    # -- query counts ---------------------------------------------------------------------

    def test_query_counts(self):
        expected_list = 2 + len(self.res.nested)
        expected_show = 1 + len(self.res.nested)
        per_page = max(1, len(self.created) - 1)
        self.client.get(self.url(query=f"per_page={per_page}"))  # credentials now cached
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url(fmt="xml", query=f"per_page={per_page}"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(queries), expected_list, [q["sql"] for q in queries])
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url(pk=self.created[0]["id"]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(queries), expected_show, [q["sql"] for q in queries])
