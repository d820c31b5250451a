"""The workflow: submit (deadline), request evidence, verify (adjustments), publish, the audited reopen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.models import AuditEntry

from ..models import Action, Assessment, AssessmentTransition, Status
from .assessments import (
    DEFAULT_REOPEN_DAYS,
    DEPARTMENT_ROLES,
    EDITABLE,
    REVIEWER_ROLES,
    SCHOOL_ROLES,
    _actor,
    _item,
    _require,
    can_submit_on,
    criterion_sort_key,
    parse_points,
    refresh_totals,
    submission_deadline,
)

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
    """The school submits its self-assessment (by 31/5 unless the department reopened it; a returned one any time)."""
    assessment = _locked(assessment)
    _require(by, SCHOOL_ROLES, assessment, _("Chỉ cán bộ của trường mới nộp bản tự đánh giá."))
    day = today or timezone.localdate()
    # The deadline is for the first submission: an assessment the unit sent back for more evidence (possibly
    # after 31/5) is resubmitted whenever the school has it ready.
    if assessment.status == Status.DRAFT and not can_submit_on(assessment, day):
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
