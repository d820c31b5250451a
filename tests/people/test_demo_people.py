"""seed_demo's people, facilities, teaching activity and fees: two school years that fit together and show trends."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from edudx.core.text import fold
from people.models import ACTIVE_STATUSES, Employment, Enrolment, EnrolmentStatus, Position, StaffMember, Student
from people.national_id import NationalIdError, validate_national_id
from schools.models import FacilityItem, FeeCollection, School, SchoolYear, TeachingActivity

SCALE = ("--scale", "0.02")
PREVIOUS, CURRENT = "2024-2025", "2025-2026"
GRADES = {
    "MN": {"NT", "MG3", "MG4", "MG5"},
    "TH": {"1", "2", "3", "4", "5"},
    "THCS": {"6", "7", "8", "9"},
    "THPT": {"10", "11", "12"},
    "GDTX": {"10", "11", "12"},
}
LAST_GRADE = {"MN": "MG5", "TH": "5", "THCS": "9", "THPT": "12", "GDTX": "12"}
GENERAL = [str(g) for g in range(1, 13)]
MODELS = (Student, Enrolment, StaffMember, Employment, FacilityItem, TeachingActivity, FeeCollection)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *SCALE, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    seed()
    return {year.code: year for year in SchoolYear.objects.all()}


def share(rows, **condition) -> float:
    total = rows.count()
    assert total, "no rows to take a share of"
    return rows.filter(**condition).count() / total


@pytest.mark.django_db
def test_every_school_has_students_in_both_years_in_the_grades_of_its_levels(seeded):
    schools = list(School.objects.all())
    assert len(schools) >= 10
    for school in schools:
        allowed = set().union(*(GRADES[level] for level in school.levels))
        for code in (PREVIOUS, CURRENT):
            grades = set(
                Enrolment.objects.filter(school=school, school_year=seeded[code]).values_list("grade", flat=True)
            )
            assert grades, (school.code, code)
            assert grades <= allowed, (school.code, code, grades - allowed)
            assert grades == allowed, (school.code, code, "every grade of its levels has pupils")


@pytest.mark.django_db
def test_classes_are_named_by_grade_and_hold_at_most_35(seeded):
    sizes = (
        Enrolment.objects.filter(status__in=ACTIVE_STATUSES)
        .values("school", "school_year", "grade", "class_name")
        .annotate(n=Count("id"))
    )
    assert max(row["n"] for row in sizes) <= 35
    for row in sizes:
        name, grade = row["class_name"], row["grade"]
        if grade.isdigit():
            assert name.startswith(grade) and name[len(grade)].isalpha(), name
        else:
            assert name.split()[-1].isdigit() and name.startswith(("Nhà trẻ", "Lớp Mầm", "Lớp Chồi", "Lớp Lá")), name


@pytest.mark.django_db
def test_national_ids_are_twelve_digits_and_almost_all_agree_with_gender_and_birth_date(seeded):
    students = list(Student.objects.values_list("national_id", "gender", "birth_date"))
    with_id = [row for row in students if row[0] is not None]
    assert 0.02 <= 1 - len(with_id) / len(students) <= 0.07  # ~4 % have no ID yet
    invalid = 0
    for national_id, gender, birth_date in with_id:
        assert len(national_id) == 12 and national_id.isdigit()
        try:
            validate_national_id(national_id, gender=gender, birth_date=birth_date)
        except NationalIdError as error:
            assert error.part == "gender"  # the only problem planted on purpose
            invalid += 1
    assert invalid / len(with_id) < 0.005
    assert sum(nid.startswith("010") for nid, _g, _b in with_id) / len(with_id) > 0.9  # born in Lào Cai
    assert Student.objects.filter(ethnicity="").count() < 0.01 * len(students)
    staff_ids = StaffMember.objects.exclude(national_id=None).values_list("national_id", flat=True)
    assert all(len(national_id) == 12 and national_id.isdigit() for national_id in staff_ids)


@pytest.mark.django_db
def test_names_keep_diacritics_and_name_key_is_the_folded_name(seeded):
    rows = list(Student.objects.values_list("full_name", "name_key")[:2000])
    assert all(key == fold(name) for name, key in rows)
    assert any(name != key for name, key in rows)  # Vietnamese names are stored with their diacritics
    mong = Student.objects.filter(ethnicity="08").values_list("full_name", flat=True)[:500]
    assert mong and any(name.split()[1] == "A" for name in mong)  # Giàng A Sử


@pytest.mark.django_db
def test_students_move_a_grade_up_the_last_grade_leaves_and_a_new_intake_arrives(seeded):
    before = {
        (e.student_id, e.school_id): e
        for e in Enrolment.objects.filter(school_year=seeded[PREVIOUS], status__in=ACTIVE_STATUSES)
    }
    now = list(Enrolment.objects.filter(school_year=seeded[CURRENT]).select_related("school"))
    continuing = [(before[e.student_id, e.school_id], e) for e in now if (e.student_id, e.school_id) in before]
    assert len(continuing) > 0.6 * len(now)
    order = ["NT", "MG3", "MG4", "MG5", *GENERAL]
    for old, new in continuing:
        step = order.index(new.grade) - order.index(old.grade)
        assert step in (0, 1), (old.grade, new.grade)
        assert step == 1 or new.status != EnrolmentStatus.STUDYING, (old.grade, new.grade, new.status)  # repeaters
    schools = {e.school_id: e.school for e in now}
    for old in before.values():
        levels = schools[old.school_id].levels if old.school_id in schools else []
        if levels and old.grade == LAST_GRADE[levels[-1]]:
            assert not any(
                e.student_id == old.student_id and e.grade != old.grade for e in now if e.school_id == old.school_id
            )
    first_grades = [e for e in now if e.grade in ("1", "6", "10", "NT") and (e.student_id, e.school_id) not in before]
    assert first_grades  # the new intake


@pytest.mark.django_db
def test_every_school_has_managers_teachers_and_staff_in_both_years(seeded):
    for code in (PREVIOUS, CURRENT):
        per_school = (
            Employment.objects.filter(school_year=seeded[code])
            .values("school")
            .annotate(
                managers=Count("id", filter=Q(position=Position.MANAGER)),
                teachers=Count("id", filter=Q(position=Position.TEACHER)),
                total=Count("id"),
            )
        )
        assert len(per_school) == School.objects.count()
        for row in per_school:
            assert 1 <= row["managers"] <= 3
            assert row["teachers"] > row["managers"]
    stayed = Employment.objects.filter(
        school_year=seeded[CURRENT], staff__employments__school_year=seeded[PREVIOUS]
    ).count()
    assert stayed > 0.85 * Employment.objects.filter(school_year=seeded[CURRENT]).count()


@pytest.mark.django_db
def test_teaching_rows_follow_the_2018_programme_and_fees_have_no_tuition_in_public_primary(seeded):
    year = seeded[CURRENT]
    maths = TeachingActivity.objects.filter(school_year=year, grade="1", subject_key="toan").select_related("school")
    assert maths
    for row in maths:
        classes = (
            Enrolment.objects.filter(school=row.school, school_year=year, grade="1", status__in=ACTIVE_STATUSES)
            .values("class_name")
            .distinct()
            .count()
        )
        assert row.total_periods == 105 * classes
        assert row.online_periods <= row.total_periods and row.interactive_periods <= row.total_periods
    vietnamese = TeachingActivity.objects.filter(school_year=year, grade="1", subject_key="tieng viet").first()
    assert vietnamese.total_periods % 420 == 0
    primary = School.objects.filter(level_th=True, level_thcs=False, ownership=School.Ownership.PUBLIC)
    assert not FeeCollection.objects.filter(school__in=primary, item_key="hoc phi").exists()
    assert FeeCollection.objects.filter(item_key="bao hiem y te", school_year=year).exists()
    assert not FeeCollection.objects.filter(cashless_amount__gt=0, total_amount__lt=0).exists()


@pytest.mark.django_db
def test_shares_rise_from_the_previous_to_the_current_year(seeded):
    def shares(code: str) -> dict[str, float]:
        year = seeded[code]
        pupils = Enrolment.objects.filter(school_year=year, status__in=ACTIVE_STATUSES, grade__in=GENERAL)
        staff = Employment.objects.filter(school_year=year)
        teachers = staff.filter(position=Position.TEACHER)
        teaching = TeachingActivity.objects.filter(school_year=year).aggregate(
            total=Sum("total_periods"), online=Sum("online_periods"), interactive=Sum("interactive_periods")
        )
        items = FacilityItem.objects.filter(school_year=year)
        complete = items.exclude(year_in_use=None).exclude(condition="").exclude(site="")
        return {
            "online ready": share(pupils, has_device=True, has_internet=True),
            "e-transcript": share(pupils, has_e_transcript=True),
            "signature": share(staff.exclude(position=Position.EMPLOYEE), has_digital_signature=True),
            "self-training": share(teachers, has_self_training_account=True),
            "trained": share(staff, digital_skills_trained=True),
            "teach online": share(teachers, can_teach_online=True),
            "online periods": teaching["online"] / teaching["total"],
            "interactive periods": teaching["interactive"] / teaching["total"],
            "facility records": complete.aggregate(q=Sum("quantity"))["q"] / items.aggregate(q=Sum("quantity"))["q"],
        }

    before, now = shares(PREVIOUS), shares(CURRENT)
    for name, value in now.items():
        assert value > before[name], (name, before[name], value)
        assert 0 < value < 1, name


@pytest.mark.django_db
def test_a_second_run_writes_nothing(seeded):
    counts = {model: model.objects.count() for model in MODELS}
    stamps = {
        model: model.objects.order_by("-updated_at").values_list("updated_at", flat=True).first() for model in MODELS
    }
    output = seed()
    assert "không có gì mới" in output
    assert {model: model.objects.count() for model in MODELS} == counts
    assert {
        model: model.objects.order_by("-updated_at").values_list("updated_at", flat=True).first() for model in MODELS
    } == stamps


@pytest.mark.django_db
def test_a_later_current_year_continues_from_the_stored_one(seeded):
    seed("--school-year", "2026-2027")
    later = SchoolYear.objects.get(code="2026-2027")
    enrolments = Enrolment.objects.filter(school_year=later)
    assert enrolments.exists()
    continuing = enrolments.filter(student__enrolments__school_year=seeded[CURRENT]).count()
    assert continuing > 0.6 * enrolments.count()
    assert Employment.objects.filter(school_year=later).exists()
    assert FeeCollection.objects.filter(school_year=later).exists()


@pytest.mark.django_db
def test_cashless_shares_rise_in_every_school_and_are_higher_in_towns(seeded):
    """Compared on the fees a school collects in both years (public tuition ends in 2025-2026)."""
    rows = {
        code: {
            (school, term, item): (total, cashless, area)
            for school, term, item, total, cashless, area in FeeCollection.objects.filter(
                school_year=seeded[code]
            ).values_list("school", "term", "item_key", "total_amount", "cashless_amount", "school__area")
        }
        for code in (PREVIOUS, CURRENT)
    }
    common = rows[PREVIOUS].keys() & rows[CURRENT].keys()
    assert common

    def shares(code: str, group) -> dict:
        sums: dict = {}
        for key in common:
            total, cashless, area = rows[code][key]
            bucket = sums.setdefault(group(key, area), [0, 0])
            bucket[0] += total
            bucket[1] += cashless
        return {name: cashless / total for name, (total, cashless) in sums.items()}

    by_school = [shares(code, lambda key, _area: key[0]) for code in (PREVIOUS, CURRENT)]
    assert all(by_school[1][school] >= by_school[0][school] for school in by_school[0])
    by_area = [shares(code, lambda _key, area: area == School.Area.URBAN) for code in (PREVIOUS, CURRENT)]
    assert by_area[1][True] > by_area[0][True] and by_area[1][False] > by_area[0][False]
    assert by_area[1][True] > by_area[1][False]
