"""Aiken (Moodle's question/format/aiken): single-answer multiple choice in plain text.

    Thủ đô của Việt Nam là thành phố nào?
    A. Hà Nội
    B) Huế
    ANSWER: A

Only single-choice questions can be written; the others are skipped by the writer and counted.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from .base import SINGLE_CHOICE, ParsedFile, ParseProblem, QAnswer, QItem, UnusableInput, check_item

OPTION = re.compile(r"^([A-Z])[.)]\s+(.*)$")
ANSWER = re.compile(r"^ANSWER\s*:\s*([A-Z])\s*$", re.I)
MAX_BYTES = 10 * 1024 * 1024


def name_of(text: str) -> str:
    plain = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", plain).strip()[:60]


def parse_aiken(data: bytes) -> ParsedFile:
    if len(data) > MAX_BYTES:
        raise UnusableInput(_("Tệp quá lớn (giới hạn %(n)d MB).") % {"n": MAX_BYTES // 1048576})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnusableInput(_("Tệp Aiken phải được lưu với bảng mã UTF-8.")) from exc
    if "\x00" in text:
        raise UnusableInput(_("Tệp không phải văn bản Aiken (có thể là tệp khác bị đổi đuôi)."))
    parsed = ParsedFile()
    stem: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = ANSWER.match(line)
        option = OPTION.match(line)
        if answer:
            letters = [letter for letter, _text in options]
            if not stem:
                parsed.problems.append(ParseProblem(number, _("Dòng ANSWER không thuộc câu hỏi nào.")))
            elif len(options) < 2:
                parsed.problems.append(ParseProblem(start, _("Câu hỏi cần ít nhất 2 phương án A., B., …")))
            elif answer.group(1).upper() not in letters:
                parsed.problems.append(
                    ParseProblem(number, _("Đáp án %(l)s không có trong các phương án.") % {"l": answer.group(1)})
                )
            else:
                correct = answer.group(1).upper()
                body = " ".join(stem)
                item = QItem(
                    qtype=SINGLE_CHOICE,
                    name=name_of(body),
                    text=body,
                    text_format="moodle_auto_format",
                    answers=[
                        QAnswer(text=t, fraction=Decimal(100 if letter == correct else 0)) for letter, t in options
                    ],
                    line=start,
                )
                problem = check_item(item)
                if problem:
                    parsed.problems.append(ParseProblem(start, problem, item.name))
                else:
                    parsed.questions.append(item)
            stem, options = [], []
            continue
        if option and stem:
            options.append((option.group(1), option.group(2).strip()))
            continue
        if options:
            parsed.problems.append(
                ParseProblem(
                    number, _("Thiếu dòng “ANSWER: X” sau các phương án của câu hỏi ở dòng %(n)d.") % {"n": start}
                )
            )
            stem, options = [], []
        if not stem:
            start = number
        stem.append(line)
    if stem:
        parsed.problems.append(ParseProblem(start, _("Câu hỏi cuối tệp thiếu phương án hoặc dòng “ANSWER: X”.")))
    return parsed


def aiken_ready(item: QItem) -> bool:
    return (
        item.qtype == SINGLE_CHOICE
        and len(item.answers) <= 26
        and sum(1 for a in item.answers if a.fraction == 100) == 1
        and all(a.fraction in (0, 100) for a in item.answers)
    )


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def write_aiken(*, questions: list[QItem]) -> tuple[bytes, int]:
    """The Aiken text of the single-choice questions, and how many other questions were skipped."""
    out: list[str] = []
    skipped = 0
    for item in questions:
        if not aiken_ready(item):
            skipped += 1
            continue
        lines = [_one_line(item.text)]
        correct = "A"
        for index, answer in enumerate(item.answers):
            letter = chr(ord("A") + index)
            lines.append(f"{letter}. {_one_line(answer.text)}")
            if answer.fraction == 100:
                correct = letter
        lines.append(f"ANSWER: {correct}")
        out.append("\n".join(lines))
    return ("\n\n".join(out) + "\n").encode("utf-8"), skipped
