"""``manage.py load_dx_criteria [FILE.json]``: (re)load a DX criteria set; without a file, Decision 4725's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.maturity import criteria_4725
from reports.maturity.loader import CriteriaSetError, load_criteria_set


class Command(BaseCommand):
    help = "Nạp (lặp lại được) bộ tiêu chí đánh giá chuyển đổi số; mặc định bộ của Quyết định 4725/QĐ-BGDĐT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Tệp JSON: code, version, name, source, criteria[...].")

    def handle(self, *args: Any, **options: Any) -> None:
        definition = criteria_4725.DEFINITION
        if options.get("file"):
            try:
                definition = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
                criteria = definition["criteria"]
                if not isinstance(criteria, list):
                    raise TypeError
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise CommandError(f"Không đọc được bộ tiêu chí: {error}", returncode=2) from error
        try:
            criteria_set, created, updated = load_criteria_set(definition=definition)
        except (CriteriaSetError, KeyError) as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(f"{criteria_set}: {created} tiêu chí mới, {updated} tiêu chí cập nhật.")
