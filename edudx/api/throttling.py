"""API throttles: fairness between callers (RELIABILITY.md: throttles are fairness, not security).

DRF's own throttles keep a sliding log: the list of every request's time in the window, read, unpickled, trimmed
and written back whole on each request, so a busy token pays more per request the busier it is. Here a fixed
window is one counter per caller and window, one ``INCR`` per request. The price, up to twice the rate across a
window's edge, is fine for fairness.
"""

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class FixedWindowRateThrottle(SimpleRateThrottle):
    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = int(self.timer())
        start = now - now % self.duration
        key = f"{self.key}:{start}"
        try:
            count = self.cache.incr(key)
        except ValueError:  # the window's first request: no counter yet
            count = 1 if self.cache.add(key, 1, self.duration + 1) else self.cache.incr(key)
        self.retry_after = max(1, start + self.duration - now)
        return count <= self.num_requests

    def wait(self) -> float:
        return self.retry_after


class PrincipalRateThrottle(FixedWindowRateThrottle):
    """Per user or per API token: a token and a user with the same id must not share one budget."""

    scope = "user"

    def get_cache_key(self, request, view):
        principal = request.user
        if not (principal and principal.is_authenticated):
            return None
        kind = "token" if getattr(principal, "is_api_token", False) else "user"
        return self.cache_format % {"scope": self.scope, "ident": f"{kind}-{principal.pk}"}


class AnonymousRateThrottle(FixedWindowRateThrottle, AnonRateThrottle):
    """Per client address (resolved behind the proxy by ``NUM_PROXIES``) for calls without a login or token."""
