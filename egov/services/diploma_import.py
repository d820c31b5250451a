"""Import of existing diploma registers (xlsx or csv) through the shared import pipeline's columns and parsers.

The .xlsx path is the registry's own: zip preflight, header found wherever it is, column-wise parsing with the
same Vietnamese cell errors. A .csv is read as UTF-8 text and parsed with the same columns. A file with any
invalid row writes nothing and reports every row's errors; a valid file is upserted by diploma number, so
importing it twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from edudx.core.imports.columns import Column, find_header
from edudx.core.imports.kinds import ImportContext, ImportKind, Row, RowError
from edudx.core.imports.pipeline import validate_file
from edudx.core.imports.preflight import UnusableFile, default_limits
from edudx.core.imports.values import CellError, choice_parser, parse_date, parse_int, parse_text
from schools.models import OrgUnit

from ..models import DiplomaRecord
from .diplomas import normalize_diploma_number, upsert_diploma_record

MAX_CSV_ROWS = 200_000


def _number(raw: Any) -> str | None:
    text = parse_text(raw)
    if text is None:
        return None
    value = normalize_diploma_number(text)
    if len(value) > 30:
        raise CellError("Số hiệu văn bằng dài quá 30 ký tự.")
    return value


def _year(raw: Any) -> int | None:
    return parse_int(raw, minimum=1945, maximum=2100)


class DiplomaRegisterKind(ImportKind):
    """The columns of a diploma register; not registered among the school imports (it belongs to egov)."""

    code = "diplomas"
    label = "Sổ gốc văn bằng"
    per_school = False
    columns = (
        Column("number", "Số hiệu văn bằng", _number, required=True, aliases=("Số hiệu", "Số hiệu bằng")),
        Column("register_number", "Số vào sổ gốc", parse_text, required=True, aliases=("Số vào sổ", "Số sổ")),
        Column("holder_name", "Họ và tên", parse_text, required=True, aliases=("Họ tên", "Người được cấp")),
        Column("birth_date", "Ngày sinh", parse_date, required=True),
        Column(
            "level",
            "Loại văn bằng",
            choice_parser(
                [
                    ("THCS", ["THCS", "Tốt nghiệp THCS", "Trung học cơ sở"]),
                    ("THPT", ["THPT", "Tốt nghiệp THPT", "Trung học phổ thông"]),
                ],
                what="Loại văn bằng",
            ),
            required=True,
            aliases=("Cấp", "Loại bằng"),
        ),
        Column("graduation_year", "Năm tốt nghiệp", _year, required=True),
        Column("issued_on", "Ngày cấp", parse_date, required=True),
        Column("school_name", "Trường", parse_text, aliases=("Học sinh trường", "Nơi học")),
    )

    def check(self, rows: list[Row], ctx: ImportContext) -> list[dict[str, Any]]:
        seen: dict[str, int] = {}
        registers: dict[str, int] = {}
        for row in rows:
            number = row.values.get("number")
            if number:
                if number in seen:
                    row.errors.append(
                        RowError(row.number, "Số hiệu văn bằng", f"Trùng số hiệu với dòng {seen[number]}.")
                    )
                seen.setdefault(number, row.number)
            register = row.values.get("register_number")
            if register:
                if register in registers:
                    row.errors.append(
                        RowError(row.number, "Số vào sổ gốc", f"Trùng số vào sổ với dòng {registers[register]}.")
                    )
                registers.setdefault(register, row.number)
        # A number already in the register under another unit is somebody else's diploma.
        taken = dict(
            DiplomaRecord.objects.filter(number__in=list(seen))
            .exclude(org_unit=ctx.org_unit)
            .values_list("number", "org_unit__code")
        )
        for row in rows:
            if row.values.get("number") in taken:
                row.errors.append(
                    RowError(
                        row.number,
                        "Số hiệu văn bằng",
                        f"Số hiệu này đã có trong sổ gốc của đơn vị {taken[row.values['number']]}.",
                    )
                )
        return []

    def apply(self, rows: list[Row], ctx: ImportContext) -> dict[str, int]:
        counts = {"created": 0, "updated": 0}
        for row in rows:
            _record, created = upsert_diploma_record(org_unit=ctx.org_unit, **row.values)
            counts["created" if created else "updated"] += 1
        return counts


@dataclass
class DiplomaImportReport:
    rows: int = 0
    applied: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    unusable: str = ""

    @property
    def ok(self) -> bool:
        return not self.unusable and not self.errors


def _csv_rows(raw: bytes) -> list[list[Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnusableFile("Tệp CSV phải được lưu với bảng mã UTF-8.") from error
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if len(rows) > MAX_CSV_ROWS:
        raise UnusableFile(f"Tệp có quá nhiều dòng (tối đa {MAX_CSV_ROWS:,}).".replace(",", "."))
    return rows


def _parse_csv(raw: bytes, kind: DiplomaRegisterKind, ctx: ImportContext) -> list[Row]:
    cells = _csv_rows(raw)
    header = find_header(cells, kind.columns)
    if header is None or header.missing_required:
        missing = ", ".join(f"“{label}”" for label in (header.missing_required if header else []))
        raise UnusableFile(
            f"Thiếu cột bắt buộc {missing} của mẫu “{kind.label}”."
            if missing
            else f"Không tìm thấy dòng tiêu đề của mẫu “{kind.label}” trong tệp."
        )
    rows = []
    for offset, line in enumerate(cells[header.row_index + 1 :]):
        if not any(cell.strip() for cell in line):
            continue
        number = header.row_index + 2 + offset
        values: dict[str, Any] = {}
        row = Row(number=number, values=values, raw=line)
        for column in kind.columns:
            position = header.positions.get(column.key)
            raw_cell = line[position] if position is not None and position < len(line) else None
            try:
                value = column.parse(raw_cell) if raw_cell not in (None, "") else None
            except CellError as error:
                row.errors.append(RowError(number, column.label, str(error)))
                value = None
            else:
                if value is None and column.required:
                    row.errors.append(RowError(number, column.label, f"Thiếu “{column.label}” (bắt buộc)."))
            values[column.key] = value
        rows.append(row)
    kind.check(rows, ctx)
    return rows


def import_diploma_register(
    *, file: Any, org_unit: OrgUnit, by: Any = None, progress: Callable[[int, int, str], None] | None = None
) -> DiplomaImportReport:
    """Validate a register file and, when every row is valid, upsert its lines for ``org_unit``.

    ``progress(done, total, message)`` hears the stages (read, checked, written) when run as a background job."""
    report_progress = progress or (lambda done, total, message: None)
    kind = DiplomaRegisterKind()
    ctx = ImportContext(org_unit=org_unit, school_year=None, actor=by)
    report = DiplomaImportReport()
    name = str(getattr(file, "name", "") or "").lower()
    limit = default_limits().max_bytes
    raw = file.read(limit + 1)
    if len(raw) > limit:
        report.unusable = _("Tệp quá lớn; giới hạn là %(mb)d MB.") % {"mb": limit // 1048576}
        return report
    try:
        if name.endswith(".csv"):
            rows = _parse_csv(raw, kind, ctx)
        else:
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
                handle.write(raw)
                handle.flush()
                rows = validate_file(Path(handle.name), kind, ctx).rows
    except UnusableFile as error:
        report.unusable = str(error)
        return report
    report.rows = len(rows)
    report.errors = [error for row in rows for error in row.errors]
    if report.errors:
        return report
    report_progress(1, 2, _("Đã kiểm tra %(n)d dòng; đang ghi vào sổ gốc…") % {"n": len(rows)})
    with transaction.atomic():
        counts = kind.apply(rows, ctx)
    report.created, report.updated = counts["created"], counts["updated"]
    report.applied = report.created + report.updated
    return report
