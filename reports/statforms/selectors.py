"""Reads of the report forms: a form's figures for a unit and year, submissions, completeness (SPEC §5).

Scoping: a unit is reachable only through ``OrgUnit.objects.visible_to(principal, roles=DATA_ROLES)``; a
submission only through ``FormSubmission.objects.visible_to``. Outside the scope is ``None`` (the views answer
404). A unit's figures add up the schools placed under it in that year's tree (``year_tree``): a school moved to
another unit later keeps reporting its past years under the old one. A school whose form is submitted, approved
or under review counts with its snapshot, not with today's registry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.scoping import DATA_ROLES, scope_of
from reports.indicators import IndicatorScopeError, placement_path, year_tree
from schools.models import OrgUnit, OrgUnitPlacement, School, SchoolYear

from .catalogue import all_forms, get_form
from .engine import Cells, FormDefinition, add_up, compute_per_school
from .models import FormSubmission, Period, ReportingPeriod


@dataclass
class FormFigures:
    form: FormDefinition
    org_unit: OrgUnit
    school_year: SchoolYear
    cells: Cells
    school_ids: list[int]
    from_snapshots: int = 0  # schools counted with their submitted/approved figures
    submission: FormSubmission | None = None  # when the unit is a school

    @property
    def is_school(self) -> bool:
        return self.org_unit.kind == OrgUnit.Kind.SCHOOL


def visible_unit(*, principal: Any, code: str) -> OrgUnit | None:
    """The org unit with this code if the principal may report on it (data roles), else None."""
    return (
        OrgUnit.objects.visible_to(principal, roles=DATA_ROLES)
        .filter(code=(code or "").strip().upper(), is_active=True)
        .first()
    )


def visible_units(*, principal: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.visible_to(principal, roles=DATA_ROLES).filter(is_active=True).exclude(kind="site")


def form_school_ids(*, form: FormDefinition, org_unit: OrgUnit, school_year: SchoolYear, principal: Any) -> list[int]:
    """The schools the form adds up for the unit: placed under it in the year's tree, having the form's level,
    and visible to the principal. IndicatorScopeError when the unit was not in that year's tree."""
    root = placement_path(org_unit=org_unit, school_year=school_year)
    ids = [
        school_id
        for school_id, placed in year_tree(school_year=school_year).items()
        if placed.path.startswith(root) and form.level in placed.levels
    ]
    scope = scope_of(principal)
    if scope.unrestricted:
        return sorted(ids)
    visible = set(School.objects.visible_to(principal).filter(pk__in=ids).values_list("pk", flat=True))
    return sorted(school_id for school_id in ids if school_id in visible)


def snapshots(*, form: FormDefinition, school_year: SchoolYear, school_ids: list[int]) -> dict[int, FormSubmission]:
    """The submissions whose figures count instead of the registry's: submitted, under review or approved."""
    rows = FormSubmission.objects.filter(
        form_code=form.code,
        school_year=school_year,
        status__in=FormSubmission.IN_CHAIN,
        school_id__in=school_ids,
    )
    return {row.school_id: row for row in rows}


def school_cells(
    *, form: FormDefinition, school_year: SchoolYear, school_ids: list[int], live: bool = False
) -> tuple[dict[int, Cells], int]:
    """Each school's cells: its snapshot where it submitted (one grouped query per section for the others), and
    how many schools counted with a snapshot.

    A snapshot taken under another version of the form (the layout changed after the school submitted) keeps
    its figures for every cell both versions share; the cells new in this version come from the registry.
    """
    frozen = {} if live else snapshots(form=form, school_year=school_year, school_ids=school_ids)
    exact = {sid for sid, submission in frozen.items() if submission.form_version == form.version}
    cells = compute_per_school(form=form, school_year=school_year, school_ids=[i for i in school_ids if i not in exact])
    keys = form.cell_keys()
    for school_id, submission in frozen.items():
        if school_id in exact:
            cells[school_id] = {key: int(submission.cells.get(key, 0)) for key in keys}
        else:
            mine = cells[school_id]
            mine.update({key: int(value) for key, value in submission.cells.items() if key in mine})
    return cells, len(frozen)


def form_figures(
    *, form: FormDefinition, org_unit: OrgUnit, school_year: SchoolYear, principal: Any, live: bool = False
) -> FormFigures:
    """The form's cells for the unit: its schools' snapshots where they submitted, the registry elsewhere.

    ``live=True`` ignores the snapshots (what the school would submit now). A school whose snapshot was taken
    under an older version of the form that is still known (``catalogue.get_form(code, version)``) is shown in
    that version, so its locked figures read exactly as they were approved.
    """
    submission = None
    if org_unit.kind == OrgUnit.Kind.SCHOOL:
        submission = FormSubmission.objects.filter(
            form_code=form.code, school_id=org_unit.pk, school_year=school_year
        ).first()
        in_chain = submission is not None and submission.status in FormSubmission.IN_CHAIN
        if not live and in_chain and submission.form_version != form.version:
            form = get_form(form.code, version=submission.form_version) or form
    school_ids = form_school_ids(form=form, org_unit=org_unit, school_year=school_year, principal=principal)
    per_school, from_snapshots = school_cells(form=form, school_year=school_year, school_ids=school_ids, live=live)
    cells = add_up(per_school.values(), form.cell_keys())
    return FormFigures(form, org_unit, school_year, cells, school_ids, from_snapshots, submission)


def forms_for_unit(*, org_unit: OrgUnit) -> list[FormDefinition]:
    """The forms that concern the unit: a school's levels; a unit or the department: every form."""
    if org_unit.kind == OrgUnit.Kind.SCHOOL and hasattr(org_unit, "school"):
        return [form for form in all_forms().values() if form.concerns(org_unit.school.levels)]
    return list(all_forms().values())


def visible_submission(*, principal: Any, pk: int) -> FormSubmission | None:
    return (
        FormSubmission.objects.visible_to(principal, roles=DATA_ROLES)
        .select_related("school__org_unit", "school_year")
        .filter(pk=pk)
        .first()
    )


def managing_unit(*, school: School, school_year: SchoolYear) -> OrgUnit | None:
    """The school's parent in the year's tree when it is a management unit (None: it reports to the department)."""
    placement = (
        OrgUnitPlacement.objects.filter(org_unit_id=school.pk, school_year=school_year).select_related("parent").first()
    )
    parent = placement.parent if placement is not None else school.org_unit.parent
    if parent is not None and parent.kind == OrgUnit.Kind.UNIT:
        return parent
    return None


def deadline(*, school_year: SchoolYear, period: str) -> dt.date | None:
    row = ReportingPeriod.objects.filter(school_year=school_year, period=period).first()
    return row.deadline if row else None


@dataclass
class CompletenessRow:
    school: School
    unit_code: str
    unit_name: str
    form: FormDefinition
    submission: FormSubmission | None
    late: bool

    @property
    def status_label(self) -> str:
        return self.submission.get_status_display() if self.submission else _("Chưa nộp")


@dataclass
class Completeness:
    school_year: SchoolYear
    period: str
    deadline: dt.date | None
    rows: list[CompletenessRow]
    by_unit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def missing(self) -> list[CompletenessRow]:
        return [
            row for row in self.rows if row.submission is None or row.submission.status not in FormSubmission.IN_CHAIN
        ]

    @property
    def late(self) -> list[CompletenessRow]:
        return [row for row in self.rows if row.late]


def completeness(*, principal: Any, org_unit: OrgUnit, school_year: SchoolYear, period: str) -> Completeness:
    """Every school under the unit × every form of the period it owes: submitted or not, late or not."""
    if period not in Period.values:
        period = Period.START
    due = deadline(school_year=school_year, period=period)
    today = timezone.localdate()
    forms = [form for form in all_forms().values() if form.period == period]
    try:
        root = placement_path(org_unit=org_unit, school_year=school_year)
    except IndicatorScopeError:
        return Completeness(school_year, period, due, [])
    tree = {sid: placed for sid, placed in year_tree(school_year=school_year).items() if placed.path.startswith(root)}
    schools = {
        school.pk: school
        for school in School.objects.visible_to(principal).filter(pk__in=list(tree)).select_related("org_unit")
    }
    # The management unit of each school in that year: the unit just above it.
    parents = dict(
        OrgUnitPlacement.objects.filter(school_year=school_year, org_unit_id__in=list(schools)).values_list(
            "org_unit_id", "parent_id"
        )
    )
    units = {unit.pk: unit for unit in OrgUnit.objects.filter(pk__in=set(parents.values()))}
    submitted = {
        (row.school_id, row.form_code): row
        for row in FormSubmission.objects.filter(school_year=school_year, period=period, school_id__in=list(schools))
    }
    rows = []
    for school_id in sorted(schools, key=lambda pk: schools[pk].org_unit.code):
        school = schools[school_id]
        unit = units.get(parents.get(school_id))
        for form in forms:
            if form.level not in tree[school_id].levels:
                continue
            submission = submitted.get((school_id, form.code))
            pending = submission is None or submission.status in ("returned", "reopened")
            late_submission = (
                submission is not None
                and submission.submitted_at is not None
                and due is not None
                and timezone.localdate(submission.submitted_at) > due
            )
            late = due is not None and ((pending and today > due) or late_submission)
            rows.append(
                CompletenessRow(school, unit.code if unit else "", unit.name if unit else "", form, submission, late)
            )
    summary: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = summary.setdefault(
            row.unit_code,
            {"code": row.unit_code, "name": row.unit_name, "expected": 0, "submitted": 0, "approved": 0, "late": 0},
        )
        entry["expected"] += 1
        if row.submission is not None and row.submission.status in FormSubmission.IN_CHAIN:
            entry["submitted"] += 1
        if row.submission is not None and row.submission.status == FormSubmission.Status.APPROVED:
            entry["approved"] += 1
        entry["late"] += int(row.late)
    return Completeness(school_year, period, due, rows, sorted(summary.values(), key=lambda e: e["code"]))
