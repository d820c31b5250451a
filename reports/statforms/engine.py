"""The statistical report form engine: declarative definitions and their set-based computation (SPEC §5).

A ``FormDefinition`` is data: a code and version, a title block, sections. A ``Section`` names one registry
``Source`` (a queryset of the year's rows and how to measure them: count rows, count distinct values, sum a
field), a section-wide filter, its rows and its columns (columns may sit under a merged group header). The cell
at row R × column C is the section's measure over the rows matching ``section.where`` ∧ ``R.where`` ∧ ``C.where``.
Filters are plain lookup dictionaries (``{"student__gender": "F"}``), so a definition can be listed over REST and
a department can add or adjust a form by editing data, without a new code path.

Computation is one grouped query per section: ``GROUP BY school`` with one filtered aggregate per cell, for all
the schools asked for at once; a unit's figures are the sums of its schools' (the schools placed under it in the
year's tree, ``reports.indicators.year_tree``). Cell keys are ``section.row.column``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, FilteredRelation, Q, Sum
from django.utils.translation import gettext_lazy as _

from people.models import ACTIVE_STATUSES, Employment, Enrolment
from schools.models import FacilityItem, School, SchoolYear

Lookup = Mapping[str, Any]
Cells = dict[str, int]


@dataclass(frozen=True)
class Fix:
    """Where a person fixes the figures of a section: a registry page and the import template's column."""

    page: str  # URL name of the registry page
    template: str  # import template kind (SPEC §3.2): students, staff, facilities, schools
    column: str  # the template's column header

    def describe(self) -> str:
        return _("sửa ở mẫu nhập “%(template)s”, cột “%(column)s” (trang %(page)s)") % {
            "template": TEMPLATE_LABELS.get(self.template, self.template),
            "column": self.column,
            "page": PAGE_LABELS.get(self.page, self.page),
        }


TEMPLATE_LABELS = {
    "students": _("Học sinh"),
    "staff": _("Cán bộ, giáo viên, nhân viên"),
    "facilities": _("Cơ sở vật chất, thiết bị"),
    "schools": _("Trường học"),
}
PAGE_LABELS = {
    "student-list": _("Hồ sơ học sinh"),
    "staff-list": _("Hồ sơ cán bộ, giáo viên"),
    "facility-list": _("Tài sản, thiết bị"),
    "school-list": _("Trường học"),
    "import-list": _("Nhập dữ liệu"),
}


@dataclass(frozen=True)
class Source:
    """The registry rows a section counts: the year's rows of one model, and the measure of a cell."""

    key: str
    rows: Callable[[SchoolYear], models.QuerySet]
    school_field: str = "school_id"
    measure: str = "count"  # "count" rows, "distinct:<field>" distinct values, "sum:<field>"

    def aggregate(self, where: Q, measure: str | None = None) -> Any:
        kind, _sep, column = (measure or self.measure).partition(":")
        if kind == "sum":
            return Sum(column, filter=where)
        if kind == "distinct":
            return Count(column, filter=where, distinct=True)
        return Count("pk", filter=where)


def _schools_of_year(year: SchoolYear) -> models.QuerySet:
    # Each school with its infrastructure row of that year, if any (the schools template, SPEC §3.2).
    return School.objects.filter(org_unit__placements__school_year=year).annotate(
        infra=FilteredRelation("infrastructure", condition=Q(infrastructure__school_year=year))
    )


SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        # Students are the year's enrolments with status Đang học or Lưu ban (SPEC §4).
        Source("students", lambda year: Enrolment.objects.filter(school_year=year, status__in=ACTIVE_STATUSES)),
        # Every enrolment of the year whatever its status: the end-of-year movements (drop-outs, transfers…).
        Source("enrolments", lambda year: Enrolment.objects.filter(school_year=year)),
        Source("staff", lambda year: Employment.objects.filter(school_year=year)),
        Source("facilities", lambda year: FacilityItem.objects.filter(school_year=year), measure="sum:quantity"),
        Source("schools", _schools_of_year, school_field="pk"),
    )
}


@dataclass(frozen=True)
class Row:
    key: str
    label: Any
    where: Lookup = field(default_factory=dict)
    code: str = ""  # the row's number on the form ("1", "1.1"…)
    total: bool = False  # printed bold: a total row (computed by the same query, not by adding rows up)
    indent: int = 0


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    where: Lookup = field(default_factory=dict)
    group: Any = None  # a merged header above consecutive columns of the same group
    # Another measure than the source's, in the same query: "sum:<field>" (sites beside a count of schools),
    # "distinct:<field>" (classes: distinct class names among the students).
    measure: str | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    source: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    where: Lookup = field(default_factory=dict)
    fix: Fix | None = None
    blank: frozenset[tuple[str, str]] = frozenset()  # (row, column) cells the form leaves empty
    hidden: bool = False  # computed and checked by rules, not printed (data-completeness checks)

    def cell_keys(self) -> list[str]:
        return [
            f"{self.key}.{row.key}.{col.key}"
            for row in self.rows
            for col in self.columns
            if (row.key, col.key) not in self.blank
        ]

    def has_groups(self) -> bool:
        return any(col.group for col in self.columns)


@dataclass(frozen=True)
class FormDefinition:
    code: str
    version: str
    title: Any
    level: str  # MN, TH, THCS, THPT: the schools the form concerns (those having the level)
    period: str  # "start" (đầu năm) or "end" (cuối năm)
    sections: tuple[Section, ...]
    rules: tuple[Any, ...] = ()  # reports.statforms.rules.Rule
    basis: Any = ""  # the legal basis and how far this layout follows it
    omitted: tuple[Any, ...] = ()  # what the official form carries and the registry does not hold

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    def cell_keys(self) -> list[str]:
        return [key for section in self.sections for key in section.cell_keys()]

    def cell_label(self, key: str) -> str:
        section_key, row_key, col_key = key.split(".")
        section = self.section(section_key)
        row = next(row for row in section.rows if row.key == row_key)
        col = next(col for col in section.columns if col.key == col_key)
        group = f"{col.group} – " if col.group else ""
        return f"{section.title} › {row.label} › {group}{col.label}"

    def concerns(self, levels: Iterable[str]) -> bool:
        return self.level in set(levels)


def _q(*lookups: Lookup) -> Q:
    condition = Q()
    for lookup in lookups:
        if lookup:
            condition &= Q(**lookup)
    return condition


def compute_per_school(*, form: FormDefinition, school_year: SchoolYear, school_ids: Iterable[int]) -> dict[int, Cells]:
    """Every cell of the form for each school: one grouped query per section (GROUP BY school, one filtered
    aggregate per cell), whatever the number of schools."""
    ids = sorted(set(school_ids))
    result: dict[int, Cells] = {school_id: dict.fromkeys(form.cell_keys(), 0) for school_id in ids}
    if not ids:
        return result
    for section in form.sections:
        source = SOURCES[section.source]
        aggregates: dict[str, Any] = {}
        names: dict[str, str] = {}
        for index, row in enumerate(section.rows):
            for position, col in enumerate(section.columns):
                if (row.key, col.key) in section.blank:
                    continue
                alias = f"c{index}_{position}"
                names[alias] = f"{section.key}.{row.key}.{col.key}"
                aggregates[alias] = source.aggregate(_q(section.where, row.where, col.where), col.measure)
        query = (
            source.rows(school_year)
            .filter(**{f"{source.school_field}__in": ids})
            .order_by()
            .values(source.school_field)
            .annotate(**aggregates)
        )
        for values in query:
            cells = result[values[source.school_field]]
            for alias in aggregates:
                cells[names[alias]] = int(values[alias] or 0)
    return result


def add_up(cells: Iterable[Cells], keys: Iterable[str]) -> Cells:
    total = dict.fromkeys(keys, 0)
    for one in cells:
        for key, value in one.items():
            if key in total:
                total[key] += value
    return total
