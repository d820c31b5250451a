"""Plan indicators (SPEC §4): hand-computed values for a tiny province, summed up the tree as it was each year.

The province (tests/conftest.py): SGD → PGD-BT (TH-PHONGHAI primary, rural; THCS-XUANQUANG lower secondary,
rural), PGD-SP (TH-TAVAN primary, difficult area; here also MN-HOASEN preschool, rural), and THPT-SO1-LC
(upper secondary, urban) directly under SGD.
"""

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from edudx.core.jobs import SYSTEM, create_job, run_job_here
from edudx.core.models import Job
from edudx.core.text import fold
from people.models import Employment, Enrolment, EnrolmentStatus, Position, StaffMember, Student
from reports.indicators import INDICATORS, compute_indicators, percentage, selector
from reports.models import IndicatorValue
from reports.tasks import compute_indicators_nightly, compute_indicators_task
from schools.models import FacilityItem, FeeCollection, OrgUnit, School, SchoolInfrastructure, SchoolYear
from schools.models import TeachingActivity as Activity
from schools.services import get_or_open_school_year, move_org_unit, set_school_infrastructure

from ..schools.factories import OrgUnitFactory, SchoolFactory

pytestmark = pytest.mark.django_db

SPEC_CODES = {
    "ONLINE_CONTENT_SHARE_TH": ("5", None),
    "ONLINE_CONTENT_SHARE_SECONDARY": ("10", None),
    "ONLINE_INTERACTIVE_SHARE_TH": ("10", "20"),
    "ONLINE_INTERACTIVE_SHARE_SECONDARY": ("20", "30"),
    "ONLINE_READY_STUDENT_SHARE": ("50", None),
    "ONLINE_READY_TEACHER_SHARE": ("100", None),
    "CASHLESS_SCHOOL_SHARE": ("100", None),
    "CASHLESS_REVENUE_SHARE_URBAN": ("70", None),
    "CASHLESS_REVENUE_SHARE_RURAL": ("30", None),
    "DIGITAL_RECORD_STUDENT_SHARE": ("100", None),
    "DIGITAL_RECORD_STAFF_SHARE": ("100", None),
    "DIGITAL_RECORD_FACILITY_SHARE": ("80", "100"),
    "E_TRANSCRIPT_SHARE": ("100", None),
    "E_CONTACT_BOOK_SCHOOL_SHARE": ("100", None),
    "SCHOOL_MIS_SHARE": ("100", None),
    "FIBER_SCHOOL_SHARE": ("100", "100"),
    "SITE_INTERNET_SHARE": ("90", "100"),
    "COMPUTER_ROOM_SCHOOL_SHARE": ("100", None),
    "DIGITAL_SIGNATURE_STAFF_SHARE": ("100", None),
    "SELF_TRAINING_ACCOUNT_SHARE": ("100", None),
    "DIGITAL_SKILLS_TRAINED_SHARE": ("100", None),
    "LEARNING_CONTENT_COVERAGE": ("50", "80"),
    "ONLINE_DOSSIER_SHARE": ("80", "90"),
    "FULL_ONLINE_PROCEDURE_SHARE": ("100", None),
    "ON_TIME_DOSSIER_SHARE": ("100", None),
    "SATISFACTION_SHARE": ("80", None),
}
PROVINCE_LEVEL = {
    "LEARNING_CONTENT_COVERAGE",
    "ONLINE_DOSSIER_SHARE",
    "FULL_ONLINE_PROCEDURE_SHARE",
    "ON_TIME_DOSSIER_SHARE",
    "SATISFACTION_SHARE",
}


@pytest.fixture
def year(province) -> SchoolYear:
    return SchoolYear.objects.get(code="2025-2026")


@pytest.fixture
def preschool(province) -> School:
    return SchoolFactory(code="MN-HOASEN", name="Trường Mầm non Hoa Sen", parent=province.unit_b, levels=["MN"])


def student(name, *, national_id=None, gender="M", birth=dt.date(2017, 3, 10), ethnicity="01"):
    return Student.objects.create(
        national_id=national_id,
        full_name=name,
        name_key=fold(name),
        birth_date=birth,
        gender=gender,
        ethnicity=ethnicity,
    )


def enrol(person, school, year, *, grade, status=EnrolmentStatus.STUDYING, **facts):
    return Enrolment.objects.create(
        student=person,
        school=school,
        school_year=year,
        grade=grade,
        class_name=f"{grade}A",
        status=status,
        **facts,
    )


def employ(name, school, year, *, position, national_id=None, gender="F", birth=dt.date(1990, 4, 2), **facts):
    staff = StaffMember.objects.create(
        national_id=national_id, full_name=name, name_key=fold(name), birth_date=birth, gender=gender, ethnicity="01"
    )
    return Employment.objects.create(staff=staff, school=school, school_year=year, position=position, **facts)


def teach(school, year, grade, subject, total, online=0, interactive=0):
    return Activity.objects.create(
        school=school,
        school_year=year,
        grade=grade,
        subject=subject,
        subject_key=fold(subject),
        total_periods=total,
        online_periods=online,
        interactive_periods=interactive,
    )


def facility(school, year, code, quantity, **values):
    fields = {
        "name": "Máy tính để bàn",
        "type": FacilityItem.Type.COMPUTER,
        "year_in_use": 2022,
        "condition": FacilityItem.Condition.GOOD,
        "site": "Điểm trường chính",
        **values,
    }
    return FacilityItem.objects.create(school=school, school_year=year, asset_code=code, quantity=quantity, **fields)


def fee(school, year, term, total, cashless):
    return FeeCollection.objects.create(
        school=school,
        school_year=year,
        term=term,
        item="Học phí",
        item_key="hoc phi",
        total_amount=total,
        cashless_amount=cashless,
    )


def value(code: str, unit, year) -> IndicatorValue:
    unit_id = unit.pk if isinstance(unit, OrgUnit | School) else unit
    return IndicatorValue.objects.get(indicator=code, org_unit_id=unit_id, school_year=year)


def figures(code: str, unit, year) -> tuple:
    """(numerator, denominator, value) as stored."""
    row = value(code, unit, year)
    return row.numerator, row.denominator, row.value


def has_value(code: str, unit, year) -> bool:
    return IndicatorValue.objects.filter(indicator=code, org_unit_id=unit.pk, school_year=year).exists()


D = Decimal


@pytest.fixture
def registry(province, preschool, year):
    """A year of hand-countable records in every school (expected figures are in the tests)."""
    a, a2, b, thpt = province.school_a, province.school_a2, province.school_b, province.school_thpt
    previous = get_or_open_school_year(code="2024-2025")

    # Teaching activity: A 1/2 online (50 %), B 1/8 (12.5 %); the THCS school's stray grade-5 row is not primary.
    teach(a, year, "2", "Toán", 2, online=1, interactive=1)
    teach(b, year, "4", "Toán", 8, online=1, interactive=2)
    teach(a2, year, "7", "Ngữ văn", 30, online=3, interactive=6)
    teach(a2, year, "5", "Toán", 10, online=10, interactive=10)
    teach(thpt, year, "11", "Tin học", 70, online=14, interactive=21)
    teach(a, previous, "2", "Toán", 100, online=100, interactive=100)  # another year

    # Students of A: two active (one repeating), one transferred, one dropped out, one missing an ethnicity.
    enrol(
        student("Nguyễn Văn An", national_id="010217000001"),
        a,
        year,
        grade="1",
        has_device=True,
        has_internet=True,
        has_e_transcript=True,
    )
    # Digit 4 is 2 (male, 2000s) but she is a girl: the ID is invalid, so her record is not complete.
    enrol(
        student("Trần Thị Bình", national_id="010217000002", gender="F"),
        a,
        year,
        grade="2",
        status=EnrolmentStatus.REPEATING,
        has_device=True,
        has_internet=False,
        has_e_transcript=True,
    )
    enrol(
        student("Lò Văn Cường", national_id="010217000003"),
        a,
        year,
        grade="3",
        status=EnrolmentStatus.TRANSFERRED,
        has_device=True,
        has_internet=True,
        has_e_transcript=True,
    )
    enrol(
        student("Vàng Thị Mai", national_id="010317000004", gender="F"),
        a,
        year,
        grade="4",
        status=EnrolmentStatus.DROPPED,
        has_device=True,
        has_internet=True,
    )
    enrol(
        student("Giàng A Páo", national_id="010217000005", ethnicity=""),
        a,
        year,
        grade="5",
        has_device=True,
        has_internet=True,
        has_e_transcript=False,
    )
    enrol(student("Phạm Văn Tâm", national_id="010216000009"), a, previous, grade="2", has_e_transcript=True)
    # B: one pupil without a national ID yet; the preschool: one child with a complete record.
    enrol(student("Sùng Thị Dua"), b, year, grade="3", has_device=True, has_internet=True, has_e_transcript=True)
    enrol(
        student("Thào A Lử", national_id="010220000006", birth=dt.date(2020, 6, 1)),
        preschool,
        year,
        grade="MG5",
        has_device=True,
        has_internet=True,
    )

    # Staff. A: a teacher and a manager (CBQL). The THCS school: two teachers (one without an ID), an employee.
    flags = ("can_teach_online", "has_digital_signature", "has_self_training_account", "digital_skills_trained")

    def facts(*values):
        return dict(zip(flags, values, strict=True))

    employ("Đỗ Thị Hoa", a, year, position=Position.TEACHER, national_id="010190000007", **facts(1, 1, 1, 1))
    employ(
        "Lý Văn Sơn",
        a,
        year,
        position=Position.MANAGER,
        national_id="010085000008",
        gender="M",
        birth=dt.date(1985, 1, 1),
        **facts(1, 1, 0, 0),
    )
    employ("Hà Thị Lan", a2, year, position=Position.TEACHER, national_id="010190000010", **facts(0, 0, 1, 1))
    employ("Ma Thị Thu", a2, year, position=Position.TEACHER, **facts(1, 1, 0, 0))
    employ("Bàn Thị Yến", a2, year, position=Position.EMPLOYEE, national_id="010190000011", **facts(0, 1, 1, 1))

    # Facilities, by quantity: A has 30 complete computers, 5 projectors without a site, a line of 0.
    facility(a, year, "TS-001", 30)
    facility(a, year, "TS-002", 5, type=FacilityItem.Type.PROJECTOR, site="")
    facility(a, year, "TS-003", 0)
    facility(thpt, year, "TS-100", 10, year_in_use=None)

    # Infrastructure (schools template); B did not report any.
    set_school_infrastructure(
        school=a,
        school_year=year,
        internet="fiber",
        site_count=3,
        sites_with_internet=2,
        computer_rooms=1,
        has_mis=True,
        has_cashless=True,
        has_e_contact_book=False,
    )
    set_school_infrastructure(
        school=a2,
        school_year=year,
        internet="4g",
        site_count=1,
        sites_with_internet=1,
        computer_rooms=0,
        has_mis=True,
        has_cashless=False,
        has_e_contact_book=True,
    )
    set_school_infrastructure(
        school=thpt,
        school_year=year,
        internet="fiber",
        site_count=1,
        sites_with_internet=1,
        computer_rooms=2,
        has_mis=True,
        has_cashless=True,
        has_e_contact_book=True,
    )
    set_school_infrastructure(
        school=preschool,
        school_year=year,
        internet="none",
        site_count=2,
        sites_with_internet=0,
        computer_rooms=0,
        has_mis=False,
        has_cashless=None,
        has_e_contact_book=None,
    )

    # Fees: the urban THPT school 1.4 of 2 million cashless; A (rural) 0.3 of 3 million; B (difficult) 0.7 of 1.
    fee(thpt, year, "HK1", 1_000_000, 800_000)
    fee(thpt, year, "HK2", 1_000_000, 600_000)
    fee(a, year, "HK1", 3_000_000, 300_000)
    fee(b, year, "HK1", 1_000_000, 700_000)
    return province


def test_every_code_of_spec_section_4_is_defined_with_its_targets():
    assert set(INDICATORS) == set(SPEC_CODES)
    for code, (target_2025, target_2030) in SPEC_CODES.items():
        indicator = INDICATORS[code]
        assert indicator.code == code
        assert indicator.target_2025 == D(target_2025)
        assert indicator.target_2030 == (D(target_2030) if target_2030 else None)
        assert indicator.name_vi and indicator.name_en and indicator.numerator and indicator.denominator
        assert indicator.direction == "up"
        if code in PROVINCE_LEVEL:
            assert (indicator.scope, indicator.source, indicator.levels) == ("province", None, ())
        else:
            assert indicator.scope == "school" and indicator.source is not None and indicator.levels


def test_a_source_gives_each_schools_numerator_and_denominator(registry, year):
    rows = INDICATORS["ONLINE_CONTENT_SHARE_TH"].source(year)
    by_school = {school: (numerator, denominator) for school, numerator, denominator in rows}
    assert by_school[registry.school_a.pk] == (1, 2)
    assert by_school[registry.school_b.pk] == (1, 8)


def test_units_sum_numerators_and_denominators_never_average_percentages(registry, year):
    compute_indicators(school_year=year)
    code = "ONLINE_CONTENT_SHARE_TH"
    assert figures(code, registry.school_a, year) == (1, 2, D("50.00"))
    assert figures(code, registry.school_b, year) == (1, 8, D("12.50"))
    assert figures(code, registry.unit_a, year) == (1, 2, D("50.00"))
    assert figures(code, registry.unit_b, year) == (1, 8, D("12.50"))
    # 2/10 = 20 %, not (50 + 12.5) / 2 = 31.25 %; the THCS school's grade-5 row and last year's row are not in it.
    assert figures(code, registry.department, year) == (2, 10, D("20.00"))
    # Secondary: the THCS school 3/30 (10 %) and the THPT school 14/70 (20 %): 17/100, not 15 %.
    assert figures("ONLINE_CONTENT_SHARE_SECONDARY", registry.department, year) == (17, 100, D("17.00"))
    assert figures("ONLINE_INTERACTIVE_SHARE_TH", registry.department, year) == (3, 10, D("30.00"))
    assert figures("ONLINE_INTERACTIVE_SHARE_SECONDARY", registry.department, year) == (27, 100, D("27.00"))


def test_an_indicator_only_concerns_the_schools_of_its_levels(registry, year, preschool):
    compute_indicators(school_year=year)
    # A primary-only indicator has no value for the THCS, THPT and preschool schools, whatever rows they have.
    for school in (registry.school_a2, registry.school_thpt, preschool):
        assert not has_value("ONLINE_CONTENT_SHARE_TH", school, year)
    assert not has_value("ONLINE_CONTENT_SHARE_SECONDARY", registry.school_a, year)
    # The computer-room share concerns the four schools having TH, THCS or THPT, not the preschool.
    assert not has_value("COMPUTER_ROOM_SCHOOL_SHARE", preschool, year)
    assert figures("COMPUTER_ROOM_SCHOOL_SHARE", registry.department, year) == (2, 4, D("50.00"))


def test_students_are_active_enrolments_with_grade_filters(registry, year, preschool):
    compute_indicators(school_year=year)
    a = registry.school_a
    # A's students: An (1), Bình (2, repeating), Páo (5); the transferred and the dropped-out pupils are not.
    assert figures("ONLINE_READY_STUDENT_SHARE", a, year) == (2, 3, D("66.67"))  # An, Páo; Bình has no Internet
    assert figures("E_TRANSCRIPT_SHARE", a, year) == (2, 3, D("66.67"))  # An, Bình
    assert figures("DIGITAL_RECORD_STUDENT_SHARE", a, year) == (1, 3, D("33.33"))  # Bình's ID, Páo's ethnicity
    assert figures("DIGITAL_RECORD_STUDENT_SHARE", registry.school_b, year) == (0, 1, D("0.00"))  # no ID yet
    # The preschool child counts for digital records (all levels) but not for grades 1–12.
    assert figures("DIGITAL_RECORD_STUDENT_SHARE", preschool, year) == (1, 1, D("100.00"))
    assert not has_value("ONLINE_READY_STUDENT_SHARE", preschool, year)
    assert figures("DIGITAL_RECORD_STUDENT_SHARE", registry.unit_b, year) == (1, 2, D("50.00"))
    assert figures("ONLINE_READY_STUDENT_SHARE", registry.unit_b, year) == (1, 1, D("100.00"))
    assert figures("ONLINE_READY_STUDENT_SHARE", registry.department, year) == (3, 4, D("75.00"))
    assert figures("E_TRANSCRIPT_SHARE", registry.department, year) == (3, 4, D("75.00"))
    assert figures("DIGITAL_RECORD_STUDENT_SHARE", registry.department, year) == (2, 5, D("40.00"))


def test_a_national_id_is_judged_as_the_importer_judges_it(province, year):
    a = province.school_a
    for name, national_id in (
        ("Nguyễn Văn Một", "010217000001"),  # valid
        ("Nguyễn Văn Hai", "010217000002"),  # valid: same first six digits, gender and year as above
        ("Nguyễn Văn Ba", "0102170000x3"),  # the same start, but not only digits
        ("Nguyễn Văn Bốn", "01021700004"),  # the same start, 11 digits
        ("Nguyễn Văn Năm", "999217000005"),  # no province 999
        ("Nguyễn Văn Sáu", "010218000006"),  # digits 5–6 say 2018, he was born in 2017
    ):
        enrol(student(name, national_id=national_id), a, year, grade="3")
    compute_indicators(school_year=year)
    assert figures("DIGITAL_RECORD_STUDENT_SHARE", a, year) == (2, 6, D("33.33"))


def test_teachers_are_one_position_and_staff_are_everyone(registry, year):
    compute_indicators(school_year=year)
    a, a2, unit = registry.school_a, registry.school_a2, registry.unit_a
    # Teachers only: the manager who can teach online is not counted.
    assert figures("ONLINE_READY_TEACHER_SHARE", a, year) == (1, 1, D("100.00"))
    assert figures("ONLINE_READY_TEACHER_SHARE", a2, year) == (1, 2, D("50.00"))
    assert figures("ONLINE_READY_TEACHER_SHARE", unit, year) == (2, 3, D("66.67"))
    assert figures("SELF_TRAINING_ACCOUNT_SHARE", unit, year) == (2, 3, D("66.67"))
    # Managers and teachers: the employee's signature does not count.
    assert figures("DIGITAL_SIGNATURE_STAFF_SHARE", a2, year) == (1, 2, D("50.00"))
    assert figures("DIGITAL_SIGNATURE_STAFF_SHARE", unit, year) == (3, 4, D("75.00"))
    # All staff.
    assert figures("DIGITAL_SKILLS_TRAINED_SHARE", a2, year) == (2, 3, D("66.67"))
    assert figures("DIGITAL_SKILLS_TRAINED_SHARE", unit, year) == (3, 5, D("60.00"))
    assert figures("DIGITAL_RECORD_STAFF_SHARE", unit, year) == (4, 5, D("80.00"))  # one teacher has no ID


def test_cashless_revenue_is_split_between_urban_and_rural_schools(registry, year):
    compute_indicators(school_year=year)
    urban, rural = "CASHLESS_REVENUE_SHARE_URBAN", "CASHLESS_REVENUE_SHARE_RURAL"
    assert figures(urban, registry.department, year) == (1_400_000, 2_000_000, D("70.00"))
    # Rural and difficult areas together: 1.0 of 4.0 million = 25 %, not the mean of 10 % and 70 %.
    assert figures(rural, registry.department, year) == (1_000_000, 4_000_000, D("25.00"))
    assert figures(rural, registry.unit_a, year) == (300_000, 3_000_000, D("10.00"))
    assert figures(rural, registry.school_b, year) == (700_000, 1_000_000, D("70.00"))
    assert not has_value(urban, registry.unit_a, year)  # no urban school there
    assert not has_value(rural, registry.school_thpt, year)


def test_school_shares_count_every_active_school(registry, year, preschool):
    compute_indicators(school_year=year)
    province = registry.department
    # Five schools; B sent no infrastructure row, so it counts in the denominators only.
    assert figures("CASHLESS_SCHOOL_SHARE", province, year) == (2, 5, D("40.00"))
    assert figures("E_CONTACT_BOOK_SCHOOL_SHARE", province, year) == (2, 5, D("40.00"))
    assert figures("SCHOOL_MIS_SHARE", province, year) == (3, 5, D("60.00"))
    assert figures("FIBER_SCHOOL_SHARE", province, year) == (2, 5, D("40.00"))
    assert figures("CASHLESS_SCHOOL_SHARE", registry.school_b, year) == (0, 1, D("0.00"))
    assert figures("SITE_INTERNET_SHARE", province, year) == (4, 7, D("57.14"))  # Σ sites with Internet / Σ sites


def test_facility_records_are_counted_by_quantity(registry, year):
    compute_indicators(school_year=year)
    code = "DIGITAL_RECORD_FACILITY_SHARE"
    # 30 complete computers of 35 items (the projectors have no site; the line of 0 adds nothing): not 1 line of 3.
    assert figures(code, registry.school_a, year) == (30, 35, D("85.71"))
    assert figures(code, registry.school_thpt, year) == (0, 10, D("0.00"))  # no year in use
    assert figures(code, registry.department, year) == (30, 45, D("66.67"))


def test_a_zero_denominator_is_no_data_not_zero_percent(registry, year):
    compute_indicators(school_year=year)
    # The THCS and THPT schools have no students; B reported no sites.
    for code, unit in (
        ("ONLINE_READY_STUDENT_SHARE", registry.school_a2),
        ("E_TRANSCRIPT_SHARE", registry.school_thpt),
        ("SITE_INTERNET_SHARE", registry.school_b),
        ("DIGITAL_RECORD_FACILITY_SHARE", registry.unit_b),
    ):
        assert figures(code, unit, year) == (0, 0, None), code
    assert percentage(D(0), D(0)) is None
    assert percentage(D(1), D(3)) == D("33.33")
    assert percentage(D(1), D(8)) == D("12.50")
    assert percentage(D(2), D(3)) == D("66.67")  # half up
    assert percentage(D(1), D(800)) == D("0.13")  # 0.125 rounds up, not to the even 0.12


def test_a_province_indicator_is_stored_on_the_root_of_the_years_tree_only(registry, year, province, monkeypatch):
    calls = []

    def counts(school_year):
        calls.append(school_year.code)
        return 3, 4

    monkeypatch.setitem(
        INDICATORS, "ONLINE_DOSSIER_SHARE", replace(INDICATORS["ONLINE_DOSSIER_SHARE"], province_source=counts)
    )
    compute_indicators(school_year=year)
    assert figures("ONLINE_DOSSIER_SHARE", province.department, year) == (D(3), D(4), D("75.00"))
    assert (
        not IndicatorValue.objects.filter(indicator="ONLINE_DOSSIER_SHARE")
        .exclude(org_unit=province.department)
        .exists()
    )
    # A recompute after one school's import reaches the root too: the province's figure is fresh again.
    again = replace(INDICATORS["ONLINE_DOSSIER_SHARE"], province_source=lambda _: (4, 4))
    monkeypatch.setitem(INDICATORS, "ONLINE_DOSSIER_SHARE", again)
    compute_indicators(school_year=year, org_unit=province.school_b.org_unit)
    assert figures("ONLINE_DOSSIER_SHARE", province.department, year) == (D(4), D(4), D("100.00"))
    assert calls == [year.code]


def test_a_province_source_named_by_its_path_is_imported_when_called(registry, year, province, monkeypatch):
    monkeypatch.setitem(
        INDICATORS,
        "SATISFACTION_SHARE",
        replace(INDICATORS["SATISFACTION_SHARE"], province_source=selector("tests.reports.province_sources.ratings")),
    )
    compute_indicators(school_year=year)
    assert figures("SATISFACTION_SHARE", province.department, year) == (D(1), D(8), D("12.50"))


def test_a_moved_school_keeps_past_years_under_its_old_unit(province, year):
    previous = get_or_open_school_year(code="2024-2025")
    b = province.school_b
    teach(b, previous, "3", "Toán", 10, online=1)
    teach(b, year, "3", "Toán", 10, online=4)
    teach(province.school_a, year, "3", "Toán", 10, online=2)
    code = "ONLINE_CONTENT_SHARE_TH"
    compute_indicators(school_year=year)
    assert figures(code, province.unit_b, year) == (4, 10, D("40.00"))

    move_org_unit(unit=b.org_unit, new_parent=province.unit_a)  # the 2025 reform: Tả Van joins another unit
    compute_indicators(school_year=previous)
    compute_indicators(school_year=year)

    assert figures(code, province.unit_b, previous) == (1, 10, D("10.00"))
    assert figures(code, province.unit_a, previous) == (0, 0, None)  # A sent no activity for 2024-2025
    assert figures(code, province.unit_a, year) == (6, 20, D("30.00"))
    # PGD-SP has no primary school left this year: its old value is gone, not kept or shown as 0 %.
    assert not has_value(code, province.unit_b, year)
    assert figures(code, province.department, previous) == (1, 10, D("10.00"))
    assert figures(code, province.department, year) == (6, 20, D("30.00"))


def test_recomputing_gives_the_same_values_and_no_duplicates(registry, year):
    stored = compute_indicators(school_year=year)
    first = sorted(IndicatorValue.objects.values_list("indicator", "org_unit_id", "numerator", "denominator", "value"))
    assert len(first) == stored
    assert compute_indicators(school_year=year) == stored
    again = sorted(IndicatorValue.objects.values_list("indicator", "org_unit_id", "numerator", "denominator", "value"))
    assert again == first

    # A change shows after the next computation, and only the values it touches change.
    Activity.objects.filter(school=registry.school_b).update(online_periods=5)
    compute_indicators(school_year=year)
    assert figures("ONLINE_CONTENT_SHARE_TH", registry.department, year) == (6, 10, D("60.00"))
    assert IndicatorValue.objects.count() == stored


def test_every_value_of_a_run_carries_the_runs_time(registry, year):
    compute_indicators(school_year=year)
    compute_indicators(school_year=year)
    assert IndicatorValue.objects.values("computed_at").distinct().count() == 1


def test_recomputing_one_unit_updates_its_schools_and_the_units_above(registry, year):
    compute_indicators(school_year=year)
    untouched = value("ONLINE_CONTENT_SHARE_TH", registry.school_b, year).computed_at
    Activity.objects.filter(school=registry.school_a).update(online_periods=2)
    Activity.objects.filter(school=registry.school_b).update(online_periods=8)  # not recomputed yet

    compute_indicators(school_year=year, org_unit=registry.unit_a)

    code = "ONLINE_CONTENT_SHARE_TH"
    assert figures(code, registry.school_a, year) == (2, 2, D("100.00"))
    assert figures(code, registry.unit_a, year) == (2, 2, D("100.00"))
    # The province adds B's stored figures (1/8), not its new rows: those wait for B's or the nightly run.
    assert figures(code, registry.department, year) == (3, 10, D("30.00"))
    assert value(code, registry.school_b, year).computed_at == untouched
    compute_indicators(school_year=year)
    assert figures(code, registry.department, year) == (10, 10, D("100.00"))


def test_the_job_reports_progress_and_the_nightly_task_computes_the_current_year(registry, year):
    job = create_job(
        task=compute_indicators_task,
        principal=SYSTEM,
        org_unit=registry.department,
        title="Tính chỉ tiêu",
        params={"school_year": year.code, "org_unit": None},
        enqueue=False,
    )
    job = run_job_here(job)
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.done == job.total == 7  # six grouped queries, then the store
    assert job.result["values"] == IndicatorValue.objects.count() > 0
    IndicatorValue.objects.all().delete()
    assert compute_indicators_nightly() == job.result["values"]


def test_the_job_fails_clearly_for_a_unit_outside_the_years_tree(province):
    previous = get_or_open_school_year(code="2024-2025")
    newcomer = OrgUnitFactory(code="PGD-MOI", parent=province.department)  # opened after 2024-2025
    job = create_job(
        task=compute_indicators_task,
        principal=SYSTEM,
        org_unit=newcomer,
        title="Tính chỉ tiêu",
        params={"school_year": previous.code, "org_unit": newcomer.code},
        enqueue=False,
    )
    job = run_job_here(job)
    assert job.status == Job.Status.FAILED
    assert "PGD-MOI" in job.message and "2024-2025" in job.message


def run_command(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("compute_indicators", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_command_computes_in_this_process(registry, year):
    code, out, err = run_command("--school-year", year.code)
    assert code == 0, err
    assert "2025-2026" in out
    assert figures("ONLINE_CONTENT_SHARE_TH", registry.department, year) == (2, 10, D("20.00"))
    assert Job.objects.get(kind="compute_indicators").status == Job.Status.SUCCEEDED

    code, _out, err = run_command("--school-year", year.code, "--org-unit", "pgd-bt")
    assert code == 0, err


def test_command_async_only_queues_the_job(registry, year):
    code, out, _err = run_command("--school-year", year.code, "--async")
    assert code == 0
    job = Job.objects.get(kind="compute_indicators")
    assert str(job.pk) in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--school-year", "2025"), "2025"),
        (("--school-year", "2030-2031"), "2030-2031"),
        (("--school-year", "2025-2026", "--org-unit", "KHONG-CO"), "KHONG-CO"),
    ],
)
def test_command_exits_2_with_one_line_for_unusable_arguments(province, args, says):
    code, _out, err = run_command(*args)
    assert code == 2
    assert says in err and len(err.strip().splitlines()) == 1
    assert not Job.objects.exists()


def test_command_exits_2_for_a_unit_not_in_that_years_tree(province):
    get_or_open_school_year(code="2024-2025")
    OrgUnitFactory(code="PGD-MOI", parent=province.department)
    code, _out, err = run_command("--school-year", "2024-2025", "--org-unit", "PGD-MOI")
    assert code == 2
    assert "PGD-MOI" in err and len(err.strip().splitlines()) == 1


def test_seed_demo_leaves_values_for_both_years(db):
    call_command("seed_demo", "--scale", "0.02", stdout=StringIO())
    years = SchoolYear.objects.order_by("code")
    assert [year.code for year in years] == ["2024-2025", "2025-2026"]
    province = OrgUnit.objects.get(parent__isnull=True)
    for year in years:
        row = value("CASHLESS_SCHOOL_SHARE", province, year)
        schools = School.objects.filter(org_unit__placements__school_year=year)
        cashless = SchoolInfrastructure.objects.filter(school_year=year, has_cashless=True, school__in=schools)
        assert (row.numerator, row.denominator) == (cashless.count(), schools.count())
