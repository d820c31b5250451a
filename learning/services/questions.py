"""Writing the question bank: imports from Moodle XML, GIFT and Aiken (all questions or none), exports, blueprints.

An import never half-writes: the file is parsed completely first; if any question has a problem (a GIFT syntax
error with its line, an unsupported type, an unknown knowledge-unit code) nothing is written and every problem is
reported. A question already in the bank (same content) is skipped, so importing a file twice adds nothing.
Imported and new questions start as drafts: they reach other schools only after review (``services.review``).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from schools.models import OrgUnit

from ..interchange.aiken import parse_aiken, write_aiken
from ..interchange.base import LEVEL_TAG, UNIT_TAG, ParsedFile, ParseProblem, QAnswer, QCategory, QItem, UnusableInput
from ..interchange.gift import parse_gift, write_gift
from ..interchange.moodlexml import parse_moodle_xml, write_moodle_xml
from ..models import (
    Answer,
    BlueprintCell,
    CognitiveLevel,
    ContentStatus,
    KnowledgeUnit,
    Question,
    QuestionBank,
    QuestionCategory,
    TestBlueprint,
    Topic,
)

FORMATS = ("moodlexml", "gift", "aiken")
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_CATEGORY_PATH = 500
DEFAULT_CATEGORY = "$course$/Mặc định"
EXTENSIONS = {"moodlexml": "xml", "gift": "gift.txt", "aiken": "txt"}


class QuestionImportError(Exception):
    """The file had questions that cannot be stored: nothing was written. ``problems`` lists them all."""

    def __init__(self, problems: list[ParseProblem]):
        super().__init__(_("%(n)d câu hỏi có lỗi; chưa ghi câu nào.") % {"n": len(problems)})
        self.problems = problems


@dataclass
class ImportSummary:
    created: int = 0
    duplicates: int = 0
    categories: int = 0
    question_ids: list[int] = field(default_factory=list)


def parse_questions(*, data: bytes, fmt: str) -> ParsedFile:
    """Parses a file in one of FORMATS; UnusableInput when the file as a whole cannot be read."""
    if fmt == "moodlexml":
        return parse_moodle_xml(data)
    if fmt == "gift":
        return parse_gift(data)
    if fmt == "aiken":
        return parse_aiken(data)
    raise UnusableInput(_("Định dạng không hỗ trợ: %(f)s (dùng moodlexml, gift hoặc aiken).") % {"f": fmt})


def get_or_create_bank(*, name: str | None, org_unit: OrgUnit) -> QuestionBank:
    """The bank of that name (the default bank when no name is given), created on ``org_unit`` if missing."""
    bank, _created = QuestionBank.objects.get_or_create(
        name=(name or QuestionBank.DEFAULT_NAME).strip(), defaults={"org_unit": org_unit}
    )
    return bank


def fingerprint(item: QItem) -> str:
    payload = json.dumps(item.comparable(), default=str, ensure_ascii=False, sort_keys=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _split_tags(item: QItem, units: dict[str, KnowledgeUnit]) -> tuple[str, list[KnowledgeUnit], list[str], str | None]:
    level = ""
    tagged: list[KnowledgeUnit] = []
    other: list[str] = []
    for tag in item.tags:
        if tag.startswith(LEVEL_TAG):
            value = tag[len(LEVEL_TAG) :]
            if value not in CognitiveLevel.values:
                return (
                    "",
                    [],
                    [],
                    _("Mức độ “%(v)s” không hợp lệ (nhan_biet, thong_hieu, van_dung, van_dung_cao).") % {"v": value},
                )
            level = value
        elif tag.startswith(UNIT_TAG):
            code = tag[len(UNIT_TAG) :].strip().upper()
            if code not in units:
                return "", [], [], _("Mã đơn vị kiến thức %(c)s không có trong danh mục.") % {"c": code}
            tagged.append(units[code])
        else:
            other.append(tag)
    return level, tagged, other, None


@transaction.atomic
def import_parsed_questions(*, bank: QuestionBank, parsed: ParsedFile, by: Any = None) -> ImportSummary:
    """Stores every question of a parsed file in ``bank`` (categories created as needed), or nothing at all."""
    problems = list(parsed.problems)
    codes = {t[len(UNIT_TAG) :].strip().upper() for q in parsed.questions for t in q.tags if t.startswith(UNIT_TAG)}
    units = {u.code: u for u in KnowledgeUnit.objects.filter(code__in=codes)}
    prepared = []
    for item in parsed.questions:
        level, tagged, other, problem = _split_tags(item, units)
        if len(item.category) > MAX_CATEGORY_PATH:
            problem = _("Đường dẫn danh mục dài quá %(n)d ký tự.") % {"n": MAX_CATEGORY_PATH}
        if problem:
            problems.append(ParseProblem(item.line, problem, item.name))
            continue
        prepared.append((item, level, tagged, other))
    if problems:
        raise QuestionImportError(problems)
    summary = ImportSummary()
    categories: dict[str, QuestionCategory] = {c.path: c for c in QuestionCategory.objects.filter(bank=bank)}
    for described in parsed.categories:
        category = categories.get(described.path)
        if category is None:
            categories[described.path] = QuestionCategory.objects.create(
                bank=bank,
                path=described.path[:MAX_CATEGORY_PATH],
                description=described.description,
                idnumber=described.idnumber[:100],
            )
            summary.categories += 1
        elif described.description and not category.description:
            category.description = described.description
            category.idnumber = described.idnumber[:100] or category.idnumber
            category.save(update_fields=["description", "idnumber"])
    known = set(Question.objects.filter(bank=bank).values_list("fingerprint", flat=True))
    for item, level, tagged, other in prepared:
        path = item.category or DEFAULT_CATEGORY
        category = categories.get(path)
        if category is None:
            category = categories[path] = QuestionCategory.objects.create(bank=bank, path=path)
            summary.categories += 1
        digest = fingerprint(item)
        if digest in known:
            summary.duplicates += 1
            continue
        known.add(digest)
        question = Question.objects.create(
            bank=bank,
            category=category,
            name=item.name[:255],
            qtype=item.qtype,
            text=item.text,
            text_format=item.text_format,
            general_feedback=item.general_feedback,
            default_grade=item.default_grade,
            penalty=item.penalty,
            level=level,
            tags=other,
            fingerprint=digest,
            created_by=by if getattr(by, "pk", None) and not getattr(by, "is_api_token", False) else None,
        )
        Answer.objects.bulk_create(
            Answer(
                question=question,
                position=position,
                text=answer.text,
                fraction=answer.fraction,
                feedback=answer.feedback,
                tolerance=answer.tolerance,
                match=answer.match,
            )
            for position, answer in enumerate(item.answers)
        )
        if tagged:
            question.knowledge_units.set(tagged)
        summary.created += 1
        summary.question_ids.append(question.pk)
    return summary


def import_questions_file(*, data: bytes, fmt: str, bank: QuestionBank, by: Any = None) -> ImportSummary:
    """Parses and imports one file (UnusableInput: unreadable; QuestionImportError: nothing written)."""
    return import_parsed_questions(bank=bank, parsed=parse_questions(data=data, fmt=fmt), by=by)


def question_item(question: Question) -> QItem:
    """The neutral form of a stored question (its level and knowledge units as tags)."""
    tags = list(question.tags)
    if question.level:
        tags.append(LEVEL_TAG + question.level)
    tags += [UNIT_TAG + unit.code for unit in question.knowledge_units.all()]
    return QItem(
        qtype=question.qtype,
        name=question.name,
        text=question.text,
        text_format=question.text_format,
        general_feedback=question.general_feedback,
        default_grade=question.default_grade,
        penalty=question.penalty,
        category=question.category.path,
        tags=tags,
        answers=[
            QAnswer(
                text=a.text,
                fraction=a.fraction,
                feedback=a.feedback,
                tolerance=a.tolerance if question.qtype == "numerical" else None,
                match=a.match,
            )
            for a in question.answers.all()
        ],
    )


@dataclass
class ExportResult:
    content: bytes
    exported: int
    skipped: int  # questions the format cannot carry (Aiken: anything but single choice)
    filename: str


def export_questions(*, questions: Sequence[Question], fmt: str, bank_name: str = "") -> ExportResult:
    """Writes questions in one of FORMATS, grouped by category in the order given."""
    ordered = sorted(questions, key=lambda q: (q.category.path, q.pk))
    items = [question_item(q) for q in ordered]
    skipped = 0
    if fmt == "moodlexml":
        paths = {q.category_id: q.category for q in ordered}
        categories = [QCategory(c.path, c.description, c.idnumber) for c in paths.values()]
        content = write_moodle_xml(categories=categories, questions=items)
    elif fmt == "gift":
        content = write_gift(questions=items)
    elif fmt == "aiken":
        content, skipped = write_aiken(questions=items)
    else:
        raise UnusableInput(_("Định dạng không hỗ trợ: %(f)s (dùng moodlexml, gift hoặc aiken).") % {"f": fmt})
    slug = "".join(ch if ch.isalnum() else "-" for ch in (bank_name or "cau-hoi")).strip("-")[:40] or "cau-hoi"
    return ExportResult(content, len(items) - skipped, skipped, f"{slug}.{EXTENSIONS[fmt]}")


# ------------------------------------------------------------------------------------------------ test blueprints


class BlueprintError(Exception):
    """The bank cannot fill the blueprint; ``shortages`` names the cells."""

    def __init__(self, shortages: list[str]):
        super().__init__(_("Ngân hàng chưa đủ câu hỏi đã duyệt: %(list)s.") % {"list": "; ".join(shortages)})
        self.shortages = shortages


@transaction.atomic
def create_blueprint(
    *,
    name: str,
    bank: QuestionBank,
    org_unit: OrgUnit,
    cells: Sequence[tuple[Topic, str, int]],
    duration_minutes: int = 45,
    by: Any = None,
) -> TestBlueprint:
    """A blueprint with its (topic, level, count) cells; a topic × level appears once."""
    blueprint = TestBlueprint.objects.create(
        name=name, bank=bank, org_unit=org_unit, duration_minutes=duration_minutes, created_by=by
    )
    BlueprintCell.objects.bulk_create(
        BlueprintCell(blueprint=blueprint, topic=topic, level=level, count=count) for topic, level, count in cells
    )
    return blueprint


@dataclass
class FormQuestion:
    number: int
    question: Question
    answers: list[Answer]  # in the order printed (shuffled for choice questions)
    key: str  # the answer key as printed ("B", "A, C", "Đúng", "3,14 ± 0,01", …)


@dataclass
class TestForm:
    blueprint: TestBlueprint
    seed: int
    questions: list[FormQuestion]


def _key(question: Question, answers: list[Answer]) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if question.qtype in ("single_choice", "multiple_choice"):
        return ", ".join(letters[i] for i, a in enumerate(answers) if a.fraction > 0)
    if question.qtype == "true_false":
        true = next((a for a in answers if a.text == "true"), None)
        return _("Đúng") if true is not None and true.fraction > 0 else _("Sai")
    if question.qtype == "numerical":
        return "; ".join(
            f"{a.text} ± {(a.tolerance or Decimal(0)).normalize():f}" for a in answers if a.fraction == 100
        )
    if question.qtype == "short_answer":
        return " / ".join(a.text for a in answers if a.fraction == 100)
    if question.qtype == "matching":
        return "; ".join(f"{a.text} → {a.match}" for a in answers if a.text)
    return _("(tự luận – chấm theo hướng dẫn)")


def generate_test_form(*, blueprint: TestBlueprint, seed: int) -> TestForm:
    """Draws a test form from the bank's published questions, cell by cell; the same seed gives the same form."""
    rng = random.Random(f"{blueprint.pk}:{seed}")
    picked: list[Question] = []
    shortages: list[str] = []
    published = Question.objects.filter(bank=blueprint.bank, status=ContentStatus.PUBLISHED)
    for cell in blueprint.cells.select_related("topic").order_by("topic__code", "level"):
        candidates = list(
            published.filter(level=cell.level, knowledge_units__topic=cell.topic)
            .exclude(pk__in=[q.pk for q in picked])
            .distinct()
            .order_by("pk")
        )
        if len(candidates) < cell.count:
            shortages.append(
                _("%(topic)s – %(level)s: cần %(need)d, có %(have)d")
                % {
                    "topic": cell.topic.name,
                    "level": CognitiveLevel(cell.level).label,
                    "need": cell.count,
                    "have": len(candidates),
                }
            )
            continue
        picked += rng.sample(candidates, cell.count)
    if shortages:
        raise BlueprintError(shortages)
    form_questions = []
    for number, question in enumerate(picked, start=1):
        answers = list(question.answers.order_by("position"))
        if question.qtype in ("single_choice", "multiple_choice"):
            rng.shuffle(answers)
        form_questions.append(FormQuestion(number, question, answers, _key(question, answers)))
    return TestForm(blueprint=blueprint, seed=seed, questions=form_questions)
