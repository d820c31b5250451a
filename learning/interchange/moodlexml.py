"""Moodle XML (question/format/xml in Moodle): read with defusedxml, written the way Moodle writes it.

A DOCTYPE is refused outright (``forbid_dtd``): Moodle never writes one, and it is how entity expansion
("billion laughs") and external entities (XXE) get in.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError, SubElement, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
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

MAX_BYTES = 50 * 1024 * 1024
TYPES_IN = {
    "truefalse": TRUE_FALSE,
    "shortanswer": SHORT_ANSWER,
    "numerical": NUMERICAL,
    "matching": MATCHING,
    "essay": ESSAY,
}
TYPES_OUT = {
    SINGLE_CHOICE: "multichoice",
    MULTIPLE_CHOICE: "multichoice",
    TRUE_FALSE: "truefalse",
    SHORT_ANSWER: "shortanswer",
    NUMERICAL: "numerical",
    MATCHING: "matching",
    ESSAY: "essay",
}
FORMATS = {"html", "moodle_auto_format", "plain_text", "markdown"}


def _text(element: Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "") if found is not None else ""


def _decimal(value: str | None, default: Decimal) -> Decimal:
    if value is None or not value.strip():
        return default
    try:
        number = Decimal(value.strip())
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def _format(element: Element | None) -> str:
    value = element.get("format", "html") if element is not None else "html"
    return value if value in FORMATS else "html"


def parse_moodle_xml(data: bytes) -> ParsedFile:
    """Reads a Moodle XML quiz file; raises UnusableInput for hostile or broken XML."""
    if len(data) > MAX_BYTES:
        raise UnusableInput(_("Tệp quá lớn (giới hạn %(n)d MB).") % {"n": MAX_BYTES // 1048576})
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnusableInput(
            _(
                "Tệp XML có khai báo DOCTYPE hoặc thực thể (entity): bị từ chối vì có thể là tấn công "
                "(billion laughs, XXE). Tệp Moodle XML thật không có các khai báo này; hãy xuất lại từ Moodle."
            )
        ) from exc
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        raise UnusableInput(
            _("Tệp XML bị lỗi cú pháp ở dòng %(line)d; hãy kiểm tra lại hoặc xuất lại từ Moodle.") % {"line": line}
        ) from exc
    if root.tag != "quiz":
        raise UnusableInput(_("Không phải tệp Moodle XML: thẻ gốc phải là <quiz>."))
    parsed = ParsedFile()
    category = ""
    for index, node in enumerate(root.findall("question"), start=1):
        qtype = node.get("type", "")
        if qtype == "category":
            category = _text(node.find("category")).strip()
            parsed.categories.append(
                QCategory(
                    path=category, description=_text(node.find("info")), idnumber=(node.findtext("idnumber") or "")
                )
            )
            continue
        name = _text(node.find("name")).strip()
        try:
            item = _read_question(node, qtype, name, category)
        except ValueError as exc:
            parsed.problems.append(
                ParseProblem(
                    0, _("Câu hỏi thứ %(i)d có giá trị số không hợp lệ: %(v)s.") % {"i": index, "v": exc}, name
                )
            )
            continue
        if item is None:
            parsed.problems.append(
                ParseProblem(0, _("Câu hỏi thứ %(i)d có dạng “%(t)s” chưa hỗ trợ.") % {"i": index, "t": qtype}, name)
            )
            continue
        problem = check_item(item)
        if problem:
            parsed.problems.append(ParseProblem(0, problem, name))
            continue
        parsed.questions.append(item)
    return parsed


def _read_question(node: Element, qtype: str, name: str, category: str) -> QItem | None:
    if qtype == "multichoice":
        single = (node.findtext("single") or "true").strip().lower() in ("true", "1")
        kind = SINGLE_CHOICE if single else MULTIPLE_CHOICE
    elif qtype in TYPES_IN:
        kind = TYPES_IN[qtype]
    else:
        return None
    question_text = node.find("questiontext")
    item = QItem(
        qtype=kind,
        name=name,
        text=_text(question_text),
        text_format=_format(question_text),
        general_feedback=_text(node.find("generalfeedback")),
        default_grade=_decimal(node.findtext("defaultgrade"), Decimal(1)),
        penalty=_decimal(node.findtext("penalty"), Decimal(0)),
        category=category,
        tags=[t.strip() for t in (tag.findtext("text") or "" for tag in node.findall("tags/tag")) if t.strip()],
    )
    if kind == MATCHING:
        for sub in node.findall("subquestion"):
            item.answers.append(QAnswer(text=_text(sub), match=_text(sub.find("answer")), fraction=Decimal(0)))
        return item
    for answer in node.findall("answer"):
        tolerance = answer.findtext("tolerance")
        item.answers.append(
            QAnswer(
                text=_text(answer),
                fraction=_decimal(answer.get("fraction"), Decimal(0)),
                feedback=_text(answer.find("feedback")),
                tolerance=_decimal(tolerance, Decimal(0)) if kind == NUMERICAL else None,
            )
        )
    if kind == TRUE_FALSE:
        # Stored as [true, false] whatever the file's order.
        item.answers.sort(key=lambda a: a.text.strip().lower() != "true")
        for answer in item.answers:
            answer.text = answer.text.strip().lower()
    return item


# ------------------------------------------------------------------------------------------------------------ write


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _text_node(parent: Element, tag: str, value: str, fmt: str | None = None) -> Element:
    node = SubElement(parent, tag)
    if fmt is not None:
        node.set("format", fmt)
    SubElement(node, "text").text = value
    return node


def write_moodle_xml(*, categories: list[QCategory], questions: list[QItem]) -> bytes:
    """A Moodle XML quiz: a category record before each category's questions, then the questions."""
    root = Element("quiz")
    described = {c.path: c for c in categories}
    current = None
    for item in questions:
        if item.category != current:
            current = item.category
            info = described.get(current, QCategory(path=current))
            node = SubElement(root, "question", type="category")
            _text_node(node, "category", current)
            _text_node(node, "info", info.description, "html")
            SubElement(node, "idnumber").text = info.idnumber
        root.append(_question_element(item))
    indent(root)
    body = tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _question_element(item: QItem) -> Element:
    node = Element("question", type=TYPES_OUT[item.qtype])
    _text_node(node, "name", item.name)
    _text_node(node, "questiontext", item.text, item.text_format)
    _text_node(node, "generalfeedback", item.general_feedback, item.text_format)
    SubElement(node, "defaultgrade").text = _number(item.default_grade)
    SubElement(node, "penalty").text = _number(item.penalty)
    SubElement(node, "hidden").text = "0"
    SubElement(node, "idnumber").text = ""
    if item.qtype in (SINGLE_CHOICE, MULTIPLE_CHOICE):
        SubElement(node, "single").text = "true" if item.qtype == SINGLE_CHOICE else "false"
        SubElement(node, "shuffleanswers").text = "true"
        SubElement(node, "answernumbering").text = "abc"
    elif item.qtype == SHORT_ANSWER:
        SubElement(node, "usecase").text = "0"
    elif item.qtype == MATCHING:
        SubElement(node, "shuffleanswers").text = "true"
    elif item.qtype == ESSAY:
        for tag, value in (
            ("responseformat", "editor"),
            ("responserequired", "1"),
            ("responsefieldlines", "15"),
            ("attachments", "0"),
            ("attachmentsrequired", "0"),
        ):
            SubElement(node, tag).text = value
        _text_node(node, "graderinfo", "", "html")
        _text_node(node, "responsetemplate", "", "html")
    if item.qtype == MATCHING:
        for answer in item.answers:
            sub = _text_node(node, "subquestion", answer.text, item.text_format)
            _text_node(sub, "answer", answer.match)
    else:
        for answer in item.answers:
            element = SubElement(
                node,
                "answer",
                fraction=_number(answer.fraction),
                format="moodle_auto_format" if item.qtype in (TRUE_FALSE, NUMERICAL) else item.text_format,
            )
            SubElement(element, "text").text = answer.text
            _text_node(element, "feedback", answer.feedback, item.text_format)
            if item.qtype == NUMERICAL:
                SubElement(element, "tolerance").text = _number(answer.tolerance or Decimal(0))
    if item.tags:
        tags = SubElement(node, "tags")
        for tag in item.tags:
            _text_node(tags, "tag", tag)
    return node
