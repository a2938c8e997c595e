"""``comptoir.tenancy``: verdicts, epochs, keys and the services behind the CLI, called directly.

The HTTP behaviour is in ``tests/api/test_auth.py``; these tests pin the pieces it rests on.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.cache import cache, caches
from django.db import transaction
from django.test import override_settings

from comptoir.tenancy import access, epochs
from comptoir.tenancy.access import AccessDenied, authenticate
from comptoir.tenancy.models import (
    API_KEY_PREFIX,
    ApiKey,
    BusinessFile,
    Membership,
    Role,
    User,
    hash_api_key,
)
from comptoir.tenancy.services import create_business_file, issue_api_key

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.5"


@pytest.fixture
def owned():
    business_file, user, created = create_business_file(
        name="Atelier", email="Owner@Example.TEST", password="a good password", enable_api=True
    )
    assert created
    return business_file, user


def denied(*args) -> AccessDenied:
    with pytest.raises(AccessDenied) as info:
        authenticate(*args)
    return info.value


# -- verdicts --------------------------------------------------------------------------------


def test_a_password_grants_the_membership_role(owned):
    bf, user = owned
    granted = authenticate("owner@example.test", "a good password", bf.pk, ADDRESS)
    assert (granted.user_id, granted.business_file_id, granted.role) == (user.pk, bf.pk, "owner")
    assert granted.business_file_name == "Atelier"
    assert granted.can_write and not granted.key_read_only and granted.api_key_id is None


def test_no_business_file_grants_identity_only(owned):
    _, user = owned
    granted = authenticate(user.email, "a good password", None, ADDRESS)
    assert granted.business_file_id is None and granted.role == ""
    assert granted.user_id == user.pk


@pytest.mark.parametrize("role, can_write", [
    (Role.OWNER, True), (Role.ADMIN, True), (Role.MEMBER, True), (Role.READ_ONLY, False),
])
def test_roles(owned, role, can_write):
    bf, _ = owned
    user = User.objects.create_user(f"{role}-role@example.test", "pw")
    Membership.objects.create(user=user, business_file=bf, role=role)
    assert authenticate(user.email, "pw", bf.pk, ADDRESS).can_write is can_write


def test_statuses_of_refusals(owned):
    bf, user = owned
    assert denied(user.email, "wrong", bf.pk, ADDRESS).status == 401
    assert denied("nobody@example.test", "x", bf.pk, ADDRESS).status == 401
    assert denied(None, "cpt_unknown", bf.pk, ADDRESS).status == 401
    assert denied(None, "not even a key", bf.pk, ADDRESS).status == 401
    assert denied(user.email, "a good password", bf.pk + 1, ADDRESS).status == 404
    assert denied(user.email, "a good password", 0, ADDRESS).status == 404
    other = BusinessFile.objects.create(name="Autre", api_enabled=True)
    assert denied(user.email, "a good password", other.pk, ADDRESS).status == 404
    bf.api_enabled = False
    bf.save()
    assert denied(user.email, "a good password", bf.pk, ADDRESS).status == 403


def test_a_key_grants_its_business_file_only(owned):
    bf, user = owned
    other = BusinessFile.objects.create(name="Autre", api_enabled=True)
    Membership.objects.create(user=user, business_file=other)
    key, secret = ApiKey.issue(user=user, business_file=bf, name="k", read_only=True)
    granted = authenticate(None, secret, bf.pk, ADDRESS)
    assert granted.api_key_id == key.pk and granted.key_read_only and not granted.can_write
    assert authenticate(user.email.upper(), secret, bf.pk, ADDRESS).api_key_id == key.pk
    assert denied(None, secret, other.pk, ADDRESS).status == 403
    assert authenticate(user.email, "a good password", other.pk, ADDRESS).business_file_id \
        == other.pk


def test_a_verdict_is_cached_and_reused(owned):
    bf, user = owned
    first = authenticate(user.email, "a good password", bf.pk, ADDRESS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(access, "_verify", lambda *a: pytest.fail("verified again"))
        assert authenticate(user.email.upper(), "a good password", bf.pk, ADDRESS) == first
        assert authenticate(user.email, "a good password", bf.pk, "another address") == first


def test_a_confirmed_verdict_reads_nothing_until_the_generation_moves(owned):
    bf, user = owned
    first = authenticate(user.email, "a good password", bf.pk, ADDRESS)
    key = access._cache_key("basic", user.email, "a good password", str(bf.pk))
    reads = []
    real_get, real_get_many = cache.get, cache.get_many
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "get", lambda *a, **k: reads.append(a) or real_get(*a, **k))
        patch.setattr(cache, "get_many",
                      lambda *a, **k: reads.append(a) or real_get_many(*a, **k))
        assert authenticate(user.email, "a good password", bf.pk, ADDRESS) == first
        assert access.confirmed(user.email, "a good password", bf.pk) == first
        assert reads == []
        epochs.bump("business_file", 123456)  # any change anywhere: every verdict re-checked
        assert access.confirmed(user.email, "a good password", bf.pk) is None
        assert access._cached(key) == first  # the epochs it rests on did not change
        assert reads
    assert access.confirmed(user.email, "a good password", bf.pk) == first


def test_the_generation_is_shared_by_every_process_of_the_machine():
    import os
    import subprocess
    import sys

    from django.conf import settings

    before = epochs.generation()
    env = {**os.environ, "COMPTOIR_DATA_DIR": str(settings.DATA_DIR),
           "COMPTOIR_CACHE_URL": "locmem://other-process",
           "DJANGO_SETTINGS_MODULE": "comptoir.settings"}
    subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                    "from comptoir.tenancy import epochs; epochs._bump_generation()"],
                   env=env, check=True)
    assert caches["default"].__class__.__name__ in epochs._LOCAL_CACHES
    assert epochs.generation() != before


def test_refusals_are_not_cached(owned):
    bf, user = owned
    bf.api_enabled = False
    bf.save()
    assert denied(user.email, "a good password", bf.pk, ADDRESS).status == 403
    bf.api_enabled = True
    bf.save()
    assert authenticate(user.email, "a good password", bf.pk, ADDRESS).business_file_id == bf.pk


@pytest.mark.parametrize("change", ["password", "inactive", "role", "api", "membership", "key"])
def test_every_change_voids_the_cached_verdict(owned, change):
    bf, user = owned
    key, secret = ApiKey.issue(user=user, business_file=bf)
    credential = (None, secret) if change == "key" else (user.email, "a good password")
    authenticate(*credential, bf.pk, ADDRESS)
    cache_key = access._cache_key("bearer" if change == "key" else "basic",
                                  (credential[0] or "").lower(), credential[1], str(bf.pk))
    assert access._cached(cache_key) is not None
    if change == "password":
        user.set_password("another")
        user.save()
    elif change == "inactive":
        user.is_active = False
        user.save()
    elif change == "role":
        membership = Membership.objects.get(user=user)
        membership.role = Role.READ_ONLY
        membership.save()
    elif change == "api":
        bf.api_enabled = False
        bf.save()
    elif change == "membership":
        Membership.objects.get(user=user).delete()
    else:
        key.revoke()
    assert access._cached(cache_key) is None


def test_the_verdict_expires(owned):
    bf, user = owned
    with override_settings(COMPTOIR_CREDENTIAL_CACHE_SECONDS=0):
        authenticate(user.email, "a good password", bf.pk, ADDRESS)
    cache_key = access._cache_key("basic", user.email, "a good password", str(bf.pk))
    assert cache.get(cache_key) is None


def test_cache_keys_depend_on_every_part():
    keys = {
        access._cache_key("basic", "a@example.test", "pw", "1"),
        access._cache_key("basic", "a@example.test", "pw", "2"),
        access._cache_key("basic", "a@example.test", "pw2", "1"),
        access._cache_key("basic", "b@example.test", "pw", "1"),
        access._cache_key("bearer", "a@example.test", "pw", "1"),
        access._cache_key("basic", "a@example.test\0pw", "", "1"),
    }
    assert len(keys) == 6
    assert all(k.startswith("comptoir:access:") and "pw" not in k[16:] for k in keys)


# -- epochs ----------------------------------------------------------------------------------


def test_epochs_change_on_bump_and_are_stable_otherwise():
    first = epochs.current("user", 42)
    assert epochs.current("user", 42) == first
    bumped = epochs.bump("user", 42)
    assert bumped != first and epochs.current("user", 42) == bumped
    assert epochs.current("business_file", 42) != bumped


def test_a_bump_inside_a_transaction_is_drawn_again_at_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            during = epochs.bump("user", 7)
        assert epochs.current("user", 7) == during
    assert len(callbacks) == 1
    assert epochs.current("user", 7) != during


def test_model_changes_bump_epochs(owned):
    bf, user = owned
    before = epochs.current("user", user.pk), epochs.current("business_file", bf.pk)
    user.first_name = "Élodie"
    user.save()
    bf.name = "Renommé"
    bf.save()
    after = epochs.current("user", user.pk), epochs.current("business_file", bf.pk)
    assert before[0] != after[0] and before[1] != after[1]


def test_cascading_deletes_bump_epochs(owned):
    bf, _ = owned
    member = User.objects.create_user("member@example.test", "pw")
    Membership.objects.create(user=member, business_file=bf)
    ApiKey.issue(user=member, business_file=bf)
    before = epochs.current("user", member.pk)
    BusinessFile.objects.filter(pk=bf.pk).delete()  # a queryset delete: no Model.delete()
    assert epochs.current("user", member.pk) != before
    assert not Membership.objects.filter(user=member).exists()


# -- throttling ------------------------------------------------------------------------------


@override_settings(COMPTOIR_LOGIN_FAILURES_PER_ACCOUNT=2, COMPTOIR_LOGIN_FAILURE_WINDOW=77)
def test_throttle_counts_per_account_case_insensitively(owned):
    bf, user = owned
    assert denied("OWNER@example.test", "x", bf.pk, "192.0.2.1").status == 401
    assert denied("owner@EXAMPLE.test", "y", bf.pk, "192.0.2.2").status == 401
    refused = denied(user.email, "a good password", bf.pk, "192.0.2.3")
    assert (refused.status, refused.retry_after) == (429, 77)


def test_failure_counters_hold_no_email_in_clear(owned):
    bf, _ = owned
    denied("owner@example.test", "x", bf.pk, ADDRESS)
    keys = list(caches["default"]._cache)  # the tests' locmem cache
    fail_keys = [k for k in keys if "comptoir:fail:" in k]
    assert len(fail_keys) == 2
    assert not any("owner@example.test" in k for k in fail_keys)
    digest = hashlib.sha256(b"owner@example.test").hexdigest()[:32]
    assert any(digest in k for k in fail_keys)


# -- keys and services -----------------------------------------------------------------------


def test_issued_keys_are_stored_as_hashes_only(owned):
    bf, user = owned
    key, secret = ApiKey.issue(user=user, business_file=bf, name="sync")
    assert secret.startswith(API_KEY_PREFIX) and len(secret) > 40
    stored = ApiKey.objects.get(pk=key.pk)
    assert stored.key_hash == hash_api_key(secret) and secret not in stored.key_hash
    assert secret.startswith(stored.prefix) and len(stored.prefix) < 12
    assert ApiKey.issue(user=user, business_file=bf)[1] != secret


def test_revoking_twice_keeps_the_first_time(owned):
    bf, user = owned
    key, _ = ApiKey.issue(user=user, business_file=bf)
    key.revoke()
    first = ApiKey.objects.get(pk=key.pk).revoked_at
    assert first is not None
    ApiKey.objects.get(pk=key.pk).revoke()
    assert ApiKey.objects.get(pk=key.pk).revoked_at == first
    assert not ApiKey.objects.active().filter(pk=key.pk).exists()


def test_create_business_file_reuses_a_user(owned):
    bf, user = owned
    second, same, created = create_business_file(
        name="Deuxième", email="OWNER@example.test", password=None
    )
    assert not created and same.pk == user.pk and second.pk != bf.pk
    assert not second.api_enabled
    assert Membership.objects.get(user=user, business_file=second).role == Role.OWNER
    assert User.objects.get(pk=user.pk).check_password("a good password")
    create_business_file(name="Troisième", email=user.email, password="a new password")
    assert User.objects.get(pk=user.pk).check_password("a new password")


def test_create_business_file_refuses_a_new_user_without_password(db):
    with pytest.raises(ValueError):
        create_business_file(name="X", email="new@example.test", password=None)
    with pytest.raises(ValueError):
        create_business_file(name="X", email="new@example.test", password="")
    assert not User.objects.filter(email="new@example.test").exists()
    assert not BusinessFile.objects.exists()


def test_issue_api_key_needs_a_membership(owned):
    bf, user = owned
    other = BusinessFile.objects.create(name="Autre")
    with pytest.raises(Membership.DoesNotExist):
        issue_api_key(email=user.email, business_file_id=other.pk)
    with pytest.raises(User.DoesNotExist):
        issue_api_key(email="nobody@example.test", business_file_id=bf.pk)
    key, secret = issue_api_key(email="OWNER@example.test", business_file_id=bf.pk,
                                name="n", read_only=True)
    assert key.read_only and key.name == "n" and key.user_id == user.pk
    assert authenticate(None, secret, bf.pk, ADDRESS).key_read_only
