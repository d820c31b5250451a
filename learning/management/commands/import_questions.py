"""``import_questions FILE --format moodlexml|gift|aiken [--bank NAME] [--async]`` (SPEC §13).

The file is stored and imported by the ``learning.import_questions`` job, run here through the same task code a
worker runs (``--async`` queues it instead). Exit codes: 0 every question imported (repeats of questions already
in the bank are skipped); 1 some questions are invalid (each listed with its line; nothing written); 2 the file or
the arguments are unusable (one line on stderr).
"""

import sys
import uuid
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from edudx.core.jobs import SYSTEM, create_job, run_job_here
from edudx.core.models import Job
from learning.services.questions import FORMATS, MAX_IMPORT_BYTES
from learning.tasks import UNUSABLE, import_questions_task
from schools.models import OrgUnit


class Command(BaseCommand):
    help = "Imports questions (Moodle XML, GIFT, Aiken) into a question bank; all of them or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", required=True, dest="fmt")
        parser.add_argument("--bank", help="bank name (default: the default bank)")
        parser.add_argument("--async", action="store_true", dest="run_async", help="queue the job for a worker")

    def fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args, **opts):
        if opts["fmt"] not in FORMATS:
            self.fail(f"Định dạng không hỗ trợ: {opts['fmt']} (dùng moodlexml, gift hoặc aiken).")
        path = Path(opts["file"])
        if not path.is_file():
            self.fail(f"Không tìm thấy tệp {path}.")
        if path.stat().st_size > MAX_IMPORT_BYTES:
            self.fail(f"Tệp quá lớn (giới hạn {MAX_IMPORT_BYTES // 1048576} MB).")
        root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
        if root is None:
            self.fail("Chưa có đơn vị gốc (Sở GDĐT) để sở hữu ngân hàng câu hỏi.")
        with path.open("rb") as handle:
            stored = default_storage.save(f"learning/imports/{uuid.uuid4().hex}", File(handle))
        job = create_job(
            task=import_questions_task,
            principal=SYSTEM,
            org_unit=root,
            title=f"Nhập câu hỏi từ {path.name}",
            params={"file": stored, "format": opts["fmt"], "bank": opts["bank"] or ""},
            enqueue=opts["run_async"],
        )
        if opts["run_async"]:
            self.stdout.write(f"Đã xếp hàng nhập câu hỏi: tác vụ {job.pk}.")
            return
        job = run_job_here(job)
        if job.status == Job.Status.SUCCEEDED:
            self.stdout.write(job.message)
            return
        errors = job.errors or []
        if job.status == Job.Status.FAILED and errors and all("text" in error for error in errors):
            for error in errors:
                self.stdout.write("  " + error["text"])
            self.stderr.write(job.message)
            sys.exit(1)
        if errors and errors[0].get("kind") == UNUSABLE:
            self.fail(job.message)
        self.fail(job.message or "Không nhập được tệp câu hỏi.")
