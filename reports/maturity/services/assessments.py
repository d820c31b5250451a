"""Starting a self-assessment, its pre-fill from stored indicator values, scoring, deadlines and who may act."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.jobs import SYSTEM
from edudx.core.scoping import scope_of
from reports.selectors import stored_indicator_values
from schools.models import School, SchoolYear

from .. import scoring
from ..models import Assessment, AssessmentItem, CriteriaSet, Criterion, Group, Status
from ..selectors import is_concerned

SCHOOL_ROLES = ("school_admin",)
REVIEWER_ROLES = ("unit_staff", "department_staff", "department_admin")
DEPARTMENT_ROLES = ("department_staff", "department_admin")
EDITABLE = (Status.DRAFT, Status.RETURNED)
DEFAULT_REOPEN_DAYS = 14


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
    items = [AssessmentItem(assessment=assessment, criterion=c) for c in criteria_set.criteria.all()]
    _apply_prefill(assessment=assessment, items=items)  # pre-filled in memory: one INSERT for every item
    AssessmentItem.objects.bulk_create(items)
    refresh_totals(assessment=assessment)
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


def _apply_prefill(*, assessment: Assessment, items: list[AssessmentItem]) -> list[AssessmentItem]:
    """Sets each measurable item's figures and points from the stored values; returns the items that changed
    (an item the school has not overridden follows its figure). ``read_at`` is when the figures last changed."""
    figures = measured_figures(assessment=assessment)
    now = timezone.now()
    changed = []
    for item in items:
        measure = scoring.MEASURES.get(item.criterion.measure)
        if measure is None:
            continue
        found = figures.get(measure.key, [])
        points = scoring.prefill_points(measure=measure, figures=found, max_points=item.criterion.max_points)
        prefill = {"measure": measure.key, "rule": measure.rule_text(), "figures": [_figure_json(f) for f in found]}
        follows = item.self_points is None or (item.self_points == item.prefill_points and not item.justification)
        self_points = points if follows else item.self_points
        old = {key: value for key, value in item.prefill.items() if key != "read_at"}
        if old == prefill and item.prefill_points == points and item.self_points == self_points:
            continue
        item.prefill_points = points
        item.prefill = {**prefill, "read_at": now.isoformat()}
        item.self_points = self_points
        item.updated_at = now  # bulk_update does not apply auto_now
        changed.append(item)
    return changed


@transaction.atomic
def refresh_prefill(*, assessment: Assessment) -> int:
    """Re-reads the stored indicator values of measurable criteria; items the school has not overridden follow
    the new figure; unchanged items are not written. Returns how many items have a figure. Only while editing."""
    if assessment.status not in EDITABLE:
        return 0
    items = list(assessment.items.select_related("criterion").exclude(criterion__measure=""))
    changed = _apply_prefill(assessment=assessment, items=items)
    if changed:
        AssessmentItem.objects.bulk_update(changed, ["prefill_points", "prefill", "self_points", "updated_at"])
        refresh_totals(assessment=assessment)
    return sum(item.prefill_points is not None for item in items)


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
