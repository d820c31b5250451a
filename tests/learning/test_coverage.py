import pytest
from django.utils import timezone

from learning.models import ContentStatus, KnowledgeUnit, Resource
from learning.selectors import content_coverage, coverage_by_subject_and_grade
from reports.indicators import compute_indicators
from reports.models import IndicatorValue
from schools.models import SchoolYear

from .test_resources import make

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(province):
    return SchoolYear.objects.get(code="2025-2026")


def publish(resource, when=None):
    Resource.objects.filter(pk=resource.pk).update(status=ContentStatus.PUBLISHED, published_at=when or timezone.now())


def test_coverage_counts_units_with_a_published_resource_only(province, year):
    publish(make(province, link="https://example.edu.vn/1", units=("TOAN-6-C3-01", "TOAN-6-C3-02")))
    publish(make(province, link="https://example.edu.vn/2", units=("TOAN-6-C3-01",)))  # the same unit again
    make(province, link="https://example.edu.vn/3", units=("TOAN-6-C3-03",))  # a draft covers nothing
    assert content_coverage(school_year=year) == (2, KnowledgeUnit.objects.count())


def test_taken_down_resources_and_those_published_after_a_past_year_do_not_count(province, year):
    SchoolYear.objects.filter(pk=year.pk).update(is_current=False)
    year.refresh_from_db()
    late = make(province, link="https://example.edu.vn/1", units=("TOAN-6-C3-01",))
    publish(late, when=timezone.make_aware(timezone.datetime(year.end_date.year + 1, 1, 1)))
    gone = make(province, link="https://example.edu.vn/2", units=("TOAN-6-C3-02",))
    Resource.objects.filter(pk=gone.pk).update(status=ContentStatus.TAKEN_DOWN, published_at=timezone.now())
    assert content_coverage(school_year=year)[0] == 0


def test_the_indicator_is_stored_for_the_province(province, year):
    publish(make(province, link="https://example.edu.vn/1", units=("TOAN-6-C3-01",)))
    compute_indicators(school_year=year)
    value = IndicatorValue.objects.get(
        indicator="LEARNING_CONTENT_COVERAGE", org_unit=province.department, school_year=year
    )
    assert (value.numerator, value.denominator) == (1, KnowledgeUnit.objects.count())


def test_coverage_page_rows_list_units_still_without_a_resource(province):
    publish(make(province, link="https://example.edu.vn/1", units=("TOAN-6-C3-01",)))
    rows = {(r.subject.code, r.grade): r for r in coverage_by_subject_and_grade()}
    math6 = rows[("TOAN", 6)]
    assert math6.covered == 1 and math6.total == 15
    assert "TOAN-6-C3-01" not in {u.code for u in math6.missing} and len(math6.missing) == 14
    assert rows[("NGUVAN", 6)].covered == 0 and rows[("NGUVAN", 6)].percent == 0
