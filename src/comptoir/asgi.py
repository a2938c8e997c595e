"""ASGI entry point, for servers that prefer it; `comptoir serve` uses WSGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
application = get_asgi_application()
