"""Admission services: exactly-once applications, the refusals of SPEC §7 (nothing stored), review, scores,
allocation runs with published inputs, publication, confirmation and the second round."""

import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from egov.admissions import services
from egov.admissions.models import AdmissionRound, AllocationRun, Application, ApplicationStatus
from egov.models import Dossier, DossierStatus
from egov.services import Upload
from tests.admissions.factories import application_input, child_id, make_round, school_of, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(province):
    return make_round(province)


def test_submission_stores_the_application_with_a_receipt_code(round_):
    application = submit(round_, parent_phone="+84 912 345 678", choices=["TH-PHONGHAI", "THCS-XUANQUANG"])
    assert application.receipt_code == application.dossier.receipt_code
    assert application.dossier.channel == Dossier.Channel.ONLINE
    assert application.dossier.procedure.code == "TS-DAUCAP"
    assert application.parent_phone == "0912345678"
    assert application.status == ApplicationStatus.SUBMITTED
    assert [c.code for c in application.choices] == ["TH-PHONGHAI", "THCS-XUANQUANG"]
    assert application.consent_at is not None


def test_the_same_idempotency_key_twice_stores_one_application(round_):
    data = application_input()
    first = services.submit_application(round=round_, data=data, idempotency_key="k-1")
    again = services.submit_application(round=round_, data=data, idempotency_key="k-1")
    assert first.pk == again.pk
    assert Application.objects.count() == 1
    assert Dossier.objects.count() == 1


def test_documents_are_stored_with_the_dossier_and_a_disguised_file_is_refused(round_):
    pdf = SimpleUploadedFile("khai-sinh.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    application = services.submit_application(
        round=round_,
        data=application_input(),
        idempotency_key="k-doc",
        documents=[Upload("giay_khai_sinh", pdf)],
    )
    assert application.dossier.attachments.get().document_code == "giay_khai_sinh"
    fake = SimpleUploadedFile("cu-tru.pdf", b"MZ\x90\x00 this is a program, not a PDF")
    with pytest.raises(services.AdmissionError) as error:
        services.submit_application(
            round=round_,
            data=application_input(),
            idempotency_key="k-doc-2",
            documents=[Upload("xac_nhan_cu_tru", fake)],
        )
    assert "documents" in error.value.message_dict
    assert Application.objects.count() == 1
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"child_national_id": "01020300012"}, "child_national_id"),  # 11 digits
        ({"child_national_id": "999220000001"}, "child_national_id"),  # unknown province
        ({"child_national_id": "010320000001"}, "child_national_id"),  # female digit for a boy
        ({"child_national_id": "010219000001"}, "child_national_id"),  # year 2019 for a child born 2020
        ({"ward_code": "79999"}, "ward"),  # a ward outside the province's list
        ({"choices": ["TH-PHONGHAI", "THPT-KHONGCO"]}, "choice2"),  # not in the round
        ({"choices": ["TH-PHONGHAI", "TH-PHONGHAI"]}, "choice2"),  # the same school twice
        ({"choices": []}, "choice1"),
        ({"parent_phone": "12345"}, "parent_phone"),
        ({"child_full_name": "  "}, "child_full_name"),
    ],
    ids=[
        "id-11-digits",
        "id-province",
        "id-gender",
        "id-year",
        "ward-outside",
        "school-not-in-round",
        "same-school-twice",
        "no-choice",
        "phone",
        "blank-name",
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message_and_nothing_stored(round_, overrides, field):
    with pytest.raises(services.AdmissionError) as error:
        submit(round_, **overrides)
    assert field in error.value.message_dict
    assert all(message and message[0].isupper() for message in error.value.message_dict[field])
    assert Application.objects.count() == 0
    assert Dossier.objects.count() == 0


def test_a_second_live_application_for_the_same_child_is_refused(round_):
    first = submit(round_)
    with pytest.raises(services.AdmissionError) as error:
        submit(round_, child_national_id=first.child_national_id)
    assert "đã có hồ sơ" in error.value.message_dict["child_national_id"][0]
    assert Application.objects.count() == 1


def test_a_refused_second_application_leaves_no_dossier_and_no_file(round_, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = submit(round_)
    pdf = SimpleUploadedFile("khai-sinh.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    with pytest.raises(services.AdmissionError) as error:
        services.submit_application(
            round=round_,
            data=application_input(child_national_id=first.child_national_id),
            idempotency_key=uuid.uuid4().hex,
            documents=[Upload(document_code="giay_khai_sinh", file=pdf)],
        )
    assert "rút hồ sơ đó" in error.value.message_dict["child_national_id"][0]  # the full explanation
    assert Dossier.objects.count() == 1
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_valid_submission_reads_only_what_it_must(round_, django_assert_max_num_queries):
    submit(round_)  # the procedure exists and the calendar is cached, as on a running server
    # application key, ward, round schools, procedure; three savepoints and three INSERTs (dossier, event,
    # application) and their releases: no existence check the unique indexes already make
    with django_assert_max_num_queries(13):
        submit(round_)


def test_the_database_itself_holds_one_live_application_per_child(round_):
    first = submit(round_)
    duplicate = Application(
        round=round_,
        receipt_code="TS-2026-AAAAAAAA",
        idempotency_key="other",
        child_national_id=first.child_national_id,
        child_full_name="Nguyễn Văn An",
        child_birth_date=first.child_birth_date,
        child_gender="M",
        parent_name="Nguyễn Văn Bình",
        parent_phone="0912345678",
        ward=first.ward,
        choice1=first.choice1,
        consent_at=timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_after_withdrawing_the_child_may_apply_again(round_):
    first = submit(round_)
    services.withdraw_application(application=first)
    second = submit(round_, child_national_id=first.child_national_id)
    assert second.pk != first.pk
    assert Application.objects.live().count() == 1


def test_submission_after_the_deadline_is_refused(province):
    round_ = make_round(province)
    with (
        time_machine.travel(round_.applications_close_at + dt.timedelta(seconds=1)),
        pytest.raises(services.AdmissionError) as error,
    ):
        submit(round_)
    assert "hết hạn" in error.value.messages[0]
    assert Application.objects.count() == 0


def test_a_draft_round_takes_no_application(province):
    round_ = make_round(province, status=AdmissionRound.Status.DRAFT)
    with pytest.raises(services.AdmissionError):
        submit(round_)


def test_editing_before_the_deadline_sends_the_application_back_to_review(round_, province):
    application = submit(round_)
    services.review_application(application=application, valid=False, reasons="Thiếu giấy khai sinh", by=None)
    data = application_input(
        child_national_id=application.child_national_id,
        child_birth_date=application.child_birth_date,
        choices=["THCS-XUANQUANG"],
    )
    updated = services.update_application(application=application, data=data)
    assert updated.status == ApplicationStatus.SUBMITTED
    assert updated.invalid_reasons == ""
    assert [c.code for c in updated.choices] == ["THCS-XUANQUANG"]


def test_editing_after_the_deadline_is_refused(round_):
    application = submit(round_)
    with (
        time_machine.travel(round_.applications_close_at + dt.timedelta(minutes=1)),
        pytest.raises(services.AdmissionError),
    ):
        services.update_application(application=application, data=application_input())


def test_the_dossier_follows_the_organisers_review_and_the_parents_correction(round_, province):
    application = submit(round_)
    staff = province.users["department_staff"]
    services.review_application(application=application, valid=False, reasons="Thiếu giấy khai sinh", by=staff)
    application.dossier.refresh_from_db()
    assert application.dossier.status == DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED
    data = application_input(
        child_national_id=application.child_national_id, child_birth_date=application.child_birth_date
    )
    services.update_application(application=application, data=data)
    application.dossier.refresh_from_db()
    assert application.dossier.status == DossierStatus.RESUBMITTED
    services.review_application(application=application, valid=True, by=staff)
    application.dossier.refresh_from_db()
    assert application.dossier.status == DossierStatus.PROCESSING
    assert list(application.dossier.events.values_list("to_status", flat=True)) == [
        "submitted",
        "additional_documents_requested",
        "resubmitted",
        "processing",
    ]


def test_a_school_reviewer_moves_the_dossier_like_the_organiser(round_, province):
    application = submit(round_)
    reviewer = province.users["school_a_admin"]
    services.review_application(application=application, valid=False, reasons="Thiếu giấy khai sinh", by=reviewer)
    application.dossier.refresh_from_db()
    assert application.dossier.status == DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED
    assert application.dossier.paused_since is not None  # the clock stops while the parent is asked
    # Valid on a second look without the parent's correction: the correction is recorded, processing goes on.
    services.review_application(application=application, valid=True, by=reviewer)
    application.refresh_from_db()
    application.dossier.refresh_from_db()
    assert application.status == ApplicationStatus.VALID
    assert application.dossier.status == DossierStatus.PROCESSING
    assert application.dossier.paused_since is None
    events = list(application.dossier.events.values_list("to_status", "actor"))
    assert events[1:] == [
        ("additional_documents_requested", reviewer.pk),
        ("resubmitted", reviewer.pk),
        ("processing", reviewer.pk),
    ]


def test_withdrawal_closes_the_dossier_without_counting_it_as_decided(round_, province):
    from egov.selectors import on_time_dossier_counts
    from schools.models import SchoolYear

    application = submit(round_)
    services.withdraw_application(application=application)
    dossier = Dossier.objects.get(pk=application.dossier_id)
    assert dossier.status == DossierStatus.REJECTED
    assert dossier.decided_at is None and not dossier.is_late
    assert dossier.events.last().comment == "Phụ huynh rút hồ sơ tuyển sinh."
    assert on_time_dossier_counts(school_year=SchoolYear.objects.get(code="2025-2026")) == (0, 0)
    # The child applies again: a new dossier, the old one stays closed.
    again = submit(round_, child_national_id=application.child_national_id)
    assert again.dossier_id != dossier.pk


def test_invalid_needs_reasons(round_):
    application = submit(round_)
    with pytest.raises(services.AdmissionError):
        services.review_application(application=application, valid=False, reasons=" ", by=None)


def _closed_round(province, **kwargs):
    round_ = make_round(province, closes_in=dt.timedelta(minutes=30), **kwargs)
    return round_


def test_allocation_places_catchment_first_and_records_reproducible_inputs(province, tmp_path):
    round_ = _closed_round(province)
    inside = [submit(round_, ward_code="00001") for _ in range(2)]
    outside = submit(round_, ward_code="00005", priority_group=1, choices=["TH-PHONGHAI", "TH-TAVAN"])
    for application in [*inside, outside]:
        services.review_application(application=application, valid=True, by=None)
    with time_machine.travel(round_.applications_close_at + dt.timedelta(hours=1)):
        run = services.run_allocation(round=round_)
    results = dict(Application.objects.values_list("receipt_code", "result_school__school__org_unit__code"))
    assert {results[a.receipt_code] for a in inside} == {"TH-PHONGHAI"}
    assert results[outside.receipt_code] == "TH-TAVAN"
    assert run.placed == 3
    assert str(round_.seed) == str(run.seed)
    # Anyone re-running the command on the published inputs gets the same R.csv.
    (tmp_path / "A.csv").write_text(run.applicants_csv, encoding="utf-8")
    (tmp_path / "S.csv").write_text(run.schools_csv, encoding="utf-8")
    call_command(
        "allocate_admissions",
        "--method=catchment",
        f"--applicants={tmp_path / 'A.csv'}",
        f"--schools={tmp_path / 'S.csv'}",
        f"--seed={run.seed}",
        f"--out={tmp_path / 'R.csv'}",
        stdout=io.StringIO(),
    )
    assert (tmp_path / "R.csv").read_text(encoding="utf-8") == run.results_csv
    assert outside.child_national_id not in run.applicants_csv + run.schools_csv


def test_a_new_run_before_publication_rewrites_only_what_changed(province):
    round_ = _closed_round(province, quotas={"a": 1})
    first, second = submit(round_), submit(round_)
    for application in (first, second):
        services.review_application(application=application, valid=True, by=None)
    with time_machine.travel(round_.applications_close_at + dt.timedelta(hours=1)):
        services.run_allocation(round=round_)
        placed = Application.objects.get(result_school__isnull=False)
        services.review_application(application=placed, valid=False, reasons="Giấy tờ giả", by=None)
        run = services.run_allocation(round=round_)
    placed.refresh_from_db()
    assert placed.result_school is None
    other = Application.objects.exclude(pk=placed.pk).get()
    assert other.result_school.code == "TH-PHONGHAI"
    assert run.placed == 1 and run.applicants == 1


def test_allocation_waits_for_the_deadline_and_for_every_review(province):
    round_ = _closed_round(province)
    submit(round_)
    with pytest.raises(services.AdmissionError):
        services.run_allocation(round=round_)
    with (
        time_machine.travel(round_.applications_close_at + dt.timedelta(hours=1)),
        pytest.raises(services.AdmissionError) as error,
    ):
        services.run_allocation(round=round_)
    assert "chưa kiểm tra" in error.value.messages[0]
    assert AllocationRun.objects.count() == 0


def test_score_round_needs_scores_and_serves_higher_scores_first(province):
    round_ = _closed_round(province, method="score", grade="10", code="ts-lop10", quotas={"thpt": 1, "a2": 5})
    birth = dt.date(2011, 5, 1)
    low = submit(round_, child_birth_date=birth, choices=["THPT-SO1-LC", "THCS-XUANQUANG"])
    high = submit(round_, child_birth_date=birth, choices=["THPT-SO1-LC"])
    for application in (low, high):
        services.review_application(application=application, valid=True, by=None)
    with time_machine.travel(round_.applications_close_at + dt.timedelta(hours=1)):
        with pytest.raises(services.AdmissionError):
            services.run_allocation(round=round_)
        services.set_exam_scores(
            round=round_,
            rows=[
                services.ScoreRow(receipt_code=low.receipt_code, score=Decimal("31.5"), tiebreak=None),
                services.ScoreRow(receipt_code=high.receipt_code, score=Decimal("40.25"), tiebreak=Decimal("9")),
            ],
        )
        run = services.run_allocation(round=round_)
    low.refresh_from_db()
    high.refresh_from_db()
    assert high.result_school.code == "THPT-SO1-LC"
    assert low.result_school.code == "THCS-XUANQUANG"
    assert run.placed == 2


def test_scores_for_unknown_receipt_codes_write_nothing(province):
    round_ = make_round(province, method="score", grade="10", code="ts-lop10", quotas={"thpt": 1})
    application = submit(round_, child_birth_date=dt.date(2011, 1, 1), choices=["THPT-SO1-LC"])
    rows = [
        services.ScoreRow(receipt_code=application.receipt_code, score=Decimal("30"), tiebreak=None, line=2),
        services.ScoreRow(receipt_code="TS-0000-XXXXXXXX", score=Decimal("30"), tiebreak=None, line=3),
    ]
    with pytest.raises(services.AdmissionError):
        services.set_exam_scores(round=round_, rows=rows)
    application.refresh_from_db()
    assert application.exam_score is None


def _published(province):
    round_ = _closed_round(province)
    applications = [submit(round_) for _ in range(3)]
    for application in applications:
        services.review_application(application=application, valid=True, by=None)
    with time_machine.travel(round_.applications_close_at + dt.timedelta(hours=1)):
        run = services.run_allocation(round=round_)
        services.publish_results(run=run)
    return round_, applications


def test_publication_decides_and_returns_every_dossier_of_the_round(province):
    _published(province)
    placed = Application.objects.filter(result_school__isnull=False)
    unplaced = Application.objects.get(result_school__isnull=True)
    for application in placed:
        dossier = application.dossier
        assert dossier.status == DossierStatus.RESULT_RETURNED
        assert dossier.decided_at is not None and dossier.returned_at is not None
        steps = list(dossier.events.values_list("to_status", flat=True))
        assert steps == ["submitted", "received", "processing", "approved", "result_returned"]
        assert "Trúng tuyển vào" in dossier.events.get(to_status="approved").comment
    dossier = unplaced.dossier
    assert list(dossier.events.values_list("to_status", flat=True)) == ["submitted", "rejected", "result_returned"]
    assert dossier.events.get(to_status="rejected").comment == "Không trúng tuyển ở các nguyện vọng đã đăng ký."


def test_publish_then_confirm_once_before_the_deadline(province):
    round_, _applications = _published(province)
    placed = list(Application.objects.filter(result_school__isnull=False))
    unplaced = Application.objects.filter(result_school__isnull=True).first()
    assert len(placed) == 2 and unplaced is not None
    with time_machine.travel(round_.applications_close_at + dt.timedelta(days=4)):
        confirmed = services.confirm_enrolment(application=placed[0])
        assert services.confirm_enrolment(application=placed[0]).confirmed_at == confirmed.confirmed_at
        with pytest.raises(services.AdmissionError):
            services.confirm_enrolment(application=unplaced)
    with (
        time_machine.travel(round_.confirmation_close_at + dt.timedelta(minutes=1)),
        pytest.raises(services.AdmissionError),
    ):
        services.confirm_enrolment(application=placed[1])


def test_a_published_round_cannot_be_allocated_again(province):
    round_, _ = _published(province)
    with pytest.raises(services.AdmissionError):
        services.run_allocation(round=round_)


def test_second_round_offers_the_places_not_confirmed(province):
    round_, _ = _published(province)
    placed = Application.objects.filter(result_school__isnull=False).first()
    with time_machine.travel(round_.applications_close_at + dt.timedelta(days=4)):
        services.confirm_enrolment(application=placed)
    start = round_.confirmation_close_at + dt.timedelta(days=1)
    second = services.open_second_round(
        previous=round_,
        code="ts-lop1-2026-dot2",
        name="Tuyển sinh lớp 1 – đợt bổ sung",
        applications_open_at=start,
        applications_close_at=start + dt.timedelta(days=5),
        results_at=start + dt.timedelta(days=6),
        confirmation_close_at=start + dt.timedelta(days=9),
        seed=7,
    )
    assert school_of(second, "TH-PHONGHAI").quota == 1
    assert school_of(second, "TH-TAVAN").quota == 1
    assert list(school_of(second, "TH-PHONGHAI").catchment_wards.values_list("code", flat=True)) == ["00001", "00002"]
    round_.refresh_from_db()
    assert round_.status == AdmissionRound.Status.CLOSED


def test_child_id_helper_builds_valid_ids():
    assert len(child_id(birth_date=dt.date(2020, 1, 1))) == 12
    assert uuid.uuid4()
