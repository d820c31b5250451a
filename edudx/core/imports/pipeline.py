"""The one import pipeline behind the upload page, ``import_registry`` and ``POST /api/v1/imports/``.

read → preflight checks → find the header row → parse every cell → cross-row checks → (apply valid rows).
Nothing is written before apply; apply re-reads the stored file so that what is written is what was checked
against the data as it is at that moment.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from python_calamine import CalamineWorkbook

from edudx.core.exports import safe_cell

from .columns import Column, HeaderMatch, find_header
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
    with paused_gc():
        return _validate_file(path, kind, ctx, limits=limits or default_limits(), progress=progress)


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cycle collector paused while a file's cells and rows are built.

    A 100,000-row file is a few million new lists, dicts and rows, none of them in a reference cycle; the
    collector would walk them again and again as they pile up (a third of the parsing time). Memory is still freed
    by reference counting; the collector runs again afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _validate_file(
    path: Path, kind: ImportKind, ctx: ImportContext, *, limits: Limits, progress: Progress | None
) -> Validation:
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


def _is_blank_row(cells: Sequence[Any]) -> bool:
    return all(cell is None or cell == "" or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _parse_rows(
    data: Sequence[Sequence[Any]],
    header: HeaderMatch,
    kind: ImportKind,
    sheet: str,
    *,
    first_number: int,
    progress: Progress | None,
) -> list[Row]:
    """Parses column by column: each distinct value of a column goes through the column's parser once.

    A 100,000-row file repeats a few values per column (Nam, Kinh, Đang học, 1A, a date…), so this is a few
    dictionary look-ups per cell instead of a parser call per cell.
    """
    numbers: list[int] = []
    kept: list[Sequence[Any]] = []
    for offset, cells in enumerate(data):
        first = cells[0] if cells else None
        if (first is None or first == "" or (isinstance(first, str) and first.isspace())) and _is_blank_row(cells):
            continue
        numbers.append(first_number + offset)
        kept.append(cells)
    columns = [(column, header.positions.get(column.key)) for column in kind.columns]
    widths = set(map(len, kept))
    # A rectangular sheet (what readers give) is turned into columns in one go.
    transposed = list(zip(*kept, strict=True)) if len(widths) == 1 else None
    width = min(widths, default=0)
    parsed: list[Sequence[Any]] = []
    failures: list[tuple[Column, list[tuple[int, str]]]] = []
    for index, (column, position) in enumerate(columns):
        if position is None:
            raws: Sequence[Any] = [None] * len(kept)
        elif transposed is not None and position < width:
            raws = transposed[position]
        elif position < width:
            raws = [cells[position] for cells in kept]
        else:
            raws = [cells[position] if position < len(cells) else None for cells in kept]
        values, bad = _parse_column(raws, column)
        parsed.append(values)
        if bad:
            failures.append((column, bad))
        if progress:
            progress(len(kept) * (index + 1) // len(columns), len(kept))
    keys = [column.key for column, _position in columns]
    rows = [
        Row(number, dict(zip(keys, values, strict=True)), cells)  # positional: runs once per row
        for number, cells, values in zip(numbers, kept, zip(*parsed, strict=True), strict=True)
    ]
    for column, bad in failures:
        for index, message in bad:
            rows[index].errors.append(RowError(numbers[index], column.label, message, sheet))
    return rows


def _parse_column(raws: Sequence[Any], column: Column) -> tuple[list[Any], list[tuple[int, str]]]:
    """The parsed values of one column, and (index, message) for each cell that is wrong or missing."""
    # True == 1 == 1.0: when a column mixes those types, each value is looked up with its type.
    types = set(map(type, raws))
    keyed = sum(1 for kind in (bool, int, float) if kind in types) > 1
    keys = [(type(raw), raw) for raw in raws] if keyed else raws
    values: dict[Any, Any] = {}
    messages: dict[Any, str] = {}
    for key in dict.fromkeys(keys):
        raw = key[1] if keyed else key
        value = None
        if not is_blank(raw):
            try:
                value = column.parse(raw)
            except CellError as exc:
                messages[key] = str(exc)
        values[key] = value
        if value is None and column.required and key not in messages:
            messages[key] = f"Thiếu “{column.label}” (bắt buộc)."
    bad = [(index, messages[key]) for index, key in enumerate(keys) if key in messages] if messages else []
    return list(map(values.__getitem__, keys)), bad


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
