"""Working days: weekends, the Vietnamese public holidays (Tết, Hùng Kings, 30/4–1/5, 2/9), overrides, pauses."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.services.catalogue import set_holiday_override
from egov.workdays import WorkCalendar, load_calendar

D = dt.date
CAL = WorkCalendar()
dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31))


def test_weekends_are_skipped():
    assert CAL.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday + 1 → Monday
    assert CAL.add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)  # submitted on a Saturday: Monday is day 1


def test_tet_2026_is_skipped():
    # Tết Bính Ngọ: Monday 16/02 to Friday 20/02/2026 are holidays (with the weekends: 14–22/02 off).
    assert CAL.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert CAL.add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)


def test_tet_2027_is_skipped():
    # Tết Đinh Mùi: 04/02 (29 Tết) to 10/02/2027 are holidays.
    assert not CAL.is_working_day(D(2027, 2, 4))
    assert CAL.add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 11)
    assert CAL.add_working_days(D(2027, 2, 1), 3) == D(2027, 2, 11)


def test_hung_kings_and_30_4_and_1_5_are_skipped():
    # 2026: the Hùng Kings day falls on Sunday 26/04 and is observed Monday 27/04; 30/04 Thursday, 01/05 Friday.
    assert not CAL.is_working_day(D(2026, 4, 27))
    assert CAL.add_working_days(D(2026, 4, 24), 1) == D(2026, 4, 28)
    assert CAL.add_working_days(D(2026, 4, 28), 2) == D(2026, 5, 4)
    assert CAL.add_working_days(D(2026, 4, 24), 5) == D(2026, 5, 6)


def test_national_day_is_skipped():
    assert not CAL.is_working_day(D(2026, 9, 2))
    assert CAL.add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)  # 31/08, 01/09 and 02/09 are off in 2026


def test_an_override_adds_a_day_off_and_a_make_up_working_saturday():
    cal = WorkCalendar(overrides={D(2026, 3, 9): True, D(2026, 3, 14): False})
    assert not cal.is_working_day(D(2026, 3, 9))
    assert cal.is_working_day(D(2026, 3, 14))
    assert cal.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)


@pytest.mark.django_db
def test_the_override_table_is_read_by_the_calendar():
    set_holiday_override(date=D(2027, 5, 3), is_day_off=False, reason="Làm bù")
    set_holiday_override(date=D(2027, 4, 30), is_day_off=True, reason="Nghỉ lễ")
    cal = load_calendar()
    assert cal.is_working_day(D(2027, 5, 3))
    set_holiday_override(date=D(2027, 5, 3), is_day_off=True, reason="Đổi lại")
    assert not load_calendar().is_working_day(D(2027, 5, 3))


def test_a_pause_across_tet_moves_the_due_date_by_the_working_days_waited():
    # 10 working days from 02/02/2026; paused 10/02 to 24/02 (Tết inside): 11/02, 12/02, 13/02, 23/02, 24/02 lost.
    plain = CAL.due_date(received_on=D(2026, 2, 2), days=10)
    assert plain == D(2026, 2, 23)
    paused = CAL.due_date(received_on=D(2026, 2, 2), days=10, pauses=[(D(2026, 2, 10), D(2026, 2, 24))])
    assert paused == CAL.add_working_days(plain, 5) == D(2026, 3, 2)


@given(start=dates, days=st.integers(min_value=0, max_value=60))
@settings(max_examples=200, deadline=None)
def test_the_due_date_is_a_working_day_exactly_n_working_days_later(start, days):
    due = CAL.add_working_days(start, days)
    assert CAL.working_days_between(start, due) == days
    assert due >= start
    if days:
        assert CAL.is_working_day(due)


@given(start=dates, a=st.integers(min_value=0, max_value=30), b=st.integers(min_value=0, max_value=30))
@settings(max_examples=200, deadline=None)
def test_adding_working_days_composes(start, a, b):
    assert CAL.add_working_days(CAL.add_working_days(start, a), b) == CAL.add_working_days(start, a + b)


@given(
    start=dates,
    days=st.integers(min_value=1, max_value=30),
    pause_at=st.integers(min_value=0, max_value=40),
    pause_len=st.integers(min_value=0, max_value=40),
)
@settings(max_examples=200, deadline=None)
def test_a_pause_never_brings_the_due_date_earlier_and_adds_exactly_the_days_waited(start, days, pause_at, pause_len):
    paused_on = start + dt.timedelta(days=pause_at)
    resumed_on = paused_on + dt.timedelta(days=pause_len)
    plain = CAL.due_date(received_on=start, days=days)
    moved = CAL.due_date(received_on=start, days=days, pauses=[(paused_on, resumed_on)])
    assert moved >= plain
    assert CAL.working_days_between(plain, moved) == CAL.working_days_between(paused_on, resumed_on)


@pytest.mark.django_db
def test_the_calendar_is_read_once_per_process_while_no_override_changes(django_assert_num_queries):
    load_calendar()
    with django_assert_num_queries(0):
        for _ in range(5):
            load_calendar()


@pytest.mark.django_db
def test_another_process_follows_a_saved_override_when_its_recheck_comes(
    django_capture_on_commit_callbacks, monkeypatch
):
    from egov import workdays

    first = load_calendar()
    with django_capture_on_commit_callbacks(execute=True):
        set_holiday_override(date=D(2027, 5, 3), is_day_off=True, reason="Nghỉ bù")
    assert not load_calendar().is_working_day(D(2027, 5, 3))  # the saving process: at once
    # Another process still holds the old copy with the old stamp: it rebuilds once its recheck interval is over.
    old_stamp = "stale"
    workdays._cached["entry"] = (old_stamp, 0.0, first)
    monkeypatch.setattr(workdays.time, "monotonic", lambda: workdays.RECHECK_SECONDS + 1.0)
    assert not load_calendar().is_working_day(D(2027, 5, 3))


@pytest.mark.django_db
def test_deleting_an_override_through_the_service_restores_the_public_calendar():
    from egov.services.catalogue import delete_holiday_overrides

    set_holiday_override(date=D(2027, 5, 11), is_day_off=True, reason="Nghỉ bù")
    assert not load_calendar().is_working_day(D(2027, 5, 11))
    assert delete_holiday_overrides(dates=[D(2027, 5, 11)]) == 1
    assert load_calendar().is_working_day(D(2027, 5, 11))
