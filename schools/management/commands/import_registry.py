"""``import_registry``: the upload page's pipeline from the command line (SPEC §13).

Exit codes: 0 every row valid and applied; 1 some rows invalid (report written; nothing applied, or only the
valid rows with --valid-rows-only); 2 the file or the arguments are unusable (one line on stderr).
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from edudx.core.imports import services
from edudx.core.imports.kinds import REGISTRY
from edudx.core.jobs import SYSTEM, run_job_here
from edudx.core.models import ImportBatch, Job
from schools.models import OrgUnit, SchoolYear
from schools.services import parse_school_year

KINDS = ["units", "schools", "students", "staff", "facilities", "teaching", "fees"]


class Command(BaseCommand):
    help = "Imports a registry spreadsheet (units, schools, students, staff, facilities, teaching, fees)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=KINDS)
        parser.add_argument("--school", help="school code (for the per-school kinds)")
        parser.add_argument("--school-year", required=True, help="e.g. 2024-2025")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--valid-rows-only", action="store_true", help="write the valid rows, skip the others")
        parser.add_argument("--report", help="write the error report (.xlsx) here")
        parser.add_argument("--async", action="store_true", dest="run_async", help="queue the job for a worker")

    def fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            self.fail(f"Không tìm thấy tệp {path}.")
        kind = REGISTRY[opts["kind"]]
        try:
            parse_school_year(opts["school_year"])
        except ValidationError as exc:
            self.fail(exc.messages[0])
        year = SchoolYear.objects.filter(code=opts["school_year"]).first()
        if year is None:
            self.fail(f"Năm học {opts['school_year']} chưa được mở trong hệ thống.")
        if kind.per_school:
            if not opts["school"]:
                self.fail(f"Mẫu “{kind.label}” nhập cho từng trường: cần --school MÃ_TRƯỜNG.")
            unit = OrgUnit.objects.filter(code=opts["school"].strip().upper(), kind=OrgUnit.Kind.SCHOOL).first()
            if unit is None:
                self.fail(f"Không có trường mã {opts['school']}.")
        else:
            unit = OrgUnit.objects.filter(parent__isnull=True).first()
            if unit is None:
                self.fail("Chưa có đơn vị gốc (Sở GDĐT).")
        enqueue = opts["run_async"]
        with path.open("rb") as handle:
            batch = services.start_import(
                kind=kind.code,
                upload=handle,
                original_name=path.name,
                org_unit=unit,
                school_year=year,
                principal=SYSTEM,
                valid_rows_only=opts["valid_rows_only"],
                enqueue=enqueue,
            )
        if enqueue:
            self.stdout.write(f"Đã xếp hàng kiểm tra tệp: lần nhập {batch.pk}, tác vụ {batch.validate_job_id}.")
            return
        job = run_job_here(batch.validate_job)
        batch.refresh_from_db()
        if batch.status == ImportBatch.Status.UNUSABLE or job.status != Job.Status.SUCCEEDED:
            self.fail(batch.message or job.message)
        self._report(batch, job, opts["report"])
        if opts["dry_run"]:
            sys.exit(1 if batch.invalid_rows else 0)
        if batch.invalid_rows and not opts["valid_rows_only"]:
            self.stderr.write(f"{batch.invalid_rows} dòng lỗi; chưa ghi gì.")
            sys.exit(1)
        apply_job = run_job_here(services.confirm_import(batch=batch, principal=SYSTEM, enqueue=False))
        batch.refresh_from_db()
        if apply_job.status != Job.Status.SUCCEEDED:
            self.fail(apply_job.message)
        self.stdout.write(batch.message)
        sys.exit(1 if batch.invalid_rows else 0)

    def _report(self, batch: ImportBatch, job: Job, out: str | None) -> None:
        self.stdout.write(batch.message)
        for error in batch.errors[:50]:
            self.stdout.write(f"  {error['sheet']} dòng {error['row']}, {error['column'] or '—'}: {error['message']}")
        if len(batch.errors) > 50:
            self.stdout.write(f"  … và {len(batch.errors) - 50} lỗi khác (xem tệp báo cáo).")
        if out and job.result_file:
            Path(out).write_bytes(job.result_file.open("rb").read())
            self.stdout.write(f"Đã ghi báo cáo lỗi: {out}")
