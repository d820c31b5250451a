"""Writes of the DX self-assessment: starting it (pre-filled), scoring, evidence, and the workflow
draft → submitted → (returned ↔ submitted) → verified → published, with the department's audited reopen.

Who may do what (the caller has already found the assessment through ``selectors.get_assessment``, so it is in
scope; out of scope is a 404 before any of this runs):
- the school's officer (``school_admin``) scores, attaches evidence and submits, until 31/5 of the school year's
  second calendar year, unless the department reopened the assessment (``reopened_until``);
- the management unit or the department (``unit_staff``, ``department_staff``, ``department_admin`` covering the
  school) asks for more evidence, verifies (adjusting points with a comment) and publishes the level (by 20/6);
- only the department reopens (audited).
Every transition is an ``AssessmentTransition`` row (actor, time, comment).
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.jobs import SYSTEM
from edudx.core.models import AuditEntry
from edudx.core.scoping import scope_of
from reports.selectors import stored_indicator_values
from schools.models import School, SchoolYear

from . import scoring
from .models import (
    Action,
    Assessment,
    AssessmentItem,
    AssessmentTransition,
    CriteriaSet,
    Criterion,
    Evidence,
    Group,
    Status,
)
from .selectors import is_concerned

SCHOOL_ROLES = ("school_admin",)
REVIEWER_ROLES = ("unit_staff", "department_staff", "department_admin")
DEPARTMENT_ROLES = ("department_staff", "department_admin")
EDITABLE = (Status.DRAFT, Status.RETURNED)
DEFAULT_REOPEN_DAYS = 14
DEFAULT_MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Sniffed type → extensions a file of that type may carry (a PDF named .docx is as suspicious as an .exe).
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "application/msword": (".doc",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.ms-powerpoint": (".ppt",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
}
ZIP_BASED = ("application/vnd.openxmlformats", "application/vnd.oasis")


def criterion_sort_key(criterion: Criterion) -> tuple[int, int, str]:
    """Teaching and learning first, then management (the decision's order), then each group's order."""
    return (0 if criterion.group == Group.TEACHING else 1, criterion.order, criterion.code)


# --- dates ---------------------------------------------------------------------------------------------------------


def _second_year(school_year: SchoolYear) -> int:
    return int(school_year.code.split("-")[1])


def submission_deadline(school_year: SchoolYear) -> date:
    """The school submits by 31/5 of the school year's second calendar year."""
    return date(_second_year(school_year), 5, 31)


def publication_deadline(school_year: SchoolYear) -> date:
    """The level is published by 20/6 of the school year's second calendar year."""
    return date(_second_year(school_year), 6, 20)


def today() -> date:
    return timezone.localdate()


def can_submit_on(assessment: Assessment, day: date) -> bool:
    """Before or on the deadline, or within a reopening granted by the department."""
    if day <= submission_deadline(assessment.school_year):
        return True
    return assessment.reopened_until is not None and day <= assessment.reopened_until


# --- permissions ---------------------------------------------------------------------------------------------------


def _holds(by: Any, roles: tuple[str, ...], assessment: Assessment) -> bool:
    scope = scope_of(by)
    path = assessment.school.org_unit.path
    return any(scope.has_role(role, path) for role in roles)


def can_edit(*, by: Any, assessment: Assessment) -> bool:
    return _holds(by, SCHOOL_ROLES, assessment) and assessment.status in EDITABLE


def can_review(*, by: Any, assessment: Assessment) -> bool:
    return _holds(by, REVIEWER_ROLES, assessment)


def can_reopen(*, by: Any, assessment: Assessment) -> bool:
    return _holds(by, DEPARTMENT_ROLES, assessment)


def _require(by: Any, roles: tuple[str, ...], assessment: Assessment, message: str) -> None:
    if not _holds(by, roles, assessment):
        raise PermissionDenied(message)


def _actor(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) and getattr(by, "pk", None) else None


# --- starting and pre-filling --------------------------------------------------------------------------------------


def active_criteria_set() -> CriteriaSet | None:
    return CriteriaSet.objects.filter(is_active=True).order_by("-version", "-pk").first()


@transaction.atomic
def start_assessment(*, school: School, school_year: SchoolYear, by: Any) -> Assessment:
    """The school's assessment for the year (created once, with the active criteria set, and pre-filled)."""
    existing = Assessment.objects.filter(school=school, school_year=school_year).first()
    if existing is not None:
        return existing
    if not scope_of(by).has_role("school_admin", school.org_unit.path) and by is not SYSTEM:
        raise PermissionDenied(_("Chỉ cán bộ của trường mới bắt đầu tự đánh giá."))
    if not is_concerned(school):
        raise ValidationError(
            _(
                "Bộ tiêu chí theo Quyết định 4725/QĐ-BGDĐT áp dụng cho cơ sở giáo dục phổ thông và giáo dục thường "
                "xuyên; trường mầm non không tự đánh giá theo bộ tiêu chí này."
            )
        )
    criteria_set = active_criteria_set()
    if criteria_set is None:
        raise ValidationError(_("Chưa có bộ tiêu chí đánh giá chuyển đổi số nào đang áp dụng."))
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(school=school, school_year=school_year, criteria_set=criteria_set)
    except IntegrityError:  # started at the same moment in another request: use that one
        return Assessment.objects.get(school=school, school_year=school_year)
    AssessmentItem.objects.bulk_create(
        [AssessmentItem(assessment=assessment, criterion=c) for c in criteria_set.criteria.all()]
    )
    refresh_prefill(assessment=assessment)
    return assessment


def _ancestor_ids(school: School) -> list[int]:
    """The school's own unit first, then the units above it, nearest first."""
    ids = [int(part) for part in school.org_unit.path.strip("/").split("/") if part.isdigit()]
    return list(reversed(ids))


def measured_figures(*, assessment: Assessment) -> dict[str, list[scoring.Figure]]:
    """For each measure used by the set, the stored indicator values it reads (one query)."""
    measures = {
        key: scoring.MEASURES[key]
        for key in assessment.criteria_set.criteria.exclude(measure="").values_list("measure", flat=True)
        if key in scoring.MEASURES
    }
    codes = sorted({code for measure in measures.values() for code in measure.indicators})
    unit_ids = _ancestor_ids(assessment.school)
    # A system read: the figures are the school's own aggregates (and, for province-only measures, the
    # province's), for an assessment the caller was already allowed to open.
    values = stored_indicator_values(
        visible_to=SYSTEM, org_unit_ids=unit_ids, school_year=assessment.school_year, codes=codes
    )
    by_unit_code: dict[tuple[int, str], Any] = {(v.org_unit_id, v.indicator): v for v in values}
    result: dict[str, list[scoring.Figure]] = {}
    for key, measure in measures.items():
        figures = []
        for code, full_at in measure.full_at.items():
            candidates = unit_ids if measure.inherit else unit_ids[:1]
            for unit_id in candidates:
                stored = by_unit_code.get((unit_id, code))
                if stored is not None and stored.value is not None:
                    figures.append(
                        scoring.Figure(
                            indicator=code,
                            org_unit=stored.org_unit.code,
                            value=stored.value,
                            numerator=stored.numerator,
                            denominator=stored.denominator,
                            full_at=full_at,
                        )
                    )
                    break
        result[key] = figures
    return result


def _figure_json(figure: scoring.Figure) -> dict[str, str]:
    return {
        "indicator": figure.indicator,
        "org_unit": figure.org_unit,
        "value": str(figure.value),
        "numerator": str(figure.numerator),
        "denominator": str(figure.denominator),
        "full_at": str(figure.full_at),
    }


@transaction.atomic
def refresh_prefill(*, assessment: Assessment) -> int:
    """Re-reads the stored indicator values of measurable criteria; items the school has not overridden follow
    the new figure. Returns how many items have a pre-filled figure. Only while the school is editing."""
    if assessment.status not in EDITABLE:
        return 0
    figures = measured_figures(assessment=assessment)
    now = timezone.now().isoformat()
    filled = 0
    for item in assessment.items.select_related("criterion").exclude(criterion__measure=""):
        measure = scoring.MEASURES.get(item.criterion.measure)
        if measure is None:
            continue
        found = figures.get(measure.key, [])
        points = scoring.prefill_points(measure=measure, figures=found, max_points=item.criterion.max_points)
        follows = item.self_points is None or (item.self_points == item.prefill_points and not item.justification)
        item.prefill_points = points
        item.prefill = {
            "measure": measure.key,
            "rule": measure.rule_text(),
            "figures": [_figure_json(f) for f in found],
            "read_at": now,
        }
        if follows:
            item.self_points = points
        item.save(update_fields=["prefill_points", "prefill", "self_points", "updated_at"])
        filled += points is not None
    refresh_totals(assessment=assessment)
    return filled


# --- scoring -------------------------------------------------------------------------------------------------------


def refresh_totals(*, assessment: Assessment) -> Assessment:
    """Stores both groups' scores and levels and the school's level from the items' effective points."""
    items = list(assessment.items.select_related("criterion"))
    teaching = scoring.group_score(i.points for i in items if i.criterion.group == Group.TEACHING)
    management = scoring.group_score(i.points for i in items if i.criterion.group == Group.MANAGEMENT)
    assessment.teaching_score = teaching
    assessment.management_score = management
    assessment.teaching_level = scoring.group_level(teaching)
    assessment.management_level = scoring.group_level(management)
    assessment.level = scoring.school_level(
        teaching_level=assessment.teaching_level, management_level=assessment.management_level
    )
    assessment.save(
        update_fields=[
            "teaching_score",
            "management_score",
            "teaching_level",
            "management_level",
            "level",
            "updated_at",
        ]
    )
    return assessment


def parse_points(raw: Any, *, max_points: int) -> Decimal:
    """Points typed by a person ("7", "7,5", "7.5"): 0..max, at most two decimals; ValidationError otherwise."""
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Điểm '%(raw)s' không phải là số.") % {"raw": str(raw)[:20]}) from None
    if not value.is_finite() or value < 0 or value > max_points:
        raise ValidationError(_("Điểm phải từ 0 đến %(max)d.") % {"max": max_points})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("Điểm chỉ có tối đa hai chữ số thập phân."))
    return value.quantize(Decimal("0.01"))


def _item(assessment: Assessment, criterion_code: str) -> AssessmentItem:
    item = (
        assessment.items.select_related("criterion").filter(criterion__code=str(criterion_code).strip().upper()).first()
    )
    if item is None:
        raise ValidationError(_("Tiêu chí '%(code)s' không có trong bộ tiêu chí.") % {"code": str(criterion_code)[:16]})
    return item


def _require_editable(assessment: Assessment, by: Any) -> None:
    _require(by, SCHOOL_ROLES, assessment, _("Chỉ cán bộ của trường mới chấm điểm tự đánh giá."))
    if assessment.status not in EDITABLE:
        raise ValidationError(
            _("Bản tự đánh giá đang ở trạng thái “%(status)s”: không sửa được.")
            % {"status": assessment.get_status_display()}
        )


@transaction.atomic
def score_item(
    *, assessment: Assessment, criterion_code: str, points: Any, justification: str = "", by: Any
) -> AssessmentItem:
    """The school's points for a criterion; differing from the measured figure needs a justification."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_editable(assessment, by)
    item = _item(assessment, criterion_code)
    value = parse_points(points, max_points=item.criterion.max_points)
    justification = (justification or "").strip()
    if item.prefill_points is not None and value != item.prefill_points and not justification:
        raise ValidationError(
            _("Điểm %(value)s khác điểm tính từ số liệu (%(prefill)s): hãy ghi giải trình vì sao trường chấm khác.")
            % {"value": value, "prefill": item.prefill_points}
        )
    item.self_points = value
    item.justification = justification[:2000]
    item.save(update_fields=["self_points", "justification", "updated_at"])
    refresh_totals(assessment=assessment)
    return item


# --- evidence ------------------------------------------------------------------------------------------------------


def max_evidence_bytes() -> int:
    return int(getattr(settings, "EDUDX_MAX_EVIDENCE_BYTES", DEFAULT_MAX_EVIDENCE_BYTES))


def check_evidence_file(*, name: str, content: bytes) -> str:
    """The sniffed content type of an acceptable evidence file; ValidationError (Vietnamese) otherwise."""
    import filetype

    limit = max_evidence_bytes()
    if len(content) > limit:
        raise ValidationError(
            _("Tệp quá lớn (%(size).1f MB); giới hạn là %(limit).0f MB.")
            % {"size": len(content) / 1048576, "limit": limit / 1048576}
        )
    if not content:
        raise ValidationError(_("Tệp rỗng."))
    allowed = _("Chỉ nhận PDF, ảnh (JPG, PNG, WEBP) hoặc tài liệu Office (Word, Excel, PowerPoint, OpenDocument).")
    kind = filetype.guess(content[:8192] if not content.startswith(b"PK") else content)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(_("Nội dung tệp không thuộc loại được nhận. %(allowed)s") % {"allowed": allowed})
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_TYPES[kind.mime]:
        raise ValidationError(
            _("Tên tệp có đuôi “%(suffix)s” nhưng nội dung là tệp %(ext)s: hãy tải lên đúng tệp.")
            % {"suffix": suffix or "—", "ext": kind.extension.upper()}
        )
    if kind.mime.startswith(ZIP_BASED):
        try:
            import io

            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            raise ValidationError(_("Tệp Office bị hỏng, không mở được.")) from None
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise ValidationError(_("Tệp có chứa macro; hãy lưu lại dạng không có macro rồi tải lên."))
    return kind.mime


def _safe_original_name(name: str) -> str:
    """Only the last path part, printable, at most 200 characters (shown to people, never used as a path)."""
    base = Path(str(name).replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|')
    return cleaned[-200:] or "minh-chung"


@transaction.atomic
def attach_evidence(*, assessment: Assessment, criterion_code: str, name: str, content: bytes, by: Any) -> Evidence:
    """Stores an evidence file privately under a random name; the same file twice on a criterion is kept once."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_editable(assessment, by)
    item = _item(assessment, criterion_code)
    mime = check_evidence_file(name=name, content=content)
    digest = hashlib.sha256(content).hexdigest()
    existing = Evidence.objects.filter(assessment=assessment, criterion=item.criterion, sha256=digest).first()
    if existing is not None:
        return existing
    original = _safe_original_name(name)
    evidence = Evidence(
        assessment=assessment,
        criterion=item.criterion,
        original_name=original,
        content_type=mime,
        size=len(content),
        sha256=digest,
        uploaded_by=_actor(by),
    )
    evidence.file.save(original, ContentFile(content), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: Evidence, by: Any) -> None:
    assessment = Assessment.objects.select_for_update().get(pk=evidence.assessment_id)
    _require_editable(assessment, by)
    stored = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(stored))


# --- workflow ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    criterion: str
    message: str


def submission_problems(*, assessment: Assessment) -> list[Problem]:
    """What blocks submission: unscored criteria, and points claimed without the required evidence."""
    with_files = set(assessment.evidence.values_list("criterion_id", flat=True))
    problems = []
    for item in sorted(assessment.items.select_related("criterion"), key=lambda i: criterion_sort_key(i.criterion)):
        criterion = item.criterion
        if item.self_points is None:
            problems.append(Problem(criterion.code, _("chưa chấm điểm")))
            continue
        measured = bool(item.prefill.get("figures")) and item.self_points == item.prefill_points
        if criterion.evidence_required and item.self_points > 0 and criterion.pk not in with_files and not measured:
            problems.append(Problem(criterion.code, _("cần tệp minh chứng cho số điểm đã chấm")))
    return problems


def _check_from(assessment: Assessment, *, action: str, allowed_from: tuple[str, ...]) -> None:
    if assessment.status not in allowed_from:
        raise ValidationError(
            _("Không thể “%(action)s” khi bản đánh giá đang ở trạng thái “%(status)s”.")
            % {"action": Action(action).label, "status": assessment.get_status_display()}
        )


def _move(
    assessment: Assessment, *, action: str, to: str, by: Any, comment: str = "", allowed_from: tuple[str, ...]
) -> Assessment:
    _check_from(assessment, action=action, allowed_from=allowed_from)
    AssessmentTransition.objects.create(
        assessment=assessment,
        action=action,
        from_status=assessment.status,
        to_status=to,
        actor=_actor(by),
        comment=comment,
    )
    assessment.status = to
    return assessment


def _locked(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update().select_related("school__org_unit", "school_year").get(pk=assessment.pk)
    )


@transaction.atomic
def submit_assessment(*, assessment: Assessment, by: Any, today: date | None = None) -> Assessment:
    """The school submits its self-assessment (by 31/5 unless the department reopened it)."""
    assessment = _locked(assessment)
    _require(by, SCHOOL_ROLES, assessment, _("Chỉ cán bộ của trường mới nộp bản tự đánh giá."))
    day = today or timezone.localdate()
    if assessment.status in EDITABLE and not can_submit_on(assessment, day):
        raise ValidationError(
            _(
                "Đã quá hạn nộp bản tự đánh giá (ngày %(deadline)s). Liên hệ Sở Giáo dục và Đào tạo để được mở "
                "lại nếu cần nộp muộn."
            )
            % {"deadline": submission_deadline(assessment.school_year).strftime("%d/%m/%Y")}
        )
    problems = submission_problems(assessment=assessment) if assessment.status in EDITABLE else []
    if problems:
        listed = "; ".join(f"{p.criterion}: {p.message}" for p in problems)
        raise ValidationError(_("Chưa nộp được: %(listed)s.") % {"listed": listed})
    _move(assessment, action=Action.SUBMIT, to=Status.SUBMITTED, by=by, allowed_from=EDITABLE)
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at", "updated_at"])
    return assessment


def _required_comment(comment: str, message: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(message)
    return comment[:2000]


@transaction.atomic
def request_more_evidence(*, assessment: Assessment, by: Any, comment: str) -> Assessment:
    """The unit or department sends the assessment back to the school, saying what is missing."""
    assessment = _locked(assessment)
    _require(by, REVIEWER_ROLES, assessment, _("Chỉ đơn vị quản lý hoặc Sở mới yêu cầu bổ sung minh chứng."))
    comment = _required_comment(comment, _("Hãy ghi rõ trường cần bổ sung minh chứng gì."))
    _move(
        assessment, action=Action.REQUEST_EVIDENCE, to=Status.RETURNED, by=by, comment=comment,
        allowed_from=(Status.SUBMITTED,),
    )  # fmt: skip
    assessment.save(update_fields=["status", "updated_at"])
    return assessment


@transaction.atomic
def verify_assessment(
    *, assessment: Assessment, by: Any, adjustments: dict[str, tuple[Any, str]] | None = None, comment: str = ""
) -> Assessment:
    """The unit or department verifies: adjusted points (each with a comment) replace the school's."""
    assessment = _locked(assessment)
    _require(by, REVIEWER_ROLES, assessment, _("Chỉ đơn vị quản lý hoặc Sở mới thẩm định."))
    _check_from(assessment, action=Action.VERIFY, allowed_from=(Status.SUBMITTED,))
    for code, (raw, note) in (adjustments or {}).items():
        item = _item(assessment, code)
        value = parse_points(raw, max_points=item.criterion.max_points)
        if value == item.self_points:
            continue
        note = _required_comment(
            note, _("Tiêu chí %(code)s: ghi ý kiến khi điều chỉnh điểm.") % {"code": item.criterion.code}
        )
        item.verified_points = value
        item.verifier_comment = note
        item.save(update_fields=["verified_points", "verifier_comment", "updated_at"])
    refresh_totals(assessment=assessment)
    _move(
        assessment, action=Action.VERIFY, to=Status.VERIFIED, by=by, comment=(comment or "").strip()[:2000],
        allowed_from=(Status.SUBMITTED,),
    )  # fmt: skip
    assessment.verified_at = timezone.now()
    assessment.save(update_fields=["status", "verified_at", "updated_at"])
    return assessment


@transaction.atomic
def publish_assessment(*, assessment: Assessment, by: Any, comment: str = "") -> Assessment:
    """The unit or department publishes the verified level (due by 20/6; later is recorded, not refused)."""
    assessment = _locked(assessment)
    _require(by, REVIEWER_ROLES, assessment, _("Chỉ đơn vị quản lý hoặc Sở mới công bố mức độ chuyển đổi số."))
    _move(
        assessment, action=Action.PUBLISH, to=Status.PUBLISHED, by=by, comment=(comment or "").strip()[:2000],
        allowed_from=(Status.VERIFIED,),
    )  # fmt: skip
    assessment.published_at = timezone.now()
    assessment.save(update_fields=["status", "published_at", "updated_at"])
    return assessment


@transaction.atomic
def reopen_assessment(
    *, assessment: Assessment, by: Any, comment: str, until: date | None = None, today: date | None = None
) -> Assessment:
    """The department sends the assessment back to draft and lets the school submit until ``until``; audited."""
    assessment = _locked(assessment)
    _require(by, DEPARTMENT_ROLES, assessment, _("Chỉ Sở Giáo dục và Đào tạo mới mở lại bản đánh giá."))
    comment = _required_comment(comment, _("Hãy ghi lý do mở lại."))
    day = today or timezone.localdate()
    until = until or day + timedelta(days=DEFAULT_REOPEN_DAYS)
    if until < day:
        raise ValidationError(_("Ngày hết hạn mở lại phải từ hôm nay trở đi."))
    before = {"status": assessment.status, "reopened_until": str(assessment.reopened_until or "")}
    AssessmentTransition.objects.create(
        assessment=assessment,
        action=Action.REOPEN,
        from_status=assessment.status,
        to_status=Status.DRAFT,
        actor=_actor(by),
        comment=comment,
    )
    # The verifier's adjustments belonged to the verification being undone: the next one starts afresh (they stay
    # in the audit entry below).
    adjusted = {
        item.criterion.code: [str(item.verified_points), item.verifier_comment]
        for item in assessment.items.select_related("criterion").filter(verified_points__isnull=False)
    }
    assessment.items.filter(verified_points__isnull=False).update(verified_points=None, verifier_comment="")
    assessment.status = Status.DRAFT
    assessment.reopened_until = until
    assessment.published_at = None
    assessment.verified_at = None
    assessment.save(update_fields=["status", "reopened_until", "published_at", "verified_at", "updated_at"])
    refresh_totals(assessment=assessment)
    AuditEntry.objects.create(
        org_unit=assessment.school.org_unit,
        entity="maturity.assessment",
        entity_id=assessment.pk,
        action=AuditEntry.Action.UPDATE,
        changes={
            "status": [before["status"], Status.DRAFT],
            "reopened_until": [before["reopened_until"], str(until)],
            **({"adjustments": [adjusted, {}]} if adjusted else {}),
        },
        actor=_actor(by),
        note=comment[:200],
    )
    return assessment
