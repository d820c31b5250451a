"""Reads of the DX self-assessment, always through the caller's scope (out of scope: DoesNotExist → 404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from edudx.core.scoping import scope_of
from schools.models import OrgUnit, School, SchoolYear

from .models import Assessment, AssessmentItem, AssessmentTransition, Evidence, Group, Level, Status

MATURITY_ROLES = ("department_admin", "department_staff", "unit_staff", "school_admin", "api_token")
LIST_ROLES = ("department_admin", "department_staff", "unit_staff", "api_token")
NOT_SUBMITTED = (Status.DRAFT, Status.RETURNED)
# Decision 4725 assesses general-education and continuing-education schools; a preschool-only school is not
# assessed with this set (it is left out of completeness and totals, and cannot start an assessment).
CONCERNED_SCHOOLS = Q(level_th=True) | Q(level_thcs=True) | Q(level_thpt=True) | Q(level_gdtx=True)


def concerned_schools(*, visible_to: Any, unit: OrgUnit | None = None) -> QuerySet[School]:
    """Active general and continuing-education schools in the reviewer's scope (``unit``: its subtree)."""
    schools = School.objects.visible_to(visible_to, roles=LIST_ROLES)
    schools = schools.filter(CONCERNED_SCHOOLS, org_unit__is_active=True)
    if unit is not None:
        schools = schools.filter(org_unit__path__startswith=unit.path)
    return schools


def is_concerned(school: School) -> bool:
    return bool(school.level_th or school.level_thcs or school.level_thpt or school.level_gdtx)


def can_use_maturity(*, visible_to: Any) -> bool:
    return not scope_of(visible_to).only(MATURITY_ROLES).is_empty


def can_list(*, visible_to: Any) -> bool:
    return not scope_of(visible_to).only(LIST_ROLES).is_empty


def holds_role(*, visible_to: Any, school: School, roles: tuple[str, ...]) -> bool:
    scope = scope_of(visible_to)
    return any(scope.has_role(role, school.org_unit.path) for role in roles)


def own_schools(*, visible_to: Any) -> QuerySet[School]:
    """Schools the caller holds ``school_admin`` on (where a self-assessment is filled in)."""
    return (
        School.objects.visible_to(visible_to, roles=("school_admin",))
        .filter(org_unit__is_active=True)
        .select_related("org_unit")
    )


def get_school(*, visible_to: Any, code: str) -> School:
    return (
        School.objects.visible_to(visible_to, roles=MATURITY_ROLES)
        .select_related("org_unit__parent")
        .get(org_unit__code=code.strip().upper())
    )


def find_assessment(*, school: School, school_year: SchoolYear) -> Assessment | None:
    return (
        Assessment.objects.filter(school=school, school_year=school_year)
        .select_related("school__org_unit", "school_year", "criteria_set")
        .first()
    )


def list_items(*, assessment: Assessment) -> list[AssessmentItem]:
    items = assessment.items.select_related("criterion")
    return sorted(items, key=lambda item: (item.criterion.group != Group.TEACHING, item.criterion.order))


def list_evidence(*, assessment: Assessment) -> dict[int, list[Evidence]]:
    """Evidence files per criterion id."""
    result: dict[int, list[Evidence]] = {}
    for evidence in assessment.evidence.order_by("uploaded_at"):
        result.setdefault(evidence.criterion_id, []).append(evidence)
    return result


def list_transitions(*, assessment: Assessment) -> list[AssessmentTransition]:
    return list(assessment.transitions.select_related("actor").order_by("at", "pk"))


def get_evidence(*, visible_to: Any, evidence_id: Any) -> Evidence:
    return (
        Evidence.objects.visible_to(visible_to, roles=MATURITY_ROLES)
        .select_related("assessment__school__org_unit")
        .get(pk=evidence_id)
    )


def list_units(*, visible_to: Any) -> list[OrgUnit]:
    """Management units (and the department) the caller may filter by."""
    return list(
        OrgUnit.objects.visible_to(visible_to, roles=LIST_ROLES)
        .filter(kind__in=(OrgUnit.Kind.UNIT, OrgUnit.Kind.DEPARTMENT), is_active=True)
        .order_by("path")
    )


def get_unit(*, visible_to: Any, code: str) -> OrgUnit | None:
    return (
        OrgUnit.objects.visible_to(visible_to, roles=MATURITY_ROLES)
        .filter(code=code.strip().upper(), kind__in=(OrgUnit.Kind.UNIT, OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.SCHOOL))
        .first()
    )


def list_assessments(
    *,
    visible_to: Any,
    school_year: SchoolYear,
    status: str | None = None,
    level: int | None = None,
    unit: OrgUnit | None = None,
    roles: tuple[str, ...] = MATURITY_ROLES,
) -> QuerySet[Assessment]:
    """Assessments of the year in scope (``unit``: within its subtree), by school code."""
    assessments = Assessment.objects.visible_to(visible_to, roles=roles).filter(school_year=school_year)
    if unit is not None:
        assessments = assessments.filter(school__org_unit__path__startswith=unit.path)
    if status:
        assessments = assessments.filter(status=status)
    if level:
        assessments = assessments.filter(level=level)
    return assessments.select_related("school__org_unit__parent", "school_year", "criteria_set").order_by(
        "school__org_unit__code"
    )


def list_not_submitted(*, visible_to: Any, school_year: SchoolYear, unit: OrgUnit | None = None) -> QuerySet[School]:
    """Active schools in scope whose assessment is missing, still a draft, or returned for more evidence
    (``dx_status``: the assessment's status, None when not started)."""
    submitted = Assessment.objects.filter(school=OuterRef("pk"), school_year=school_year).exclude(
        status__in=NOT_SUBMITTED
    )
    schools = concerned_schools(visible_to=visible_to, unit=unit)
    status = Assessment.objects.filter(school=OuterRef("pk"), school_year=school_year).values("status")[:1]
    return (
        schools.filter(~Exists(submitted))
        .annotate(dx_status=Subquery(status))
        .select_related("org_unit__parent")
        .order_by("org_unit__parent__code", "org_unit__code")
    )


@dataclass
class UnitLevels:
    code: str
    name: str
    counts: dict[int, int] = field(default_factory=dict)
    schools: int = 0

    @property
    def published(self) -> int:
        return sum(self.counts.values())


def published_levels_by_unit(
    *, visible_to: Any, school_year: SchoolYear, unit: OrgUnit | None = None
) -> list[UnitLevels]:
    """Per unit directly above the schools: how many published schools are at each level, and how many schools."""
    rows = (
        list_assessments(visible_to=visible_to, school_year=school_year, unit=unit, roles=LIST_ROLES)
        .filter(status=Status.PUBLISHED, school__in=concerned_schools(visible_to=visible_to, unit=unit))
        .order_by()
        .values("school__org_unit__parent__code", "school__org_unit__parent__name")
        .annotate(**{f"level_{lv}": Count("pk", filter=Q(level=lv)) for lv in Level.values})
    )
    schools = concerned_schools(visible_to=visible_to, unit=unit)
    totals = {
        row["org_unit__parent__code"]: (row["org_unit__parent__name"], row["n"])
        for row in schools.order_by().values("org_unit__parent__code", "org_unit__parent__name").annotate(n=Count("pk"))
    }
    result: dict[str, UnitLevels] = {
        code: UnitLevels(code=code, name=name, counts=dict.fromkeys(Level.values, 0), schools=n)
        for code, (name, n) in totals.items()
    }
    for row in rows:
        code = row["school__org_unit__parent__code"]
        entry = result.setdefault(code, UnitLevels(code=code, name=row["school__org_unit__parent__name"], counts={}))
        entry.counts = {lv: row[f"level_{lv}"] for lv in Level.values}
    return sorted(result.values(), key=lambda u: u.code)
