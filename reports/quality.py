"""Data quality of schools' registries in a school year (SPEC §3.4): correct, complete, clean, alive.

A *record* is a row a school keeps for the year: an active enrolment (Đang học / Lưu ban), an employment, a
facility item. Each component is the share of records without that kind of problem:

- correct: values that cannot be right: a national ID that fails SPEC §3.1, an age that does not fit the grade
  (the importer's rule), a birth date in the future, a code outside its list (ethnicity, grade, position,
  facility type or condition), a facility item with quantity 0 or a year in use in the future;
- complete: the digital record of SPEC §3.5: for people a valid national ID, full name, birth date, gender and
  ethnicity, plus grade and class (students) or position (staff); for facility items code, name, type,
  quantity ≥ 1, year in use, condition and site;
- clean: people only (a facility item cannot be duplicated: its code is unique per school and year): not active
  at two schools in the year (both records count), not sharing folded name and birth date with another ID-less
  person active at the same school, full name in Unicode NFC;
- alive: the enrolment, employment or facility row was updated on or after the first day of the school year.

A component with no record to check is None ("no data"), never 0 %. The score is the mean of the components
that are not None.

Counting is set-based, per kind of record and batch of schools: one aggregate query counts the problems a row
shows by itself (blank fields, age, dates, codes, staleness). The problems that relate a row to other rows or need
Python are found as sets instead: people active at two schools (one GROUP BY for the year), same name and birth
date without an ID (a window over the batch), invalid national IDs and non-NFC names (the one Python pass over
the batch's people). Only the few rows in those sets are then read, with the row's SQL problems, so that a row
with several problems spoils a component once.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.ethnicity import ETHNIC_GROUPS
from people.imports import EXPECTED_AGE
from people.models import ACTIVE_STATUSES, Employment, Enrolment, Grade, Position, StaffMember, Student
from people.national_id import NationalIdError, validate_national_id
from schools.models import FacilityItem, School, SchoolYear

from .models import DataQualityScore

COMPONENTS = ("correct", "complete", "clean", "alive")
SCHOOL_BATCH = 100  # schools per round of queries: bounded memory and IN lists, and a moving progress bar
ID_CHUNK = 2000  # ids per IN list (SQLite allows 32,766 parameters; PostgreSQL plans short lists better)
AGE_REFERENCE = (9, 5)  # ages are taken on 5 September of the year's first calendar year (as the importer does)
PERCENT = Decimal("0.1")

# People's problems found as sets of rows rather than by a per-row SQL condition.
FLAGGED_ISSUES = ("invalid_id", "duplicate_id", "duplicate_name", "not_nfc")


# What each problem means, for the "what to fix" page; per kind of record where the wording differs.
ISSUE_LABELS: dict[str, Any] = {
    "invalid_id": _("Mã định danh sai (không khớp mã tỉnh, giới tính hoặc năm sinh)"),
    "missing_id": _("Thiếu mã định danh"),
    "missing_name": _("Thiếu họ và tên"),
    "missing_birth_date": _("Thiếu ngày sinh"),
    "missing_gender": _("Thiếu giới tính"),
    "missing_ethnicity": _("Thiếu dân tộc"),
    "future_birth": _("Ngày sinh ở tương lai"),
    "age_grade": _("Tuổi không phù hợp với khối học"),
    "unknown_code": _("Dân tộc, khối học hoặc vị trí việc làm không có trong danh mục"),
    "missing_grade": _("Thiếu khối"),
    "missing_class": _("Thiếu lớp"),
    "missing_position": _("Thiếu vị trí việc làm"),
    "duplicate_id": _("Có tên ở hai trường trong cùng năm học (trùng mã định danh)"),
    "duplicate_name": _("Trùng họ tên và ngày sinh với người khác chưa có mã định danh"),
    "not_nfc": _("Họ tên chưa chuẩn hóa Unicode (dựng sẵn NFC)"),
    "stale": _("Chưa được cập nhật từ đầu năm học"),
    "zero_quantity": _("Số lượng bằng 0"),
    "future_year_in_use": _("Năm đưa vào sử dụng ở tương lai"),
    "missing_code": _("Thiếu mã tài sản"),
    "missing_year_in_use": _("Thiếu năm đưa vào sử dụng"),
    "missing_condition": _("Thiếu tình trạng"),
    "missing_site": _("Thiếu điểm trường"),
    "missing_type": _("Thiếu loại tài sản"),
}
FACILITY_LABELS: dict[str, Any] = {
    "missing_name": _("Thiếu tên tài sản"),
    "unknown_code": _("Loại hoặc tình trạng không có trong danh mục"),
}


def issue_label(kind: str, issue: str) -> Any:
    if kind == "facilities":
        return FACILITY_LABELS.get(issue) or ISSUE_LABELS.get(issue, issue)
    return ISSUE_LABELS.get(issue, issue)


@dataclass(frozen=True)
class RecordKind:
    """One kind of record: where its rows are, the problems SQL can see, and which spoil which component."""

    key: str  # "students" / "staff" / "facilities": the key of its counts in DataQualityScore.issues
    rows: models.QuerySet  # the year's records of every school (filtered to a batch of schools later)
    issues: dict[str, Q]
    components: dict[str, tuple[str, ...]]  # component → issues that spoil it; a missing component is not checked
    person_model: type[models.Model] | None = None
    person_field: str = ""  # "student" / "staff"

    @property
    def issue_names(self) -> list[str]:
        return [*self.issues, *(FLAGGED_ISSUES if self.person_model is not None else ())]


@dataclass
class SchoolTally:
    """Records checked and records with a problem, per component, and the count of each problem, per kind."""

    checked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0))
    bad: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0))
    issues: dict[str, dict[str, int]] = field(default_factory=dict)
    records: int = 0


def compute_quality(
    *,
    school_year: SchoolYear,
    schools: Iterable[School] | models.QuerySet | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Computes and stores the data-quality score of each school (default: every active school) for the year.

    Idempotent: a school's row for the year is replaced. Returns the number of schools stored.
    """
    if schools is None:
        schools = School.objects.filter(org_unit__is_active=True)
    if isinstance(schools, models.QuerySet):
        school_ids = list(schools.order_by().values_list("pk", flat=True))
    else:
        school_ids = [school.pk for school in schools]
    kinds = record_kinds(school_year=school_year, today=timezone.localdate())
    # Across schools, whatever the batch: a pupil active at A and B spoils both A's and B's record.
    at_two_schools = {kind.key: _people_at_two_schools(kind) for kind in kinds if kind.person_model is not None}
    stored = 0
    for start in range(0, len(school_ids), SCHOOL_BATCH):
        batch = school_ids[start : start + SCHOOL_BATCH]
        tallies = {school_id: SchoolTally() for school_id in batch}
        for kind in kinds:
            _tally_kind(kind, batch=batch, tallies=tallies, at_two_schools=at_two_schools.get(kind.key, set()))
        stored += _store(tallies, school_year=school_year)
        if on_progress is not None:
            on_progress(start + len(batch), len(school_ids))
    return stored


def record_kinds(*, school_year: SchoolYear, today: dt.date) -> list[RecordKind]:
    """The three kinds of record of ``school_year`` and the SQL form of their checks."""
    year_started = timezone.make_aware(dt.datetime.combine(school_year.start_date, dt.time.min))
    enrolments = Enrolment.objects.filter(school_year=school_year, status__in=ACTIVE_STATUSES)
    employments = Employment.objects.filter(school_year=school_year)
    facilities = FacilityItem.objects.filter(school_year=school_year)
    students = RecordKind(
        key="students",
        rows=enrolments,
        person_model=Student,
        person_field="student",
        issues={
            **_person_issues("student", today=today),
            "age_grade": _age_not_fitting_grade(school_year=school_year),
            "unknown_code": (~Q(grade="") & ~Q(grade__in=Grade.values)) | _unknown_ethnicity("student"),
            "missing_grade": Q(grade=""),
            "missing_class": Q(class_name=""),
            "stale": Q(updated_at__lt=year_started),
        },
        components={
            "correct": ("invalid_id", "age_grade", "future_birth", "unknown_code"),
            "complete": (*_PERSON_REQUIRED, "missing_grade", "missing_class"),
            "clean": ("duplicate_id", "duplicate_name", "not_nfc"),
            "alive": ("stale",),
        },
    )
    staff = RecordKind(
        key="staff",
        rows=employments,
        person_model=StaffMember,
        person_field="staff",
        issues={
            **_person_issues("staff", today=today),
            "unknown_code": (~Q(position="") & ~Q(position__in=Position.values)) | _unknown_ethnicity("staff"),
            "missing_position": Q(position=""),
            "stale": Q(updated_at__lt=year_started),
        },
        components={
            "correct": ("invalid_id", "future_birth", "unknown_code"),
            "complete": (*_PERSON_REQUIRED, "missing_position"),
            "clean": ("duplicate_id", "duplicate_name", "not_nfc"),
            "alive": ("stale",),
        },
    )
    facility = RecordKind(
        key="facilities",
        rows=facilities,
        issues={
            "zero_quantity": Q(quantity=0),
            "future_year_in_use": Q(year_in_use__gt=today.year),
            "unknown_code": (~Q(type="") & ~Q(type__in=FacilityItem.Type.values))
            | (~Q(condition="") & ~Q(condition__in=FacilityItem.Condition.values)),
            "missing_code": Q(asset_code=""),
            "missing_name": Q(name=""),
            "missing_type": Q(type=""),
            "missing_year_in_use": Q(year_in_use__isnull=True),
            "missing_condition": Q(condition=""),
            "missing_site": Q(site=""),
            "stale": Q(updated_at__lt=year_started),
        },
        components={
            "correct": ("zero_quantity", "future_year_in_use", "unknown_code"),
            "complete": (
                "zero_quantity",
                "missing_code",
                "missing_name",
                "missing_type",
                "missing_year_in_use",
                "missing_condition",
                "missing_site",
            ),
            "alive": ("stale",),
        },
    )
    return [students, staff, facility]


_PERSON_REQUIRED = (
    "missing_id",
    "invalid_id",
    "missing_name",
    "missing_birth_date",
    "missing_gender",
    "missing_ethnicity",
)


def _person_issues(person: str, *, today: dt.date) -> dict[str, Q]:
    """The checks students and staff share that a row shows by itself."""
    return {
        "future_birth": Q(**{f"{person}__birth_date__gt": today}),
        "missing_id": Q(**{f"{person}__national_id__isnull": True}) | Q(**{f"{person}__national_id": ""}),
        "missing_name": Q(**{f"{person}__full_name": ""}),
        "missing_birth_date": Q(**{f"{person}__birth_date__isnull": True}),
        "missing_gender": Q(**{f"{person}__gender": ""}),
        "missing_ethnicity": Q(**{f"{person}__ethnicity": ""}),
    }


def _unknown_ethnicity(person: str) -> Q:
    return ~Q(**{f"{person}__ethnicity": ""}) & ~Q(**{f"{person}__ethnicity__in": list(ETHNIC_GROUPS)})


def _age_not_fitting_grade(*, school_year: SchoolYear) -> Q:
    """The importer's rule as date ranges: aged expected−1 … expected+6 on the reference day, per grade.

    Age on day D ≥ a  ⇔  born on or before D minus a years; age ≤ b  ⇔  born after D minus (b + 1) years.
    Like the importer, a child born after the reference day is not checked (a nursery takes babies during the
    year); a birth date in the future is its own problem (future_birth).
    """
    month, day = AGE_REFERENCE
    reference = dt.date(school_year.start_date.year, month, day)
    wrong = Q()
    for grade, expected in EXPECTED_AGE.items():
        youngest, oldest = expected - 1, expected + 6
        born_latest = reference.replace(year=reference.year - youngest)
        born_after = reference.replace(year=reference.year - oldest - 1)
        wrong |= Q(grade=grade) & (Q(student__birth_date__gt=born_latest) | Q(student__birth_date__lte=born_after))
    return wrong & Q(student__birth_date__lte=reference)


def _tally_kind(
    kind: RecordKind, *, batch: Sequence[int], tallies: dict[int, SchoolTally], at_two_schools: set[int]
) -> None:
    rows = kind.rows.filter(school_id__in=batch).order_by()
    sql_component = {
        component: _any(kind.issues[name] for name in names if name in kind.issues)
        for component, names in kind.components.items()
    }
    aggregates: dict[str, Any] = {"records": Count("pk")}
    aggregates |= {f"issue__{name}": Count("pk", filter=q) for name, q in kind.issues.items()}
    aggregates |= {f"bad__{component}": Count("pk", filter=q) for component, q in sql_component.items() if q}
    for tally in tallies.values():
        tally.issues[kind.key] = {"records": 0, **dict.fromkeys(kind.issue_names, 0)}
    for row in rows.values("school_id").annotate(**aggregates):
        tally = tallies[row["school_id"]]
        tally.records += row["records"]
        tally.issues[kind.key]["records"] = row["records"]
        for component in kind.components:
            tally.checked[component] += row["records"]
            tally.bad[component] += row.get(f"bad__{component}", 0)
        for name in kind.issues:
            tally.issues[kind.key][name] = row[f"issue__{name}"]
    if kind.person_model is not None:
        _tally_flagged(kind, rows=rows, tallies=tallies, sql_component=sql_component, at_two_schools=at_two_schools)


def _tally_flagged(
    kind: RecordKind,
    *,
    rows: models.QuerySet,
    tallies: dict[int, SchoolTally],
    sql_component: dict[str, Q | None],
    at_two_schools: set[int],
) -> None:
    """Adds the set-found problems: each flagged row counts once per problem, and once per component it spoils
    unless the aggregate already counted it there (through one of its SQL problems)."""
    person_id = f"{kind.person_field}_id"
    people = _flag_people(kind, rows=rows)
    people["duplicate_id"] = at_two_schools
    same_name = set(_rows_sharing_name_and_birth_date(kind, rows=rows))
    flagged_people = set().union(*(people[name] & people["in_batch"] for name in people if name != "in_batch"))
    sql_flags = {
        f"sql__{component}": ExpressionWrapper(q, output_field=BooleanField())
        for component, q in sql_component.items()
        if q is not None
    }
    columns = ("pk", "school_id", person_id, *sql_flags)
    found: dict[int, tuple] = {}
    for lookup, ids in ((f"{person_id}__in", flagged_people), ("pk__in", same_name)):
        for chunk in _chunks(ids):
            for values in rows.filter(**{lookup: chunk}).annotate(**sql_flags).values_list(*columns):
                found[values[0]] = values
    for pk, school_id, person, *sql_bad in found.values():
        problems = {name for name in ("invalid_id", "duplicate_id", "not_nfc") if person in people[name]}
        if pk in same_name:
            problems.add("duplicate_name")
        tally = tallies[school_id]
        for name in problems:
            tally.issues[kind.key][name] += 1
        already = dict(zip((name.removeprefix("sql__") for name in sql_flags), sql_bad, strict=True))
        for component, names in kind.components.items():
            if problems.intersection(names) and not already.get(component):
                tally.bad[component] += 1


def _people_at_two_schools(kind: RecordKind) -> set[int]:
    """People with active records at two schools in the year: with the national ID unique per table, the same
    ID counted twice (a transfer not finished, or a second school that registered the person again)."""
    person_id = f"{kind.person_field}_id"
    grouped = (
        kind.rows.order_by()
        .values(person_id)
        .annotate(schools=Count("school_id", distinct=True))
        .filter(schools__gt=1)
        .values_list(person_id, flat=True)
    )
    return set(grouped)


def _rows_sharing_name_and_birth_date(kind: RecordKind, *, rows: models.QuerySet) -> list[int]:
    """Rows of people without an ID whose folded name and birth date recur among the same school's records."""
    person = kind.person_field
    same = Window(Count("pk"), partition_by=[F("school_id"), F(f"{person}__name_key"), F(f"{person}__birth_date")])
    candidates = rows.filter(**{f"{person}__national_id__isnull": True, f"{person}__birth_date__isnull": False})
    return list(candidates.annotate(same=same).filter(same__gt=1).values_list("pk", flat=True))


def _flag_people(kind: RecordKind, *, rows: models.QuerySet) -> dict[str, set[int]]:
    """The one Python pass over the people of these records: invalid national IDs, names not in NFC."""
    assert kind.person_model is not None
    flagged: dict[str, set[int]] = {"in_batch": set(), "invalid_id": set(), "not_nfc": set()}
    people = kind.person_model.objects.filter(pk__in=rows.values(f"{kind.person_field}_id")).order_by()
    values = people.values_list("id", "national_id", "gender", "birth_date", "full_name")
    for pk, national_id, gender, birth_date, full_name in values.iterator(chunk_size=5000):
        flagged["in_batch"].add(pk)
        if national_id:
            try:
                validate_national_id(
                    national_id, gender=gender if gender in ("M", "F") else None, birth_date=birth_date
                )
            except NationalIdError:
                flagged["invalid_id"].add(pk)
        if full_name and not unicodedata.is_normalized("NFC", full_name):
            flagged["not_nfc"].add(pk)
    return flagged


def _any(conditions: Iterable[Q]) -> Q | None:
    combined = None
    for condition in conditions:
        combined = condition if combined is None else combined | condition
    return combined


def _chunks(ids: set[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), ID_CHUNK):
        yield ordered[start : start + ID_CHUNK]


def percentage(good: int, total: int) -> Decimal | None:
    """``good`` of ``total`` as a percentage with one decimal; None when there is nothing to count."""
    if total == 0:
        return None
    return (Decimal(good) * 100 / Decimal(total)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def mean_score(values: Iterable[Decimal | None]) -> Decimal | None:
    """The mean of the components that have data (as shown, so the score can be checked by hand)."""
    known = [value for value in values if value is not None]
    if not known:
        return None
    return (sum(known, Decimal(0)) / len(known)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def _store(tallies: dict[int, SchoolTally], *, school_year: SchoolYear) -> int:
    now = timezone.now()
    rows = []
    for school_id, tally in tallies.items():
        components = {
            component: percentage(tally.checked[component] - tally.bad[component], tally.checked[component])
            for component in COMPONENTS
        }
        rows.append(
            DataQualityScore(
                school_id=school_id,
                school_year=school_year,
                **components,
                score=mean_score(components.values()),
                record_count=tally.records,
                issues=tally.issues,
                computed_at=now,
            )
        )
    DataQualityScore.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["school", "school_year"],
        update_fields=[*COMPONENTS, "score", "record_count", "issues", "computed_at"],
    )
    return len(rows)
