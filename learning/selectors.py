"""Reads of the learning library, always through the caller's scope (``visible_to``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ContentStatus, KnowledgeUnit, Question, QuestionBank, Resource, Review, Subject, Topic


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
        .filter(resource__status=ContentStatus.IN_REVIEW)
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
