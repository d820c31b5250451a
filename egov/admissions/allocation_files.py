"""The allocation files of SPEC §13 (UTF-8 CSV with a header row), read strictly and written reproducibly.

``A.csv``: ``applicant_id,score,tiebreak,priority,ward,choice1,choice2,choice3``; ``S.csv``:
``school_code,quota,catchment_wards`` (wards separated by ``;``); ``R.csv``: ``applicant_id,school_code`` for
every applicant, sorted by ``applicant_id`` (plain text order), ``school_code`` blank when unplaced.

Any problem in a file is an ``AllocationFileError`` naming the file, line and column: skipping a row would change
other applicants' results, so there is no "valid rows only" for an allocation (the command exits 2, never 1).
Header names are matched ignoring case and surrounding spaces; a byte-order mark is accepted; extra columns are
ignored; blank lines are skipped. Columns that only one method reads may be left out for the other method
(``score``/``tiebreak`` for ``catchment``; ``priority``/``ward`` for ``score``). No Django imports: the published
inputs are written by this module and re-read by ``manage.py allocate_admissions``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO

from .allocation import MAX_CHOICES, METHOD_SCORE, Applicant, School

APPLICANT_COLUMNS = ["applicant_id", "score", "tiebreak", "priority", "ward", "choice1", "choice2", "choice3"]
SCHOOL_COLUMNS = ["school_code", "quota", "catchment_wards"]
RESULT_COLUMNS = ["applicant_id", "school_code"]


class AllocationFileError(ValueError):
    """An unusable allocation file; the message (Vietnamese, one line) says where and why."""


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, str]


def _rows(handle: IO[str], *, name: str, required: Sequence[str]) -> Iterable[_Row]:
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise AllocationFileError(f"{name}: tệp rỗng, thiếu dòng tiêu đề.") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise AllocationFileError(f"{name}: không đọc được tệp CSV UTF-8 ({exc}).") from None
    columns = [cell.strip().lstrip("\ufeff").strip().lower() for cell in header]
    missing = [c for c in required if c not in columns]
    if missing:
        raise AllocationFileError(f"{name}: thiếu cột {', '.join(missing)} ở dòng tiêu đề.")
    doubled = sorted({c for c in columns if c and columns.count(c) > 1})
    if doubled:
        raise AllocationFileError(f"{name}: cột {', '.join(doubled)} xuất hiện hai lần ở dòng tiêu đề.")
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(columns):
                raise AllocationFileError(f"{name} dòng {line}: nhiều ô hơn dòng tiêu đề ({len(columns)} cột).")
            cells = {column: value.strip() for column, value in zip(columns, values, strict=False)}
            yield _Row(line=line, cells=cells)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise AllocationFileError(f"{name}: không đọc được tệp CSV UTF-8 ({exc}).") from None


def _decimal(row: _Row, column: str, *, name: str) -> Decimal | None:
    text = row.cells.get(column, "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise AllocationFileError(
            f"{name} dòng {row.line}, cột {column}: “{text}” không phải số thập phân (dùng dấu chấm, ví dụ 8.25)."
        )
    return value


def read_schools(handle: IO[str], *, name: str = "S.csv") -> list[School]:
    """Parses S.csv: unique school codes, integer quotas ≥ 0, catchment wards separated by ';'."""
    schools: dict[str, School] = {}
    for row in _rows(handle, name=name, required=["school_code", "quota"]):
        code = row.cells.get("school_code", "")
        if not code:
            raise AllocationFileError(f"{name} dòng {row.line}, cột school_code: thiếu mã trường.")
        if code in schools:
            raise AllocationFileError(f"{name} dòng {row.line}, cột school_code: trường {code} xuất hiện hai lần.")
        text = row.cells.get("quota", "")
        if not text.isdigit():
            raise AllocationFileError(
                f"{name} dòng {row.line}, cột quota: “{text}” không phải số nguyên không âm (chỉ tiêu)."
            )
        wards = frozenset(w.strip() for w in row.cells.get("catchment_wards", "").split(";") if w.strip())
        schools[code] = School(code=code, quota=int(text), catchment_wards=wards)
    return list(schools.values())


def read_applicants(
    handle: IO[str], *, method: str, school_codes: Iterable[str], name: str = "A.csv"
) -> list[Applicant]:
    """Parses A.csv for ``method``: unique ids, decimals, priority ≥ 1, distinct known schools as choices."""
    known = set(school_codes)
    required = ["applicant_id", "choice1", "score"] if method == METHOD_SCORE else ["applicant_id", "choice1", "ward"]
    applicants: list[Applicant] = []
    seen: set[str] = set()
    for row in _rows(handle, name=name, required=required):
        cells = row.cells
        applicant_id = cells.get("applicant_id", "")
        where = f"{name} dòng {row.line}"
        if not applicant_id:
            raise AllocationFileError(f"{where}, cột applicant_id: thiếu mã thí sinh.")
        if applicant_id in seen:
            raise AllocationFileError(f"{where}, cột applicant_id: thí sinh {applicant_id} xuất hiện hai lần.")
        seen.add(applicant_id)
        score = _decimal(row, "score", name=name)
        tiebreak = _decimal(row, "tiebreak", name=name)
        if method == METHOD_SCORE and score is None:
            raise AllocationFileError(f"{where}, cột score: thiếu điểm (bắt buộc với cách xét theo điểm).")
        priority_text = cells.get("priority", "")
        if priority_text and not (priority_text.isdigit() and int(priority_text) >= 1):
            raise AllocationFileError(
                f"{where}, cột priority: “{priority_text}” không phải nhóm ưu tiên (số nguyên từ 1, hoặc để trống)."
            )
        choices: list[str] = []
        for k in range(1, MAX_CHOICES + 1):
            column = f"choice{k}"
            code = cells.get(column, "")
            if not code:
                continue
            if code not in known:
                raise AllocationFileError(f"{where}, cột {column}: trường {code} không có trong tệp trường.")
            if code in choices:
                raise AllocationFileError(f"{where}, cột {column}: trường {code} đã được chọn ở nguyện vọng trước.")
            choices.append(code)
        applicants.append(
            Applicant(
                applicant_id=applicant_id,
                choices=tuple(choices),
                score=score,
                tiebreak=tiebreak,
                priority=int(priority_text) if priority_text else None,
                ward=cells.get("ward", ""),
            )
        )
    return applicants


def _decimal_text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def write_applicants(handle: IO[str], applicants: Iterable[Applicant]) -> None:
    """Writes A.csv (the published inputs): re-reading it gives the same applicants."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(APPLICANT_COLUMNS)
    for a in sorted(applicants, key=lambda a: a.applicant_id):
        choices = list(a.choices) + [""] * (MAX_CHOICES - len(a.choices))
        priority = "" if a.priority is None else str(a.priority)
        writer.writerow([a.applicant_id, _decimal_text(a.score), _decimal_text(a.tiebreak), priority, a.ward, *choices])


def write_schools(handle: IO[str], schools: Iterable[School]) -> None:
    """Writes S.csv (the published inputs), catchment wards sorted and joined with ';'."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(SCHOOL_COLUMNS)
    for s in sorted(schools, key=lambda s: s.code):
        writer.writerow([s.code, s.quota, ";".join(sorted(s.catchment_wards))])


def write_results(handle: IO[str], result: Mapping[str, str | None]) -> None:
    """Writes R.csv: every applicant, sorted by applicant_id, school_code blank when unplaced."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    for applicant_id in sorted(result):
        writer.writerow([applicant_id, result[applicant_id] or ""])


def results_text(result: Mapping[str, str | None]) -> str:
    buffer = io.StringIO()
    write_results(buffer, result)
    return buffer.getvalue()
