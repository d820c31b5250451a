"""The review council: submission, assignment of the subject council's reviewers, verdicts, publication.

draft / changes requested → submitted → in review (reviewers of the council of the item's subject and school
level, chosen by fewest open reviews) → approved & published | changes requested | rejected. A round ends when
every assigned reviewer has decided: any rejection rejects, else any change request asks for changes, else the
item is published. Resources and questions follow the same rules; nothing is published any other way.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.scoping import scope_of
from edudx.core.text import nfc

from ..models import ContentStatus, CouncilMember, Question, Resource, Review, SchoolLevel, Subject, level_of_grade

REVIEWERS_PER_ROUND = 2
SUBMITTABLE = (ContentStatus.DRAFT, ContentStatus.CHANGES_REQUESTED)


class ReviewError(Exception):
    """A step the workflow does not allow now: the message is for the person."""


def _subject_and_level(item: Resource | Question) -> tuple[Subject | None, str | None]:
    if isinstance(item, Resource):
        return item.subject, item.level
    unit = item.knowledge_units.select_related("topic__subject").order_by("code").first()
    if unit is None:
        return None, None
    return unit.topic.subject, level_of_grade(unit.topic.grade)


def _field(item: Resource | Question) -> str:
    return "resource" if isinstance(item, Resource) else "question"


def _locked(item: Resource | Question) -> Resource | Question:
    return type(item).objects.select_for_update().get(pk=item.pk)


def _state_field(item: Resource | Question) -> str:
    """Where the review state lives: a published resource stays published while a new version is reviewed, so
    that review runs on ``revision_status``; everything else on ``status``."""
    if isinstance(item, Resource) and item.status == ContentStatus.PUBLISHED:
        return "revision_status"
    return "status"


def council_for(*, subject: Subject, level: str, exclude: set[int] | None = None) -> list[Any]:
    """Active council members for a subject and level, those with the fewest open reviews first."""
    members = (
        CouncilMember.objects.filter(subject=subject, level=level, is_active=True, user__is_active=True)
        .exclude(user_id__in=exclude or set())
        .select_related("user")
        .annotate(
            open_reviews=Coalesce(
                Subquery(
                    Review.objects.filter(reviewer_id=OuterRef("user_id"), decision="")
                    .values("reviewer_id")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            )
        )
        .order_by("open_reviews", "user_id")
    )
    return [m.user for m in members]


@transaction.atomic
def add_council_member(*, user: Any, subject: Subject, level: str) -> CouncilMember:
    """Seats a reviewer on the council of a subject and level (idempotent)."""
    if level not in SchoolLevel.values:
        raise ReviewError(_("Cấp học không hợp lệ."))
    member, _created = CouncilMember.objects.update_or_create(
        user=user, subject=subject, level=level, defaults={"is_active": True}
    )
    return member


@transaction.atomic
def submit_for_review(*, item: Resource | Question, by: Any) -> Resource | Question:
    """Sends a draft (or an item whose changes were requested) to the council; reviewers are assigned at once
    when the council of its subject and level has members, else it waits as submitted."""
    item = _locked(item)
    state = _state_field(item)
    if getattr(item, state) not in SUBMITTABLE:
        raise ReviewError(_("Chỉ gửi thẩm định được bản nháp hoặc bản cần chỉnh sửa."))
    if isinstance(item, Resource) and not item.versions.exists():
        raise ReviewError(_("Học liệu chưa có tệp hay đường dẫn nào."))
    setattr(item, state, ContentStatus.SUBMITTED)
    fields = [state]
    if isinstance(item, Resource):
        item.submitted_at = timezone.now()
        fields += ["submitted_at", "updated_at"]
    item.save(update_fields=fields)
    subject, level = _subject_and_level(item)
    if subject is not None and level is not None:
        author = getattr(item, "owner_id", None) or getattr(item, "created_by_id", None)
        reviewers = council_for(subject=subject, level=level, exclude={author} if author else set())
        if reviewers:
            assign_reviewers(item=item, reviewers=reviewers[:REVIEWERS_PER_ROUND])
    return item


@transaction.atomic
def assign_reviewers(*, item: Resource | Question, reviewers: list[Any]) -> list[Review]:
    """Opens a review round on a submitted item with these reviewers (they must sit on its council)."""
    item = _locked(item)
    state = _state_field(item)
    if getattr(item, state) != ContentStatus.SUBMITTED:
        raise ReviewError(_("Chỉ phân công thẩm định cho học liệu/câu hỏi đã gửi thẩm định."))
    if not reviewers:
        raise ReviewError(_("Hãy chọn ít nhất một người thẩm định."))
    subject, level = _subject_and_level(item)
    seated = set(
        CouncilMember.objects.filter(subject=subject, level=level, is_active=True).values_list("user_id", flat=True)
    )
    outsiders = [str(r) for r in reviewers if r.pk not in seated]
    if outsiders:
        raise ReviewError(
            _("%(names)s không thuộc hội đồng thẩm định của môn và cấp học này.") % {"names": ", ".join(outsiders)}
        )
    field = _field(item)
    last = Review.objects.filter(**{field: item}).aggregate(last=Max("round"))["last"] or 0
    reviews = [Review.objects.create(**{field: item}, reviewer=r, round=last + 1) for r in reviewers]
    setattr(item, state, ContentStatus.IN_REVIEW)
    item.save(update_fields=[state])
    return reviews


def _check_scores(scores: dict[str, Any]) -> dict[str, int]:
    clean: dict[str, int] = {}
    for key, _label in Review.RUBRIC:
        value = scores.get(key)
        try:
            number = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 5:
            raise ReviewError(_("Hãy chấm đủ các tiêu chí, mỗi tiêu chí từ 1 đến 5 điểm."))
        clean[key] = number
    return clean


@transaction.atomic
def record_review(*, review: Review, by: Any, decision: str, scores: dict[str, Any], comment: str = "") -> Review:
    """A reviewer's verdict with rubric scores; closes the round when it is the last one (see module doc)."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.reviewer_id != getattr(by, "pk", None):
        raise PermissionError("only the assigned reviewer decides")
    if review.decision:
        raise ReviewError(_("Phiếu thẩm định này đã có kết luận."))
    if decision not in Review.Decision.values:
        raise ReviewError(_("Kết luận không hợp lệ."))
    if decision != Review.Decision.APPROVE and not comment.strip():
        raise ReviewError(_("Hãy ghi nhận xét khi yêu cầu chỉnh sửa hoặc không duyệt."))
    item = _locked(review.item)
    state = _state_field(item)
    if getattr(item, state) != ContentStatus.IN_REVIEW:
        raise ReviewError(_("Mục này không còn ở trạng thái đang thẩm định."))
    review.scores = _check_scores(scores)
    review.decision = decision
    review.comment = nfc(comment)
    review.decided_at = timezone.now()
    review.save(update_fields=["scores", "decision", "comment", "decided_at"])
    field = _field(item)
    round_reviews = list(Review.objects.filter(**{field: item}, round=review.round))
    if any(not r.decision for r in round_reviews):
        return review
    decisions = {r.decision for r in round_reviews}
    if Review.Decision.REJECT in decisions:
        outcome = ContentStatus.REJECTED
    elif Review.Decision.CHANGES in decisions:
        outcome = ContentStatus.CHANGES_REQUESTED
    else:
        outcome = ContentStatus.PUBLISHED
    if state == "revision_status":
        # A revision: the published version keeps serving unless the council approves the new one.
        item.revision_status = "" if outcome == ContentStatus.PUBLISHED else outcome
        fields = ["revision_status", "updated_at"]
        if outcome == ContentStatus.PUBLISHED:
            item.published_number = item.versions.aggregate(last=Max("number"))["last"]
            item.published_at = timezone.now()
            fields += ["published_number", "published_at"]
        item.save(update_fields=fields)
        return review
    item.status = outcome
    fields = ["status"]
    if isinstance(item, Resource):
        item.published_at = timezone.now() if outcome == ContentStatus.PUBLISHED else None
        fields += ["published_at", "updated_at"]
        if outcome == ContentStatus.PUBLISHED:
            item.published_number = item.versions.aggregate(last=Max("number"))["last"]
            fields.append("published_number")
    item.save(update_fields=fields)
    return review


def may_manage_council(principal: Any) -> bool:
    scope = scope_of(principal)
    return scope.unrestricted or bool(scope.roles() & {"department_admin", "department_staff"})
