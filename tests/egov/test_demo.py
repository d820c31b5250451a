"""The demo's online services: a catalogue, a register and a year of dossiers; the same every run, never twice."""

import pytest
import time_machine

from egov.demo import seed_egov
from egov.models import DiplomaCopy, Dossier, DossierEvent, DossierRating, Procedure
from people import services as people_services
from schools.models import SchoolYear
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(province):
    officer = UserFactory(username="so.canbo")
    people_services.grant_role(user=officer, role="department_staff", org_unit=province.department)
    year = SchoolYear.objects.get(code="2025-2026")
    return {
        "department": province.department,
        "units": [province.unit_a, province.unit_b],
        "schools": [province.school_a, province.school_a2, province.school_b, province.school_thpt],
        "years": [year],
        "scale": 0.02,
        "seed": 7,
    }


def _snapshot():
    return sorted(Dossier.objects.values_list("receipt_code", "status", "due_date", "channel"))


@time_machine.travel("2026-06-15 10:00 +0700", tick=False)
def test_the_demo_is_deterministic_and_idempotent(setting):
    first = seed_egov(**setting)
    assert first["dossiers"] == Dossier.objects.count() > 40
    assert Procedure.objects.count() == 7 and first["diplomas"] == 20
    snapshot = _snapshot()
    events = DossierEvent.objects.count()
    assert seed_egov(**setting)["dossiers"] == 0
    assert _snapshot() == snapshot and DossierEvent.objects.count() == events
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert "result_returned" in statuses and len(statuses) >= 3  # finished ones and some still open
    assert DossierRating.objects.exists() and DiplomaCopy.objects.exists()
    DiplomaCopy.objects.all().delete()
    Dossier.objects.all().delete()  # a fresh database: the same dossiers again
    seed_egov(**setting)
    assert _snapshot() == snapshot
