"""``GET /api/v1/dx-assessments/``: scoped to the caller, filterable, codes in and out."""

import pytest

from reports.maturity import services
from reports.maturity.models import Status

from .helpers import score_everything, start

pytestmark = pytest.mark.django_db
URL = "/api/v1/dx-assessments/"


@pytest.fixture
def two_assessments(province):
    a = start(province)
    b = score_everything(start(province, province.school_b), province.users["school_b_admin"])
    services.submit_assessment(
        assessment=b, by=province.users["school_b_admin"], today=services.submission_deadline(b.school_year)
    )
    return a, b


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["school"] for item in response.json()["results"]]


def test_a_unit_token_sees_only_its_schools(token_client, province, two_assessments):
    client = token_client(province.unit_a)
    assert codes(client.get(URL)) == ["TH-PHONGHAI"]
    item = client.get(URL).json()["results"][0]
    assert item["org_unit"] == "PGD-BT" and item["school_year"] == "2025-2026" and item["status"] == "draft"


def test_filters_by_year_unit_level_and_status(token_client, province, two_assessments):
    client = token_client(province.department)
    assert codes(client.get(URL)) == ["TH-PHONGHAI", "TH-TAVAN"]
    assert codes(client.get(URL, {"org_unit": "PGD-SP"})) == ["TH-TAVAN"]
    assert codes(client.get(URL, {"status": Status.SUBMITTED})) == ["TH-TAVAN"]
    assert codes(client.get(URL, {"level": 3})) == ["TH-TAVAN"]
    assert codes(client.get(URL, {"school_year": "2024-2025"})) == []


def test_a_unit_outside_the_scope_filters_to_nothing(token_client, province, two_assessments):
    assert codes(token_client(province.unit_a).get(URL, {"org_unit": "PGD-SP"})) == []


def test_bad_filter_values_are_400_in_vietnamese(token_client, province, two_assessments):
    client = token_client(province.department)
    response = client.get(URL, {"school_year": "2025"})
    assert response.status_code == 400
    assert "Năm học" in response.content.decode()
    assert client.get(URL, {"level": "7"}).status_code == 400


def test_anonymous_is_401_and_a_school_officer_sees_only_its_school(api_client, client_for, province, two_assessments):
    assert api_client.get(URL).status_code == 401
    assert codes(client_for(province.users["school_b_admin"]).get(URL)) == ["TH-TAVAN"]
