"""A registry for the report-form tests: students, staff, facilities and infrastructure of the conftest province,
drawn from a seeded generator (names from Faker vi_VN), including the gaps real registries have (blank ethnicity,
qualification or condition)."""

from __future__ import annotations

import datetime as dt
import random

from faker import Faker

from edudx.core.text import fold
from people.models import Employment, Enrolment, EnrolmentStatus, Position, Qualification, StaffMember, Student
from reports.statforms.catalogue import LEVEL_GRADES
from schools.models import FacilityItem, School, SchoolYear
from schools.services import set_school_infrastructure

ETHNICITIES = ["01", "01", "01", "02", "03", "08", "08"]
STATUSES = [EnrolmentStatus.STUDYING] * 6 + [
    EnrolmentStatus.REPEATING,
    EnrolmentStatus.TRANSFERRED,
    EnrolmentStatus.DROPPED,
    EnrolmentStatus.GRADUATED,
]


def fill_school(school: School, year: SchoolYear, *, seed: int, gaps: bool = True, students_per_grade: int = 6) -> None:
    rng = random.Random(seed)
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    grades = [grade for level in school.levels if level in LEVEL_GRADES for grade in LEVEL_GRADES[level]]
    students, enrolments = [], []
    for grade in grades:
        for _ in range(rng.randint(0, students_per_grade)):
            female = rng.random() < 0.5
            name = fake.name_female() if female else fake.name_male()
            ethnicity = rng.choice(ETHNICITIES + ([""] if gaps else []))
            students.append(
                Student(
                    full_name=name,
                    name_key=fold(name),
                    birth_date=dt.date(2015, 1, 1),
                    gender="F" if female else "M",
                    ethnicity=ethnicity,
                    disability=rng.random() < 0.1,
                )
            )
            status = rng.choice(STATUSES)
            if not gaps and status == EnrolmentStatus.GRADUATED and grade != grades[-1]:
                status = EnrolmentStatus.STUDYING
            enrolments.append((grade.value, f"{grade.value}{rng.choice('AB')}", status))
    Student.objects.bulk_create(students)
    Enrolment.objects.bulk_create(
        Enrolment(student=person, school=school, school_year=year, grade=grade, class_name=klass, status=status)
        for person, (grade, klass, status) in zip(students, enrolments, strict=True)
    )
    qualifications = [q.value for q in Qualification] + ([""] if gaps else [])
    for position in [Position.MANAGER, *[Position.TEACHER] * 5, Position.EMPLOYEE, Position.EMPLOYEE]:
        female = rng.random() < 0.7
        name = fake.name_female() if female else fake.name_male()
        staff = StaffMember.objects.create(
            full_name=name,
            name_key=fold(name),
            birth_date=dt.date(1985, 5, 5),
            gender="F" if female else "M",
            ethnicity=rng.choice(ETHNICITIES),
        )
        Employment.objects.create(
            staff=staff, school=school, school_year=year, position=position, qualification=rng.choice(qualifications)
        )
    conditions = [c.value for c in FacilityItem.Condition] + ([""] if gaps else [])
    for index, kind in enumerate(FacilityItem.Type):
        FacilityItem.objects.create(
            school=school,
            school_year=year,
            asset_code=f"TS{index:03d}",
            name=str(kind.label),
            type=kind.value,
            quantity=rng.randint(1, 30),
            condition=rng.choice(conditions),
        )
    sites = rng.randint(1, 4)
    set_school_infrastructure(
        school=school,
        school_year=year,
        site_count=sites,
        sites_with_internet=rng.randint(0, sites),
        computer_rooms=rng.randint(0, 2),
        has_mis=rng.random() < 0.5,
        internet=rng.choice(["fiber", "4g", "none"]),
    )


def fill_province(province, year: SchoolYear, *, seed: int = 7, gaps: bool = True) -> None:
    for offset, school in enumerate(
        [province.school_a, province.school_a2, province.school_b, province.school_thpt], start=1
    ):
        fill_school(school, year, seed=seed * 100 + offset, gaps=gaps)
