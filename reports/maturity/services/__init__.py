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

from django.core.exceptions import PermissionDenied, ValidationError

from .assessments import (
    DEPARTMENT_ROLES,
    EDITABLE,
    REVIEWER_ROLES,
    SCHOOL_ROLES,
    active_criteria_set,
    can_edit,
    can_reopen,
    can_review,
    can_submit_on,
    criterion_sort_key,
    measured_figures,
    parse_points,
    publication_deadline,
    refresh_prefill,
    refresh_totals,
    score_item,
    start_assessment,
    submission_deadline,
    today,
)
from .evidence import ALLOWED_TYPES, attach_evidence, check_evidence_file, max_evidence_bytes, remove_evidence
from .workflow import (
    Problem,
    publish_assessment,
    reopen_assessment,
    request_more_evidence,
    submission_problems,
    submit_assessment,
    verify_assessment,
)

__all__ = [
    "ALLOWED_TYPES",
    "DEPARTMENT_ROLES",
    "EDITABLE",
    "REVIEWER_ROLES",
    "SCHOOL_ROLES",
    "PermissionDenied",
    "Problem",
    "ValidationError",
    "active_criteria_set",
    "attach_evidence",
    "can_edit",
    "can_reopen",
    "can_review",
    "can_submit_on",
    "check_evidence_file",
    "criterion_sort_key",
    "max_evidence_bytes",
    "measured_figures",
    "parse_points",
    "publication_deadline",
    "publish_assessment",
    "refresh_prefill",
    "refresh_totals",
    "remove_evidence",
    "reopen_assessment",
    "request_more_evidence",
    "score_item",
    "start_assessment",
    "submission_deadline",
    "submission_problems",
    "submit_assessment",
    "today",
    "verify_assessment",
]
