import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from learning.models import ContentStatus, Resource, Review

from .factories import catalogue
from .test_resources import EXE, PDF
from .test_review import council  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

SUBMISSION = {
    "title": "Bài giảng: So sánh phân số",
    "description": "Từ hệ thống LMS của trường",
    "kind": "e_lecture",
    "subject": "TOAN",
    "grade": 6,
    "knowledge_units": ["TOAN-6-C3-02"],
    "licence": "CC-BY-SA-4.0",
    "author": "Hoàng Thị Lan",
    "audience": "province",
    "link_url": "https://lms.thcs-xuanquang.edu.vn/course/12",
    "external_id": "lms-course-12",
}


def test_catalogue_is_published_with_stable_codes(province, token_client):
    catalogue()
    client = token_client(province.unit_b)
    subjects = client.get("/api/v1/learning/subjects/").json()
    toan = next(s for s in subjects["results"] if s["code"] == "TOAN")
    assert toan["name"] == "Toán" and toan["grades"] == [1, 6, 10]
    units = client.get("/api/v1/learning/knowledge-units/?subject=TOAN&grade=6").json()
    assert units["count"] > 10
    unit = client.get("/api/v1/learning/knowledge-units/TOAN-6-C3-02/").json()
    assert unit == {
        "code": "TOAN-6-C3-02",
        "name": "So sánh phân số",
        "topic": "TOAN-6-C3",
        "topic_name": "Phân số",
        "subject": "TOAN",
        "grade": 6,
    }


def test_anonymous_callers_get_401(province):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/learning/resources/").status_code == 401


def test_lms_submission_enters_review_never_published(province, token_client, council):  # noqa: F811
    catalogue()
    client = token_client(province.school_a2.org_unit, can_write=True)
    response = client.post("/api/v1/learning/resources/", SUBMISSION, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == ContentStatus.IN_REVIEW and body["org_unit"] == "THCS-XUANQUANG"
    resource = Resource.objects.get(uid=body["id"])
    assert resource.source.startswith("LMS: ") and Review.objects.filter(resource=resource).count() == 2
    # the same external id again: the same resource, not a copy
    again = client.post("/api/v1/learning/resources/", SUBMISSION, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Resource.objects.count() == 1
    # mass-assigning a status is not possible: the field is not an input
    forced = client.post(
        "/api/v1/learning/resources/", {**SUBMISSION, "external_id": "x2", "status": "published"}, format="json"
    )
    assert forced.json()["status"] != ContentStatus.PUBLISHED
    # not visible to another school until reviewed
    other = token_client(province.unit_b)
    assert other.get(f"/api/v1/learning/resources/{body['id']}/").status_code == 404


def test_lms_upload_is_sniffed_like_the_web(province, token_client):
    catalogue()
    client = token_client(province.school_a2.org_unit, can_write=True)
    ok = client.post(
        "/api/v1/learning/resources/",
        {**SUBMISSION, "link_url": "", "knowledge_units": "TOAN-6-C3-02", "file": SimpleUploadedFile("a.pdf", PDF)},
        format="multipart",
    )
    assert ok.status_code == 201, ok.json()
    bad = client.post(
        "/api/v1/learning/resources/",
        {
            **SUBMISSION,
            "external_id": "x",
            "link_url": "",
            "knowledge_units": "TOAN-6-C3-02",
            "file": SimpleUploadedFile("b.pdf", EXE),
        },
        format="multipart",
    )
    assert bad.status_code == 400 and "không được chấp nhận" in str(bad.json())


def test_read_only_token_and_unknown_codes_are_refused(province, token_client):
    catalogue()
    read_only = token_client(province.school_a2.org_unit)
    assert read_only.post("/api/v1/learning/resources/", SUBMISSION, format="json").status_code == 403
    writer = token_client(province.school_a2.org_unit, can_write=True)
    response = writer.post(
        "/api/v1/learning/resources/", {**SUBMISSION, "knowledge_units": ["KHONG-CO"]}, format="json"
    )
    assert response.status_code == 400 and "KHONG-CO" in str(response.json())
    assert not Resource.objects.exists()


def test_resource_list_shows_published_identifiers(province, token_client):
    from .test_resources import make
    from .test_search import publish

    resource = publish(make(province, link="https://example.edu.vn/x"))
    make(province, link="https://example.edu.vn/draft", title="Bản nháp")
    client = token_client(province.unit_b)
    listed = client.get("/api/v1/learning/resources/?subject=TOAN&grade=6").json()
    assert [r["id"] for r in listed["results"]] == [str(resource.uid)]
    assert listed["results"][0]["knowledge_units"] == ["TOAN-6-C3-01"]
