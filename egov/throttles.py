"""Rate limits of the public lookups (tracker, diploma verification) against guessing: per client IP, in the shared
cache (Redis in production, the database cache embedded), one budget for the web page and the REST API alike."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PublicLookupThrottle(SimpleRateThrottle):
    """Per IP, signed in or not: a guesser gains nothing from logging in."""

    scope = "egov_lookup"
    default_rate = "10/minute"

    def get_rate(self) -> str:
        return getattr(settings, "EDUDX_PUBLIC_LOOKUP_RATE", self.default_rate)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicLookupHourlyThrottle(PublicLookupThrottle):
    scope = "egov_lookup_hour"
    default_rate = "60/hour"

    def get_rate(self) -> str:
        return getattr(settings, "EDUDX_PUBLIC_LOOKUP_HOURLY_RATE", self.default_rate)


LOOKUP_THROTTLES = (PublicLookupThrottle, PublicLookupHourlyThrottle)


def lookup_wait(request: Any) -> int | None:
    """None when the lookup may go ahead (and is counted); else the seconds to wait."""
    waits = []
    for throttle_class in LOOKUP_THROTTLES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(int(throttle.wait() or 1))
    return max(waits) if waits else None
