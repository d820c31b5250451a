"""Writing spreadsheets for download: constant memory, and no cell that a spreadsheet would run as a formula."""

import io
from collections.abc import Iterable, Sequence

import xlsxwriter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text starting like a formula is prefixed with an apostrophe (CSV/formula injection, RELIABILITY §1)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_xlsx(*, sheet_name: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True})
    sheet.write(0, 0, title, bold)
    for col, label in enumerate(headers):
        sheet.write(2, col, label, header)
        sheet.set_column(col, col, max(12, len(label) + 2))
    for row_index, row in enumerate(rows, start=3):
        for col, value in enumerate(row):
            sheet.write(row_index, col, safe_cell(value))
    workbook.close()
    return buffer.getvalue()
