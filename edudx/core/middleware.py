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


class NullCharacterMiddleware:
    """A NUL character in the query string is refused with 400 before any view sees it.

    PostgreSQL cannot hold NUL in text, so a search box or filter that passes one on would fail with a 500; Django's
    and DRF's form fields already refuse it in bodies, but many views read ``request.GET`` directly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists()):
            from django.http import JsonResponse

            from .views import bad_request

            if request.path.startswith("/api/"):
                message = "Tham số truy vấn chứa ký tự không hợp lệ (NUL)."
                return JsonResponse({"detail": message, "code": "invalid"}, status=400)
            return bad_request(request)
        return self.get_response(request)
