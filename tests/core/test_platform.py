"""Health, production settings, error pages: what an operator relies on."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PROD_ENV = {
    "SECRET_KEY": "x" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "DATABASE_URL": "postgres://edudx@127.0.0.1:5432/edudx",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "ALLOWED_HOSTS": "edudx.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://edudx.example.vn",
    "DJANGO_SETTINGS_MODULE": "edudx.settings.production",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests only; a deployment never has it.
    clean = {k: v for k, v in os.environ.items() if k not in PROD_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down(client, monkeypatch):
    from edudx.celery import app

    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


@pytest.mark.django_db
def test_404_page_is_vietnamese_and_reveals_nothing(client):
    response = client.get("/khong-ton-tai/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy" in html and "Traceback" not in html


@pytest.mark.django_db
def test_dates_are_parsed_day_first():
    from django import forms
    from django.utils import translation

    with translation.override("vi"):
        field = forms.DateField()
        assert field.clean("05/04/2026").month == 4
        assert field.clean("05/04/2026").day == 5


def test_numbers_are_grouped_with_dots_in_vietnamese():
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    with translation.override("vi"):
        assert intcomma(1234567) == "1.234.567"


def test_a_nul_character_in_the_query_string_is_a_400_not_a_500(client, province):
    api = client.get("/api/v1/procedures/?q=to%00an")
    assert api.status_code == 400 and "không hợp lệ" in api.json()["detail"]
    page = client.get("/services/?q=%00")
    assert page.status_code == 400 and "<html" in page.content.decode()
