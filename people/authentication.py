import hmac
from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken


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
        token = (
            ApiToken.objects.active()
            .select_related("org_unit", "created_by")
            .filter(prefix=key[: ApiToken.PREFIX_LENGTH])
            .first()
        )
        if token is None or not hmac.compare_digest(token.key_hash, ApiToken.hash_key(key)):
            raise exceptions.AuthenticationFailed()
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > self.LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        # The token is the principal: request.user is the token, so every visible_to(request.user) is scoped.
        return token, token

    def authenticate_header(self, request):
        return self.keyword
