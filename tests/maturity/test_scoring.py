"""Scores and levels (Decision 4725): boundaries exactly, the school's level as the lower group level."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from reports.maturity import criteria_4725, scoring
from reports.maturity.loader import CriteriaSetError, check_definition

scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def test_level_boundaries_are_exact():
    assert scoring.group_level(Decimal("49.99")) == 1
    assert scoring.group_level(Decimal("50")) == 2
    assert scoring.group_level(Decimal("75")) == 2
    assert scoring.group_level(Decimal("75.00")) == 2
    assert scoring.group_level(Decimal("75.01")) == 3
    assert scoring.group_level(Decimal("0")) == 1
    assert scoring.group_level(Decimal("100")) == 3


@given(scores)
def test_group_level_follows_the_decision_for_any_score(score):
    expected = 1 if score < 50 else 2 if score <= 75 else 3
    assert scoring.group_level(score) == expected


@given(scores, scores)
def test_group_level_never_decreases_when_the_score_rises(a, b):
    low, high = sorted((a, b))
    assert scoring.group_level(low) <= scoring.group_level(high)


@given(st.integers(1, 3), st.integers(1, 3))
def test_school_level_is_the_lower_of_the_two_groups(teaching, management):
    level = scoring.school_level(teaching_level=teaching, management_level=management)
    assert level == min(teaching, management)
    assert level in (teaching, management)


@given(st.lists(st.one_of(st.none(), st.decimals(0, 10, places=2)), max_size=20))
def test_group_score_is_the_sum_of_scored_points_capped_at_100(points):
    total = sum((p for p in points if p is not None), Decimal(0))
    assert scoring.group_score(points) == min(total, Decimal(100))


@given(st.decimals(min_value=-1, max_value=2, places=4), st.integers(1, 20))
def test_points_for_a_fraction_stay_within_zero_and_max_in_half_points(fraction, max_points):
    points = scoring.points_for(fraction=fraction, max_points=max_points)
    assert Decimal(0) <= points <= max_points
    assert (points * 2) == (points * 2).to_integral_value()
    clamped = max(Decimal(0), min(Decimal(1), fraction))
    assert points <= max_points * clamped < points + Decimal("0.5")


def test_full_points_exactly_at_the_target_and_proportional_below():
    measure = scoring.MEASURES["online_teaching"]
    at_target = scoring.Figure("ONLINE_CONTENT_SHARE_TH", "TH-A", Decimal(5), Decimal(5), Decimal(100), Decimal(5))
    half = scoring.Figure("ONLINE_CONTENT_SHARE_TH", "TH-A", Decimal("2.5"), Decimal(1), Decimal(40), Decimal(5))
    assert scoring.prefill_points(measure=measure, figures=[at_target], max_points=10) == Decimal(10)
    assert scoring.prefill_points(measure=measure, figures=[half], max_points=10) == Decimal(5)
    assert scoring.prefill_points(measure=measure, figures=[], max_points=10) is None


def test_the_4725_set_has_100_points_per_group_and_named_measures():
    check_definition(criteria_4725.DEFINITION)
    for row in criteria_4725.DEFINITION["criteria"]:
        assert not row["measure"] or row["measure"] in scoring.MEASURES
    texts = " ".join(row["text"] for row in criteria_4725.DEFINITION["criteria"])
    for words in ("học bạ số", "sổ liên lạc điện tử", "không dùng tiền mặt", "dịch vụ công trực tuyến", "Internet"):
        assert words in texts


def test_a_set_whose_group_does_not_add_up_to_100_is_refused():
    definition = {**criteria_4725.DEFINITION, "criteria": criteria_4725.DEFINITION["criteria"][1:]}
    try:
        check_definition(definition)
    except CriteriaSetError as error:
        assert "100" in str(error)
    else:
        raise AssertionError("a set of 90 points was accepted")


@given(st.integers(1, 20), st.decimals(min_value=0, max_value=20, places=2), st.booleans())
def test_points_typed_with_a_comma_or_a_dot_parse_back_or_are_refused(max_points, value, comma):
    from django.core.exceptions import ValidationError

    from reports.maturity.services import parse_points

    text = f"{value:f}".replace(".", ",") if comma else f"{value:f}"
    if value <= max_points:
        assert parse_points(text, max_points=max_points) == value
    else:
        try:
            parse_points(text, max_points=max_points)
        except ValidationError as error:
            assert f"từ 0 đến {max_points}" in error.messages[0]
        else:
            raise AssertionError(f"{text} accepted above {max_points}")


@given(st.text(max_size=12))
def test_any_typed_text_is_a_number_or_a_vietnamese_refusal(text):
    from django.core.exceptions import ValidationError

    from reports.maturity.services import parse_points

    try:
        value = parse_points(text, max_points=10)
    except ValidationError as error:
        assert error.messages[0].startswith("Điểm")
    else:
        assert Decimal(0) <= value <= 10


@given(
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=100, places=2),
    st.integers(1, 12),
)
def test_a_higher_measured_value_never_earns_fewer_points(a, b, max_points):
    measure = scoring.MEASURES["e_transcript"]
    low, high = sorted((a, b))

    def points(value):
        figure = scoring.Figure("E_TRANSCRIPT_SHARE", "TH-A", value, value, Decimal(100), Decimal(100))
        return scoring.prefill_points(measure=measure, figures=[figure], max_points=max_points)

    assert points(low) <= points(high) <= max_points
