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
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from edudx.core.text import fold, nfc

from .models import FacilityItem, FeeCollection, OrgUnit, School, SchoolInfrastructure, SchoolYear, TeachingActivity
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
    # The province's seed: every other stream of the demo (people, facilities…) derives from it and a code.
    seed: int = 0

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
    province = Province(department=department, units=[], schools=[], seed=base)
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
    # The donor must keep a school itself; at the smallest scales it gives a school of another kind when no
    # district can spare a preschool.
    for d in range(len(DISTRICTS)):
        if any(per_kind[kind][d] for kind in UNIT_KINDS):
            continue
        for kind in UNIT_KINDS:
            donors = [
                i for i in range(len(DISTRICTS)) if per_kind[kind][i] and sum(per_kind[k][i] for k in UNIT_KINDS) > 1
            ]
            if donors:
                donor = max(donors, key=lambda i: per_kind[kind][i])
                per_kind[kind][donor] -= 1
                per_kind[kind][d] += 1
                break
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


# ---------------------------------------------------------------------------------------------------------------
# Facilities, teaching activity and fee collections of each school in each year (SPEC §3.2 templates). Written
# with bulk_create from precomputed values, like the people of people/demo.py. What a school's records depend on
# from its people (classes per grade, students) comes in as ``rolls``, read from the stored enrolments.
# ---------------------------------------------------------------------------------------------------------------
BATCH = 5000
Roll = Mapping[str, tuple[int, int]]  # grade → (classes, students in class)

# Facilities. The plan counts "4.563 máy chiếu, màn hình ti vi; 144 bảng tương tác thông minh" (I.2) in 612
# schools, ~7.5 displays a school: a display in ~half of classrooms, more in towns (ours, grown since). Records
# complete "80% cơ sở vật chất … được quản lý bằng hồ sơ số" is the 2025 target (II.1.2.a); baseline ours.
P_CLASSROOM_DISPLAY = {URBAN: 0.85, RURAL: 0.55, DIFFICULT: 0.35}
INTERACTIVE_BOARDS = {URBAN: (0, 3), RURAL: (0, 1), DIFFICULT: (0, 1)}
P_INTERACTIVE_BOARD = {URBAN: 0.6, RURAL: 0.3, DIFFICULT: 0.12}
P_INCOMPLETE = {URBAN: (0.25, 0.12), RURAL: (0.35, 0.20), DIFFICULT: (0.45, 0.28)}  # (previous, current year)
MISSING_FIELD = ("year_in_use",) * 11 + ("condition",) * 7 + ("site",) * 2
MAIN_SITE = "Điểm trường chính"
SUBJECT_ROOMS: dict[str, tuple[tuple[str, str], ...]] = {
    MN: (),
    TH: (
        ("Phòng học bộ môn Âm nhạc", "other"),
        ("Phòng học bộ môn Mĩ thuật", "other"),
        ("Phòng học bộ môn Khoa học - Công nghệ", "lab"),
        ("Phòng học bộ môn Ngoại ngữ", "other"),
    ),
    THCS: (
        ("Phòng học bộ môn Khoa học tự nhiên", "lab"),
        ("Phòng học bộ môn Công nghệ", "lab"),
        ("Phòng học bộ môn Âm nhạc", "other"),
        ("Phòng học bộ môn Mĩ thuật", "other"),
        ("Phòng học bộ môn Ngoại ngữ", "other"),
    ),
    THPT: (
        ("Phòng thí nghiệm Vật lí", "lab"),
        ("Phòng thí nghiệm Hóa học", "lab"),
        ("Phòng thí nghiệm Sinh học", "lab"),
        ("Phòng học bộ môn Công nghệ", "lab"),
        ("Phòng học bộ môn Ngoại ngữ", "other"),
    ),
    GDTX: (("Phòng thí nghiệm Vật lí - Hóa học - Sinh học", "lab"),),
}
PRESCHOOL_GROUP = {"NT": "nhóm Nhà trẻ", "MG3": "lớp Mầm", "MG4": "lớp Chồi", "MG5": "lớp Lá"}

# Teaching activity: periods a year per class in the 2018 general-education programme (Circular 32/2018, 35
# weeks); a school's row for a grade and subject counts them over the grade's classes.
_PRIMARY_COMMON = (("Đạo đức", 35), ("Giáo dục thể chất", 70), ("Âm nhạc", 35), ("Mĩ thuật", 35))
_PRIMARY_ACTIVITY = (("Hoạt động trải nghiệm", 105),)
_PRIMARY_4_5 = (
    ("Tiếng Việt", 245),
    ("Toán", 175),
    ("Tiếng Anh", 140),
    ("Lịch sử và Địa lí", 70),
    ("Khoa học", 70),
    ("Tin học và Công nghệ", 70),
    *_PRIMARY_COMMON,
    *_PRIMARY_ACTIVITY,
)
_LOWER = (
    ("Ngữ văn", 140),
    ("Toán", 140),
    ("Tiếng Anh", 105),
    ("Giáo dục công dân", 35),
    ("Lịch sử và Địa lí", 105),
    ("Khoa học tự nhiên", 140),
    ("Tin học", 35),
    ("Giáo dục thể chất", 70),
    ("Âm nhạc", 35),
    ("Mĩ thuật", 35),
    ("Hoạt động trải nghiệm, hướng nghiệp", 105),
    ("Nội dung giáo dục của địa phương", 35),
)
_UPPER = (
    ("Ngữ văn", 105),
    ("Toán", 105),
    ("Tiếng Anh", 105),
    ("Lịch sử", 52),
    ("Giáo dục thể chất", 70),
    ("Giáo dục quốc phòng và an ninh", 35),
    ("Hoạt động trải nghiệm, hướng nghiệp", 105),
    ("Nội dung giáo dục của địa phương", 35),
    ("Chuyên đề học tập", 105),
)
PROGRAMME: dict[str, tuple[tuple[str, int], ...]] = {
    "1": (("Tiếng Việt", 420), ("Toán", 105), ("Tự nhiên và Xã hội", 70), *_PRIMARY_COMMON, *_PRIMARY_ACTIVITY),
    "2": (("Tiếng Việt", 350), ("Toán", 175), ("Tự nhiên và Xã hội", 70), *_PRIMARY_COMMON, *_PRIMARY_ACTIVITY),
    "3": (
        ("Tiếng Việt", 245),
        ("Toán", 175),
        ("Tiếng Anh", 140),
        ("Tự nhiên và Xã hội", 70),
        ("Tin học và Công nghệ", 70),
        *_PRIMARY_COMMON,
        *_PRIMARY_ACTIVITY,
    ),
    "4": _PRIMARY_4_5,
    "5": _PRIMARY_4_5,
    "6": (*_LOWER, ("Công nghệ", 35)),
    "7": (*_LOWER, ("Công nghệ", 35)),
    "8": (*_LOWER, ("Công nghệ", 35)),
    "9": (*_LOWER, ("Công nghệ", 52)),
    "10": _UPPER,
    "11": _UPPER,
    "12": _UPPER,
}
# Upper-secondary pupils choose four electives of 70 periods: classes follow a natural-science or a social-
# science combination (schools offer both).
NATURAL_ELECTIVES = ("Vật lí", "Hóa học", "Sinh học", "Tin học")
SOCIAL_ELECTIVES = ("Địa lí", "Giáo dục kinh tế và pháp luật", "Công nghệ", "Tin học")
CONTINUING_ELECTIVES = ("Vật lí", "Hóa học", "Sinh học", "Địa lí")
# Online shares, (previous, current year). Targets for 2025: "Tỷ trọng nội dung … trên môi trường số đạt trung
# bình 5% ở bậc tiểu học, 10% ở bậc trung học" (plan II.1.2.c) and SPEC §4's interactive-share targets;
# baselines ours, below the targets and rising. Towns teach more online; Informatics and English most.
ONLINE_SHARE = {"TH": (0.025, 0.042), "SEC": (0.055, 0.085)}
INTERACTIVE_SHARE = {"TH": (0.05, 0.08), "SEC": (0.11, 0.165)}
ONLINE_AREA_FACTOR = {URBAN: 1.35, RURAL: 1.0, DIFFICULT: 0.75}
SUBJECT_ONLINE_FACTOR = {
    "Tin học": 2.2,
    "Tin học và Công nghệ": 2.0,
    "Tiếng Anh": 1.7,
    "Toán": 1.2,
    "Chuyên đề học tập": 1.3,
    "Nội dung giáo dục của địa phương": 1.3,
    "Lịch sử và Địa lí": 1.2,
    "Lịch sử": 1.2,
    "Địa lí": 1.2,
    "Khoa học": 1.1,
    "Khoa học tự nhiên": 1.1,
    "Giáo dục thể chất": 0.1,
    "Giáo dục quốc phòng và an ninh": 0.4,
    "Âm nhạc": 0.5,
    "Mĩ thuật": 0.5,
}

# Fees (đồng). Tuition: none in public primary (Education Law 2019), none in public schools at all from
# 2025-2026 (Resolution 217/2025/QH15), none for pupils of difficult communes (Decree 81/2021); the amounts are
# of the order of Lào Cai's rates (ours). Health insurance: 4.5 % of the base salary (2,340,000 from July 2024)
# for 12 months, 70 % paid by families, collected in the first term; the state pays for ethnic-minority pupils
# of difficult communes and children under 6 (Decree 146/2018). Meals for preschools and town primary schools.
TUITION_MONTHLY = {URBAN: 200_000, RURAL: 100_000}
PRIVATE_TUITION_MONTHLY = 1_500_000
TUITION_FREE_FROM = 2025
MONTHS = {"HK1": 4, "HK2": 5}
MEAL_DAY = {URBAN: 25_000, RURAL: 18_000, DIFFICULT: 12_000}
MEAL_DAYS = 85
P_PRIMARY_MEALS = {URBAN: 0.7, RURAL: 0.3, DIFFICULT: 0.0}
HEALTH_INSURANCE = round(0.045 * 2_340_000 * 12 * 0.7)
P_HEALTH_INSURANCE = {URBAN: 0.92, RURAL: 0.6, DIFFICULT: 0.1}
ACCIDENT_INSURANCE = 150_000
P_ACCIDENT_INSURANCE = {URBAN: 0.5, RURAL: 0.3, DIFFICULT: 0.08}
PARENTS_FUND = {URBAN: 200_000, RURAL: 100_000, DIFFICULT: 50_000}
P_PARENTS_FUND = {URBAN: 0.95, RURAL: 0.8, DIFFICULT: 0.4}
WATER_TERM = 50_000
P_WATER = {URBAN: 0.95, RURAL: 0.8, DIFFICULT: 0.0}
# Cashless share of what a school collects, (previous, current year), whether the school offers a cashless
# channel that year (SchoolInfrastructure.has_cashless) or not (parents paying by bank transfer anyway). Targets
# for 2025: "70% … khu vực thành phố/thị trấn/thị xã, 30% … khu vực nông thôn/khó khăn" (plan II.1.2.b);
# these give ~60 % → ~73 % in towns and ~20 % → ~31 % elsewhere at scale 1 (ours).
CASHLESS_WITH = {URBAN: (0.86, 0.90), RURAL: (0.58, 0.68), DIFFICULT: (0.52, 0.62)}
CASHLESS_WITHOUT = {URBAN: (0.38, 0.40), RURAL: (0.09, 0.15), DIFFICULT: (0.05, 0.10)}
FEE_ITEMS = (
    "Học phí",
    "Tiền ăn bán trú",
    "Tiền nước uống",
    "Bảo hiểm y tế",
    "Bảo hiểm thân thể",
    "Quỹ Hội cha mẹ học sinh",
)


@dataclass(frozen=True)
class _Asset:
    code: str
    name: str
    type: str
    quantity: int
    year_in_use: int
    condition: str
    site: str
    blank_draw: float  # compared with P_INCOMPLETE: below it, the record leaves ``blank`` empty
    blank: str


def seed_school_records(
    *, province: Province, years: Sequence[SchoolYear], rolls: Callable[[], Mapping[tuple[int, int], Roll]]
) -> Counter[str]:
    """Facilities, teaching activity and fees for every school and year (oldest year first) that has none."""
    years = sorted(years, key=lambda y: y.code)
    models = (FacilityItem, TeachingActivity, FeeCollection)
    present = {model: _school_years(model, years) for model in models}
    todo = [
        (school, stage, year)
        for school in province.schools
        for stage, year in enumerate(years)
        if any((school.pk, year.pk) not in present[model] for model in models)
    ]
    created: Counter[str] = Counter()
    if not todo:
        return created
    stored_rolls = rolls()
    facts = SchoolInfrastructure.objects.filter(school_year__in=years).values_list(
        "school_id", "school_year_id", "computer_rooms", "has_cashless"
    )
    infrastructure = {(school, year): (rooms or 0, bool(cashless)) for school, year, rooms, cashless in facts}
    sites: dict[int, list[str]] = defaultdict(list)
    for parent_id, name in (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.SITE).order_by("code").values_list("parent_id", "name")
    ):
        sites[parent_id].append(name)
    current_year = years[-1]
    pending: dict[Any, list[Any]] = {model: [] for model in models}
    for school, stage, year in todo:
        roll = stored_rolls.get((school.pk, year.pk), {})
        base = f"{province.seed}:{school.code}"
        if (school.pk, year.pk) not in present[FacilityItem]:
            # One inventory per school, as of the current year; earlier years hold what was bought before.
            latest = stored_rolls.get((school.pk, current_year.pk)) or roll
            rooms = [infrastructure.get((school.pk, y.pk), (0, False))[0] for y in years]
            assets = _inventory(
                school, random.Random(f"{base}:facilities"), latest, rooms, sites[school.pk], current_year
            )
            blank_share = P_INCOMPLETE[school.area][min(stage, 1) if len(years) > 1 else 1]
            start = year.start_date.year
            pending[FacilityItem] += [
                FacilityItem(
                    school_id=school.pk,
                    school_year_id=year.pk,
                    asset_code=a.code,
                    name=a.name,
                    type=a.type,
                    quantity=a.quantity,
                    year_in_use=None if a.blank_draw < blank_share and a.blank == "year_in_use" else a.year_in_use,
                    condition="" if a.blank_draw < blank_share and a.blank == "condition" else a.condition,
                    site="" if a.blank_draw < blank_share and a.blank == "site" else a.site,
                )
                for a in assets
                if a.year_in_use <= start
            ]
        if (school.pk, year.pk) not in present[TeachingActivity]:
            rng = random.Random(f"{base}:teaching")
            pending[TeachingActivity] += [
                TeachingActivity(school_id=school.pk, school_year_id=year.pk, subject_key=fold(subject), **values)
                for subject, values in _teaching(school, rng, roll, stage=min(stage, 1))
            ]
        if (school.pk, year.pk) not in present[FeeCollection]:
            rng = random.Random(f"{base}:fees:{year.code}")
            cashless = infrastructure.get((school.pk, year.pk), (0, False))[1]
            # The school's habits, the same every year: how far above or below the area's share, by item.
            habits = random.Random(f"{base}:cashless")
            propensity = habits.uniform(0.85, 1.15)
            leanings = {(term, item): habits.uniform(-0.05, 0.05) for term in MONTHS for item in FEE_ITEMS}
            pending[FeeCollection] += [
                FeeCollection(
                    school_id=school.pk,
                    school_year_id=year.pk,
                    term=term,
                    item=item,
                    item_key=fold(item),
                    total_amount=total,
                    cashless_amount=cashed,
                )
                for term, item, total, cashed in _fees(
                    school, rng, roll, year, stage=min(stage, 1), cashless=cashless, share=(propensity, leanings)
                )
            ]
        for model, rows in pending.items():
            if len(rows) >= BATCH:
                model.objects.bulk_create(rows, batch_size=BATCH)
                created[model._meta.model_name] += len(rows)
                rows.clear()
    for model, rows in pending.items():
        model.objects.bulk_create(rows, batch_size=BATCH)
        created[model._meta.model_name] += len(rows)
    return created


def _school_years(model: Any, years: Sequence[SchoolYear]) -> set[tuple[int, int]]:
    """(school id, year id) pairs that already have rows: one grouped query for the whole province."""
    rows = model.objects.filter(school_year__in=years).values_list("school_id", "school_year_id").distinct()
    return set(rows.order_by())


def _kind_of(school: School) -> str:
    levels = school.levels
    return TH_THCS if levels == ["TH", "THCS"] else levels[0]


def _condition(rng: random.Random, age: int, *, fragile: bool = False) -> str:
    """Older equipment is more often in need of repair or broken; computers age fastest ("nhiều phòng máy
    tính … đã hết hạn sử dụng, số máy tính đã hỏng nhiều", plan II.1)."""
    age = age * 2 if fragile else age
    broken, repair = (0.0, 0.04) if age <= 3 else (0.05, 0.2) if age <= 8 else (0.2, 0.35)
    draw = rng.random()
    if draw < broken:
        return FacilityItem.Condition.BROKEN
    if draw < broken + repair:
        return FacilityItem.Condition.NEEDS_REPAIR
    return FacilityItem.Condition.GOOD


def _inventory(
    school: School,
    rng: random.Random,
    roll: Roll,
    computer_rooms: Sequence[int],
    satellites: Sequence[str],
    current_year: SchoolYear,
) -> list[_Asset]:
    """The school's asset lines: rooms, their furniture and displays, computer rooms, office equipment."""
    now = current_year.start_date.year
    kind, area = _kind_of(school), school.area
    counters: Counter[str] = Counter()
    assets: list[_Asset] = []

    def add(prefix: str, name: str, type_: str, quantity: int, oldest: int, *, site: str = MAIN_SITE, year: int = 0):
        counters[prefix] += 1
        year = year or rng.randint(now - oldest, now)
        fragile = type_ in (FacilityItem.Type.COMPUTER, FacilityItem.Type.PROJECTOR)
        assets.append(
            _Asset(
                code=f"{prefix}-{counters[prefix]:03d}",
                name=name,
                type=type_,
                quantity=quantity,
                year_in_use=year,
                condition=_condition(rng, now - year, fragile=fragile),
                site=site,
                blank_draw=rng.random(),
                blank=rng.choice(MISSING_FIELD),
            )
        )

    classes = sum(count for count, _students in roll.values()) or 8
    # Satellite sites hold one or two classrooms each; the main site the rest.
    places = [site for site in satellites for _ in range(rng.randint(1, 2))][: max(0, classes - 1)]
    places += [MAIN_SITE] * (classes - len(places))
    preschool = kind == MN
    for number, site in enumerate(places, start=1):
        add("PH", f"Phòng học số {number}", "classroom", 1, 25, site=site)
        desks = rng.randint(10, 15) if preschool else rng.randint(15, 23)
        who = "trẻ em" if preschool else "học sinh"
        add("TB", f"Bộ bàn ghế {who} phòng học số {number}", "other", desks, 12, site=site)
        add("TB", f"Quạt trần phòng học số {number}", "other", rng.randint(2, 4), 10, site=site)
        if site == MAIN_SITE and rng.random() < P_CLASSROOM_DISPLAY[area]:
            display = "Ti vi" if preschool or rng.random() < 0.5 else "Máy chiếu"
            add("MC", f"{display} phòng học số {number}", "projector", 1, 8, site=site)
        if preschool:
            add("TB", f"Đồ dùng, đồ chơi trong lớp phòng học số {number}", "other", 1, 5, site=site)
        else:
            if rng.random() < 0.5:
                add("TB", f"Bảng chống lóa phòng học số {number}", "other", 1, 8, site=site)
            if rng.random() < 0.4:
                add("TB", f"Tủ đựng đồ dùng dạy học phòng học số {number}", "other", 1, 12, site=site)
    rooms_before, rooms_now = (computer_rooms[0], computer_rooms[-1]) if computer_rooms else (0, 0)
    for number in range(1, rooms_now + 1):
        bought = now if number > rooms_before else 0
        add("PTH", f"Phòng Tin học số {number}", "computer_room", 1, 15, year=bought)
        computers = rng.randint(8, 15) if preschool else rng.randint(20, 35)
        add("MT", f"Máy tính phòng Tin học số {number}", "computer", computers, 12, year=bought)
        add("MC", f"Máy chiếu phòng Tin học số {number}", "projector", 1, 8, year=bought)
    add("MT", "Máy tính văn phòng", "computer", rng.randint(3, 6), 8)
    add("MT", "Máy tính xách tay dùng cho giáo viên", "computer", rng.randint(1, 3 if area == DIFFICULT else 8), 6)
    add("TB", "Máy in", "other", rng.randint(2, 4), 8)
    add("TB", "Máy photocopy", "other", 1, 10)
    add("TB", "Hệ thống loa, âm ly", "other", 1, 8)
    add("TB", "Bộ phát Wi-Fi", "other", rng.randint(2, 6), 5)
    if area != DIFFICULT or rng.random() < 0.4:
        add("TB", "Camera giám sát", "other", rng.randint(4, 16), 5)
    if not preschool:
        add("TV", "Thư viện", "library", 1, 20)
        add("TB", "Tủ, giá sách thư viện", "other", rng.randint(4, 12), 15)
    levels = school.levels
    for level in levels:
        for name, type_ in SUBJECT_ROOMS[level]:
            if area == DIFFICULT and type_ == "other" and rng.random() < 0.5:
                continue  # highland schools often lack the rooms of the arts and languages
            add("PTN", name, type_, 1, 15)
    low, high = INTERACTIVE_BOARDS[area]
    if rng.random() < P_INTERACTIVE_BOARD[area]:
        for _ in range(max(1, rng.randint(low, high))):
            add("BTT", "Bảng tương tác thông minh", "interactive_board", 1, 4)
    for grade, (count, _students) in sorted(roll.items()):
        label = PRESCHOOL_GROUP.get(grade, f"lớp {grade}")
        add("TB", f"Bộ thiết bị dạy học tối thiểu {label}", "other", count, 6)
    if preschool:
        add("TB", "Bộ đồ chơi ngoài trời", "other", rng.randint(3, 8), 10)
        add("TB", "Đàn organ", "other", rng.randint(1, 3), 10)
    if preschool or "PTDTBT" in school.name or "PTDTNT" in school.name:
        add("TB", "Bếp ăn bán trú", "other", 1, 15)
        add("TB", "Tủ lạnh bếp ăn", "other", rng.randint(1, 2), 8)
    if "PTDTBT" in school.name or "PTDTNT" in school.name:
        add("TB", "Phòng ở nội trú học sinh", "other", rng.randint(4, 20), 15)
    add("TB", "Phòng y tế học đường", "other", 1, 20)
    add("TB", "Phòng hội đồng", "other", 1, 25)
    add("TB", "Nhà vệ sinh học sinh", "other", rng.randint(2, 6), 15)
    if area == URBAN or kind in (THPT, GDTX):
        add("TB", "Nhà đa năng", "other", 1, 15)
    return assets


def _teaching(school: School, rng: random.Random, roll: Roll, *, stage: int) -> list[tuple[str, dict[str, Any]]]:
    """(subject, row values) per grade and subject of the year's classes, with online and interactive periods.

    ``rng`` is the school's stream, the same in every year: each row keeps its place among the school's rows
    from year to year, so the shares rise for the same rows."""
    area = school.area
    levels = school.levels
    propensity = rng.uniform(0.5, 1.5)
    natural_share = rng.uniform(0.35, 0.55)
    rows = []
    for grade in [str(g) for g in range(1, 13)]:
        programme = PROGRAMME[grade]
        if int(grade) >= 10:
            electives = CONTINUING_ELECTIVES if "GDTX" in levels else NATURAL_ELECTIVES + SOCIAL_ELECTIVES
            programme = (*programme, *((s, 70) for s in dict.fromkeys(electives)))
        noise = {subject: (rng.uniform(0.6, 1.4), rng.uniform(0.6, 1.4)) for subject, _periods in programme}
        classes = roll.get(grade, (0, 0))[0]
        if not classes:
            continue
        natural = round(classes * natural_share)
        band = "TH" if int(grade) <= 5 else "SEC"
        for subject, periods in programme:
            taught = classes
            if int(grade) >= 10 and "GDTX" not in levels and periods == 70 and subject not in dict(_UPPER):
                taught = (natural if subject in NATURAL_ELECTIVES else 0) + (
                    classes - natural if subject in SOCIAL_ELECTIVES else 0
                )
            if not taught:
                continue
            total = periods * taught
            factor = ONLINE_AREA_FACTOR[area] * propensity * SUBJECT_ONLINE_FACTOR.get(subject, 1.0)
            online_noise, interactive_noise = noise[subject]
            online = min(total, round(total * ONLINE_SHARE[band][stage] * factor * online_noise))
            interactive = min(total, round(total * INTERACTIVE_SHARE[band][stage] * factor * interactive_noise))
            rows.append(
                (
                    subject,
                    {
                        "grade": grade,
                        "subject": subject,
                        "total_periods": total,
                        "online_periods": online,
                        "interactive_periods": interactive,
                    },
                )
            )
    return rows


def _fees(
    school: School,
    rng: random.Random,
    roll: Roll,
    year: SchoolYear,
    *,
    stage: int,
    cashless: bool,
    share: tuple[float, Mapping[tuple[str, str], float]],
) -> list[tuple[str, str, int, int]]:
    """(term, item, total collected, of which cashless) for the year; ``share`` is the school's propensity to
    collect cashless (a factor) and its leaning by (term, item) (added), both the same every year."""
    area, public = school.area, school.ownership == School.Ownership.PUBLIC
    by_level: Counter[str] = Counter()
    for grade, (_classes, students) in roll.items():
        by_level[_level_of_grade(grade, school.levels)] += students
    pupils = sum(by_level.values())
    general = pupils - by_level["MN"]
    start = year.start_date.year
    items: list[tuple[str, str, float]] = []  # (term, item, amount before rounding)
    for term, months in MONTHS.items():
        if not public:
            items.append((term, "Học phí", pupils * PRIVATE_TUITION_MONTHLY * months))
        elif start < TUITION_FREE_FROM and area != DIFFICULT:
            paying = pupils - by_level["TH"]
            items.append((term, "Học phí", paying * TUITION_MONTHLY[area] * months * rng.uniform(0.7, 0.9)))
        eating = by_level["MN"] * 0.9 + by_level["TH"] * P_PRIMARY_MEALS[area]
        if eating:
            items.append((term, "Tiền ăn bán trú", eating * MEAL_DAY[area] * MEAL_DAYS * rng.uniform(0.9, 1.0)))
        if P_WATER[area] and (by_level["MN"] or by_level["TH"] or by_level["THCS"]):
            items.append((term, "Tiền nước uống", pupils * P_WATER[area] * WATER_TERM))
    if general:
        items.append(("HK1", "Bảo hiểm y tế", general * P_HEALTH_INSURANCE[area] * HEALTH_INSURANCE))
        items.append(("HK1", "Bảo hiểm thân thể", general * P_ACCIDENT_INSURANCE[area] * ACCIDENT_INSURANCE))
    items.append(("HK1", "Quỹ Hội cha mẹ học sinh", pupils * P_PARENTS_FUND[area] * PARENTS_FUND[area]))
    propensity, leanings = share
    base = (CASHLESS_WITH if cashless else CASHLESS_WITHOUT)[area][stage] * propensity
    rows = []
    for term, item, amount in items:
        total = round(amount * rng.uniform(0.95, 1.0), -3)
        if total <= 0:
            continue
        part = min(1.0, max(0.0, base + leanings[term, item]))
        rows.append((term, item, int(total), int(round(total * part, -3))))
    return rows


def _level_of_grade(grade: str, levels: Sequence[str]) -> str:
    if not grade.isdigit():
        return MN
    number = int(grade)
    if number <= 5:
        return TH
    if number <= 9:
        return THCS
    return GDTX if GDTX in levels else THPT
