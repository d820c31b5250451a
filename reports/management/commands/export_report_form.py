"""``export_report_form FORM --org-unit CODE --school-year Y --format xlsx|pdf --out FILE [--async]`` (SPEC §13).

Runs the export job's task in this process (the code the workers run) and copies its file to ``--out``.
Exit codes: 0 written; 1 written, but the figures break validation rules (each one on stderr, as submission would
refuse them); 2 unusable arguments (unknown form, unit or year, a unit not in that year's tree, a bad format, an
unwritable output) or a failed job, with one line on stderr.
"""

import shutil
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from edudx.core.jobs import SYSTEM, run_job_here
from edudx.core.models import Job
from reports.indicators import IndicatorScopeError, placement_path
from reports.statforms.catalogue import all_forms, get_form
from reports.statforms.rules import check_rules
from reports.statforms.selectors import form_figures
from reports.statforms.tasks import FORMATS, queue_form_export
from schools.models import OrgUnit, SchoolYear
from schools.services import parse_school_year

UNUSABLE = 2
RULES_BROKEN = 1


class Command(BaseCommand):
    help = "Exports one statistical report form of an org unit and school year to .xlsx or PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("form", help="form code, e.g. TH-DN")
        parser.add_argument("--org-unit", required=True, help="the org unit's code (its subtree is added up)")
        parser.add_argument("--school-year", required=True, help="e.g. 2025-2026")
        parser.add_argument("--format", required=True, dest="file_format", help="xlsx or pdf")
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--async", action="store_true", dest="run_async", help="queue the job for a worker")

    def fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(UNUSABLE)

    def handle(self, *args: Any, **opts: Any) -> None:
        form = get_form(opts["form"])
        if form is None:
            self.fail(f"Không có biểu mã {opts['form']}; các biểu: {', '.join(all_forms())}.")
        file_format = (opts["file_format"] or "").strip().lower()
        if file_format not in FORMATS:
            self.fail(f"Định dạng {opts['file_format']!r} không hỗ trợ; dùng xlsx hoặc pdf.")
        code = opts["school_year"].strip()
        try:
            parse_school_year(code)
        except ValidationError as error:
            self.fail(error.messages[0])
        year = SchoolYear.objects.filter(code=code).first()
        if year is None:
            self.fail(f"Năm học {code} chưa được mở trong hệ thống.")
        unit = OrgUnit.objects.filter(code=opts["org_unit"].strip().upper()).first()
        if unit is None:
            self.fail(f"Không có đơn vị mã {opts['org_unit']}.")
        try:
            placement_path(org_unit=unit, school_year=year)
        except IndicatorScopeError as error:
            self.fail(str(error))
        out = Path(opts["out"])
        if not out.parent.is_dir():
            self.fail(f"Thư mục {out.parent} không tồn tại.")
        job = queue_form_export(
            principal=SYSTEM,
            form_code=form.code,
            org_unit=unit,
            school_year=year,
            file_format=file_format,
            enqueue=opts["run_async"],
        )
        if opts["run_async"]:
            self.stdout.write(f"Đã xếp hàng xuất biểu: tác vụ {job.pk}.")
            return
        job = run_job_here(job)
        if job.status != Job.Status.SUCCEEDED or not job.result_file:
            self.fail(job.message or f"Tác vụ {job.pk} không hoàn thành.")
        try:
            with job.result_file.open("rb") as source, out.open("wb") as target:
                shutil.copyfileobj(source, target)
        except OSError as error:
            self.fail(f"Không ghi được {out}: {error.strerror}.")
        self.stdout.write(f"Đã ghi biểu {form.code} v{form.version} của {unit.code} năm học {year.code} vào {out}.")
        figures = form_figures(form=form, org_unit=unit, school_year=year, principal=SYSTEM)
        failures = check_rules(form=form, cells=figures.cells)
        if failures:
            for failure in failures:
                self.stderr.write(failure.message)
            sys.exit(RULES_BROKEN)
