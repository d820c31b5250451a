from pathlib import Path

import pytest
from django.core.management import call_command

from learning.models import Answer, ContentStatus, Question, QuestionBank, QuestionCategory
from learning.services.questions import (
    QuestionImportError,
    export_questions,
    get_or_create_bank,
    import_questions_file,
)

from .factories import catalogue

pytestmark = pytest.mark.django_db
from tests.learning.shared_fixtures import MOODLE  # noqa: E402

TAGGED_GIFT = """$CATEGORY: $course$/Toán 6/Phân số

// [tag:muc-do:nhan_biet] [tag:dvkt:TOAN-6-C3-02]
::So sánh::Phân số nào lớn hơn?{=3/4 ~2/3 ~1/2}

// [tag:muc-do:van_dung]
::Tính::1/2 + 1/4 \\= ?{#0.75:0.001}
"""


def run(*args) -> int:
    try:
        call_command(*args)
    except SystemExit as exit_:
        return int(exit_.code)
    return 0


def test_both_moodle_fixture_files_import_through_the_command(province, capsys):
    assert run("import_questions", str(MOODLE / "questions_in_category.gift.txt"), "--format", "gift") == 0
    assert run("import_questions", str(MOODLE / "category_with_description.xml"), "--format", "moodlexml") == 0
    bank = QuestionBank.objects.get(name=QuestionBank.DEFAULT_NAME)
    assert Question.objects.filter(bank=bank).count() == 5
    alpha = QuestionCategory.objects.get(bank=bank, path="$course$/Alpha")
    assert alpha.description == "This is Alpha category for test" and alpha.idnumber == "alpha-idnumber"
    assert set(Question.objects.values_list("status", flat=True)) == {ContentStatus.DRAFT}


def test_importing_the_same_file_twice_adds_nothing(province):
    data = (MOODLE / "questions_in_category.gift.txt").read_bytes()
    bank = get_or_create_bank(name="Ngân hàng Tin học", org_unit=province.department)
    first = import_questions_file(data=data, fmt="gift", bank=bank)
    second = import_questions_file(data=data, fmt="gift", bank=bank)
    assert (first.created, second.created, second.duplicates) == (4, 0, 4)


def test_level_and_knowledge_unit_tags_are_stored_and_exported_again(province):
    catalogue()
    bank = get_or_create_bank(name="Toán 6", org_unit=province.department)
    import_questions_file(data=TAGGED_GIFT.encode(), fmt="gift", bank=bank)
    compare = Question.objects.get(name="So sánh")
    assert compare.level == "nhan_biet"
    assert [u.code for u in compare.knowledge_units.all()] == ["TOAN-6-C3-02"]
    questions = list(Question.objects.filter(bank=bank))
    exported = export_questions(questions=questions, fmt="moodlexml", bank_name=bank.name).content.decode()
    assert "<text>dvkt:TOAN-6-C3-02</text>" in exported and "muc-do:van_dung" in exported


def test_a_single_bad_question_means_nothing_is_written(province, capsys):
    catalogue()
    bad = TAGGED_GIFT + "\n::Hỏng::Câu thiếu đóng ngoặc{=a ~b\n"
    path = Path(province.department.code + ".gift")
    try:
        path.write_text(bad, encoding="utf-8")
        assert run("import_questions", str(path), "--format", "gift", "--bank", "Toán 6") == 1
    finally:
        path.unlink()
    out = capsys.readouterr()
    assert "Dòng 9" in out.out and "chưa ghi câu nào" in out.err
    assert not Question.objects.exists() and not QuestionBank.objects.exists()


def test_unknown_knowledge_unit_code_is_a_problem(province):
    bank = get_or_create_bank(name=None, org_unit=province.department)
    with pytest.raises(QuestionImportError) as caught:
        import_questions_file(data=b"// [tag:dvkt:KHONG-CO]\n::A::x{T}", fmt="gift", bank=bank)
    assert "KHONG-CO" in caught.value.problems[0].message and caught.value.problems[0].line == 2
    assert not Answer.objects.exists()


def test_hostile_xml_exits_2_with_one_line(province, tmp_path, capsys):
    path = tmp_path / "bom.xml"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa">]><quiz>&a;</quiz>')
    assert run("import_questions", str(path), "--format", "moodlexml") == 2
    err = capsys.readouterr().err.strip()
    assert "DOCTYPE" in err and "\n" not in err
    assert not QuestionBank.objects.exists()


def test_bad_arguments_exit_2(province, tmp_path):
    assert run("import_questions", str(tmp_path / "none.xml"), "--format", "moodlexml") == 2
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert run("import_questions", str(tmp_path / "a.txt"), "--format", "qti") == 2
    assert run("export_questions", "--format", "gift", "--bank", "Không có", "--out", str(tmp_path / "o")) == 2


@pytest.mark.parametrize("fmt", ["moodlexml", "gift"])
def test_export_then_import_into_a_new_bank_gives_the_same_questions(province, tmp_path, fmt):
    catalogue()
    run("import_questions", str(MOODLE / "questions_in_category.gift.txt"), "--format", "gift", "--bank", "Nguồn")
    bank = QuestionBank.objects.get(name="Nguồn")
    import_questions_file(data=TAGGED_GIFT.encode(), fmt="gift", bank=bank)
    out = tmp_path / f"export.{fmt}"
    assert run("export_questions", "--format", fmt, "--bank", "Nguồn", "--out", str(out)) == 0
    assert run("import_questions", str(out), "--format", fmt, "--bank", "Đích") == 0

    def snapshot(name):
        rows = []
        for q in Question.objects.filter(bank__name=name).order_by("category__path", "name"):
            answers = [(a.text, a.fraction, a.feedback, a.tolerance, a.match) for a in q.answers.all()]
            units = sorted(u.code for u in q.knowledge_units.all())
            rows.append((q.category.path, q.name, q.qtype, q.text, q.text_format, q.level, units, answers))
        return rows

    assert snapshot("Nguồn") == snapshot("Đích") and len(snapshot("Đích")) == 6


def test_aiken_export_skips_what_aiken_cannot_carry(province, tmp_path, capsys):
    run("import_questions", str(MOODLE / "questions_in_category.gift.txt"), "--format", "gift")
    out = tmp_path / "q.txt"
    assert run("export_questions", "--format", "aiken", "--out", str(out)) == 0
    assert "bỏ qua 3 câu" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").rstrip().endswith("ANSWER: B")
    assert run("import_questions", str(out), "--format", "aiken", "--bank", "Aiken") == 0
    assert Question.objects.filter(bank__name="Aiken").count() == 1


def test_values_the_database_cannot_hold_are_reported_not_crashed(province, tmp_path, capsys):
    path = tmp_path / "q.xml"
    path.write_text(
        '<quiz><question type="numerical"><name><text>Số lớn</text></name><questiontext><text>x?</text>'
        '</questiontext><defaultgrade>1e12</defaultgrade><answer fraction="100"><text>1</text>'
        "<tolerance>1e999</tolerance></answer></question></quiz>",
        encoding="utf-8",
    )
    assert run("import_questions", str(path), "--format", "moodlexml") == 1
    assert "Điểm mặc định" in capsys.readouterr().out and not Question.objects.exists()


def test_the_command_runs_the_import_job_and_removes_the_stored_file(province):
    from django.core.files.storage import default_storage

    from edudx.core.models import Job

    assert run("import_questions", str(MOODLE / "questions_in_category.gift.txt"), "--format", "gift") == 0
    job = Job.objects.get(kind="import_questions")
    assert job.status == Job.Status.SUCCEEDED and job.result["created"] == 4
    assert not default_storage.exists(job.params["file"])
