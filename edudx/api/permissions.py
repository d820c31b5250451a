from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOnlyTokenPermission(BasePermission):
    """Deny by default: authenticated callers only, and API tokens may write only when created with write."""

    message = "Khóa API này chỉ có quyền đọc."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        token = request.auth if getattr(request.auth, "is_api_token", False) else None
        if token is not None and request.method not in SAFE_METHODS:
            return token.can_write
        return True
