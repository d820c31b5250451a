"""Reads of the learning library, always through the caller's scope (``visible_to``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from edudx.core.scoping import scope_of
from schools.models import OrgUnit, SchoolYear

from .models import (
    ContentStatus,
    KnowledgeUnit,
    Question,
    QuestionBank,
    Resource,
    Review,
    Subject,
    TestBlueprint,
    Topic,
)


def list_resources(*, visible_to: Any) -> QuerySet[Resource]:
    return Resource.objects.visible_to(visible_to).select_related("subject", "org_unit")


def get_resource(*, visible_to: Any, uid: Any) -> Resource:
    return list_resources(visible_to=visible_to).get(uid=uid)


def published_resources(*, visible_to: Any) -> QuerySet[Resource]:
    return list_resources(visible_to=visible_to).filter(status=ContentStatus.PUBLISHED)


def reviewer_queue(*, reviewer: Any) -> QuerySet[Review]:
    """The reviewer's open assignments, oldest first."""
    return (
        Review.objects.filter(reviewer_id=getattr(reviewer, "pk", None), decision="")
        .filter(Q(resource__status=ContentStatus.IN_REVIEW) | Q(resource__revision_status=ContentStatus.IN_REVIEW))
        .select_related("resource__subject", "question")
        .order_by("assigned_at")
        | Review.objects.filter(
            reviewer_id=getattr(reviewer, "pk", None), decision="", question__status=ContentStatus.IN_REVIEW
        )
    ).order_by("assigned_at")


def get_open_review(*, reviewer: Any, pk: int) -> Review:
    return reviewer_queue(reviewer=reviewer).get(pk=pk)


def list_banks(*, visible_to: Any) -> QuerySet[QuestionBank]:
    return QuestionBank.objects.visible_to(visible_to)


def list_questions(*, visible_to: Any) -> QuerySet[Question]:
    return Question.objects.visible_to(visible_to).select_related("bank", "category")


def catalogue_subjects() -> QuerySet[Subject]:
    return Subject.objects.order_by("name")


def list_knowledge_units(*, subject: Subject | None = None, grade: int | None = None) -> QuerySet[KnowledgeUnit]:
    units = KnowledgeUnit.objects.select_related("topic__subject")
    if subject is not None:
        units = units.filter(topic__subject=subject)
    if grade is not None:
        units = units.filter(topic__grade=grade)
    return units.order_by("topic__subject__name", "topic__grade", "topic__position", "position")


def list_topics(*, subject: Subject | None = None, grade: int | None = None) -> QuerySet[Topic]:
    topics = Topic.objects.select_related("subject")
    if subject is not None:
        topics = topics.filter(subject=subject)
    if grade is not None:
        topics = topics.filter(grade=grade)
    return topics


# ------------------------------------------------------------------------------------------------ coverage


def _published_by(school_year: SchoolYear) -> Q:
    published = Q(resources__status=ContentStatus.PUBLISHED)
    if school_year.is_current:
        return published  # the library as it stands
    end = datetime.combine(school_year.end_date, time.max, tzinfo=timezone.get_current_timezone())
    return published & Q(resources__published_at__lte=end)


def content_coverage(*, school_year: SchoolYear) -> tuple[int, int]:
    """LEARNING_CONTENT_COVERAGE (SPEC §4): knowledge units with at least one published resource / all knowledge
    units of the catalogue. For a past year, only resources published by its end (and still published) count."""
    covered = KnowledgeUnit.objects.filter(_published_by(school_year)).values("pk").distinct().count()
    return covered, KnowledgeUnit.objects.count()


@dataclass
class CoverageRow:
    subject: Subject
    grade: int
    total: int
    covered: int
    missing: list[KnowledgeUnit]

    @property
    def percent(self) -> float | None:
        return round(100 * self.covered / self.total, 1) if self.total else None


def coverage_by_subject_and_grade(*, subject: Subject | None = None) -> list[CoverageRow]:
    """Per subject and grade: how many knowledge units have a published resource, and which do not yet."""
    units = list_knowledge_units(subject=subject).annotate(
        published=Count("resources", filter=Q(resources__status=ContentStatus.PUBLISHED))
    )
    rows: dict[tuple[int, int], CoverageRow] = {}
    for unit in units:
        key = (unit.topic.subject_id, unit.topic.grade)
        row = rows.get(key)
        if row is None:
            row = rows[key] = CoverageRow(unit.topic.subject, unit.topic.grade, 0, 0, [])
        row.total += 1
        if unit.published:
            row.covered += 1
        else:
            row.missing.append(unit)
    return sorted(rows.values(), key=lambda r: (r.subject.name, r.grade))


def contributor_units(*, user: Any) -> QuerySet[OrgUnit]:
    """The units where the user holds a role that may contribute resources (their own school, unit, department)."""
    scope = scope_of(user)
    roles = {"teacher", "school_admin", "unit_staff", "department_staff", "department_admin"}
    paths = [grant.path for grant in scope.grants if grant.role in roles]
    if scope.unrestricted:
        return OrgUnit.objects.filter(is_active=True).exclude(kind=OrgUnit.Kind.SITE).order_by("path")
    return OrgUnit.objects.filter(path__in=paths, is_active=True).order_by("path")


def own_resources(*, user: Any) -> QuerySet[Resource]:
    """Every resource of the units the user works in, whatever its state (their workspace)."""
    scope = scope_of(user)
    return Resource.objects.filter(scope.q("org_unit__path")).select_related("subject", "org_unit")


def list_blueprints(*, visible_to: Any) -> QuerySet[TestBlueprint]:
    return TestBlueprint.objects.visible_to(visible_to).select_related("bank")
