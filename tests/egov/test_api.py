"""REST: the public dossier status (nothing personal, same 404 for a wrong contact), the catalogue, staff endpoints."""

import pytest

from egov.models import DossierStatus

from .factories import ID_NUMBERS, make_dossier, make_procedure

pytestmark = pytest.mark.django_db
HEADER = "HTTP_X_APPLICANT_CONTACT"


@pytest.fixture
def procedure(province):
    return make_procedure(province.school_a.org_unit, code="XN-HOCBA", name="Xác nhận học bạ")


def test_public_status_with_the_phone_shows_status_and_history_only(api_client, procedure):
    dossier = make_dossier(procedure, applicant_name="Sùng A Páo", data={"student_name": "Sùng Thị Mỷ"})
    response = api_client.get(f"/api/v1/dossiers/{dossier.receipt_code}/", **{HEADER: "0912345678"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"receipt_code", "procedure", "status", "status_label", "due_date", "paused", "history"}
    assert body["status"] == "submitted" and body["history"][0]["label"] == "Đã nộp"
    text = response.content.decode()
    for private in ("Sùng A Páo", "Sùng Thị Mỷ", "0912345678", ID_NUMBERS[0]):
        assert private not in text


def test_public_status_with_a_wrong_contact_is_the_same_404_as_an_unknown_code(api_client, procedure):
    dossier = make_dossier(procedure)
    wrong = api_client.get(f"/api/v1/dossiers/{dossier.receipt_code}/", **{HEADER: "0999999999"})
    unknown = api_client.get("/api/v1/dossiers/HS-2026-ZZZZZZZZ/", **{HEADER: "0912345678"})
    missing = api_client.get(f"/api/v1/dossiers/{dossier.receipt_code}/")
    assert wrong.status_code == unknown.status_code == missing.status_code == 404
    assert wrong.json() == unknown.json() == missing.json()


def test_public_status_is_rate_limited(api_client, procedure):
    codes = [
        api_client.get(f"/api/v1/dossiers/HS-2026-{i:08d}/", **{HEADER: "0912345678"}).status_code for i in range(11)
    ]
    assert codes[:10] == [404] * 10 and codes[10] == 429
    assert "Retry-After" in api_client.get("/api/v1/dossiers/HS-2026-X/").headers


def test_the_catalogue_is_public_and_searchable(api_client, procedure):
    body = api_client.get("/api/v1/procedures/", {"q": "hoc ba"}).json()
    assert [p["code"] for p in body["results"]] == ["XN-HOCBA"]
    assert body["results"][0]["competent_org_unit"] == "TH-PHONGHAI"


def test_staff_list_is_scoped(client_for, procedure, province):
    mine = make_dossier(procedure)
    make_dossier(make_procedure(province.school_b.org_unit, code="TV-1"))
    client = client_for(province.users["unit_a_staff"])
    body = client.get("/api/v1/dossier-inbox/").json()
    assert [d["receipt_code"] for d in body["results"]] == [mine.receipt_code]
    assert "applicant_id_number" not in body["results"][0]
    assert (
        client_for(province.users["school_b_admin"]).get(f"/api/v1/dossier-inbox/{mine.receipt_code}/").status_code
        == 404
    )


def test_anonymous_staff_endpoints_answer_401(api_client, procedure):
    assert api_client.get("/api/v1/dossier-inbox/").status_code == 401


def test_a_unit_token_reads_its_dossiers_but_cannot_move_them(token_client, procedure, province):
    dossier = make_dossier(procedure)
    client = token_client(province.unit_a, can_write=True)
    assert client.get(f"/api/v1/dossier-inbox/{dossier.receipt_code}/").status_code == 200
    response = client.post(
        f"/api/v1/dossier-inbox/{dossier.receipt_code}/transition/", {"to": "received"}, format="json"
    )
    assert response.status_code == 403


def test_staff_transition_and_a_refused_one(client_for, procedure, province):
    dossier = make_dossier(procedure)
    client = client_for(province.users["school_a_admin"])
    url = f"/api/v1/dossier-inbox/{dossier.receipt_code}/transition/"
    refused = client.post(url, {"to": "approved"}, content_type="application/json")
    assert refused.status_code == 400 and "Không thể chuyển" in refused.json()["detail"]
    ok = client.post(url, {"to": "received", "comment": "Đủ"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == DossierStatus.RECEIVED
    bad = client.post(url, {"to": "bay-len-troi"}, content_type="application/json")
    assert bad.status_code == 400


def test_diploma_verification_answers_match_or_not_only(api_client, province):
    import datetime as dt

    from egov.services.diplomas import upsert_diploma_record

    upsert_diploma_record(
        org_unit=province.unit_a,
        level="THCS",
        number="A2400001",
        register_number="1/2024",
        holder_name="Giàng Thị Sua",
        birth_date=dt.date(2009, 1, 2),
        graduation_year=2024,
        issued_on=dt.date(2024, 7, 1),
    )
    url = "/api/v1/diploma-verifications/"
    yes = api_client.post(url, {"number": "A2400001", "holder_name": "giang thi sua", "birth_date": "02/01/2009"})
    no = api_client.post(url, {"number": "A2400001", "holder_name": "Giàng Thị Sua", "birth_date": "2009-01-03"})
    assert yes.json() == {"match": True} and no.json() == {"match": False}
    bad = api_client.post(url, {"number": "A2400001", "holder_name": "x", "birth_date": "31/02/2009"})
    assert bad.status_code == 400 and "birth_date" in bad.json()["errors"]
