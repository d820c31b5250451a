"""PostgreSQL's set-based upsert of people gives exactly what the row-by-row upsert gives.

The same valid rows are applied twice to the same registry, once through ``PersonKind.apply`` (staging table and
set-based statements, or the row-by-row path when the file needs it) and once through the row-by-row path
alone; the people, their years, the audit entries and the counts must be the same.
"""

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from edudx.core.imports.kinds import ImportContext, Row, get_kind
from edudx.core.models import AuditEntry
from edudx.core.text import fold
from people.imports import _RowByRow, _SetBasedApply, check_person_rows
from people.models import Employment, Enrolment, StaffMember, Student
from schools import services as school_services
from schools.models import SchoolYear
from tests.imports import national_id

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's"),
]

# A handful of people, so that generated files and registries keep running into each other.
PEOPLE = [
    ("Giàng A Sử", dt.date(2019, 3, 1), False, 1),
    ("Sùng Thị Mai", dt.date(2019, 5, 9), True, 2),
    ("Lý A Dình", dt.date(2018, 11, 20), False, 3),
    ("Lý A Dình", dt.date(2018, 11, 20), False, 4),  # same name and birth date, another person
    ("Triệu Thị Lan", dt.date(2019, 1, 2), True, 5),
]
CLASSES = ["1A", "1B", "2A"]


def person_values(draw, index: int, *, with_id: bool) -> dict[str, Any]:
    name, birth, female, serial = PEOPLE[index]
    return {
        "national_id": national_id(birth=birth, female=female, serial=serial) if with_id else None,
        "full_name": draw(st.sampled_from([name, name.upper()])) if not with_id else name,
        "birth_date": birth,
        "gender": "F" if female else "M",
        "ethnicity": draw(st.sampled_from([None, "01", "02"])),
    }


@st.composite
def scenarios(draw):
    registry = []  # (person, with ID, at which school and year, class)
    for index in draw(st.lists(st.integers(0, len(PEOPLE) - 1), max_size=5)):
        registry.append(
            (
                person_values(draw, index, with_id=draw(st.booleans())),
                draw(st.sampled_from(["here", "here_last_year", "elsewhere", "nowhere"])),
                draw(st.sampled_from(CLASSES)),
                draw(st.sampled_from([None, True, False])),
            )
        )
    rows = []
    for number, index in enumerate(draw(st.lists(st.integers(0, len(PEOPLE) - 1), min_size=1, max_size=7)), 2):
        values = person_values(draw, index, with_id=draw(st.booleans()))
        values.update(
            disability=draw(st.sampled_from([None, True, False])),
            grade="1",
            class_name=draw(st.sampled_from(CLASSES)),
            status="studying",
            has_device=draw(st.sampled_from([None, True, False])),
            has_internet=None,
            has_e_transcript=draw(st.sampled_from([None, True])),
        )
        rows.append(Row(number=number, values=values, raw=[]))
    return registry, rows


def build_registry(registry, *, school, other_school, year, last_year) -> None:
    for values, where, class_name, disability in registry:
        if values["national_id"] and Student.objects.filter(national_id=values["national_id"]).exists():
            continue
        student = Student.objects.create(
            **{**values, "ethnicity": values["ethnicity"] or ""},
            name_key=fold(values["full_name"]),
            disability=disability,
        )
        places = {
            "here": (school, year),
            "here_last_year": (school, last_year),
            "elsewhere": (other_school, last_year),
        }
        if where in places:
            at, in_year = places[where]
            Enrolment.objects.create(
                student=student, school=at, school_year=in_year, grade="1", class_name=class_name, status="studying"
            )


def snapshot(existing: set[int], stats: dict[str, int]):
    """The registry with new people named by what they hold (their ids differ between the two runs)."""

    def label(student: Student):
        if student.pk in existing:
            return ("old", student.pk)
        return ("new", student.national_id, student.name_key, student.birth_date)

    students = {s.pk: s for s in Student.objects.all()}
    people = [
        (
            label(s),
            s.national_id,
            s.full_name,
            s.name_key,
            s.birth_date,
            s.gender,
            s.ethnicity,
            s.disability,
        )
        for s in students.values()
    ]
    people.sort(key=repr)  # None and text side by side: ordered by their text form
    enrolments = {e.pk: e for e in Enrolment.objects.all()}
    years = [
        (
            label(students[e.student_id]),
            e.school_id,
            e.school_year_id,
            e.grade,
            e.class_name,
            e.status,
            e.has_device,
            e.has_internet,
            e.has_e_transcript,
        )
        for e in enrolments.values()
    ]
    years.sort(key=repr)
    audit = [
        (
            entry.entity,
            label(students[entry.entity_id])
            if entry.entity == "people.student"
            else (label(students[enrolments[entry.entity_id].student_id]), enrolments[entry.entity_id].school_id),
            entry.action,
            sorted(entry.changes.items()),
            entry.note,
            entry.org_unit_id,
        )
        for entry in AuditEntry.objects.all()
    ]
    audit.sort(key=repr)
    return {"stats": stats, "people": people, "years": years, "audit": audit}


def applied(apply) -> dict:
    """Runs ``apply`` in a savepoint, takes the snapshot and rolls everything back."""
    existing = set(Student.objects.values_list("pk", flat=True))
    result = {}
    try:
        with transaction.atomic():
            result = snapshot(existing, apply())
            raise _Undo
    except _Undo:
        pass
    return result


class _Undo(Exception):
    pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_the_set_based_upsert_writes_what_the_row_by_row_upsert_writes(province, scenario):
    registry, rows = scenario
    year = SchoolYear.objects.get(code="2025-2026")
    last_year = school_services.get_or_open_school_year(code="2024-2025")
    school = province.school_a
    kind = get_kind("students")
    ctx = ImportContext(org_unit=school.org_unit, school_year=year, school=school)
    with transaction.atomic():
        build_registry(registry, school=school, other_school=province.school_b, year=year, last_year=last_year)
        check_person_rows(rows, sheet="")
        valid = [row for row in rows if row.valid]
        if not valid:
            transaction.set_rollback(True)
            return

        def set_based():
            try:
                with transaction.atomic():
                    stats = _SetBasedApply(kind, valid, ctx).run()
                event("set-based")
                return stats
            except _RowByRow:
                event("row by row (the file needs it)")
                return kind._apply_rows([Row(r.number, dict(r.values), r.raw) for r in valid], ctx)

        fast = applied(set_based)
        slow = applied(lambda: kind._apply_rows([Row(r.number, dict(r.values), r.raw) for r in valid], ctx))
        assert fast == slow
        transaction.set_rollback(True)


def rows_of(*values: dict[str, Any]) -> list[Row]:
    base = {
        "national_id": None,
        "ethnicity": "01",
        "disability": None,
        "grade": "1",
        "class_name": "1A",
        "status": "studying",
        "has_device": None,
        "has_internet": None,
        "has_e_transcript": None,
    }
    return [Row(number=n, values={**base, **v}, raw=[]) for n, v in enumerate(values, 2)]


def test_a_normal_file_takes_the_set_based_path_and_audits_each_new_person_with_its_row(province):
    year = SchoolYear.objects.get(code="2025-2026")
    school = province.school_a
    ctx = ImportContext(org_unit=school.org_unit, school_year=year, school=school)
    rows = rows_of(
        {"national_id": "010219000001", "full_name": "Giàng A Sử", "birth_date": dt.date(2019, 3, 1), "gender": "M"},
        {"full_name": "Sùng Thị Mai", "birth_date": dt.date(2019, 5, 9), "gender": "F"},
    )
    with transaction.atomic():
        stats = _SetBasedApply(get_kind("students"), rows, ctx).run()  # raises _RowByRow if it could not
    assert stats == {"created": 2, "updated": 0, "unchanged": 0}
    mai = Student.objects.get(full_name="Sùng Thị Mai")
    assert mai.national_id is None and mai.name_key == "sung thi mai" and mai.ethnicity == "01"
    entry = AuditEntry.objects.get(entity="people.student", entity_id=mai.pk)
    assert (entry.action, entry.note, entry.changes, entry.org_unit_id) == ("create", "dòng 3", {}, school.org_unit_id)
    assert Enrolment.objects.get(student=mai).class_name == "1A"


def test_a_person_without_an_id_sharing_name_and_birth_date_with_another_row_goes_row_by_row(province):
    year = SchoolYear.objects.get(code="2025-2026")
    school = province.school_a
    ctx = ImportContext(org_unit=school.org_unit, school_year=year, school=school)
    rows = rows_of(
        {"national_id": "010218000003", "full_name": "Lý A Dình", "birth_date": dt.date(2018, 11, 20), "gender": "M"},
        {"full_name": "Lý A Dình", "birth_date": dt.date(2018, 11, 20), "gender": "M", "class_name": "1B"},
    )
    with pytest.raises(_RowByRow), transaction.atomic():
        _SetBasedApply(get_kind("students"), rows, ctx).run()
    # Row by row, the second row is the first one's person again: one person, their class from the last row.
    assert get_kind("students").apply(rows, ctx) == {"created": 1, "updated": 1, "unchanged": 0}
    assert Student.objects.get().enrolments.get().class_name == "1B"


def test_staff_take_the_same_set_based_path(province):
    year = SchoolYear.objects.get(code="2025-2026")
    school = province.school_a
    ctx = ImportContext(org_unit=school.org_unit, school_year=year, school=school)
    values = {
        "national_id": "010085000007",
        "full_name": "Hoàng Văn Thắng",
        "birth_date": dt.date(1985, 2, 2),
        "gender": "M",
        "ethnicity": "01",
        "position": "teacher",
        "qualification": None,
        "subject": "Toán",
        "has_digital_signature": True,
        "has_self_training_account": None,
        "digital_skills_trained": None,
        "can_teach_online": None,
    }
    kind = get_kind("staff")
    with transaction.atomic():
        assert _SetBasedApply(kind, [Row(2, dict(values), [])], ctx).run()["created"] == 1
    with transaction.atomic():
        changed = {**values, "subject": "Tin học", "qualification": "master"}
        assert _SetBasedApply(kind, [Row(2, changed, [])], ctx).run() == {"created": 0, "updated": 1, "unchanged": 0}
    employment = Employment.objects.get()
    assert (employment.subject, employment.qualification, StaffMember.objects.get().full_name) == (
        "Tin học",
        "master",
        "Hoàng Văn Thắng",
    )
    entry = AuditEntry.objects.get(entity="people.employment", action="update")
    assert entry.changes == {"subject": ["Toán", "Tin học"], "qualification": ["", "master"]}
