"""The plan's indicators (SPEC §4): small declarative definitions and their set-based computation.

An ``Indicator`` names its code, texts, levels, targets and a ``source``: two columns of a ``Source``, one
grouped aggregate query over the year's rows (``GROUP BY school`` with ``Count``/``Sum`` filtered by ``Q``).
Several indicators share one source, so the whole province costs six grouped queries: enrolments, employments,
facility items, teaching activity, fee collections, schools with their infrastructure. "A complete digital
record" (SPEC §3.5) is the data-quality check's definition (``reports.quality.record_kinds``); the part SQL cannot
judge, a valid national ID (SPEC §3.1), is judged by ``people.national_id.validate_national_id`` once per
distinct combination of what validity depends on, which the same grouped query also groups by (``Split``).

``compute_indicators`` then sums each school's numerator and denominator into every unit above it, using the
tree AS IT WAS in that school year (``OrgUnitPlacement.path``: a school moved to another unit keeps its past
years under the old one), and stores one ``IndicatorValue`` per indicator and unit: value = Σ numerators /
Σ denominators × 100 (never an average of percentages), rounded half up to 2 decimals, NULL ("no data") when
the denominator is 0.

Which schools an indicator concerns is declarative too: ``levels`` (the SPEC §4 column: a school counts when it
has one of them) and ``areas`` (the cashless revenue split by urban / rural + difficult areas). A school the
indicator does not concern adds nothing and gets no value; a unit gets a value when at least one of its schools
is concerned.
"""

from __future__ import annotations

import datetime as dt
import operator
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from importlib import import_module
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, FilteredRelation, Min, Q, Sum
from django.db.models.functions import ExtractYear, Left, Length
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from people.models import ACTIVE_STATUSES, Employment, Enrolment, Position
from people.national_id import NationalIdError, validate_national_id
from schools.models import (
    FacilityItem,
    FeeCollection,
    OrgUnit,
    OrgUnitPlacement,
    School,
    SchoolInfrastructure,
    SchoolYear,
    TeachingActivity,
)

from .models import IndicatorValue
from .quality import RecordKind, record_kinds

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENTS = Decimal("0.01")
DIGITS_ONLY = r"^[0-9]+$"
# What a national ID's validity depends on (SPEC §3.1): its format, its first six digits, the gender, the birth year.
COMBINATION = ("id_start", "id_digits_only", "id_length", "person_gender", "birth_year")
WRITE_BATCH = 2000  # rows per upsert statement (7 parameters a row: well under SQLite's 32,766)

ALL_LEVELS: tuple[str, ...] = School.LEVELS
GENERAL_LEVELS = ("TH", "THCS", "THPT")  # "TH–THPT" of SPEC §4
ALL_AREAS: tuple[str, ...] = tuple(School.Area.values)
GRADES_TH = tuple(str(grade) for grade in range(1, 6))
GRADES_SECONDARY = tuple(str(grade) for grade in range(6, 13))
GRADES_GENERAL = GRADES_TH + GRADES_SECONDARY

# school id → column of the source's grouped query → the school's sum
PerSchool = dict[int, dict[str, Decimal]]
Progress = Callable[[int, int, str], None]


class IndicatorScopeError(ValueError):
    """The unit asked for is not in the tree of that school year (its message is for the user)."""


@dataclass(frozen=True)
class Split:
    """Finer groups inside each school's, for a correction SQL cannot make (a national ID's validity).

    ``keys()`` are extra GROUP BY expressions and ``samples()`` extra aggregates of the same query;
    ``corrector()`` gives, for one run, the function that fixes a group's columns before they are added to its
    school's (it may remember what it judged during that run).
    """

    keys: Callable[[], dict[str, Any]]
    samples: Callable[[], dict[str, Any]]
    corrector: Callable[[], Callable[[dict[str, Any]], None]]


@dataclass(frozen=True)
class Source:
    """One grouped aggregate query: per school, the columns that are numerators and denominators of indicators.

    ``rows(year)`` is the year's rows (several per school); ``columns(year)`` the aggregates over them, grouped
    by school (and by ``split``'s keys within the school when there is one).
    """

    key: str
    label: Any  # what the progress bar says while the query runs (a lazy translation)
    rows: Callable[[SchoolYear], models.QuerySet]
    columns: Callable[[SchoolYear], dict[str, Any]]
    school_field: str = "school_id"
    split: Split | None = None

    def per_school(self, school_year: SchoolYear, *, school_ids: Iterable[int] | None = None) -> PerSchool:
        """Runs the grouped query (only for ``school_ids`` when given); every column as a Decimal, 0 for none."""
        rows = self.rows(school_year).order_by()
        if school_ids is not None:
            rows = rows.filter(**{f"{self.school_field}__in": list(school_ids)})
        columns = self.columns(school_year)
        result: PerSchool = {}
        if self.split is None:
            for row in rows.values(self.school_field).annotate(**columns):
                school_id = row.pop(self.school_field)
                result[school_id] = {name: Decimal(row[name] or 0) for name in columns}
            return result
        correct = self.split.corrector()
        grouped = rows.values(self.school_field, **self.split.keys()).annotate(**columns, **self.split.samples())
        for row in grouped:
            correct(row)
            sums = result.get(row[self.school_field])
            if sums is None:
                sums = result[row[self.school_field]] = dict.fromkeys(columns, ZERO)
            for name in columns:
                sums[name] += row[name] or 0
        return result

    def column(self, numerator: str, denominator: str) -> Columns:
        return Columns(self, numerator, denominator)


@dataclass(frozen=True)
class Columns:
    """An indicator's source: which columns of a grouped query are its numerator and denominator."""

    source: Source
    numerator: str
    denominator: str

    def __call__(self, school_year: SchoolYear) -> list[tuple[int, Decimal, Decimal]]:
        """(school id, numerator, denominator) of every school with rows in the year (before levels/areas)."""
        return [
            (school_id, row[self.numerator], row[self.denominator])
            for school_id, row in self.source.per_school(school_year).items()
        ]


ProvinceSource = Callable[[SchoolYear], tuple[Decimal, Decimal]]


def selector(dotted: str) -> ProvinceSource:
    """A province source named by its dotted path ("egov.selectors.online_dossier_counts"), imported when first
    called: the apps below stay free to grow without this module importing them all at start-up."""

    def call(school_year: SchoolYear) -> tuple[Decimal, Decimal]:
        module, name = dotted.rsplit(".", 1)
        numerator, denominator = getattr(import_module(module), name)(school_year=school_year)
        return Decimal(numerator), Decimal(denominator)

    call.__name__ = dotted
    return call


@dataclass(frozen=True)
class Indicator:
    """A plan indicator (SPEC §4). Targets are percentages; ``scope`` "province" ones are not per school."""

    code: str
    name_vi: str
    name_en: str
    numerator: str  # how the numerator is counted (Vietnamese, as shown to users)
    denominator: str
    levels: tuple[str, ...]  # the schools concerned: those having one of these levels
    target_2025: Decimal | None
    target_2030: Decimal | None
    direction: str = "up"  # higher is better
    scope: str = "school"  # "school": per school, summed up the tree; "province": one value for the province
    source: Columns | None = None
    areas: tuple[str, ...] = ALL_AREAS  # the schools concerned, by area
    # For ``scope`` "province": the year's (numerator, denominator) for the whole province, from the app that holds
    # the records (learning library, online procedures). Stored on the province's unit, the root of the year's tree.
    province_source: ProvinceSource | None = None

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_en if (get_language() or "").startswith("en") else self.name_vi

    def concerns(self, *, levels: Iterable[str], area: str) -> bool:
        return area in self.areas and not set(self.levels).isdisjoint(levels)


# --- sources -------------------------------------------------------------------------------------------------------


def _record_kind(key: str, school_year: SchoolYear) -> RecordKind:
    """The data-quality definition of a kind of record (students / staff / facilities): one definition of §3.5."""
    return next(kind for kind in record_kinds(school_year=school_year, today=timezone.localdate()) if kind.key == key)


def _complete_in_sql(key: str, school_year: SchoolYear) -> Q:
    """A complete digital record (SPEC §3.5) as far as SQL sees it: every problem of the quality check's
    "complete" component but the national ID's validity, which ``_by_national_id`` takes out."""
    kind = _record_kind(key, school_year)
    problems = [kind.issues[name] for name in kind.components["complete"] if name in kind.issues]
    return ~reduce(operator.or_, problems)


def _by_national_id(person: str, *, column: str) -> Split:
    """Takes the records of people whose national ID is invalid (SPEC §3.1) out of ``column`` (complete records).

    Whether an ID is valid depends only on its format, its first six digits (birth province, gender and century,
    year) and the person's gender and birth year. So the source's query also groups each school's rows by those,
    and ``people.national_id.validate_national_id`` (the rule the importer and the quality check apply) judges
    one ID of each distinct combination: a few hundred checks for a province instead of one per person.
    """
    national_id, birth_date = f"{person}__national_id", f"{person}__birth_date"

    def keys() -> dict[str, Any]:
        return {
            "id_start": Left(national_id, 6),
            # Format: only digits, and how many (a cheaper test than one anchored pattern of 12 digits).
            "id_digits_only": ExpressionWrapper(Q(**{f"{national_id}__regex": DIGITS_ONLY}), BooleanField()),
            "id_length": Length(national_id),
            "person_gender": F(f"{person}__gender"),
            "birth_year": ExtractYear(birth_date),
        }

    def corrector() -> Callable[[dict[str, Any]], None]:
        verdicts: dict[tuple, bool] = {}

        def correct(row: dict[str, Any]) -> None:
            if not row[column]:
                return
            combination = tuple(row[key] for key in COMBINATION)
            valid = verdicts.get(combination)
            if valid is None:
                valid = verdicts[combination] = _valid_id(
                    row["some_id"], gender=row["person_gender"], birth_date=row["some_birth_date"]
                )
            if not valid:
                row[column] = 0

        return correct

    return Split(
        keys=keys,
        samples=lambda: {"some_id": Min(national_id), "some_birth_date": Min(birth_date)},
        corrector=corrector,
    )


def _valid_id(national_id: str, *, gender: str, birth_date: dt.date) -> bool:
    try:
        # As the quality check calls it: a gender outside the list is an unknown gender.
        validate_national_id(national_id, gender=gender if gender in ("M", "F") else None, birth_date=birth_date)
    except NationalIdError:
        return False
    return True


def _enrolment_columns(school_year: SchoolYear) -> dict[str, Any]:
    general = Q(grade__in=GRADES_GENERAL)
    return {
        "students": Count("pk"),
        "complete_records": Count("pk", filter=_complete_in_sql("students", school_year)),
        "general_students": Count("pk", filter=general),
        "online_ready": Count("pk", filter=general & Q(has_device=True, has_internet=True)),
        "e_transcripts": Count("pk", filter=general & Q(has_e_transcript=True)),
    }


ENROLMENTS = Source(
    key="enrolments",
    label=gettext_lazy("Học sinh"),
    # Students are the year's enrolments with status Đang học or Lưu ban (SPEC §4).
    rows=lambda year: Enrolment.objects.filter(school_year=year, status__in=ACTIVE_STATUSES),
    columns=_enrolment_columns,
    split=_by_national_id("student", column="complete_records"),
)


def _employment_columns(school_year: SchoolYear) -> dict[str, Any]:
    teacher = Q(position=Position.TEACHER)
    signer = Q(position__in=(Position.MANAGER, Position.TEACHER))
    return {
        "employed": Count("pk"),
        "complete_records": Count("pk", filter=_complete_in_sql("staff", school_year)),
        "skills_trained": Count("pk", filter=Q(digital_skills_trained=True)),
        "teachers": Count("pk", filter=teacher),
        "online_teachers": Count("pk", filter=teacher & Q(can_teach_online=True)),
        "self_training": Count("pk", filter=teacher & Q(has_self_training_account=True)),
        "signers": Count("pk", filter=signer),
        "signed": Count("pk", filter=signer & Q(has_digital_signature=True)),
    }


EMPLOYMENTS = Source(
    key="employments",
    label=gettext_lazy("Cán bộ, giáo viên, nhân viên"),
    rows=lambda year: Employment.objects.filter(school_year=year),
    columns=_employment_columns,
    split=_by_national_id("staff", column="complete_records"),
)

FACILITIES = Source(
    key="facilities",
    label=gettext_lazy("Cơ sở vật chất, thiết bị"),
    rows=lambda year: FacilityItem.objects.filter(school_year=year),
    # By quantity: a line of 30 computers is 30 items.
    columns=lambda year: {
        "items": Sum("quantity"),
        "complete_items": Sum("quantity", filter=_complete_in_sql("facilities", year)),
    },
)


def _periods(grades: Sequence[str]) -> dict[str, Any]:
    band = "th" if grades == GRADES_TH else "secondary"
    rows = Q(grade__in=grades)
    return {
        f"{band}_periods": Sum("total_periods", filter=rows),
        f"{band}_online": Sum("online_periods", filter=rows),
        f"{band}_interactive": Sum("interactive_periods", filter=rows),
    }


TEACHING = Source(
    key="teaching",
    label=gettext_lazy("Hoạt động dạy học"),
    rows=lambda year: TeachingActivity.objects.filter(school_year=year),
    columns=lambda year: _periods(GRADES_TH) | _periods(GRADES_SECONDARY),
)

FEES = Source(
    key="fees",
    label=gettext_lazy("Khoản thu"),
    # The split by area is the indicators' ``areas``: a school's sums are the same whichever half it is in.
    rows=lambda year: FeeCollection.objects.filter(school_year=year),
    columns=lambda year: {"collected": Sum("total_amount"), "cashless": Sum("cashless_amount")},
)


def _school_rows(school_year: SchoolYear) -> models.QuerySet:
    """The schools active in the year (placed in its tree), each with its infrastructure row of that year if any:
    a school without one counts in the denominators and in no numerator."""
    return School.objects.filter(org_unit__placements__school_year=school_year).annotate(
        infra=FilteredRelation("infrastructure", condition=Q(infrastructure__school_year=school_year))
    )


SCHOOLS = Source(
    key="schools",
    label=gettext_lazy("Trường học"),
    rows=_school_rows,
    school_field="pk",
    columns=lambda year: {
        "schools": Count("pk"),
        "cashless": Count("pk", filter=Q(infra__has_cashless=True)),
        "e_contact_book": Count("pk", filter=Q(infra__has_e_contact_book=True)),
        "mis": Count("pk", filter=Q(infra__has_mis=True)),
        "fiber": Count("pk", filter=Q(infra__internet=SchoolInfrastructure.Internet.FIBER)),
        "computer_room": Count("pk", filter=Q(infra__computer_rooms__gte=1)),
        "sites": Sum("infra__site_count"),
        "sites_online": Sum("infra__sites_with_internet"),
    },
)

SOURCES: tuple[Source, ...] = (ENROLMENTS, EMPLOYMENTS, FACILITIES, TEACHING, FEES, SCHOOLS)


# --- definitions ---------------------------------------------------------------------------------------------------


def _pct(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _indicators(*definitions: Indicator) -> dict[str, Indicator]:
    return {indicator.code: indicator for indicator in definitions}


INDICATORS: dict[str, Indicator] = _indicators(
    Indicator(
        code="ONLINE_CONTENT_SHARE_TH",
        name_vi="Tỷ trọng nội dung dạy học trực tuyến cấp tiểu học",
        name_en="Share of teaching delivered online, primary",
        numerator="Tổng số tiết dạy trực tuyến của khối 1–5",
        denominator="Tổng số tiết của khối 1–5 (hoạt động dạy học)",
        levels=("TH",),
        target_2025=_pct("5"),
        target_2030=None,
        source=TEACHING.column("th_online", "th_periods"),
    ),
    Indicator(
        code="ONLINE_CONTENT_SHARE_SECONDARY",
        name_vi="Tỷ trọng nội dung dạy học trực tuyến cấp trung học",
        name_en="Share of teaching delivered online, secondary",
        numerator="Tổng số tiết dạy trực tuyến của khối 6–12",
        denominator="Tổng số tiết của khối 6–12 (hoạt động dạy học)",
        levels=("THCS", "THPT"),
        target_2025=_pct("10"),
        target_2030=None,
        source=TEACHING.column("secondary_online", "secondary_periods"),
    ),
    Indicator(
        code="ONLINE_INTERACTIVE_SHARE_TH",
        name_vi="Tỷ lệ thời lượng hoạt động tương tác trực tuyến cấp tiểu học",
        name_en="Share of time in interactive online activities, primary",
        numerator="Tổng số tiết hoạt động tương tác trực tuyến của khối 1–5",
        denominator="Tổng số tiết của khối 1–5 (hoạt động dạy học)",
        levels=("TH",),
        target_2025=_pct("10"),
        target_2030=_pct("20"),
        source=TEACHING.column("th_interactive", "th_periods"),
    ),
    Indicator(
        code="ONLINE_INTERACTIVE_SHARE_SECONDARY",
        name_vi="Tỷ lệ thời lượng hoạt động tương tác trực tuyến cấp trung học và GDTX",
        name_en="Share of time in interactive online activities, secondary and continuing education",
        numerator="Tổng số tiết hoạt động tương tác trực tuyến của khối 6–12",
        denominator="Tổng số tiết của khối 6–12 (hoạt động dạy học)",
        levels=("THCS", "THPT", "GDTX"),
        target_2025=_pct("20"),
        target_2030=_pct("30"),
        source=TEACHING.column("secondary_interactive", "secondary_periods"),
    ),
    Indicator(
        code="ONLINE_READY_STUDENT_SHARE",
        name_vi="Tỷ lệ học sinh đủ điều kiện học trực tuyến",
        name_en="Students equipped to learn online",
        numerator="Số học sinh khối 1–12 có thiết bị học trực tuyến và có kết nối Internet",
        denominator="Số học sinh khối 1–12 (đang học, lưu ban)",
        levels=GENERAL_LEVELS,
        target_2025=_pct("50"),
        target_2030=None,
        source=ENROLMENTS.column("online_ready", "general_students"),
    ),
    Indicator(
        code="ONLINE_READY_TEACHER_SHARE",
        name_vi="Tỷ lệ giáo viên đủ điều kiện dạy học trực tuyến",
        name_en="Teachers able to teach online",
        numerator="Số giáo viên đủ điều kiện dạy trực tuyến",
        denominator="Số giáo viên",
        levels=ALL_LEVELS,
        target_2025=_pct("100"),
        target_2030=None,
        source=EMPLOYMENTS.column("online_teachers", "teachers"),
    ),
    Indicator(
        code="CASHLESS_SCHOOL_SHARE",
        name_vi="Tỷ lệ cơ sở giáo dục cung cấp dịch vụ thanh toán không dùng tiền mặt",
        name_en="Schools offering cashless payment",
        numerator=(
            "Số trường có thanh toán không dùng tiền mặt (mẫu danh sách trường, hoặc có khoản thanh toán "
            "không dùng tiền mặt qua EduDX trong năm học)"
        ),
        denominator="Số trường hoạt động trong năm học",
        levels=ALL_LEVELS,
        target_2025=_pct("100"),
        target_2030=None,
        # The schools template only for now: payments received in EduDX (SPEC §8) come with the payments issue.
        source=SCHOOLS.column("cashless", "schools"),
    ),
    Indicator(
        code="CASHLESS_REVENUE_SHARE_URBAN",
        name_vi="Tỷ lệ nguồn thu không dùng tiền mặt, khu vực thành thị",
        name_en="Cashless share of fees collected, urban schools",
        numerator="Số tiền thu không dùng tiền mặt của các trường khu vực thành thị",
        denominator="Tổng số tiền đã thu của các trường khu vực thành thị",
        levels=ALL_LEVELS,
        target_2025=_pct("70"),
        target_2030=None,
        source=FEES.column("cashless", "collected"),
        areas=(School.Area.URBAN,),
    ),
    Indicator(
        code="CASHLESS_REVENUE_SHARE_RURAL",
        name_vi="Tỷ lệ nguồn thu không dùng tiền mặt, khu vực nông thôn và vùng khó khăn",
        name_en="Cashless share of fees collected, rural and disadvantaged-area schools",
        numerator="Số tiền thu không dùng tiền mặt của các trường khu vực nông thôn, vùng khó khăn",
        denominator="Tổng số tiền đã thu của các trường khu vực nông thôn, vùng khó khăn",
        levels=ALL_LEVELS,
        target_2025=_pct("30"),
        target_2030=None,
        source=FEES.column("cashless", "collected"),
        areas=(School.Area.RURAL, School.Area.DIFFICULT),
    ),
    Indicator(
        code="DIGITAL_RECORD_STUDENT_SHARE",
        name_vi="Tỷ lệ học sinh được quản lý bằng hồ sơ số",
        name_en="Students with a complete digital record",
        numerator=(
            "Số học sinh có hồ sơ số đầy đủ: mã định danh hợp lệ, họ và tên, ngày sinh, giới tính, dân tộc, khối và lớp"
        ),
        denominator="Số học sinh (đang học, lưu ban)",
        levels=ALL_LEVELS,
        target_2025=_pct("100"),
        target_2030=None,
        source=ENROLMENTS.column("complete_records", "students"),
    ),
    Indicator(
        code="DIGITAL_RECORD_STAFF_SHARE",
        name_vi="Tỷ lệ cán bộ, giáo viên, nhân viên được quản lý bằng hồ sơ số",
        name_en="Staff with a complete digital record",
        numerator=(
            "Số cán bộ, giáo viên, nhân viên có hồ sơ số đầy đủ: mã định danh hợp lệ, họ và tên, ngày sinh, "
            "giới tính, dân tộc và vị trí việc làm"
        ),
        denominator="Số cán bộ, giáo viên, nhân viên công tác trong năm học",
        levels=ALL_LEVELS,
        target_2025=_pct("100"),
        target_2030=None,
        source=EMPLOYMENTS.column("complete_records", "employed"),
    ),
    Indicator(
        code="DIGITAL_RECORD_FACILITY_SHARE",
        name_vi="Tỷ lệ cơ sở vật chất, thiết bị được quản lý bằng hồ sơ số",
        name_en="Facilities and equipment with a complete digital record",
        numerator=(
            "Số lượng tài sản, thiết bị có hồ sơ số đầy đủ: mã tài sản, tên, loại, số lượng ≥ 1, năm đưa vào "
            "sử dụng, tình trạng và điểm trường"
        ),
        denominator="Tổng số lượng tài sản, thiết bị",
        levels=ALL_LEVELS,
        target_2025=_pct("80"),
        target_2030=_pct("100"),
        source=FACILITIES.column("complete_items", "items"),
    ),
    Indicator(
        code="E_TRANSCRIPT_SHARE",
        name_vi="Tỷ lệ học sinh có học bạ điện tử",
        name_en="Students with an electronic transcript",
        numerator="Số học sinh khối 1–12 có học bạ điện tử",
        denominator="Số học sinh khối 1–12 (đang học, lưu ban)",
        levels=GENERAL_LEVELS,
        target_2025=_pct("100"),
        target_2030=None,
        source=ENROLMENTS.column("e_transcripts", "general_students"),
    ),
    Indicator(
        code="E_CONTACT_BOOK_SCHOOL_SHARE",
        name_vi="Tỷ lệ trường triển khai sổ liên lạc điện tử",
        name_en="Schools using an electronic contact book",
        numerator="Số trường có sổ liên lạc điện tử (mẫu danh sách trường, hoặc dùng sổ liên lạc của EduDX)",
        denominator="Số trường hoạt động trong năm học",
        levels=ALL_LEVELS,
        target_2025=_pct("100"),
        target_2030=None,
        # The schools template only for now: EduDX's own contact book comes with its issue.
        source=SCHOOLS.column("e_contact_book", "schools"),
    ),
    Indicator(
        code="SCHOOL_MIS_SHARE",
        name_vi="Tỷ lệ trường sử dụng phần mềm quản trị nhà trường",
        name_en="Schools using school-management software",
        numerator="Số trường sử dụng phần mềm quản trị nhà trường",
        denominator="Số trường hoạt động trong năm học",
        levels=ALL_LEVELS,
        target_2025=_pct("100"),
        target_2030=None,
        source=SCHOOLS.column("mis", "schools"),
    ),
    Indicator(
        code="FIBER_SCHOOL_SHARE",
        name_vi="Tỷ lệ trường có kết nối Internet cáp quang",
        name_en="Schools connected by fibre",
        numerator="Số trường có Kết nối Internet là Cáp quang",
        denominator="Số trường hoạt động trong năm học",
        levels=ALL_LEVELS,
        target_2025=_pct("100"),
        target_2030=_pct("100"),
        source=SCHOOLS.column("fiber", "schools"),
    ),
    Indicator(
        code="SITE_INTERNET_SHARE",
        name_vi="Tỷ lệ điểm trường có kết nối Internet",
        name_en="School sites with an Internet connection",
        numerator="Tổng số điểm trường có Internet",
        denominator="Tổng số điểm trường",
        levels=ALL_LEVELS,
        target_2025=_pct("90"),
        target_2030=_pct("100"),
        source=SCHOOLS.column("sites_online", "sites"),
    ),
    Indicator(
        code="COMPUTER_ROOM_SCHOOL_SHARE",
        name_vi="Tỷ lệ trường phổ thông có phòng Tin học",
        name_en="Primary and secondary schools with a computer room",
        numerator="Số trường có cấp tiểu học, THCS hoặc THPT có ít nhất 1 phòng Tin học",
        denominator="Số trường có cấp tiểu học, THCS hoặc THPT hoạt động trong năm học",
        levels=GENERAL_LEVELS,
        target_2025=_pct("100"),
        target_2030=None,
        source=SCHOOLS.column("computer_room", "schools"),
    ),
    Indicator(
        code="DIGITAL_SIGNATURE_STAFF_SHARE",
        name_vi="Tỷ lệ cán bộ quản lý, giáo viên có chữ ký số",
        name_en="Managers and teachers with a digital signature",
        numerator="Số cán bộ quản lý và giáo viên có chữ ký số",
        denominator="Số cán bộ quản lý và giáo viên",
        levels=ALL_LEVELS,
        target_2025=_pct("100"),
        target_2030=None,
        source=EMPLOYMENTS.column("signed", "signers"),
    ),
    Indicator(
        code="SELF_TRAINING_ACCOUNT_SHARE",
        name_vi="Tỷ lệ giáo viên có tài khoản tự bồi dưỡng",
        name_en="Teachers with a self-training account",
        numerator="Số giáo viên có tài khoản tự bồi dưỡng",
        denominator="Số giáo viên",
        levels=ALL_LEVELS,
        target_2025=_pct("100"),
        target_2030=None,
        source=EMPLOYMENTS.column("self_training", "teachers"),
    ),
    Indicator(
        code="DIGITAL_SKILLS_TRAINED_SHARE",
        name_vi="Tỷ lệ cán bộ, giáo viên, nhân viên được bồi dưỡng kỹ năng số",
        name_en="Staff trained in digital skills",
        numerator="Số cán bộ, giáo viên, nhân viên đã được bồi dưỡng kỹ năng số",
        denominator="Số cán bộ, giáo viên, nhân viên công tác trong năm học",
        levels=ALL_LEVELS,
        target_2025=_pct("100"),
        target_2030=None,
        source=EMPLOYMENTS.column("skills_trained", "employed"),
    ),
    # Province-level indicators: one value for the province, stored on the root unit of the year's tree. Each
    # gets its figures from the app holding the records (learning library, online procedures, ratings) through
    # ``province_source=selector("app.selectors.function")``; one without a source is listed, not computed.
    Indicator(
        code="LEARNING_CONTENT_COVERAGE",
        name_vi="Tỷ lệ nội dung chương trình giáo dục phổ thông có học liệu số",
        name_en="Curriculum knowledge units covered by a published learning resource",
        numerator="Số đơn vị kiến thức của chương trình có ít nhất 1 học liệu đã xuất bản",
        denominator="Tổng số đơn vị kiến thức của chương trình",
        levels=(),
        target_2025=_pct("50"),
        target_2030=_pct("80"),
        scope="province",
        province_source=selector("learning.selectors.content_coverage"),
    ),
    Indicator(
        code="ONLINE_DOSSIER_SHARE",
        name_vi="Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến",
        name_en="Administrative dossiers submitted online",
        numerator="Số hồ sơ nộp trực tuyến",
        denominator="Tổng số hồ sơ thủ tục hành chính",
        levels=(),
        target_2025=_pct("80"),
        target_2030=_pct("90"),
        scope="province",
        province_source=selector("egov.selectors.online_dossier_counts"),
    ),
    Indicator(
        code="FULL_ONLINE_PROCEDURE_SHARE",
        name_vi="Tỷ lệ thủ tục hành chính đủ điều kiện được cung cấp trực tuyến toàn trình",
        name_en="Eligible procedures offered fully online",
        numerator="Số thủ tục đủ điều kiện được cung cấp trực tuyến toàn trình",
        denominator="Số thủ tục hành chính đủ điều kiện",
        levels=(),
        target_2025=_pct("100"),
        target_2030=None,
        scope="province",
        province_source=selector("egov.selectors.full_online_procedure_counts"),
    ),
    Indicator(
        code="ON_TIME_DOSSIER_SHARE",
        name_vi="Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn",
        name_en="Dossiers finished on time",
        numerator="Số hồ sơ giải quyết xong đúng hạn",
        denominator="Số hồ sơ đã giải quyết xong",
        levels=(),
        target_2025=_pct("100"),
        target_2030=None,
        scope="province",
        province_source=selector("egov.selectors.on_time_dossier_counts"),
    ),
    Indicator(
        code="SATISFACTION_SHARE",
        name_vi="Tỷ lệ hài lòng về dịch vụ trực tuyến",
        name_en="Satisfaction with online services",
        numerator="Số lượt đánh giá 4–5 sao",
        denominator="Tổng số lượt đánh giá dịch vụ trực tuyến",
        levels=(),
        target_2025=_pct("80"),
        target_2030=None,
        scope="province",
        province_source=selector("egov.selectors.satisfaction_counts"),
    ),
)


# --- computation ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PlacedSchool:
    path: str  # the school's placement path in the year, e.g. "/1/4/27/"
    units: tuple[int, ...]  # the ids on it: the province, the units above, the school itself
    levels: frozenset[str]
    area: str


@dataclass
class _Sums:
    numerator: Decimal = ZERO
    denominator: Decimal = ZERO


def percentage(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """Σ numerators / Σ denominators × 100, half up to 2 decimals; None ("no data") when the denominator is 0."""
    if not denominator:
        return None
    return (numerator * HUNDRED / denominator).quantize(CENTS, rounding=ROUND_HALF_UP)


def year_tree(*, school_year: SchoolYear) -> dict[int, _PlacedSchool]:
    """Every school active in the year (placed in its tree), where it stood then, its levels and area."""
    level_fields = [f"org_unit__school__level_{level.lower()}" for level in School.LEVELS]
    rows = (
        OrgUnitPlacement.objects.filter(school_year=school_year, org_unit__school__isnull=False)
        .order_by()
        .values_list("org_unit_id", "path", "org_unit__school__area", *level_fields)
    )
    tree = {}
    for school_id, path, area, *flags in rows:
        levels = frozenset(level for level, flag in zip(School.LEVELS, flags, strict=True) if flag)
        units = tuple(int(part) for part in path.strip("/").split("/"))
        tree[school_id] = _PlacedSchool(path=path, units=units, levels=levels, area=area)
    return tree


def placement_path(*, org_unit: OrgUnit, school_year: SchoolYear) -> str:
    """Where the unit stood in the year's tree; IndicatorScopeError when it was not in it."""
    path = (
        OrgUnitPlacement.objects.filter(org_unit=org_unit, school_year=school_year)
        .values_list("path", flat=True)
        .first()
    )
    if path is None:
        raise IndicatorScopeError(
            _("Đơn vị %(code)s không có trong cây tổ chức của năm học %(year)s.")
            % {"code": org_unit.code, "year": school_year.code}
        )
    return path


def computed_indicators() -> list[Indicator]:
    return [indicator for indicator in INDICATORS.values() if indicator.source is not None]


def province_indicators() -> list[Indicator]:
    return [indicator for indicator in INDICATORS.values() if indicator.province_source is not None]


def province_roots(*, school_year: SchoolYear) -> list[int]:
    """The units at the top of the year's tree: the province's department (one, in a province's database)."""
    return list(
        OrgUnitPlacement.objects.filter(school_year=school_year, parent__isnull=True)
        .order_by("org_unit_id")
        .values_list("org_unit_id", flat=True)
    )


def _province_sums(
    *, school_year: SchoolYear, affected: set[int] | None, progress: Progress | None, done: int, steps: int
) -> dict[str, dict[int, _Sums]]:
    """Each province indicator's figures on the root unit(s) of the year, when they are among ``affected``."""
    roots = [root for root in province_roots(school_year=school_year) if affected is None or root in affected]
    result: dict[str, dict[int, _Sums]] = {}
    if not roots:
        return result
    for indicator in province_indicators():
        assert indicator.province_source is not None
        _report(progress, done, steps, _("Đang tính chỉ tiêu: %(what)s…") % {"what": indicator.name_vi})
        numerator, denominator = indicator.province_source(school_year)
        result[indicator.code] = {root: _Sums(numerator, denominator) for root in roots}
    return result


def compute_indicators(
    *, school_year: SchoolYear, org_unit: OrgUnit | None = None, progress: Progress | None = None
) -> int:
    """Computes and stores every indicator with a source for every school, unit and the province in the year.

    Each school's numerator and denominator come from the grouped queries; a unit's are the sums over its
    schools in the year's tree. With ``org_unit`` only that unit's schools are queried again, and only they,
    the units under it and the units above it are stored: the units above add the other schools' stored values
    (after an import, the nightly run recomputes the rest). Values of the year that no longer exist (a unit with
    no school left, a school moved away this year) are deleted. Returns the number of values stored.
    """
    indicators = computed_indicators()
    sources = list({indicator.source.source.key: indicator.source.source for indicator in indicators}.values())
    steps = len(sources) + 1
    tree = year_tree(school_year=school_year)
    if org_unit is None:
        fresh: set[int] = set(tree)
        affected: set[int] | None = None
    else:
        scope = placement_path(org_unit=org_unit, school_year=school_year)
        fresh = {school_id for school_id, school in tree.items() if school.path.startswith(scope)}
        affected = {int(part) for part in scope.strip("/").split("/")}
        affected.update(unit for school_id in fresh for unit in tree[school_id].units)

    columns: dict[str, PerSchool] = {}
    for done, source in enumerate(sources):
        _report(progress, done, steps, _("Đang tính chỉ tiêu: %(what)s…") % {"what": source.label})
        columns[source.key] = source.per_school(school_year, school_ids=None if org_unit is None else sorted(fresh))
    per_school: dict[str, dict[int, tuple[Decimal, Decimal]]] = {}
    for indicator in indicators:
        assert indicator.source is not None
        numerator, denominator = indicator.source.numerator, indicator.source.denominator
        by_school = columns[indicator.source.source.key]
        per_school[indicator.code] = {
            school_id: (row[numerator], row[denominator]) for school_id, row in by_school.items() if school_id in fresh
        }
    if org_unit is not None:
        _add_stored_schools(per_school, school_year=school_year, schools=set(tree) - fresh)

    sums = _roll_up(indicators, per_school, tree=tree, affected=affected)
    sums.update(
        _province_sums(school_year=school_year, affected=affected, progress=progress, done=len(sources), steps=steps)
    )
    codes = [indicator.code for indicator in indicators] + [indicator.code for indicator in province_indicators()]
    _report(progress, len(sources), steps, _("Đang lưu giá trị chỉ tiêu…"))
    stored = _store(sums, school_year=school_year, codes=codes, units=affected)
    transaction.on_commit(bump_values_version)
    _report(progress, steps, steps, _("Đã lưu %(n)d giá trị chỉ tiêu.") % {"n": stored})
    return stored


VALUES_VERSION_KEY = "reports:indicator-values:version"


def values_version() -> str:
    """Changes whenever stored values change: part of every cached API page's key."""
    return cache.get_or_set(VALUES_VERSION_KEY, lambda: str(time.time_ns()), timeout=None)


def bump_values_version() -> None:
    cache.set(VALUES_VERSION_KEY, str(time.time_ns()), timeout=None)


@transaction.atomic
def _store(
    sums: Mapping[str, Mapping[int, _Sums]], *, school_year: SchoolYear, codes: Sequence[str], units: set[int] | None
) -> int:
    """Writes the values that changed, stamps the unchanged ones, deletes the ones that no longer exist.

    All within ``units`` (None: every unit) for ``codes`` in the year. A nightly run over a province whose data
    barely changed writes a handful of rows and one UPDATE of ``computed_at``.
    """
    now = timezone.now()
    scope = IndicatorValue.objects.filter(school_year=school_year, indicator__in=codes)
    if units is not None:
        scope = scope.filter(org_unit_id__in=units)
    current = {
        (code, unit_id): (pk, (numerator, denominator, value))
        for pk, code, unit_id, numerator, denominator, value in scope.values_list(
            "pk", "indicator", "org_unit_id", "numerator", "denominator", "value"
        ).iterator(chunk_size=5000)
    }
    changed = []
    count = 0
    for code, by_unit in sums.items():
        for unit_id, unit_sums in by_unit.items():
            count += 1
            figures = (
                unit_sums.numerator,
                unit_sums.denominator,
                percentage(unit_sums.numerator, unit_sums.denominator),
            )
            known = current.pop((code, unit_id), None)
            if known is not None and known[1] == figures:
                continue
            changed.append(
                IndicatorValue(
                    indicator=code,
                    org_unit_id=unit_id,
                    school_year_id=school_year.pk,
                    numerator=figures[0],
                    denominator=figures[1],
                    value=figures[2],
                    computed_at=now,
                )
            )
    # What is left in ``current`` has no value any more: a unit with no school left, a school moved away.
    stale = sorted(pk for pk, _figures in current.values())
    for start in range(0, len(stale), WRITE_BATCH):
        IndicatorValue.objects.filter(pk__in=stale[start : start + WRITE_BATCH]).delete()
    IndicatorValue.objects.bulk_create(
        changed,
        batch_size=WRITE_BATCH,
        update_conflicts=True,
        unique_fields=["indicator", "org_unit", "school_year"],
        update_fields=["numerator", "denominator", "value", "computed_at"],
    )
    scope.exclude(computed_at=now).update(computed_at=now)
    return count


def _roll_up(
    indicators: Sequence[Indicator],
    per_school: Mapping[str, Mapping[int, tuple[Decimal, Decimal]]],
    *,
    tree: Mapping[int, _PlacedSchool],
    affected: set[int] | None,
) -> dict[str, dict[int, _Sums]]:
    """Each school's numerator and denominator added to itself and every unit above it (``affected`` only)."""
    result: dict[str, dict[int, _Sums]] = {}
    for indicator in indicators:
        values = per_school[indicator.code]
        sums: dict[int, _Sums] = {}
        for school_id, school in tree.items():
            if not indicator.concerns(levels=school.levels, area=school.area):
                continue
            numerator, denominator = values.get(school_id, (ZERO, ZERO))
            for unit_id in school.units:
                if affected is not None and unit_id not in affected:
                    continue
                unit = sums.get(unit_id)
                if unit is None:
                    unit = sums[unit_id] = _Sums()
                unit.numerator += numerator
                unit.denominator += denominator
        result[indicator.code] = sums
    return result


def _add_stored_schools(
    per_school: dict[str, dict[int, tuple[Decimal, Decimal]]], *, school_year: SchoolYear, schools: set[int]
) -> None:
    """The stored numerators and denominators of the schools not recomputed (for the units above them)."""
    stored = IndicatorValue.objects.filter(school_year=school_year, indicator__in=list(per_school)).values_list(
        "indicator", "org_unit_id", "numerator", "denominator"
    )
    for code, unit_id, numerator, denominator in stored.iterator(chunk_size=5000):
        if unit_id in schools:
            per_school[code][unit_id] = (numerator, denominator)


def _report(progress: Progress | None, done: int, total: int, message: str) -> None:
    if progress is not None:
        progress(done, total, message)
