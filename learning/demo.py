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


DEMO_GIFT = """$CATEGORY: $course$/Toán 6/Phân số

// [tag:muc-do:nhan_biet] [tag:dvkt:TOAN-6-C3-01]
::Phân số bằng nhau 1::Phân số nào bằng phân số 1/2?{=2/4 ~2/3 ~3/4 ~1/3}

// [tag:muc-do:nhan_biet] [tag:dvkt:TOAN-6-C3-01]
::Phân số bằng nhau 2::Hai phân số a/b và c/d bằng nhau khi a·d \\= b·c.{TRUE}

// [tag:muc-do:nhan_biet] [tag:dvkt:TOAN-6-C3-02]
::So sánh 1::Phân số nào lớn nhất?{=5/6 ~2/3 ~1/2 ~3/4}

// [tag:muc-do:thong_hieu] [tag:dvkt:TOAN-6-C3-02]
::So sánh 2::Sắp xếp tăng dần: 3/4, 2/3, 5/6. Phân số đứng giữa là?{=3/4 ~2/3 ~5/6}

// [tag:muc-do:thong_hieu] [tag:dvkt:TOAN-6-C3-03]
::Cộng phân số 1::1/2 + 1/3 \\= ? (viết dạng số thập phân, làm tròn 2 chữ số){#0.83:0.005}

// [tag:muc-do:van_dung] [tag:dvkt:TOAN-6-C3-03]
::Bài toán chia bánh::An được 1/3 chiếc bánh, Bình được 1/4. Phần còn lại là bao nhiêu?{=5/12 ~7/12 ~1/2 ~1/3}

// [tag:muc-do:van_dung_cao] [tag:dvkt:TOAN-6-C3-03]
::Tự luận phân số::Chứng minh rằng 1/2 + 1/4 + 1/8 + ... + 1/64 < 1.{}
"""


def _user(username: str) -> Any:
    from people.models import User

    return User.objects.filter(username=username).first()


def seed_learning(*, department: Any) -> dict[str, int]:
    """The demo's learning library under the department's tree; idempotent. Returns counts of what was created.

    The starter catalogue; the demo reviewer ("thamdinh") seated on every subject council; one reviewed,
    published link resource for every other knowledge unit of Toán and Ngữ văn (so the coverage page has gaps to
    show); a question bank of the department with reviewed questions and a test blueprint.
    """
    from .models import ContentStatus, KnowledgeUnit, Question, Resource, Subject, TestBlueprint, Topic
    from .services.questions import create_blueprint, get_or_create_bank, import_questions_file
    from .services.resources import create_resource
    from .services.review import add_council_member, record_review, submit_for_review

    created = {"Đơn vị kiến thức": seed_catalogue().units, "Học liệu": 0, "Câu hỏi": 0}
    reviewer, teacher = _user("thamdinh"), _user("giaovien")
    if reviewer is None or teacher is None:
        return created
    for subject in Subject.objects.all():
        for level in ("TH", "THCS", "THPT"):
            add_council_member(user=reviewer, subject=subject, level=level)
    school = teacher.role_assignments.filter(role="teacher").select_related("org_unit").first()
    scores = {"accuracy": 5, "curriculum": 5, "pedagogy": 4, "presentation": 4, "legal": 5}

    def approve(item: Any) -> None:
        submit_for_review(item=item, by=teacher)
        for review in item.reviews.filter(decision=""):
            record_review(review=review, by=review.reviewer, decision="approve", scores=scores, comment="Đạt yêu cầu.")

    units = KnowledgeUnit.objects.filter(topic__subject__code__in=["TOAN", "NGUVAN"]).select_related("topic__subject")
    for index, unit in enumerate(units.order_by("code")):
        if index % 2 or school is None or Resource.objects.filter(source="demo", external_id=unit.code).exists():
            continue
        resource = create_resource(
            by=teacher,
            org_unit=school.org_unit,
            title=f"{unit.topic.subject.name} lớp {unit.topic.grade} – {unit.name}",
            kind=Resource.Kind.E_LECTURE if index % 4 == 0 else Resource.Kind.VIDEO,
            subject=unit.topic.subject,
            grade=unit.topic.grade,
            licence=Resource.Licence.CC_BY_SA,
            author=teacher.full_name or "Lò Thị Mai",
            audience=Resource.Audience.PROVINCE,
            description=f"Bài giảng “{unit.name}” thuộc chủ đề “{unit.topic.name}”.",
            knowledge_units=[unit],
            link_url=f"https://hoclieu.edudx.example/{unit.code.lower()}",
            source="demo",
            external_id=unit.code,
        )
        approve(resource)
        created["Học liệu"] += 1
    bank = get_or_create_bank(name="Ngân hàng Toán 6 – Sở GDĐT", org_unit=department)
    created["Câu hỏi"] = import_questions_file(data=DEMO_GIFT.encode(), fmt="gift", bank=bank).created
    for question in Question.objects.filter(bank=bank, status=ContentStatus.DRAFT):
        approve(question)
    if not TestBlueprint.objects.filter(bank=bank).exists():
        fractions = Topic.objects.get(code="TOAN-6-C3")
        create_blueprint(
            name="Kiểm tra 15 phút – Phân số (Toán 6)",
            bank=bank,
            org_unit=department,
            cells=[(fractions, "nhan_biet", 2), (fractions, "thong_hieu", 1), (fractions, "van_dung", 1)],
            duration_minutes=15,
        )
    return created
