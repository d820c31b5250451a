"""Reading an exam-score file (.xlsx or .csv) into score rows: receipt code, total, tiebreak.

Headers are matched ignoring case, spaces and diacritics (``Mã hồ sơ``, ``Điểm xét tuyển``, ``Điểm phụ``); the
header is the first row that has a receipt-code column. An .xlsx passes the shared preflight (zip bomb, macros,
DOCTYPE, formulas) before calamine reads it. Decimal commas (``8,25``) are accepted, as Vietnamese sheets use them.
"""

from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from edudx.core.imports.preflight import UnusableFile, check_xlsx
from edudx.core.text import fold

from .services import AdmissionError, ScoreRow

CODE_HEADERS = {"ma ho so", "ma hs", "receipt_code", "ma ho so tuyen sinh"}
SCORE_HEADERS = {"diem xet tuyen", "tong diem", "diem", "score"}
TIEBREAK_HEADERS = {"diem phu", "diem uu tien xet khi bang diem", "tiebreak"}
MAX_ROWS = 200_000


def _rows_from_upload(upload: Any) -> list[list[Any]]:
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise AdmissionError(_("Tệp CSV phải lưu dạng UTF-8.")) from None
        return list(csv.reader(io.StringIO(text)))[: MAX_ROWS + 20]
    if not name.endswith(".xlsx"):
        raise AdmissionError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        try:
            check_xlsx(Path(handle.name))
        except UnusableFile as error:
            raise AdmissionError(str(error)) from None
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(handle.name)
        return workbook.get_sheet_by_index(0).to_python()[: MAX_ROWS + 20]


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float | int):
        return Decimal(str(value))
    text = str(value).strip().replace(",", ".")
    if not text:
        return None
    try:
        result = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not result.is_finite():
        raise ValueError(text)
    return result


def read_scores(upload: Any) -> list[ScoreRow]:
    """The score rows of an uploaded file, or AdmissionError listing what is wrong (nothing is stored here)."""
    rows = _rows_from_upload(upload)
    header_at, columns = None, {}
    for index, row in enumerate(rows[:20]):
        keys = [fold(str(cell or "")) for cell in row]
        if any(k in CODE_HEADERS for k in keys):
            header_at = index
            for position, key in enumerate(keys):
                if key in CODE_HEADERS:
                    columns.setdefault("code", position)
                elif key in SCORE_HEADERS:
                    columns.setdefault("score", position)
                elif key in TIEBREAK_HEADERS:
                    columns.setdefault("tiebreak", position)
            break
    if header_at is None or "score" not in columns:
        raise AdmissionError(_("Không thấy dòng tiêu đề có cột “Mã hồ sơ” và “Điểm xét tuyển”."))
    result, errors = [], []
    for index, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = list(row) + [None] * 3

        def cell(name: str, cells: list = cells) -> Any:
            return cells[columns[name]] if name in columns else None

        code = str(cell("code") or "").strip().upper()
        if not code and cell("score") in (None, ""):
            continue
        try:
            score = _decimal(cell("score"))
            tiebreak = _decimal(cell("tiebreak"))
        except ValueError as error:
            errors.append(_("Dòng %(line)d: “%(value)s” không phải là số.") % {"line": index, "value": error})
            continue
        if not code or score is None:
            errors.append(_("Dòng %(line)d: thiếu mã hồ sơ hoặc điểm.") % {"line": index})
            continue
        result.append(ScoreRow(receipt_code=code, score=score, tiebreak=tiebreak, line=index))
    if len(result) > MAX_ROWS:
        errors.append(_("Tệp quá nhiều dòng (tối đa %(n)d).") % {"n": MAX_ROWS})
    if errors:
        raise AdmissionError(errors[:50])
    return result
