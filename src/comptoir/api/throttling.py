"""An optional request rate per credential (``COMPTOIR_API_RATE``, e.g. ``1200/min``).

Off by default: incwo clients pace themselves (W8) and the check costs two cache round
trips. When the rate is exceeded the answer is 429 with ``Retry-After``.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class CredentialRateThrottle(SimpleRateThrottle):
    scope = "credential"

    def get_rate(self):
        return settings.COMPTOIR_API_RATE or None

    def allow_request(self, request, view):
        if not self.rate:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        access = request.auth
        if access is None:
            return None
        ident = f"key{access.api_key_id}" if access.api_key_id else f"user{access.user_id}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
