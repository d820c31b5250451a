"""The demo seeding: assessments in several states, and a second run adds nothing."""

import pytest

from reports.maturity.demo import seed_maturity
from reports.maturity.models import Assessment, AssessmentTransition, Status

from .helpers import store_value, year

pytestmark = pytest.mark.django_db


def test_demo_assessments_span_the_workflow_and_seeding_twice_changes_nothing(province):
    store_value(province.school_a.org_unit, "SCHOOL_MIS_SHARE", 1, 1)
    first = seed_maturity(school_year=year())
    assert first["dx_assessments"] == 4
    statuses = set(Assessment.objects.values_list("status", flat=True))
    assert {Status.DRAFT, Status.SUBMITTED, Status.VERIFIED, Status.PUBLISHED} <= statuses
    transitions = AssessmentTransition.objects.count()
    assert seed_maturity(school_year=year())["dx_assessments"] == 0
    assert AssessmentTransition.objects.count() == transitions
