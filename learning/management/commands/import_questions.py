"""``import_questions FILE --format moodlexml|gift|aiken [--bank NAME]`` (SPEC §13).

Exit codes: 0 every question imported (repeats of questions already in the bank are skipped); 1 some questions
are invalid (each listed with its line; nothing written); 2 the file or the arguments are unusable.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from learning.interchange.base import UnusableInput
from learning.services.questions import FORMATS, QuestionImportError, get_or_create_bank, import_questions_file
from schools.models import OrgUnit


class Command(BaseCommand):
    help = "Imports questions (Moodle XML, GIFT, Aiken) into a question bank; all of them or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", required=True, dest="fmt")
        parser.add_argument("--bank", help="bank name (default: the default bank)")

    def fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args, **opts):
        if opts["fmt"] not in FORMATS:
            self.fail(f"Định dạng không hỗ trợ: {opts['fmt']} (dùng moodlexml, gift hoặc aiken).")
        path = Path(opts["file"])
        if not path.is_file():
            self.fail(f"Không tìm thấy tệp {path}.")
        root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
        if root is None:
            self.fail("Chưa có đơn vị gốc (Sở GDĐT) để sở hữu ngân hàng câu hỏi.")
        try:
            data = path.read_bytes()
            with transaction.atomic():  # a bank created for a file that then fails is rolled back too
                bank = get_or_create_bank(name=opts["bank"], org_unit=root)
                summary = import_questions_file(data=data, fmt=opts["fmt"], bank=bank)
        except UnusableInput as error:
            self.fail(str(error))
        except QuestionImportError as error:
            for problem in error.problems:
                self.stdout.write("  " + problem.as_text())
            self.stderr.write(str(error))
            sys.exit(1)
        self.stdout.write(
            f"Ngân hàng “{bank.name}”: đã nhập {summary.created} câu hỏi"
            + (f", bỏ qua {summary.duplicates} câu đã có" if summary.duplicates else "")
            + "."
        )
