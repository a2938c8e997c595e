"""Authentication and authorisation over HTTP (wire contract W1–W3, ARCHITECTURE.md §4).

Every test goes through the real URL routes, DRF authentication classes, permission and
exception handler with ``django.test.Client``; only the cache (locmem) and the default
password hasher (MD5) differ from production, except where a test asks for PBKDF2.
"""

from __future__ import annotations

import base64
import pickle
import time
from unittest import mock

import orjson
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from lxml import etree

from comptoir.core.testing.clients import basic, bearer, make_tenant
from comptoir.crm.models import Contact, ContactAddress, ContactItem
from comptoir.tenancy import access as access_module
from comptoir.tenancy import epochs
from comptoir.tenancy.models import ApiKey, BusinessFile, Membership, Role, User

pytestmark = pytest.mark.django_db

PBKDF2_ONLY = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
CONTACT_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<contact><last_name>Neuf</last_name></contact>'
)


# -- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def tenant():
    return make_tenant("a")


@pytest.fixture
def other():
    return make_tenant("b")


def add_contact(business_file, last_name="Martin", items=1) -> Contact:
    contact = Contact.objects.create(business_file=business_file, last_name=last_name)
    ContactAddress.objects.create(business_file=business_file, contact=contact, city="Lyon")
    for n in range(items):
        ContactItem.objects.create(
            business_file=business_file, contact=contact, type_id=27, value=f"c{n}@example.test"
        )
    return contact


def contacts_url(bf, pk=None, fmt="xml") -> str:
    return f"/{bf}/contacts/{pk}.{fmt}" if pk is not None else f"/{bf}/contacts.{fmt}"


def get(url, headers=None, **extra):
    return Client().get(url, **(headers or {}), **extra)


def errors_of(response) -> list[str]:
    root = etree.fromstring(response.content)
    assert root.tag == "errors", response.content
    return [e.text for e in root.findall("error")]


def write_statuses(headers, bf, pk) -> dict[str, int]:
    """The status of a create, an update and a delete (plus the legacy destroy) with ``headers``."""
    client = Client(**headers)
    return {
        "POST": client.post(contacts_url(bf), CONTACT_XML, content_type="application/xml")
        .status_code,
        "PUT": client.put(contacts_url(bf, pk), CONTACT_XML, content_type="application/xml")
        .status_code,
        "DELETE": client.delete(contacts_url(bf, pk)).status_code,
        "legacy destroy": client.post(f"/contacts/destroy/{bf}/{pk}.xml").status_code,
    }


def assert_challenge(response):
    assert response.status_code == 401, response.content
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.startswith('Basic realm="'), challenge
    assert response["Content-Type"].startswith("application/xml")
    assert errors_of(response)


def count_verify_calls():
    """Patch PBKDF2's verify with a counting wrapper; the mock's call_count is the count."""
    return mock.patch.object(
        PBKDF2PasswordHasher, "verify", autospec=True, side_effect=PBKDF2PasswordHasher.verify
    )


# -- credentials -----------------------------------------------------------------------------


def test_no_credentials_is_a_basic_challenge_with_an_xml_error(tenant):
    response = get(contacts_url(tenant.id))
    assert_challenge(response)
    assert 'realm="Comptoir API"' in response["WWW-Authenticate"]


def test_no_credentials_on_a_write_is_a_challenge_too(tenant):
    response = Client().post(contacts_url(tenant.id), CONTACT_XML, content_type="application/xml")
    assert_challenge(response)


def test_no_credentials_in_json_is_401_with_the_challenge(tenant):
    response = get(contacts_url(tenant.id, fmt="json"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")
    assert orjson.loads(response.content)["status"] == 401


def test_right_password_is_200(tenant):
    response = get(contacts_url(tenant.id), basic(tenant.owner.email, tenant.password))
    assert response.status_code == 200, response.content
    assert etree.fromstring(response.content).tag == "contacts"


def test_wrong_password_is_401_with_the_challenge(tenant):
    assert_challenge(get(contacts_url(tenant.id), basic(tenant.owner.email, "wrong")))


def test_empty_password_is_401(tenant):
    assert_challenge(get(contacts_url(tenant.id), basic(tenant.owner.email, "")))
    # even for an account whose stored hash is that of the empty string
    user = User.objects.create_user("blank@example.test", "")
    assert user.check_password("")
    Membership.objects.create(user=user, business_file=tenant.business_file)
    assert_challenge(get(contacts_url(tenant.id), basic(user.email, "")))
    assert get("/business_files.xml", basic(user.email, "")).status_code == 401


def test_unknown_email_is_401(tenant):
    assert_challenge(get(contacts_url(tenant.id), basic("nobody@example.test", tenant.password)))


@pytest.mark.parametrize("header", ["Basic", "Basic !!!notbase64", "Basic " + base64.b64encode(
    b"no-colon-here").decode(), "Basic " + base64.b64encode(b":password").decode(),
    "Bearer", "Bearer not-a-key", "Bearer a b"])
def test_malformed_or_unknown_credentials_are_401(tenant, header):
    assert_challenge(get(contacts_url(tenant.id), {"HTTP_AUTHORIZATION": header}))


def test_unknown_headers_and_cookies_are_ignored(tenant):
    """W3: incwo clients send ``X_FACILE_VERSION``, ``Accept-Language``, a Rails session cookie."""
    extra = {"HTTP_X_FACILE_VERSION": "3.1", "HTTP_ACCEPT_LANGUAGE": "fr",
             "HTTP_ACCEPT_CHARSET": "utf-8", "HTTP_COOKIE": "_session_id=0123456789abcdef"}
    response = get(contacts_url(tenant.id), basic(tenant.owner.email, tenant.password), **extra)
    assert response.status_code == 200
    # a cookie is not a credential: still the Basic challenge without Authorization
    assert_challenge(get(contacts_url(tenant.id), **extra))


def test_email_is_case_insensitive(tenant):
    shouted = tenant.owner.email.upper()
    assert get(contacts_url(tenant.id), basic(shouted, tenant.password)).status_code == 200
    # and the account was created lower-case whatever the case it was given in
    user = User.objects.create_user("Mixed.Case@Example.TEST", "pw-mixed-case")
    assert user.email == "mixed.case@example.test"
    Membership.objects.create(user=user, business_file=tenant.business_file)
    assert get(contacts_url(tenant.id), basic("MIXED.case@example.test", "pw-mixed-case")) \
        .status_code == 200


@pytest.mark.parametrize("password", [
    "a:b:c",            # split at the first colon only (W1)
    "p#ss.w0rd:#.",     # characters incwo passwords contain
    "mot de passe été €ñ 日本",  # non-ASCII, sent as UTF-8
    " leading and trailing ",
])
def test_passwords_with_special_characters(tenant, password):
    user = User.objects.create_user("special@example.test", password)
    Membership.objects.create(user=user, business_file=tenant.business_file)
    assert get(contacts_url(tenant.id), basic(user.email, password)).status_code == 200
    assert get(contacts_url(tenant.id), basic(user.email, password[:-1])).status_code == 401


def test_latin1_encoded_password_is_accepted(tenant):
    """A client that encodes the credential in Latin-1 (not valid UTF-8) still gets in."""
    user = User.objects.create_user("latin@example.test", "café crème")
    Membership.objects.create(user=user, business_file=tenant.business_file)
    token = base64.b64encode("latin@example.test:café crème".encode("latin-1")).decode()
    response = get(contacts_url(tenant.id), {"HTTP_AUTHORIZATION": f"Basic {token}"})
    assert response.status_code == 200, response.content


def test_password_that_looks_like_an_api_key_still_logs_in(tenant):
    """A password may start like a key (``cpt_``): Basic e-mail + password must still work."""
    user = User.objects.create_user("prefix@example.test", "cpt_my own password")
    Membership.objects.create(user=user, business_file=tenant.business_file)
    assert get(contacts_url(tenant.id), basic(user.email, "cpt_my own password")) \
        .status_code == 200
    assert get(contacts_url(tenant.id), basic(user.email, "cpt_not it")).status_code == 401


def test_basic_with_email_and_api_key(tenant):
    response = get(contacts_url(tenant.id), basic(tenant.owner.email, tenant.key))
    assert response.status_code == 200, response.content
    assert get(contacts_url(tenant.id), basic(tenant.owner.email.upper(), tenant.key)) \
        .status_code == 200


def test_basic_with_someone_elses_email_and_a_key_is_401(tenant):
    assert_challenge(get(contacts_url(tenant.id), basic(tenant.reader.email, tenant.key)))


def test_bearer_api_key(tenant):
    assert get(contacts_url(tenant.id), bearer(tenant.key)).status_code == 200
    assert get(contacts_url(tenant.id, fmt="json"), bearer(tenant.key)).status_code == 200


def test_unknown_or_truncated_bearer_key_is_401(tenant):
    assert_challenge(get(contacts_url(tenant.id), bearer(tenant.key[:-1])))
    assert_challenge(get(contacts_url(tenant.id), bearer(tenant.key + "x")))


def test_revoked_key_is_401(tenant):
    ApiKey.objects.get(name="rw").revoke()
    assert_challenge(get(contacts_url(tenant.id), bearer(tenant.key)))
    assert_challenge(get(contacts_url(tenant.id), basic(tenant.owner.email, tenant.key)))


def test_revoking_a_cached_key_takes_effect_at_once(tenant):
    assert get(contacts_url(tenant.id), bearer(tenant.key)).status_code == 200
    assert get(contacts_url(tenant.id), basic(tenant.owner.email, tenant.key)).status_code == 200
    ApiKey.objects.get(name="rw").revoke()
    assert_challenge(get(contacts_url(tenant.id), bearer(tenant.key)))
    assert_challenge(get(contacts_url(tenant.id), basic(tenant.owner.email, tenant.key)))
    # the other key of the same user is unaffected
    assert get(contacts_url(tenant.id), bearer(tenant.read_only_key)).status_code == 200


def test_deleting_a_cached_key_takes_effect_at_once(tenant):
    assert get(contacts_url(tenant.id), bearer(tenant.key)).status_code == 200
    ApiKey.objects.get(name="rw").delete()
    assert_challenge(get(contacts_url(tenant.id), bearer(tenant.key)))


def test_a_key_revoked_while_it_is_being_verified_is_not_cached(tenant):
    """A revocation landing between the key check and the verdict must not be cached."""
    real_stamp = access_module._stamp

    def revoke_then_stamp(user_id, bf_id):
        # the revocation (save and epoch bump) lands after the key was found active
        ApiKey.objects.get(name="rw").revoke()
        return real_stamp(user_id, bf_id)

    with mock.patch.object(access_module, "_stamp", revoke_then_stamp):
        first = get(contacts_url(tenant.id), bearer(tenant.key))
    # Whatever the racing request answered, the verdict must not outlive the revocation.
    assert first.status_code == 401
    assert_challenge(get(contacts_url(tenant.id), bearer(tenant.key)))


# -- which business file ---------------------------------------------------------------------


def test_key_of_another_business_file_is_403_and_reads_nothing(tenant, other):
    theirs = add_contact(other.business_file, "Secret")
    for headers in (bearer(tenant.key), basic(tenant.owner.email, tenant.key)):
        for url in (contacts_url(other.id), contacts_url(other.id, theirs.pk),
                    contacts_url(other.id, fmt="json"), f"/contacts/list/{other.id}.xml",
                    f"/contacts/show/{other.id}/{theirs.pk}.xml"):
            response = get(url, headers)
            assert response.status_code == 403, (url, response.content)
            assert b"Secret" not in response.content
        assert set(write_statuses(headers, other.id, theirs.pk).values()) == {403}
        # through its own business file, the other file's contact does not exist
        response = get(contacts_url(tenant.id, theirs.pk), headers)
        assert response.status_code == 404
        assert b"Secret" not in response.content
    assert Contact.objects.for_business_file(other.business_file).filter(pk=theirs.pk).exists()


def test_non_member_gets_404_like_a_business_file_that_does_not_exist(tenant, other):
    theirs = add_contact(other.business_file, "Secret")
    outsider = basic(tenant.owner.email, tenant.password)
    missing_id = BusinessFile.objects.order_by("-id").first().pk + 1000
    for bf in (other.id, missing_id, 0):
        for url in (contacts_url(bf), contacts_url(bf, theirs.pk), contacts_url(bf, fmt="json"),
                    f"/contacts/list/{bf}.xml", f"/contacts/show/{bf}/{theirs.pk}.xml",
                    f"/contacts/show/{bf}/{theirs.pk}"):
            response = get(url, outsider)
            assert response.status_code == 404, (url, response.content)
            assert b"Secret" not in response.content
        statuses = write_statuses(outsider, bf, theirs.pk)
        assert set(statuses.values()) == {404}, (bf, statuses)
    # the answer does not tell an existing file from a missing one
    assert get(contacts_url(other.id), outsider).content == \
        get(contacts_url(missing_id), outsider).content
    assert Contact.objects.for_business_file(other.business_file).count() == 1


def test_membership_role_read_only_may_read_but_not_write(tenant):
    mine = add_contact(tenant.business_file)
    reader = basic(tenant.reader.email, tenant.password)
    assert get(contacts_url(tenant.id), reader).status_code == 200
    assert get(contacts_url(tenant.id, mine.pk), reader).status_code == 200
    statuses = write_statuses(reader, tenant.id, mine.pk)
    assert set(statuses.values()) == {403}, statuses
    response = Client(**reader).post(contacts_url(tenant.id), CONTACT_XML,
                                     content_type="application/xml")
    assert "read-only" in errors_of(response)[0]
    assert Contact.objects.for_business_file(tenant.business_file).count() == 1


def test_read_only_key_may_read_but_not_write(tenant):
    mine = add_contact(tenant.business_file)
    for headers in (bearer(tenant.read_only_key), basic(tenant.owner.email, tenant.read_only_key)):
        assert get(contacts_url(tenant.id), headers).status_code == 200
        assert get(contacts_url(tenant.id, mine.pk), headers).status_code == 200
        statuses = write_statuses(headers, tenant.id, mine.pk)
        assert set(statuses.values()) == {403}, statuses
    assert Contact.objects.for_business_file(tenant.business_file).count() == 1
    # the same owner with the read-write key writes
    response = Client(**bearer(tenant.key)).post(
        contacts_url(tenant.id), CONTACT_XML, content_type="application/xml"
    )
    assert response.status_code == 201, response.content


def test_changing_the_role_of_a_cached_credential_takes_effect_at_once(tenant):
    mine = add_contact(tenant.business_file)
    owner = basic(tenant.owner.email, tenant.password)
    assert get(contacts_url(tenant.id, mine.pk), owner).status_code == 200
    membership = Membership.objects.get(user=tenant.owner, business_file=tenant.business_file)
    membership.role = Role.READ_ONLY
    membership.save()
    assert write_statuses(owner, tenant.id, mine.pk)["PUT"] == 403


def test_api_switched_off_is_403_even_after_a_cached_success(tenant):
    owner = basic(tenant.owner.email, tenant.password)
    assert get(contacts_url(tenant.id), owner).status_code == 200
    assert get(contacts_url(tenant.id), bearer(tenant.key)).status_code == 200
    tenant.business_file.api_enabled = False
    tenant.business_file.save()
    for headers in (owner, bearer(tenant.key)):
        response = get(contacts_url(tenant.id), headers)
        assert response.status_code == 403, response.content
        assert "switched off" in errors_of(response)[0]
    tenant.business_file.api_enabled = True
    tenant.business_file.save()
    assert get(contacts_url(tenant.id), owner).status_code == 200


def test_member_without_api_access_is_403(tenant):
    owner = basic(tenant.owner.email, tenant.password)
    assert get(contacts_url(tenant.id), owner).status_code == 200
    membership = Membership.objects.get(user=tenant.owner, business_file=tenant.business_file)
    membership.api_access = False
    membership.save()
    assert get(contacts_url(tenant.id), owner).status_code == 403
    assert get(contacts_url(tenant.id), bearer(tenant.key)).status_code == 403


def test_removing_a_cached_membership_takes_effect_at_once(tenant):
    owner = basic(tenant.owner.email, tenant.password)
    assert get(contacts_url(tenant.id), owner).status_code == 200
    Membership.objects.get(user=tenant.owner, business_file=tenant.business_file).delete()
    assert get(contacts_url(tenant.id), owner).status_code == 404


def test_deleting_a_cached_user_takes_effect_at_once(tenant):
    """Deleting a user cascades to memberships and keys without calling their delete()."""
    reader = basic(tenant.reader.email, tenant.password)
    owner_key = bearer(tenant.key)
    assert get(contacts_url(tenant.id), reader).status_code == 200
    assert get(contacts_url(tenant.id), owner_key).status_code == 200
    User.objects.get(pk=tenant.reader.pk).delete()
    assert_challenge(get(contacts_url(tenant.id), reader))
    User.objects.get(pk=tenant.owner.pk).delete()
    assert_challenge(get(contacts_url(tenant.id), owner_key))


def test_deleting_a_cached_business_file_takes_effect_at_once(tenant):
    owner = basic(tenant.owner.email, tenant.password)
    assert get(contacts_url(tenant.id), owner).status_code == 200
    assert get(contacts_url(tenant.id), bearer(tenant.key)).status_code == 200
    BusinessFile.objects.get(pk=tenant.id).delete()
    assert get(contacts_url(tenant.id), owner).status_code == 404
    assert get(contacts_url(tenant.id), bearer(tenant.key)).status_code == 401


@pytest.mark.parametrize("how", ["password", "key"])
def test_inactive_user_is_401(tenant, how):
    headers = basic(tenant.owner.email, tenant.password) if how == "password" else \
        bearer(tenant.key)
    assert get(contacts_url(tenant.id), headers).status_code == 200  # cached
    tenant.owner.is_active = False
    tenant.owner.save()
    assert_challenge(get(contacts_url(tenant.id), headers))


# -- throttling of failed logins -------------------------------------------------------------


@override_settings(COMPTOIR_LOGIN_FAILURES_PER_ACCOUNT=3, COMPTOIR_LOGIN_FAILURE_WINDOW=600)
def test_failures_per_account_are_throttled_even_with_the_right_password(tenant):
    url = contacts_url(tenant.id)
    for n in range(3):
        response = get(url, basic(tenant.owner.email, f"wrong {n}"), REMOTE_ADDR=f"10.0.0.{n}")
        assert response.status_code == 401
    response = get(url, basic(tenant.owner.email.upper(), tenant.password),
                   REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429, response.content
    assert response["Retry-After"] == "600"
    assert errors_of(response)
    # another account is not affected
    assert get(url, basic(tenant.reader.email, tenant.password)).status_code == 200


@override_settings(COMPTOIR_LOGIN_FAILURES_PER_ACCOUNT=100, COMPTOIR_LOGIN_FAILURES_PER_ADDRESS=4)
def test_failures_per_client_address_across_accounts(tenant):
    url = contacts_url(tenant.id)
    for n in range(4):
        response = get(url, basic(f"guess{n}@example.test", "x"), REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 401
    response = get(url, basic(tenant.owner.email, tenant.password), REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    response = get(url, bearer("cpt_guessing"), REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 429
    # from another address the same account gets in
    assert get(url, basic(tenant.owner.email, tenant.password), REMOTE_ADDR="192.0.2.8") \
        .status_code == 200


@override_settings(COMPTOIR_LOGIN_FAILURES_PER_ADDRESS=3)
def test_failed_bearer_keys_count_per_address(tenant):
    url = contacts_url(tenant.id)
    for n in range(3):
        assert get(url, bearer(f"cpt_guess{n}"), REMOTE_ADDR="198.51.100.1").status_code == 401
    assert get(url, bearer(tenant.key), REMOTE_ADDR="198.51.100.1").status_code == 429


@override_settings(COMPTOIR_LOGIN_FAILURES_PER_ACCOUNT=2, COMPTOIR_LOGIN_FAILURES_PER_ADDRESS=100)
def test_failed_bearer_keys_cannot_lock_out_a_key_that_shares_their_prefix(tenant):
    """A key's first characters are shown in listings; guesses sharing them lock nothing."""
    url = contacts_url(tenant.id)
    for n in range(4):
        guess = tenant.key[:14] + f"guess{n}"
        assert get(url, bearer(guess), REMOTE_ADDR=f"198.51.100.{n}").status_code == 401
    assert get(url, bearer(tenant.key), REMOTE_ADDR="198.51.100.99").status_code == 200


@override_settings(COMPTOIR_TRUST_X_FORWARDED_FOR=True, COMPTOIR_LOGIN_FAILURES_PER_ADDRESS=3,
                   COMPTOIR_LOGIN_FAILURES_PER_ACCOUNT=100)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(tenant):
    """The client controls the start of X-Forwarded-For; the proxy appends the real address."""
    url = contacts_url(tenant.id)
    for n in range(3):
        forwarded = f"10.0.{n}.1, 203.0.113.50"  # a forged first entry, then the proxy's
        response = get(url, basic(f"guess{n}@example.test", "x"), REMOTE_ADDR="127.0.0.1",
                       HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code == 401
    response = get(url, basic(tenant.owner.email, tenant.password), REMOTE_ADDR="127.0.0.1",
                   HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.50")
    assert response.status_code == 429
    response = get(url, basic(tenant.owner.email, tenant.password), REMOTE_ADDR="127.0.0.1",
                   HTTP_X_FORWARDED_FOR="203.0.113.51")
    assert response.status_code == 200


@override_settings(COMPTOIR_LOGIN_FAILURES_PER_ADDRESS=2)
def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(tenant):
    url = contacts_url(tenant.id)
    for n in range(2):
        get(url, basic(f"guess{n}@example.test", "x"), REMOTE_ADDR="192.0.2.60",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = get(url, basic(tenant.owner.email, tenant.password), REMOTE_ADDR="192.0.2.60",
                   HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert response.status_code == 429


@override_settings(COMPTOIR_LOGIN_FAILURES_PER_ACCOUNT=3)
def test_a_cached_credential_still_works_while_its_account_is_throttled(tenant):
    """Decided from the code: the cache is consulted before the throttle.

    A verdict is only cached after the password was verified, so an attacker cannot reach it
    without the password; honouring it keeps the real owner's running programs working while
    someone hammers the account. A credential that is not cached (the same password on another
    business file, a fresh worker) is refused with 429 like any other attempt.
    """
    url = contacts_url(tenant.id)
    owner = basic(tenant.owner.email, tenant.password)
    assert get(url, owner).status_code == 200
    for n in range(3):
        assert get(url, basic(tenant.owner.email, f"wrong {n}")).status_code == 401
    assert get(url, owner).status_code == 200
    assert get(contacts_url(tenant.id, fmt="json"), owner).status_code == 200  # same verdict
    assert get("/business_files.xml", owner).status_code == 429  # not cached: no file


@override_settings(COMPTOIR_LOGIN_FAILURES_PER_ACCOUNT=3)
def test_a_success_resets_the_account_counter(tenant):
    url = contacts_url(tenant.id)
    for n in range(2):
        assert get(url, basic(tenant.owner.email, f"wrong {n}")).status_code == 401
    assert get(url, basic(tenant.owner.email, tenant.password)).status_code == 200
    for n in range(2):
        assert get(url, basic(tenant.owner.email, f"again {n}")).status_code == 401
    assert get("/business_files.xml", basic(tenant.owner.email, tenant.password)) \
        .status_code == 200


def test_failure_window_is_honoured_by_a_cache_whose_incr_resets_the_timeout(tenant, tmp_path):
    """Django's file cache (the default) re-sets the default timeout on ``incr``.

    The counter must live as long as ``COMPTOIR_LOGIN_FAILURE_WINDOW``, not the cache's
    default timeout (here 1 s).
    """
    import time

    file_cache = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "cache"), "TIMEOUT": 1,
    }}
    with override_settings(CACHES=file_cache, COMPTOIR_LOGIN_FAILURES_PER_ACCOUNT=2,
                           COMPTOIR_LOGIN_FAILURE_WINDOW=600):
        url = contacts_url(tenant.id)
        for n in range(2):
            assert get(url, basic(tenant.owner.email, f"wrong {n}")).status_code == 401
        time.sleep(1.2)
        assert get(url, basic(tenant.owner.email, tenant.password)).status_code == 429


@override_settings(COMPTOIR_API_RATE="3/min")
def test_optional_request_rate_per_credential(tenant):
    owner = basic(tenant.owner.email, tenant.password)
    for _ in range(3):
        assert get(contacts_url(tenant.id), owner).status_code == 200
    response = get(contacts_url(tenant.id), owner)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    # each key has its own allowance, apart from its owner's password
    for _ in range(3):
        assert get(contacts_url(tenant.id), bearer(tenant.key)).status_code == 200
    assert get(contacts_url(tenant.id), bearer(tenant.key)).status_code == 429
    assert get(contacts_url(tenant.id), bearer(tenant.read_only_key)).status_code == 200


def test_no_request_rate_by_default(tenant):
    owner = Client(**basic(tenant.owner.email, tenant.password))
    assert all(owner.get(contacts_url(tenant.id)).status_code == 200 for _ in range(30))


# -- the credential cache --------------------------------------------------------------------


@override_settings(PASSWORD_HASHERS=PBKDF2_ONLY)
def test_a_verified_basic_credential_runs_no_hasher_again(tenant):
    user = User.objects.create_user("pbkdf2@example.test", "slow password")
    assert user.password.startswith("pbkdf2_sha256$")
    Membership.objects.create(user=user, business_file=tenant.business_file)
    headers = basic(user.email, "slow password")
    with count_verify_calls() as verify:
        assert get(contacts_url(tenant.id), headers).status_code == 200
        assert verify.call_count == 1
        for fmt in ("xml", "json", "xml"):
            assert get(contacts_url(tenant.id, fmt=fmt), headers).status_code == 200
        assert get(contacts_url(tenant.id), basic(user.email.upper(), "slow password")) \
            .status_code == 200
        assert verify.call_count == 1
        # a wrong password is not served from the cache: it is hashed and refused
        assert get(contacts_url(tenant.id), basic(user.email, "slow passwore")).status_code == 401
        assert verify.call_count == 2


@override_settings(PASSWORD_HASHERS=PBKDF2_ONLY)
def test_an_unknown_email_costs_one_hash_like_a_known_one(tenant):
    """The timing equaliser runs the configured hasher once, even if the dummy hash it checks
    against was made under other settings (Django then hashes a random string instead)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        get(contacts_url(tenant.id), basic("nobody-md5@example.test", "x"))
    for email in ("nobody@example.test", "nobody-else@example.test"):
        with count_verify_calls() as verify, mock.patch.object(
            PBKDF2PasswordHasher, "encode", autospec=True, side_effect=PBKDF2PasswordHasher.encode
        ) as encode:
            assert get(contacts_url(tenant.id), basic(email, "x")).status_code == 401
        assert verify.call_count + encode.call_count == 1


def test_a_cached_request_runs_no_sql_to_authenticate(tenant):
    mine = add_contact(tenant.business_file, items=2)
    for n in range(4):
        add_contact(tenant.business_file, f"Autre {n}")
    headers = basic(tenant.owner.email, tenant.password)
    client = Client(**headers)
    show, page = contacts_url(tenant.id, mine.pk), contacts_url(tenant.id) + "?per_page=2"
    assert client.get(show).status_code == 200  # the credential is now cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(show)
    assert response.status_code == 200
    # the contact, its addresses, its items: nothing for authentication
    assert len(queries) == 3, [q["sql"] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page)
    assert response.status_code == 200
    assert etree.fromstring(response.content).findtext("pagination/total_count") == "5"
    # the page, its addresses, its items, the count
    assert len(queries) == 4, [q["sql"] for q in queries]
    key_client = Client(**bearer(tenant.key))
    assert key_client.get(show).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert key_client.get(show).status_code == 200
    assert len(queries) == 3, [q["sql"] for q in queries]


@override_settings(PASSWORD_HASHERS=PBKDF2_ONLY)
def test_a_password_change_invalidates_the_cached_credential_at_once(tenant):
    user = User.objects.create_user("changer@example.test", "old password")
    Membership.objects.create(user=user, business_file=tenant.business_file)
    old, new = basic(user.email, "old password"), basic(user.email, "new password")
    assert get(contacts_url(tenant.id), old).status_code == 200
    assert get(contacts_url(tenant.id), new).status_code == 401
    user = User.objects.get(pk=user.pk)
    user.set_password("new password")
    user.save()
    assert_challenge(get(contacts_url(tenant.id), old))
    assert get(contacts_url(tenant.id), new).status_code == 200


def test_a_password_change_in_a_transaction_voids_verdicts_cached_before_commit(
    tenant, django_capture_on_commit_callbacks
):
    """Another worker may verify the *old* password between the save and the commit.

    Its verdict is stamped with the epoch drawn at save time; the commit must draw a new one.
    """
    from django.db import transaction

    user = tenant.owner
    key = access_module._cache_key("basic", user.email, tenant.password, str(tenant.id))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            user.set_password("changed in a transaction")
            user.save()
            # what a racing worker that still sees the committed (old) row caches now
            stamped = access_module._stamp(user.pk, tenant.id)
            verdict = access_module.Access(
                user.pk, user.email, tenant.id, "", Role.OWNER, False, None
            )
            access_module._remember(key, verdict, stamped)
        assert access_module._cached(key) == verdict  # not committed yet
    assert callbacks, "the save registered no commit hook"
    assert access_module._cached(key) is None


def test_the_credential_cache_never_holds_the_password_or_the_key(tenant):
    password = "Plain text: must not be stored"
    user = User.objects.create_user("cached@example.test", password)
    Membership.objects.create(user=user, business_file=tenant.business_file)
    assert get(contacts_url(tenant.id), basic(user.email, password)).status_code == 200
    assert get(contacts_url(tenant.id), bearer(tenant.key)).status_code == 200
    assert get(contacts_url(tenant.id), basic(user.email, "wrong " + password)).status_code == 401
    locmem = caches["default"]
    keys = list(locmem._cache)
    assert any("comptoir:access:" in k for k in keys), keys
    secrets = [password, tenant.key, tenant.key[len("cpt_"):]]
    for k in keys:
        value = locmem._cache[k]
        raw = value if isinstance(value, bytes) else pickle.dumps(value)
        for secret in secrets:
            assert secret not in k
            assert secret.encode() not in raw
            assert secret.encode("utf-16-le") not in raw
    # the key is an HMAC keyed by the server's secret, not a plain hash of the credential
    cache_key = access_module._cache_key("basic", user.email, password, str(tenant.id))
    assert cache.get(cache_key)
    with override_settings(SECRET_KEY="another secret"):
        assert access_module._cache_key("basic", user.email, password, str(tenant.id)) \
            != cache_key


def test_a_missing_epoch_voids_the_cached_verdict(tenant):
    """Evicting the epochs (cache pressure, restart of a cache) must not keep verdicts alive."""
    headers = basic(tenant.owner.email, tenant.password)
    assert get(contacts_url(tenant.id), headers).status_code == 200
    cache.delete(epochs.key("user", tenant.owner.pk))
    tenant.owner.set_password("changed behind the cache's back")
    User.objects.filter(pk=tenant.owner.pk).update(password=tenant.owner.password)
    # A worker trusts a verdict it confirmed for a few seconds without reading the cache
    # (no change made through Comptoir moved the access generation); then it reads again.
    later = time.monotonic() + access_module.RECHECK_SECONDS + 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(access_module.time, "monotonic", lambda: later)
        assert get(contacts_url(tenant.id), headers).status_code == 401
