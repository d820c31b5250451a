from rest_framework.throttling import UserRateThrottle


class PrincipalRateThrottle(UserRateThrottle):
    """Per user or per API token: a token and a user with the same id must not share one budget."""

    def get_cache_key(self, request, view):
        principal = request.user
        if not (principal and principal.is_authenticated):
            return None
        kind = "token" if getattr(principal, "is_api_token", False) else "user"
        return self.cache_format % {"scope": self.scope, "ident": f"{kind}-{principal.pk}"}
