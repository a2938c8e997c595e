"""WSGI entry point used by `comptoir serve` (gunicorn).

Django's handler sits behind the fast read path (:mod:`comptoir.api.fastpath`), which answers
plain reads by callers this worker has already verified and hands everything else to Django.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
django_application = get_wsgi_application()

from comptoir.api.fastpath import FastReads  # noqa: E402  (needs the settings set up above)

application = FastReads(django_application)
