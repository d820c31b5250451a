# EduDX production image: one image for web (gunicorn), worker and beat; settings edudx.settings.production.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=edudx.settings.production \
    EDUDX_VAR_DIR=/var/lib/edudx \
    MEDIA_ROOT=/var/lib/edudx/media \
    STATIC_ROOT=/app/staticfiles

# The libraries WeasyPrint loads, and fonts with full Vietnamese for PDFs (Liberation = Times New Roman metrics).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-liberation fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 edudx \
    && useradd --system --uid 1000 --gid edudx --create-home --home-dir /home/edudx edudx

WORKDIR /app
COPY . .
RUN pip install .
# Every process imports the code from /app rather than from the installed copy, so that BASE_DIR is /app and the
# templates, static files and locale beside the packages are found (`pip install .` brings the dependencies).
ENV PYTHONPATH=/app

# Static files are collected into the image, so web and worker (PDFs) read the same manifest. Production settings
# insist on their secrets even for this: the values below exist only during this build step.
RUN SECRET_KEY=build-time-only-not-a-secret-build-time-only-not-a-secret \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 CELERY_BROKER_URL=memory:// ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 0 \
    && rm -f /tmp/build.sqlite3 \
    && mkdir -p /var/lib/edudx/media \
    && chown -R edudx:edudx /var/lib/edudx

USER edudx
EXPOSE 8000
CMD ["gunicorn", "edudx.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "4", \
     "--worker-class", "gthread", "--access-logfile", "-"]
