"""Demo data of the report forms (``seed_demo``): the reporting deadlines of the year and a realistic mid-season
picture, some schools' beginning-of-year forms submitted, some approved by their unit or by the department.

Only forms whose figures pass every validation rule are submitted (as the portal would allow); the others stay
"not submitted" and show in the completeness view with the rules they break. Idempotent: existing rows are kept.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from schools.models import SchoolYear

from .catalogue import all_forms
from .engine import compute_per_school
from .models import FormSubmission, ReportingPeriod
from .rules import check_rules

SEED = 2025
Status = FormSubmission.Status
DIRECT = [Status.SUBMITTED, Status.APPROVED]  # a school under the department: no unit step
THROUGH_UNIT = [Status.SUBMITTED, Status.UNIT_APPROVED, Status.APPROVED]


def seed_statforms(*, school_year: SchoolYear) -> dict[str, int]:
    from reports.indicators import year_tree

    first = int(school_year.code[:4])
    for period, deadline in (("start", dt.date(first, 9, 30)), ("end", dt.date(first + 1, 5, 31))):
        ReportingPeriod.objects.get_or_create(school_year=school_year, period=period, defaults={"deadline": deadline})
    tree = year_tree(school_year=school_year)
    rng = random.Random(SEED)
    existing = set(FormSubmission.objects.filter(school_year=school_year).values_list("form_code", "school_id"))
    rows = []
    submitted_at = timezone.make_aware(dt.datetime(first, 9, 25, 9, 0))
    for form in all_forms().values():
        if form.period != "start":
            continue
        ids = [school_id for school_id, placed in tree.items() if form.level in placed.levels]
        for school_id, cells in compute_per_school(form=form, school_year=school_year, school_ids=ids).items():
            if (form.code, school_id) in existing or rng.random() < 0.35 or check_rules(form=form, cells=cells):
                continue
            under_department = len(tree[school_id].units) <= 2  # the department, then the school itself
            status = rng.choice(
                [FormSubmission.Status.SUBMITTED, FormSubmission.Status.APPROVED]
                if under_department
                else [
                    FormSubmission.Status.SUBMITTED,
                    FormSubmission.Status.UNIT_APPROVED,
                    FormSubmission.Status.APPROVED,
                ]
            )
            rows.append(
                FormSubmission(
                    form_code=form.code,
                    form_version=form.version,
                    school_id=school_id,
                    school_year=school_year,
                    period=form.period,
                    status=status,
                    cells=cells,
                    submitted_at=submitted_at,
                    approved_at=submitted_at + dt.timedelta(days=7)
                    if status == FormSubmission.Status.APPROVED
                    else None,
                )
            )
    FormSubmission.objects.bulk_create(rows, batch_size=500)
    return {"statform_submissions": len(rows)}
