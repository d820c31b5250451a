"""A demo province shaped like Lào Cai: department, district offices, schools, school sites, infrastructure.

Figures come from the province's plan "Chuyển đổi số trong ngành Giáo dục và Đào tạo Lào Cai giai đoạn
2022-2025" (seed document 002, called "the plan" below). Every write goes through ``schools.services``.

Generation is prefix-stable: the schools of one district and one kind form a sequence drawn from their
own random stream, and each school's infrastructure from a stream seeded by its code. A smaller ``scale``
takes the first schools of each sequence, so a code always means the same school whatever the scale, and
running the seed again with any scale never renames a school created by another.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from edudx.core.text import nfc

from .models import OrgUnit, School, SchoolInfrastructure, SchoolYear
from .services import create_org_unit, set_school_infrastructure, snapshot_tree, upsert_school

DEPARTMENT_CODE = "SGD-LCA"
DEPARTMENT_NAME = "Sở Giáo dục và Đào tạo Lào Cai"

URBAN, RURAL, DIFFICULT = School.Area.URBAN, School.Area.RURAL, School.Area.DIFFICULT

# Kinds of school a district office manages, then the two kinds that hang directly under the department.
MN, TH, THCS, TH_THCS, THPT, GDTX = "MN", "TH", "THCS", "THTHCS", "THPT", "GDTX"
LEVELS_OF_KIND: dict[str, list[str]] = {
    MN: ["MN"],
    TH: ["TH"],
    THCS: ["THCS"],
    TH_THCS: ["TH", "THCS"],
    THPT: ["THPT"],
    GDTX: ["GDTX"],
}
UNIT_KINDS = (MN, TH, THCS, TH_THCS)


@dataclass(frozen=True)
class District:
    """A district-level education office (Phòng GD&ĐT) as it stood before the 2025 reform."""

    key: str  # short code used in unit and school codes
    title: str  # "huyện Bát Xát": the administrative name, as written inside unit names
    short: str  # "Bát Xát": as written in school names ("Trường THPT số 1 Bát Xát")
    # (prefix, name, area) of every ward/commune; the first urban one is the district seat.
    communes: tuple[tuple[str, str, str], ...]
    # Schools at scale 1: MN, TH, THCS, TH&THCS (managed by the office), then THPT (under the department).
    counts: tuple[int, int, int, int, int]

    @property
    def code(self) -> str:
        return f"PGD-{self.key}"

    @property
    def name(self) -> str:
        return f"Phòng Giáo dục và Đào tạo {self.title}"

    @property
    def seat(self) -> tuple[str, str, str]:
        return next(c for c in self.communes if c[2] == URBAN)


def _communes(prefix: str, names: str, area: str) -> tuple[tuple[str, str, str], ...]:
    return tuple((prefix, name.strip(), area) for name in names.split(","))


P, X, TT = "Phường", "Xã", "Thị trấn"

# The nine district-level units of Lào Cai before July 2025 (the plan: "9/9 phòng GD&ĐT"), with their
# wards/communes. Area types follow SPEC §2: wards and district towns are urban; lowland communes along the
# Red River and the highways rural; highland communes difficult, where most of the province's schools are.
#
# School counts: the plan counts 612 schools (I.1), of which 193 preschools, 185 primary and 188
# lower-secondary schools (table, item 4), 36 THPT schools and one provincial continuing-education centre
# under the department (same item); the remaining 9 are the district GDNN-GDTX centres. The plan does not
# count combined TH&THCS schools separately: we assume they are inside its 188 lower-secondary schools (48
# here, mostly semi-boarding PTDTBT schools in the highlands). The split by district is ours, roughly by
# number of communes.
DISTRICTS: tuple[District, ...] = (
    District(
        "TPLC",
        "thành phố Lào Cai",
        "thành phố Lào Cai",
        _communes(
            P,
            "Kim Tân,Cốc Lếu,Duyên Hải,Lào Cai,Bắc Cường,Bắc Lệnh,Bình Minh,Nam Cường,Pom Hán,Thống Nhất,Xuân Tăng",
            URBAN,
        )
        + _communes(X, "Cam Đường,Hợp Thành,Vạn Hòa", RURAL)
        + _communes(X, "Tả Phời", DIFFICULT),
        (28, 20, 16, 1, 6),
    ),
    District(
        "SPA",
        "thị xã Sa Pa",
        "Sa Pa",
        _communes(P, "Sa Pa,Sa Pả,Ô Quý Hồ,Phan Si Păng,Hàm Rồng,Cầu Mây", URBAN)
        + _communes(
            X,
            "Bản Hồ,Hoàng Liên,Liên Minh,Mường Bo,Mường Hoa,Ngũ Chỉ Sơn,Tả Phìn,Tả Van,Thanh Bình,Trung Chải",
            DIFFICULT,
        ),
        (18, 17, 10, 6, 2),
    ),
    District(
        "BXA",
        "huyện Bát Xát",
        "Bát Xát",
        _communes(TT, "Bát Xát", URBAN)
        + _communes(X, "Quang Kim,Bản Qua,Bản Vược,Mường Vi", RURAL)
        + _communes(
            X,
            "A Lù,A Mú Sung,Bản Xèo,Cốc Mỳ,Dền Sáng,Dền Thàng,Mường Hum,Nậm Chạc,Nậm Pung,Pa Cheo,"
            "Phìn Ngan,Sàng Ma Sáo,Tòng Sành,Trịnh Tường,Trung Lèng Hồ,Y Tý",
            DIFFICULT,
        ),
        (24, 25, 17, 8, 4),
    ),
    District(
        "MKH",
        "huyện Mường Khương",
        "Mường Khương",
        _communes(TT, "Mường Khương", URBAN)
        + _communes(X, "Bản Lầu,Lùng Vai", RURAL)
        + _communes(
            X,
            "Bản Xen,Cao Sơn,Dìn Chin,La Pan Tẩn,Lùng Khấu Nhin,Nấm Lư,Nậm Chảy,Pha Long,"
            "Tả Gia Khâu,Tả Ngải Chồ,Tả Thàng,Thanh Bình",
            DIFFICULT,
        ),
        (18, 18, 14, 5, 4),
    ),
    District(
        "SMC",
        "huyện Si Ma Cai",
        "Si Ma Cai",
        _communes(TT, "Si Ma Cai", URBAN)
        + _communes(
            X, "Bản Mế,Cán Cấu,Lùng Thẩn,Nàn Sán,Nàn Sín,Quan Hồ Thẩn,Sán Chải,Sín Chéng,Thào Chư Phìn", DIFFICULT
        ),
        (13, 12, 8, 4, 2),
    ),
    District(
        "BHA",
        "huyện Bắc Hà",
        "Bắc Hà",
        _communes(TT, "Bắc Hà", URBAN)
        + _communes(X, "Bảo Nhai", RURAL)
        + _communes(
            X,
            "Bản Cái,Bản Liền,Bản Phố,Cốc Lầu,Cốc Ly,Hoàng Thu Phố,Lùng Cải,Lùng Phình,Na Hối,"
            "Nậm Đét,Nậm Khánh,Nậm Lúc,Nậm Mòn,Tả Củ Tỷ,Tả Van Chư,Thải Giàng Phố",
            DIFFICULT,
        ),
        (20, 20, 15, 6, 3),
    ),
    District(
        "BTH",
        "huyện Bảo Thắng",
        "Bảo Thắng",
        _communes(TT, "Phố Lu,Phong Hải,Tằng Loỏng", URBAN)
        + _communes(X, "Gia Phú,Phong Niên,Sơn Hà,Sơn Hải,Thái Niên,Xuân Giao,Xuân Quang,Bản Phiệt", RURAL)
        + _communes(X, "Bản Cầm,Phú Nhuận,Trì Quang", DIFFICULT),
        (22, 22, 20, 3, 5),
    ),
    District(
        "BYE",
        "huyện Bảo Yên",
        "Bảo Yên",
        _communes(TT, "Phố Ràng", URBAN)
        + _communes(X, "Bảo Hà,Kim Sơn,Xuân Thượng,Yên Sơn", RURAL)
        + _communes(
            X,
            "Cam Cọn,Điện Quan,Lương Sơn,Minh Tân,Nghĩa Đô,Phúc Khánh,Tân Dương,Tân Tiến,"
            "Thượng Hà,Việt Tiến,Vĩnh Yên,Xuân Hòa",
            DIFFICULT,
        ),
        (24, 23, 20, 5, 4),
    ),
    District(
        "VBA",
        "huyện Văn Bàn",
        "Văn Bàn",
        _communes(TT, "Khánh Yên", URBAN)
        + _communes(X, "Võ Lao,Khánh Yên Hạ,Tân An,Làng Giàng,Sơn Thủy", RURAL)
        + _communes(
            X,
            "Chiềng Ken,Dần Thàng,Dương Quỳ,Hòa Mạc,Khánh Yên Thượng,Khánh Yên Trung,Liêm Phú,"
            "Minh Lương,Nậm Chầy,Nậm Dạng,Nậm Tha,Nậm Xây,Nậm Xé,Tân Thượng,Thẩm Dương",
            DIFFICULT,
        ),
        (26, 28, 20, 10, 6),
    ),
)

# Names of the schools of the two towns with wards (the city and Sa Pa): flowers and birds for preschools,
# heroes and scholars for the others, each name used once in the province. THCS Lý Tự Trọng and THCS Lê Quý
# Đôn of the city are named in the plan (I.2, STEM pilots). District seats name their schools like communes.
TOWN_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "TPLC": {
        MN: (
            "Hoa Hồng",
            "Hoa Sen",
            "Hoa Mai",
            "Sơn Ca",
            "Họa Mi",
            "Tuổi Thơ",
            "Vàng Anh",
            "Hoa Phượng",
            "Hoa Sữa",
            "Hướng Dương",
            "Ánh Dương",
            "Thủy Tiên",
            "Hoa Lan",
            "Sao Mai",
            "Hoa Cúc",
            "Hoa Huệ",
        ),
        "private": ("Ánh Sao", "Thiên Thần Nhỏ", "Ngôi Sao Nhỏ", "Cầu Vồng", "Búp Sen Xanh"),
        TH: ("Kim Đồng", "Lê Văn Tám", "Nguyễn Du", "Lê Ngọc Hân", "Hoàng Văn Thụ", "Võ Thị Sáu"),
        THCS: (
            "Lý Tự Trọng",
            "Lê Quý Đôn",
            "Ngô Văn Sở",
            "Chu Văn An",
            "Nguyễn Huệ",
            "Trần Phú",
            "Lê Hồng Phong",
            "Nguyễn Trãi",
            "Hoàng Hoa Thám",
            "Lê Lợi",
            "Phan Bội Châu",
            "Lương Thế Vinh",
        ),
    },
    "SPA": {
        MN: ("Hoa Ban", "Hoa Đào", "Hoa Mận", "Hoa Lê", "Chim Non", "Búp Măng", "Hoa Trà", "Hoa Đỗ Quyên"),
        "private": ("Tuổi Thần Tiên", "Mặt Trời Bé Thơ"),
        TH: ("Trần Quốc Toản", "Vừ A Dính", "Nguyễn Văn Trỗi"),
        THCS: ("Nguyễn Bỉnh Khiêm", "Tô Hiệu", "Trần Hưng Đạo", "Kim Đồng"),
    },
}
# Villages (thôn, bản) that name the satellite sites (điểm trường lẻ) of highland schools.
VILLAGES = (
    "Lao Chải",
    "Sín Chải",
    "Tả Chải",
    "Phìn Hồ",
    "Séo Mý Tỷ",
    "Ý Lình Hồ",
    "Nậm Cang",
    "Suối Thầu",
    "Cát Cát",
    "Ma Tra",
    "Hầu Thào",
    "Lủ Khấu",
    "Mào Sao Phìn",
    "Phìn Chải",
    "Cán Hồ",
    "Na Khui",
    "Nậm Pản",
    "Khe Mụ",
    "Lùng Sán",
    "Ngải Thầu",
    "Choán Thèn",
    "Kin Chu Phìn",
    "Pờ Hồ",
    "Nậm Củm",
    "Sả Hồ",
    "Lùng Chín",
    "Bản Khoang",
    "Bản Pho",
    "Bản Phùng",
    "Tả Giàng Phình",
    "Lếch Mông",
    "Nậm Ngấn",
    "Thải Giàng Sán",
    "Tả Lé",
    "Lũng Pô",
    "Ná Lạn",
    "Nậm Sò",
    "Tùng Chỉn",
    "Sảng Chải",
    "Ngam Xa",
    "Nậm Tôn",
    "Khe Chạn",
    "Làng Mạ",
    "Nà Phát",
)

THPT_OF_CITY = (
    "Trường THPT số 1 thành phố Lào Cai",
    "Trường THPT Chuyên Lào Cai",
    "Trường THPT số 2 thành phố Lào Cai",
    "Trường PTDTNT THPT tỉnh Lào Cai",
    "Trường THPT số 3 thành phố Lào Cai",
    "Trường THPT số 4 thành phố Lào Cai",
)
# The plan names one provincial centre under the department besides the 36 THPT schools; the district
# GDNN-GDTX centres follow it (SPEC §2 puts all continuing education directly under the department).
PROVINCIAL_CENTRE = "Trung tâm Kỹ thuật tổng hợp - Hướng nghiệp - Dạy nghề và Giáo dục thường xuyên tỉnh Lào Cai"

# Baseline proportions (per school unless stated):
# - Internet: "612/612 cơ sở giáo dục có kết nối Internet … 607 trường … cáp quang …; 05 trường sử dụng
#   mạng 4G" (plan I.2). 4G only in difficult areas: 5 of the ~365 difficult schools ≈ 1.4 %.
P_4G_IN_DIFFICULT = 0.014
# - Sites: "413/1.363 điểm trường không có mạng" (plan II.1): 1,363 sites counting each school's main site, so
#   ~750 satellites, of which ~45 % are connected. The main site always has the school's connection. Satellite
#   counts are drawn per (kind, area) so that scale 1 gives ~750; only primary and preschool have many.
SATELLITES: dict[tuple[str, str], tuple[int, int]] = {
    (MN, DIFFICULT): (0, 5),
    (TH, DIFFICULT): (0, 5),
    (TH_THCS, DIFFICULT): (0, 4),
    (MN, RURAL): (0, 1),
    (TH, RURAL): (0, 2),
    (TH_THCS, RURAL): (0, 1),
}
P_SATELLITE_ONLINE = {URBAN: 0.9, RURAL: 0.7, DIFFICULT: 0.38}
# - Computer rooms: "626 phòng Tin học/524 trường/612 trường có phòng Tin học" (I.2) and "88 trường mầm non
#   chưa có phòng máy tính" (II.1): 88 of 193 preschools have none, every other school one or more (626).
P_PRESCHOOL_WITHOUT_ROOM = 88 / 193
P_SECOND_ROOM = {TH: 0.10, THCS: 0.15, TH_THCS: 0.15, GDTX: 0.3}
# - School-management software: "100% các cơ sở giáo dục đã sử dụng phần mềm quản lý nhà trường vnEdu …
#   smas" (I.4).
# - Cashless: "199/612 trường (đạt 32,5%)" (I.5); "các trường khu vực thuận lợi đã bắt đầu sử dụng dịch vụ
#   thanh toán không dùng tiền mặt, triển khai sổ liên lạc điện tử" (I.6): skewed to towns, ≈ 32.5 % overall.
P_CASHLESS = {URBAN: 0.65, RURAL: 0.40, DIFFICULT: 0.20}
# - Electronic contact book: "168/612 trường (đạt 24,4%)" (I.5; 168/612 is 27.5 %, we aim between the two).
P_E_CONTACT_BOOK = {URBAN: 0.55, RURAL: 0.27, DIFFICULT: 0.12}
# History for the previous year: a share of this year's adopters and connections is this year's work.
P_NEW_THIS_YEAR = 0.25


@dataclass
class Province:
    """What ``seed_province`` built: the department, its units and schools (created or found)."""

    department: OrgUnit
    units: list[OrgUnit]
    schools: list[School]
    sites: int = 0
    created: Counter[str] = field(default_factory=Counter)

    def unit(self, code: str) -> OrgUnit:
        return next(u for u in self.units if u.code == code)

    def schools_under(self, unit: OrgUnit) -> list[School]:
        return [s for s in self.schools if s.org_unit.parent_id == unit.pk]


@dataclass(frozen=True)
class _SchoolPlan:
    code: str
    name: str
    kind: str
    area: str
    ward: str
    ownership: str = School.Ownership.PUBLIC


def seed_province(
    *, scale: float, school_year: SchoolYear, rng: random.Random, previous_year: SchoolYear | None = None
) -> Province:
    """Builds (or completes) the demo province; idempotent for a given ``rng`` seed and scale."""
    base = rng.getrandbits(64)
    # create_org_unit refuses a code that exists: look the units up first (a rerun keeps them as they are).
    codes = [DEPARTMENT_CODE, *(district.code for district in DISTRICTS)]
    existing_units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    department = existing_units.get(DEPARTMENT_CODE) or create_org_unit(
        code=DEPARTMENT_CODE, name=DEPARTMENT_NAME, kind=OrgUnit.Kind.DEPARTMENT, parent=None
    )
    province = Province(department=department, units=[], schools=[])
    for district in DISTRICTS:
        unit = existing_units.get(district.code) or create_org_unit(
            code=district.code, name=district.name, kind=OrgUnit.Kind.UNIT, parent=department
        )
        province.units.append(unit)

    plans = _plan_schools(scale=scale, base=base)
    existing_schools = {s.org_unit.code: s for s in School.objects.select_related("org_unit")}
    site_codes = set(OrgUnit.objects.filter(kind=OrgUnit.Kind.SITE).values_list("code", flat=True))
    years = [y for y in (school_year, previous_year) if y is not None]
    infrastructure = {
        (row.school_id, row.school_year_id): row for row in SchoolInfrastructure.objects.filter(school_year__in=years)
    }
    for parent_code, plan in plans:
        parent = province.department if parent_code == DEPARTMENT_CODE else province.unit(parent_code)
        school = _upsert(plan, parent, existing_schools.get(plan.code), province)
        province.schools.append(school)
        draw = random.Random(f"{base}:{plan.code}")
        current, previous, villages = _infrastructure(plan, draw)
        province.sites += _add_sites(school, villages, site_codes, province)
        for year, values in ((school_year, current), (previous_year, previous)):
            if year is not None and not _same(infrastructure.get((school.pk, year.pk)), values):
                set_school_infrastructure(school=school, school_year=year, **values)
    for year in years:
        # Units created above were placed only in the open years; fill the previous year in.
        snapshot_tree(school_year=year)
    return province


def _upsert(plan: _SchoolPlan, parent: OrgUnit, existing: School | None, province: Province) -> School:
    """Calls the upsert service only when something differs, so a second run writes nothing at all."""
    levels = LEVELS_OF_KIND[plan.kind]
    if existing is not None and (
        existing.org_unit.name == nfc(plan.name)
        and existing.org_unit.parent_id == parent.pk
        and existing.levels == levels
        and existing.area == plan.area
        and existing.ownership == plan.ownership
        and existing.ward == nfc(plan.ward)
    ):
        return existing
    school, created = upsert_school(
        code=plan.code,
        name=plan.name,
        parent=parent,
        levels=levels,
        area=plan.area,
        ownership=plan.ownership,
        ward=plan.ward,
    )
    province.created["schools" if created else "schools_updated"] += 1
    return school


def _add_sites(school: School, villages: list[str], existing: set[str], province: Province) -> int:
    for number, village in enumerate(villages, start=1):
        code = f"{school.code}-D{number}"
        if code not in existing:
            create_org_unit(code=code, name=f"Điểm trường {village}", kind=OrgUnit.Kind.SITE, parent=school.org_unit)
            province.created["sites"] += 1
    return len(villages)


def _same(row: SchoolInfrastructure | None, values: dict[str, Any]) -> bool:
    return row is not None and all(getattr(row, name) == value for name, value in values.items())


def scaled_count(full: int, scale: float) -> int:
    """How many of ``full`` schools a scale keeps: at least one, so every kind stays present."""
    return max(1, round(full * scale))


def _apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Splits ``total`` in proportion to ``weights`` (largest remainder), exact when total == sum(weights)."""
    quotas = [total * w / sum(weights) for w in weights]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _plan_schools(*, scale: float, base: int) -> list[tuple[str, _SchoolPlan]]:
    """Every school to seed with the code of its parent, district offices' schools first."""
    per_kind = {}
    for k, kind in enumerate(UNIT_KINDS):
        full = [d.counts[k] for d in DISTRICTS]
        per_kind[kind] = _apportion(scaled_count(sum(full), scale), full)
    # Every district keeps at least one school, so that scoping can be shown at any scale: a district left
    # empty takes a preschool from the district with most.
    for d in range(len(DISTRICTS)):
        if not any(per_kind[kind][d] for kind in UNIT_KINDS):
            donor = max(range(len(DISTRICTS)), key=lambda i: per_kind[MN][i])
            per_kind[MN][donor] -= 1
            per_kind[MN][d] += 1
    plans: list[tuple[str, _SchoolPlan]] = []
    for d, district in enumerate(DISTRICTS):
        for kind in UNIT_KINDS:
            stream = random.Random(f"{base}:{district.key}:{kind}")
            schools = _district_schools(district, kind, per_kind[kind][d], stream)
            plans += [(district.code, plan) for plan in schools]
    stream = random.Random(f"{base}:{THPT}")
    upper = _upper_secondary(stream)
    plans += [(DEPARTMENT_CODE, plan) for plan in upper[: scaled_count(len(upper), scale)]]
    centres = _continuing_education()
    plans += [(DEPARTMENT_CODE, plan) for plan in centres[: scaled_count(len(centres), scale)]]
    return plans


def _district_schools(district: District, kind: str, count: int, rng: random.Random) -> list[_SchoolPlan]:
    """The first ``count`` schools of one kind in one district: the same sequence whatever the count."""
    communes = list(district.communes)
    if kind == TH_THCS:
        # Combined schools are the semi-boarding schools of small highland communes.
        communes = [c for c in communes if c[2] != URBAN] or communes
    order: list[tuple[str, str, str]] = []
    seen: Counter[str] = Counter()
    pools = {kind: list(names) for kind, names in TOWN_NAMES.get(district.key, {}).items()}
    plans = []
    for number in range(1, count + 1):
        if not order:
            order = rng.sample(communes, len(communes))
        prefix, commune, area = order.pop(0)
        seen[commune] += 1
        name, ownership = _school_name(kind, commune, area, seen[commune], pools, rng)
        plans.append(
            _SchoolPlan(
                code=f"{district.key}-{kind}-{number:03d}",
                name=name,
                kind=kind,
                area=area,
                ward=f"{prefix} {commune}",
                ownership=ownership,
            )
        )
    return plans


def _school_name(
    kind: str, commune: str, area: str, nth: int, pools: dict[str, list[str]], rng: random.Random
) -> tuple[str, str]:
    """A school name as the province writes them; ``nth`` counts this kind's schools in the commune so far."""
    public = School.Ownership.PUBLIC
    numbered = f"số {nth} {commune}" if nth > 1 else commune
    if kind == MN:
        if area == URBAN and nth > 1 and rng.random() < 0.4 and pools.get("private"):
            # The few non-public schools of the province are town preschools.
            return f"Trường Mầm non tư thục {pools['private'].pop(0)}", School.Ownership.PRIVATE
        if area == URBAN and pools.get(MN):
            return f"Trường Mầm non {pools[MN].pop(0)}", public
        return f"Trường Mầm non {numbered}", public
    if kind == TH:
        if area == URBAN and nth > 1 and pools.get(TH):
            return f"Trường Tiểu học {pools[TH].pop(0)}", public
        semi_boarding = area == DIFFICULT and rng.random() < 0.5
        return f"Trường {'PTDTBT ' if semi_boarding else ''}Tiểu học {numbered}", public
    if kind == THCS:
        if area == URBAN and pools.get(THCS):
            return f"Trường THCS {pools[THCS].pop(0)}", public
        semi_boarding = area == DIFFICULT and rng.random() < 0.6
        return f"Trường {'PTDTBT ' if semi_boarding else ''}THCS {numbered}", public
    semi_boarding = area == DIFFICULT and rng.random() < 0.7
    return f"Trường {'PTDTBT ' if semi_boarding else ''}TH&THCS {numbered}", public


def _upper_secondary(rng: random.Random) -> list[_SchoolPlan]:
    """The 36 THPT schools, taken district by district so that a small scale still spreads them out."""
    by_district: list[list[tuple[str, tuple[str, str, str]]]] = []
    for district in DISTRICTS:
        count = district.counts[4]
        if district.key == "TPLC":
            names = list(THPT_OF_CITY[:count])
            places = [rng.choice([c for c in district.communes if c[2] == URBAN]) for _ in names]
        else:
            names = [f"Trường THPT số {n} {district.short}" for n in range(1, count + 1)]
            # The first school sits in the district seat, the others serve clusters of outlying communes.
            outlying = [c for c in district.communes if c[2] != URBAN]
            places = [district.seat] + [rng.choice(outlying) for _ in names[1:]]
        by_district.append(list(zip(names, places, strict=True)))
    plans = []
    for rank in range(max(len(schools) for schools in by_district)):
        for schools in by_district:
            if rank < len(schools):
                name, (prefix, commune, area) = schools[rank]
                plans.append(
                    _SchoolPlan(
                        code=f"SGD-THPT-{len(plans) + 1:03d}",
                        name=name,
                        kind=THPT,
                        area=area,
                        ward=f"{prefix} {commune}",
                    )
                )
    return plans


def _continuing_education() -> list[_SchoolPlan]:
    centres = [(PROVINCIAL_CENTRE, ("Phường", "Bình Minh", URBAN))] + [
        (f"Trung tâm GDNN-GDTX {district.title}", district.seat) for district in DISTRICTS
    ]
    return [
        _SchoolPlan(code=f"SGD-GDTX-{n:03d}", name=name, kind=GDTX, area=area, ward=f"{prefix} {commune}")
        for n, (name, (prefix, commune, area)) in enumerate(centres, start=1)
    ]


def _infrastructure(plan: _SchoolPlan, rng: random.Random) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """This year's and last year's infrastructure of one school, and the villages of its satellite sites."""
    low, high = SATELLITES.get((plan.kind, plan.area), (0, 0))
    villages = rng.sample(VILLAGES, rng.randint(low, high))
    online = [rng.random() < P_SATELLITE_ONLINE[plan.area] for _ in villages]
    internet = "4g" if plan.area == DIFFICULT and rng.random() < P_4G_IN_DIFFICULT else "fiber"
    if plan.kind == MN:
        rooms = 0 if rng.random() < P_PRESCHOOL_WITHOUT_ROOM else 1
    elif plan.kind == THPT:
        rooms = rng.randint(2, 3)
    else:
        rooms = 1 + (rng.random() < P_SECOND_ROOM[plan.kind])
    current = {
        "internet": internet,
        "site_count": 1 + len(villages),
        "sites_with_internet": 1 + sum(online),
        "computer_rooms": rooms,
        "has_mis": True,
        "has_cashless": rng.random() < P_CASHLESS[plan.area],
        "has_e_contact_book": rng.random() < P_E_CONTACT_BOOK[plan.area],
    }
    newly_online = sum(1 for is_online in online if is_online and rng.random() < P_NEW_THIS_YEAR)
    previous = {
        **current,
        "internet": "4g" if plan.area == DIFFICULT and rng.random() < 0.05 else internet,
        "sites_with_internet": current["sites_with_internet"] - newly_online,
        "computer_rooms": 0 if plan.kind == MN and rooms and rng.random() < 0.1 else rooms,
        "has_cashless": current["has_cashless"] and rng.random() >= P_NEW_THIS_YEAR,
        "has_e_contact_book": current["has_e_contact_book"] and rng.random() >= P_NEW_THIS_YEAR,
    }
    return current, previous, villages
