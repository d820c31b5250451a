"""``import_catalogue FILE``: the curriculum catalogue from a spreadsheet (.xlsx or .csv), all rows or none.

Exit codes (SPEC §13): 0 written; 1 some rows invalid (listed, nothing written); 2 unusable file.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from edudx.core.imports.preflight import UnusableFile
from learning.services.catalogue import CatalogueImportError, import_catalogue


class Command(BaseCommand):
    help = "Imports the curriculum catalogue (subject, grade, topic, knowledge unit) from .xlsx or .csv."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            self.stderr.write(f"Không tìm thấy tệp {path}.")
            sys.exit(2)
        try:
            result = import_catalogue(path=path)
        except UnusableFile as error:
            self.stderr.write(str(error))
            sys.exit(2)
        except CatalogueImportError as error:
            for row_error in error.errors[:100]:
                self.stdout.write("  " + row_error.as_text())
            self.stderr.write(str(error))
            sys.exit(1)
        self.stdout.write(
            f"Đã ghi danh mục: {result.subjects} môn, {result.topics} chủ đề, {result.units} đơn vị kiến thức mới."
        )
