"""Access epochs: one random token per user and per business file, kept in the shared cache.

A cached authentication verdict records the epochs it was granted under. Changing a user
(password, activity), their memberships or API keys, or a business file (API switch) draws a
new token, so every verdict granted before no longer matches, in every worker, at once. A
token missing from the cache (evicted, cache cleared) also fails the match: the safe default.

Reading two or three epochs from the shared cache on every request costs more than the rest
of a cached authentication (three file reads with the default file cache). So every draw
also changes one installation-wide *generation* token, and a worker that confirmed a verdict
under generation G may trust it without reading any epoch as long as the generation is still
G (:func:`generation`). Any change anywhere makes every worker re-check its verdicts once;
changes are rare, requests are not. The generation lives where every worker sees a draw at
once: in a small memory-mapped file in the data directory when the cache is local to this
machine (file or local-memory cache: reading it is a memory access, no system call), else
under one key of the shared cache (one round trip instead of three).
"""

import mmap
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction

PREFIX = "comptoir:epoch:"
TIMEOUT = 7 * 24 * 3600


def key(kind: str, pk) -> str:
    return f"{PREFIX}{kind}:{pk}"


def _draw(kind: str, pk) -> str:
    token = secrets.token_hex(8)
    cache.set(key(kind, pk), token, TIMEOUT)
    # After the epoch: a worker that reads the old generation either read its epochs before
    # this draw (and will see the new generation next time) or sees the new epoch now.
    _bump_generation()
    return token


GENERATION_KEY = "comptoir:access-generation"
_LOCAL_CACHES = ("FileBasedCache", "LocMemCache")
_mapped: dict = {}  # cache backend object -> its mmap, or None where the cache is shared


def _generation_map() -> mmap.mmap | None:
    """The mapped generation file when the cache is local to this machine, else None."""
    backend = caches["default"]
    try:
        return _mapped[backend]
    except KeyError:
        pass
    mapped = None
    if backend.__class__.__name__ in _LOCAL_CACHES:
        fd = os.open(Path(settings.DATA_DIR) / "access-generation", os.O_RDWR | os.O_CREAT,
                     0o600)
        try:
            if os.fstat(fd).st_size < 8:
                os.ftruncate(fd, 8)
            mapped = mmap.mmap(fd, 8)
        finally:
            os.close(fd)
    _mapped[backend] = mapped
    return mapped


def _bump_generation() -> None:
    mapped = _generation_map()
    if mapped is not None:
        mapped[0:8] = os.urandom(8)  # one aligned 8-byte store: readers see old or new
    else:
        cache.set(GENERATION_KEY, secrets.token_hex(8), None)


def generation():
    """The current installation-wide generation (any value; only equality matters)."""
    mapped = _generation_map()
    if mapped is not None:
        return mapped[0:8]
    return cache.get(GENERATION_KEY)


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
