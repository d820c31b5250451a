"""``compute_indicators --school-year Y [--org-unit CODE] [--async]``: recompute the stored indicator values.

Runs the Celery task's code in this process (SPEC §13) and returns when it is done; ``--async`` queues it for a
worker instead. Without ``--org-unit`` the whole province; with it, that unit's schools and the units above them.
Exit codes: 0 done; 2 unusable arguments (a malformed or unopened school year, an unknown unit, a unit that was
not in that year's tree) or a failed job, with one line on stderr.
"""

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from edudx.core.jobs import SYSTEM, create_job, run_job_here
from edudx.core.models import Job
from reports.indicators import IndicatorScopeError, placement_path
from reports.tasks import compute_indicators_task
from schools.models import OrgUnit, SchoolYear
from schools.services import parse_school_year

UNUSABLE = 2


class Command(BaseCommand):
    help = "Recomputes and stores the plan indicators of a school year (province, units, schools)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school-year", required=True, help="e.g. 2025-2026")
        parser.add_argument("--org-unit", help="only this unit's schools and the units above them (its code)")
        parser.add_argument("--async", action="store_true", dest="run_async", help="queue the job for a worker")

    def fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(UNUSABLE)

    def handle(self, *args: Any, **opts: Any) -> None:
        code = opts["school_year"].strip()
        try:
            parse_school_year(code)
        except ValidationError as error:
            self.fail(error.messages[0])
        year = SchoolYear.objects.filter(code=code).first()
        if year is None:
            self.fail(f"Năm học {code} chưa được mở trong hệ thống.")
        root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
        if root is None:
            self.fail("Chưa có đơn vị gốc (Sở GDĐT).")
        unit = None
        if opts["org_unit"]:
            unit = OrgUnit.objects.filter(code=opts["org_unit"].strip().upper()).first()
            if unit is None:
                self.fail(f"Không có đơn vị mã {opts['org_unit']}.")
            try:
                placement_path(org_unit=unit, school_year=year)
            except IndicatorScopeError as error:
                self.fail(str(error))
        where = unit or root
        job = create_job(
            task=compute_indicators_task,
            principal=SYSTEM,
            org_unit=where,
            title=f"Tính chỉ tiêu năm học {year.code} – {where.name}"[:200],
            params={"school_year": year.code, "org_unit": unit.code if unit else None},
            enqueue=opts["run_async"],
        )
        if opts["run_async"]:
            self.stdout.write(f"Đã xếp hàng tính chỉ tiêu: tác vụ {job.pk}.")
            return
        job = run_job_here(job)
        if job.status != Job.Status.SUCCEEDED:
            self.fail(job.message or f"Tác vụ {job.pk} không hoàn thành.")
        self.stdout.write(job.message)
