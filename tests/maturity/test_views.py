"""Pages: the school's form (htmx), the reviewers' list and completeness, the summary, exports, downloads."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from edudx.core.jobs import SYSTEM
from edudx.core.models import Job
from reports.maturity import services
from reports.maturity.models import Evidence, Status

from .helpers import PDF, score_everything, start, store_value, year

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
ON_TIME = datetime(2026, 5, 20, 9, 0, tzinfo=HCM)
LATE = datetime(2026, 6, 1, 0, 5, tzinfo=HCM)
PAGE = "/maturity/schools/TH-PHONGHAI/"


def test_school_officer_starts_and_sees_the_prefilled_figure_with_its_evidence_link(client_for, province):
    store_value(province.school_a.org_unit, "E_TRANSCRIPT_SHARE", 90, 100)
    client = client_for(province.users["school_a_admin"])
    assert client.get("/maturity/").url == PAGE
    response = client.post(PAGE + "start/", {"year": "2025-2026"})
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    assert "Học bạ số" in page and "90.00 %" in page
    assert "/dashboard/indicators/E_TRANSCRIPT_SHARE/?unit=TH-PHONGHAI&amp;year=2025-2026" in page


def test_scoring_over_htmx_answers_the_card_and_the_totals(client_for, province):
    start(province)
    client = client_for(province.users["school_a_admin"])
    response = client.post(
        PAGE + "score/", {"year": "2025-2026", "criterion": "DH1", "points": "7,5"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="tc-DH1"' in body and 'id="dx-totals"' in body and 'hx-swap-oob="true"' in body
    assert "7,5" in body  # shown the Vietnamese way


def test_invalid_points_answer_422_with_a_vietnamese_message(client_for, province):
    start(province)
    client = client_for(province.users["school_a_admin"])
    response = client.post(
        PAGE + "score/", {"year": "2025-2026", "criterion": "DH1", "points": "99"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "Điểm phải từ 0 đến 10" in response.content.decode()


def test_evidence_upload_and_download_with_a_safe_disposition(client_for, province):
    start(province)
    client = client_for(province.users["school_a_admin"])
    upload = SimpleUploadedFile('Kế hoạch "CĐS"; x=1.pdf', PDF, content_type="application/pdf")
    response = client.post(PAGE + "evidence/", {"year": "2025-2026", "criterion": "QT1", "file": upload}, follow=True)
    assert Evidence.objects.exists(), [str(m) for m in response.context["messages"]]
    evidence = Evidence.objects.get()
    response = client.get(f"/maturity/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\r" not in disposition and "\n" not in disposition
    assert '"CĐS"' not in disposition  # no raw quote or non-ASCII: RFC 5987 encoding
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"


def test_a_disguised_upload_is_refused_with_a_message(client_for, province):
    start(province)
    client = client_for(province.users["school_a_admin"])
    upload = SimpleUploadedFile("anh.png", b"MZ" + b"\x00" * 100)
    response = client.post(PAGE + "evidence/", {"year": "2025-2026", "criterion": "QT1", "file": upload}, follow=True)
    assert "không thuộc loại được nhận" in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_of_another_school_is_404(client_for, province):
    assessment = start(province)
    evidence = services.attach_evidence(
        assessment=assessment, criterion_code="QT1", name="a.pdf", content=PDF, by=province.users["school_a_admin"]
    )
    other = client_for(province.users["school_b_admin"])
    assert other.get(f"/maturity/evidence/{evidence.pk}/").status_code == 404
    assert other.post(f"/maturity/evidence/{evidence.pk}/delete/").status_code == 404
    assert other.get(PAGE).status_code == 404
    assert client_for(province.users["teacher_a"]).get(f"/maturity/evidence/{evidence.pk}/").status_code == 404
    assert client_for(province.users["unit_a_staff"]).get(f"/maturity/evidence/{evidence.pk}/").status_code == 200


def test_another_units_school_cannot_be_verified_404_and_a_school_cannot_publish_403(client_for, province):
    assessment = score_everything(start(province), province.users["school_a_admin"])
    services.submit_assessment(assessment=assessment, by=province.users["school_a_admin"], today=ON_TIME.date())
    tavan = start(province, province.school_b)
    score_everything(tavan, province.users["school_b_admin"])
    services.submit_assessment(assessment=tavan, by=province.users["school_b_admin"], today=ON_TIME.date())
    unit_a = client_for(province.users["unit_a_staff"])
    assert unit_a.post("/maturity/schools/TH-TAVAN/verify/", {"year": "2025-2026"}).status_code == 404
    tavan.refresh_from_db()
    assert tavan.status == Status.SUBMITTED
    assert unit_a.post(PAGE + "verify/", {"year": "2025-2026"}).status_code == 302
    school = client_for(province.users["school_a_admin"])
    assert school.post(PAGE + "publish/", {"year": "2025-2026"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Status.VERIFIED


def test_late_submission_through_the_page_is_refused_with_a_clear_message(client_for, province):
    assessment = score_everything(start(province), province.users["school_a_admin"])
    client = client_for(province.users["school_a_admin"])
    with time_machine.travel(LATE, tick=False):
        response = client.post(PAGE + "submit/", {"year": "2025-2026"}, follow=True)
    assert "Đã quá hạn nộp bản tự đánh giá (ngày 31/05/2026)" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT
    with time_machine.travel(ON_TIME, tick=False):
        client.post(PAGE + "submit/", {"year": "2025-2026"})
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED


def test_the_list_filters_and_shows_who_has_not_submitted(client_for, province):
    assessment = score_everything(start(province), province.users["school_a_admin"])
    services.submit_assessment(assessment=assessment, by=province.users["school_a_admin"], today=ON_TIME.date())
    client = client_for(province.users["unit_a_staff"])
    page = client.get("/maturity/?year=2025-2026").content.decode()
    assert "Trường Tiểu học Phong Hải" in page
    assert "Chưa nộp (1 trường)" in page and "Trường THCS Xuân Quang" in page
    assert "Tả Van" not in page  # another unit's school
    filtered = client.get("/maturity/?year=2025-2026&status=published").content.decode()
    assert "0 bản đánh giá" in filtered
    department = client_for(province.users["department_staff"]).get("/maturity/?year=2025-2026").content.decode()
    assert "Chưa nộp (3 trường)" in department


def test_summary_counts_published_levels_per_unit(client_for, province):
    assessment = score_everything(start(province), province.users["school_a_admin"])
    unit = province.users["unit_a_staff"]
    services.submit_assessment(assessment=assessment, by=province.users["school_a_admin"], today=ON_TIME.date())
    services.verify_assessment(assessment=assessment, by=unit)
    services.publish_assessment(assessment=assessment, by=unit)
    response = client_for(province.users["department_staff"]).get("/maturity/summary/?year=2025-2026")
    assert response.status_code == 200
    chart = response.context["chart"]
    index = chart["units"].index("Phòng Giáo dục và Đào tạo Bảo Thắng")
    assert [series["data"][index] for series in chart["series"]] == [0, 0, 1]
    assert 'id="dx-chart-data"' in response.content.decode()


def test_school_officers_do_not_see_the_reviewers_pages(client_for, province):
    client = client_for(province.users["school_a_admin"])
    assert client.get("/maturity/summary/").status_code == 404
    assert client.post("/maturity/export/", {"year": "2025-2026"}).status_code == 404


def test_export_is_a_job_with_an_xlsx_of_levels(client_for, province, django_capture_on_commit_callbacks):
    import io

    import openpyxl

    start(province)
    client = client_for(province.users["unit_a_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/maturity/export/", {"year": "2025-2026"})
    job = Job.objects.get(kind="export_dx_levels")
    assert response.url == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.SUCCEEDED, job.message
    sheet = openpyxl.load_workbook(io.BytesIO(job.result_file.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "Mã trường" and rows[3][0] == "TH-PHONGHAI"
    assert len(rows) == 4  # the unit's one assessment


def test_reviewers_see_the_verification_form_and_the_department_the_reopen_form(client_for, province):
    assessment = score_everything(start(province), province.users["school_a_admin"])
    services.submit_assessment(assessment=assessment, by=province.users["school_a_admin"], today=ON_TIME.date())
    unit_page = client_for(province.users["unit_a_staff"]).get(PAGE).content.decode()
    assert 'id="dx-verify"' in unit_page and 'name="adj_DH1"' in unit_page
    assert "maturity-reopen" not in unit_page and "/reopen/" not in unit_page
    department_page = client_for(province.users["department_admin"]).get(PAGE).content.decode()
    assert "/reopen/" in department_page
    school_page = client_for(province.users["school_a_admin"]).get(PAGE).content.decode()
    assert 'id="dx-verify"' not in school_page and "Lưu điểm" not in school_page


def test_a_returned_assessment_shows_the_comment_to_the_school(client_for, province):
    assessment = score_everything(start(province), province.users["school_a_admin"])
    services.submit_assessment(assessment=assessment, by=province.users["school_a_admin"], today=ON_TIME.date())
    services.request_more_evidence(
        assessment=assessment, by=province.users["unit_a_staff"], comment="Thiếu ảnh chụp phòng Tin học"
    )
    with time_machine.travel(ON_TIME, tick=False):
        page = client_for(province.users["school_a_admin"]).get(PAGE).content.decode()
    assert "Thiếu ảnh chụp phòng Tin học" in page and "Lưu điểm" in page


def test_department_reopens_through_the_page_with_a_vietnamese_date(client_for, province):
    assessment = score_everything(start(province), province.users["school_a_admin"])
    client = client_for(province.users["department_admin"])
    with time_machine.travel(LATE, tick=False):
        bad = client.post(PAGE + "reopen/", {"year": "2025-2026", "comment": "Lũ", "until": "2026-06-10"}, follow=True)
        assert "dd/mm/yyyy" in bad.content.decode()
        client.post(PAGE + "reopen/", {"year": "2025-2026", "comment": "Lũ cắt điện", "until": "10/06/2026"})
    assessment.refresh_from_db()
    assert assessment.reopened_until.isoformat() == "2026-06-10"


def test_preschools_are_left_out_of_completeness_and_cannot_start(client_for, province):
    from ..schools.factories import SchoolFactory

    SchoolFactory(code="MN-HOASEN", name="Trường Mầm non Hoa Sen", parent=province.unit_a, levels=["MN"])
    page = client_for(province.users["unit_a_staff"]).get("/maturity/?year=2025-2026").content.decode()
    assert "Hoa Sen" not in page and "Chưa nộp (2 trường)" in page
    detail = client_for(province.users["unit_a_staff"]).get("/maturity/schools/MN-HOASEN/").content.decode()
    assert "trường mầm non không tự đánh giá" in detail


def test_an_oversize_upload_through_the_page_is_refused_before_it_is_read(client_for, province, settings):
    settings.EDUDX_MAX_EVIDENCE_BYTES = 1024
    start(province)
    client = client_for(province.users["school_a_admin"])
    upload = SimpleUploadedFile("lon.pdf", PDF + b"0" * 4096, content_type="application/pdf")
    response = client.post(PAGE + "evidence/", {"year": "2025-2026", "criterion": "QT1", "file": upload}, follow=True)
    assert "Tệp quá lớn" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_list_is_paginated_and_keeps_the_filters(client_for, province, monkeypatch):
    from reports.maturity import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    for school in (province.school_a, province.school_a2):
        services.start_assessment(school=school, school_year=year(), by=SYSTEM)
    client = client_for(province.users["unit_a_staff"])
    first = client.get("/maturity/?year=2025-2026&status=draft").content.decode()
    assert "Phong Hải" in first and "đang xem 1–1" in first
    assert "?year=2025-2026&amp;status=draft&page=2" in first
    second = client.get("/maturity/?year=2025-2026&status=draft&page=2").content.decode()
    assert "Trường THCS Xuân Quang</a>" in second and "Phong Hải</a>" not in second.split("Chưa nộp")[0]


def test_a_publication_after_20_june_is_recorded_and_marked_late(client_for, province):
    assessment = score_everything(start(province), province.users["school_a_admin"])
    unit = province.users["unit_a_staff"]
    services.submit_assessment(assessment=assessment, by=province.users["school_a_admin"], today=ON_TIME.date())
    services.verify_assessment(assessment=assessment, by=unit)
    with time_machine.travel(datetime(2026, 6, 21, 9, 0, tzinfo=HCM), tick=False):
        services.publish_assessment(assessment=assessment, by=unit)
    page = client_for(unit).get(PAGE).content.decode()
    assert "công bố ngày 21/06/2026" in page and "sau hạn 20/6" in page


def test_exporting_another_units_levels_is_404_and_queues_nothing(client_for, province):
    response = client_for(province.users["unit_a_staff"]).post("/maturity/export/", {"unit": "PGD-SP"})
    assert response.status_code == 404
    assert not Job.objects.filter(kind="export_dx_levels").exists()
