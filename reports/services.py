"""Writes of the reports app: queueing recomputations (the computation itself is in ``quality``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from edudx.core.jobs import create_job
from edudx.core.models import Job
from schools.models import OrgUnit, SchoolYear

from . import selectors
from .tasks import compute_indicators_task, compute_quality_task


@transaction.atomic
def request_quality_recompute(*, by: Any, org_unit: OrgUnit, school_year: SchoolYear) -> Job:
    """Queues a recompute of the unit's schools for the year; a pending one for the same unit and year is reused."""
    if not selectors.quality_scope(visible_to=by).covers(org_unit.path):
        raise PermissionError("org unit outside the principal's quality scope")
    pending = selectors.pending_quality_job(org_unit=org_unit, school_year=school_year)
    if pending is not None:
        return pending
    return create_job(
        task=compute_quality_task,
        principal=by,
        org_unit=org_unit,
        title=(
            _("Tính điểm chất lượng dữ liệu %(year)s – %(unit)s") % {"year": school_year.code, "unit": org_unit.name}
        )[:200],
        params={"school_year": school_year.code},
    )


@transaction.atomic
def request_indicator_recompute(*, by: Any, org_unit: OrgUnit, school_year: SchoolYear) -> Job:
    """Queues the recompute of the unit's indicators for the year; an unfinished one for the same unit and year
    (whoever started it, the command included) is reused. The province root is computed as a whole."""
    pending = (
        Job.objects.filter(
            kind=compute_indicators_task.job_kind,
            org_unit=org_unit,
            params__school_year=school_year.code,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        return pending
    return create_job(
        task=compute_indicators_task,
        principal=by,
        org_unit=org_unit,
        title=(_("Tính chỉ tiêu năm học %(year)s – %(unit)s") % {"year": school_year.code, "unit": org_unit.name})[
            :200
        ],
        params={"school_year": school_year.code, "org_unit": None if org_unit.parent_id is None else org_unit.code},
    )
