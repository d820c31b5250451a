"""Age by entry grade (birth year against the year the school year starts), around the birth-date boundaries."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov.admissions import services
from egov.admissions.ages import NOMINAL_AGES, SCHOOL_GRADES, AgeRule, age_refusal
from egov.admissions.models import Application
from tests.admissions.factories import application_input, make_round

START = 2026  # school year 2026-2027
grades = st.sampled_from(sorted(NOMINAL_AGES))
# Birth dates at the edges of a year (31/12, 01/01) and anywhere in between.
edges = st.one_of(
    st.builds(lambda y: dt.date(y, 12, 31), st.integers(2000, 2026)),
    st.builds(lambda y: dt.date(y, 1, 1), st.integers(2000, 2026)),
    st.dates(dt.date(2000, 1, 1), dt.date(2026, 12, 31)),
)


@given(grade=grades, birth=edges, older=st.integers(0, 3), older_priority=st.integers(0, 3), priority=st.booleans())
def test_only_the_birth_year_decides(grade, birth, older, older_priority, priority):
    rule = AgeRule(entry_grade=grade, start_year=START, older_years=older, older_years_priority=older_priority)
    age = START - birth.year
    youngest, oldest = NOMINAL_AGES[grade]
    extra = max(older, older_priority if priority else 0) if grade in SCHOOL_GRADES else 0
    refused = age_refusal(rule=rule, birth_date=birth, grade_label="lớp", priority=priority)
    assert (refused is None) == (youngest <= age <= oldest + extra)
    # the day of birth never matters: 1 January and 31 December of the same year get the same answer
    for same_year in (dt.date(birth.year, 1, 1), dt.date(birth.year, 12, 31)):
        again = age_refusal(rule=rule, birth_date=same_year, grade_label="lớp", priority=priority)
        assert (again is None) == (refused is None)
    if refused:
        assert str(birth.year) in refused and ("chưa đủ tuổi" in refused or "quá tuổi" in refused)


def test_grade_1_of_2026_2027_takes_children_born_in_2020():
    rule = AgeRule(entry_grade="1", start_year=START)
    assert age_refusal(rule=rule, birth_date=dt.date(2020, 1, 1), grade_label="lớp 1") is None
    assert age_refusal(rule=rule, birth_date=dt.date(2020, 12, 31), grade_label="lớp 1") is None
    assert "chưa đủ tuổi" in age_refusal(rule=rule, birth_date=dt.date(2021, 1, 1), grade_label="lớp 1")
    late = age_refusal(
        rule=AgeRule(entry_grade="1", start_year=START, older_years_priority=3),
        birth_date=dt.date(2019, 12, 31),
        grade_label="lớp 1",
    )
    assert "quá tuổi" in late and "nhóm ưu tiên 3" in late  # tells the parent how an older child may enter


def test_an_ethnic_minority_child_may_enter_grade_1_up_to_three_years_later():
    rule = AgeRule(entry_grade="1", start_year=START, older_years_priority=3)
    assert age_refusal(rule=rule, birth_date=dt.date(2017, 1, 1), grade_label="lớp 1", priority=True) is None
    assert age_refusal(rule=rule, birth_date=dt.date(2016, 12, 31), grade_label="lớp 1", priority=True)


def test_preschool_groups_admit_no_older_child():
    rule = AgeRule(entry_grade="MG5", start_year=START, older_years=2, older_years_priority=3)
    assert age_refusal(rule=rule, birth_date=dt.date(2021, 6, 1), grade_label="mẫu giáo 5 tuổi") is None
    assert age_refusal(rule=rule, birth_date=dt.date(2020, 6, 1), grade_label="mẫu giáo 5 tuổi", priority=True)


@pytest.mark.django_db
def test_a_round_that_checks_ages_refuses_with_the_reason_and_stores_nothing(province):
    round_ = make_round(province)  # school year 2025-2026: grade 1 takes children born in 2019
    round_.check_age = True
    round_.older_years_priority = 3
    round_.save()
    with pytest.raises(services.AdmissionError) as error:
        services.submit_application(
            round=round_, data=application_input(child_birth_date=dt.date(2020, 3, 14)), idempotency_key="k1"
        )
    assert error.value.message_dict["child_birth_date"] == [
        "Trẻ sinh năm 2020 chưa đủ tuổi vào lớp 1 năm học 2025-2026 (nhận trẻ sinh năm 2019)."
    ]
    assert Application.objects.count() == 0
    ok = services.submit_application(
        round=round_, data=application_input(child_birth_date=dt.date(2019, 12, 31)), idempotency_key="k2"
    )
    assert ok.pk is not None
    # An ethnic-minority child born in 2016 (three years older) is admitted when the priority group is chosen.
    older = application_input(child_birth_date=dt.date(2016, 5, 2), priority_group=3)
    assert services.submit_application(round=round_, data=older, idempotency_key="k3").pk is not None
