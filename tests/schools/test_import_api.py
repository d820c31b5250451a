"""``/api/v1/imports/``: upload with a write token, read the preview, confirm once; scoping and permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from edudx.core.models import ImportBatch, Job
from people import services as people_services
from people.models import Enrolment, Student

from .test_import_views import BAD_ROWS, GOOD_ROWS, XLSX, xlsx

pytestmark = pytest.mark.django_db


def token_for(unit, *, can_write: bool) -> APIClient:
    _token, key = people_services.create_api_token(org_unit=unit, name="Phần mềm quản lý trường", can_write=can_write)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def post_file(client, capture, content, *, name="hoc-sinh.xlsx", **fields):
    data = {"kind": "students", "school": "TH-PHONGHAI", "school_year": "2025-2026", **fields}
    data["file"] = SimpleUploadedFile(name, content, content_type=XLSX)
    with capture(execute=True):
        return client.post("/api/v1/imports/", data, format="multipart")


def test_api_flow_with_a_write_token_of_the_unit(province, django_capture_on_commit_callbacks):
    client = token_for(province.unit_a, can_write=True)
    response = post_file(client, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS + BAD_ROWS))
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["kind"] == "students" and body["org_unit"] == "TH-PHONGHAI" and body["school_year"] == "2025-2026"
    assert body["validate_job_url"].endswith(f"/api/v1/jobs/{body['validate_job']}/")
    assert client.get(body["validate_job_url"]).status_code == 200
    batch = ImportBatch.objects.get(pk=body["id"])
    assert batch.owner is None  # a token records no owner

    detail = client.get(f"/api/v1/imports/{body['id']}/").json()
    assert detail["status"] == "validated"
    assert (detail["total_rows"], detail["invalid_rows"]) == (4, 2)
    assert {(e["row"], e["column"]) for e in detail["errors"]} == {(4, "Mã định danh"), (5, "Lớp")}
    assert all(e["sheet"] == "Học sinh" and e["message"] for e in detail["errors"])
    assert detail["conflicts"] == []
    assert client.get(detail["error_report_url"]).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/api/v1/imports/{body['id']}/confirm/", {"valid_rows_only": True}, format="json")
    assert first.status_code == 202 and first.json()["kind"] == "import_apply"
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/api/v1/imports/{body['id']}/confirm/", {"valid_rows_only": True}, format="json")
    assert again.status_code == 202 and again.json()["id"] == first.json()["id"]

    assert Student.objects.count() == 2 and Enrolment.objects.filter(school=province.school_a).count() == 2
    assert Job.objects.filter(kind="import_apply").count() == 1
    detail = client.get(f"/api/v1/imports/{body['id']}/").json()
    assert (
        detail["status"] == "applied" and detail["stats"]["created"] == 2 and detail["apply_job"] == first.json()["id"]
    )


def test_read_only_token_cannot_upload_or_confirm(province, django_capture_on_commit_callbacks):
    client = token_for(province.unit_a, can_write=False)
    response = post_file(client, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS))
    assert response.status_code == 403
    assert response.json()["detail"] == "Khóa API này chỉ có quyền đọc."
    assert not ImportBatch.objects.exists()


def test_confirm_without_choosing_valid_rows_only_is_refused_while_rows_are_invalid(
    province, django_capture_on_commit_callbacks
):
    client = token_for(province.unit_a, can_write=True)
    batch_id = post_file(client, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS + BAD_ROWS)).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/imports/{batch_id}/confirm/", {}, format="json")
    assert response.status_code == 409
    assert "dòng lỗi" in response.json()["detail"]
    assert Student.objects.count() == 0


def test_a_school_outside_the_tokens_scope_is_a_400_on_the_body(province, django_capture_on_commit_callbacks):
    client = token_for(province.unit_b, can_write=True)
    response = post_file(client, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS))
    assert response.status_code == 400
    assert "không tồn tại hoặc nằm ngoài phạm vi" in response.json()["errors"]["school"][0]
    assert not ImportBatch.objects.exists()


def test_batches_of_other_units_are_404_and_absent_from_the_list(province, django_capture_on_commit_callbacks):
    own = token_for(province.unit_a, can_write=True)
    batch_id = post_file(own, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS)).json()["id"]
    other = token_for(province.unit_b, can_write=True)
    assert other.get("/api/v1/imports/").json()["count"] == 0
    assert other.get(f"/api/v1/imports/{batch_id}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert other.post(f"/api/v1/imports/{batch_id}/confirm/", {}, format="json").status_code == 404
    assert other.post(f"/api/v1/imports/{batch_id}/discard/").status_code == 404
    assert ImportBatch.objects.get(pk=batch_id).status == ImportBatch.Status.VALIDATED


def test_list_filters_by_kind_and_status(province, django_capture_on_commit_callbacks):
    client = token_for(province.unit_a, can_write=True)
    batch_id = post_file(client, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS)).json()["id"]
    assert [b["id"] for b in client.get("/api/v1/imports/?kind=students&status=validated").json()["results"]] == [
        batch_id
    ]
    assert client.get("/api/v1/imports/?kind=staff").json()["count"] == 0
    assert client.get("/api/v1/imports/?status=applied").json()["count"] == 0
    assert client.get("/api/v1/imports/?kind=nope").status_code == 400


def test_session_user_without_an_upload_role_gets_403(client_for, province, django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_login(province.users["teacher_a"])
    response = post_file(client, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS))
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_session_officer_can_upload(province, django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_login(province.users["school_a_admin"])
    response = post_file(client, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS))
    assert response.status_code == 202
    assert ImportBatch.objects.get(pk=response.json()["id"]).owner == province.users["school_a_admin"]


@pytest.mark.parametrize(
    ("fields", "name", "field", "message"),
    [
        ({"kind": "nope"}, "a.xlsx", "kind", "không có"),
        ({}, "a.csv", "file", "Chỉ nhận tệp Excel .xlsx"),
        ({"school": "PGD-BT"}, "a.xlsx", "school", "nhập cho từng trường"),
        ({"school": ""}, "a.xlsx", "school", "Thiếu mã trường"),
        ({"school_year": "2030-2031"}, "a.xlsx", "school_year", "không có trong hệ thống"),
        ({"kind": "schools", "school": "", "org_unit": "TH-PHONGHAI"}, "a.xlsx", "org_unit", "không phải trường"),
    ],
)
def test_bad_uploads_get_a_400_in_vietnamese(
    province, django_capture_on_commit_callbacks, fields, name, field, message
):
    client = token_for(province.unit_a, can_write=True)
    response = post_file(client, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS), name=name, **fields)
    assert response.status_code == 400, response.json()
    assert message in str(response.json()["errors"][field])
    assert not ImportBatch.objects.exists()


def test_the_unit_kinds_take_an_org_unit(province, django_capture_on_commit_callbacks):
    client = token_for(province.unit_a, can_write=True)
    content = xlsx(
        [["PGD-BT-2", "Tổ công tác Bảo Thắng 2", "PGD-BT"]], headers=["Mã đơn vị", "Tên đơn vị", "Đơn vị cấp trên"]
    )
    response = post_file(
        client, django_capture_on_commit_callbacks, content, kind="units", school="", org_unit="PGD-BT"
    )
    assert response.status_code == 202, response.json()
    detail = client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert detail["org_unit"] == "PGD-BT" and detail["status"] == "validated" and detail["invalid_rows"] == 0


def test_schema_describes_the_multipart_upload(api_client, db):
    schema = api_client.get("/api/schema/?format=json").json()
    upload = schema["paths"]["/api/v1/imports/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
