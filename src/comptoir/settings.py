"""Django settings, read from the environment.

Every knob an operator may turn is an environment variable documented in
``docs/configuration.md``; nothing here needs editing to deploy.
"""

import os
import secrets
from pathlib import Path

import dj_database_url


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("COMPTOIR_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated once into the data directory."""
    if key := os.environ.get("COMPTOIR_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("COMPTOIR_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("COMPTOIR_ALLOWED_HOSTS", "*").split(",")]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("COMPTOIR_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "comptoir.core",
    "comptoir.tenancy",
    "comptoir.api",
    "comptoir.web",
    "comptoir.crm",
    "comptoir.catalog",
    "comptoir.cash",
    "comptoir.sales",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "comptoir.core.admin.OperatorScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "comptoir.urls"
WSGI_APPLICATION = "comptoir.wsgi.application"
AUTH_USER_MODEL = "tenancy.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'comptoir.sqlite3'}"),
        conn_max_age=int(os.environ.get("COMPTOIR_CONN_MAX_AGE", "600")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache_from_url(url: str) -> dict:
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": url[9:]}
    if url.startswith("file://"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": url[7:],
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ValueError(f"COMPTOIR_CACHE_URL: unsupported scheme in {url!r}")


# The cache holds verified credentials and login-failure counters; it must be shared by every
# worker process (the file cache is, on one machine; use redis:// across machines).
CACHES = {
    "default": _cache_from_url(
        os.environ.get("COMPTOIR_CACHE_URL", f"file://{DATA_DIR / 'cache'}")
    )
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = os.environ.get("COMPTOIR_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing root before collectstatic
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# API limits (docs/api.md).
COMPTOIR_PAGE_SIZE = int(os.environ.get("COMPTOIR_PAGE_SIZE", "100"))
COMPTOIR_MAX_PAGE_SIZE = int(os.environ.get("COMPTOIR_MAX_PAGE_SIZE", "500"))
COMPTOIR_MAX_BODY_BYTES = int(os.environ.get("COMPTOIR_MAX_BODY_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = COMPTOIR_MAX_BODY_BYTES
# How long a verified Basic credential stays cached (seconds).
COMPTOIR_CREDENTIAL_CACHE_SECONDS = int(os.environ.get("COMPTOIR_CREDENTIAL_CACHE_SECONDS", "300"))
# Failed logins allowed per account and per client address in the window before 429.
COMPTOIR_LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("COMPTOIR_LOGIN_FAILURES_PER_ACCOUNT", 10))
COMPTOIR_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("COMPTOIR_LOGIN_FAILURES_PER_ADDRESS", 50))
COMPTOIR_LOGIN_FAILURE_WINDOW = int(os.environ.get("COMPTOIR_LOGIN_FAILURE_WINDOW", "900"))
# Optional request rate per credential, e.g. "1200/min"; empty means no limit.
COMPTOIR_API_RATE = os.environ.get("COMPTOIR_API_RATE", "")
# Plain reads by callers a worker has already verified skip Django's request machinery
# (comptoir.api.fastpath); off, every request takes the full path. Same bytes either way.
COMPTOIR_FAST_READS = env_bool("COMPTOIR_FAST_READS", True)
# PostgreSQL: the compiled reads run as prepared statements (planned once per connection).
# Off for a pooler that cannot carry them (PgBouncer before 1.21 in transaction mode).
COMPTOIR_PREPARED_READS = env_bool("COMPTOIR_PREPARED_READS", True)
# Trust X-Forwarded-For for the client address (only behind a proxy you control).
COMPTOIR_TRUST_X_FORWARDED_FOR = env_bool("COMPTOIR_TRUST_X_FORWARDED_FOR")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["comptoir.api.authentication.BasicAuthentication",
                                       "comptoir.api.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["comptoir.api.permissions.BusinessFileAccess"],
    "DEFAULT_RENDERER_CLASSES": ["comptoir.api.renderers.XMLRenderer",
                                 "comptoir.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["comptoir.api.parsers.XMLParser",
                               "comptoir.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "comptoir.api.negotiation.SuffixNegotiation",
    "DEFAULT_THROTTLE_CLASSES": ["comptoir.api.throttling.CredentialRateThrottle"],
    "EXCEPTION_HANDLER": "comptoir.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_FILTER_BACKENDS": [],
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_METADATA_CLASS": None,
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("COMPTOIR_LOG_LEVEL", "WARNING")},
}
