"""The admissions REST API: scoped reads, masked IDs, reviewing through a separate input serializer."""

import pytest

from egov.admissions.models import ApplicationStatus
from tests.admissions.factories import make_round, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(province):
    return make_round(province)


def test_anonymous_gets_401(api_client, round_):
    assert api_client.get("/api/v1/admissions/rounds/").status_code in (401, 403)


def test_rounds_and_applications_are_scoped(api_client, round_, province):
    mine = submit(round_, choices=["TH-PHONGHAI"])
    theirs = submit(round_, choices=["TH-TAVAN"])
    api_client.force_authenticate(province.users["school_a_admin"])
    listed = api_client.get("/api/v1/admissions/applications/", {"round": round_.code}).json()
    assert [a["receipt_code"] for a in listed["results"]] == [mine.receipt_code]
    assert listed["results"][0]["child_national_id"] != mine.child_national_id
    assert listed["results"][0]["choices"] == ["TH-PHONGHAI"]
    assert api_client.get(f"/api/v1/admissions/applications/{theirs.receipt_code}/").status_code == 404
    round_json = api_client.get(f"/api/v1/admissions/rounds/{round_.code}/").json()
    assert {s["school"] for s in round_json["schools"]} == {"TH-PHONGHAI", "THCS-XUANQUANG", "TH-TAVAN"}


def test_review_takes_only_status_and_reasons(api_client, round_, province):
    application = submit(round_)
    api_client.force_authenticate(province.users["department_staff"])
    url = f"/api/v1/admissions/applications/{application.receipt_code}/review/"
    refused = api_client.post(url, {"status": "invalid", "reasons": ""}, format="json")
    assert refused.status_code == 400
    response = api_client.post(url, {"status": "valid", "result_school": "TH-TAVAN", "exam_score": "99"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == ApplicationStatus.VALID
    application.refresh_from_db()
    assert application.result_school is None and application.exam_score is None


def test_a_read_only_token_cannot_review_but_can_read(token_client, round_, province):
    application = submit(round_)
    client = token_client(province.department)
    assert client.get("/api/v1/admissions/applications/").json()["count"] == 1
    response = client.post(
        f"/api/v1/admissions/applications/{application.receipt_code}/review/", {"status": "valid"}, format="json"
    )
    assert response.status_code == 403


def test_a_write_token_reviews_and_no_person_is_recorded(token_client, round_, province):
    application = submit(round_)
    client = token_client(province.department, can_write=True)
    response = client.post(
        f"/api/v1/admissions/applications/{application.receipt_code}/review/", {"status": "valid"}, format="json"
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.VALID and application.reviewed_by is None
