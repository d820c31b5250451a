"""The pure allocation module: SPEC §13's ranking rules and the properties of the matching (hypothesis)."""

import hashlib
import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.admissions.allocation import (
    AllocationError,
    Applicant,
    School,
    allocate,
    allocate_by_proposals,
    blocking_pairs,
    lottery_number,
    rank_key,
)

SCHOOL_CODES = ["TH-PHONGHAI", "TH-TAVAN", "TH-XUANQUANG", "TH-SAPA"]
WARDS = ["P01", "P02", "P03", "X04"]


@st.composite
def instances(draw, *, method=None, max_applicants=25, max_schools=4):
    """A random instance: schools with small quotas and catchments, applicants with 0–3 distinct choices."""
    method = method or draw(st.sampled_from(["score", "catchment"]))
    codes = SCHOOL_CODES[: draw(st.integers(1, max_schools))]
    schools = [
        School(
            code=code,
            quota=draw(st.integers(0, 4)),
            catchment_wards=frozenset(draw(st.lists(st.sampled_from(WARDS), max_size=2))),
        )
        for code in codes
    ]
    n = draw(st.integers(0, max_applicants))
    # Few distinct scores so that ties (and the tiebreak, then the lottery) matter.
    decimals = st.one_of(st.none(), st.sampled_from([Decimal("7.5"), Decimal("8"), Decimal("8.25"), Decimal("-1")]))
    applicants = [
        Applicant(
            applicant_id=f"HS{i:04d}",
            choices=tuple(draw(st.lists(st.sampled_from(codes), max_size=3, unique=True))),
            score=draw(decimals),
            tiebreak=draw(decimals),
            priority=draw(st.one_of(st.none(), st.integers(1, 3))),
            ward=draw(st.sampled_from(WARDS)),
        )
        for i in range(n)
    ]
    seed = draw(st.integers(0, 10**6))
    return method, applicants, schools, seed


def test_lottery_number_is_sha256_of_seed_and_id_read_as_hex():
    expected = int(hashlib.sha256(b"2026:HS0001").hexdigest(), 16)
    assert lottery_number(2026, "HS0001") == expected
    assert lottery_number("2026", "HS0001") == expected


def test_score_ranks_higher_score_then_higher_tiebreak_then_smaller_lottery():
    school = School(code="THPT-SO1-LC", quota=1)
    low = Applicant(applicant_id="a", choices=("THPT-SO1-LC",), score=Decimal("8"), tiebreak=Decimal("9"))
    high = Applicant(applicant_id="b", choices=("THPT-SO1-LC",), score=Decimal("8.5"), tiebreak=Decimal("1"))
    tie_better = Applicant(applicant_id="c", choices=("THPT-SO1-LC",), score=Decimal("8"), tiebreak=Decimal("10"))

    def key(a):
        return rank_key(method="score", applicant=a, school=school, seed=0)

    assert key(high) < key(tie_better) < key(low)
    twins = [Applicant(applicant_id=x, choices=(), score=Decimal(8), tiebreak=Decimal(1)) for x in "xyz"]
    assert sorted(twins, key=key) == sorted(twins, key=lambda a: lottery_number(0, a.applicant_id))


def test_catchment_ranks_catchment_first_then_priority_with_blank_last_then_lottery():
    school = School(code="TH-PHONGHAI", quota=1, catchment_wards=frozenset({"P01"}))
    outside_p1 = Applicant(applicant_id="a", choices=(), priority=1, ward="P09")
    inside_none = Applicant(applicant_id="b", choices=(), priority=None, ward="P01")
    inside_p2 = Applicant(applicant_id="c", choices=(), priority=2, ward="P01")
    inside_p1 = Applicant(applicant_id="d", choices=(), priority=1, ward="P01")

    def key(a):
        return rank_key(method="catchment", applicant=a, school=school, seed=7)

    assert sorted([outside_p1, inside_none, inside_p2, inside_p1], key=key) == [
        inside_p1,
        inside_p2,
        inside_none,
        outside_p1,
    ]


def test_an_oversubscribed_school_keeps_its_catchment_and_the_rest_go_to_their_next_choice():
    schools = [
        School(code="TH-PHONGHAI", quota=2, catchment_wards=frozenset({"P01"})),
        School(code="TH-TAVAN", quota=5, catchment_wards=frozenset({"P02"})),
    ]
    applicants = [
        Applicant(applicant_id="1", choices=("TH-PHONGHAI", "TH-TAVAN"), ward="P02", priority=1),
        Applicant(applicant_id="2", choices=("TH-PHONGHAI",), ward="P01"),
        Applicant(applicant_id="3", choices=("TH-PHONGHAI",), ward="P01"),
        Applicant(applicant_id="4", choices=("TH-PHONGHAI",), ward="P02"),
    ]
    result = allocate(method="catchment", applicants=applicants, schools=schools, seed=1)
    assert result == {"1": "TH-TAVAN", "2": "TH-PHONGHAI", "3": "TH-PHONGHAI", "4": None}


def test_quota_zero_and_no_choices_leave_applicants_unplaced():
    schools = [School(code="TH-PHONGHAI", quota=0)]
    applicants = [
        Applicant(applicant_id="1", choices=("TH-PHONGHAI",)),
        Applicant(applicant_id="2", choices=()),
    ]
    assert allocate(method="catchment", applicants=applicants, schools=schools) == {"1": None, "2": None}


@pytest.mark.parametrize(
    ("applicants", "schools"),
    [
        ([Applicant(applicant_id="1", choices=("X",))], [School(code="A", quota=1)]),
        ([Applicant(applicant_id="1", choices=("A", "A"))], [School(code="A", quota=1)]),
        ([Applicant(applicant_id="1", choices=()), Applicant(applicant_id="1", choices=())], []),
        ([], [School(code="A", quota=-1)]),
        ([], [School(code="A", quota=1), School(code="A", quota=2)]),
    ],
    ids=["unknown-school", "school-twice", "duplicate-applicant", "negative-quota", "duplicate-school"],
)
def test_unusable_inputs_are_refused(applicants, schools):
    with pytest.raises(AllocationError):
        allocate(method="score", applicants=applicants, schools=schools)


def test_unknown_method_is_refused():
    with pytest.raises(AllocationError):
        allocate(method="lottery", applicants=[], schools=[])


@settings(max_examples=300, deadline=None)
@given(instances())
def test_no_quota_is_exceeded_and_only_listed_schools_are_given(instance):
    method, applicants, schools, seed = instance
    result = allocate(method=method, applicants=applicants, schools=schools, seed=seed)
    assert set(result) == {a.applicant_id for a in applicants}
    for school in schools:
        assert sum(1 for code in result.values() if code == school.code) <= school.quota
    for applicant in applicants:
        code = result[applicant.applicant_id]
        assert code is None or code in applicant.choices


@settings(max_examples=300, deadline=None)
@given(instances())
def test_the_result_has_no_blocking_pair(instance):
    method, applicants, schools, seed = instance
    result = allocate(method=method, applicants=applicants, schools=schools, seed=seed)
    assert blocking_pairs(method=method, applicants=applicants, schools=schools, seed=seed, result=result) == []


@settings(max_examples=200, deadline=None)
@given(instances())
def test_the_result_is_deterministic_for_a_seed_and_ignores_input_order(instance):
    method, applicants, schools, seed = instance
    first = allocate(method=method, applicants=applicants, schools=schools, seed=seed)
    again = allocate(method=method, applicants=list(reversed(applicants)), schools=list(reversed(schools)), seed=seed)
    assert first == again


@settings(max_examples=300, deadline=None)
@given(instances(method="score"))
def test_score_serving_in_rank_order_equals_deferred_acceptance(instance):
    method, applicants, schools, seed = instance
    served = allocate(method=method, applicants=applicants, schools=schools, seed=seed)
    proposed = allocate_by_proposals(method=method, applicants=applicants, schools=schools, seed=seed)
    assert served == proposed


def _stable_matchings(method, applicants, schools, seed):
    options = [(None, *a.choices) for a in applicants]
    for combo in itertools.product(*options):
        result = {a.applicant_id: code for a, code in zip(applicants, combo, strict=True)}
        if any(sum(1 for c in combo if c == s.code) > s.quota for s in schools):
            continue
        if not blocking_pairs(method=method, applicants=applicants, schools=schools, seed=seed, result=result):
            yield result


@settings(max_examples=150, deadline=None)
@given(instances(max_applicants=6, max_schools=3))
def test_every_applicant_gets_their_best_school_among_all_stable_matchings(instance):
    method, applicants, schools, seed = instance
    result = allocate(method=method, applicants=applicants, schools=schools, seed=seed)
    stable = list(_stable_matchings(method, applicants, schools, seed))
    assert result in stable

    def preference(applicant, code):
        return applicant.choices.index(code) if code is not None else len(applicant.choices)

    for applicant in applicants:
        best = min(preference(applicant, m[applicant.applicant_id]) for m in stable)
        assert preference(applicant, result[applicant.applicant_id]) == best


def test_a_different_seed_can_change_who_wins_a_tie():
    schools = [School(code="TH-PHONGHAI", quota=1)]
    applicants = [Applicant(applicant_id=str(i), choices=("TH-PHONGHAI",)) for i in range(20)]
    winners = {
        next(k for k, v in allocate(method="catchment", applicants=applicants, schools=schools, seed=s).items() if v)
        for s in range(10)
    }
    assert len(winners) > 1
