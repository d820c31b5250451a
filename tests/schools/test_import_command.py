"""``manage.py import_registry``: the same pipeline, exit codes 0 / 1 / 2 (SPEC §13)."""

import datetime as dt

import openpyxl
import pytest
from django.core.management import call_command

from edudx.core.models import ImportBatch
from people.models import Enrolment, Student
from schools.models import FacilityItem, FeeCollection, OrgUnit, School, SchoolInfrastructure, TeachingActivity
from tests.imports import GRADE_ONE, student, xlsx

pytestmark = pytest.mark.django_db


def import_registry(*args) -> int:
    try:
        call_command("import_registry", *args)
    except SystemExit as exit_:
        return exit_.code
    return 0


def students(path, school="TH-PHONGHAI", *extra) -> int:
    return import_registry(str(path), "--kind", "students", "--school", school, "--school-year", "2025-2026", *extra)


def test_all_valid_rows_exit_0_and_write(tmp_path, province):
    assert students(xlsx(tmp_path / "hs.xlsx", GRADE_ONE)) == 0
    assert Enrolment.objects.filter(school=province.school_a).count() == 4
    assert students(xlsx(tmp_path / "hs.xlsx", GRADE_ONE)) == 0
    assert Student.objects.count() == 4


def test_invalid_rows_exit_1_write_nothing_and_report(tmp_path, province, capsys):
    rows = [*GRADE_ONE, student("Sai Khối", dt.date(2019, 1, 1), female=False, serial=30, grade="13")]
    report = tmp_path / "loi.xlsx"
    assert students(xlsx(tmp_path / "hs.xlsx", rows), "TH-PHONGHAI", "--report", str(report)) == 1
    assert not Student.objects.exists()
    sheet = openpyxl.load_workbook(report).active
    assert sheet.cell(2, 1).value == 6 and "Khối" in sheet.cell(2, 2).value
    assert "dòng 6" in capsys.readouterr().out


def test_valid_rows_only_writes_the_valid_ones_and_still_exits_1(tmp_path, province):
    rows = [*GRADE_ONE, student("Sai Khối", dt.date(2019, 1, 1), female=False, serial=30, grade="13")]
    assert students(xlsx(tmp_path / "hs.xlsx", rows), "TH-PHONGHAI", "--valid-rows-only") == 1
    assert Student.objects.count() == 4
    batch = ImportBatch.objects.get(status="applied")
    assert batch.stats == {"created": 4, "updated": 0, "unchanged": 0, "invalid": 1}


def test_dry_run_writes_nothing(tmp_path, province):
    assert students(xlsx(tmp_path / "hs.xlsx", GRADE_ONE), "TH-PHONGHAI", "--dry-run") == 0
    assert not Student.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "rỗng"),
        (b"%PDF-1.4 not a workbook", "không phải bảng tính"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
    ],
)
def test_unusable_files_exit_2_with_one_line(tmp_path, province, capsys, content, message):
    path = tmp_path / "tep.xlsx"
    path.write_bytes(content)
    assert students(path) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert not Student.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--kind", "students", "--school-year", "2025-2026"],
        ["--kind", "students", "--school", "KHONG-CO", "--school-year", "2025-2026"],
        ["--kind", "students", "--school", "TH-PHONGHAI", "--school-year", "2025"],
        ["--kind", "students", "--school", "TH-PHONGHAI", "--school-year", "2030-2031"],
    ],
)
def test_unusable_arguments_exit_2(tmp_path, province, args):
    assert import_registry(str(xlsx(tmp_path / "hs.xlsx", GRADE_ONE)), *args) == 2


def test_facilities_teaching_and_fees(tmp_path, province):
    facilities = xlsx(
        tmp_path / "csvc.xlsx",
        [
            ["MT-01", "Máy tính để bàn", "Máy tính", 20, 2022, "Tốt", "Điểm chính"],
            ["PH-01", "Phòng học 1A", "Phòng học", 1, 2015, "Cần sửa chữa", "Điểm chính"],
        ],
        header=["Mã tài sản", "Tên tài sản", "Loại", "Số lượng", "Năm đưa vào sử dụng", "Tình trạng", "Điểm trường"],
    )
    teaching = xlsx(
        tmp_path / "day.xlsx",
        [[1, "Toán", 105, 5, 10], [1, "Tiếng Việt", 420, 0, 21]],
        header=["Khối", "Môn học", "Tổng số tiết", "Số tiết dạy trực tuyến", "Số tiết hoạt động tương tác trực tuyến"],
    )
    fees = xlsx(
        tmp_path / "thu.xlsx",
        [["HK1", "Tiền ăn bán trú", 45_000_000, 30_000_000], ["HK1", "Bảo hiểm y tế", "12.000.000", 12_000_000]],
        header=["Kỳ thu", "Khoản thu", "Tổng số tiền đã thu", "Trong đó không dùng tiền mặt"],
    )
    for kind, path in (("facilities", facilities), ("teaching", teaching), ("fees", fees)):
        args = [str(path), "--kind", kind, "--school", "TH-PHONGHAI", "--school-year", "2025-2026"]
        assert import_registry(*args) == 0
        assert import_registry(*args) == 0  # idempotent
    assert FacilityItem.objects.filter(school=province.school_a).count() == 2
    assert TeachingActivity.objects.get(subject="Toán").interactive_periods == 10
    assert FeeCollection.objects.get(item="Bảo hiểm y tế").total_amount == 12_000_000


def test_cashless_above_total_is_a_row_error(tmp_path, province):
    fees = xlsx(
        tmp_path / "thu.xlsx",
        [["HK1", "Học phí", 1_000, 2_000]],
        header=["Kỳ thu", "Khoản thu", "Tổng số tiền đã thu", "Trong đó không dùng tiền mặt"],
    )
    args = [str(fees), "--kind", "fees", "--school", "TH-PHONGHAI", "--school-year", "2025-2026"]
    assert import_registry(*args) == 1
    assert not FeeCollection.objects.exists()


def test_units_and_schools_templates(tmp_path, province):
    units = xlsx(
        tmp_path / "dv.xlsx",
        [["PGD-BX", "Phòng Giáo dục và Đào tạo Bát Xát", "SGD"]],
        header=["Mã đơn vị", "Tên đơn vị", "Đơn vị cấp trên"],
    )
    assert import_registry(str(units), "--kind", "units", "--school-year", "2025-2026") == 0
    header = [
        "Mã trường",
        "Tên trường",
        "Cấp học",
        "Loại hình",
        "Đơn vị quản lý",
        "Xã/Phường",
        "Khu vực",
        "Kết nối Internet",
        "Số điểm trường",
        "Số điểm trường có Internet",
        "Số phòng Tin học",
        "Phần mềm quản trị nhà trường",
        "Thanh toán không dùng tiền mặt",
        "Sổ liên lạc điện tử",
    ]
    schools = xlsx(
        tmp_path / "tr.xlsx",
        [
            [
                "BX-TH-01",
                "Trường PTDTBT TH&THCS Bản Vược",
                "TH, THCS",
                "Công lập",
                "PGD-BX",
                "Xã Bản Vược",
                "Vùng khó khăn",
                "4G",
                4,
                2,
                1,
                "Có",
                "Không",
                "Có",
            ],
            [
                "TH-PHONGHAI",
                "Trường Tiểu học Phong Hải",
                "TH",
                "Công lập",
                "PGD-BX",
                "Xã Phong Hải",
                "Nông thôn",
                "Cáp quang",
                1,
                1,
                1,
                "Có",
                "Có",
                "Có",
            ],
        ],
        header=header,
    )
    assert import_registry(str(schools), "--kind", "schools", "--school-year", "2025-2026") == 0
    new = School.objects.get(org_unit__code="BX-TH-01")
    assert new.levels == ["TH", "THCS"] and new.org_unit.parent.code == "PGD-BX"
    moved = OrgUnit.objects.get(code="TH-PHONGHAI")
    assert moved.parent.code == "PGD-BX"
    assert SchoolInfrastructure.objects.get(school=new).sites_with_internet == 2
    assert import_registry(str(schools), "--kind", "schools", "--school-year", "2025-2026") == 0
    assert ImportBatch.objects.filter(kind="schools").first().stats["unchanged"] == 2
