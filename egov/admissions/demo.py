"""The demo's admissions: the province's wards, a grade-1 round by catchment in the province's city office (open
now, so the form can be tried) and a grade-10 round by score on the department, each with a few applications.

Idempotent: wards, rounds and schools are keyed by code, applications by a fixed idempotency key.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from faker import Faker

from schools.demo import DISTRICTS
from schools.models import OrgUnit, School, SchoolYear

from . import services
from .models import AdmissionRound, Application, EntryGrade, Method, RoundSchool, Ward

RULES_CATCHMENT = (
    "Mỗi trường nhận trẻ cư trú trên địa bàn tuyển sinh của trường đến hết chỉ tiêu. Khi số hồ sơ vượt chỉ tiêu: "
    "trẻ trong địa bàn trước, rồi theo nhóm ưu tiên (nhóm 1 trước nhóm 2…, không ưu tiên sau cùng), rồi theo số "
    "bốc thăm: SHA-256 của “số hạt giống:mã hồ sơ”, số nhỏ hơn trước. Số hạt giống được bốc công khai sau hạn nộp. "
    "Trẻ không được xếp vào nguyện vọng 1 được xét tiếp nguyện vọng 2, 3."
)
RULES_SCORE = (
    "Xét theo tổng điểm thi vào lớp 10 (đã cộng điểm ưu tiên, khuyến khích) từ cao xuống thấp; bằng điểm thì xét "
    "điểm phụ (tổng điểm Toán và Ngữ văn), rồi theo số bốc thăm công khai. Mỗi thí sinh đăng ký tối đa 3 nguyện vọng."
)


def ward_rows() -> list[tuple[str, str, str]]:
    """(code, name, district key) of every ward/commune of the demo province."""
    rows = []
    for district in DISTRICTS:
        for k, (prefix, name, _area) in enumerate(district.communes, start=1):
            rows.append((f"{district.key}-{k:02d}", f"{prefix} {name}", district.key))
    return rows


def seed_wards() -> int:
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="PGD-")}
    created = 0
    for code, name, key in ward_rows():
        _ward, new = Ward.objects.get_or_create(code=code, defaults={"name": name, "org_unit": units.get(f"PGD-{key}")})
        created += int(new)
    return created


def _round(
    *,
    code: str,
    name: str,
    org_unit: OrgUnit,
    year: SchoolYear,
    grade: str,
    method: str,
    rules: str,
    schools: Sequence[School],
    seed: int,
    catchments: dict[int, list[Ward]],
) -> tuple[AdmissionRound, bool]:
    existing = AdmissionRound.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    round_ = AdmissionRound.objects.create(
        code=code,
        name=name,
        org_unit=org_unit,
        school_year=year,
        entry_grade=grade,
        method=method,
        applications_open_at=now - dt.timedelta(days=3),
        applications_close_at=now + dt.timedelta(days=14),
        results_at=now + dt.timedelta(days=20),
        confirmation_close_at=now + dt.timedelta(days=27),
        rules_text=rules,
        seed=seed,
        status=AdmissionRound.Status.DRAFT,
    )
    for school in schools:
        rs = RoundSchool.objects.create(round=round_, school=school, quota=40 if method == Method.CATCHMENT else 90)
        rs.catchment_wards.set(catchments.get(school.pk, []))
    return services.open_round(round=round_), True


def _applications(round_: AdmissionRound, *, count: int, rng: random.Random, birth_year: int) -> int:
    fake = Faker("vi_VN")
    fake.seed_instance(rng.randrange(10**9))
    codes = list(round_.schools.values_list("school__org_unit__code", flat=True))
    wards = list(
        Ward.objects.filter(pk__in=round_.schools.values_list("catchment_wards", flat=True)).values_list(
            "code", flat=True
        )
    ) or list(Ward.objects.values_list("code", flat=True)[:20])
    created = 0
    for i in range(count):
        key = f"demo-{round_.code}-{i:04d}"
        if Application.objects.filter(idempotency_key=key).exists():
            continue
        gender = rng.choice("MF")
        birth = dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        digit = 2 if gender == "M" else 3
        data = services.ApplicationInput(
            child_national_id=f"010{digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}",
            child_full_name=fake.name_male() if gender == "M" else fake.name_female(),
            child_birth_date=birth,
            child_gender=gender,
            parent_name=fake.name(),
            parent_phone=f"09{rng.randrange(10**8):08d}",
            ward_code=rng.choice(wards),
            priority_group=rng.choice([None, None, None, None, 1, 2, 3]),
            choices=rng.sample(codes, k=min(len(codes), rng.randint(1, 3))),
            address=f"Tổ {rng.randint(1, 30)}",
        )
        try:
            services.submit_application(round=round_, data=data, idempotency_key=key)
        except services.AdmissionError:
            continue  # a drawn ID that collides with an earlier child: skipped, the demo stays deterministic
        created += 1
    return created


def seed_admissions(
    *, department: OrgUnit, schools: Sequence[School], school_year: SchoolYear, seed: int
) -> Counter[str]:
    """Wards, two open rounds and their first applications; returns what was created."""
    created: Counter[str] = Counter()
    rng = random.Random(seed + 707)
    with transaction.atomic():
        created["xã/phường"] += seed_wards()
        by_name = {w.name: w for w in Ward.objects.all()}
        city = OrgUnit.objects.filter(code="PGD-TPLC").first()
        primary = sorted(
            (s for s in schools if s.level_th and city and s.org_unit.parent_id == city.pk), key=lambda s: s.code
        )
        upper = sorted((s for s in schools if s.level_thpt), key=lambda s: s.code)[:8]
        first_year = int(school_year.code[:4]) + 1
        next_year = f"{first_year}-{first_year + 1}"
        if city is not None and primary:
            catchments = {s.pk: [by_name[s.ward]] for s in primary if s.ward in by_name}
            round1, new = _round(
                code=f"lop1-tplc-{first_year}",
                name=f"Tuyển sinh lớp 1 năm học {next_year} – thành phố Lào Cai",
                org_unit=city,
                year=school_year,
                grade=EntryGrade.GRADE_1,
                method=Method.CATCHMENT,
                rules=RULES_CATCHMENT,
                schools=primary,
                seed=first_year,
                catchments=catchments,
            )
            created["đợt tuyển sinh"] += int(new)
            created["hồ sơ tuyển sinh"] += _applications(round1, count=30, rng=rng, birth_year=first_year - 6)
        if upper:
            round10, new = _round(
                code=f"lop10-{first_year}",
                name=f"Tuyển sinh lớp 10 THPT năm học {next_year}",
                org_unit=department,
                year=school_year,
                grade=EntryGrade.GRADE_10,
                method=Method.SCORE,
                rules=RULES_SCORE,
                schools=upper,
                seed=first_year + 10,
                catchments={},
            )
            created["đợt tuyển sinh"] += int(new)
            created["hồ sơ tuyển sinh"] += _applications(round10, count=30, rng=rng, birth_year=first_year - 15)
    return created
