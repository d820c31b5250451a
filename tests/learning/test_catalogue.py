import csv
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import call_command

from edudx.core.imports.preflight import UnusableFile
from learning.demo import CATALOGUE, seed_catalogue
from learning.models import KnowledgeUnit, Subject, Topic
from learning.services.catalogue import CatalogueImportError, import_catalogue

pytestmark = pytest.mark.django_db

HEADER = ["Mã môn", "Tên môn", "Lớp", "Mã chủ đề", "Tên chủ đề", "Mã đơn vị kiến thức", "Tên đơn vị kiến thức"]
ROWS = [
    ["TOAN", "Toán", 6, "TOAN-6-C3", "Phân số", "TOAN-6-C3-01", "Mở rộng phân số. Phân số bằng nhau"],
    ["TOAN", "Toán", 6, "TOAN-6-C3", "Phân số", "TOAN-6-C3-02", "So sánh phân số"],
    ["NGUVAN", "Ngữ văn", 6, "NGUVAN-6-C1", "Lắng nghe lịch sử nước mình", "NGUVAN-6-C1-01", "Thánh Gióng"],
]


def write_xlsx(path: Path, rows, *, title: str | None = "DANH MỤC ĐƠN VỊ KIẾN THỨC") -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Danh mục")
    start = 0
    if title:
        sheet.write(0, 0, title)
        start = 2
    sheet.write_row(start, 0, HEADER)
    for index, row in enumerate(rows, start=start + 1):
        sheet.write_row(index, 0, row)
    workbook.close()
    return path


def write_csv(path: Path, rows, delimiter=",") -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_xlsx_with_title_rows_creates_subjects_topics_and_units(tmp_path):
    result = import_catalogue(path=write_xlsx(tmp_path / "dm.xlsx", ROWS))
    assert (result.subjects, result.topics, result.units) == (2, 2, 3)
    unit = KnowledgeUnit.objects.select_related("topic__subject").get(code="TOAN-6-C3-02")
    assert unit.topic.grade == 6 and unit.topic.subject.name == "Toán" and unit.topic.level == "THCS"


def test_semicolon_csv_imports_and_a_second_import_only_renames(tmp_path):
    import_catalogue(path=write_csv(tmp_path / "dm.csv", ROWS, delimiter=";"))
    renamed = [[*ROWS[0][:6], "Phân số bằng nhau"], *ROWS[1:]]
    result = import_catalogue(path=write_csv(tmp_path / "dm2.csv", renamed))
    assert (result.subjects, result.topics, result.units) == (0, 0, 0)
    assert KnowledgeUnit.objects.get(code="TOAN-6-C3-01").name == "Phân số bằng nhau"
    assert KnowledgeUnit.objects.count() == 3


def test_one_invalid_row_writes_nothing_and_names_row_and_column(tmp_path):
    rows = [*ROWS, ["TOAN", "Toán", 13, "TOAN-13-C1", "Sai lớp", "TOAN-13-C1-01", "Không có"]]
    with pytest.raises(CatalogueImportError) as caught:
        import_catalogue(path=write_xlsx(tmp_path / "dm.xlsx", rows))
    assert not Subject.objects.exists() and not KnowledgeUnit.objects.exists()
    (error,) = caught.value.errors
    assert error.row == 7 and error.column == "Lớp" and "13" in error.message


def test_duplicate_unit_code_and_topic_moved_to_another_grade_are_row_errors(tmp_path):
    rows = [*ROWS, ["TOAN", "Toán", 7, "TOAN-6-C3", "Phân số", "TOAN-6-C3-01", "Trùng mã"]]
    with pytest.raises(CatalogueImportError) as caught:
        import_catalogue(path=write_csv(tmp_path / "dm.csv", rows))
    messages = " ".join(e.message for e in caught.value.errors)
    assert "TOAN-6-C3" in messages and "bị trùng" in messages
    assert not Topic.objects.exists()


def test_stable_codes_refuse_reparenting_an_existing_unit(tmp_path):
    import_catalogue(path=write_csv(tmp_path / "a.csv", ROWS))
    moved = [["TOAN", "Toán", 6, "TOAN-6-C4", "Số thập phân", "TOAN-6-C3-01", "Chuyển chủ đề"]]
    with pytest.raises(CatalogueImportError) as caught:
        import_catalogue(path=write_csv(tmp_path / "b.csv", moved))
    assert "cố định" in caught.value.errors[0].message
    assert KnowledgeUnit.objects.get(code="TOAN-6-C3-01").topic.code == "TOAN-6-C3"


def test_disguised_file_and_missing_header_are_unusable(tmp_path):
    fake = tmp_path / "dm.xlsx"
    fake.write_bytes(b"%PDF-1.7\x00\x00 not a sheet")
    with pytest.raises(UnusableFile):
        import_catalogue(path=fake)
    nohead = tmp_path / "dm.csv"
    nohead.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(UnusableFile, match="tiêu đề"):
        import_catalogue(path=nohead)


def test_command_exit_codes(tmp_path):
    good = write_csv(tmp_path / "good.csv", ROWS)
    call_command("import_catalogue", str(good))
    bad = write_csv(tmp_path / "bad.csv", [[*ROWS[0][:2], "", *ROWS[0][3:]]])
    with pytest.raises(SystemExit) as exit_bad:
        call_command("import_catalogue", str(bad))
    with pytest.raises(SystemExit) as exit_missing:
        call_command("import_catalogue", str(tmp_path / "none.csv"))
    assert (exit_bad.value.code, exit_missing.value.code) == (1, 2)


def test_demo_catalogue_is_idempotent_and_covers_several_subjects_and_grades():
    first = seed_catalogue()
    again = seed_catalogue()
    assert first.units == KnowledgeUnit.objects.count() > 40 and again.units == 0
    assert Subject.objects.count() == len(CATALOGUE)
    assert set(Topic.objects.values_list("grade", flat=True)) >= {1, 6, 10}
    assert KnowledgeUnit.objects.filter(name__contains="Phân số").exists()


def _row(subject="Toán", topic="Phân số", unit="Mở rộng phân số. Phân số bằng nhau", code="TOAN-6-C3-01"):
    return {
        "row": 2, "subject_code": "TOAN", "subject_name": subject, "grade": 6, "topic_code": "TOAN-6-C3",
        "topic_name": topic, "unit_code": code, "unit_name": unit,
    }  # fmt: skip


def test_renaming_a_unit_topic_or_subject_refreshes_the_search_text_of_tagged_resources(province):
    from learning.models import ContentStatus, Resource
    from learning.search import search_resources
    from learning.services.catalogue import upsert_catalogue

    from .test_resources import make

    tagged = make(province, link="https://example.edu.vn/1", title="Bài giảng 1")
    other = make(province, link="https://example.edu.vn/2", title="Bài giảng 2", units=("TOAN-6-C3-02",))
    Resource.objects.filter(pk__in=[tagged.pk, other.pk]).update(status=ContentStatus.PUBLISHED)
    untouched = Resource.objects.get(pk=other.pk).search_text

    result = upsert_catalogue(rows=[_row(unit="Phân số tối giản và rút gọn")])
    assert result.resources_refreshed == 1
    assert "phan so toi gian va rut gon" in Resource.objects.get(pk=tagged.pk).search_text
    assert Resource.objects.get(pk=other.pk).search_text == untouched  # not tagged with the renamed unit
    viewer = province.users["school_b_admin"]
    assert [r.pk for r in search_resources(visible_to=viewer, text="toi gian rut gon").page.object_list] == [tagged.pk]

    upsert_catalogue(rows=[_row(topic="Số hữu tỉ dạng phân số", unit="Phân số tối giản và rút gọn")])
    assert "so huu ti dang phan so" in Resource.objects.get(pk=tagged.pk).search_text
    assert "so huu ti dang phan so" in Resource.objects.get(pk=other.pk).search_text  # its unit is in that topic too

    upsert_catalogue(
        rows=[_row(subject="Toán học", topic="Số hữu tỉ dạng phân số", unit="Phân số tối giản và rút gọn")]
    )
    assert all("toan hoc" in r.search_text for r in Resource.objects.filter(pk__in=[tagged.pk, other.pk]))
    assert (
        upsert_catalogue(
            rows=[_row(subject="Toán học", topic="Số hữu tỉ dạng phân số", unit="Phân số tối giản và rút gọn")]
        ).resources_refreshed
        == 0
    )


def test_refreshing_search_texts_is_set_based(province, django_assert_max_num_queries):
    from learning.models import Resource
    from learning.services.catalogue import upsert_catalogue

    from .test_resources import make

    for number in range(12):
        make(province, link=f"https://example.edu.vn/{number}", title=f"Bài giảng {number}")
    with django_assert_max_num_queries(40):  # the same number of queries for 12 resources or 1,000
        result = upsert_catalogue(rows=[_row(subject="Toán học")])
    assert result.resources_refreshed == 12
    assert Resource.objects.filter(search_text__contains="toan hoc").count() == 12
