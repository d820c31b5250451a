"""The egov figures behind the plan indicators (SPEC §4), counted by submission date within the school year."""

import datetime as dt
import zoneinfo

import pytest

from egov.models import Dossier, DossierStatus, Procedure
from egov.selectors import (
    full_online_procedure_counts,
    on_time_dossier_counts,
    online_dossier_counts,
    satisfaction_counts,
)
from egov.services import rate_dossier, transition_dossier
from reports.indicators import compute_indicators
from reports.models import IndicatorValue
from schools.models import SchoolYear

from .factories import make_dossier, make_procedure

pytestmark = pytest.mark.django_db
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
S = DossierStatus


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=VN)


@pytest.fixture
def year(province):
    return SchoolYear.objects.get(code="2025-2026")


@pytest.fixture
def figures(province):
    procedure = make_procedure(province.unit_a)  # 5 working days
    make_procedure(province.unit_a, mode=Procedure.Mode.PARTIAL_ONLINE)
    make_procedure(province.unit_a, mode=Procedure.Mode.PARTIAL_ONLINE, eligible_for_full_online=False)
    officer = province.users["unit_a_staff"]

    def decided(submitted: str, decided_on: str, stars: int | None = None, **extra) -> Dossier:
        dossier = make_dossier(procedure, submitted_at=at(submitted), **extra)
        for to in (S.RECEIVED, S.PROCESSING):
            dossier = transition_dossier(dossier=dossier, to=to, by=officer, at=at(submitted))
        dossier = transition_dossier(dossier=dossier, to=S.APPROVED, by=officer, at=at(decided_on))
        if stars:
            rate_dossier(dossier=dossier, stars=stars)
        return dossier

    decided("2025-10-06", "2025-10-10", stars=5)  # on time (due 13/10)
    decided("2025-10-06", "2025-10-13", stars=4)  # on the due date: on time
    decided("2025-10-06", "2025-10-14", stars=2, channel=Dossier.Channel.OFFLINE)  # late
    make_dossier(procedure, submitted_at=at("2026-03-02"))  # open: not finished
    decided("2025-08-20", "2025-08-21", stars=1)  # the school year before
    return procedure


def test_online_share_counts_the_years_dossiers_by_channel(figures, year):
    assert online_dossier_counts(school_year=year) == (3, 4)


def test_full_online_share_counts_eligible_procedures_only(figures, year):
    assert full_online_procedure_counts(school_year=year) == (1, 2)


def test_on_time_share_counts_finished_dossiers_by_their_due_date(figures, year):
    assert on_time_dossier_counts(school_year=year) == (2, 3)


def test_satisfaction_share_counts_four_and_five_stars(figures, year):
    assert satisfaction_counts(school_year=year) == (2, 3)


def test_the_indicators_are_stored_for_the_province(figures, year, province):
    compute_indicators(school_year=year)
    values = {
        v.indicator: (v.numerator, v.denominator)
        for v in IndicatorValue.objects.filter(org_unit=province.department, school_year=year)
    }
    assert values["ONLINE_DOSSIER_SHARE"] == (3, 4)
    assert values["ON_TIME_DOSSIER_SHARE"] == (2, 3)
    assert values["SATISFACTION_SHARE"] == (2, 3)
    assert values["FULL_ONLINE_PROCEDURE_SHARE"] == (1, 2)
