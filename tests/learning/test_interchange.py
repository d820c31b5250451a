"""The three interchange formats: Moodle's own files import, hostile input is refused, export → import is exact."""

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.interchange.aiken import name_of, parse_aiken, write_aiken
from learning.interchange.base import QAnswer, QCategory, QItem, UnusableInput
from learning.interchange.gift import parse_gift, write_gift
from learning.interchange.moodlexml import parse_moodle_xml, write_moodle_xml
from tests.learning.shared_fixtures import MOODLE

HERE = Path(__file__).parent / "fixtures"


def test_moodle_written_gift_file_reads_all_four_questions():
    parsed = parse_gift((MOODLE / "questions_in_category.gift.txt").read_bytes())
    assert parsed.problems == []
    assert [c.path for c in parsed.categories] == ["$course$/Default for New Features"]
    kinds = {q.name: q.qtype for q in parsed.questions}
    assert kinds == {
        "Moodle activities": "matching",
        "Greeting": "single_choice",
        "Moodle user": "short_answer",
        "Moodle acronym": "true_false",
    }
    greeting = next(q for q in parsed.questions if q.name == "Greeting")
    assert greeting.text.startswith('<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen')
    assert greeting.text_format == "html"
    assert [(a.text, a.fraction, a.feedback) for a in greeting.answers][1] == ("French", 100, "Yes, well done!")
    matching = next(q for q in parsed.questions if q.name == "Moodle activities")
    assert matching.answers[-1].text == "" and matching.answers[-1].match == "Chat"  # a distractor answer


def test_moodle_written_xml_file_reads_category_description_and_question():
    parsed = parse_moodle_xml((MOODLE / "category_with_description.xml").read_bytes())
    assert parsed.problems == []
    (category,) = parsed.categories
    assert (category.path, category.description, category.idnumber) == (
        "$course$/Alpha",
        "This is Alpha category for test",
        "alpha-idnumber",
    )
    (question,) = parsed.questions
    assert question.qtype == "true_false" and question.text == "<p>Testing Alpha Question</p>"
    assert question.category == "$course$/Alpha" and question.answers[0].fraction == 100


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<quiz><question type="essay"><name><text>&lol3;</text></name></question></quiz>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>&xxe;</text></name></question></quiz>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE quiz SYSTEM "http://attacker.example/q.dtd"><quiz/>"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE, EXTERNAL_DTD], ids=["billion-laughs", "xxe", "external-dtd"])
def test_hostile_xml_is_refused_with_a_clear_message(payload):
    with pytest.raises(UnusableInput, match="DOCTYPE"):
        parse_moodle_xml(payload)


def test_broken_or_foreign_xml_is_unusable_with_the_line():
    with pytest.raises(UnusableInput, match="dòng 3"):
        parse_moodle_xml(b"<quiz>\n<question type='essay'>\n<name></question></quiz>")
    with pytest.raises(UnusableInput, match="<quiz>"):
        parse_moodle_xml(b"<html><body/></html>")


def test_unsupported_moodle_type_is_a_problem_not_a_silent_skip():
    parsed = parse_moodle_xml(
        b'<quiz><question type="calculated"><name><text>T\xc3\xadnh</text></name>'
        b"<questiontext><text>x</text></questiontext></question></quiz>"
    )
    assert parsed.questions == [] and "calculated" in parsed.problems[0].message


GIFT_ALL = r"""// Ngân hàng Toán 6
$CATEGORY: $course$/Toán 6/Phân số

// [tag:muc-do:nhan_biet]
::Phân số bằng nhau::[html]Phân số nào bằng <b>1/2</b>?{
  =2/4#Đúng rồi!
  ~2/3#Chưa đúng.
  ~3/4
  ####Nhân cả tử và mẫu với cùng một số.
}

::Chọn nhiều::Những số nào là số nguyên tố?{~%50%2 ~%50%3 ~%-100%4}

::Số pi::Giá trị của số pi (2 chữ số thập phân)?{#3.14:0.005}

::Khoảng::Một số trong khoảng 1 đến 5{#1..5}

::Nhiều đáp án số::Năm Bác Hồ ra đi tìm đường cứu nước?{#=1911:0#Chính xác =%50%1911:2#Gần đúng}

::Ghép đôi::Ghép tỉnh với tỉnh lỵ{=Lào Cai -> Lào Cai =Yên Bái -> Yên Bái =Hà Giang -> Hà Giang}

::Đúng sai::Hà Nội là thủ đô của Việt Nam.{TRUE#Sai rồi#Đúng}

::Sai::1 + 1 \= 3{F}

::Tự luận::Trình bày cách so sánh hai phân số.{}

::Trả lời ngắn::Thủ đô của Pháp\: ?{=Paris =%50%paris#gần đúng}

::Thoát ký tự::Dấu \{ \} \~ \= \# \: và \\ đều được\nxuống dòng.{=đúng \~ \#1 ~sai}
"""


def test_gift_parser_covers_every_question_type_and_escape():
    parsed = parse_gift(GIFT_ALL.encode())
    assert parsed.problems == []
    by_name = {q.name: q for q in parsed.questions}
    first = by_name["Phân số bằng nhau"]
    assert first.category == "$course$/Toán 6/Phân số" and first.tags == ["muc-do:nhan_biet"]
    assert first.general_feedback == "Nhân cả tử và mẫu với cùng một số." and first.text_format == "html"
    assert by_name["Chọn nhiều"].qtype == "multiple_choice"
    assert [a.fraction for a in by_name["Chọn nhiều"].answers] == [50, 50, -100]
    pi = by_name["Số pi"]
    assert (pi.qtype, pi.answers[0].text, pi.answers[0].tolerance) == ("numerical", "3.14", Decimal("0.005"))
    assert (by_name["Khoảng"].answers[0].text, by_name["Khoảng"].answers[0].tolerance) == ("3", 2)
    assert [a.fraction for a in by_name["Nhiều đáp án số"].answers] == [100, 50]
    assert by_name["Ghép đôi"].answers[1].match == "Yên Bái"
    tf = by_name["Đúng sai"]
    assert [(a.text, a.fraction, a.feedback) for a in tf.answers] == [("true", 100, "Đúng"), ("false", 0, "Sai rồi")]
    assert by_name["Sai"].answers[1].fraction == 100 and by_name["Sai"].text == "1 + 1 = 3"
    assert by_name["Tự luận"].qtype == "essay"
    assert by_name["Trả lời ngắn"].text == "Thủ đô của Pháp: ?"
    escaped = by_name["Thoát ký tự"]
    assert escaped.text == "Dấu { } ~ = # : và \\ đều được\nxuống dòng."
    assert escaped.answers[0].text == "đúng ~ #1"


@pytest.mark.parametrize(
    ("source", "line", "fragment"),
    [
        ("::A::Câu một{=x ~y}\n\n::B::Câu hai\n{=x ~y\n\n::C::Ba{=a ~b}", 4, "}"),
        ("::A::Câu một{=x ~y}\n\n// chú thích\n::Thiếu đóng tên câu{=x ~y}", 4, "::"),
        ("\n\n::A::[rtf]Câu{=x ~y}", 3, "[rtf]"),
        ("::A::Câu{#abc}", 1, "không phải là số"),
        ("::A::Câu không có đáp án", 1, "ngoặc nhọn"),
        ("::A::Ghép\n{=a -> b\n=c d}", 3, "ghép đôi"),
        ("::A::Câu{=x ~%200%y}", 1, "100%"),
    ],
)
def test_gift_syntax_errors_name_the_line(source, line, fragment):
    parsed = parse_gift(source.encode())
    assert parsed.problems, parsed.questions
    problem = parsed.problems[0]
    assert problem.line == line and fragment in problem.message, problem


def test_gift_keeps_parsing_after_an_error_and_reports_each():
    parsed = parse_gift(b"::A::x{=a ~b}\n\n::B::y{=a ~b\n\n::C::z{#q}\n\n::D::t{T}")
    assert [q.name for q in parsed.questions] == ["A", "D"]
    assert [p.line for p in parsed.problems] == [3, 5]


def test_gift_refuses_binary_and_non_utf8():
    with pytest.raises(UnusableInput):
        parse_gift(b"%PDF-1.4\x00\x00\x00")
    with pytest.raises(UnusableInput, match="UTF-8"):
        parse_gift(b"C\xe2u h\xf3i{T}")


def test_aiken_reads_options_and_reports_missing_answer_line():
    parsed = parse_aiken(
        (
            "Thủ đô của Việt Nam?\nA. Hà Nội\nB) Huế\nANSWER: A\n\n"
            "Câu lỗi?\nA. x\nB. y\n\nCâu ba?\nA. 1\nB. 2\nANSWER: C\n"
        ).encode()
    )
    assert [q.answers[0].fraction for q in parsed.questions] == [100]
    assert [(p.line, "ANSWER" in p.message or "C" in p.message) for p in parsed.problems] == [(10, True), (13, True)]


# ------------------------------------------------------------------------------------------- round trips (hypothesis)

SAFE = st.characters(
    codec="utf-8",
    exclude_categories=("Cc", "Cs", "Co", "Zl", "Zp", "Cn"),
    include_characters="\n",
)
SPECIAL = st.sampled_from([*list("~=#{}:\\%<>&\"'[]/*-"), "\\n", "->", "đ", "Ữ", "̃", " "])


def clean(value: str) -> str:
    return value.replace("\r", "").strip()


def texts(min_size: int = 1):
    return (
        st.lists(st.one_of(st.text(SAFE, max_size=6), SPECIAL), min_size=1, max_size=8)
        .map(lambda parts: clean("".join(parts)))
        .filter(lambda s: len(s) >= min_size)
    )


def answer_text():
    # GIFT reads "->" as a matching pair and a leading "%" as a weight: choices written by the writer avoid both.
    return texts().filter(lambda s: "->" not in s)


fractions = st.sampled_from([Decimal(0), Decimal(25), Decimal(50), Decimal("33.33333"), Decimal(-50)])


@st.composite
def questions(draw, *, for_gift: bool):
    kind = draw(st.sampled_from(["single", "multiple", "tf", "short", "numerical", "matching", "essay"]))
    name = draw(texts())
    text = draw(texts())
    feedback = draw(st.one_of(st.just(""), texts()))
    fmt = draw(st.sampled_from(["html", "moodle_auto_format", "plain_text", "markdown"]))
    answers: list[QAnswer] = []
    if kind == "single":
        qtype = "single_choice"
        count = draw(st.integers(2, 5))
        right = draw(st.integers(0, count - 1))
        for i in range(count):
            frac = Decimal(100) if i == right else draw(fractions.filter(lambda f: f < 100))
            answers.append(QAnswer(draw(answer_text()), frac, draw(st.one_of(st.just(""), texts()))))
    elif kind == "multiple":
        qtype = "multiple_choice"
        answers = [QAnswer(draw(answer_text()), Decimal(50), draw(st.one_of(st.just(""), texts()))) for _ in range(2)]
        answers.append(QAnswer(draw(answer_text()), Decimal(-100)))
    elif kind == "tf":
        qtype = "true_false"
        correct = draw(st.booleans())
        answers = [
            QAnswer("true", Decimal(100 if correct else 0), draw(st.one_of(st.just(""), texts()))),
            QAnswer("false", Decimal(0 if correct else 100), draw(st.one_of(st.just(""), texts()))),
        ]
    elif kind == "short":
        qtype = "short_answer"
        answers = [QAnswer(draw(answer_text()), Decimal(100), draw(st.one_of(st.just(""), texts())))]
        answers.append(QAnswer(draw(answer_text()), Decimal(50)))
    elif kind == "numerical":
        qtype = "numerical"
        value = draw(st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False))
        tolerance = draw(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
        answers = [
            QAnswer(format(value.normalize(), "f"), Decimal(100), draw(st.one_of(st.just(""), texts())), tolerance)
        ]
    elif kind == "matching":
        qtype = "matching"
        answers = [QAnswer(draw(answer_text()), Decimal(0), "", None, draw(answer_text())) for _ in range(3)]
    else:
        qtype = "essay"
    if for_gift and qtype == "matching":
        pass  # GIFT carries no feedback for pairs, and none is generated
    tags = draw(st.lists(st.sampled_from(["muc-do:van_dung", "dvkt:TOAN-6-C3-01", "hk1"]), unique=True, max_size=2))
    category = draw(st.sampled_from(["$course$/Toán 6", "$course$/Ngữ văn/Đọc hiểu", "top"]))
    return QItem(
        qtype=qtype,
        name=name,
        text=text,
        text_format=fmt,
        general_feedback=feedback,
        default_grade=Decimal(1) if for_gift else draw(st.sampled_from([Decimal(1), Decimal(2), Decimal("0.5")])),
        penalty=Decimal(0) if for_gift else draw(st.sampled_from([Decimal(0), Decimal("0.3333333")])),
        answers=answers,
        category=category,
        tags=tags,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions(for_gift=False), min_size=1, max_size=4))
def test_moodle_xml_round_trip_is_exact(items):
    categories = [QCategory(path=p, description="Mô tả") for p in dict.fromkeys(i.category for i in items)]
    items = sorted(items, key=lambda i: i.category)
    parsed = parse_moodle_xml(write_moodle_xml(categories=categories, questions=items))
    assert parsed.problems == []
    assert [q.comparable() for q in parsed.questions] == [q.comparable() for q in items]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions(for_gift=True), min_size=1, max_size=4))
def test_gift_round_trip_is_exact(items):
    items = sorted(items, key=lambda i: i.category)
    written = write_gift(questions=items)
    parsed = parse_gift(written)
    assert parsed.problems == [], written.decode()
    assert [q.comparable() for q in parsed.questions] == [q.comparable() for q in items], written.decode()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            texts().filter(lambda s: "\n" not in s), st.lists(answer_text(), min_size=2, max_size=5, unique=True)
        ),
        min_size=1,
        max_size=4,
    ),
    st.data(),
)
def test_aiken_round_trip_is_exact(raw, data):
    items = []
    for stem, options in raw:
        stem = " ".join(stem.split())
        options = [" ".join(o.split()) for o in options]
        if stem[:2] in {f"{c}." for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"} or stem.upper().startswith("ANSWER"):
            continue
        right = data.draw(st.integers(0, len(options) - 1))
        answers = [QAnswer(o, Decimal(100 if i == right else 0)) for i, o in enumerate(options)]
        items.append(QItem("single_choice", name_of(stem), stem, "moodle_auto_format", answers=answers))
    content, skipped = write_aiken(questions=items)
    parsed = parse_aiken(content)
    assert skipped == 0 and parsed.problems == []
    assert [q.comparable() for q in parsed.questions] == [q.comparable() for q in items]


GIFT_ALPHABET = st.sampled_from(
    [*list("{}~=#:\\%->[]$/ \n\tabcTF0123456789.áđ"), "::", "//", "####", "$CATEGORY:", "[html]"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(GIFT_ALPHABET, max_size=60).map("".join))
def test_gift_parser_never_crashes_on_arbitrary_text(text):
    parsed = parse_gift(text.encode())
    for problem in parsed.problems:
        assert problem.message and problem.line >= 1
    for item in parsed.questions:
        assert item.qtype in {
            "single_choice",
            "multiple_choice",
            "true_false",
            "short_answer",
            "numerical",
            "matching",
            "essay",
        }


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_xml_and_aiken_parsers_refuse_or_report_never_crash(data):
    for parse in (parse_moodle_xml, parse_aiken, parse_gift):
        try:
            parse(data)
        except UnusableInput as error:
            assert str(error)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<quiz>",
                "</quiz>",
                '<question type="multichoice">',
                '<question type="numerical">',
                "</question>",
                '<answer fraction="x">',
                '<answer fraction="50">',
                "</answer>",
                "<text>",
                "</text>",
                "<tolerance>",
                "</tolerance>",
                "1e999",
                "NaN",
                "abc",
                "<single>",
                "</single>",
                "<subquestion>",
                "</subquestion>",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_moodle_xml_with_odd_values_is_reported_not_crashed(body):
    try:
        parse_moodle_xml(("<quiz>" + body + "</quiz>").encode())
    except UnusableInput as error:
        assert str(error)
