"""Writes a realistic students .xlsx of N rows (one school) for the import benchmark; cached by size."""

import datetime as dt
import random
import sys
from pathlib import Path

import xlsxwriter

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Giàng", "Sùng", "Lý", "Lò", "Triệu", "Bàn", "Vàng", "Thào"]
MIDDLE_M = ["Văn", "A", "Minh", "Đức", "Quang"]
MIDDLE_F = ["Thị", "Thị Hoài", "Thị Thu", "Ngọc"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Sử", "Pảo", "Dình", "Thắng", "Hùng", "Phúc", "Lộc"]
GIVEN_F = ["Mai", "Lan", "Hoa", "Thương", "Mỷ", "Chi", "Dung", "Hương", "Nhung", "Yến"]
ETHNIC = ["Kinh", "Mông", "Tày", "Dao", "Giáy", "Nùng", "01", "08"]
HEADER = [
    "Mã định danh",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Khối",
    "Lớp",
    "Trạng thái",
    "Khuyết tật",
    "Có thiết bị học trực tuyến",
    "Có kết nối Internet",
    "Học bạ điện tử",
]


def write(path: Path, rows: int, *, seed: int = 2026) -> Path:
    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Học sinh")
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADER)
    for index in range(1, rows + 1):
        grade = rng.randint(1, 5)
        birth = dt.date(2025 - 6 - (grade - 1), 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        female = rng.random() < 0.5
        name = " ".join(
            [
                rng.choice(FAMILY),
                rng.choice(MIDDLE_F if female else MIDDLE_M),
                rng.choice(GIVEN_F if female else GIVEN_M),
            ]
        )
        nid = f"010{3 if female else 2}{birth.year % 100:02d}{index:06d}"
        sheet.write_string(index, 0, nid)
        sheet.write_string(index, 1, name)
        sheet.write_datetime(index, 2, dt.datetime(birth.year, birth.month, birth.day), date)
        sheet.write_row(
            index,
            3,
            [
                "Nữ" if female else "Nam",
                rng.choice(ETHNIC),
                str(grade),
                f"{grade}{'ABCDEFGHIK'[rng.randint(0, 9)]}",
                "Đang học",
                "Không",
                rng.choice(["Có", "Không"]),
                rng.choice(["Có", "Không"]),
                "Có",
            ],
        )
    book.close()
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]), int(sys.argv[2])))
