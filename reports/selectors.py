"""Reads of the stored data-quality scores, always through the caller's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet

from edudx.core.models import Job
from edudx.core.scoping import Scope, scope_of
from schools.models import OrgUnit, School, SchoolYear

from .models import DataQualityScore, IndicatorValue

# Who sees the ranking and the "what to fix" pages: the registry's keepers, not teachers.
QUALITY_ROLES = ("department_admin", "department_staff", "unit_staff", "school_admin")
QUALITY_JOB_KIND = "compute_quality"


def quality_scope(*, visible_to: Any) -> Scope:
    return scope_of(visible_to).only(QUALITY_ROLES)


def list_quality_ranking(
    *,
    visible_to: Any,
    school_year: SchoolYear,
    unit: OrgUnit | None = None,
    level: str | None = None,
    best_first: bool = False,
) -> QuerySet[School]:
    """Active schools in scope with their score for the year (``q_*``); schools not yet computed come last."""
    schools = School.objects.visible_to(visible_to, roles=QUALITY_ROLES).filter(org_unit__is_active=True)
    if unit is not None:
        schools = schools.filter(org_unit__path__startswith=unit.path)
    if level:
        schools = schools.filter(**{f"level_{level.lower()}": True})
    schools = schools.annotate(
        q=FilteredRelation("quality_scores", condition=Q(quality_scores__school_year=school_year)),
        q_correct=F("q__correct"),
        q_complete=F("q__complete"),
        q_clean=F("q__clean"),
        q_alive=F("q__alive"),
        q_score=F("q__score"),
        q_records=F("q__record_count"),
        q_computed_at=F("q__computed_at"),
    )
    score = F("q_score").desc(nulls_last=True) if best_first else F("q_score").asc(nulls_last=True)
    return schools.select_related("org_unit__parent").order_by(score, "org_unit__code")


def get_quality_school(*, visible_to: Any, code: str) -> School:
    """The school with that code inside the caller's quality scope; DoesNotExist (→ 404) otherwise."""
    return (
        School.objects.visible_to(visible_to, roles=QUALITY_ROLES)
        .select_related("org_unit__parent")
        .get(org_unit__code=code)
    )


def get_quality_score(*, school: School, school_year: SchoolYear) -> DataQualityScore | None:
    return DataQualityScore.objects.filter(school=school, school_year=school_year).first()


def quality_roots(*, visible_to: Any) -> list[OrgUnit]:
    """The top units of the caller's quality scope: where a recompute without a chosen unit applies."""
    scope = quality_scope(visible_to=visible_to)
    if scope.unrestricted:
        return list(OrgUnit.objects.filter(parent__isnull=True, is_active=True).order_by("code"))
    return list(OrgUnit.objects.filter(path__in=scope.roots(), is_active=True).order_by("path"))


def quality_units(*, visible_to: Any) -> list[OrgUnit]:
    """Management units directly under the caller's scope roots: the ranking's unit filter."""
    roots = quality_roots(visible_to=visible_to)
    if not roots:
        return []
    return list(
        OrgUnit.objects.filter(parent__in=roots, kind=OrgUnit.Kind.UNIT, is_active=True).order_by("name", "code")
    )


def school_years() -> list[SchoolYear]:
    return list(SchoolYear.objects.order_by("-code"))


def default_school_year() -> SchoolYear | None:
    return SchoolYear.objects.filter(is_current=True).first() or SchoolYear.objects.order_by("-code").first()


def pending_quality_job(*, org_unit: OrgUnit, school_year: SchoolYear) -> Job | None:
    """A recompute of the same unit and year that has not finished yet (so a second click reuses it)."""
    return (
        Job.objects.filter(
            kind=QUALITY_JOB_KIND,
            org_unit=org_unit,
            params__school_year=school_year.code,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )


def list_quality_jobs(*, visible_to: Any, ids: list[str]) -> list[Job]:
    return list(Job.objects.visible_to(visible_to).filter(kind=QUALITY_JOB_KIND, pk__in=ids).order_by("created_at"))


def stored_indicator_values(
    *, visible_to: Any, org_unit_ids: list[int], school_year: SchoolYear, codes: list[str]
) -> list[IndicatorValue]:
    """Stored values (never recomputed) of those indicators for those units and year, inside the caller's scope."""
    return list(
        IndicatorValue.objects.visible_to(visible_to)
        .filter(org_unit_id__in=org_unit_ids, school_year=school_year, indicator__in=codes)
        .select_related("org_unit")
    )
