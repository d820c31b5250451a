"""``export_questions --format moodlexml|gift|aiken [--bank NAME] --out FILE`` (SPEC §13).

Exit codes: 0 written; 2 unknown bank, format or unwritable output (one line on stderr).
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from learning.models import Question, QuestionBank
from learning.services.questions import FORMATS, export_questions


class Command(BaseCommand):
    help = "Exports a question bank as Moodle XML, GIFT or Aiken."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, dest="fmt")
        parser.add_argument("--bank", help="bank name (default: the default bank)")
        parser.add_argument("--out", required=True)

    def fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args, **opts):
        if opts["fmt"] not in FORMATS:
            self.fail(f"Định dạng không hỗ trợ: {opts['fmt']} (dùng moodlexml, gift hoặc aiken).")
        name = (opts["bank"] or QuestionBank.DEFAULT_NAME).strip()
        bank = QuestionBank.objects.filter(name=name).first()
        if bank is None:
            self.fail(f"Không có ngân hàng câu hỏi “{name}”.")
        questions = list(
            Question.objects.filter(bank=bank).select_related("category").prefetch_related("answers", "knowledge_units")
        )
        result = export_questions(questions=questions, fmt=opts["fmt"], bank_name=bank.name)
        out = Path(opts["out"])
        try:
            out.write_bytes(result.content)
        except OSError as error:
            self.fail(f"Không ghi được tệp {out}: {error.strerror}.")
        self.stdout.write(
            f"Đã xuất {result.exported} câu hỏi của “{bank.name}” vào {out}"
            + (f" (bỏ qua {result.skipped} câu định dạng này không biểu diễn được)" if result.skipped else "")
            + "."
        )
