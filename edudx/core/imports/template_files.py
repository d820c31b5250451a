"""The downloadable .xlsx template of an import kind: a title block, the header row, dropdowns and notes.

The file must import cleanly once filled in, so everything here follows what the importer accepts: title rows
above the header are skipped (it finds the header row by its labels), the "*" that marks a required column is
punctuation and is ignored when matching, and nothing may sit between the header row and the data (it would be
read as a data row): the help texts are comments on the header cells instead of a note row.
"""

from __future__ import annotations

import io

import xlsxwriter

from .columns import Column
from .kinds import ImportKind
from .values import parse_date

DATA_ROWS = 5000  # rows below the header that get the dropdowns and the cell formats
TEXT_COLUMNS = {"national_id"}  # identifiers with leading zeros that Excel would otherwise turn into numbers


def _is_date(column: Column) -> bool:
    return column.parse is parse_date


def _comment(column: Column) -> str:
    parts = []
    if column.required:
        parts.append("Bắt buộc.")
    if column.help:
        parts.append(f"{column.help[0].upper()}{column.help[1:]}.")
    if _is_date(column) and "dd/mm/yyyy" not in column.help:
        parts.append("Ghi ngày dạng dd/mm/yyyy.")
    if column.key in TEXT_COLUMNS:
        parts.append("Ô dạng văn bản: giữ nguyên số 0 ở đầu.")
    if column.choices:
        parts.append("Chọn trong danh sách: " + ", ".join(column.choices) + ".")
    return " ".join(parts)


def build_template(kind: ImportKind, *, title_lines: list[str]) -> bytes:
    """The template of ``kind`` as .xlsx bytes, with ``title_lines`` (school, year…) above the header row."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet(kind.label[:31])
    title = workbook.add_format({"bold": True, "font_size": 14})
    subtitle = workbook.add_format({"italic": True})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "vcenter", "align": "center"}
    )
    required_header = workbook.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "vcenter", "align": "center"}
    )
    as_text = workbook.add_format({"num_format": "@"})
    as_date = workbook.add_format({"num_format": "dd/mm/yyyy"})

    for index, line in enumerate(title_lines):
        sheet.write_string(index, 0, line, title if index == 0 else subtitle)
    # One blank row between the title block and the header, none after it.
    header_row = len(title_lines) + 1 if title_lines else 0
    first_data, last_data = header_row + 1, header_row + DATA_ROWS

    for col, column in enumerate(kind.columns):
        label = f"{column.label} *" if column.required else column.label
        width = max(12, min(40, len(label) + 4))
        cell_format = as_text if column.key in TEXT_COLUMNS else as_date if _is_date(column) else None
        sheet.set_column(col, col, width, cell_format)
        sheet.write_string(header_row, col, label, required_header if column.required else header)
        note = _comment(column)
        if note:
            sheet.write_comment(header_row, col, note, {"author": "EduDX", "x_scale": 2, "y_scale": 1.5})
        if column.choices:
            sheet.data_validation(
                first_data,
                col,
                last_data,
                col,
                {
                    "validate": "list",
                    "source": list(column.choices),
                    "error_type": "warning",
                    "error_title": "Giá trị không có trong danh sách",
                    "error_message": "Nên chọn một giá trị trong danh sách: " + ", ".join(column.choices)[:200],
                },
            )
    sheet.set_row(header_row, 32)
    sheet.freeze_panes(first_data, 0)
    workbook.close()
    return buffer.getvalue()
