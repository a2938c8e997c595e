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
