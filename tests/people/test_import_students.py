"""The students import: what is written, what is refused and why, and that a re-import writes nothing."""

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from edudx.core.imports.kinds import ImportContext, get_kind
from edudx.core.imports.pipeline import validate_file
from edudx.core.imports.preflight import UnusableFile
from edudx.core.models import AuditEntry
from people.models import Enrolment, Student
from schools.models import SchoolYear
from tests.imports import GRADE_ONE, STAFF_HEADER, student, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(province):
    return SchoolYear.objects.get(code="2025-2026")


def run(path: Path, school, year, kind="students"):
    ctx = ImportContext(org_unit=school.org_unit, school_year=year, school=school)
    validation = validate_file(path, get_kind(kind), ctx)
    return validation, ctx


def apply(path: Path, school, year):
    validation, ctx = run(path, school, year)
    assert not validation.errors, [e.message for e in validation.errors]
    return get_kind("students").apply(validation.valid_rows, ctx)


def test_a_clean_file_is_written_and_a_second_import_changes_nothing(tmp_path, province, year):
    path = xlsx(tmp_path / "hs.xlsx", GRADE_ONE, title=["SỞ GD&ĐT LÀO CAI", "DANH SÁCH HỌC SINH"])
    assert apply(path, province.school_a, year) == {"created": 4, "updated": 0, "unchanged": 0}
    audits = AuditEntry.objects.count()
    assert apply(path, province.school_a, year) == {"created": 0, "updated": 0, "unchanged": 4}
    assert Student.objects.count() == 4 and Enrolment.objects.count() == 4
    assert AuditEntry.objects.count() == audits
    sử = Student.objects.get(full_name="Giàng A Sử")
    assert sử.ethnicity == "08" and sử.gender == "M"
    assert sử.enrolments.get().class_name == "1B"


def test_a_changed_class_is_an_audited_update(tmp_path, province, year):
    apply(xlsx(tmp_path / "a.xlsx", GRADE_ONE), province.school_a, year)
    moved = [*GRADE_ONE[:3], [*GRADE_ONE[3][:6], "1C", "Đang học"]]
    assert apply(xlsx(tmp_path / "b.xlsx", moved), province.school_a, year)["updated"] == 1
    enrolment = Enrolment.objects.get(student__full_name="Sùng Thị Mai")
    entry = AuditEntry.objects.get(entity="people.enrolment", entity_id=enrolment.pk, action="update")
    assert entry.changes == {"class_name": ["1B", "1C"]}


def test_an_id_arriving_later_completes_the_same_person(tmp_path, province, year):
    without = [student("Lý A Dình", dt.date(2019, 6, 1), female=False, serial=9, nid=False)]
    apply(xlsx(tmp_path / "a.xlsx", without), province.school_a, year)
    with_id = [student("Lý A Dình", dt.date(2019, 6, 1), female=False, serial=9)]
    assert apply(xlsx(tmp_path / "b.xlsx", with_id), province.school_a, year)["updated"] == 1
    assert Student.objects.get().national_id == "010219000009"


def test_ids_stored_as_numbers_get_their_leading_zero_back(tmp_path, province, year):
    row = student("Hoàng Văn Thắng", dt.date(2019, 2, 2), female=False, serial=77)
    row[0] = int(row[0])
    apply(xlsx(tmp_path / "a.xlsx", [row]), province.school_a, year)
    assert Student.objects.get().national_id == "010219000077"


def test_names_in_nfd_are_stored_nfc(tmp_path, province, year):
    row = student(unicodedata.normalize("NFD", "Triệu Thị Lan"), dt.date(2019, 9, 9), female=True, serial=5)
    apply(xlsx(tmp_path / "a.xlsx", [row]), province.school_a, year)
    assert Student.objects.get().full_name == unicodedata.normalize("NFC", "Triệu Thị Lan")


def errors_by_row(validation) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for error in validation.errors:
        found.setdefault(error.row, []).append(f"{error.column}: {error.message}")
    return found


def test_each_wrong_row_is_reported_with_its_row_and_column(tmp_path, province, year):
    good = GRADE_ONE[0]
    rows = [
        good,
        [*good[:1], "Nguyễn Văn Trùng", *good[2:]],  # row 3: same ID as row 2
        ["0102190000011", "Mười Ba Số", dt.date(2019, 1, 1), "Nam", "Kinh", "1", "1A", "Đang học"],
        [*student("Sai Giới", dt.date(2019, 1, 1), female=True, serial=12)[:3], "Nam", "Kinh", "1", "1A", "Đang học"],
        student("Sai Khối", dt.date(2019, 1, 1), female=False, serial=13, grade="13"),
        student("Quá Tuổi", dt.date(2005, 1, 1), female=False, serial=14, grade="2"),
        student("Thiếu Lớp", dt.date(2019, 1, 1), female=False, serial=15, klass=""),
        student("Tương Lai", dt.date(2030, 1, 1), female=False, serial=16),
        student("Dân Tộc Lạ", dt.date(2019, 1, 1), female=False, serial=17, ethnicity="Kin"),
        student("Trạng Thái Lạ", dt.date(2019, 1, 1), female=False, serial=18, status="Đi chơi"),
        student("Cấp Ba", dt.date(2010, 1, 1), female=False, serial=19, grade="10"),
    ]
    validation, _ctx = run(xlsx(tmp_path / "loi.xlsx", rows), province.school_a, year)
    found = errors_by_row(validation)
    assert 2 not in found
    assert "trùng với dòng 2" in " ".join(found[3])
    assert "13 chữ số" in " ".join(found[4])
    assert "giới tính ghi Nam" in " ".join(found[5])
    assert found[6][0].startswith("Khối:")
    assert "không hợp với khối 2" in " ".join(found[7])
    assert found[8] == ["Lớp: Thiếu “Lớp” (bắt buộc)."]
    assert "tương lai" in " ".join(found[9])
    assert "Kin" in " ".join(found[10])
    assert found[11][0].startswith("Trạng thái:")
    assert "không có cấp THPT" in " ".join(found[12])
    assert all(error.sheet == "Học sinh" for error in validation.errors)


def test_a_student_enrolled_at_another_school_is_a_conflict_not_a_duplicate(tmp_path, province, year):
    apply(xlsx(tmp_path / "b.xlsx", GRADE_ONE[:1]), province.school_b, year)
    validation, _ctx = run(xlsx(tmp_path / "a.xlsx", GRADE_ONE[:1]), province.school_a, year)
    assert "Tả Van" in validation.errors[0].message and "chuyển trường" in validation.errors[0].message
    assert validation.conflicts == [{"row": 2, "other_school": "TH-TAVAN", "full_name": "Nguyễn Thị Hoài Thương"}]
    assert Student.objects.count() == 1


def test_the_staff_template_uploaded_as_students_is_named(tmp_path, province, year):
    rows = [["010085000001", "Phạm Thị Hương", dt.date(1985, 3, 3), "Nữ", "Kinh", "Giáo viên"]]
    with pytest.raises(UnusableFile, match="Cán bộ, giáo viên, nhân viên"):
        run(xlsx(tmp_path / "gv.xlsx", rows, header=STAFF_HEADER), province.school_a, year)


def test_a_missing_required_column_is_named(tmp_path, province, year):
    header = ["Mã định danh", "Ngày sinh", "Giới tính", "Khối", "Lớp", "Trạng thái"]
    with pytest.raises(UnusableFile, match="“Họ và tên”"):
        run(xlsx(tmp_path / "thieu.xlsx", [], header=header), province.school_a, year)


def test_row_limit(tmp_path, province, year, settings):
    settings.EDUDX_IMPORT_MAX_ROWS = 3
    with pytest.raises(UnusableFile, match="vượt giới hạn 3"):
        run(xlsx(tmp_path / "dai.xlsx", GRADE_ONE), province.school_a, year)
