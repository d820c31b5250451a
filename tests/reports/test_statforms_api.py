"""REST: ``GET /api/v1/reports/forms/`` (definitions), a form's figures for a unit, exports and bundles as jobs."""

from __future__ import annotations

import pytest

from edudx.core.models import Job
from schools.models import SchoolYear

from .statforms_data import fill_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(province) -> SchoolYear:
    year = SchoolYear.objects.get(code="2025-2026")
    fill_province(province, year, gaps=False)
    return year


def test_forms_list_is_paginated_with_definitions(token_client, province):
    body = token_client(province.unit_a).get("/api/v1/reports/forms/").json()
    assert body["count"] == 8 and {"next", "previous", "results"} <= set(body)
    th = next(item for item in body["results"] if item["code"] == "TH-DN")
    assert th["version"] == "2026.1" and th["level"] == "TH" and th["period"] == "start"
    students = next(section for section in th["sections"] if section["key"] == "hs")
    assert {"key": "nu", "label": "Nữ", "group": None, "measure": "count", "where": {"student__gender": "F"}} in (
        students["columns"]
    )
    assert any(rule["code"] == "hs_tong_girls" for rule in th["rules"])


def test_one_form_by_code_and_unknown_code_404(api_client, province):
    api_client.force_authenticate(province.users["school_a_admin"])
    assert api_client.get("/api/v1/reports/forms/th-dn/").json()["code"] == "TH-DN"
    assert api_client.get("/api/v1/reports/forms/XX-DN/").status_code == 404


def test_anonymous_gets_401(api_client):
    assert api_client.get("/api/v1/reports/forms/").status_code == 401


def test_figures_of_a_unit_in_scope(token_client, province, year):
    body = (
        token_client(province.unit_a)
        .get("/api/v1/reports/forms/TH-DN/figures/", {"org_unit": "PGD-BT", "school_year": "2025-2026"})
        .json()
    )
    assert body["schools"] == 1 and body["failures"] == []
    cells = {cell["key"]: cell for cell in body["cells"]}
    assert cells["hs.tong.tong"]["value"] > 0
    assert cells["hs.tong.nu"]["label"] == "Học sinh › Tổng số › Nữ"


def test_figures_of_a_unit_out_of_scope_404(token_client, province, year):
    client = token_client(province.unit_a)
    response = client.get("/api/v1/reports/forms/TH-DN/figures/", {"org_unit": "PGD-SP", "school_year": "2025-2026"})
    assert response.status_code == 404
    assert "phạm vi" in response.json()["detail"]


def test_figures_with_a_malformed_year_is_400(token_client, province):
    response = token_client(province.unit_a).get(
        "/api/v1/reports/forms/TH-DN/figures/", {"org_unit": "PGD-BT", "school_year": "2025"}
    )
    assert response.status_code == 400


def test_export_returns_a_job_with_progress(token_client, province, year):
    client = token_client(province.unit_a, can_write=True)
    response = client.post(
        "/api/v1/reports/forms/TH-DN/exports/", {"org_unit": "PGD-BT", "school_year": "2025-2026", "format": "pdf"}
    )
    assert response.status_code == 202
    body = response.json()
    assert body["kind"] == "export_report_form" and body["status"] == "queued" and "percent" in body
    assert Job.objects.get(pk=body["id"]).params["form"] == "TH-DN"


def test_read_only_token_cannot_export(token_client, province, year):
    response = token_client(province.unit_a).post(
        "/api/v1/reports/forms/TH-DN/exports/", {"org_unit": "PGD-BT", "format": "xlsx"}
    )
    assert response.status_code == 403


def test_export_out_of_scope_unit_404_and_nothing_queued(token_client, province, year):
    client = token_client(province.unit_a, can_write=True)
    response = client.post("/api/v1/reports/forms/TH-DN/exports/", {"org_unit": "SGD", "format": "xlsx"})
    assert response.status_code == 404
    assert not Job.objects.exists()


def test_bundle_returns_a_job(api_client, province, year):
    api_client.force_authenticate(province.users["department_staff"])
    response = api_client.post(
        "/api/v1/reports/form-bundles/", {"org_unit": "SGD", "school_year": "2025-2026", "period": "end"}
    )
    assert response.status_code == 202
    assert Job.objects.get(pk=response.json()["id"]).params == {
        "period": "end",
        "school_year": "2025-2026",
        "format": "pdf",
    }
