"""Working-day arithmetic for legal processing times (SPEC §6).

A working day is a Monday–Friday that is not a Vietnamese public holiday (the ``holidays`` package's Vietnam
calendar: New Year, lunar Tết, the Hùng Kings day, 30/4, 1/5, 2/9 and the days it moves), corrected by the
``HolidayOverride`` table: each year the government swaps days (a Friday off, a Saturday worked instead), so an
override can make any date a day off or a working day.

Counting follows the one-stop-shop practice: the time starts on the next working day after the day of receipt,
so a dossier of 5 working days submitted on a Friday evening is due on the 5th working day after that Friday.
While the dossier waits for the applicant (additional documents requested) the clock stops; when it is
resubmitted, the working days that passed in between are added to the due date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import holidays

MAX_DAYS = 3660  # a guard against an endless loop on a calendar where every day is off


@dataclass
class WorkCalendar:
    """Public holidays plus overrides (date → True when the date is a day off, False when it is worked)."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    _holidays: holidays.HolidayBase = field(default_factory=lambda: holidays.country_holidays("VN"))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return not self.overrides[day]
        return day.weekday() < 5 and day not in self._holidays

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` itself never counts); ``days`` = 0 → start."""
        if days < 0:
            raise ValueError("days must be ≥ 0")
        day = start
        counted = 0
        for _step in range(MAX_DAYS + days * 7):
            if counted == days:
                return day
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        raise ValueError("no working day found in ten years")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie after ``start`` up to and including ``end`` (0 when end ≤ start)."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def due_date(self, *, received_on: dt.date, days: int, pauses: Iterable[tuple[dt.date, dt.date]] = ()) -> dt.date:
        """The due date of a dossier received on ``received_on``, moved on by every (paused, resumed) interval."""
        due = self.add_working_days(received_on, days)
        for paused_on, resumed_on in pauses:
            due = self.add_working_days(due, self.working_days_between(paused_on, resumed_on))
        return due


# The calendar is built once per process and kept while the version stamp in the shared cache stays the same. The
# stamp changes when an override is saved or deleted (``calendar_changed``, called by the catalogue service and the
# admin after the commit); a process looks at the stamp at most every RECHECK_SECONDS, so another process follows a
# change within that time and the process that saved it at once. Building it cost a query and the ``holidays``
# package's computation of the year (lunar Tết) on every submission.
VERSION_KEY = "egov:workdays:version"
RECHECK_SECONDS = 10.0
_lock = threading.Lock()
_cached: dict[str, object] = {}


def _version() -> str:
    from django.core.cache import cache

    try:
        return str(cache.get(VERSION_KEY) or "0")
    except Exception:
        return uuid.uuid4().hex


def forget_calendar() -> None:
    """Drop this process's copy (the next ``load_calendar`` reads the table)."""
    with _lock:
        _cached.clear()


def calendar_changed() -> None:
    """An override was saved or deleted: new stamp for every process, and this process's copy dropped now."""
    from django.core.cache import cache

    forget_calendar()
    with contextlib.suppress(Exception):  # no cache: the other processes' stamp reads fail too and they re-read
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def load_calendar() -> WorkCalendar:
    """The calendar with the overrides stored by the administrators (a tiny table read whole, kept per process)."""
    from egov.models import HolidayOverride

    now = time.monotonic()
    cached = _cached.get("entry")
    if cached is not None and now - cached[1] < RECHECK_SECONDS:
        return cached[2]
    version = _version()
    if cached is not None and cached[0] == version:
        _cached["entry"] = (version, now, cached[2])
        return cached[2]
    calendar = WorkCalendar(overrides=dict(HolidayOverride.objects.values_list("date", "is_day_off")))
    with _lock:
        _cached["entry"] = (version, now, calendar)
    return calendar
