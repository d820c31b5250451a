import hmac
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken

TOKEN_CACHE_SECONDS = 60


def token_cache_key(key_hash: str) -> str:
    return f"people:api-token:{key_hash}"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>``. A key in the query string is refused: URLs end up in logs."""

    keyword = "Token"
    LAST_USED_RESOLUTION = timedelta(minutes=1)

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            if any(name in request.query_params for name in ("token", "key", "api_key", "access_token")):
                raise exceptions.AuthenticationFailed()
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed()
        try:
            key = header[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed() from exc
        key_hash = ApiToken.hash_key(key)
        cache_key = token_cache_key(key_hash)
        # Pollers call every few seconds: the token is kept in the cache for a minute, under its hash, so that a
        # cached page costs no query at all. Revoking deletes the entry (people.services.revoke_api_token).
        token = cache.get(cache_key)
        if token is None:
            token = (
                ApiToken.objects.active()
                .select_related("org_unit", "created_by")
                .filter(prefix=key[: ApiToken.PREFIX_LENGTH])
                .first()
            )
            if token is None or not hmac.compare_digest(token.key_hash, key_hash):
                raise exceptions.AuthenticationFailed()
            cache.set(cache_key, token, TOKEN_CACHE_SECONDS)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > self.LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
            cache.set(cache_key, token, TOKEN_CACHE_SECONDS)
        # The token is the principal: request.user is the token, so every visible_to(request.user) is scoped.
        return token, token

    def authenticate_header(self, request):
        return self.keyword
