"""Parents' pages (no account) and staff pages: the form's Vietnamese errors, exactly-once submission, following
with code + phone, edits, withdrawal, confirmation; scoped staff review, scores, the allocation job, publication."""

import datetime as dt
import io
import re
import uuid

import pytest
import time_machine
from django.test import Client

from edudx.core.models import Job
from egov.admissions import services
from egov.admissions.models import AdmissionRound, AllocationRun, Application, ApplicationStatus
from egov.models import Dossier
from tests.admissions.factories import child_id, make_round, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(province):
    return make_round(province)


def form_data(**overrides):
    birth = dt.date(2020, 3, 14)
    data = {
        "idempotency_key": uuid.uuid4().hex,
        "child_national_id": child_id(birth_date=birth),
        "child_full_name": "Nguyễn Minh Khôi",
        "child_birth_date": "14/03/2020",
        "child_gender": "M",
        "ward": "00001",
        "address": "Tổ 3",
        "priority_group": "",
        "choice1": "TH-PHONGHAI",
        "choice2": "",
        "choice3": "",
        "parent_name": "Nguyễn Thị Lan",
        "parent_phone": "0912 345 678",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_the_round_page_shows_the_form_to_anyone(round_):
    response = Client().get(f"/tuyen-sinh/{round_.code}/")
    assert response.status_code == 200
    assert "Mã định danh cá nhân của trẻ" in response.content.decode()
    assert 'name="idempotency_key"' in response.content.decode()


def test_apply_shows_the_receipt_and_a_double_click_stores_one(round_):
    client = Client()
    data = form_data()
    first = client.post(f"/tuyen-sinh/{round_.code}/", data)
    second = client.post(f"/tuyen-sinh/{round_.code}/", data)
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Application.objects.count() == 1 and Dossier.objects.count() == 1
    receipt = client.get(first["Location"])
    code = Application.objects.get().receipt_code
    assert code in receipt.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"child_national_id": "0102030001"}, "chữ số"),
        ({"ward": "99999"}, "không thuộc tỉnh"),
        ({"choice1": "THPT-KHAC"}, "không tham gia"),
        ({"choice2": "TH-PHONGHAI"}, "đã được chọn"),
        ({"child_birth_date": "2020-14-03"}, "ngày/tháng/năm"),
        ({"consent": ""}, "Cần đồng ý"),
    ],
    ids=["bad-id", "ward", "school", "twice", "date", "consent"],
)
def test_bad_input_answers_400_with_a_vietnamese_error_and_stores_nothing(round_, overrides, message):
    response = Client().post(f"/tuyen-sinh/{round_.code}/", form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Application.objects.count() == 0 and Dossier.objects.count() == 0


def test_an_already_used_child_id_is_refused_on_the_form(round_):
    existing = submit(round_)
    response = Client().post(f"/tuyen-sinh/{round_.code}/", form_data(child_national_id=existing.child_national_id))
    assert response.status_code == 400
    assert "đã có hồ sơ" in response.content.decode()
    assert Application.objects.count() == 1


def test_a_document_of_the_wrong_type_is_refused(round_):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = form_data(doc_giay_khai_sinh=SimpleUploadedFile("khai-sinh.pdf", b"GIF89a not really a pdf"))
    response = Client().post(f"/tuyen-sinh/{round_.code}/", data)
    assert response.status_code == 400
    assert "khai-sinh.pdf" in response.content.decode()
    assert Application.objects.count() == 0 and Dossier.objects.count() == 0


def test_after_the_deadline_the_form_is_closed(round_):
    with time_machine.travel(round_.applications_close_at + dt.timedelta(minutes=1)):
        response = Client().post(f"/tuyen-sinh/{round_.code}/", form_data())
        assert "Ngoài thời gian nhận hồ sơ" in Client().get(f"/tuyen-sinh/{round_.code}/").content.decode()
    assert response.status_code == 400
    assert "hết hạn" in response.content.decode()
    assert Application.objects.count() == 0


def test_follow_with_code_and_phone_then_edit_and_withdraw(round_):
    application = submit(round_, parent_phone="0987654321")
    client = Client()
    wrong = client.post("/tuyen-sinh/tra-cuu/", {"receipt_code": application.receipt_code, "contact": "0900000000"})
    assert wrong.status_code == 404
    assert client.get(f"/tuyen-sinh/ho-so/{application.receipt_code}/").status_code == 404
    right = client.post(
        "/tuyen-sinh/tra-cuu/", {"receipt_code": application.receipt_code.lower(), "contact": "0987 654 321"}
    )
    assert right.status_code == 302
    page = client.get(right["Location"])
    assert "Đã nộp, chờ kiểm tra" in page.content.decode()
    edit = client.post(
        f"/tuyen-sinh/ho-so/{application.receipt_code}/sua/",
        {
            **form_data(child_national_id=application.child_national_id, choice1="THCS-XUANQUANG"),
            "child_birth_date": application.child_birth_date.strftime("%d/%m/%Y"),
        },
    )
    assert edit.status_code == 302, edit.content.decode()[:2000]
    application.refresh_from_db()
    assert application.choice1.code == "THCS-XUANQUANG"
    client.post(f"/tuyen-sinh/ho-so/{application.receipt_code}/rut/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_follow_with_the_childs_id(round_):
    application = submit(round_)
    client = Client()
    response = client.post(
        "/tuyen-sinh/tra-cuu/", {"receipt_code": application.receipt_code, "contact": application.child_national_id}
    )
    assert response.status_code == 302


def test_another_familys_application_answers_404(round_):
    mine, theirs = submit(round_), submit(round_)
    client = Client()
    client.post("/tuyen-sinh/tra-cuu/", {"receipt_code": mine.receipt_code, "contact": mine.parent_phone})
    for suffix in ("", "bien-nhan/", "sua/"):
        assert client.get(f"/tuyen-sinh/ho-so/{theirs.receipt_code}/{suffix}").status_code == 404
    assert client.post(f"/tuyen-sinh/ho-so/{theirs.receipt_code}/rut/").status_code == 404


def test_staff_review_and_scope(round_, province, client_for):
    application = submit(round_, choices=["TH-PHONGHAI"])
    school_a = client_for(province.users["school_a_admin"])
    school_b = client_for(province.users["school_b_admin"])
    url = f"/admissions/applications/{application.receipt_code}/"
    assert school_b.get(url).status_code == 404
    assert school_b.post(url, {"decision": "valid"}).status_code == 404
    page = school_a.get(url)
    assert page.status_code == 200
    assert application.child_national_id not in page.content.decode()  # masked
    refused = school_a.post(url, {"decision": "invalid", "reasons": ""})
    assert refused.status_code == 400
    school_a.post(url, {"decision": "invalid", "reasons": "Ảnh giấy khai sinh bị mờ"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INVALID
    # School A's staff take part but do not run the round.
    assert school_a.post(f"/admissions/rounds/{round_.code}/allocate/", {"seed": 1}).status_code == 404


def test_organiser_runs_the_allocation_job_publishes_and_parents_confirm(
    province, client_for, django_capture_on_commit_callbacks
):
    round_ = make_round(province, closes_in=dt.timedelta(minutes=5))
    applications = [submit(round_) for _ in range(3)]
    for application in applications:
        services.review_application(application=application, valid=True, by=None)
    staff = client_for(province.users["department_staff"])
    with time_machine.travel(round_.applications_close_at + dt.timedelta(hours=1), tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(f"/admissions/rounds/{round_.code}/allocate/", {"seed": 99})
        assert response.status_code == 302 and "/jobs/" in response["Location"]
        job = Job.objects.get(kind="allocate_admissions")
        assert job.status == Job.Status.SUCCEEDED, job.message
        assert "2/3" in job.message
        run = AllocationRun.objects.get()
        assert run.seed == 99 and run.placed == 2
        assert staff.get(f"/admissions/rounds/{round_.code}/run/R.csv").content.decode() == run.results_csv
        assert Client().get(f"/tuyen-sinh/{round_.code}/R.csv").status_code == 404  # not published yet
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(f"/admissions/rounds/{round_.code}/publish/")
        assert response.status_code == 302 and "/jobs/" in response["Location"]
        assert Job.objects.get(kind="publish_admissions").status == Job.Status.SUCCEEDED
        assert Client().get(f"/tuyen-sinh/{round_.code}/R.csv").content.decode() == run.results_csv
        export = staff.get(f"/admissions/rounds/{round_.code}/export.xlsx")
        assert export.status_code == 200 and export.content[:2] == b"PK"
        unplaced = staff.get(f"/admissions/rounds/{round_.code}/unplaced.xlsx")
        assert unplaced.status_code == 200 and unplaced.content[:2] == b"PK"
        school_a = client_for(province.users["school_a_admin"])
        assert school_a.get(f"/admissions/rounds/{round_.code}/unplaced.xlsx").status_code == 404
    placed = Application.objects.exclude(result_school=None).first()
    parent = Client()
    with time_machine.travel(round_.results_at + dt.timedelta(hours=1), tick=True):
        parent.post("/tuyen-sinh/tra-cuu/", {"receipt_code": placed.receipt_code, "contact": placed.parent_phone})
        page = parent.get(f"/tuyen-sinh/ho-so/{placed.receipt_code}/").content.decode()
        assert "Trúng tuyển vào" in page
        parent.post(f"/tuyen-sinh/ho-so/{placed.receipt_code}/xac-nhan/")
    placed.refresh_from_db()
    assert placed.confirmed_at is not None
    round_.refresh_from_db()
    assert round_.status == AdmissionRound.Status.PUBLISHED


def test_scores_upload_from_csv(province, client_for):
    round_ = make_round(province, method="score", grade="10", code="ts-lop10", quotas={"thpt": 2})
    application = submit(round_, child_birth_date=dt.date(2011, 2, 2), choices=["THPT-SO1-LC"])
    staff = client_for(province.users["department_staff"])
    content = f'Mã hồ sơ,Điểm xét tuyển,Điểm phụ\n{application.receipt_code},"38,75",9\n'.encode()
    upload = io.BytesIO(content)
    upload.name = "diem.csv"
    staff.post(f"/admissions/rounds/{round_.code}/scores/", {"file": upload})
    application.refresh_from_db()
    assert str(application.exam_score) == "38.75"
    assert re.match(r"^9(\.00)?$", str(application.tiebreak_score))


def test_staff_round_pages_render(round_, province, client_for):
    submit(round_)
    staff = client_for(province.users["department_staff"])
    assert staff.get("/admissions/").status_code == 200
    assert staff.get(f"/admissions/rounds/{round_.code}/").status_code == 200
    assert staff.get(f"/admissions/rounds/{round_.code}/applications/?status=submitted").status_code == 200
    assert client_for(province.users["school_b_admin"]).get(f"/admissions/rounds/{round_.code}/").status_code == 200
    assert client_for(province.users["teacher_a"]).get(f"/admissions/rounds/{round_.code}/").status_code == 404


def test_the_parent_adds_a_missing_document_when_editing(round_):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = submit(round_, parent_phone="0987654321")
    client = Client()
    client.post("/tuyen-sinh/tra-cuu/", {"receipt_code": application.receipt_code, "contact": "0987654321"})
    pdf = SimpleUploadedFile("khai-sinh.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    data = {
        **form_data(child_national_id=application.child_national_id),
        "child_birth_date": application.child_birth_date.strftime("%d/%m/%Y"),
        "doc_giay_khai_sinh": pdf,
    }
    response = client.post(f"/tuyen-sinh/ho-so/{application.receipt_code}/sua/", data)
    assert response.status_code == 302
    assert application.dossier.attachments.get().document_code == "giay_khai_sinh"


def test_scores_upload_from_xlsx_with_a_title_row(province, client_for):
    import xlsxwriter

    round_ = make_round(province, method="score", grade="10", code="ts-lop10", quotas={"thpt": 2})
    application = submit(round_, child_birth_date=dt.date(2011, 2, 2), choices=["THPT-SO1-LC"])
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["ĐIỂM THI TUYỂN SINH LỚP 10"])
    sheet.write_row(2, 0, ["  MÃ HỒ SƠ ", "Điểm xét tuyển", "Điểm phụ"])
    sheet.write_row(3, 0, [application.receipt_code, 41.5, 17.25])
    workbook.close()
    buffer.seek(0)
    buffer.name = "diem-lop10.xlsx"
    client_for(province.users["department_staff"]).post(f"/admissions/rounds/{round_.code}/scores/", {"file": buffer})
    application.refresh_from_db()
    assert str(application.exam_score) == "41.50" and str(application.tiebreak_score) == "17.25"
