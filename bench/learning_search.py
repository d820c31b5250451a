"""Benchmark: library search over 200,000 resources on PostgreSQL, queries typed without diacritics.

Candidate: ``learning.search.search_resources`` as the library page calls it (visibility filter, full-text match,
ranking, total count, first page of 20; a second pass adds the four facet counts). Baseline, in the same run:
the very same call with index scans switched off (``enable_bitmapscan/indexscan/indexonlyscan = off``), i.e. the
same query as an unindexed scan. Targets: candidate p95 < 50 ms and p95 ≤ 0.2 × the baseline's p95. The plan of
the page query is checked to use the GIN index ``learning_resource_vector`` on the stored generated vector (a
query expression that does not match the index would silently scan).

Data: 200,000 published resources written with ``COPY`` once (kept between runs, marked ``source='bench'``):
15 subjects × 12 grades × 90 topic phrases × kinds, titles and descriptions in Vietnamese with diacritics.

    DATABASE_URL=postgres://…/edudx_bench python bench/learning_search.py [--rows 200000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudx.settings.local")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from edudx.core.text import fold  # noqa: E402
from learning.demo import seed_catalogue  # noqa: E402
from learning.models import Resource, Subject, level_of_grade  # noqa: E402
from learning.search import search_resources  # noqa: E402
from people.models import Role, User  # noqa: E402
from people.services import create_user, grant_role  # noqa: E402
from schools.models import OrgUnit  # noqa: E402
from schools.services import create_org_unit  # noqa: E402

SUBJECTS = [
    ("TOAN", "Toán"), ("NGUVAN", "Ngữ văn"), ("TIENGVIET", "Tiếng Việt"), ("KHTN", "Khoa học tự nhiên"),
    ("TINHOC", "Tin học"), ("TIENGANH", "Tiếng Anh"), ("LICHSU", "Lịch sử"), ("DIALY", "Địa lí"),
    ("VATLI", "Vật lí"), ("HOAHOC", "Hóa học"), ("SINHHOC", "Sinh học"), ("GDCD", "Giáo dục công dân"),
    ("CONGNGHE", "Công nghệ"), ("AMNHAC", "Âm nhạc"), ("MITHUAT", "Mĩ thuật"),
]  # fmt: skip
PHRASES = [
    "Phân số",
    "Số thập phân",
    "Phép cộng phân số",
    "So sánh phân số",
    "Số nguyên tố",
    "Lũy thừa",
    "Tập hợp",
    "Hình tam giác",
    "Đường tròn",
    "Hình học trực quan",
    "Hàm số bậc hai",
    "Phương trình bậc nhất",
    "Bất phương trình",
    "Thống kê",
    "Xác suất",
    "Tỉ lệ thức",
    "Đại lượng tỉ lệ nghịch",
    "Định lí Pythagore",
    "Góc và đường thẳng song song",
    "Biểu thức đại số",
    "Truyện cổ tích",
    "Truyền thuyết Thánh Gióng",
    "Thơ lục bát",
    "Văn nghị luận",
    "Văn bản thông tin",
    "Kí và tùy bút",
    "Tiếng Việt: từ đơn và từ phức",
    "Biện pháp tu từ",
    "Đọc hiểu văn bản",
    "Viết đoạn văn",
    "Kể chuyện",
    "Chính tả",
    "Tế bào",
    "Quang hợp",
    "Hô hấp ở thực vật",
    "Hệ tuần hoàn",
    "Di truyền học",
    "Sinh thái học",
    "Đa dạng sinh học",
    "Lực và chuyển động",
    "Áp suất",
    "Năng lượng và công",
    "Điện trở",
    "Dòng điện xoay chiều",
    "Quang học",
    "Âm thanh",
    "Nguyên tử",
    "Bảng tuần hoàn",
    "Liên kết hóa học",
    "Phản ứng oxi hóa khử",
    "Axit và bazơ",
    "Kim loại",
    "Hợp chất hữu cơ",
    "Mạng máy tính",
    "Internet",
    "Thuật toán",
    "Lập trình Python",
    "Bảng tính điện tử",
    "Soạn thảo văn bản",
    "An toàn thông tin",
    "Thì hiện tại đơn",
    "Thì quá khứ đơn",
    "Câu bị động",
    "Từ vựng chủ đề gia đình",
    "Kĩ năng nghe",
    "Kĩ năng viết thư",
    "Nhà nước Văn Lang – Âu Lạc",
    "Chiến thắng Bạch Đằng",
    "Cách mạng tháng Tám",
    "Kháng chiến chống Pháp",
    "Đổi mới",
    "Địa hình Việt Nam",
    "Khí hậu nhiệt đới gió mùa",
    "Sông ngòi",
    "Dân cư và đô thị",
    "Vùng Trung du miền núi Bắc Bộ",
    "Quyền và nghĩa vụ công dân",
    "Tiết kiệm",
    "Phòng chống bạo lực học đường",
    "Kĩ thuật trồng rau",
    "Điện dân dụng",
    "Hát dân ca Lào Cai",
    "Nhạc cụ dân tộc",
    "Vẽ tranh đề tài",
    "Nặn tượng",
    "Thiết kế đồ họa",
]
SUFFIXES = ["bài giảng điện tử", "luyện tập", "ôn tập chương", "tiết 1", "tiết 2", "kiểm tra 15 phút",
            "video thí nghiệm", "phiếu học tập", "mô phỏng", "chuyên đề"]  # fmt: skip
KINDS = [k for k, _label in Resource.Kind.choices]
AUTHORS = ["Nguyễn Thị Hoa", "Trần Văn Đức", "Lê Thị Thu Trang", "Phạm Quốc Huy", "Hoàng Văn Đông", "Vũ Thị Lan",
           "Đặng Minh Châu", "Bùi Thị Ngọc", "Lò Văn Sùng", "Giàng A Páo"]  # fmt: skip
QUERIES = [
    "toan lop 6 phan so", "so sanh phan so", "doc hieu thanh giong", "truyen thuyet thanh giong lop 6",
    "mang may tinh lop 6", "lap trinh python", "ham so bac hai lop 10", "dinh li pythagore", "quang hop sinh hoc",
    "phan ung oxi hoa khu", "thi qua khu don", "chien thang bach dang", "dia hinh viet nam lop 8",
    "dong dien xoay chieu", "hat dan ca lao cai", "tiet kiem gdcd lop 7", "bang tuan hoan hoa hoc lop 10",
    "van nghi luan lop 9", "thong ke xac suat", "ky thuat trong rau", "luc va chuyen dong lop 6 video",
    "bat phuong trinh lop 10", "dang minh chau", "on tap chuong tap hop",
]  # fmt: skip
OFF = "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off"


def setup_tree() -> tuple[OrgUnit, User]:
    department = OrgUnit.objects.filter(code="BENCH-SGD").first() or create_org_unit(
        code="BENCH-SGD", name="Sở GDĐT (benchmark)", kind=OrgUnit.Kind.DEPARTMENT, parent=None
    )
    school = OrgUnit.objects.filter(code="BENCH-THCS").first() or create_org_unit(
        code="BENCH-THCS", name="Trường THCS benchmark", kind=OrgUnit.Kind.SCHOOL, parent=department
    )
    teacher = User.objects.filter(username="bench.giaovien").first()
    if teacher is None:
        teacher = create_user(username="bench.giaovien", password=uuid.uuid4().hex, full_name="Giáo viên benchmark")
        grant_role(user=teacher, role=Role.TEACHER, org_unit=school)
    return school, teacher


def generate(rows: int, school: OrgUnit) -> float:
    seed_catalogue()
    subjects = {}
    for code, name in SUBJECTS:
        subjects[code] = Subject.objects.get_or_create(code=code, defaults={"name": name})[0]
    existing = Resource.objects.filter(source="bench").count()
    if existing >= rows:
        return 0.0
    started = time.perf_counter()
    rng = random.Random(20261123 + existing)
    now = timezone.now()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    root_path = school.path.split("/")[1]
    for _ in range(rows - existing):
        code, name = rng.choice(SUBJECTS)
        grade = rng.randint(1, 12)
        phrase = rng.choice(PHRASES)
        kind = rng.choice(KINDS)
        title = f"{name} lớp {grade} – {phrase} ({rng.choice(SUFFIXES)})"
        description = (
            f"{phrase}: {rng.choice(SUFFIXES)}, {rng.choice(PHRASES).lower()} và {rng.choice(PHRASES).lower()}."
        )
        author = rng.choice(AUTHORS)
        label = str(Resource.Kind(kind).label)
        search = fold(" ".join([title, description, author, name, f"lớp {grade}", label]))
        published = now - timezone.timedelta(minutes=rng.randint(0, 500_000))
        writer.writerow([
            uuid.UUID(int=rng.getrandbits(128), version=4), title, description, kind, subjects[code].pk, grade,
            level_of_grade(grade), "CC-BY-SA-4.0", author, school.pk, "province", f"/{root_path}/", "published",
            "bench", "", search, "", published.isoformat(), published.isoformat(), now.isoformat(),
            now.isoformat(),
        ])  # fmt: skip
    buffer.seek(0)
    columns = (
        "uid, title, description, kind, subject_id, grade, level, licence, author, org_unit_id, audience, "
        "audience_path, status, source, external_id, search_text, takedown_reason, published_at, submitted_at, "
        "created_at, updated_at"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        options = "FORMAT csv, FORCE_NOT_NULL (external_id, takedown_reason)"
        cursor.cursor.copy_expert(f"COPY learning_resource ({columns}) FROM STDIN WITH ({options})", buffer)
    return time.perf_counter() - started


def timed(principal, query: str, *, facets: bool, indexed: bool) -> float:
    with transaction.atomic():
        if not indexed:
            with connection.cursor() as cursor:
                cursor.execute(OFF)
        started = time.perf_counter()
        result = search_resources(visible_to=principal, text=query, facets=facets)
        list(result.page.object_list)
        return (time.perf_counter() - started) * 1000


def plan_of(principal, query: str) -> str:
    """EXPLAIN of the window query (matches, rank and facet fields) exactly as search_resources sends it."""
    with CaptureQueriesContext(connection) as captured:
        search_resources(visible_to=principal, text=query, facets=False)
    window = next(q["sql"] for q in captured.captured_queries if "ts_rank" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + window)
        return "\n".join(row[0] for row in cursor.fetchall())


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-repeat", type=int, default=1)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Cần PostgreSQL: đặt DATABASE_URL=postgres://… (benchmark này đo chỉ mục GIN).")
    call_command("migrate", verbosity=0)
    school, teacher = setup_tree()
    seconds = generate(args.rows, school)
    total = Resource.objects.filter(source="bench").count()
    print(f"resources: {total:,} (generated in {seconds:.1f} s)" if seconds else f"resources: {total:,} (kept)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE learning_resource")  # the steady state autovacuum keeps on a live server
    plan = plan_of(teacher, "so sanh phan so")
    uses_index = "learning_resource_vector" in plan
    print(f"plan uses the GIN index learning_resource_vector: {uses_index}")
    if not uses_index:
        print(plan)
    for query in QUERIES:  # warm the cache: the targets are for a running server, not a cold start
        timed(teacher, query, facets=False, indexed=True)
    for facets in (False, True):
        candidate, baseline, hits = [], [], []
        for query in QUERIES:
            for _ in range(args.repeat):
                candidate.append(timed(teacher, query, facets=facets, indexed=True))
            for _ in range(args.baseline_repeat):
                baseline.append(timed(teacher, query, facets=facets, indexed=False))
            hits.append(search_resources(visible_to=teacher, text=query, facets=False).total)
        label = "search + 4 facets" if facets else "search (count + first page)"
        ratio = p95(candidate) / p95(baseline)
        print(
            f"{label}: {len(QUERIES)} queries, matches per query median {statistics.median(hits):,.0f} "
            f"(max {max(hits):,})\n"
            f"  candidate p50 {statistics.median(candidate):.1f} ms, p95 {p95(candidate):.1f} ms "
            f"(target < 50 ms: {'met' if p95(candidate) < 50 else 'NOT met'})\n"
            f"  baseline (index scans off) p50 {statistics.median(baseline):.1f} ms, p95 {p95(baseline):.1f} ms\n"
            f"  p95 ratio candidate/baseline {ratio:.3f} (target ≤ 0.2: {'met' if ratio <= 0.2 else 'NOT met'})"
        )


if __name__ == "__main__":
    main()
