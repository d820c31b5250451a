"""Demo content of the learning library: a starter catalogue of the 2018 programme (a few subjects and grades).

Names follow the 2018 general-education programme (Chương trình GDPT 2018, Thông tư 32/2018/TT-BGDĐT) and its
common textbooks. Codes are built as SUBJECT-GRADE-Cn (topic) and SUBJECT-GRADE-Cn-mm (knowledge unit) and never
change once published. Every write goes through ``learning.services``; seeding twice changes nothing.
"""

from __future__ import annotations

from typing import Any

from .services.catalogue import CatalogueImportResult, upsert_catalogue

# subject code → (name, {grade: [(topic name, [knowledge-unit names])]})
CATALOGUE: dict[str, tuple[str, dict[int, list[tuple[str, list[str]]]]]] = {
    "TOAN": (
        "Toán",
        {
            1: [
                (
                    "Các số từ 0 đến 10",
                    ["Các số 0, 1, 2, 3, 4, 5", "Các số 6, 7, 8, 9, 10", "Nhiều hơn, ít hơn, bằng nhau"],
                ),
                ("Phép cộng, phép trừ trong phạm vi 10", ["Phép cộng trong phạm vi 10", "Phép trừ trong phạm vi 10"]),
            ],
            6: [
                (
                    "Số tự nhiên",
                    ["Tập hợp", "Các phép tính với số tự nhiên", "Lũy thừa với số mũ tự nhiên", "Số nguyên tố"],
                ),
                ("Số nguyên", ["Tập hợp các số nguyên", "Phép cộng và phép trừ số nguyên", "Quy tắc dấu ngoặc"]),
                (
                    "Phân số",
                    ["Mở rộng phân số. Phân số bằng nhau", "So sánh phân số", "Phép cộng và phép trừ phân số"],
                ),
                ("Số thập phân", ["Số thập phân", "Tính toán với số thập phân", "Làm tròn và ước lượng"]),
                ("Hình học trực quan", ["Tam giác đều, hình vuông, lục giác đều", "Hình có trục đối xứng"]),
            ],
            10: [
                ("Mệnh đề và tập hợp", ["Mệnh đề", "Tập hợp và các phép toán trên tập hợp"]),
                ("Hàm số bậc hai và đồ thị", ["Hàm số", "Hàm số bậc hai", "Dấu của tam thức bậc hai"]),
            ],
        },
    ),
    "NGUVAN": (
        "Ngữ văn",
        {
            6: [
                ("Lắng nghe lịch sử nước mình", ["Truyền thuyết Thánh Gióng", "Sự tích Hồ Gươm"]),
                ("Miền cổ tích", ["Sọ Dừa", "Em bé thông minh", "Viết bài văn kể lại một truyện cổ tích"]),
            ],
        },
    ),
    "TIENGVIET": (
        "Tiếng Việt",
        {
            1: [
                ("Làm quen với chữ cái", ["Chữ a, b, c", "Chữ đ, e, ê", "Dấu thanh"]),
                ("Vần", ["Vần an, ăn, ân", "Vần ong, ông, ung"]),
            ],
        },
    ),
    "KHTN": (
        "Khoa học tự nhiên",
        {
            6: [
                ("Mở đầu về Khoa học tự nhiên", ["Giới thiệu về Khoa học tự nhiên", "An toàn trong phòng thực hành"]),
                ("Các phép đo", ["Đo chiều dài", "Đo khối lượng", "Đo nhiệt độ"]),
                ("Tế bào", ["Tế bào – đơn vị cơ sở của sự sống", "Từ tế bào đến cơ thể"]),
            ],
        },
    ),
    "TINHOC": (
        "Tin học",
        {
            6: [
                ("Máy tính và cộng đồng", ["Thông tin và dữ liệu", "Xử lí thông tin", "Thông tin trong máy tính"]),
                ("Mạng máy tính và Internet", ["Mạng máy tính", "Internet"]),
            ],
        },
    ),
}


def catalogue_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for subject_code, (subject_name, grades) in CATALOGUE.items():
        for grade, topics in grades.items():
            for t_index, (topic_name, units) in enumerate(topics, start=1):
                topic_code = f"{subject_code}-{grade}-C{t_index}"
                for u_index, unit_name in enumerate(units, start=1):
                    rows.append(
                        {
                            "row": len(rows) + 2,
                            "subject_code": subject_code,
                            "subject_name": subject_name,
                            "grade": grade,
                            "topic_code": topic_code,
                            "topic_name": topic_name,
                            "unit_code": f"{topic_code}-{u_index:02d}",
                            "unit_name": unit_name,
                        }
                    )
    return rows


def seed_catalogue() -> CatalogueImportResult:
    """The starter catalogue; idempotent."""
    return upsert_catalogue(rows=catalogue_rows())


def seed_learning(*, department: Any) -> dict[str, int]:
    """The demo's learning library under the department's tree; idempotent. Returns counts of what was created."""
    result = seed_catalogue()
    return {"Đơn vị kiến thức": result.units}
