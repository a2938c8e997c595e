"""The home page tells a visitor what this server is and where to go."""

import pytest


@pytest.mark.django_db
def test_home_page_describes_the_server(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Comptoir" in html
    assert "incwo" in html
    assert 'href="/admin/"' in html
    assert "/{bf}/contacts.xml" in html and "/{bf}/firms.xml" in html


@pytest.mark.django_db
def test_admin_login_page_is_served(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/1/no_such_things.xml", "application/xml; charset=utf-8"),
     ("/1/no_such_things.json", "application/problem+json"),
     ("/no/such/page", "text/html; charset=utf-8")],
)
def test_unknown_urls_are_404_in_the_format_asked(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == content_type


@pytest.mark.django_db
def test_options_is_not_a_500(client):
    from comptoir.core.testing.clients import make_tenant

    tenant = make_tenant("x")
    response = tenant.owner_client().options(f"/{tenant.id}/contacts.xml")
    assert response.status_code == 405
