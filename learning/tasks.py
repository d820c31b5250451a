"""Background work of the learning library: question-bank imports run as jobs (SPEC §13: the command runs the
same task code in its own process; ``--async`` queues it for a worker)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from edudx.core.jobs import JobFailed, JobRun, JobTask, register_job_task

from .interchange.base import UnusableInput
from .services.questions import QuestionImportError, get_or_create_bank, import_questions_file

UNUSABLE = "unusable"


class ImportQuestionsTask(JobTask):
    """Imports a stored question file into a bank: every question or none (the file is kept until it is done)."""

    job_kind = "import_questions"
    time_limit = 900
    soft_time_limit = 870

    def execute(self, run: JobRun) -> dict:
        params = run.params
        path = params["file"]
        if not default_storage.exists(path):
            raise JobFailed(_("Không còn tệp câu hỏi đã tải lên; hãy nhập lại."), [{"kind": UNUSABLE}])
        with default_storage.open(path, "rb") as handle:
            data = handle.read()
        run.progress(0, 1, _("Đang đọc tệp câu hỏi…"), force=True)
        try:
            with transaction.atomic():  # a bank created for a file that then fails is rolled back too
                bank = get_or_create_bank(name=params.get("bank"), org_unit=run.job.org_unit)
                summary = import_questions_file(data=data, fmt=params["format"], bank=bank, by=run.job.owner)
        except UnusableInput as error:
            default_storage.delete(path)
            raise JobFailed(str(error), [{"kind": UNUSABLE}]) from error
        except QuestionImportError as error:
            default_storage.delete(path)
            problems = [
                {"line": p.line, "name": p.name, "message": p.message, "text": p.as_text()} for p in error.problems
            ]
            raise JobFailed(str(error), problems) from error
        default_storage.delete(path)
        run.progress(
            1,
            1,
            _("Ngân hàng “%(bank)s”: đã nhập %(n)d câu hỏi, bỏ qua %(d)d câu đã có.")
            % {"bank": bank.name, "n": summary.created, "d": summary.duplicates},
            force=True,
        )
        return {"bank": bank.name, "created": summary.created, "duplicates": summary.duplicates}


import_questions_task = register_job_task(ImportQuestionsTask, name="learning.import_questions")
