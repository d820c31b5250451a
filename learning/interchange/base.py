"""The neutral form of a question that every format reads into and writes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
TRUE_FALSE = "true_false"
SHORT_ANSWER = "short_answer"
NUMERICAL = "numerical"
MATCHING = "matching"
ESSAY = "essay"

LEVEL_TAG = "muc-do:"  # tag carrying the cognitive level (nhan_biet, thong_hieu, van_dung, van_dung_cao)
UNIT_TAG = "dvkt:"  # tag carrying a knowledge-unit code


class UnusableInput(Exception):
    """The whole file cannot be read (hostile or malformed XML, wrong encoding): one sentence for the person."""


@dataclass
class QAnswer:
    text: str
    fraction: Decimal = Decimal(0)  # percent, -100..100
    feedback: str = ""
    tolerance: Decimal | None = None  # numerical
    match: str = ""  # matching: the answer paired with ``text`` (the subquestion)


@dataclass
class QItem:
    qtype: str
    name: str
    text: str
    text_format: str = "html"
    general_feedback: str = ""
    default_grade: Decimal = Decimal(1)
    penalty: Decimal = Decimal(0)
    answers: list[QAnswer] = field(default_factory=list)
    category: str = ""
    tags: list[str] = field(default_factory=list)
    line: int = 0  # where the question starts in the file (1-based), 0 when unknown

    def comparable(self) -> tuple:
        """What must survive an export → import round trip (not the file position)."""
        return (
            self.qtype,
            self.name,
            self.text,
            self.text_format,
            self.general_feedback,
            self.default_grade.normalize(),
            self.penalty.normalize(),
            tuple(
                (
                    a.text,
                    a.fraction.normalize(),
                    a.feedback,
                    a.tolerance.normalize() if a.tolerance is not None else None,
                    a.match,
                )
                for a in self.answers
            ),
            self.category,
            tuple(sorted(self.tags)),
        )


@dataclass
class QCategory:
    path: str
    description: str = ""
    idnumber: str = ""


@dataclass
class ParseProblem:
    line: int
    message: str
    name: str = ""

    def as_text(self) -> str:
        where = _("Dòng %(n)d") % {"n": self.line} if self.line else _("Câu hỏi")
        name = f" (“{self.name}”)" if self.name else ""
        return f"{where}{name}: {self.message}"


@dataclass
class ParsedFile:
    categories: list[QCategory] = field(default_factory=list)
    questions: list[QItem] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)


def check_item(item: QItem) -> str | None:
    """Why a parsed question cannot be stored (in Vietnamese), or None when it can."""
    if not item.text.strip():
        return _("Thiếu nội dung câu hỏi.")
    positive = [a for a in item.answers if a.fraction > 0]
    if item.qtype in (SINGLE_CHOICE, MULTIPLE_CHOICE):
        if len(item.answers) < 2:
            return _("Câu trắc nghiệm cần ít nhất 2 phương án.")
        if not positive:
            return _("Câu trắc nghiệm chưa có phương án đúng (dấu = hoặc điểm dương).")
    elif item.qtype == TRUE_FALSE:
        if len(item.answers) != 2:
            return _("Câu Đúng/Sai cần đúng 2 đáp án.")
    elif item.qtype in (SHORT_ANSWER, NUMERICAL):
        if not positive:
            return _("Chưa có đáp án đúng.")
    elif item.qtype == MATCHING:
        if sum(1 for a in item.answers if a.text.strip()) < 2:
            return _("Câu ghép đôi cần ít nhất 2 cặp.")
    elif item.qtype != ESSAY:
        return _("Dạng câu hỏi không hỗ trợ: %(t)s.") % {"t": item.qtype}
    if any(abs(a.fraction) > 100 or _places(a.fraction) > 5 for a in item.answers):
        return _("Tỷ lệ điểm của đáp án phải trong khoảng -100% đến 100% (tối đa 5 chữ số thập phân).")
    if not (0 <= item.default_grade <= 1000 and _places(item.default_grade) <= 4):
        return _("Điểm mặc định phải từ 0 đến 1000 (tối đa 4 chữ số thập phân).")
    if not (0 <= item.penalty <= 1 and _places(item.penalty) <= 7):
        return _("Hệ số trừ điểm phải từ 0 đến 1.")
    for answer in item.answers:
        if answer.tolerance is not None and not (0 <= answer.tolerance < 10**9 and _places(answer.tolerance) <= 10):
            return _("Sai số cho phép phải từ 0 đến dưới 1 tỷ (tối đa 10 chữ số thập phân).")
    return None


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
