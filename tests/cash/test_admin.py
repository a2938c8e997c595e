"""The operators' admin lists bank accounts and keeps one default per business file."""

import pytest

from comptoir.cash.models import BankAccount
from comptoir.tenancy.models import BusinessFile, User


@pytest.fixture
def admin_client(client, db):
    User.objects.create_superuser("root@example.test", "root password 1")
    client.login(username="root@example.test", password="root password 1")
    return client


def test_making_an_account_the_default_in_the_admin_releases_the_other(admin_client):
    bf, other = BusinessFile.objects.create(name="A"), BusinessFile.objects.create(name="B")
    old = BankAccount.objects.create(business_file=bf, name="Ancien", is_default=True)
    foreign = BankAccount.objects.create(business_file=other, name="Autre", is_default=True)
    new = BankAccount.objects.create(business_file=bf, name="Nouveau")
    assert admin_client.get("/admin/cash/bankaccount/").status_code == 200
    url = f"/admin/cash/bankaccount/{new.pk}/change/"
    assert admin_client.get(url).status_code == 200
    fields = {name: "" for name in (
        "bank_name", "bank_code", "bank_desk", "bank_account", "bank_key", "bank_iban",
        "bank_bic", "bank_dom", "street_address", "street_address2", "zip_code", "city",
        "comment",
    )}
    response = admin_client.post(url, {**fields, "name": "Nouveau", "country": "France",
                                       "is_default": "on"})
    assert response.status_code == 302, response.content
    defaults = {bf.pk: [], other.pk: []}
    for account in (old, foreign, new):
        account.refresh_from_db()
        if account.is_default:
            defaults[account.business_file_id].append(account.name)
    assert defaults == {bf.pk: ["Nouveau"], other.pk: ["Autre"]}
