"""API throttles: each token, user and anonymous address has its own budget; past it, 429 with Retry-After."""

import datetime as dt

import pytest
import time_machine
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from edudx.api.throttling import AnonymousRateThrottle, PrincipalRateThrottle
from people import services as people_services

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 23, 8, 0, 10, tzinfo=dt.UTC)


@pytest.fixture
def rates(monkeypatch):
    # The test settings turn throttling off (the other tests would trip it). DRF reads its settings when it
    # defines its classes, so the throttles and their rates are put back where DRF keeps them.
    monkeypatch.setattr(APIView, "throttle_classes", [AnonymousRateThrottle, PrincipalRateThrottle])
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "2/minute"})


def token_client(unit) -> APIClient:
    _token, key = people_services.create_api_token(org_unit=unit, name="Hệ thống thống kê Bảo Thắng")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_past_its_budget_gets_429_with_retry_after_until_the_window_ends(province, rates):
    client = token_client(province.unit_a)
    with time_machine.travel(START, tick=False) as clock:
        assert [client.get("/api/v1/schools/").status_code for _ in range(3)] == [200, 200, 200]
        refused = client.get("/api/v1/schools/")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "50"
        assert "thử lại" in refused.json()["detail"].lower()
        clock.shift(50)
        assert client.get("/api/v1/schools/").status_code == 200


def test_two_tokens_do_not_share_a_budget(province, rates):
    first, second = token_client(province.unit_a), token_client(province.unit_b)
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            first.get("/api/v1/schools/")
        assert first.get("/api/v1/schools/").status_code == 429
        assert second.get("/api/v1/schools/").status_code == 200


def test_anonymous_callers_are_counted_by_address_not_by_a_forged_forwarded_header(rates):
    # Public endpoints (the dossier tracker) are where anonymous budgets matter; the throttle is asked directly.
    factory = APIRequestFactory()

    def allowed(address: str, forwarded: str) -> bool:
        request = Request(factory.get("/", REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forwarded))
        return AnonymousRateThrottle().allow_request(request, None)

    with time_machine.travel(START, tick=False):
        answers = [allowed("198.51.100.7", f"203.0.113.{n}") for n in range(3)]
        other_address = allowed("198.51.100.8", "203.0.113.1")
    assert answers == [True, True, False]
    assert other_address
