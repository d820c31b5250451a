"""The one import pipeline behind the upload page, ``import_registry`` and ``POST /api/v1/imports/``.

read → preflight checks → find the header row → parse every cell → cross-row checks → (apply valid rows).
Nothing is written before apply; apply re-reads the stored file so that what is written is what was checked
against the data as it is at that moment.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from python_calamine import CalamineWorkbook

from edudx.core.exports import safe_cell

from .columns import HeaderMatch, find_header
from .kinds import REGISTRY, ImportContext, ImportKind, Row, RowError
from .preflight import Limits, UnusableFile, check_xlsx, default_limits
from .values import CellError, is_blank

Progress = Callable[[int, int], None]


@dataclass
class Validation:
    kind: ImportKind
    sheet: str
    header: HeaderMatch
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def valid_rows(self) -> list[Row]:
        return [row for row in self.rows if row.valid]

    @property
    def invalid_count(self) -> int:
        return sum(1 for row in self.rows if not row.valid)


def _read_sheets(path: Path) -> list[tuple[str, list[list[Any]]]]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return [
            (name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in workbook.sheet_names
        ]
    except Exception as exc:  # calamine raises its own error types for damaged parts
        raise UnusableFile("Không đọc được nội dung bảng tính; hãy mở và lưu lại tệp bằng Excel rồi thử lại.") from exc


def _best_sheet(sheets, kind: ImportKind) -> tuple[str, list[list[Any]], HeaderMatch] | None:
    best = None
    for name, rows in sheets:
        header = find_header(rows, kind.columns)
        if header and (best is None or len(header.positions) > len(best[2].positions)):
            best = (name, rows, header)
    return best


def _wrong_kind_hint(sheets, kind: ImportKind) -> str:
    """When the file matches another template better, say which one it is."""
    own = _best_sheet(sheets, kind)
    own_hits = len(own[2].positions) if own else 0
    for other in REGISTRY.values():
        if other.code == kind.code:
            continue
        match = _best_sheet(sheets, other)
        if match and not match[2].missing_required and len(match[2].positions) > own_hits:
            return f" Tệp này có vẻ là mẫu “{other.label}”, không phải mẫu “{kind.label}”."
    return ""


def validate_file(
    path: Path,
    kind: ImportKind,
    ctx: ImportContext,
    *,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> Validation:
    """Checks a file without writing anything; raises UnusableFile when it cannot be imported at all."""
    limits = limits or default_limits()
    check_xlsx(path, limits=limits)
    sheets = _read_sheets(path)
    found = _best_sheet(sheets, kind)
    if found is None or found[2].missing_required:
        hint = _wrong_kind_hint(sheets, kind)
        if found is None:
            raise UnusableFile(f"Không tìm thấy dòng tiêu đề của mẫu “{kind.label}” trong tệp.{hint}")
        missing = ", ".join(f"“{label}”" for label in found[2].missing_required)
        raise UnusableFile(f"Thiếu cột bắt buộc {missing} của mẫu “{kind.label}”.{hint}")
    sheet, cells, header = found
    data = cells[header.row_index + 1 :]
    while data and all(is_blank(cell) for cell in data[-1]):
        data.pop()
    if len(data) > limits.max_rows:
        raise UnusableFile(
            f"Trang “{sheet}” có {len(data):,} dòng, vượt giới hạn {limits.max_rows:,} dòng một tệp. "
            "Hãy tách thành nhiều tệp.".replace(",", ".")
        )
    rows = _parse_rows(data, header, kind, sheet, first_number=header.row_index + 2, progress=progress)
    warnings = [f"Cột “{label}” không thuộc mẫu, đã bỏ qua." for label in header.extra]
    conflicts = kind.check(rows, ctx)
    for row in rows:
        for error in row.errors:
            error.sheet = error.sheet or sheet
    return Validation(kind, sheet, header, rows, warnings, conflicts)


def _parse_rows(
    data: Sequence[Sequence[Any]],
    header: HeaderMatch,
    kind: ImportKind,
    sheet: str,
    *,
    first_number: int,
    progress: Progress | None,
) -> list[Row]:
    columns = [(column, header.positions.get(column.key)) for column in kind.columns]
    # Parsers are pure: a value seen before in the same column (Nam, Kinh, Đang học, 1A, a date…) is looked up.
    caches: list[dict[tuple[type, Any], tuple[bool, Any]]] = [{} for _column in columns]
    rows: list[Row] = []
    total = len(data)
    for offset, cells in enumerate(data):
        if all(cell is None or cell == "" or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        number = first_number + offset
        values: dict[str, Any] = {}
        row = Row(number=number, values=values, raw=list(cells))
        for (column, position), cache in zip(columns, caches, strict=True):
            raw = cells[position] if position is not None and position < len(cells) else None
            key = (type(raw), raw)
            hit = cache.get(key)
            if hit is None:
                if is_blank(raw):
                    hit = (True, None)
                else:
                    try:
                        hit = (True, column.parse(raw))
                    except CellError as exc:
                        hit = (False, str(exc))
                if len(cache) < 50_000:
                    cache[key] = hit
            ok, value = hit
            if ok:
                values[column.key] = value
                if value is None and column.required:
                    row.errors.append(RowError(number, column.label, f"Thiếu “{column.label}” (bắt buộc).", sheet))
            else:
                values[column.key] = None
                row.errors.append(RowError(number, column.label, value, sheet))
        rows.append(row)
        if progress and offset % 5000 == 0:
            progress(offset, total)
    return rows


def error_report(validation: Validation) -> bytes:
    """The original rows plus an error column, as .xlsx: the officer fixes the file and uploads it again."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("Lỗi")
    bold = workbook.add_format({"bold": True, "bg_color": "#F8D7DA", "border": 1})
    head = workbook.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    labels = [c.label for c in validation.kind.columns]
    sheet.write(0, 0, "Dòng trong tệp gốc", head)
    sheet.write(0, 1, "Lỗi cần sửa", bold)
    for index, label in enumerate(labels, start=2):
        sheet.write(0, index, label, head)
    sheet.set_column(1, 1, 60)
    positions = [validation.header.positions.get(c.key) for c in validation.kind.columns]
    out = 1
    for row in validation.rows:
        if row.valid:
            continue
        sheet.write(out, 0, row.number)
        sheet.write(out, 1, "; ".join(f"{e.column}: {e.message}" if e.column else e.message for e in row.errors))
        for index, position in enumerate(positions, start=2):
            value = row.raw[position] if position is not None and position < len(row.raw) else None
            if hasattr(value, "year"):
                sheet.write_datetime(out, index, value, date)
            elif value is not None:
                sheet.write(out, index, safe_cell(value if isinstance(value, int | float | bool) else str(value)))
        out += 1
    workbook.close()
    return buffer.getvalue()
