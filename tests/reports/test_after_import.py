"""An import refreshes the indicators and the data quality of the school it wrote to."""

import pytest
from django.core.management import call_command

from reports.models import DataQualityScore, IndicatorValue
from tests.imports import GRADE_ONE, xlsx

pytestmark = pytest.mark.django_db


def test_an_import_recomputes_its_schools_indicators_and_quality(
    tmp_path, province, django_capture_on_commit_callbacks
):
    path = xlsx(tmp_path / "hs.xlsx", GRADE_ONE)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit) as exit_:
        call_command(
            "import_registry", str(path), "--kind", "students", "--school", "TH-PHONGHAI", "--school-year", "2025-2026"
        )
    assert exit_.value.code == 0
    value = IndicatorValue.objects.get(indicator="DIGITAL_RECORD_STUDENT_SHARE", org_unit__code="TH-PHONGHAI")
    assert (value.numerator, value.denominator) == (4, 4)
    unit = IndicatorValue.objects.get(indicator="DIGITAL_RECORD_STUDENT_SHARE", org_unit__code="PGD-BT")
    assert unit.denominator == 4
    assert DataQualityScore.objects.filter(school=province.school_a).exists()
