import pytest

from people import services as people_services

pytestmark = pytest.mark.django_db


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["code"] for item in response.json()["results"]}


def test_anonymous_call_gets_401_json_in_vietnamese(api_client, province):
    response = api_client.get("/api/v1/schools/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "xác thực" in response.json()["detail"].lower()


def test_unit_token_sees_exactly_its_subtree(token_client, province):
    client = token_client(province.unit_a)
    assert codes(client.get("/api/v1/org-units/")) == {"PGD-BT", "TH-PHONGHAI", "THCS-XUANQUANG"}
    assert codes(client.get("/api/v1/schools/")) == {"TH-PHONGHAI", "THCS-XUANQUANG"}


def test_department_token_sees_the_whole_province(token_client, province):
    client = token_client(province.department)
    assert codes(client.get("/api/v1/schools/")) == {"TH-PHONGHAI", "THCS-XUANQUANG", "TH-TAVAN", "THPT-SO1-LC"}


def test_school_detail_by_code_carries_code_name_and_managing_unit(token_client, province):
    body = token_client(province.department).get("/api/v1/schools/THPT-SO1-LC/").json()
    assert body["code"] == "THPT-SO1-LC"
    assert body["name"] == "Trường THPT số 1 Lào Cai"
    assert body["org_unit"] == "SGD"
    assert body["levels"] == ["THPT"]


def test_org_unit_detail_carries_parent_code(token_client, province):
    body = token_client(province.department).get("/api/v1/org-units/PGD-SP/").json()
    assert body == body | {"code": "PGD-SP", "name": "Phòng Giáo dục và Đào tạo Sa Pa", "parent": "SGD"}


@pytest.mark.parametrize(
    "path", ["/api/v1/schools/TH-TAVAN/", "/api/v1/org-units/TH-TAVAN/", "/api/v1/org-units/PGD-SP/"]
)
def test_object_outside_the_token_scope_answers_404_like_a_missing_one(token_client, province, path):
    client = token_client(province.unit_a)
    outside = client.get(path)
    missing = client.get("/api/v1/schools/KHONG-CO/")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_school_admin_sees_only_own_school(api_client, province):
    api_client.force_login(province.users["school_a_admin"])
    assert codes(api_client.get("/api/v1/schools/")) == {"TH-PHONGHAI"}
    assert api_client.get("/api/v1/schools/TH-TAVAN/").status_code == 404
    assert codes(api_client.get("/api/v1/schools/?org_unit=PGD-SP")) == set()
    assert codes(api_client.get("/api/v1/schools/?q=Tả Van")) == set()


def test_filters_narrow_the_scoped_list(token_client, province):
    client = token_client(province.department)
    assert codes(client.get("/api/v1/schools/?org_unit=PGD-BT")) == {"TH-PHONGHAI", "THCS-XUANQUANG"}
    assert codes(client.get("/api/v1/schools/?level=THCS")) == {"THCS-XUANQUANG"}
    assert codes(client.get("/api/v1/schools/?area=difficult")) == {"TH-TAVAN"}
    assert codes(client.get("/api/v1/org-units/?kind=unit")) == {"PGD-BT", "PGD-SP"}
    assert codes(client.get("/api/v1/org-units/?parent=PGD-SP")) == {"TH-TAVAN"}


def test_invalid_filter_value_is_a_400_with_a_message(token_client, province):
    response = token_client(province.department).get("/api/v1/schools/?level=DAIHOC")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "level" in response.json()["errors"]


def test_list_is_paginated_with_count_next_previous(token_client, province):
    client = token_client(province.department)
    body = client.get("/api/v1/schools/?page_size=2").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4 and len(body["results"]) == 2 and body["previous"] is None
    second = client.get(body["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    assert client.get("/api/v1/schools/?page=9").status_code == 404


def test_page_size_is_capped_at_1000(token_client, province):
    from edudx.api.pagination import PageNumberPagination

    assert PageNumberPagination.max_page_size == 1000
    body = token_client(province.department).get("/api/v1/schools/?page_size=5000").json()
    assert body["count"] == 4


def test_read_only_token_cannot_write(token_client, province):
    response = token_client(province.unit_a).post("/api/v1/org-units/PGD-BT/export-schools/")
    assert response.status_code == 403
    assert "chỉ có quyền đọc" in response.json()["detail"]


def test_write_token_can_queue_an_export(token_client, province):
    response = token_client(province.unit_a, can_write=True).post("/api/v1/org-units/PGD-BT/export-schools/")
    assert response.status_code == 202
    assert response.json()["org_unit"] == "PGD-BT"


def test_write_token_cannot_export_outside_its_unit(token_client, province):
    response = token_client(province.unit_a, can_write=True).post("/api/v1/org-units/PGD-SP/export-schools/")
    assert response.status_code == 404


def test_revoked_token_gets_401(api_client, province):
    token, key = people_services.create_api_token(org_unit=province.unit_a, name="Cũ")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/schools/").status_code == 200
    people_services.revoke_api_token(token=token)
    assert api_client.get("/api/v1/schools/").status_code == 401


def test_token_in_query_string_is_refused(api_client, province):
    _token, key = people_services.create_api_token(org_unit=province.unit_a, name="Sai cách")
    assert api_client.get(f"/api/v1/schools/?token={key}").status_code == 401


def test_wrong_token_gets_401(api_client, province):
    _token, key = people_services.create_api_token(org_unit=province.unit_a, name="Đúng")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key[:-1]}x")
    assert api_client.get("/api/v1/schools/").status_code == 401


def test_token_use_is_recorded(api_client, province):
    token, key = people_services.create_api_token(org_unit=province.unit_a, name="Theo dõi")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api_client.get("/api/v1/schools/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_schema_and_docs_are_served(api_client, db):
    assert api_client.get("/api/schema/").status_code == 200
    assert api_client.get("/api/docs/").status_code == 200
