"""Production: PostgreSQL, Redis, HTTPS behind a proxy. Refuses to start without its secrets."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env, env_bool, env_int, env_list

SECRET_KEY = env("SECRET_KEY", required=True)
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("embedded-mode"):
    raise ImproperlyConfigured("SECRET_KEY phải dài ít nhất 50 ký tự và không dùng khóa mặc định.")
env("DATABASE_URL", required=True)
env("CELERY_BROKER_URL", required=True)
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS là bắt buộc trong môi trường production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 1)
