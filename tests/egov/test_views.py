"""Public pages (catalogue, form, receipt, tracker, rating, diploma check) and the staff inbox."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from egov.models import Dossier, DossierAttachment, DossierRating, DossierStatus, Procedure
from egov.selectors import inbox_counts
from egov.services import Upload, transition_dossier
from egov.services.diplomas import upsert_diploma_record

from .factories import ID_NUMBERS, PDF, make_dossier, make_procedure, named_file

pytestmark = pytest.mark.django_db
S = DossierStatus


@pytest.fixture
def procedure(province):
    return make_procedure(province.unit_a, code="XN-HTCT", name="Xác nhận hoàn thành chương trình tiểu học")


def _form(procedure, **overrides):
    data = {
        "idempotency_key": "khoa-bam-nut-1",
        "applicant_name": "Nguyễn Thị Hoa",
        "applicant_phone": "0912 345 678",
        "applicant_id_number": ID_NUMBERS[1],
        "f_student_name": "Lò Văn Páo",
        "f_birth_date": "05/04/2015",
    }
    data.update(overrides)
    return data


def test_catalogue_search_ignores_accents_and_case(client, procedure, province):
    make_procedure(province.department, code="CHUYEN-TRUONG", name="Chuyển trường đối với học sinh trung học")
    for query in ("chuyen truong", "CHUYỂN TRƯỜNG", "chuyển"):
        body = client.get(reverse("egov-catalogue"), {"q": query}).content.decode()
        assert "Chuyển trường đối với học sinh trung học" in body
        assert "Xác nhận hoàn thành" not in body
    assert "Xác nhận hoàn thành" in client.get(reverse("egov-catalogue"), {"q": "xac nhan"}).content.decode()


def test_an_unpublished_procedure_is_not_found(client, province):
    make_procedure(province.unit_a, code="CU", is_published=False)
    assert client.get(reverse("egov-procedure", args=["CU"])).status_code == 404


def test_a_double_click_on_submit_stores_one_dossier(client, procedure):
    url = reverse("egov-procedure", args=[procedure.code])
    pdf = named_file(PDF, "don.pdf")
    first = client.post(url, {**_form(procedure), "doc_don": pdf})
    pdf.seek(0)
    second = client.post(url, {**_form(procedure), "doc_don": pdf})
    assert first.status_code == second.status_code == 302
    assert Dossier.objects.count() == 1 and DossierAttachment.objects.count() == 1
    receipt = client.get(reverse("egov-receipt")).content.decode()
    dossier = Dossier.objects.get()
    assert dossier.receipt_code in receipt
    assert ID_NUMBERS[1] not in receipt


def test_a_disguised_file_gets_a_clear_error_and_nothing_is_stored(client, procedure):
    url = reverse("egov-procedure", args=[procedure.code])
    response = client.post(url, {**_form(procedure), "doc_don": named_file(b"MZ" + b"\x00" * 200, "don.pdf")})
    assert response.status_code == 200
    assert "kiểm tra theo nội dung tệp" in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_partial_online_procedure_has_no_form(client, province):
    make_procedure(province.unit_a, code="MOT-PHAN", mode=Procedure.Mode.PARTIAL_ONLINE)
    url = reverse("egov-procedure", args=["MOT-PHAN"])
    assert 'name="applicant_phone"' not in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 404


def test_the_tracker_shows_status_and_history_for_code_and_phone(procedure):
    dossier = make_dossier(procedure, applicant_phone="0987654321", applicant_name="Hoàng Văn Sử")
    client = Client()
    response = client.post(
        reverse("egov-track"), {"receipt_code": dossier.receipt_code.lower(), "contact": "0987 654 321"}
    )
    assert response.status_code == 302
    body = client.get(reverse("egov-track-result")).content.decode()
    assert dossier.receipt_code in body and "Đã nộp" in body
    for private in ("Hoàng Văn Sử", ID_NUMBERS[0], "0987654321"):
        assert private not in body


def test_the_tracker_accepts_the_id_number_too(procedure):
    dossier = make_dossier(procedure)
    response = Client().post(reverse("egov-track"), {"receipt_code": dossier.receipt_code, "contact": ID_NUMBERS[0]})
    assert response.status_code == 302


def test_an_unknown_code_and_a_wrong_phone_get_the_same_answer(procedure):
    dossier = make_dossier(procedure)
    wrong_phone = Client().post(reverse("egov-track"), {"receipt_code": dossier.receipt_code, "contact": "0900000000"})
    unknown = Client().post(reverse("egov-track"), {"receipt_code": "HS-2026-ZZZZZZZZ", "contact": "0912345678"})
    assert wrong_phone.status_code == unknown.status_code == 404
    assert _without_echo(wrong_phone) == _without_echo(unknown)


def _without_echo(response) -> str:
    """The page without what differs by construction: the CSRF token and the values the person typed."""
    body = response.content.decode()
    body = re.sub(r'value="[^"]*"', 'value=""', body)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", body)


def test_the_tracker_is_rate_limited(procedure):
    client = Client()
    answers = [
        client.post(reverse("egov-track"), {"receipt_code": f"HS-2026-{i:08d}", "contact": "0912345678"}).status_code
        for i in range(12)
    ]
    assert answers[:10] == [404] * 10
    assert answers[10:] == [429, 429]
    assert "quá nhiều lần" in client.post(reverse("egov-track"), {"receipt_code": "x", "contact": "y"}).content.decode()


def test_the_applicant_rates_once_after_the_decision(procedure, province):
    dossier = make_dossier(procedure)
    client = Client()
    client.post(reverse("egov-track"), {"receipt_code": dossier.receipt_code, "contact": "0912345678"})
    client.post(reverse("egov-track-rate"), {"stars": "5"})
    assert not DossierRating.objects.exists()  # not decided yet
    officer = province.users["unit_a_staff"]
    for to in (S.RECEIVED, S.PROCESSING, S.APPROVED):
        dossier = transition_dossier(dossier=dossier, to=to, by=officer)
    client.post(reverse("egov-track-rate"), {"stars": "4", "comment": "Cán bộ nhiệt tình"})
    client.post(reverse("egov-track-rate"), {"stars": "1"})
    rating = DossierRating.objects.get()
    assert (rating.stars, rating.comment) == (4, "Cán bộ nhiệt tình")


def test_rating_without_unlocking_the_dossier_is_not_found(procedure):
    assert Client().post(reverse("egov-track-rate"), {"stars": "5"}).status_code == 404


def test_the_applicant_resubmits_requested_documents(procedure, province):
    officer = province.users["unit_a_staff"]
    dossier = make_dossier(procedure)
    transition_dossier(dossier=dossier, to=S.ADDITIONAL_DOCUMENTS_REQUESTED, by=officer, comment="Thiếu giấy khai sinh")
    client = Client()
    client.post(reverse("egov-track"), {"receipt_code": dossier.receipt_code, "contact": "0912345678"})
    assert "Thiếu giấy khai sinh" in client.get(reverse("egov-track-result")).content.decode()
    client.post(
        reverse("egov-track-resubmit"), {"comment": "Gửi bản sao giấy khai sinh", "files": named_file(PDF, "ks.pdf")}
    )
    dossier.refresh_from_db()
    assert dossier.status == S.RESUBMITTED and dossier.attachments.count() == 1


def test_the_inbox_lists_only_the_units_dossiers(client_for, procedure, province):
    mine = make_dossier(procedure)
    other = make_dossier(make_procedure(province.unit_b, code="SP-1"))
    body = client_for(province.users["unit_a_staff"]).get(reverse("egov-inbox")).content.decode()
    assert mine.receipt_code in body and other.receipt_code not in body


def test_the_inbox_filters_late_dossiers(client_for, procedure, province):
    late = make_dossier(procedure, submitted_at=dt.datetime(2025, 9, 1, 9, tzinfo=dt.UTC))
    fresh = make_dossier(procedure)
    body = client_for(province.users["unit_a_staff"]).get(reverse("egov-inbox"), {"due": "late"}).content.decode()
    assert late.receipt_code in body and fresh.receipt_code not in body


def test_bulk_receive_moves_each_ticked_dossier(client_for, procedure, province):
    dossiers = [make_dossier(procedure) for _ in range(3)]
    client = client_for(province.users["unit_a_staff"])
    response = client.post(
        reverse("egov-inbox-bulk"), {"action": "received", "codes": [d.receipt_code for d in dossiers[:2]]}
    )
    assert response.status_code == 302
    assert sorted(Dossier.objects.values_list("status", flat=True)) == [S.RECEIVED, S.RECEIVED, S.SUBMITTED]


def test_bulk_actions_ignore_dossiers_of_other_units(client_for, procedure, province):
    other = make_dossier(make_procedure(province.unit_b, code="SP-2"))
    client = client_for(province.users["unit_a_staff"])
    client.post(reverse("egov-inbox-bulk"), {"action": "received", "codes": [other.receipt_code]})
    other.refresh_from_db()
    assert other.status == S.SUBMITTED


def test_staff_move_a_dossier_and_a_refused_transition_changes_nothing(client_for, procedure, province):
    dossier = make_dossier(procedure)
    client = client_for(province.users["unit_a_staff"])
    url = reverse("egov-dossier-transition", args=[dossier.receipt_code])
    client.post(url, {"to": "approved"})
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED
    client.post(url, {"to": "received", "comment": "Đủ hồ sơ"})
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED


def test_attachments_download_with_a_safe_name_only_in_scope(client_for, procedure, province):
    dossier = make_dossier(procedure, attachments=[Upload("don", named_file(PDF, '"><script>.pdf'))])
    attachment = dossier.attachments.get()
    url = reverse("egov-attachment", args=[dossier.receipt_code, attachment.pk])
    response = client_for(province.users["unit_a_staff"]).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.receipt_code}-{attachment.pk}.pdf"'
    assert b"".join(response.streaming_content) == PDF
    assert client_for(province.users["school_b_admin"]).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_diploma_verification_says_match_or_no_match_only(client, province):
    upsert_diploma_record(
        org_unit=province.unit_a,
        level="THCS",
        number="B123456",
        register_number="12/2024",
        holder_name="Vàng Thị Mỷ",
        birth_date=dt.date(2009, 3, 15),
        graduation_year=2024,
        issued_on=dt.date(2024, 7, 1),
        school_name="Trường THCS Xuân Quang",
    )
    url = reverse("diploma-verify")
    yes = client.post(url, {"number": "b123456", "holder_name": "vang thi my", "birth_date": "15/03/2009"})
    assert "Khớp:" in yes.content.decode()
    no = client.post(url, {"number": "B123456", "holder_name": "Vàng Thị Mỷ", "birth_date": "16/03/2009"})
    body = no.content.decode()
    assert "Không khớp" in body and "Xuân Quang" not in body and "12/2024" not in body


def test_the_admission_procedure_sends_parents_to_the_admission_form(client, province):
    from egov.models import ProcedureKind

    make_procedure(province.department, code="TS-DAUCAP", kind=ProcedureKind.ADMISSION)
    response = client.get(reverse("egov-procedure", args=["TS-DAUCAP"]))
    assert response.status_code == 302 and response["Location"] == reverse("admissions-rounds")
    assert client.post(reverse("egov-procedure", args=["TS-DAUCAP"]), _form(None)).status_code == 404
    assert not Dossier.objects.exists()


def test_admission_dossiers_stay_out_of_the_generic_inbox(client_for, procedure, province):
    from egov.models import ProcedureKind

    admission = make_dossier(make_procedure(province.unit_a, code="TS-DAUCAP", kind=ProcedureKind.ADMISSION))
    other = make_dossier(procedure)
    client = client_for(province.users["unit_a_staff"])
    body = client.get(reverse("egov-inbox")).content.decode()
    assert other.receipt_code in body and admission.receipt_code not in body
    detail = client.get(reverse("egov-dossier", args=[admission.receipt_code]))
    assert detail.status_code == 302 and admission.receipt_code in detail["Location"]


def test_the_transition_form_has_no_preselected_decision(client_for, procedure, province):
    dossier = make_dossier(procedure)
    client = client_for(province.users["unit_a_staff"])
    body = client.get(reverse("egov-dossier", args=[dossier.receipt_code])).content.decode()
    assert '<option value="" selected>— Chọn trạng thái —</option>' in body
    client.post(reverse("egov-dossier-transition", args=[dossier.receipt_code]), {"to": "", "comment": "x"})
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


def test_dates_are_shown_to_staff_day_first(client_for, procedure, province):
    dossier = make_dossier(procedure, data={"student_name": "Lò Văn Páo", "birth_date": "05/04/2015"})
    body = client_for(province.users["unit_a_staff"]).get(reverse("egov-dossier", args=[dossier.receipt_code]))
    assert "05/04/2015" in body.content.decode()


def test_staff_key_in_a_paper_dossier_as_offline(client_for, procedure, province):
    client = client_for(province.users["unit_a_staff"])
    page = client.get(reverse("egov-intake")).content.decode()
    assert procedure.name in page
    url = reverse("egov-intake") + f"?procedure={procedure.code}"
    response = client.post(
        url, {**_form(procedure, idempotency_key="quay-mot-cua-1"), "doc_don": named_file(PDF, "a.pdf")}
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("egov-dossier", args=[dossier.receipt_code])
    assert dossier.channel == Dossier.Channel.OFFLINE
    assert dossier.events.get().actor == province.users["unit_a_staff"]


def test_intake_offers_only_the_units_procedures(client_for, procedure, province):
    other = make_procedure(province.unit_b, code="SP-3", name="Thủ tục của Sa Pa")
    page = client_for(province.users["unit_a_staff"]).get(reverse("egov-intake")).content.decode()
    assert procedure.name in page and other.name not in page
    assert client_for(province.users["teacher_a"]).get(reverse("egov-intake")).status_code == 404


def test_the_inbox_shows_dossiers_due_soon_and_counts_them(client_for, procedure, province):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):  # a Monday
        soon = make_dossier(procedure)  # 5 working days: due Monday 09/03
    with time_machine.travel(dt.datetime(2026, 3, 6, 9, tzinfo=dt.UTC), tick=False):  # Friday: due in 1 working day
        later = make_dossier(procedure)  # due Friday 13/03
        client = client_for(province.users["unit_a_staff"])
        body = client.get(reverse("egov-inbox"), {"due": "soon"}).content.decode()
        assert soon.receipt_code in body and later.receipt_code not in body
        counts = inbox_counts(visible_to=province.users["unit_a_staff"])
        assert (counts["open"], counts["soon"], counts["late"]) == (2, 1, 0)
