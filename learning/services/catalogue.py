"""Writing the curriculum catalogue: upserts from a spreadsheet, all rows or none.

A catalogue file has one row per knowledge unit: subject code and name, grade, topic code and name, knowledge-unit
code and name. Codes are stable identifiers: a row with a known code renames the object, never re-parents it
(a topic cannot move to another subject or grade, a knowledge unit to another topic) because resources and
questions are tagged by code.
"""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from edudx.core.imports.columns import Column, find_header
from edudx.core.imports.preflight import UnusableFile, check_xlsx
from edudx.core.imports.values import CellError, is_blank, parse_int
from edudx.core.text import nfc

from ..models import KnowledgeUnit, Resource, Subject, Topic
from .resources import refresh_search_texts

MAX_ROWS = 20_000

COLUMNS = [
    Column("subject_code", "Mã môn", required=True, aliases=("Mã môn học",)),
    Column("subject_name", "Tên môn", required=True, aliases=("Môn học", "Môn")),
    Column("grade", "Lớp", required=True, aliases=("Khối", "Khối lớp")),
    Column("topic_code", "Mã chủ đề", required=True, aliases=("Mã chương",)),
    Column("topic_name", "Tên chủ đề", required=True, aliases=("Chủ đề", "Chương")),
    Column("unit_code", "Mã đơn vị kiến thức", required=True, aliases=("Mã ĐVKT", "Mã bài")),
    Column("unit_name", "Tên đơn vị kiến thức", required=True, aliases=("Đơn vị kiến thức", "Tên bài", "Bài")),
]


@dataclass
class CatalogueRowError:
    row: int  # 1-based row number in the sheet, as the spreadsheet shows it
    column: str
    message: str

    def as_text(self) -> str:
        return _("Dòng %(row)d, cột “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class CatalogueImportResult:
    subjects: int = 0
    topics: int = 0
    units: int = 0
    resources_refreshed: int = 0  # resources whose search text changed because a name did
    errors: list[CatalogueRowError] = field(default_factory=list)


class CatalogueImportError(Exception):
    """Some rows are invalid: nothing was written. ``errors`` lists every one of them."""

    def __init__(self, errors: list[CatalogueRowError]):
        super().__init__(_("%(n)d dòng lỗi; chưa ghi gì vào danh mục.") % {"n": len(errors)})
        self.errors = errors


def _read_rows(path: Path) -> list[list[Any]]:
    head = path.read_bytes()[:4]
    if head.startswith(b"PK"):
        check_xlsx(path)
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(str(path))
            return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types for damaged parts
            raise UnusableFile(_("Không đọc được nội dung bảng tính; hãy lưu lại tệp bằng Excel rồi thử lại.")) from exc
    raw = path.read_bytes()
    if not raw.strip():
        raise UnusableFile(_("Tệp rỗng. Hãy chọn tệp .xlsx hoặc .csv có dữ liệu danh mục."))
    if b"\x00" in raw[:4096]:
        raise UnusableFile(_("Tệp không phải bảng tính .xlsx hay .csv (có thể là tệp khác bị đổi đuôi)."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnusableFile(_("Tệp .csv phải được lưu với bảng mã UTF-8.")) from exc
    dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    return list(csv.reader(io.StringIO(text), dialect))


def _text(value: Any) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def parse_catalogue_file(*, path: Path) -> tuple[list[dict[str, Any]], list[CatalogueRowError]]:
    """The rows of a catalogue sheet as dicts (with ``row``), and every per-row error found."""
    rows = _read_rows(path)
    header = find_header(rows, COLUMNS)
    if header is None or header.missing_required:
        missing = ", ".join(header.missing_required) if header else ", ".join(c.label for c in COLUMNS)
        raise UnusableFile(_("Không tìm thấy dòng tiêu đề của danh mục; thiếu cột: %(cols)s.") % {"cols": missing})
    body = rows[header.row_index + 1 :]
    if len(body) > MAX_ROWS:
        raise UnusableFile(_("Tệp có quá %(n)d dòng; hãy tách thành nhiều tệp.") % {"n": MAX_ROWS})
    labels = {c.key: c.label for c in COLUMNS}
    parsed: list[dict[str, Any]] = []
    errors: list[CatalogueRowError] = []
    for offset, row in enumerate(body):
        number = header.row_index + offset + 2
        cells = {key: (row[pos] if pos < len(row) else None) for key, pos in header.positions.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        item: dict[str, Any] = {"row": number}
        for key, value in cells.items():
            if key == "grade":
                try:
                    item[key] = parse_int(value, minimum=1, maximum=12)
                except CellError as error:
                    errors.append(CatalogueRowError(number, labels[key], str(error)))
                    item[key] = None
                    continue
                if item[key] is None:
                    errors.append(CatalogueRowError(number, labels[key], _("Thiếu lớp (1–12).")))
            else:
                item[key] = _text(value)
                if not item[key]:
                    errors.append(CatalogueRowError(number, labels[key], _("Ô này không được để trống.")))
                elif key.endswith("_code"):
                    item[key] = item[key].upper()
        parsed.append(item)
    errors += _consistency_errors(parsed, labels)
    return parsed, errors


def _consistency_errors(rows: list[dict[str, Any]], labels: dict[str, str]) -> list[CatalogueRowError]:
    """A code means one thing: within the file, and against what the catalogue already holds."""
    errors: list[CatalogueRowError] = []
    topic_home: dict[str, tuple[str, int | None, int]] = {}
    unit_home: dict[str, tuple[str, int]] = {}
    existing_topics = {
        t.code: (t.subject.code, t.grade)
        for t in Topic.objects.filter(code__in={r.get("topic_code") for r in rows}).select_related("subject")
    }
    existing_units = {
        u.code: u.topic.code
        for u in KnowledgeUnit.objects.filter(code__in={r.get("unit_code") for r in rows}).select_related("topic")
    }
    for row in rows:
        topic, unit = row.get("topic_code"), row.get("unit_code")
        if not topic or not unit or row.get("grade") is None or not row.get("subject_code"):
            continue
        place = (row["subject_code"], row["grade"])
        seen = topic_home.setdefault(topic, (*place, row["row"]))
        if seen[:2] != place:
            errors.append(
                CatalogueRowError(
                    row["row"],
                    labels["topic_code"],
                    _("Mã chủ đề %(code)s đã dùng ở dòng %(other)d cho môn/lớp khác.")
                    % {"code": topic, "other": seen[2]},
                )
            )
        if topic in existing_topics and existing_topics[topic] != place:
            errors.append(
                CatalogueRowError(
                    row["row"],
                    labels["topic_code"],
                    _("Mã chủ đề %(code)s đã có trong danh mục với môn/lớp khác; mã là cố định, hãy dùng mã mới.")
                    % {"code": topic},
                )
            )
        seen_unit = unit_home.setdefault(unit, (topic, row["row"]))
        if seen_unit[1] != row["row"]:
            errors.append(
                CatalogueRowError(
                    row["row"],
                    labels["unit_code"],
                    _("Mã đơn vị kiến thức %(code)s bị trùng với dòng %(other)d.")
                    % {"code": unit, "other": seen_unit[1]},
                )
            )
        if unit in existing_units and existing_units[unit] != topic:
            errors.append(
                CatalogueRowError(
                    row["row"],
                    labels["unit_code"],
                    _("Mã đơn vị kiến thức %(code)s đã thuộc chủ đề khác; mã là cố định, hãy dùng mã mới.")
                    % {"code": unit},
                )
            )
    return errors


@transaction.atomic
def upsert_catalogue(*, rows: list[dict[str, Any]]) -> CatalogueImportResult:
    """Writes validated catalogue rows: new codes are created, known codes renamed; idempotent. A renamed subject,
    topic or knowledge unit refreshes the search text of the resources that carry its name (set-based)."""
    result = CatalogueImportResult()
    subjects: dict[str, Subject] = {}
    topics: dict[str, Topic] = {}
    units: list[KnowledgeUnit] = []
    old_subjects = dict(Subject.objects.filter(code__in={r["subject_code"] for r in rows}).values_list("code", "name"))
    old_topics = dict(Topic.objects.filter(code__in={r["topic_code"] for r in rows}).values_list("code", "name"))
    old_units = dict(KnowledgeUnit.objects.filter(code__in={r["unit_code"] for r in rows}).values_list("code", "name"))
    for position, row in enumerate(rows):
        subject = subjects.get(row["subject_code"])
        if subject is None:
            subject, created = Subject.objects.update_or_create(
                code=row["subject_code"], defaults={"name": row["subject_name"]}
            )
            subjects[subject.code] = subject
            result.subjects += created
        topic = topics.get(row["topic_code"])
        if topic is None:
            topic, created = Topic.objects.update_or_create(
                code=row["topic_code"],
                defaults={"name": row["topic_name"], "subject": subject, "grade": row["grade"], "position": position},
            )
            topics[topic.code] = topic
            result.topics += created
        unit, created = KnowledgeUnit.objects.update_or_create(
            code=row["unit_code"], defaults={"name": row["unit_name"], "topic": topic, "position": position}
        )
        units.append(unit)
        result.units += created
    renamed = (
        Q(subject__in=[s for s in subjects.values() if s.code in old_subjects and old_subjects[s.code] != s.name])
        | Q(
            knowledge_units__topic__in=[
                t for t in topics.values() if t.code in old_topics and old_topics[t.code] != t.name
            ]
        )
        | Q(knowledge_units__in=[u for u in units if u.code in old_units and old_units[u.code] != u.name])
    )
    result.resources_refreshed = refresh_search_texts(resources=Resource.objects.filter(renamed))
    return result


def import_catalogue(*, path: Path) -> CatalogueImportResult:
    """Imports a catalogue sheet (.xlsx or .csv): every row valid → written in one transaction; else nothing."""
    rows, errors = parse_catalogue_file(path=path)
    if errors:
        raise CatalogueImportError(errors)
    return upsert_catalogue(rows=rows)
