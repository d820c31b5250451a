import uuid

import structlog


class RequestIdMiddleware:
    """Binds one request id to every log line of the request, and echoes it to the client for support calls."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex[:16]
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        request.request_id = request_id
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class CookieLocaleMiddleware:
    """Vietnamese unless the person chose otherwise with the language switch (cookie), whatever the browser says.

    Django's LocaleMiddleware follows Accept-Language: a phone set to English would get Django's own messages
    in English next to our Vietnamese text.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
