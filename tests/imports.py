"""Building import files in tests: realistic rows with valid national IDs."""

import datetime as dt
import io
from pathlib import Path

import openpyxl

STUDENT_HEADER = ["Mã định danh", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Khối", "Lớp", "Trạng thái"]
STAFF_HEADER = ["Mã định danh", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Vị trí việc làm"]


def national_id(*, birth: dt.date, female: bool, serial: int, province: str = "010") -> str:
    century = (birth.year // 100 - 19) * 2 + (1 if female else 0)
    return f"{province}{century}{birth.year % 100:02d}{serial:06d}"


def student(name: str, birth: dt.date, *, female: bool, serial: int, grade="1", klass="1A", nid=True, **extra):
    row = [
        national_id(birth=birth, female=female, serial=serial) if nid else "",
        name,
        birth,
        "Nữ" if female else "Nam",
        extra.pop("ethnicity", "Kinh"),
        grade,
        klass,
        extra.pop("status", "Đang học"),
    ]
    return row


GRADE_ONE = [
    student("Nguyễn Thị Hoài Thương", dt.date(2019, 3, 5), female=True, serial=1),
    student("Lò Văn Pảo", dt.date(2019, 7, 21), female=False, serial=2, ethnicity="Thái"),
    student("Giàng A Sử", dt.date(2019, 11, 2), female=False, serial=3, ethnicity="Mông", klass="1B"),
    student("Sùng Thị Mai", dt.date(2019, 1, 30), female=True, serial=4, ethnicity="08", klass="1B"),
]


def xlsx(path: Path, rows, header=STUDENT_HEADER, title: list[str] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Học sinh"
    for line in title or []:
        sheet.append([line])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path
