"""Report form pages: preview, export jobs, submission and review through the browser, scoping (404 outside)."""

from __future__ import annotations

import pytest

from edudx.core.models import Job
from people.models import Employment
from reports.statforms import services
from reports.statforms.catalogue import get_form
from reports.statforms.models import FormSubmission
from schools.models import SchoolYear

from .statforms_data import fill_province

pytestmark = pytest.mark.django_db

TH = get_form("TH-DN")
Y = "?school_year=2025-2026"


@pytest.fixture
def year(province) -> SchoolYear:
    year = SchoolYear.objects.get(code="2025-2026")
    fill_province(province, year, gaps=False)
    return year


def test_list_shows_the_forms_of_the_schools_levels(client_for, province, year):
    page = client_for(province.users["school_a_admin"]).get("/reports/forms/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "TH-DN" in text and "TH-CN" in text and "THPT-DN" not in text


def test_preview_renders_the_form_as_a_table(client_for, province, year):
    page = client_for(province.users["school_a_admin"]).get(f"/reports/forms/TH-DN/TH-PHONGHAI/{Y}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and 'colspan="2"' in text
    assert "Nộp báo cáo" in text  # the figures pass every rule: the school may submit


def test_teacher_and_people_without_a_role_cannot_open_forms(client_for, province, year):
    assert client_for(province.users["teacher_a"]).get("/reports/forms/").status_code == 403
    assert client_for(province.users["no_role"]).get(f"/reports/forms/TH-DN/TH-PHONGHAI/{Y}").status_code in (403, 404)


def test_another_schools_form_answers_404(client_for, province, year):
    client = client_for(province.users["school_a_admin"])
    assert client.get(f"/reports/forms/TH-DN/TH-TAVAN/{Y}").status_code == 404
    assert client.post("/reports/forms/TH-DN/TH-TAVAN/export/", {"format": "xlsx"}).status_code == 404
    assert client.post("/reports/forms/TH-DN/TH-TAVAN/submit/", {"school_year": "2025-2026"}).status_code == 404


def test_export_creates_a_job_and_shows_its_progress(client_for, province, year):
    client = client_for(province.users["unit_a_staff"])
    response = client.post("/reports/forms/TH-DN/PGD-BT/export/", {"school_year": "2025-2026", "format": "pdf"})
    job = Job.objects.get(kind="export_report_form")
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.params == {"form": "TH-DN", "school_year": "2025-2026", "format": "pdf"}


def test_bundle_is_a_background_job(client_for, province, year):
    client = client_for(province.users["department_staff"])
    response = client.post(
        "/reports/forms/bundle/", {"org_unit": "SGD", "school_year": "2025-2026", "period": "start", "format": "pdf"}
    )
    assert response.status_code == 302
    assert Job.objects.get(kind="export_form_bundle").org_unit == province.department


def test_submit_with_broken_rules_says_what_to_fix(client_for, province, year):
    Employment.objects.filter(school=province.school_a, position="teacher").update(qualification="")
    client = client_for(province.users["school_a_admin"])
    page = client.get(f"/reports/forms/TH-DN/TH-PHONGHAI/{Y}").content.decode()
    assert "Trình độ đào tạo" in page and "Nộp báo cáo</button>" not in page
    response = client.post("/reports/forms/TH-DN/TH-PHONGHAI/submit/", {"school_year": "2025-2026"}, follow=True)
    assert "quy tắc kiểm tra không đạt" in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_submit_then_unit_returns_and_the_school_sees_the_comment(client_for, province, year):
    school = client_for(province.users["school_a_admin"])
    school.post("/reports/forms/TH-DN/TH-PHONGHAI/submit/", {"school_year": "2025-2026"})
    submission = FormSubmission.objects.get()
    unit = client_for(province.users["unit_a_staff"])
    comment = "Số trẻ khuyết tật lớp 2 chưa khớp hồ sơ."
    unit.post(f"/reports/forms/submissions/{submission.pk}/return/", {"comment": comment})
    submission.refresh_from_db()
    assert submission.status == FormSubmission.Status.RETURNED
    page = school.get(f"/reports/forms/TH-DN/TH-PHONGHAI/{Y}").content.decode()
    assert comment in page


def test_another_units_staff_cannot_approve(client_for, province, year):
    submission = services.submit_form(
        form=TH, school=province.school_b, school_year=year, by=province.users["school_b_admin"]
    )
    client = client_for(province.users["unit_a_staff"])
    assert client.post(f"/reports/forms/submissions/{submission.pk}/approve/").status_code == 404
    assert client.post(f"/reports/forms/submissions/{submission.pk}/return/", {"comment": "x"}).status_code == 404
    submission.refresh_from_db()
    assert submission.status == FormSubmission.Status.SUBMITTED


def test_completeness_page_for_a_unit(client_for, province, year):
    page = client_for(province.users["unit_a_staff"]).get(f"/reports/forms/completeness/{Y}&period=start")
    assert page.status_code == 200
    text = page.content.decode()
    assert "TH-PHONGHAI" in text and "TH-TAVAN" not in text


def test_department_sets_the_deadline(client_for, province, year):
    client = client_for(province.users["department_admin"])
    client.post("/reports/forms/deadline/", {"school_year": "2025-2026", "period": "start", "deadline": "2025-10-15"})
    page = client.get(f"/reports/forms/completeness/{Y}&period=start").content.decode()
    assert "15/10/2025" in page
    unit = client_for(province.users["unit_a_staff"])
    unit.post("/reports/forms/deadline/", {"school_year": "2025-2026", "period": "start", "deadline": "2025-12-31"})
    assert "15/10/2025" in client.get(f"/reports/forms/completeness/{Y}&period=start").content.decode()
