"""Who may do what once authenticated: reads for every member, writes for writers."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class BusinessFileAccess(BasePermission):
    message = "this credential may only read"

    def has_permission(self, request, view):
        access = request.auth
        if access is None:
            return False  # DRF turns this into 401 with the Basic challenge
        if request.method in SAFE_METHODS:
            return True
        if access.key_read_only:
            self.message = "this API key is read-only"
            return False
        if not access.can_write:
            self.message = "your role in this business file is read-only"
            return False
        return True
