"""The form engine: every checked cell equals a count computed independently with plain ORM queries, for a school,
a management unit and the province (the conftest province with a seeded registry)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from edudx.core.jobs import SYSTEM
from people.models import ACTIVE_STATUSES, Employment, Enrolment, EnrolmentStatus
from reports.statforms.catalogue import LEVEL_GRADES, all_forms, get_form
from reports.statforms.engine import compute_per_school
from reports.statforms.selectors import form_figures
from schools.models import FacilityItem, School, SchoolInfrastructure, SchoolYear
from schools.services import get_or_open_school_year, move_org_unit

from .statforms_data import fill_province, fill_school

pytestmark = pytest.mark.django_db

ABOVE_BACHELOR = ["bachelor", "master", "doctorate"]


@pytest.fixture
def year(province) -> SchoolYear:
    year = SchoolYear.objects.get(code="2025-2026")
    fill_province(province, year)
    return year


def expected_start_cells(schools: list[School], year: SchoolYear, level: str) -> dict[str, int]:
    """What the beginning-of-year form must say, counted row by row without the engine."""
    grades = [g.value for g in LEVEL_GRADES[level]]
    students = Enrolment.objects.filter(school__in=schools, school_year=year, status__in=ACTIVE_STATUSES)
    minority = students.exclude(student__ethnicity__in=["", "01"])
    cells = {
        "hs.tong.tong": students.filter(grade__in=grades).count(),
        "hs.tong.nu": students.filter(grade__in=grades, student__gender="F").count(),
        "hs.tong.dtts": minority.filter(grade__in=grades).count(),
        "hs.tong.luu_ban": students.filter(grade__in=grades, status=EnrolmentStatus.REPEATING).count(),
        "truong.tong.so_truong": len(schools),
        "truong.tong.diem_truong": SchoolInfrastructure.objects.filter(school__in=schools, school_year=year).aggregate(
            n=Sum("site_count")
        )["n"],
    }
    for grade in grades:
        in_grade = students.filter(grade=grade)
        key = grade.lower()
        cells[f"hs.k{key}.tong"] = in_grade.count()
        cells[f"hs.k{key}.dtts_nu"] = minority.filter(grade=grade, student__gender="F").count()
        cells[f"hs.k{key}.khuyet_tat"] = in_grade.filter(student__disability=True).count()
        cells[f"lop.k{key}.so_lop"] = len({(e.school_id, e.class_name) for e in in_grade})
    staff = Employment.objects.filter(school__in=schools, school_year=year)
    teachers = staff.filter(position="teacher")
    cells["ns.tong.tong"] = staff.count()
    cells["ns.gv.tong"] = teachers.count()
    cells["ns.gv.nu"] = teachers.filter(staff__gender="F").count()
    cells["ns.cbql.dtts"] = staff.filter(position="manager").exclude(staff__ethnicity__in=["", "01"]).count()
    cells["ns.gv.q_master"] = teachers.filter(qualification="master").count()
    standard = ["college", *ABOVE_BACHELOR] if level == "MN" else ABOVE_BACHELOR
    cells["ns.gv.dat_chuan"] = teachers.filter(qualification__in=standard).count()
    cells["ns.gv.chua_dat"] = teachers.exclude(qualification__in=standard).exclude(qualification="").count()
    items = FacilityItem.objects.filter(school__in=schools, school_year=year)
    cells["csvc.computer.tong"] = items.filter(type="computer").aggregate(n=Sum("quantity"))["n"] or 0
    cells["csvc.classroom.good"] = (
        items.filter(type="classroom", condition="good").aggregate(n=Sum("quantity"))["n"] or 0
    )
    return cells


def figures(code: str, unit, year) -> dict[str, int]:
    return form_figures(form=get_form(code), org_unit=unit, school_year=year, principal=SYSTEM).cells


def assert_matches(cells: dict[str, int], expected: dict[str, int]) -> None:
    assert {key: cells[key] for key in expected} == expected


def test_school_form_cells_match_independent_counts(province, year):
    cells = figures("TH-DN", province.school_a.org_unit, year)
    expected = expected_start_cells([province.school_a], year, "TH")
    assert {key: cells[key] for key in expected} == expected
    assert expected["hs.tong.tong"] > 0 and expected["ns.gv.tong"] > 0  # the comparison is not vacuous


def test_unit_form_adds_up_only_its_schools_of_the_level(province, year):
    assert_matches(figures("TH-DN", province.unit_a, year), expected_start_cells([province.school_a], year, "TH"))
    thcs = expected_start_cells([province.school_a2], year, "THCS")
    assert_matches(figures("THCS-DN", province.unit_a, year), thcs)


def test_province_form_adds_up_every_school_of_the_level(province, year):
    cells = figures("TH-DN", province.department, year)
    expected = expected_start_cells([province.school_a, province.school_b], year, "TH")
    assert {key: cells[key] for key in expected} == expected
    thpt = expected_start_cells([province.school_thpt], year, "THPT")
    assert_matches(figures("THPT-DN", province.department, year), thpt)


def test_end_of_year_form_counts_every_status(province, year):
    cells = figures("TH-CN", province.department, year)
    rows = Enrolment.objects.filter(
        school__in=[province.school_a, province.school_b], school_year=year, grade__in=["1", "2", "3", "4", "5"]
    )
    assert cells["bd.tong.tong"] == rows.count()
    assert cells["bd.tong.bo_hoc"] == rows.filter(status="dropped").count()
    assert cells["bd.k5.hoan_thanh"] == rows.filter(status="graduated", grade="5").count()
    dropped_minority = rows.filter(status="dropped").exclude(student__ethnicity__in=["", "01"])
    assert cells["bd.tong.bo_hoc_dtts"] == dropped_minority.count()


def test_a_school_moved_later_keeps_its_past_year_under_the_old_unit(province, year):
    previous = get_or_open_school_year(code="2024-2025")
    fill_school(province.school_a, previous, seed=3)
    before_a = figures("TH-DN", province.unit_a, previous)
    before_b = figures("TH-DN", province.unit_b, previous)
    assert before_a["hs.tong.tong"] > 0

    move_org_unit(unit=province.school_a.org_unit, new_parent=province.unit_b)  # the 2025 reform

    assert figures("TH-DN", province.unit_a, previous) == before_a
    assert figures("TH-DN", province.unit_b, previous) == before_b
    assert figures("TH-DN", province.unit_a, year)["truong.tong.so_truong"] == 0


def test_one_grouped_query_per_section_for_any_number_of_schools(province, year):
    form = get_form("TH-DN")
    ids = [province.school_a.pk, province.school_b.pk]
    with CaptureQueriesContext(connection) as one:
        compute_per_school(form=form, school_year=year, school_ids=ids[:1])
    with CaptureQueriesContext(connection) as two:
        compute_per_school(form=form, school_year=year, school_ids=ids)
    assert len(one) == len(two)
    assert len(two) == len(form.sections)


def test_every_form_is_named_versioned_and_has_unique_cells():
    forms = all_forms()
    assert {"MN-DN", "MN-CN", "TH-DN", "TH-CN", "THCS-DN", "THCS-CN", "THPT-DN", "THPT-CN"} <= set(forms)
    for form in forms.values():
        keys = form.cell_keys()
        assert len(keys) == len(set(keys))
        assert form.version == "2026.1" and str(form.title)
        for rule in form.rules:
            assert set(rule.left) | set(rule.right) <= set(keys), rule.code
