"""GIFT (Moodle's question/format/gift): a parser that reports each syntax error with its line, and a writer.

The grammar, as Moodle reads it: questions are separated by blank lines; a line starting with ``//`` is a comment
(``// [tag:x]`` in a comment tags the next question); ``$CATEGORY: path`` switches the category;
``::title::`` names a question; ``[html]`` / ``[moodle]`` / ``[plain]`` / ``[markdown]`` sets the text format;
``{…}`` holds the answers: ``{}`` essay, ``{T}``/``{FALSE#wrong#right}`` true/false, ``{#…}`` numerical
(``3.14:0.01``, ``1..5``, or ``=%50%3:1#feedback`` lists), ``=a -> b`` matching, ``~``/``=`` choices (multiple
answers when no ``=`` and weights ``~%50%``), only ``=`` answers short answer; ``#`` starts an answer's feedback
and ``####`` the general feedback. ``\\ \\~ \\= \\# \\{ \\} \\:`` escape the special characters, ``\\n`` is a
new line.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .base import (
    ESSAY,
    MATCHING,
    MULTIPLE_CHOICE,
    NUMERICAL,
    SHORT_ANSWER,
    SINGLE_CHOICE,
    TRUE_FALSE,
    ParsedFile,
    ParseProblem,
    QAnswer,
    QCategory,
    QItem,
    UnusableInput,
    check_item,
)

MAX_BYTES = 20 * 1024 * 1024

# Escaped characters are swapped for private-use placeholders while the structure is parsed, then restored.
ESCAPES = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004", "}": "\ue005", ":": "\ue006"}
NEWLINE_MARK = "\ue007"
RESTORE = {mark: char for char, mark in ESCAPES.items()} | {NEWLINE_MARK: "\n"}
RESTORE_TABLE = str.maketrans(RESTORE)
FORMATS_IN = {"html": "html", "moodle": "moodle_auto_format", "plain": "plain_text", "markdown": "markdown"}
FORMATS_OUT = {value: key for key, value in FORMATS_IN.items()}
TAG = re.compile(r"\[tag:([^\]]+)\]")
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


class GiftSyntaxError(Exception):
    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset = offset  # character offset in the block, to find the line
        self.message = message


def _protect(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            following = text[i + 1]
            if following in ESCAPES:
                out.append(ESCAPES[following])
                i += 2
                continue
            if following == "n":
                out.append(NEWLINE_MARK)
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _restore(text: str) -> str:
    return text.translate(RESTORE_TABLE)


def _blocks(text: str) -> list[tuple[int, str, list[str]]]:
    """(first line number, block text, tags from the comments above it) for each blank-line-separated block."""
    blocks: list[tuple[int, str, list[str]]] = []
    current: list[str] = []
    start = 0
    tags: list[str] = []
    pending_tags: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            pending_tags += [t.strip() for t in TAG.findall(stripped) if t.strip()]
            continue
        if not stripped:
            if current:
                blocks.append((start, "\n".join(current), tags))
                current, tags = [], []
            continue
        if not current:
            start, tags, pending_tags = number, pending_tags, []
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current), tags))
    return blocks


def parse_gift(data: bytes) -> ParsedFile:
    """Reads a GIFT file: every question it can, and a problem with the line number for each one it cannot."""
    if len(data) > MAX_BYTES:
        raise UnusableInput(_("Tệp quá lớn (giới hạn %(n)d MB).") % {"n": MAX_BYTES // 1048576})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnusableInput(_("Tệp GIFT phải được lưu với bảng mã UTF-8.")) from exc
    if "\x00" in text:
        raise UnusableInput(_("Tệp không phải văn bản GIFT (có thể là tệp khác bị đổi đuôi)."))
    parsed = ParsedFile()
    category = ""
    for start, block, tags in _blocks(text.replace("\r\n", "\n").replace("\r", "\n")):
        head = block.lstrip()
        if head.startswith("$CATEGORY:"):
            category = head[len("$CATEGORY:") :].strip()
            parsed.categories.append(QCategory(path=category))
            continue
        protected = _protect(block)
        try:
            item = _parse_question(protected)
        except GiftSyntaxError as error:
            line = start + protected[: error.offset].count("\n")
            parsed.problems.append(ParseProblem(line, error.message, _title_of(protected)))
            continue
        item.category, item.tags, item.line = category, tags, start
        problem = check_item(item)
        if problem:
            parsed.problems.append(ParseProblem(start, problem, item.name))
            continue
        parsed.questions.append(item)
    return parsed


def _title_of(protected: str) -> str:
    match = re.match(r"\s*::(.*?)::", protected, re.S)
    return _restore(match.group(1)).strip() if match else ""


def _parse_question(text: str) -> QItem:
    position = len(text) - len(text.lstrip())
    name = ""
    if text.startswith("::", position):
        end = text.find("::", position + 2)
        if end < 0:
            raise GiftSyntaxError(position, _("Thiếu dấu :: đóng tên câu hỏi."))
        name = _restore(text[position + 2 : end]).strip()
        position = end + 2
    rest = text[position:]
    stripped = rest.lstrip()
    position += len(rest) - len(stripped)
    text_format = "moodle_auto_format"
    if stripped.startswith("["):
        close = stripped.find("]")
        if close < 0:
            raise GiftSyntaxError(position, _("Thiếu dấu ] đóng định dạng văn bản."))
        word = stripped[1:close].strip().lower()
        if word not in FORMATS_IN:
            raise GiftSyntaxError(
                position,
                _("Định dạng [%(f)s] không hợp lệ; dùng [html], [moodle], [plain] hoặc [markdown].") % {"f": word},
            )
        text_format = FORMATS_IN[word]
        position += close + 1
    opening = text.find("{", position)
    if opening < 0:
        raise GiftSyntaxError(position, _("Thiếu phần đáp án trong ngoặc nhọn {…}."))
    closing = text.find("}", opening)
    if closing < 0:
        raise GiftSyntaxError(opening, _("Thiếu dấu } đóng phần đáp án."))
    if text.find("{", opening + 1, closing) >= 0:
        raise GiftSyntaxError(text.find("{", opening + 1), _("Dấu { mở phần đáp án khi phần trước chưa đóng."))
    if text.find("{", closing + 1) >= 0 or text.find("}", closing + 1) >= 0:
        raise GiftSyntaxError(
            closing + 1, _("Mỗi câu hỏi chỉ có một phần đáp án {…}; hãy thêm dòng trống giữa hai câu.")
        )
    before = text[position:opening].strip()
    after = text[closing + 1 :].strip()
    question_text = _restore(before + ("_____ " + after if after else "")).strip()
    if not name:
        plain = re.sub(r"<[^>]+>", " ", question_text)
        name = re.sub(r"\s+", " ", plain).strip()[:60]
    item = QItem(qtype=ESSAY, name=name, text=question_text, text_format=text_format)
    _parse_answers(item, text[opening + 1 : closing], opening + 1)
    return item


def _split_feedback(text: str) -> tuple[str, str]:
    value, _sep, feedback = text.partition("#")
    return _restore(value).strip(), _restore(feedback).strip()


def _number(raw: str, offset: int) -> Decimal:
    try:
        value = Decimal(_restore(raw).strip())
    except InvalidOperation as exc:
        raise GiftSyntaxError(offset, _("“%(v)s” không phải là số.") % {"v": _restore(raw).strip()}) from exc
    if not value.is_finite():
        raise GiftSyntaxError(offset, _("“%(v)s” không phải là số.") % {"v": _restore(raw).strip()})
    return value


def _weight(text: str, default: Decimal, offset: int) -> tuple[Decimal, str]:
    match = WEIGHT.match(text)
    if not match:
        if text.startswith("%"):
            raise GiftSyntaxError(offset, _("Tỷ lệ điểm phải viết dạng %50% (số giữa hai dấu %)."))
        return default, text
    weight = Decimal(match.group(1))
    if abs(weight) > 100:
        raise GiftSyntaxError(offset, _("Tỷ lệ điểm %(w)s%% vượt quá 100%%.") % {"w": match.group(1)})
    return weight, text[match.end() :]


def _pieces(body: str, markers: str, base: int) -> list[tuple[str, str, int]]:
    """Splits the answer block at each marker character: (marker, text after it, offset)."""
    pieces: list[tuple[str, str, int]] = []
    indexes = [i for i, ch in enumerate(body) if ch in markers]
    if not indexes or body[: indexes[0]].strip():
        raise GiftSyntaxError(base, _("Mỗi đáp án phải bắt đầu bằng dấu = (đúng) hoặc ~ (sai)."))
    for n, index in enumerate(indexes):
        end = indexes[n + 1] if n + 1 < len(indexes) else len(body)
        pieces.append((body[index], body[index + 1 : end], base + index))
    return pieces


def _is_matching(content: str) -> bool:
    """The first "=" piece holds "->" before any "#" (pairs carry no feedback; a short answer's feedback may)."""
    pieces = content.split("=")[1:]
    return bool(pieces) and "->" in pieces[0].partition("#")[0]


def _parse_answers(item: QItem, body: str, base: int) -> None:
    if "####" in body:
        body, _sep, general = body.partition("####")
        item.general_feedback = _restore(general).strip()
    content = body.strip()
    if not content:
        item.qtype = ESSAY
        return
    lead = body.find(content[0])
    if content.startswith("#"):
        item.qtype = NUMERICAL
        _numerical(item, content[1:], base + lead + 1)
        return
    if "~" in content:
        item.qtype = MULTIPLE_CHOICE if "=" not in content else SINGLE_CHOICE
        for marker, piece, offset in _pieces(content, "=~", base + lead):
            weight, rest = _weight(piece.strip(), Decimal(100) if marker == "=" else Decimal(0), offset)
            answer, feedback = _split_feedback(rest)
            item.answers.append(QAnswer(text=answer, fraction=weight, feedback=feedback))
        return
    if "=" in content and _is_matching(content):
        item.qtype = MATCHING
        for _marker, piece, offset in _pieces(content, "=", base + lead):
            if "->" not in piece:
                raise GiftSyntaxError(offset, _("Câu ghép đôi: mỗi cặp viết dạng =vế trái -> vế phải."))
            left, _arrow, right = piece.partition("->")
            item.answers.append(QAnswer(text=_restore(left).strip(), match=_restore(right).strip()))
        return
    word, _sep, feedbacks = content.partition("#")
    if word.strip().upper() in ("T", "TRUE", "F", "FALSE"):
        item.qtype = TRUE_FALSE
        correct = word.strip().upper() in ("T", "TRUE")
        wrong, _sep, right = feedbacks.partition("#")
        wrong, right = _restore(wrong).strip(), _restore(right).strip()
        item.answers = [
            QAnswer(text="true", fraction=Decimal(100 if correct else 0), feedback=right if correct else wrong),
            QAnswer(text="false", fraction=Decimal(0 if correct else 100), feedback=wrong if correct else right),
        ]
        return
    item.qtype = SHORT_ANSWER
    for _marker, piece, offset in _pieces(content, "=", base + lead):
        weight, rest = _weight(piece.strip(), Decimal(100), offset)
        answer, feedback = _split_feedback(rest)
        item.answers.append(QAnswer(text=answer, fraction=weight, feedback=feedback))


def _numeric_value(raw: str, offset: int) -> tuple[str, Decimal]:
    value = _restore(raw).strip()
    if ".." in value:
        low_raw, _dots, high_raw = value.partition("..")
        low, high = _number(low_raw, offset), _number(high_raw, offset)
        if low > high:
            raise GiftSyntaxError(offset, _("Khoảng số %(v)s: số đầu phải nhỏ hơn số sau.") % {"v": value})
        middle = (low + high) / 2
        return format(middle.normalize(), "f"), (high - low) / 2
    number_raw, colon, tolerance_raw = raw.partition(":")
    _number(number_raw, offset)
    tolerance = _number(tolerance_raw, offset) if colon else Decimal(0)
    if tolerance < 0:
        raise GiftSyntaxError(offset, _("Sai số cho phép không được âm."))
    return _restore(number_raw).strip(), tolerance


def _numerical(item: QItem, body: str, base: int) -> None:
    content = body.strip()
    if not content:
        raise GiftSyntaxError(base, _("Câu trả lời số thiếu giá trị sau dấu #."))
    pieces = _pieces(content, "=", base + body.find(content[0])) if "=" in content else [("=", content, base)]
    for _marker, piece, offset in pieces:
        weight, rest = _weight(piece.strip(), Decimal(100), offset)
        raw, _sep, feedback = rest.partition("#")
        value, tolerance = _numeric_value(raw, offset)
        item.answers.append(
            QAnswer(text=value, fraction=weight, feedback=_restore(feedback).strip(), tolerance=tolerance)
        )


# ------------------------------------------------------------------------------------------------------------ write

WRITE_ESCAPES = str.maketrans(
    {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:", "\n": "\\n", "\r": ""}
)


def escape(text: str) -> str:
    return text.translate(WRITE_ESCAPES)


def _pct(value: Decimal) -> str:
    return "%" + format(value.normalize(), "f") + "%"


def _with_feedback(text: str, feedback: str) -> str:
    return escape(text) + ("#" + escape(feedback) if feedback else "")


def _choice(marker: str, weight: str, text: str, feedback: str) -> str:
    """An answer; a text that itself starts with "%" gets an explicit weight so it is not read as one."""
    if not weight and text.lstrip().startswith("%"):
        weight = "%100%" if marker == "=" else "%0%"
    return marker + weight + _with_feedback(text, feedback)


def _answer_block(item: QItem) -> str:
    parts: list[str] = []
    if item.qtype == ESSAY:
        parts = []
    elif item.qtype == TRUE_FALSE:
        true, false = item.answers
        correct_is_true = true.fraction > 0
        right, wrong = (true.feedback, false.feedback) if correct_is_true else (false.feedback, true.feedback)
        word = "TRUE" if correct_is_true else "FALSE"
        if right:
            word += "#" + escape(wrong) + "#" + escape(right)
        elif wrong:
            word += "#" + escape(wrong)
        parts = [word]
    elif item.qtype == NUMERICAL:
        answers = [
            "="
            + _pct(a.fraction)
            + escape(a.text)
            + ":"
            + format((a.tolerance or Decimal(0)).normalize(), "f")
            + ("#" + escape(a.feedback) if a.feedback else "")
            for a in item.answers
        ]
        parts = ["#" + " ".join(answers)]
    elif item.qtype == MATCHING:
        parts = ["=" + escape(a.text) + " -> " + escape(a.match) for a in item.answers]
    elif item.qtype == SHORT_ANSWER:
        parts = ["=" + _pct(a.fraction) + _with_feedback(a.text, a.feedback) for a in item.answers]
    elif item.qtype == SINGLE_CHOICE:
        parts = [
            _choice("=", "", a.text, a.feedback)
            if a.fraction == 100
            else _choice("~", _pct(a.fraction) if a.fraction else "", a.text, a.feedback)
            for a in item.answers
        ]
    else:  # multiple choice: weights only, never "=", so that it reads back as multiple answers
        parts = ["~" + _pct(a.fraction) + _with_feedback(a.text, a.feedback) for a in item.answers]
    if item.general_feedback:
        parts.append("####" + escape(item.general_feedback))
    if not parts:
        return "{}"
    return "{\n\t" + "\n\t".join(parts) + "\n}"


def write_gift(*, questions: list[QItem]) -> bytes:
    """A GIFT file: a $CATEGORY line whenever the category changes, tags as comments, every text escaped."""
    out: list[str] = []
    current = None
    for item in questions:
        if item.category != current:
            current = item.category
            out.append(f"// category: {current}\n$CATEGORY: {current}\n")
        head = "".join(f"[tag:{tag}]" for tag in item.tags)
        comment = f"// {head}\n" if head else ""
        fmt = FORMATS_OUT.get(item.text_format, "html")
        out.append(f"{comment}::{escape(item.name)}::[{fmt}]{escape(item.text)}{_answer_block(item)}\n")
    return "\n".join(out).encode("utf-8")
