"""The demo's report-form data: deadlines of both periods, submitted forms only where the rules pass; idempotent."""

import pytest

from people.models import Student
from reports.statforms.demo import seed_statforms
from reports.statforms.models import FormSubmission, ReportingPeriod
from schools.models import SchoolYear

from .statforms_data import fill_province

pytestmark = pytest.mark.django_db


def test_demo_sets_deadlines_and_submits_only_valid_forms_once(province):
    year = SchoolYear.objects.get(code="2025-2026")
    fill_province(province, year, gaps=False)
    Student.objects.update(ethnicity="")  # no school's registry records its students' ethnicity
    first = seed_statforms(school_year=year)
    assert set(ReportingPeriod.objects.values_list("period", flat=True)) == {"start", "end"}
    assert first["statform_submissions"] == FormSubmission.objects.count() == 0  # every school breaks a rule
    assert seed_statforms(school_year=year) == {"statform_submissions": 0}


def test_demo_submits_consistent_forms(province):
    year = SchoolYear.objects.get(code="2025-2026")
    fill_province(province, year, gaps=False)
    created = seed_statforms(school_year=year)["statform_submissions"]
    assert created == FormSubmission.objects.count() >= 1
    assert seed_statforms(school_year=year)["statform_submissions"] == 0
    for submission in FormSubmission.objects.all():
        assert submission.cells and submission.period == "start"
