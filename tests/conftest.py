"""Test settings and fixtures shared by the whole suite.

The suite runs against the database named by ``DATABASE_URL`` (SQLite by default,
PostgreSQL in the second CI pass). The cache is a local-memory one per test process and is
cleared between tests; passwords use a fast hasher except where a test asks for the real one.
"""

import pytest
from django.conf import settings
from django.core.cache import cache


def pytest_configure(config):
    # Each test process gets its own data directory, so that what one process does with
    # machine-wide state there (the access generation) never reaches another's tests.
    import tempfile
    from pathlib import Path

    settings.DATA_DIR = Path(tempfile.mkdtemp(prefix="comptoir-tests-"))
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "comptoir-tests"}
    }
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def pytest_collection_modifyitems(config, items):
    """The shared resource test case runs only through its subclasses."""
    from comptoir.core.testing.api import ResourceAPITestCase

    items[:] = [item for item in items if getattr(item, "cls", None) is not ResourceAPITestCase]
