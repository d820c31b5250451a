"""Measurable criteria are pre-filled from the STORED indicator values of the school, with the figure shown."""

from decimal import Decimal

import pytest

from reports.maturity import services
from reports.maturity.models import AssessmentItem

from .helpers import start, store_value

pytestmark = pytest.mark.django_db


def item(assessment, code) -> AssessmentItem:
    return assessment.items.select_related("criterion").get(criterion__code=code)


def test_prefill_equals_the_stored_values_and_earns_points_by_the_declared_rule(province):
    school = province.school_a.org_unit
    store_value(school, "SCHOOL_MIS_SHARE", 1, 1)
    store_value(school, "E_TRANSCRIPT_SHARE", 150, 200)  # 75 %
    store_value(school, "ONLINE_CONTENT_SHARE_TH", 30, 1000)  # 3 % of a 5 % target
    store_value(school, "FIBER_SCHOOL_SHARE", 0, 1)
    store_value(school, "SITE_INTERNET_SHARE", 2, 2)
    store_value(province.school_b.org_unit, "SCHOOL_MIS_SHARE", 0, 1)  # another school's value: not read
    assessment = start(province)

    mis = item(assessment, "QT2")
    assert mis.prefill["figures"][0]["value"] == "100.00"
    assert mis.prefill["figures"][0]["org_unit"] == "TH-PHONGHAI"
    assert mis.prefill_points == Decimal(10) == mis.self_points

    transcript = item(assessment, "QT5")
    assert Decimal(transcript.prefill["figures"][0]["value"]) == Decimal("75.00")
    assert transcript.prefill_points == Decimal("7.5")

    online = item(assessment, "DH7")  # 10 × 3/5 = 6
    assert online.prefill_points == Decimal(6)

    internet = item(assessment, "DH2")  # mean of 0 (no fibre) and 1 (every site online): 10 × 0.5
    assert internet.prefill_points == Decimal(5)
    assert {f["indicator"] for f in internet.prefill["figures"]} == {"FIBER_SCHOOL_SHARE", "SITE_INTERNET_SHARE"}


def test_no_stored_value_means_nothing_prefilled_not_zero(province):
    assessment = start(province)
    mis = item(assessment, "QT2")
    assert mis.prefill_points is None and mis.self_points is None
    assert mis.prefill["figures"] == []


def test_province_only_measures_read_the_nearest_unit_above(province):
    store_value(province.department, "ONLINE_DOSSIER_SHARE", 40, 100)  # half of the 80 % target
    assessment = start(province)
    services_item = item(assessment, "QT8")
    assert services_item.prefill["figures"][0]["org_unit"] == "SGD"
    assert services_item.prefill_points == Decimal(4)  # 8 × 0.5


def test_overriding_a_prefill_needs_a_justification(province):
    store_value(province.school_a.org_unit, "SCHOOL_MIS_SHARE", 0, 1)
    assessment = start(province)
    user = province.users["school_a_admin"]
    with pytest.raises(services.ValidationError, match="giải trình"):
        services.score_item(assessment=assessment, criterion_code="QT2", points="10", by=user)
    services.score_item(
        assessment=assessment, criterion_code="QT2", points="10", justification="Dùng phần mềm từ tháng 3", by=user
    )
    assert item(assessment, "QT2").self_points == Decimal(10)


def test_refreshing_the_prefill_follows_new_values_but_keeps_an_override(province):
    school = province.school_a.org_unit
    store_value(school, "SCHOOL_MIS_SHARE", 0, 1)
    store_value(school, "E_CONTACT_BOOK_SCHOOL_SHARE", 0, 1)
    assessment = start(province)
    user = province.users["school_a_admin"]
    services.score_item(assessment=assessment, criterion_code="QT6", points="4", justification="Một phần", by=user)
    from reports.models import IndicatorValue

    IndicatorValue.objects.filter(org_unit=school).update(numerator=1, value=Decimal(100))
    services.refresh_prefill(assessment=assessment)
    assert item(assessment, "QT2").self_points == Decimal(10)  # followed the new figure
    assert item(assessment, "QT6").self_points == Decimal(4)  # the school's own figure stays
    assert item(assessment, "QT6").prefill_points == Decimal(8)


def test_totals_and_levels_are_stored_from_the_items(province):
    store_value(province.school_a.org_unit, "SCHOOL_MIS_SHARE", 1, 1)
    assessment = start(province)
    assessment.refresh_from_db()
    assert assessment.management_score == Decimal(10)
    assert assessment.teaching_score == Decimal(0)
    assert (assessment.teaching_level, assessment.management_level, assessment.level) == (1, 1, 1)
