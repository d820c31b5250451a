"""Turning what spreadsheet cells really contain into typed values, or a Vietnamese reason why not.

Cells come from any writer: real dates, Excel serial numbers, ``dd/mm/yyyy`` text; booleans as Có/Không, x,
1/0, TRUE/FALSE; numbers stored as text and text stored as numbers; any Unicode normalisation form.
Every parser takes the raw cell and returns the value (None for blank) or raises CellError.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from edudx.core.text import fold, nfc

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's phantom 29/02/1900 accounted for
DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
TRUE_WORDS = {"co", "x", "1", "true", "yes", "y", "dung", "đung", "v", "✓", "☑"}
FALSE_WORDS = {"khong", "0", "false", "no", "n", "sai", "-"}


class CellError(ValueError):
    """A cell that is filled but not valid; the message says what to write instead."""


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_text(raw: Any) -> str | None:
    if is_blank(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return nfc(str(raw))


def parse_date(raw: Any) -> dt.date | None:
    """A date cell, an Excel serial number, or text ``dd/mm/yyyy`` (day first, always), or ``yyyy-mm-dd``."""
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise CellError("Ngày không hợp lệ; ghi theo dạng dd/mm/yyyy, ví dụ 05/04/2019.")
    if isinstance(raw, int | float):
        # Serials below 10000 (before 1927) are years or counts typed into a date column, not dates.
        if not float(raw).is_integer() or not 10000 <= raw <= 2958465:
            raise CellError(f"Ngày '{raw}' không hợp lệ; ghi theo dạng dd/mm/yyyy, ví dụ 05/04/2019.")
        return EXCEL_EPOCH + dt.timedelta(days=int(raw))
    text = nfc(str(raw))
    if text.isdigit() and len(text) == 5:  # a serial number stored as text
        return parse_date(int(text))
    try:
        if match := DATE_TEXT.match(text):
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if match := ISO_DATE.match(text):
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(f"Ngày '{text}' không có thật (kiểm tra ngày và tháng; ghi dạng dd/mm/yyyy).") from exc
    raise CellError(f"Ngày '{text}' không đọc được; ghi theo dạng dd/mm/yyyy, ví dụ 05/04/2019.")


def parse_bool(raw: Any) -> bool | None:
    """Có/Không, x/blank, 1/0, TRUE/FALSE, Yes/No, in any case and with or without diacritics."""
    if raw is True or raw is False:
        return raw
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        if raw in (0, 1):
            return bool(raw)
        raise CellError(f"Giá trị '{raw}' không hợp lệ; ghi Có hoặc Không.")
    key = fold(str(raw))
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise CellError(f"Giá trị '{nfc(str(raw))}' không hợp lệ; ghi Có hoặc Không.")


def parse_int(raw: Any, *, minimum: int | None = 0, maximum: int | None = None) -> int | None:
    """Whole numbers, also when written as text with thousands separators (1.234.567 or 1,234,567)."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise CellError("Cần một số nguyên.")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise CellError(f"'{raw}' không phải số nguyên.")
        value = int(raw)
    elif isinstance(raw, int):
        value = raw
    else:
        text = nfc(str(raw)).replace(" ", "")
        if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text):
            text = text.replace(".", "").replace(",", "")
        try:
            value = int(Decimal(text)) if Decimal(text) == Decimal(text).to_integral_value() else None
        except InvalidOperation:
            value = None
        if value is None:
            raise CellError(f"'{nfc(str(raw))}' không phải số nguyên.")
    if minimum is not None and value < minimum:
        raise CellError(f"Giá trị {value} nhỏ hơn mức tối thiểu {minimum}.")
    if maximum is not None and value > maximum:
        raise CellError(f"Giá trị {value} lớn hơn mức tối đa {maximum}.")
    return value


def choice_parser(choices: Iterable[tuple[str, Iterable[str]]], *, what: str) -> Callable[[Any], str | None]:
    """A parser mapping any spelling of a label (fold-matched) to its stored value.

    ``choices`` pairs each stored value with the labels people write for it, e.g. ("female", ["Nữ", "F"]).
    """
    table: dict[str, str] = {}
    shown: list[str] = []
    for value, labels in choices:
        labels = list(labels)
        shown.append(labels[0])
        for label in labels:
            table[_choice_key(label)] = value
    listing = ", ".join(shown)

    seen: dict[Any, str] = {}  # the same few spellings repeat on every row

    def parse(raw: Any) -> str | None:
        if is_blank(raw):
            return None
        key = (type(raw), raw)
        if key in seen:
            return seen[key]
        text = parse_text(raw) or ""
        value = table.get(_choice_key(text))
        if value is None:
            raise CellError(f"{what} '{text}' không hợp lệ; chọn một trong: {listing}.")
        if len(seen) < 10_000:
            seen[key] = value
        return value

    return parse


def _choice_key(text: str) -> str:
    return re.sub(r"[\s\-_.]+", "", fold(text))
