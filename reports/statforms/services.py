"""Writes of the report forms: the approval chain school → management unit → department (SPEC §5).

A school submits a form (only when its figures pass every validation rule); the snapshot of its cells is stored
with the form's version. Its management unit (its parent in that year's tree) approves or returns it with a
comment; then the department approves, which locks the figures for the school year. A school directly under the
department (THPT, GDTX) goes straight to the department. Only the department reopens an approved form, and the
reopening is written to the audit log. Who may act is decided by the roles the person holds on the school's path;
a submission outside their scope never reaches these functions (the views answer 404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.audit import AuditWriter
from edudx.core.scoping import scope_of
from schools.models import School, SchoolYear

from .engine import FormDefinition
from .models import FormSubmission, ReportingPeriod, SubmissionEvent
from .rules import Failure, check_rules
from .selectors import form_figures, managing_unit

DEPARTMENT_ROLES = ("department_admin", "department_staff")
UNIT_ROLES = ("unit_staff",)
SCHOOL_ROLES = ("school_admin",)

Status = FormSubmission.Status
Action = SubmissionEvent.Action


class ApprovalError(Exception):
    """The step is not possible now (wrong status, or not this person's step): the message says why."""


class NotAllowed(ApprovalError):
    """The person holds no role that may take this step on this school."""


class RulesBroken(ApprovalError):
    """The figures break validation rules: submission is refused, each failure says what to fix."""

    def __init__(self, failures: list[Failure]):
        super().__init__(_("Số liệu chưa hợp lệ: %(n)d quy tắc kiểm tra không đạt.") % {"n": len(failures)})
        self.failures = failures


def holds(principal: Any, roles: tuple[str, ...], path: str) -> bool:
    """Whether the principal holds one of the roles on a unit whose subtree contains ``path``."""
    if getattr(principal, "is_api_token", False):
        return False  # approvals are people's decisions, never a token's
    scope = scope_of(principal)
    return scope.unrestricted or any(scope.has_role(role, path) for role in roles)


def _event(submission: FormSubmission, action: str, before: str, by: Any, comment: str = "") -> None:
    SubmissionEvent.objects.create(
        submission=submission, action=action, from_status=before, to_status=submission.status, actor=by, comment=comment
    )


def _locked(submission_id: int) -> FormSubmission:
    return (
        FormSubmission.objects.select_for_update()
        .select_related("school__org_unit", "school_year")
        .get(pk=submission_id)
    )


@transaction.atomic
def submit_form(*, form: FormDefinition, school: School, school_year: SchoolYear, by: Any) -> FormSubmission:
    """The school submits the form's current figures; refused while any validation rule fails or while an earlier
    submission is still in the chain (under review or approved)."""
    path = school.org_unit.path
    if not holds(by, SCHOOL_ROLES, path):
        raise NotAllowed(_("Chỉ cán bộ quản trị của trường mới nộp được báo cáo của trường."))
    if not form.concerns(school.levels):
        raise ApprovalError(_("Biểu %(code)s không áp dụng cho trường này.") % {"code": form.code})
    existing = (
        FormSubmission.objects.select_for_update()
        .filter(form_code=form.code, school=school, school_year=school_year)
        .first()
    )
    if existing is not None and existing.status in FormSubmission.IN_CHAIN:
        raise ApprovalError(
            _("Biểu đã nộp (trạng thái: %(status)s); không nộp lại được.") % {"status": existing.get_status_display()}
        )
    figures = form_figures(form=form, org_unit=school.org_unit, school_year=school_year, principal=by, live=True)
    failures = check_rules(form=form, cells=figures.cells)
    if failures:
        raise RulesBroken(failures)
    before = existing.status if existing else ""
    values = {
        "form_version": form.version,
        "period": form.period,
        "status": Status.SUBMITTED,
        "cells": figures.cells,
        "comment": "",
        "submitted_at": timezone.now(),
        "submitted_by": by,
        "approved_at": None,
    }
    if existing is None:
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(
                    form_code=form.code, school=school, school_year=school_year, **values
                )
        except IntegrityError as error:  # the same form submitted twice at once: the first one stands
            raise ApprovalError(_("Biểu vừa được nộp; hãy tải lại trang.")) from error
    else:
        submission = existing
        for name, value in values.items():
            setattr(submission, name, value)
        submission.save()
    _event(submission, Action.SUBMIT, before, by)
    return submission


def review_step(submission: FormSubmission, by: Any) -> str:
    """Which step the person may take on the submission now: unit_approve, department_approve, or an error."""
    path = submission.school.org_unit.path
    unit = managing_unit(school=submission.school, school_year=submission.school_year)
    if submission.status == Status.SUBMITTED:
        if unit is None:
            if holds(by, DEPARTMENT_ROLES, path):
                return Action.DEPARTMENT_APPROVE
            raise NotAllowed(_("Trường trực thuộc Sở: chỉ Sở duyệt báo cáo này."))
        if holds(by, UNIT_ROLES, path):
            return Action.UNIT_APPROVE
        if holds(by, DEPARTMENT_ROLES, path):
            raise ApprovalError(_("Báo cáo đang chờ %(unit)s duyệt trước.") % {"unit": unit.name})
        raise NotAllowed(_("Chỉ đơn vị quản lý của trường mới duyệt được báo cáo này."))
    if submission.status == Status.UNIT_APPROVED:
        if holds(by, DEPARTMENT_ROLES, path):
            return Action.DEPARTMENT_APPROVE
        raise NotAllowed(_("Báo cáo đang chờ Sở duyệt."))
    raise ApprovalError(
        _("Không duyệt được báo cáo ở trạng thái “%(status)s”.") % {"status": submission.get_status_display()}
    )


def allowed_actions(*, submission: FormSubmission | None, by: Any) -> set[str]:
    """The steps the person may take on the submission now ("review": approve or return; "reopen")."""
    if submission is None:
        return set()
    actions = set()
    try:
        review_step(submission, by)
    except ApprovalError:
        pass
    else:
        actions.add("review")
    if submission.status in (Status.APPROVED, Status.UNIT_APPROVED) and holds(
        by, DEPARTMENT_ROLES, submission.school.org_unit.path
    ):
        actions.add("reopen")
    return actions


@transaction.atomic
def approve_submission(*, submission: FormSubmission, by: Any, comment: str = "") -> FormSubmission:
    """The management unit approves a submitted form, then the department approves and so locks its figures."""
    submission = _locked(submission.pk)
    step = review_step(submission, by)
    before = submission.status
    if step == Action.UNIT_APPROVE:
        submission.status = Status.UNIT_APPROVED
    else:
        submission.status = Status.APPROVED
        submission.approved_at = timezone.now()
    submission.save(update_fields=["status", "approved_at", "updated_at"])
    _event(submission, step, before, by, comment.strip())
    return submission


@transaction.atomic
def return_submission(*, submission: FormSubmission, by: Any, comment: str) -> FormSubmission:
    """Whoever's step it is sends the form back to the school with a comment (required: what to correct)."""
    comment = (comment or "").strip()
    if not comment:
        raise ApprovalError(_("Hãy ghi ý kiến: trường cần sửa gì trước khi nộp lại."))
    submission = _locked(submission.pk)
    review_step(submission, by)
    before = submission.status
    submission.status = Status.RETURNED
    submission.comment = comment[:2000]
    submission.save(update_fields=["status", "comment", "updated_at"])
    _event(submission, Action.RETURN, before, by, submission.comment)
    return submission


@transaction.atomic
def reopen_submission(*, submission: FormSubmission, by: Any, comment: str) -> FormSubmission:
    """Only the department reopens an approved (or unit-approved) form, with a reason; the reopening is audited."""
    comment = (comment or "").strip()
    submission = _locked(submission.pk)
    if not holds(by, DEPARTMENT_ROLES, submission.school.org_unit.path):
        raise NotAllowed(_("Chỉ Sở mới mở lại được báo cáo đã duyệt."))
    if submission.status not in (Status.APPROVED, Status.UNIT_APPROVED):
        raise ApprovalError(_("Chỉ mở lại được báo cáo đã duyệt."))
    if not comment:
        raise ApprovalError(_("Hãy ghi lý do mở lại báo cáo."))
    before = submission.status
    submission.status = Status.REOPENED
    submission.comment = comment[:2000]
    submission.save(update_fields=["status", "comment", "updated_at"])
    _event(submission, Action.REOPEN, before, by, submission.comment)
    audit = AuditWriter(org_unit=submission.school.org_unit, actor=by, note=_("Mở lại báo cáo thống kê"))
    audit.updated(
        "statforms.submission",
        submission.pk,
        {
            "status": [before, submission.status],
            "form": [submission.form_code, submission.form_code],
            "reason": ["", comment],
        },
    )
    audit.flush()
    return submission


@transaction.atomic
def set_deadline(*, school_year: SchoolYear, period: str, deadline: dt.date, by: Any) -> ReportingPeriod:
    """The department sets the deadline of a reporting period (beginning / end of the school year)."""
    scope = scope_of(by)
    is_department = scope.unrestricted or any(scope.has_role(role) for role in DEPARTMENT_ROLES)
    if getattr(by, "is_api_token", False) or not is_department:
        raise NotAllowed(_("Chỉ Sở mới đặt hạn nộp báo cáo."))
    row, _created = ReportingPeriod.objects.update_or_create(
        school_year=school_year, period=period, defaults={"deadline": deadline}
    )
    return row
