"""Who is calling, in which business file, with what rights: resolved once, cached safely.

An :class:`Access` is the verdict of authenticating one credential (e-mail and password,
e-mail and API key, or a bearer API key) for one business file. Reaching it the slow way
costs a password hash (~0.2 s with PBKDF2) and a few queries, so verdicts are cached:

* under a key derived with HMAC-SHA256 from the server's secret and the credential, so the
  cache never holds a password or anything that helps guess one;
* together with the *access epochs* (``comptoir.tenancy.epochs``) of the user and the
  business file, which every change that could alter the verdict replaces; a cached verdict
  whose epochs no longer match is discarded, in every worker at once;
* for ``COMPTOIR_CREDENTIAL_CACHE_SECONDS`` at most.

A request whose verdict is cached therefore runs no SQL and no password hash to authenticate.
A verdict this worker has already confirmed is taken from its own memory without reading the
shared cache at all, as long as the installation-wide generation of access changes
(:func:`comptoir.tenancy.epochs.generation`) has not moved since, and for a few seconds at
most (``RECHECK_SECONDS``) before the epochs are read again.

Failed attempts are counted per account and per client address; past the configured number
within the window (which restarts at each failure), further attempts are refused with 429
before any hash runs. A credential whose verdict is already cached is not throttled: it was
verified, and honouring it keeps the owner's programs running while someone else hammers the
account.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache

from comptoir.tenancy import epochs
from comptoir.tenancy.models import (
    API_KEY_PREFIX,
    ApiKey,
    BusinessFile,
    Membership,
    Role,
    User,
    hash_api_key,
)


class AccessDenied(Exception):
    """Authentication or authorisation failed; ``status`` says how to answer."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Access:
    user_id: int
    email: str
    business_file_id: int | None
    business_file_name: str
    role: str
    key_read_only: bool
    api_key_id: int | None

    @property
    def can_write(self) -> bool:
        return not self.key_read_only and self.role != Role.READ_ONLY


_DUMMY_HASH = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = make_password("comptoir-timing-equaliser")
    return _DUMMY_HASH


def _cache_key(*parts: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), "\0".join(parts).encode(), hashlib.sha256)
    return "comptoir:access:" + digest.hexdigest()


def _stamp(user_id: int, bf_id: int | None) -> dict[str, str]:
    """The current epochs a verdict for this user and business file depends on."""
    stamped = {epochs.key("user", user_id): epochs.current("user", user_id)}
    if bf_id is not None:
        stamped[epochs.key("business_file", bf_id)] = epochs.current("business_file", bf_id)
    return stamped


# Verdicts this process confirmed: key -> (access, generation it was confirmed under, time
# until which it is trusted without looking at the shared cache). Every change made through
# Comptoir moves the generation at once; the re-check interval bounds how long a change the
# generation cannot see (epochs evicted from the cache, a row changed behind Django's back)
# stays unnoticed by this worker.
_confirmed: dict[str, tuple[Access, object, float]] = {}
_CONFIRMED_MAX = 10_000
RECHECK_SECONDS = 5.0


def _cached(key: str) -> Access | None:
    # The generation is read before anything else: a change after this read shows as a new
    # generation on the next request, one before it shows in the epochs read below.
    generation = epochs.generation()
    confirmed = _confirmed.get(key)
    if confirmed is not None:
        access, confirmed_under, expires = confirmed
        if confirmed_under == generation and time.monotonic() < expires:
            return access
        del _confirmed[key]
    entry = cache.get(key)
    if entry is None:
        return None
    access, stamped = entry
    current = cache.get_many(list(stamped))
    if current != stamped:
        return None
    _confirm(key, access, generation)
    return access


def _confirm(key: str, access: Access, generation) -> None:
    if len(_confirmed) >= _CONFIRMED_MAX:
        _confirmed.clear()
    trusted_for = min(RECHECK_SECONDS, settings.COMPTOIR_CREDENTIAL_CACHE_SECONDS)
    _confirmed[key] = (access, generation, time.monotonic() + trusted_for)


def _remember(key: str, access: Access, stamped: dict) -> None:
    cache.set(key, (access, stamped), settings.COMPTOIR_CREDENTIAL_CACHE_SECONDS)


# -- failed-login throttling -----------------------------------------------------------------

def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _failure_keys(email: str | None, address: str) -> list[tuple[str, int]]:
    """The counters a failure adds to: the client address's and, for an e-mail, the account's.

    A bearer key names no account (counting per key prefix would only let a stranger who
    knows a prefix lock its key out), so it counts against the address alone.
    """
    keys = [(f"comptoir:fail:address:{_digest(address)}",
             settings.COMPTOIR_LOGIN_FAILURES_PER_ADDRESS)]
    if email is not None:
        keys.append((f"comptoir:fail:account:{_digest(email.lower())}",
                     settings.COMPTOIR_LOGIN_FAILURES_PER_ACCOUNT))
    return keys


def _check_throttle(email: str | None, address: str) -> None:
    keys = _failure_keys(email, address)
    counts = cache.get_many([k for k, _ in keys])
    for key, limit in keys:
        if counts.get(key, 0) >= limit:
            raise AccessDenied(
                429,
                "too many failed logins; try again later",
                retry_after=settings.COMPTOIR_LOGIN_FAILURE_WINDOW,
            )


def _record_failure(email: str | None, address: str) -> None:
    window = settings.COMPTOIR_LOGIN_FAILURE_WINDOW
    for key, _ in _failure_keys(email, address):
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, window)
            else:
                # Some backends (Django's file cache, the default) re-set their default
                # timeout on incr: give the counter its window back, counted from this failure.
                cache.touch(key, window)


def _forget_failures(email: str) -> None:
    cache.delete(_failure_keys(email, "-")[1][0])


# -- resolution ------------------------------------------------------------------------------

def _grant(user: User, bf_id: int | None, api_key: ApiKey | None) -> Access:
    if bf_id is None:
        return Access(user.pk, user.email, None, "", "", bool(api_key and api_key.read_only),
                      api_key.pk if api_key else None)
    if api_key is not None and api_key.business_file_id != bf_id:
        raise AccessDenied(403, "this API key belongs to another business file")
    membership = (
        Membership.objects.select_related("business_file")
        .filter(user=user, business_file_id=bf_id)
        .first()
    )
    if membership is None:
        raise AccessDenied(404, "no such business file")
    business_file: BusinessFile = membership.business_file
    if not business_file.api_enabled:
        raise AccessDenied(403, "API access is switched off for this business file")
    if not membership.api_access:
        raise AccessDenied(403, "this user may not use the API in this business file")
    return Access(
        user.pk, user.email, bf_id, business_file.name, membership.role,
        bool(api_key and api_key.read_only), api_key.pk if api_key else None,
    )


def _verify(email: str | None, secret: str) -> tuple[User, ApiKey | None] | None:
    if not secret:
        return None  # an empty password is never a credential, whatever the stored hash says
    if secret.startswith(API_KEY_PREFIX):
        api_key = (
            ApiKey.objects.active().select_related("user")
            .filter(key_hash=hash_api_key(secret)).first()
        )
        if api_key is not None:
            if not api_key.user.is_active:
                return None
            if email is not None and api_key.user.email != email.lower():
                return None
            return api_key.user, api_key
        # Not a key: with an e-mail it may still be a password that starts like one.
    if email is None:
        return None
    user = User.objects.filter(email=email.lower()).first()
    if user is None:
        check_password(secret, _dummy_hash())  # same time whether or not the account exists
        return None
    if not (user.check_password(secret) and user.is_active):
        return None
    return user, None


def _verdict_key(email: str | None, secret: str, bf_id: int | None) -> str:
    scheme = "basic" if email is not None else "bearer"
    return _cache_key(scheme, (email or "").lower(), secret, str(bf_id))


def confirmed(email: str | None, secret: str, bf_id: int) -> Access | None:
    """The verdict this worker has confirmed for the credential, if still valid; else None.

    Never verifies, never reads the shared cache: for the fast read path, which hands any
    request without a confirmed verdict to the full authentication.
    """
    entry = _confirmed.get(_verdict_key(email, secret, bf_id))
    if entry is None:
        return None
    access, confirmed_under, expires = entry
    if confirmed_under != epochs.generation() or time.monotonic() >= expires:
        return None
    return access


def authenticate(email: str | None, secret: str, bf_id: int | None, address: str) -> Access:
    """The access ``(email, secret)`` grants in business file ``bf_id`` (None: no file)."""
    key = _verdict_key(email, secret, bf_id)
    access = _cached(key)
    if access is not None:
        return access

    _check_throttle(email, address)
    verified = _verify(email, secret)
    if verified is None:
        _record_failure(email, address)
        raise AccessDenied(401, "invalid credentials")
    user, api_key = verified
    verified_hash = user.password
    # Stamp the epochs, then re-read what the verdict rests on: a change racing with us either
    # shows in the re-read or has replaced an epoch after our stamp, voiding the cached verdict.
    generation = epochs.generation()
    stamped = _stamp(user.pk, bf_id)
    user.refresh_from_db(fields=["password", "is_active"])
    if user.password != verified_hash or not user.is_active:
        raise AccessDenied(401, "invalid credentials")
    if api_key is not None and not ApiKey.objects.active().filter(pk=api_key.pk).exists():
        raise AccessDenied(401, "invalid credentials")  # revoked while we were verifying it
    if email is not None:
        _forget_failures(email)
    access = _grant(user, bf_id, api_key)
    _remember(key, access, stamped)
    _confirm(key, access, generation)
    return access
