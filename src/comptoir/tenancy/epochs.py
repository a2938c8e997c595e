"""Access epochs: one random token per user and per business file, kept in the shared cache.

A cached authentication verdict records the epochs it was granted under. Changing a user
(password, activity), their memberships or API keys, or a business file (API switch) draws a
new token, so every verdict granted before no longer matches, in every worker, at once. A
token missing from the cache (evicted, cache cleared) also fails the match: the safe default.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

PREFIX = "comptoir:epoch:"
TIMEOUT = 7 * 24 * 3600


def key(kind: str, pk) -> str:
    return f"{PREFIX}{kind}:{pk}"


def _draw(kind: str, pk) -> str:
    token = secrets.token_hex(8)
    cache.set(key(kind, pk), token, TIMEOUT)
    return token


def bump(kind: str, pk, using=None) -> str:
    """Draw a new token now and, inside a transaction, once more when it commits.

    Until the commit other workers still read the old rows: a verdict they cache in between
    carries the token drawn now, which the commit replaces.
    """
    token = _draw(kind, pk)
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(lambda: _draw(kind, pk), using=using)
    return token


def current(kind: str, pk) -> str:
    token = cache.get(key(kind, pk))
    if token is None:
        token = secrets.token_hex(8)
        if not cache.add(key(kind, pk), token, TIMEOUT):
            token = cache.get(key(kind, pk)) or token
    return token
