"""The dossier core: stored exactly once, the state machine, the clock, attachments, the rating."""

import datetime as dt
import threading
import uuid
import zoneinfo

import pytest
from django.core import mail
from django.db import connection

from egov.models import Dossier, DossierAttachment, DossierEvent, DossierRating, DossierStatus
from egov.services import DossierError, Upload, rate_dossier, transition_dossier
from egov.services.catalogue import set_holiday_override
from egov.services.dossiers import CROCKFORD, add_attachments, assign_dossier, new_receipt_code

from .factories import ID_NUMBERS, PDF, PNG, make_dossier, make_procedure, named_file

pytestmark = pytest.mark.django_db
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
S = DossierStatus


@pytest.fixture
def procedure(province):
    return make_procedure(province.unit_a)


@pytest.fixture
def officer(province):
    return province.users["unit_a_staff"]


def test_receipt_codes_are_readable_and_random():
    codes = {new_receipt_code(year=2026) for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert code.startswith("HS-2026-") and len(code) == 16
        assert set(code[8:]) <= set(CROCKFORD)


def test_a_submission_gets_a_code_a_due_date_and_a_first_event(procedure):
    at = dt.datetime(2026, 2, 13, 23, 50, tzinfo=VN)  # Friday before Tết, ten to midnight, from a phone
    dossier = make_dossier(procedure, submitted_at=at, applicant_phone="+84 912 345 678")
    assert dossier.receipt_code.startswith("HS-2026-")
    assert dossier.applicant_phone == "0912345678"
    assert dossier.due_date == dt.date(2026, 2, 27)  # 5 working days: 23, 24, 25, 26, 27/02 (Tết skipped)
    assert dossier.org_unit == procedure.competent_org_unit
    event = dossier.events.get()
    assert (event.from_status, event.to_status) == ("", S.SUBMITTED)


def test_the_same_idempotency_key_gives_the_same_dossier(procedure):
    first = make_dossier(procedure, idempotency_key="khoa-1")
    again = make_dossier(procedure, idempotency_key="khoa-1", applicant_name="Người khác")
    assert again.pk == first.pk
    assert Dossier.objects.count() == 1 and DossierEvent.objects.count() == 1


def test_a_retry_after_a_lost_answer_attaches_the_file_once(procedure):
    key = uuid.uuid4().hex
    for _attempt in range(3):
        make_dossier(procedure, idempotency_key=key, attachments=[Upload("don", named_file(PDF, "don.pdf"))])
    assert Dossier.objects.count() == 1
    assert DossierAttachment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submissions_store_one_dossier(province):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    procedure = make_procedure(province.unit_a)
    results, errors = [], []

    def submit():
        try:
            results.append(make_dossier(procedure, idempotency_key="hai-lan-bam").pk)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1 and Dossier.objects.count() == 1


def test_a_failure_inside_the_submission_leaves_nothing(procedure, monkeypatch):
    import egov.services.dossiers as dossiers

    def boom(**_kwargs):
        raise RuntimeError("tiến trình bị dừng giữa chừng")

    monkeypatch.setattr(dossiers, "_store_uploads", boom)
    with pytest.raises(RuntimeError):
        make_dossier(procedure, idempotency_key="k", attachments=[Upload("don", named_file(PDF, "a.pdf"))])
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()
    monkeypatch.undo()
    dossier = make_dossier(procedure, idempotency_key="k", attachments=[Upload("don", named_file(PDF, "a.pdf"))])
    assert Dossier.objects.get() == dossier and dossier.attachments.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("applicant_phone", "12345"), ("applicant_id_number", "01008500123"), ("applicant_id_number", "999085001234")],
)
def test_bad_applicant_details_are_refused(procedure, field, value):
    with pytest.raises(DossierError):
        make_dossier(procedure, **{field: value})
    assert not Dossier.objects.exists()


def test_required_form_fields_and_dates_are_checked(procedure):
    with pytest.raises(DossierError) as error:
        make_dossier(procedure, data={"birth_date": "31/02/2015"})
    assert set(error.value.message_dict) == {"student_name", "birth_date"}
    dossier = make_dossier(procedure, data={"student_name": "Lò Văn Páo", "birth_date": "05/04/2015"})
    assert dossier.data == {"student_name": "Lò Văn Páo", "birth_date": "2015-04-05"}


def test_a_disguised_attachment_is_refused(procedure):
    exe = b"MZ\x90\x00" + b"\x00" * 100
    with pytest.raises(DossierError, match="nội dung"):
        make_dossier(procedure, attachments=[Upload("don", named_file(exe, "don.pdf"))])
    with pytest.raises(DossierError, match="không khớp"):
        make_dossier(procedure, attachments=[Upload("don", named_file(PNG, "anh.pdf"))])
    assert not Dossier.objects.exists() and not DossierAttachment.objects.exists()


def test_an_oversized_attachment_is_refused(procedure):
    big = PDF + b"0" * (procedure.max_attachment_bytes + 1)
    with pytest.raises(DossierError, match="quá lớn"):
        make_dossier(procedure, attachments=[Upload("don", named_file(big, "don.pdf"))])
    assert not Dossier.objects.exists()


def test_attachments_are_stored_under_random_names(procedure):
    dossier = make_dossier(procedure, attachments=[Upload("don", named_file(PDF, "../../đơn của tôi.pdf"))])
    attachment = dossier.attachments.get()
    assert attachment.original_name.endswith("đơn của tôi.pdf") and "/" not in attachment.original_name
    assert attachment.file.name.startswith("egov/attachments/") and "đơn" not in attachment.file.name
    assert attachment.content_type == "application/pdf"


def test_the_full_happy_path_is_recorded(procedure, officer):
    dossier = make_dossier(procedure)
    for to in (S.RECEIVED, S.PROCESSING, S.APPROVED, S.RESULT_RETURNED):
        dossier = transition_dossier(dossier=dossier, to=to, by=officer, comment="")
    assert dossier.status == S.RESULT_RETURNED and dossier.decided_at and dossier.returned_at
    steps = list(dossier.events.values_list("from_status", "to_status", "actor"))
    assert steps[1:] == [
        (S.SUBMITTED, S.RECEIVED, officer.pk),
        (S.RECEIVED, S.PROCESSING, officer.pk),
        (S.PROCESSING, S.APPROVED, officer.pk),
        (S.APPROVED, S.RESULT_RETURNED, officer.pk),
    ]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ((), S.APPROVED),
        ((), S.RESUBMITTED),
        ((S.RECEIVED,), S.RESULT_RETURNED),
        ((S.RECEIVED, S.PROCESSING, S.APPROVED), S.REJECTED),
        ((S.REJECTED,), S.PROCESSING),
    ],
)
def test_transitions_outside_the_state_machine_change_nothing(procedure, officer, path, refused):
    dossier = make_dossier(procedure)
    for to in path:
        dossier = transition_dossier(dossier=dossier, to=to, by=officer, comment="Lý do")
    before = (dossier.status, dossier.events.count())
    with pytest.raises(DossierError, match="Không thể chuyển"):
        transition_dossier(dossier=dossier, to=refused, by=officer, comment="Lý do")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.events.count()) == before


def test_only_the_competent_unit_moves_a_dossier(procedure, province):
    dossier = make_dossier(procedure)
    for outsider in (province.users["school_b_admin"], province.users["teacher_a"], province.users["no_role"]):
        with pytest.raises(DossierError):
            transition_dossier(dossier=dossier, to=S.RECEIVED, by=outsider, comment="")
    transition_dossier(dossier=dossier, to=S.RECEIVED, by=province.users["department_staff"], comment="")


def test_the_applicant_may_only_resubmit(procedure, officer):
    dossier = make_dossier(procedure)
    with pytest.raises(DossierError):
        transition_dossier(dossier=dossier, to=S.RECEIVED, by=None, comment="")


def test_a_request_for_documents_needs_a_reason(procedure, officer):
    dossier = make_dossier(procedure)
    with pytest.raises(DossierError, match="lý do"):
        transition_dossier(dossier=dossier, to=S.ADDITIONAL_DOCUMENTS_REQUESTED, by=officer, comment="")


def test_the_clock_stops_while_waiting_for_the_applicant(procedure, officer):
    # Submitted Monday 20/04/2026, 5 working days → due 28/04 (27/04 Hùng Kings observed).
    dossier = make_dossier(procedure, submitted_at=dt.datetime(2026, 4, 20, 9, tzinfo=VN))
    assert dossier.due_date == dt.date(2026, 4, 28)
    ask = dt.datetime(2026, 4, 22, 10, tzinfo=VN)
    dossier = transition_dossier(dossier=dossier, to=S.RECEIVED, by=officer, comment="", at=ask)
    dossier = transition_dossier(
        dossier=dossier, to=S.ADDITIONAL_DOCUMENTS_REQUESTED, by=officer, comment="Thiếu học bạ", at=ask
    )
    assert dossier.paused_since == dt.date(2026, 4, 22)
    # Back on Monday 04/05: 23, 24, 28, 29/04 and 04/05 were waited (27/04, 30/04, 01/05 are holidays).
    back = dt.datetime(2026, 5, 4, 8, tzinfo=VN)
    dossier = transition_dossier(dossier=dossier, to=S.RESUBMITTED, by=None, comment="Đã bổ sung", at=back)
    assert dossier.paused_days == 5 and dossier.paused_since is None
    assert dossier.due_date == dt.date(2026, 5, 7)  # 28/04 + 5: 29/04, 04, 05, 06, 07/05


def test_an_override_moves_the_due_date(procedure):
    set_holiday_override(date=dt.date(2026, 3, 10), is_day_off=True, reason="Nghỉ bù")
    dossier = make_dossier(procedure, submitted_at=dt.datetime(2026, 3, 6, 9, tzinfo=VN))
    assert dossier.due_date == dt.date(2026, 3, 16)


def test_a_decided_dossier_is_rated_once(procedure, officer):
    dossier = make_dossier(procedure)
    with pytest.raises(DossierError, match="đã có kết quả"):
        rate_dossier(dossier=dossier, stars=5)
    for to in (S.RECEIVED, S.PROCESSING, S.APPROVED):
        dossier = transition_dossier(dossier=dossier, to=to, by=officer, comment="")
    rate_dossier(dossier=dossier, stars=4, comment="Nhanh, gọn")
    with pytest.raises(DossierError, match="một lần"):
        rate_dossier(dossier=dossier, stars=1, comment="Đổi ý")
    assert DossierRating.objects.get().stars == 4


@pytest.mark.parametrize("stars", [0, 6, "năm", None])
def test_a_rating_outside_one_to_five_is_refused(procedure, officer, stars):
    dossier = make_dossier(procedure)
    dossier = transition_dossier(dossier=dossier, to=S.REJECTED, by=officer, comment="Không đủ điều kiện")
    with pytest.raises(DossierError):
        rate_dossier(dossier=dossier, stars=stars)
    assert not DossierRating.objects.exists()


def test_the_applicant_is_emailed_each_step_once(procedure, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = make_dossier(procedure, applicant_email="phuhuynh@example.vn")
        transition_dossier(dossier=dossier, to=S.RECEIVED, by=officer, comment="")
    assert [m.to for m in mail.outbox] == [["phuhuynh@example.vn"]] * 2
    assert dossier.receipt_code in mail.outbox[1].subject and "Đã tiếp nhận" in mail.outbox[1].subject
    assert ID_NUMBERS[0] not in mail.outbox[0].body
    from egov.tasks import notify_applicant_task

    event = dossier.events.last()
    assert notify_applicant_task(event_id=event.pk) is False  # a redelivered task sends nothing more
    assert len(mail.outbox) == 2


def test_assignment_is_limited_to_the_competent_unit(procedure, province, officer):
    dossier = make_dossier(procedure)
    assign_dossier(dossier=dossier, to=officer, by=province.users["department_staff"])
    assert Dossier.objects.get().assigned_to == officer
    with pytest.raises(DossierError):
        assign_dossier(dossier=dossier, to=province.users["school_b_admin"], by=officer)


def test_files_cannot_be_added_after_the_decision(procedure, officer):
    dossier = make_dossier(procedure)
    dossier = transition_dossier(dossier=dossier, to=S.REJECTED, by=officer, comment="Sai thủ tục")
    with pytest.raises(DossierError):
        add_attachments(dossier=dossier, uploads=[Upload("don", named_file(PDF, "don.pdf"))])


def test_a_failure_after_the_files_were_saved_removes_them(procedure, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    real_create = DossierEvent.objects.create

    def boom(**kwargs):
        raise RuntimeError("mất kết nối cơ sở dữ liệu")

    monkeypatch.setattr(DossierEvent.objects, "create", boom)
    with pytest.raises(RuntimeError):
        make_dossier(procedure, attachments=[Upload("don", named_file(PDF, "don.pdf"))])
    assert not Dossier.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    monkeypatch.setattr(DossierEvent.objects, "create", real_create)


def test_the_sweep_removes_old_files_no_row_points_to_and_keeps_the_rest(procedure, settings, tmp_path):
    import io
    import os

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from edudx.celery import app
    from egov.services.files import sweep_orphan_attachments

    settings.MEDIA_ROOT = tmp_path
    dossier = make_dossier(procedure, attachments=[Upload(document_code="don", file=named_file(PDF, "don.pdf"))])
    kept = dossier.attachments.get().file.name
    old_orphan = default_storage.save("egov/attachments/2026/01/mo-coi.pdf", io.BytesIO(PDF))
    young_orphan = default_storage.save("egov/attachments/2026/01/dang-gui.pdf", io.BytesIO(PDF))
    two_hours_ago = timezone.now().timestamp() - 7200
    for name in (old_orphan, kept):
        os.utime(default_storage.path(name), (two_hours_ago, two_hours_ago))
    assert sweep_orphan_attachments() == 1
    assert not default_storage.exists(old_orphan)
    assert default_storage.exists(kept) and default_storage.exists(young_orphan)  # a submission may own it still
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "egov.sweep_orphan_attachments" in schedule
