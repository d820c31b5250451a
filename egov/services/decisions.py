"""Set-based decisions on many dossiers at once (an admission round's publication: ~100,000 dossiers in one job),
and the applicant's withdrawal.

``decide_dossiers`` follows the SPEC §6 state machine like ``transition_dossier`` does for one dossier, but with a
constant number of statements per batch: the rows are locked and read as (id, status) tuples, each dossier's path to
the outcome is worked out in Python (e.g. received → in processing → approved, then result returned), one
``DossierEvent`` per step is written with ``bulk_create``, and the dossiers are moved by one UPDATE per
(final status) group. A dossier that cannot reach the outcome (approving one that waits for the applicant's
documents) is left as it is and counted as skipped; a dossier already decided is left as it is.

Withdrawal: SPEC §6's states have no "withdrawn", and the state list is part of the contract (the tracker, the API
and the indicators read it). A dossier the applicant withdraws therefore ends as **rejected, with the reason
recorded in its event and no decision time** (``decided_at`` stays empty): the competent unit decided nothing, so
``on_time_dossier_counts`` (SPEC §4's on-time share counts dossiers with a decision time) leaves it out instead of
counting an instant on-time rejection, and the inbox no longer lists it (it is not open). We chose this over a new
terminal state ``withdrawn`` because a new state would change the contract's state list for every reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.text import nfc

from ..models import OPEN, TRANSITIONS, Dossier, DossierEvent, DossierStatus
from ..workdays import load_calendar
from .dossiers import MAX_TEXT, DossierError, _user

BATCH = 5000


def path_to(*, current: str, outcome: str) -> list[str]:
    """The shortest path along the state machine from ``current`` to ``outcome`` (excluding ``current``); [] if none."""
    if current == outcome:
        return []
    frontier: list[list[str]] = [[current]]
    seen = {current}
    while frontier:
        following: list[list[str]] = []
        for path in frontier:
            for step in TRANSITIONS[path[-1]]:
                if step in seen:
                    continue
                if step == outcome:
                    return [*path[1:], step]
                seen.add(step)
                following.append([*path, step])
        frontier = following
    return []


def decide_dossiers(
    *,
    dossiers: Iterable[int],
    outcome: str,
    by: Any,
    comment: str,
    return_result: bool = False,
    at: dt.datetime | None = None,
) -> dict[str, int]:
    """Moves the given open dossiers (ids) to ``outcome`` (approved or rejected), then to "result returned" when
    ``return_result``; one event per step. The caller has checked that ``by`` may decide them (an organiser
    publishing a round). Returns {"decided": n, "skipped": n, "already_decided": n}."""
    if outcome not in (DossierStatus.APPROVED, DossierStatus.REJECTED):
        raise DossierError(_("Kết quả phải là “Đã duyệt” hoặc “Từ chối”."))
    comment = nfc(comment or "")[:MAX_TEXT]
    if outcome == DossierStatus.REJECTED and not comment:
        raise DossierError(_("Cần ghi rõ lý do (nội dung cần bổ sung hoặc lý do từ chối)."))
    ids = sorted({int(pk) for pk in dossiers})
    now = at or timezone.now()
    totals = {"decided": 0, "skipped": 0, "already_decided": 0}
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            counts = _decide_batch(
                ids=chunk, outcome=outcome, by=by, comment=comment, return_result=return_result, now=now
            )
            for name, value in counts.items():
                totals[name] += value
    return totals


def _decide_batch(
    *, ids: list[int], outcome: str, by: Any, comment: str, return_result: bool, now: dt.datetime
) -> dict[str, int]:
    rows = list(
        Dossier.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "status", "paused_since", "due_date")
    )
    actor, label = _user(by), str(by) if by else _("Người nộp hồ sơ")
    events: list[DossierEvent] = []
    by_final: dict[str, list[int]] = {}
    paused: list[tuple[int, dt.date, dt.date]] = []  # (id, paused since, due date): the clock restarts
    counts = {"decided": 0, "skipped": 0, "already_decided": 0}
    for pk, status, paused_since, due_date in rows:
        if status not in OPEN:
            counts["already_decided"] += 1
            continue
        waits = status == DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED and outcome == DossierStatus.APPROVED
        steps = [] if waits else path_to(current=status, outcome=outcome)
        if not steps:  # approving would pretend the applicant sent the documents asked for
            counts["skipped"] += 1
            continue
        if return_result:
            steps.append(DossierStatus.RESULT_RETURNED)
        previous = status
        for k, step in enumerate(steps):
            events.append(
                DossierEvent(
                    dossier_id=pk,
                    actor=actor,
                    actor_label=label,
                    at=now + dt.timedelta(microseconds=k),  # the history keeps the steps in order
                    from_status=previous,
                    to_status=step,
                    comment=comment if step == outcome else "",
                )
            )
            previous = step
        by_final.setdefault(steps[-1], []).append(pk)
        if paused_since is not None:
            paused.append((pk, paused_since, due_date))
        counts["decided"] += 1
    if paused:
        calendar, today = load_calendar(), timezone.localdate(now)
        changed = []
        for pk, since, due in paused:
            waited = calendar.working_days_between(since, today)
            changed.append(Dossier(pk=pk, due_date=calendar.add_working_days(due, waited), paused_since=None))
        Dossier.objects.bulk_update(changed, ["due_date", "paused_since"])
    for final, pks in by_final.items():
        fields: dict[str, Any] = {"status": final, "decided_at": now, "updated_at": now}
        if final == DossierStatus.RESULT_RETURNED:
            fields["returned_at"] = now
        Dossier.objects.filter(pk__in=pks).update(**fields)
    DossierEvent.objects.bulk_create(events, batch_size=2000)
    return counts


@transaction.atomic
def withdraw_dossier(*, dossier: Dossier, reason: str = "", at: dt.datetime | None = None) -> Dossier:
    """The applicant withdraws an open dossier: rejected with the reason, no decision time (see the module note)."""
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if locked.status not in OPEN:
        return locked  # already decided (or withdrawn): nothing to close
    now = at or timezone.now()
    current = locked.status
    locked.status = DossierStatus.REJECTED
    locked.paused_since = None
    locked.decided_at = None
    locked.save(update_fields=["status", "paused_since", "decided_at", "updated_at"])
    DossierEvent.objects.create(
        dossier=locked,
        actor=None,
        actor_label=_("Người nộp hồ sơ"),
        at=now,
        from_status=current,
        to_status=DossierStatus.REJECTED,
        comment=nfc(reason or "")[:MAX_TEXT] or _("Người nộp rút hồ sơ."),
    )
    return locked
