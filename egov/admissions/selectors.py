"""Reads of admissions: public rounds, a parent's own application, and staff lists scoped to the caller."""

from __future__ import annotations

import hmac
from typing import Any

from django.db.models import Count, Q, QuerySet

from edudx.core.scoping import scope_of
from people.national_id import normalize_national_id

from .models import AdmissionRound, AllocationRun, Application, ApplicationStatus, RoundSchool

PUBLIC_STATUSES = (
    AdmissionRound.Status.OPEN,
    AdmissionRound.Status.ALLOCATED,
    AdmissionRound.Status.PUBLISHED,
    AdmissionRound.Status.CLOSED,
)
# Roles that manage admissions on the units they hold them on (teachers and reviewers do not).
STAFF_ROLES = ("department_admin", "department_staff", "unit_staff", "school_admin", "api_token")
ORGANISER_ROLES = ("department_admin", "department_staff", "unit_staff")


def list_public_rounds() -> QuerySet[AdmissionRound]:
    return AdmissionRound.objects.filter(status__in=PUBLIC_STATUSES).select_related("school_year", "org_unit")


def get_public_round(*, code: str) -> AdmissionRound:
    return list_public_rounds().get(code=code)


def find_parent_application(*, receipt_code: str, contact: str) -> Application | None:
    """The application with this receipt code whose phone or child's ID is ``contact`` (compared in constant time)."""
    application = Application.objects.select_related("round").filter(receipt_code=receipt_code.strip().upper()).first()
    if application is None:
        return None
    digits = "".join(ch for ch in contact if ch.isdigit() or ch == "+")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    try:
        as_id = normalize_national_id(contact.strip()) or ""
    except ValueError:
        as_id = ""
    phone_ok = hmac.compare_digest(digits.encode(), application.parent_phone.encode())
    id_ok = bool(as_id) and hmac.compare_digest(as_id.encode(), application.child_national_id.encode())
    return application if phone_ok or id_ok else None


def get_parent_application(*, receipt_code: str, unlocked: list[int]) -> Application:
    """An application this browser session proved it may see (by receipt, or code + phone/ID)."""
    return Application.objects.select_related(
        "round",
        "ward",
        "choice1__school__org_unit",
        "choice2__school__org_unit",
        "choice3__school__org_unit",
        "result_school__school__org_unit",
    ).get(receipt_code=receipt_code, pk__in=unlocked)


def list_rounds(*, visible_to: Any) -> QuerySet[AdmissionRound]:
    """Rounds the caller organises, and rounds in which a school of the caller's takes part."""
    scope = scope_of(visible_to).only(STAFF_ROLES)
    return (
        AdmissionRound.objects.filter(scope.q("org_unit__path") | scope.q("schools__school__org_unit__path"))
        .distinct()
        .select_related("school_year", "org_unit")
    )


def get_round(*, code: str, visible_to: Any) -> AdmissionRound:
    return list_rounds(visible_to=visible_to).get(code=code)


def can_organise(*, round: AdmissionRound, principal: Any) -> bool:
    """Whether the caller runs the round itself (allocation, publication, scores), not only one of its schools."""
    return scope_of(principal).only(ORGANISER_ROLES).covers(round.org_unit.path)


def list_applications(
    *, round: AdmissionRound, visible_to: Any, status: str = "", school: str = "", query: str = ""
) -> QuerySet[Application]:
    qs = Application.objects.visible_to(visible_to, roles=STAFF_ROLES).filter(round=round)
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    if school:
        qs = qs.filter(
            Q(choice1__school__org_unit__code=school)
            | Q(choice2__school__org_unit__code=school)
            | Q(choice3__school__org_unit__code=school)
        )
    if query:
        qs = qs.filter(receipt_code__icontains=query.strip())
    return qs.select_related("ward", "choice1__school__org_unit", "result_school__school__org_unit").order_by(
        "submitted_at", "pk"
    )


def get_application(*, receipt_code: str, visible_to: Any) -> Application:
    return (
        Application.objects.visible_to(visible_to, roles=STAFF_ROLES)
        .select_related(
            "round__org_unit",
            "ward",
            "dossier",
            "choice1__school__org_unit",
            "choice2__school__org_unit",
            "choice3__school__org_unit",
            "result_school__school__org_unit",
        )
        .get(receipt_code=receipt_code)
    )


def round_schools_summary(*, round: AdmissionRound, visible_to: Any) -> list[dict[str, Any]]:
    """Per school of the round the caller sees: quota, first choices, valid first choices, placed, confirmed."""
    scope = scope_of(visible_to).only(STAFF_ROLES)
    organiser = scope.covers(round.org_unit.path)
    schools = RoundSchool.objects.filter(round=round).select_related("school__org_unit")
    if not organiser:
        schools = schools.filter(scope.q("school__org_unit__path"))
    rows = []
    apps = Application.objects.filter(round=round)
    first = dict(apps.live().values_list("choice1").annotate(n=Count("pk")).values_list("choice1", "n"))
    placed = dict(
        apps.exclude(result_school=None)
        .values_list("result_school")
        .annotate(n=Count("pk"))
        .values_list("result_school", "n")
    )
    confirmed = dict(
        apps.exclude(confirmed_at=None)
        .values_list("result_school")
        .annotate(n=Count("pk"))
        .values_list("result_school", "n")
    )
    for rs in schools:
        rows.append(
            {
                "round_school": rs,
                "first_choices": first.get(rs.pk, 0),
                "placed": placed.get(rs.pk, 0),
                "confirmed": confirmed.get(rs.pk, 0),
            }
        )
    return rows


def latest_run(*, round: AdmissionRound) -> AllocationRun | None:
    return round.runs.order_by("-created_at", "-pk").first()


def published_run(*, round: AdmissionRound) -> AllocationRun | None:
    return round.runs.filter(published_at__isnull=False).first()


def status_counts(*, round: AdmissionRound, visible_to: Any) -> list[tuple[str, int]]:
    return list(
        Application.objects.visible_to(visible_to, roles=STAFF_ROLES)
        .filter(round=round)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
