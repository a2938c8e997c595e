"""WSGI entry point used by `comptoir serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
application = get_wsgi_application()
