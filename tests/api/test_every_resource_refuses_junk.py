"""Every registered resource answers junk with a 4xx, never a 500 (XML and JSON).

A sweep over the registry: an empty object, every writable field set to a string that is
no valid value of most kinds, and every field set to a number, nested collections included.
"""

import orjson
import pytest

from comptoir.core.registry import registry
from comptoir.core.testing.clients import make_tenant, to_xml

RESOURCES = sorted(registry.resources)


def junk(resource, value):
    data = {f.name: value for f in resource.writable_fields}
    for nested in resource.nested:
        if nested.writable:
            data[nested.plural] = [{f.name: value for f in nested.fields if not f.read_only}]
    return data


@pytest.fixture
def tenant(db):
    return make_tenant("junk")


@pytest.mark.parametrize("plural", RESOURCES)
@pytest.mark.parametrize("value", ["", "x<&>", "-1", "99999999999999999999", "1e400"])
def test_junk_is_a_4xx(tenant, plural, value):
    resource = registry[plural]
    client = tenant.owner_client()
    data = junk(resource, value)
    for response in (
        client.post(f"/{tenant.id}/{plural}.json", orjson.dumps(data),
                    content_type="application/json"),
        client.post(f"/{tenant.id}/{plural}.xml", to_xml(plural, data),
                    content_type="application/xml"),
        client.post(f"/{tenant.id}/{plural}.json", b"{}", content_type="application/json"),
    ):
        assert response.status_code < 500, (plural, value, response.content[:300])


@pytest.mark.parametrize("plural", RESOURCES)
def test_numbers_and_lists_in_place_of_text_are_a_4xx(tenant, plural):
    resource = registry[plural]
    client = tenant.owner_client()
    for value in (12, -3.5, True, [1], {"a": 1}):
        response = client.post(f"/{tenant.id}/{plural}.json", orjson.dumps(junk(resource, value)),
                               content_type="application/json")
        assert response.status_code < 500, (plural, value, response.content[:300])
