import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from learning.models import ContentStatus, Question, QuestionBank, Resource, Review
from learning.services.questions import create_blueprint, get_or_create_bank, import_questions_file

from .factories import catalogue
from .test_resources import EXE, PDF, make
from .test_review import GOOD, council  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_library_search_page_finds_without_diacritics_and_shows_facets(province, client_for):
    resource = make(province, link="https://example.edu.vn/x")
    Resource.objects.filter(pk=resource.pk).update(status=ContentStatus.PUBLISHED)
    page = client_for(province.users["school_b_admin"]).get("/library/", {"q": "toan lop 6 phan so"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Toán lớp 6 – Phân số" in body and "Trung học cơ sở" in body


def test_contributing_through_the_form_then_preview_and_download(province, client_for):
    catalogue()
    client = client_for(province.users["teacher_a"])
    assert client.get("/library/new/").status_code == 200
    from learning.models import KnowledgeUnit, Subject

    response = client.post(
        "/library/new/",
        {
            "org_unit": province.school_a.org_unit.pk,
            "title": "Phiếu học tập phân số",
            "kind": "document",
            "subject": Subject.objects.get(code="TOAN").pk,
            "grade": 6,
            "knowledge_units": [KnowledgeUnit.objects.get(code="TOAN-6-C3-01").pk],
            "licence": "CC-BY-4.0",
            "author": "Nguyễn Thị Hoa",
            "audience": "province",
            "file": SimpleUploadedFile('Phiếu học tập "số 1".pdf', PDF),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    resource = Resource.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert "<iframe" in detail and f"/library/{resource.uid}/files/1/?inline=1" in detail
    inline = client.get(f"/library/{resource.uid}/files/1/?inline=1")
    assert inline["Content-Type"] == "application/pdf" and inline["Content-Disposition"].startswith("inline")
    assert inline["X-Content-Type-Options"] == "nosniff"
    download = client.get(f"/library/{resource.uid}/files/1/")
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=utf-8''" in disposition and '"số' not in disposition
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == PDF


def test_disguised_upload_through_the_form_shows_a_vietnamese_error(province, client_for):
    catalogue()
    from learning.models import Subject

    response = client_for(province.users["teacher_a"]).post(
        "/library/new/",
        {
            "org_unit": province.school_a.org_unit.pk,
            "title": "Bài giảng",
            "kind": "document",
            "subject": Subject.objects.get(code="TOAN").pk,
            "grade": 6,
            "licence": "CC-BY-4.0",
            "author": "Nguyễn Thị Hoa",
            "audience": "province",
            "file": SimpleUploadedFile("bai-giang.pdf", EXE),
        },
    )
    assert response.status_code == 200 and "không được chấp nhận" in response.content.decode()
    assert not Resource.objects.exists()


def test_other_schools_get_404_for_drafts_and_their_files(province, client_for):
    resource = make(province, upload=SimpleUploadedFile("a.pdf", PDF))
    other = client_for(province.users["school_b_admin"])
    for url in (f"/library/{resource.uid}/", f"/library/{resource.uid}/files/1/?inline=1"):
        assert other.get(url).status_code == 404
    assert other.post(f"/library/{resource.uid}/submit/").status_code == 404
    resource.refresh_from_db()
    assert resource.status == ContentStatus.DRAFT


def test_submit_and_review_through_the_pages(province, client_for, council):  # noqa: F811
    resource = make(province, link="https://example.edu.vn/x")
    client_for(province.users["teacher_a"]).post(f"/library/{resource.uid}/submit/")
    resource.refresh_from_db()
    assert resource.status == ContentStatus.IN_REVIEW
    for review in Review.objects.filter(resource=resource):
        reviewer = client_for(review.reviewer)
        assert resource.title in reviewer.get("/library/reviews/").content.decode()
        data = {"decision": "approve", "comment": ""} | {f"score_{k}": v for k, v in GOOD.items()}
        assert reviewer.post(f"/library/reviews/{review.pk}/", data).status_code == 302
    resource.refresh_from_db()
    assert resource.status == ContentStatus.PUBLISHED


def test_coverage_page_lists_missing_units(province, client_for):
    catalogue()
    page = client_for(province.users["department_staff"]).get("/library/coverage/", {"subject": "TOAN"})
    assert page.status_code == 200 and "TOAN-6-C3-01" in page.content.decode()


def test_question_bank_import_page_reports_gift_lines_and_writes_nothing(province, client_for):
    client = client_for(province.users["teacher_a"])
    bad = SimpleUploadedFile("de.gift", "::A::Câu một{=a ~b}\n\n::B::Câu hai{=a ~b\n".encode())
    page = client.post("/question-bank/", {"file": bad, "format": "gift", "bank": "Toán 6"})
    assert page.status_code == 200 and "Dòng 3" in page.content.decode()
    assert not QuestionBank.objects.exists() and not Question.objects.exists()
    good = SimpleUploadedFile("de.gift", "::A::Câu một{=a ~b}\n".encode())
    assert client.post("/question-bank/", {"file": good, "format": "gift", "bank": "Toán 6"}).status_code == 302


def test_hostile_xml_upload_is_refused_on_the_page(province, client_for):
    client = client_for(province.users["teacher_a"])
    bomb = SimpleUploadedFile("q.xml", b'<!DOCTYPE q [<!ENTITY a "b">]><quiz>&a;</quiz>')
    page = client.post("/question-bank/", {"file": bomb, "format": "moodlexml"})
    assert page.status_code == 200 and "DOCTYPE" in page.content.decode()
    assert not QuestionBank.objects.exists()


def test_bank_export_and_blueprint_pdf(province, client_for):
    catalogue()
    bank = get_or_create_bank(name="Toán 6", org_unit=province.school_a.org_unit)
    gift = "\n".join(
        f"// [tag:muc-do:nhan_biet] [tag:dvkt:TOAN-6-C3-01]\n::Q{i}::Câu {i}?{{={i} ~x{i}}}\n" for i in range(3)
    )
    import_questions_file(data=gift.encode(), fmt="gift", bank=bank)
    Question.objects.update(status=ContentStatus.PUBLISHED)
    from learning.models import Topic

    blueprint = create_blueprint(
        name="Kiểm tra 15 phút",
        bank=bank,
        org_unit=province.school_a.org_unit,
        cells=[(Topic.objects.get(code="TOAN-6-C3"), "nhan_biet", 2)],
    )
    client = client_for(province.users["teacher_a"])
    exported = client.get(f"/question-bank/{bank.pk}/export/?format=gift")
    assert exported.status_code == 200 and b"::Q0::" in exported.content
    pdf = client.get(f"/question-bank/blueprints/{blueprint.pk}/form.pdf?seed=5")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    other = client_for(province.users["school_b_admin"])
    assert other.get(f"/question-bank/{bank.pk}/").status_code == 404
    assert other.get(f"/question-bank/blueprints/{blueprint.pk}/form.pdf").status_code == 404


def test_question_submit_from_the_bank_page(province, client_for, council):  # noqa: F811
    catalogue()
    bank = get_or_create_bank(name="Toán 6", org_unit=province.school_a.org_unit)
    import_questions_file(data=b"// [tag:dvkt:TOAN-6-C3-01]\n::A::x{T}", fmt="gift", bank=bank)
    question = Question.objects.get()
    client = client_for(province.users["teacher_a"])
    assert client.post(f"/question-bank/{bank.pk}/questions/{question.pk}/submit/").status_code == 302
    question.refresh_from_db()
    assert question.status == ContentStatus.IN_REVIEW


def test_my_resources_lists_drafts_of_my_school_only(province, client_for):
    make(province, link="https://example.edu.vn/x", title="Bản nháp của trường Phong Hải")
    mine = client_for(province.users["teacher_a"]).get("/library/mine/", {"status": "draft"})
    assert mine.status_code == 200 and "Bản nháp của trường Phong Hải" in mine.content.decode()
    other = client_for(province.users["school_b_admin"]).get("/library/mine/")
    assert "Bản nháp của trường Phong Hải" not in other.content.decode()


def test_blueprint_form_on_the_bank_page_reports_bad_lines(province, client_for):
    catalogue()
    bank = get_or_create_bank(name="Toán 6", org_unit=province.school_a.org_unit)
    client = client_for(province.users["teacher_a"])
    assert client.get(f"/question-bank/{bank.pk}/").status_code == 200
    bad = client.post(
        f"/question-bank/{bank.pk}/blueprints/",
        {"name": "Đề giữa kì", "duration_minutes": 45, "cells": "TOAN-6-C3, nhan_biet, 2\nKHONG-CO, van_dung, 1"},
        follow=True,
    )
    assert "KHONG-CO" in bad.content.decode()
    good = client.post(
        f"/question-bank/{bank.pk}/blueprints/",
        {"name": "Đề giữa kì", "duration_minutes": 45, "cells": "TOAN-6-C3, nhan_biet, 2\nTOAN-6-C3, thong_hieu, 1"},
    )
    assert good.status_code == 302
    from learning.models import TestBlueprint as Blueprint

    assert Blueprint.objects.get().cells.count() == 2


def test_department_staff_import_the_catalogue_from_a_page_and_row_errors_write_nothing(province, client_for):
    from learning.models import KnowledgeUnit

    header = "Mã môn,Tên môn,Lớp,Mã chủ đề,Tên chủ đề,Mã đơn vị kiến thức,Tên đơn vị kiến thức\n"
    client = client_for(province.users["department_staff"])
    bad = SimpleUploadedFile("dm.csv", (header + "TOAN,Toán,13,T-13,Sai,T-13-01,Sai lớp\n").encode())
    page = client.post("/library/catalogue/", {"file": bad})
    assert page.status_code == 200 and "Dòng 2" in page.content.decode()
    assert not KnowledgeUnit.objects.exists()
    good = SimpleUploadedFile(
        "dm.csv", (header + "TOAN,Toán,6,TOAN-6-C3,Phân số,TOAN-6-C3-01,Phân số bằng nhau\n").encode()
    )
    assert client.post("/library/catalogue/", {"file": good}).status_code == 302
    assert KnowledgeUnit.objects.get().code == "TOAN-6-C3-01"
    assert client_for(province.users["teacher_a"]).get("/library/catalogue/").status_code == 404


def test_a_missing_file_answers_404_not_500(province, client_for):
    resource = make(province, upload=SimpleUploadedFile("a.pdf", PDF))
    version = resource.versions.get()
    version.file.storage.delete(version.file.name)
    assert client_for(province.users["teacher_a"]).get(f"/library/{resource.uid}/files/1/").status_code == 404


def test_reviewer_opens_and_decides_a_question_review_page(province, client_for, council):  # noqa: F811
    catalogue()
    bank = get_or_create_bank(name="Toán 6", org_unit=province.school_a.org_unit)
    import_questions_file(data=b"// [tag:dvkt:TOAN-6-C3-01]\n::A::1/2 = 2/4?{T}", fmt="gift", bank=bank)
    question = Question.objects.get()
    client_for(province.users["teacher_a"]).post(f"/question-bank/{bank.pk}/questions/{question.pk}/submit/")
    review = Review.objects.filter(question=question).first()
    reviewer = client_for(review.reviewer)
    page = reviewer.get(f"/library/reviews/{review.pk}/")
    assert page.status_code == 200 and "1/2 = 2/4?" in page.content.decode()
    data = {"decision": "reject", "comment": "Câu quá dễ"} | {f"score_{k}": v for k, v in GOOD.items()}
    assert reviewer.post(f"/library/reviews/{review.pk}/", data).status_code == 302
    for other in Review.objects.filter(question=question, decision=""):  # the round ends when everyone decided
        approve = {"decision": "approve", "comment": ""} | {f"score_{k}": v for k, v in GOOD.items()}
        assert client_for(other.reviewer).post(f"/library/reviews/{other.pk}/", approve).status_code == 302
    question.refresh_from_db()
    assert question.status == ContentStatus.REJECTED
