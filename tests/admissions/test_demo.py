"""The demo's admissions: wards of the province, an open round with applications, idempotent."""

import pytest

from egov.admissions.demo import seed_admissions
from egov.admissions.models import AdmissionRound, Application, Ward
from schools.models import School, SchoolYear

pytestmark = pytest.mark.django_db


def test_seed_admissions_opens_a_score_round_with_applications_and_is_idempotent(province):
    year = SchoolYear.objects.get(code="2025-2026")
    schools = list(School.objects.select_related("org_unit"))
    first = seed_admissions(department=province.department, schools=schools, school_year=year, seed=1)
    assert Ward.objects.filter(name="Phường Cốc Lếu").exists()
    round_ = AdmissionRound.objects.get(method="score")
    assert round_.accepts_applications()
    assert first["hồ sơ tuyển sinh"] == Application.objects.count() > 0
    again = seed_admissions(department=province.department, schools=schools, school_year=year, seed=1)
    assert sum(again.values()) == 0
