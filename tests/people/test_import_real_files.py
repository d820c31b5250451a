"""Files written by other writers (openpyxl with a messy layout, LibreOffice from CSV) import to the same data.

The files and what each must give are in tests/fixtures/imports/ (README.md, expected.json).
"""

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from edudx.core.imports.kinds import ImportContext, get_kind
from edudx.core.imports.pipeline import validate_file
from edudx.core.imports.preflight import UnusableFile
from people.ethnicity import resolve_ethnicity
from schools import services
from schools.models import SchoolYear

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(province):
    unit = services.create_org_unit(
        code="PGD-BTH", name="Phòng GD&ĐT Bảo Thắng", kind="unit", parent=province.department
    )
    primary, _ = services.upsert_school(
        code="BTH-TH-901", name="Trường Tiểu học Phong Niên", parent=unit, levels=["TH"], area="rural"
    )
    lower, _ = services.upsert_school(
        code="BTH-THCS-902", name="Trường THCS Phong Niên", parent=unit, levels=["THCS"], area="rural"
    )
    return {"TH": primary, "THCS": lower, "year": SchoolYear.objects.get(code=EXPECTED["school_year"])}


def validate(name: str, school, year, kind: str):
    ctx = ImportContext(org_unit=school.org_unit, school_year=year, school=school)
    return validate_file(FIXTURES / name, get_kind(kind), ctx)


def as_expected(row: dict) -> dict:
    return {
        "national_id": row["national_id"],
        "full_name": row["full_name"],
        "birth_date": dt.date.fromisoformat(row["birth_date"]),
        "gender": "F" if row["gender"] == "Nữ" else "M",
        "ethnicity": resolve_ethnicity(row["ethnicity"]),
        "grade": row["grade"],
        "class_name": row["class"],
    }


def parsed(row) -> dict:
    values = row.values
    return {
        key: values[key]
        for key in ("national_id", "full_name", "birth_date", "gender", "ethnicity", "grade", "class_name")
    }


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("students_openpyxl_clean.xlsx", "TH"),
        ("students_openpyxl_messy.xlsx", "TH"),
        ("students_libreoffice.xlsx", "THCS"),
    ],
)
def test_every_writer_gives_the_expected_students(schools, name, level):
    validation = validate(name, schools[level], schools["year"], "students")
    assert not validation.errors, [(e.row, e.column, e.message) for e in validation.errors]
    expected = [as_expected(row) for row in EXPECTED["files"][name]["rows"]]
    assert [parsed(row) for row in validation.rows] == expected


def test_the_messy_file_equals_the_clean_one_and_warns_about_the_extra_column(schools):
    clean = validate("students_openpyxl_clean.xlsx", schools["TH"], schools["year"], "students")
    messy = validate("students_openpyxl_messy.xlsx", schools["TH"], schools["year"], "students")
    assert [parsed(r) for r in messy.rows] == [parsed(r) for r in clean.rows]
    for clean_row, messy_row in zip(clean.rows, messy.rows, strict=True):
        for key in ("disability", "has_device", "has_internet", "has_e_transcript"):
            # "x or blank" columns leave a blank for No: blank means unknown to the importer, never a guess.
            assert messy_row.values[key] in (clean_row.values[key], None)
    assert messy.warnings == ["Cột “Ghi chú” không thuộc mẫu, đã bỏ qua."]
    assert messy.header.row_index == 3  # two title rows and a blank row above


@pytest.mark.parametrize("name", ["staff_openpyxl.xlsx", "staff_libreoffice.xlsx"])
def test_staff_files_of_both_writers_are_valid(schools, name):
    validation = validate(name, schools["TH"], schools["year"], "staff")
    assert not validation.errors, [(e.row, e.column, e.message) for e in validation.errors]
    assert all(len(row.values["national_id"]) == 12 for row in validation.rows if row.values["national_id"])


def test_the_errors_file_is_refused_exactly_where_it_is_wrong(schools, tmp_path):
    with pytest.raises(UnusableFile, match="B18"):
        validate("students_with_errors.xlsx", schools["TH"], schools["year"], "students")
    book = openpyxl.load_workbook(FIXTURES / "students_with_errors.xlsx")
    book["Học sinh"]["B18"] = "Nguyễn An"  # what "Paste values" would leave
    book.save(tmp_path / "pasted.xlsx")
    ctx = ImportContext(org_unit=schools["TH"].org_unit, school_year=schools["year"], school=schools["TH"])
    validation = validate_file(tmp_path / "pasted.xlsx", get_kind("students"), ctx)
    found = {(error.row, error.column) for error in validation.errors}
    for problem in EXPECTED["problems"]:
        if problem["file"] == "students_with_errors.xlsx" and problem["column"] != "Họ và tên":
            assert (problem["row"], problem["column"]) in found, problem
    valid_rows = {row.number for row in validation.rows if row.valid}
    assert {2, 5, 11, 15, 19} <= valid_rows


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not_really.xlsx", "không phải bảng tính"),
        ("legacy.xls", ".xls"),
        ("empty.xlsx", "rỗng"),
        ("zip_bomb.xlsx", "zip bomb"),
        ("xxe.xlsx", "DOCTYPE"),
        ("billion_laughs.xlsx", "DOCTYPE"),
        ("zip_slip.xlsx", "đường dẫn"),
        ("macro.xlsm", "macro"),
        ("students_formulas.xlsx", "công thức"),
        ("students_missing_required_column.xlsx", "Họ và tên"),
        ("staff_template_as_students.xlsx", "Cán bộ, giáo viên, nhân viên"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(schools, name, message):
    with pytest.raises(UnusableFile, match=message):
        validate(name, schools["TH"], schools["year"], "students")
