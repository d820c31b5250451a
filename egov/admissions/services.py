"""Writes of admissions (SPEC §7): a parent's application stored exactly once, edits until the deadline,
withdrawal, staff review and exam scores, the allocation run with its published inputs, publication, enrolment
confirmation, and the second round for the places left.

Every write is atomic and checks everything before writing anything: a refused request changes nothing. A parent's
submission is keyed by the idempotency key of the form (a unique column), and the database itself holds "one live
application per child per round" (a partial unique index), so a double click, a retry or two racing requests
leave one application.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from edudx.core.text import nfc
from egov.models import Dossier, DossierStatus, Procedure, ProcedureKind
from egov.services import (
    DossierError,
    Upload,
    add_attachments,
    decide_dossiers,
    submit_dossier,
    transition_dossier,
    withdraw_dossier,
)
from egov.services.catalogue import upsert_procedure
from egov.services.dossiers import remove_files
from people.models import User
from people.national_id import NationalIdError, normalize_national_id, validate_national_id
from schools.models import OrgUnit

from . import ages
from . import allocation as alloc
from .allocation_files import write_applicants, write_results, write_schools
from .models import (
    AdmissionRound,
    AllocationRun,
    Application,
    ApplicationStatus,
    Method,
    PriorityGroup,
    RoundSchool,
    Ward,
)

MAX_CHOICES = alloc.MAX_CHOICES
MAX_SCORE = Decimal("1000")


class AdmissionError(ValidationError):
    """A request the admission rules refuse; messages are Vietnamese (per field when they concern one)."""


@dataclass(frozen=True)
class ApplicationInput:
    """What a parent types in the form (already parsed: dates as dates, choices as school codes in order)."""

    child_national_id: str
    child_full_name: str
    child_birth_date: dt.date
    child_gender: str
    parent_name: str
    parent_phone: str
    ward_code: str
    priority_group: int | None
    choices: Sequence[str]
    address: str = ""


def normalize_phone(raw: str) -> str:
    """0xxxxxxxxx: spaces, dots and dashes dropped, +84/84 turned into 0."""
    digits = "".join(ch for ch in nfc(str(raw or "")) if ch not in " .-()")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    if not (digits.isdigit() and digits.startswith("0") and 10 <= len(digits) <= 11):
        raise AdmissionError(
            {"parent_phone": _("Số điện thoại không hợp lệ: cần 10 hoặc 11 chữ số, bắt đầu bằng 0 (ví dụ 0912345678).")}
        )
    return digits


ALREADY_APPLIED = _lazy(
    "Trẻ có mã định danh này đã có hồ sơ trong đợt tuyển sinh này. Hãy tra cứu hồ sơ đã nộp "
    "(sửa được đến hạn nộp) hoặc rút hồ sơ đó trước khi nộp hồ sơ mới."
)


def _clean(
    *, round: AdmissionRound, data: ApplicationInput, editing: Application | None = None, check_live: bool = True
) -> dict[str, Any]:
    """Checks every field against the round; returns the model fields, or raises AdmissionError (all field errors).

    ``check_live=False`` leaves "one live application per child" to the partial unique index (a new submission:
    its INSERT is refused with the same message), saving a read on the busiest request."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    national_id = None
    try:
        national_id = normalize_national_id(nfc(str(data.child_national_id or "")))
        if national_id is None:
            raise NationalIdError(_("Chưa nhập mã định danh của trẻ."), part="format")
        gender = data.child_gender if data.child_gender in ("M", "F") else None
        validate_national_id(national_id, gender=gender, birth_date=data.child_birth_date)
    except NationalIdError as error:
        fail("child_national_id", str(error))
        national_id = None
    if data.child_gender not in ("M", "F"):
        fail("child_gender", _("Chọn giới tính của trẻ."))
    name = nfc(data.child_full_name or "")
    if not name or len(name) > 150:
        fail("child_full_name", _("Nhập họ và tên của trẻ (tối đa 150 ký tự)."))
    if data.child_birth_date is None or data.child_birth_date > timezone.localdate():
        fail("child_birth_date", _("Ngày sinh không hợp lệ."))
    elif round.check_age:
        refusal = ages.age_refusal(
            rule=ages.AgeRule(
                entry_grade=round.entry_grade,
                start_year=round.school_year.start_date.year,
                older_years=round.older_years,
                older_years_priority=round.older_years_priority,
            ),
            birth_date=data.child_birth_date,
            grade_label=round.get_entry_grade_display().lower(),
            priority=data.priority_group == PriorityGroup.GROUP_3,
        )
        if refusal:
            fail("child_birth_date", refusal)
    parent = nfc(data.parent_name or "")
    if not parent or len(parent) > 150:
        fail("parent_name", _("Nhập họ và tên cha, mẹ hoặc người giám hộ (tối đa 150 ký tự)."))
    phone = ""
    try:
        phone = normalize_phone(data.parent_phone)
    except AdmissionError as error:
        fail("parent_phone", error.message_dict["parent_phone"][0])
    ward = Ward.objects.filter(code=nfc(data.ward_code or ""), is_active=True).first()
    if ward is None:
        fail("ward", _("Xã/phường cư trú không thuộc tỉnh hoặc không có trong danh sách; chọn lại trong danh sách."))
    if data.priority_group not in (None, *PriorityGroup.values):
        fail("priority_group", _("Nhóm ưu tiên không hợp lệ."))
    codes = [nfc(c or "") for c in data.choices]
    codes = [c for c in codes if c]
    schools = {rs.school.code: rs for rs in round.schools.select_related("school__org_unit")}
    if not codes:
        fail("choice1", _("Chọn ít nhất một trường (nguyện vọng 1)."))
    if len(codes) > MAX_CHOICES:
        fail("choice1", _("Chỉ được đăng ký tối đa %(n)d nguyện vọng.") % {"n": MAX_CHOICES})
    chosen: list[RoundSchool] = []
    for k, code in enumerate(codes[:MAX_CHOICES], start=1):
        if code not in schools:
            fail(f"choice{k}", _("Trường %(code)s không tham gia đợt tuyển sinh này.") % {"code": code})
        elif code in codes[: k - 1]:
            fail(f"choice{k}", _("Trường này đã được chọn ở nguyện vọng trước; mỗi trường chỉ chọn một lần."))
        else:
            chosen.append(schools[code])
    if check_live and national_id and not errors.get("child_national_id"):
        others = Application.objects.live().filter(round=round, child_national_id=national_id)
        if editing is not None:
            others = others.exclude(pk=editing.pk)
        if others.exists():
            fail("child_national_id", str(ALREADY_APPLIED))
    if errors:
        raise AdmissionError(errors)
    return {
        "child_national_id": national_id,
        "child_full_name": name,
        "child_birth_date": data.child_birth_date,
        "child_gender": data.child_gender,
        "parent_name": parent,
        "parent_phone": phone,
        "ward": ward,
        "address": nfc(data.address or "")[:255],
        "priority_group": data.priority_group,
        "choice1": chosen[0],
        "choice2": chosen[1] if len(chosen) > 1 else None,
        "choice3": chosen[2] if len(chosen) > 2 else None,
    }


def _check_open(round: AdmissionRound, at: dt.datetime) -> None:
    if round.status != AdmissionRound.Status.OPEN or at < round.applications_open_at:
        raise AdmissionError(_("Đợt tuyển sinh này chưa mở nhận hồ sơ."))
    if at >= round.applications_close_at:
        raise AdmissionError(
            _("Đã hết hạn nộp hồ sơ (hạn cuối %(deadline)s).")
            % {"deadline": timezone.localtime(round.applications_close_at).strftime("%H:%M %d/%m/%Y")}
        )


PROCEDURE_CODE = "TS-DAUCAP"
DOCUMENTS = [
    {"code": "giay_khai_sinh", "label": "Bản sao giấy khai sinh của trẻ", "required": False},
    {"code": "xac_nhan_cu_tru", "label": "Giấy xác nhận thông tin cư trú", "required": False},
    {"code": "giay_uu_tien", "label": "Giấy tờ chứng nhận đối tượng ưu tiên (nếu có)", "required": False},
]


def admission_procedure(*, org_unit: OrgUnit | None = None) -> Procedure:
    """The catalogue entry every admission dossier belongs to (created once, on the province's root unit)."""
    procedure = Procedure.objects.filter(code=PROCEDURE_CODE).first()
    if procedure is not None:
        return procedure
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first() or org_unit
    try:
        with transaction.atomic():
            procedure, _created = upsert_procedure(
                code=PROCEDURE_CODE,
                name="Tuyển sinh đầu cấp (nhà trẻ, mẫu giáo, lớp 1, lớp 6, lớp 10)",
                kind=ProcedureKind.ADMISSION,
                description="Phụ huynh đăng ký tuyển sinh trực tuyến cho trẻ, không cần tài khoản; "
                "theo dõi hồ sơ bằng mã hồ sơ và số điện thoại.",
                competent_org_unit=root,
                mode=Procedure.Mode.FULL_ONLINE,
                processing_days=15,
                required_documents=DOCUMENTS,
                allowed_file_types=["pdf", "jpg", "png"],
                max_attachment_bytes=5 * 1024 * 1024,
            )
    except IntegrityError:  # created by a concurrent first submission
        procedure = Procedure.objects.get(code=PROCEDURE_CODE)
    return procedure


def submit_application(
    *,
    round: AdmissionRound,
    data: ApplicationInput,
    idempotency_key: str,
    documents: Iterable[Upload] = (),
    at: dt.datetime | None = None,
) -> Application:
    """Stores a parent's application once per idempotency key (a repeat returns the first), before the deadline.

    The application is an online dossier of the TS-DAUCAP procedure (egov): its receipt code is the dossier's, the
    documents are the dossier's attachments (checked by content), and it counts in ONLINE_DOSSIER_SHARE.
    """
    key = nfc(str(idempotency_key or ""))[:60]
    if not key:
        raise AdmissionError(_("Thiếu khóa chống gửi trùng; tải lại trang biểu mẫu và gửi lại."))
    existing = Application.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    at = at or timezone.now()
    _check_open(round, at)
    fields = _clean(round=round, data=data, check_live=False)
    procedure = admission_procedure(org_unit=round.org_unit)
    written: list[str] = []
    try:
        with transaction.atomic():
            dossier = submit_dossier(
                procedure=procedure,
                applicant_name=fields["parent_name"],
                applicant_phone=fields["parent_phone"],
                applicant_id_number=fields["child_national_id"],
                data={"admission_round": round.code},
                idempotency_key=f"ts:{key}",
                channel=Dossier.Channel.ONLINE,
                org_unit=round.org_unit,
                attachments=list(documents),
                submitted_at=at,
                clean=False,
                look_up_key=False,  # the application's key was looked up above; the dossier's is derived from it
                files_written=written,
            )
            return Application.objects.create(
                round=round,
                dossier=dossier,
                receipt_code=dossier.receipt_code,
                idempotency_key=key,
                consent_at=at,
                submitted_at=at,
                **fields,
            )
    except DossierError as error:
        raise AdmissionError({"documents": error.messages}) from None
    except IntegrityError:
        remove_files(written)  # the dossier's rows were rolled back with the application's
        # Another request with the same key won the race: its application is the one. Otherwise the child already
        # has a live application in this round (the partial unique index): refused, nothing stored.
        existing = Application.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        raise AdmissionError({"child_national_id": str(ALREADY_APPLIED)}) from None
    except BaseException:
        remove_files(written)
        raise


@transaction.atomic
def update_application(
    *,
    application: Application,
    data: ApplicationInput,
    documents: Iterable[Upload] = (),
    at: dt.datetime | None = None,
) -> Application:
    """The parent's correction before the deadline (fields and added documents): it goes back to be checked again."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    at = at or timezone.now()
    if not application.is_live or application.status == ApplicationStatus.WITHDRAWN:
        raise AdmissionError(_("Hồ sơ đã rút, không sửa được."))
    _check_open(application.round, at)
    fields = _clean(round=application.round, data=data, editing=application)
    for name, value in fields.items():
        setattr(application, name, value)
    application.status = ApplicationStatus.SUBMITTED
    application.invalid_reasons = ""
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise AdmissionError(
            {"child_national_id": _("Trẻ có mã định danh này đã có hồ sơ trong đợt tuyển sinh này.")}
        ) from None
    dossier = application.dossier
    documents = list(documents)
    if documents and dossier is not None:
        try:
            add_attachments(dossier=dossier, uploads=documents)
        except DossierError as error:
            raise AdmissionError({"documents": error.messages}) from None
    if dossier is not None and dossier.status == DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED:
        transition_dossier(dossier=dossier, to=DossierStatus.RESUBMITTED, by=None, comment=_("Phụ huynh sửa hồ sơ"))
    return application


@transaction.atomic
def withdraw_application(*, application: Application, at: dt.datetime | None = None) -> Application:
    """The parent withdraws before the deadline; the child may then apply again in the same round."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status == ApplicationStatus.WITHDRAWN:
        return application
    _check_open(application.round, at or timezone.now())
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    if application.dossier_id is not None:
        # The dossier is closed too: rejected with the reason, no decision time (egov.services.decisions explains)
        withdraw_dossier(dossier=application.dossier, reason=_("Phụ huynh rút hồ sơ tuyển sinh."), at=at)
    return application


@transaction.atomic
def confirm_enrolment(*, application: Application, at: dt.datetime | None = None) -> Application:
    """The parent confirms the place the published result gives, before the confirmation deadline (idempotent)."""
    application = Application.objects.select_for_update().select_related("round").get(pk=application.pk)
    if application.confirmed_at is not None:
        return application
    at = at or timezone.now()
    if application.result_school_id is None or application.round.status != AdmissionRound.Status.PUBLISHED:
        raise AdmissionError(_("Hồ sơ chưa có kết quả trúng tuyển để xác nhận nhập học."))
    if not application.round.accepts_confirmations(at):
        raise AdmissionError(_("Đã hết hạn xác nhận nhập học."))
    application.confirmed_at = at
    application.save(update_fields=["confirmed_at", "updated_at"])
    return application


@transaction.atomic
def review_application(*, application: Application, valid: bool, reasons: str = "", by: Any) -> Application:
    """Staff mark an application valid, or invalid with the reasons the parent will read."""
    application = Application.objects.select_for_update().select_related("round").get(pk=application.pk)
    if application.status == ApplicationStatus.WITHDRAWN:
        raise AdmissionError(_("Hồ sơ đã rút."))
    if application.round.status in (AdmissionRound.Status.PUBLISHED, AdmissionRound.Status.CLOSED):
        raise AdmissionError(_("Kết quả đã công bố: không đổi được trạng thái hồ sơ."))
    reasons = nfc(reasons or "")
    if not valid and not reasons:
        raise AdmissionError({"reasons": _("Ghi rõ lý do hồ sơ chưa hợp lệ để phụ huynh bổ sung.")})
    application.status = ApplicationStatus.VALID if valid else ApplicationStatus.INVALID
    application.invalid_reasons = "" if valid else reasons[:2000]
    application.reviewed_at = timezone.now()
    application.reviewed_by = by if isinstance(by, User) else None
    application.save(update_fields=["status", "invalid_reasons", "reviewed_at", "reviewed_by", "updated_at"])
    _mirror_review(application=application, valid=valid, reasons=reasons, by=by)
    return application


# How a review moves the application's dossier along egov's state machine (SPEC §6), whoever reviews (the round's
# unit, a participating school's staff, a write token): valid → received (or back in processing after a
# correction); invalid → additional documents requested (the clock stops until the parent corrects it).
VALID_PATHS = {
    DossierStatus.SUBMITTED: (DossierStatus.RECEIVED,),
    DossierStatus.RESUBMITTED: (DossierStatus.PROCESSING,),
    # marked invalid, then valid without the parent's correction (the reviewer changed their mind or took the
    # papers at the desk): the correction is recorded, then processing goes on
    DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED: (DossierStatus.RESUBMITTED, DossierStatus.PROCESSING),
}
INVALID_FROM = (DossierStatus.SUBMITTED, DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.RESUBMITTED)


def _mirror_review(*, application: Application, valid: bool, reasons: str, by: Any) -> None:
    """The dossier follows the review; the caller has checked the reviewer's right on the application, which is
    the right to act for the round's unit on its dossier."""
    dossier = application.dossier
    if dossier is None or by is None:
        return  # no reviewer to record (a system call): the dossier is decided at publication
    if valid:
        steps = VALID_PATHS.get(dossier.status, ())
    else:
        steps = (DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED,) if dossier.status in INVALID_FROM else ()
    try:
        for step in steps:
            comment = reasons if step == DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED else ""
            if step == DossierStatus.RESUBMITTED:
                comment = _("Hồ sơ được xác nhận hợp lệ khi kiểm tra lại.")
            dossier = transition_dossier(dossier=dossier, to=step, by=by, comment=comment, authorised=True)
    except DossierError as error:
        raise AdmissionError(error.messages) from None


@dataclass(frozen=True)
class ScoreRow:
    receipt_code: str
    score: Decimal
    tiebreak: Decimal | None
    line: int = 0


@transaction.atomic
def set_exam_scores(*, round: AdmissionRound, rows: Iterable[ScoreRow]) -> int:
    """Stores exam totals (and tiebreak scores) by receipt code, all or nothing; returns the number of applications."""
    rows = list(rows)
    if round.method != Method.SCORE:
        raise AdmissionError(_("Đợt này xét theo địa bàn, không dùng điểm thi."))
    if round.status not in (AdmissionRound.Status.DRAFT, AdmissionRound.Status.OPEN, AdmissionRound.Status.ALLOCATED):
        raise AdmissionError(_("Kết quả đã công bố: không nhập điểm được nữa."))
    by_code = {
        a.receipt_code: a for a in round.applications.live().filter(receipt_code__in=[r.receipt_code for r in rows])
    }
    errors = []
    seen: set[str] = set()
    for row in rows:
        where = _("Dòng %(line)d") % {"line": row.line} if row.line else row.receipt_code
        if row.receipt_code in seen:
            errors.append(_("%(where)s: mã hồ sơ %(code)s lặp lại.") % {"where": where, "code": row.receipt_code})
        seen.add(row.receipt_code)
        if row.receipt_code not in by_code:
            errors.append(
                _("%(where)s: không có hồ sơ %(code)s trong đợt này.") % {"where": where, "code": row.receipt_code}
            )
        for value in (row.score, row.tiebreak):
            if value is not None and not (Decimal(0) <= value < MAX_SCORE):
                errors.append(_("%(where)s: điểm %(value)s ngoài khoảng 0–999,99.") % {"where": where, "value": value})
    if errors:
        raise AdmissionError(errors[:50])
    changed = []
    for row in rows:
        application = by_code[row.receipt_code]
        application.exam_score = row.score.quantize(Decimal("0.01"))
        application.tiebreak_score = row.tiebreak.quantize(Decimal("0.01")) if row.tiebreak is not None else None
        changed.append(application)
    Application.objects.bulk_update(changed, ["exam_score", "tiebreak_score"], batch_size=1000)
    return len(changed)


# ---- allocation ----------------------------------------------------------------------------------------------


def allocation_inputs(*, round: AdmissionRound) -> tuple[list[alloc.Applicant], list[alloc.School], dict[str, int]]:
    """The round's valid applications and schools as the allocation sees them (applicant id = receipt code).

    Returns (applicants, schools, application id by receipt code). No name, birth date or national ID leaves the
    database: the published inputs hold receipt codes, ward codes, priority groups, scores and school codes.
    The applications are read as plain tuples in one query (ward codes joined in SQL), not as model instances.
    """
    round_schools = list(round.schools.select_related("school__org_unit").prefetch_related("catchment_wards"))
    code_of = {rs.pk: rs.school.code for rs in round_schools}
    code_of[None] = None
    schools = [
        alloc.School(
            code=rs.school.code, quota=rs.quota, catchment_wards=frozenset(w.code for w in rs.catchment_wards.all())
        )
        for rs in round_schools
    ]
    table, wards = Application._meta.db_table, Ward._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, a.receipt_code, a.exam_score, a.tiebreak_score, a.priority_group, w.code, "
            f"a.choice1_id, a.choice2_id, a.choice3_id FROM {table} a JOIN {wards} w ON w.id = a.ward_id "
            "WHERE a.round_id = %s AND a.status = %s",
            [round.pk, ApplicationStatus.VALID],
        )
        rows = cursor.fetchall()
    applicants, ids = [], {}
    applicant = alloc.Applicant
    for pk, code, score, tiebreak, priority, ward, c1, c2, c3 in rows:
        ids[code] = pk
        choices = (code_of[c1],) if c2 is None else tuple(code_of[c] for c in (c1, c2, c3) if c is not None)
        applicants.append(
            applicant(
                applicant_id=code,
                choices=choices,
                score=_decimal(score),
                tiebreak=_decimal(tiebreak),
                priority=priority,
                ward=ward,
            )
        )
    return applicants, schools, ids


def _decimal(value: Any) -> Decimal | None:
    """SQLite's raw cursor gives scores as floats or strings; PostgreSQL's as Decimals (kept as they are)."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _text(write: Callable[[io.StringIO, Any], None], value: Any) -> str:
    buffer = io.StringIO()
    write(buffer, value)
    return buffer.getvalue()


def run_allocation(
    *,
    round: AdmissionRound,
    seed: int | None = None,
    by: Any = None,
    job: Any = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> AllocationRun:
    """Allocates the round's valid applications (SPEC §13) and records the run with its inputs; publishes nothing.

    Refused while applications are still being received, while some are not reviewed, or (``score``) while a valid
    one has no exam score. The seed is the round's unless one is given (then it becomes the round's).
    """
    report = progress or (lambda done, total, message: None)
    round = AdmissionRound.objects.get(pk=round.pk)
    if round.status in (AdmissionRound.Status.PUBLISHED, AdmissionRound.Status.CLOSED):
        raise AdmissionError(_("Kết quả đợt này đã công bố; không xét lại được."))
    if round.status == AdmissionRound.Status.DRAFT:
        raise AdmissionError(_("Đợt tuyển sinh chưa mở nhận hồ sơ."))
    if timezone.now() < round.applications_close_at:
        raise AdmissionError(_("Chưa hết hạn nộp hồ sơ: chỉ xét tuyển sau hạn cuối."))
    pending = round.applications.filter(status=ApplicationStatus.SUBMITTED).count()
    if pending:
        raise AdmissionError(_("Còn %(n)d hồ sơ chưa kiểm tra; kiểm tra hết trước khi xét tuyển.") % {"n": pending})
    if round.method == Method.SCORE:
        missing = round.applications.filter(status=ApplicationStatus.VALID, exam_score__isnull=True).count()
        if missing:
            raise AdmissionError(_("%(n)d hồ sơ hợp lệ chưa có điểm xét tuyển.") % {"n": missing})
    seed = round.seed if seed is None else seed
    if seed < 0:
        raise AdmissionError(_("Số hạt giống bốc thăm phải là số nguyên không âm."))
    report(0, 4, _("Đang đọc hồ sơ…"))
    applicants, schools, ids = allocation_inputs(round=round)
    report(1, 4, _("Đang xét tuyển %(n)d hồ sơ…") % {"n": len(applicants)})
    result = alloc.allocate(method=round.method, applicants=applicants, schools=schools, seed=seed)
    report(2, 4, _("Đang ghi kết quả…"))
    applicants_csv = _text(write_applicants, applicants)
    schools_csv = _text(write_schools, schools)
    results_csv = _text(write_results, result)
    inputs_sha256 = hashlib.sha256(
        f"method={round.method}\nseed={seed}\n".encode() + schools_csv.encode() + applicants_csv.encode()
    ).hexdigest()
    round_school_of = dict(round.schools.values_list("school__org_unit__code", "pk"))
    with transaction.atomic():
        round = AdmissionRound.objects.select_for_update().get(pk=round.pk)
        if round.status in (AdmissionRound.Status.PUBLISHED, AdmissionRound.Status.CLOSED):
            raise AdmissionError(_("Kết quả đợt này đã công bố; không xét lại được."))
        _store_results(round=round, result=result, ids=ids, round_school_of=round_school_of)
        run = AllocationRun.objects.create(
            round=round,
            job=job,
            method=round.method,
            seed=seed,
            inputs_sha256=inputs_sha256,
            results_sha256=hashlib.sha256(results_csv.encode()).hexdigest(),
            applicants_csv=applicants_csv,
            schools_csv=schools_csv,
            results_csv=results_csv,
            applicants=len(applicants),
            placed=sum(1 for code in result.values() if code),
            created_by=by if getattr(by, "pk", None) else None,
        )
        round.seed = seed
        round.status = AdmissionRound.Status.ALLOCATED
        round.save(update_fields=["seed", "status"])
    report(4, 4, _("Đã xét tuyển: %(placed)d/%(n)d hồ sơ trúng tuyển.") % {"placed": run.placed, "n": run.applicants})
    return run


def _store_results(
    *,
    round: AdmissionRound,
    result: Mapping[str, str | None],
    ids: Mapping[str, int],
    round_school_of: Mapping[str, int],
) -> None:
    """Writes each application's result, touching only the rows whose result changes, set-based.

    On PostgreSQL one ``UPDATE … FROM unnest(ids, schools) … WHERE result IS DISTINCT FROM the new one``: every
    (id, school) pair is sent and the database writes only the rows that change, without reading the current
    results into Python first. Elsewhere the current results are read and one UPDATE per school is sent (ids in
    chunks). Applications no longer valid lose any result an earlier run gave them.
    """
    round.applications.exclude(result_school=None).exclude(status=ApplicationStatus.VALID).update(result_school=None)
    pairs = [
        (ids[receipt_code], round_school_of[school_code] if school_code is not None else None)
        for receipt_code, school_code in result.items()
    ]
    if not pairs:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE admissions_application AS a SET result_school_id = v.school "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, school) "
                "WHERE a.id = v.id AND a.result_school_id IS DISTINCT FROM v.school",
                [[pk for pk, _new in pairs], [new for _pk, new in pairs]],
            )
        return
    current = dict(
        round.applications.filter(status=ApplicationStatus.VALID)
        .values_list("pk", "result_school_id")
        .iterator(chunk_size=10000)
    )
    by_school: dict[int | None, list[int]] = {}
    for pk, new in pairs:
        if current.get(pk) != new:
            by_school.setdefault(new, []).append(pk)
    for round_school_id, pks in by_school.items():
        for start in range(0, len(pks), 5000):
            Application.objects.filter(pk__in=pks[start : start + 5000]).update(result_school_id=round_school_id)


@transaction.atomic
def publish_results(
    *, run: AllocationRun, by: Any = None, progress: Callable[[int, int, str], None] | None = None
) -> AllocationRun:
    """Publishes the latest allocation of a round: parents see their result and may confirm their place.

    The publication is the decision on every dossier of the round (SPEC §6), taken set-based by egov's
    ``decide_dossiers`` and returned at once: placed applicants' dossiers approved, valid ones no school took and
    invalid ones rejected with the reason. Withdrawn applications' dossiers were closed when they were withdrawn.
    """
    report = progress or (lambda done, total, message: None)
    round = AdmissionRound.objects.select_for_update().get(pk=run.round_id)
    latest = round.runs.order_by("-created_at", "-pk").first()
    if round.status != AdmissionRound.Status.ALLOCATED or latest is None or latest.pk != run.pk:
        raise AdmissionError(_("Chỉ công bố được lần xét tuyển mới nhất của đợt, khi chưa công bố."))
    now = timezone.now()
    run.published_at = now
    run.save(update_fields=["published_at"])
    round.status = AdmissionRound.Status.PUBLISHED
    round.save(update_fields=["status"])
    live = round.applications.exclude(dossier=None).exclude(status=ApplicationStatus.WITHDRAWN)
    groups: list[tuple[str, str, list[int]]] = []
    placed: dict[int, list[int]] = {}
    for dossier_id, school_id in live.filter(status=ApplicationStatus.VALID, result_school__isnull=False).values_list(
        "dossier_id", "result_school_id"
    ):
        placed.setdefault(school_id, []).append(dossier_id)
    names = dict(round.schools.values_list("pk", "school__org_unit__name"))
    for school_id, ids in placed.items():
        groups.append(
            (DossierStatus.APPROVED, _("Trúng tuyển vào %(school)s.") % {"school": names.get(school_id, "")}, ids)
        )
    unplaced = list(
        live.filter(status=ApplicationStatus.VALID, result_school__isnull=True).values_list("dossier_id", flat=True)
    )
    groups.append((DossierStatus.REJECTED, _("Không trúng tuyển ở các nguyện vọng đã đăng ký."), unplaced))
    invalid = list(live.exclude(status=ApplicationStatus.VALID).values_list("dossier_id", flat=True))
    groups.append(
        (DossierStatus.REJECTED, _("Hồ sơ chưa hợp lệ đến khi xét tuyển (xem lý do trên trang hồ sơ)."), invalid)
    )
    total = sum(len(ids) for _outcome, _comment, ids in groups)
    done = 0
    report(0, total, _("Đang cập nhật kết quả hồ sơ…"))
    for outcome, comment, ids in groups:
        if ids:
            decide_dossiers(dossiers=ids, outcome=outcome, by=by, comment=comment, return_result=True, at=now)
        done += len(ids)
        report(done, total, _("Đã cập nhật %(done)d/%(total)d hồ sơ.") % {"done": done, "total": total})
    return run


@transaction.atomic
def open_second_round(
    *,
    previous: AdmissionRound,
    code: str,
    name: str,
    applications_open_at: dt.datetime,
    applications_close_at: dt.datetime,
    results_at: dt.datetime,
    confirmation_close_at: dt.datetime,
    seed: int,
) -> AdmissionRound:
    """A new round for the places left: each school's quota minus the places confirmed in the previous round."""
    previous = AdmissionRound.objects.select_for_update().get(pk=previous.pk)
    if previous.status not in (AdmissionRound.Status.PUBLISHED, AdmissionRound.Status.CLOSED):
        raise AdmissionError(_("Chỉ mở đợt bổ sung sau khi đợt trước đã công bố kết quả."))
    taken = dict(
        previous.applications.filter(confirmed_at__isnull=False)
        .values_list("result_school")
        .annotate(n=Count("pk"))
        .values_list("result_school", "n")
    )
    try:
        with transaction.atomic():
            second = AdmissionRound.objects.create(
                code=code,
                name=name,
                org_unit=previous.org_unit,
                school_year=previous.school_year,
                entry_grade=previous.entry_grade,
                method=previous.method,
                applications_open_at=applications_open_at,
                applications_close_at=applications_close_at,
                results_at=results_at,
                confirmation_close_at=confirmation_close_at,
                rules_text=previous.rules_text,
                check_age=previous.check_age,
                older_years=previous.older_years,
                older_years_priority=previous.older_years_priority,
                seed=seed,
                previous_round=previous,
                status=AdmissionRound.Status.DRAFT,
            )
    except IntegrityError:
        raise AdmissionError(_("Mã đợt đã có hoặc các mốc thời gian không theo thứ tự.")) from None
    for rs in previous.schools.prefetch_related("catchment_wards"):
        left = max(0, rs.quota - taken.get(rs.pk, 0))
        new = RoundSchool.objects.create(round=second, school=rs.school, quota=left)
        new.catchment_wards.set(rs.catchment_wards.all())
    previous.status = AdmissionRound.Status.CLOSED
    previous.save(update_fields=["status"])
    return second


@transaction.atomic
def open_round(*, round: AdmissionRound) -> AdmissionRound:
    """Starts receiving applications (draft → open) once the round has schools."""
    round = AdmissionRound.objects.select_for_update().get(pk=round.pk)
    if round.status != AdmissionRound.Status.DRAFT:
        raise AdmissionError(_("Đợt này đã mở."))
    if not round.schools.exists():
        raise AdmissionError(_("Thêm trường tham gia trước khi mở nhận hồ sơ."))
    round.status = AdmissionRound.Status.OPEN
    round.save(update_fields=["status"])
    return round


__all__ = [
    "AdmissionError",
    "ApplicationInput",
    "ScoreRow",
    "confirm_enrolment",
    "open_round",
    "open_second_round",
    "publish_results",
    "review_application",
    "run_allocation",
    "set_exam_scores",
    "submit_application",
    "update_application",
    "withdraw_application",
]
