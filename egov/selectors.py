"""Reads of the online-services app: the public catalogue, the tracker, the staff inbox, diploma checks, indicators."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from edudx.core.scoping import scope_of
from edudx.core.text import fold, nfc
from schools.models import School, SchoolYear

from .models import (
    DECIDED,
    OPEN,
    DiplomaRecord,
    Dossier,
    DossierEvent,
    DossierRating,
    DossierStatus,
    Procedure,
    ProcedureKind,
)
from .services.dossiers import DOSSIER_ROLES
from .workdays import load_calendar

DUE_SOON_WORKING_DAYS = 2
_DUMMY = "0" * 12


# --- the public catalogue -----------------------------------------------------------------------------------------


def list_procedures(*, query: str = "") -> QuerySet[Procedure]:
    """Published procedures whose name or code contains every word of ``query``, accents and case ignored."""
    procedures = Procedure.objects.published().select_related("competent_org_unit")
    for word in fold(query or "").split()[:8]:
        procedures = procedures.filter(name_key__contains=word)
    return procedures.order_by("name")


def get_public_procedure(*, code: str) -> Procedure:
    return Procedure.objects.published().select_related("competent_org_unit").get(code=code.upper())


def list_public_schools(*, procedure: Procedure) -> list[tuple[str, str]]:
    """(code, name) of the active schools a procedure's school fields may name: secondary ones for a transfer."""
    if not any(spec.get("type") == "school" for spec in procedure.form_fields):
        return []
    schools = School.objects.filter(org_unit__is_active=True)
    if procedure.kind == ProcedureKind.SCHOOL_TRANSFER:
        schools = schools.filter(Q(level_thcs=True) | Q(level_thpt=True))
    return list(schools.order_by("org_unit__name").values_list("org_unit__code", "org_unit__name"))


# --- the public tracker -------------------------------------------------------------------------------------------


def normalize_receipt_code(raw: str) -> str:
    """What a person types back: case, spaces and the look-alikes O→0, I/L→1 forgiven (Crockford)."""
    value = nfc(raw or "").upper().replace(" ", "")
    head, _sep, tail = value.rpartition("-")
    tail = tail.replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{head}-{tail}" if head else tail


def _contact_key(raw: str) -> str:
    digits = "".join(ch for ch in nfc(raw or "") if ch.isdigit() or ch == "+")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits


def track_dossier(*, receipt_code: str, contact: str) -> Dossier | None:
    """The dossier whose code matches and whose applicant phone or ID equals ``contact``; None otherwise.

    An unknown code and a wrong phone take the same path (one indexed query, two constant-time comparisons) and
    give the same answer, so the tracker tells a guesser nothing about which codes exist.
    """
    code = normalize_receipt_code(receipt_code)[:20]
    key = _contact_key(contact)[:15]
    dossier = Dossier.objects.select_related("procedure").filter(receipt_code=code).first() if code else None
    phone = dossier.applicant_phone if dossier else _DUMMY
    id_number = dossier.applicant_id_number if dossier else _DUMMY
    by_phone = hmac.compare_digest(key.encode(), phone.encode())
    by_id = hmac.compare_digest(key.encode(), id_number.encode())
    if dossier is None or not key or not (by_phone or by_id):
        return None
    return dossier


def public_history(*, dossier: Dossier) -> list[dict[str, Any]]:
    """The status changes of a dossier as the applicant may see them: when, which status, the public comment."""
    events = DossierEvent.objects.filter(dossier=dossier).order_by("at", "pk")
    return [
        {"at": event.at, "status": event.to_status, "label": DossierStatus(event.to_status).label}
        for event in events
        if event.from_status != event.to_status
    ]


# --- the staff inbox ----------------------------------------------------------------------------------------------


def inbox(
    *, visible_to: Any, status: str = "", due: str = "", query: str = "", assigned: str = "", procedure: str = ""
) -> QuerySet[Dossier]:
    """The dossiers of the units the caller processes for (or is the second unit of), filtered."""
    dossiers = (
        Dossier.objects.visible_to(visible_to, roles=DOSSIER_ROLES)
        .exclude(procedure__kind=ProcedureKind.ADMISSION)  # admissions have their own staff pages and workflow
        .select_related("procedure", "org_unit", "second_org_unit", "assigned_to")
        .order_by("due_date", "submitted_at")
    )
    if status == "open":
        dossiers = dossiers.filter(status__in=OPEN)
    elif status in DossierStatus.values:
        dossiers = dossiers.filter(status=status)
    today = timezone.localdate()
    if due == "late":
        dossiers = dossiers.filter(status__in=OPEN, paused_since__isnull=True, due_date__lt=today)
    elif due == "soon":
        horizon = load_calendar().add_working_days(today, DUE_SOON_WORKING_DAYS)
        dossiers = dossiers.filter(
            status__in=OPEN, paused_since__isnull=True, due_date__gte=today, due_date__lte=horizon
        )
    if assigned == "me" and getattr(visible_to, "pk", None):
        dossiers = dossiers.filter(assigned_to=visible_to)
    elif assigned == "none":
        dossiers = dossiers.filter(assigned_to__isnull=True)
    if procedure:
        dossiers = dossiers.filter(procedure__code=procedure)
    text = nfc(query or "")[:40]
    if text:
        dossiers = dossiers.filter(Q(receipt_code__icontains=text) | Q(applicant_name__icontains=text))
    return dossiers


def inbox_counts(*, visible_to: Any) -> dict[str, int]:
    """Open, late and due-soon counts for the inbox header."""
    today = timezone.localdate()
    horizon = load_calendar().add_working_days(today, DUE_SOON_WORKING_DAYS)
    mine = (
        Dossier.objects.visible_to(visible_to, roles=DOSSIER_ROLES)
        .exclude(procedure__kind=ProcedureKind.ADMISSION)
        .filter(status__in=OPEN)
    )
    running = Q(paused_since__isnull=True)
    return mine.aggregate(
        open=Count("pk"),
        late=Count("pk", filter=running & Q(due_date__lt=today)),
        soon=Count("pk", filter=running & Q(due_date__gte=today, due_date__lte=horizon)),
        waiting=Count("pk", filter=Q(status=DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED)),
    )


def intake_procedures(*, visible_to: Any) -> list[Procedure]:
    """Procedures whose dossiers the caller's units receive in person: their competent unit is in the caller's
    scope, or (a transfer) the caller processes for a school. Admissions have their own forms."""
    scope = scope_of(visible_to).only(DOSSIER_ROLES)
    if scope.is_empty:
        return []
    procedures = (
        Procedure.objects.published().exclude(kind=ProcedureKind.ADMISSION).select_related("competent_org_unit")
    )
    return [
        p
        for p in procedures.order_by("name")
        if scope.covers(p.competent_org_unit.path) or p.kind == ProcedureKind.SCHOOL_TRANSFER
    ]


def get_dossier(*, visible_to: Any, receipt_code: str) -> Dossier:
    """One dossier in the caller's scope (Dossier.DoesNotExist otherwise, shown as 404)."""
    return (
        Dossier.objects.visible_to(visible_to, roles=DOSSIER_ROLES)
        .select_related("procedure", "org_unit", "second_org_unit", "assigned_to")
        .get(receipt_code=normalize_receipt_code(receipt_code))
    )


# --- diplomas -----------------------------------------------------------------------------------------------------


def verify_diploma(*, number: str, holder_name: str, birth_date: dt.date | None) -> bool:
    """Whether the register holds a diploma with this number, holder name and birth date: yes or no, nothing more."""
    from .services.diplomas import find_diploma

    return find_diploma(number=number, holder_name=holder_name, birth_date=birth_date) is not None


def list_diploma_records(*, visible_to: Any, query: str = "") -> QuerySet[DiplomaRecord]:
    records = DiplomaRecord.objects.visible_to(visible_to, roles=DOSSIER_ROLES).select_related("org_unit")
    text = nfc(query or "")[:60]
    if text:
        records = records.filter(Q(number__icontains=text) | Q(holder_name_key__contains=fold(text)))
    return records


# --- indicators (SPEC §4): (numerator, denominator) of the province for a school year ------------------------------


def _year_bounds(school_year: SchoolYear) -> tuple[dt.datetime, dt.datetime]:
    """From the first day's midnight to the midnight after the last day, in Vietnam's time zone: a range on the
    indexed column instead of a date cast of every row."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(school_year.start_date, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(school_year.end_date + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _in_year(school_year: SchoolYear) -> QuerySet[Dossier]:
    start, end = _year_bounds(school_year)
    return Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end)


def online_dossier_counts(*, school_year: SchoolYear) -> tuple[int, int]:
    """Dossiers submitted online / all dossiers submitted in the school year."""
    counts = _in_year(school_year).aggregate(
        online=Count("pk", filter=Q(channel=Dossier.Channel.ONLINE)), total=Count("pk")
    )
    return counts["online"], counts["total"]


def full_online_procedure_counts(*, school_year: SchoolYear) -> tuple[int, int]:
    """Eligible procedures offered fully online / eligible procedures (the catalogue as it stands)."""
    eligible = Procedure.objects.published().filter(eligible_for_full_online=True)
    return eligible.filter(mode=Procedure.Mode.FULL_ONLINE).count(), eligible.count()


def on_time_dossier_counts(*, school_year: SchoolYear) -> tuple[int, int]:
    """Dossiers decided by their due date / decided dossiers, among those submitted in the school year."""
    decided = _in_year(school_year).filter(status__in=DECIDED, decided_at__isnull=False)
    # The decision's date is taken in Vietnam's time zone (the __date transform uses the current time zone).
    counts = decided.aggregate(on_time=Count("pk", filter=Q(decided_at__date__lte=F("due_date"))), total=Count("pk"))
    return counts["on_time"], counts["total"]


def satisfaction_counts(*, school_year: SchoolYear) -> tuple[int, int]:
    """Ratings of 4–5 stars / all ratings, of dossiers submitted in the school year."""
    start, end = _year_bounds(school_year)
    ratings = DossierRating.objects.filter(dossier__submitted_at__gte=start, dossier__submitted_at__lt=end)
    counts = ratings.aggregate(good=Count("pk", filter=Q(stars__gte=4)), total=Count("pk"))
    return counts["good"], counts["total"]
