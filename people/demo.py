"""The demo province's people: one account per role, and students and staff with two years of history.

Students and staff are generated school by school, each school from random streams seeded by the province's
seed, its code and the school year, so a school's people are the same whatever the scale and whatever other
schools exist. Figures come from the province's plan "Chuyển đổi số trong ngành Giáo dục và Đào tạo Lào Cai
giai đoạn 2022-2025" (seed document 002, "the plan"), where it gives them; the other proportions are stated
as assumptions next to their constants. Rows are written with ``bulk_create`` straight from precomputed
values (the registry services work row by row, with audit, for imports of one school; a demo province is a
million rows), so nothing here runs per-row logic: ``name_key`` is set here exactly as the import sets it.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any

from django.db.models import Count

from edudx.core.text import fold
from schools.demo import DIFFICULT, RURAL, URBAN, Province
from schools.models import OrgUnit, School, SchoolYear

from .models import (
    ACTIVE_STATUSES,
    Employment,
    Enrolment,
    EnrolmentStatus,
    Position,
    Role,
    StaffMember,
    Student,
    User,
)
from .services import create_user, grant_role

# Printed by seed_demo and written in the README: these accounts exist only in demo databases.
DEMO_PASSWORD = "EduDX-demo-2026"
# Bảo Thắng is the unit of the scoping demo (its staff and one of its schools); the second school admin sits
# in the city, so that each school admin can be shown not to see the other's school.
HOME_UNIT = "PGD-BTH"
OTHER_UNIT = "PGD-TPLC"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    place: str  # "department", "unit", "school" (of HOME_UNIT) or "other_school" (of OTHER_UNIT)


DEMO_ACCOUNTS = (
    DemoAccount("so.admin", "Nguyễn Văn Hải", Role.DEPARTMENT_ADMIN, "department"),
    DemoAccount("so.canbo", "Trần Thị Thu Hà", Role.DEPARTMENT_STAFF, "department"),
    DemoAccount("phong.baothang", "Hoàng Văn Thắng", Role.UNIT_STAFF, "unit"),
    DemoAccount("truong.admin", "Phạm Thị Lan", Role.SCHOOL_ADMIN, "school"),
    DemoAccount("giaovien", "Lò Thị Mai", Role.TEACHER, "school"),
    DemoAccount("thamdinh", "Vũ Đức Minh", Role.REVIEWER, "department"),
    DemoAccount("truong2.admin", "Giàng A Páo", Role.SCHOOL_ADMIN, "other_school"),
)


def seed_demo_accounts(*, province: Province) -> list[tuple[str, str, str]]:
    """Creates the demo accounts (existing ones are kept as they are) and grants their roles; idempotent."""
    home = province.unit(HOME_UNIT)
    places: dict[str, OrgUnit] = {
        "department": province.department,
        "unit": home,
        "school": _demo_school(province.schools_under(home)).org_unit,
        "other_school": _demo_school(province.schools_under(province.unit(OTHER_UNIT))).org_unit,
    }
    existing = {u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])}
    granted = []
    for account in DEMO_ACCOUNTS:
        user = existing.get(account.username) or create_user(
            username=account.username, password=DEMO_PASSWORD, full_name=account.full_name
        )
        unit = places[account.place]
        grant_role(user=user, role=account.role, org_unit=unit)
        granted.append((account.username, str(account.role), unit.code))
    return granted


def _demo_school(schools: list[School]) -> School:
    """A primary school when there is one (the richest data of the demo), else the first school by code."""
    if not schools:
        raise ValueError("the demo unit has no school")  # seed_province keeps a school in every unit
    ordered = sorted(schools, key=lambda s: s.code)
    return next((s for s in ordered if s.level_th), ordered[0])


# ---------------------------------------------------------------------------------------------------------------
# Names. Each ethnic group names people its own way; a share of children (and adults) of the minority groups are
# given names as the Kinh give them. Weights are written by repeating an entry: "Giàng*4 Sùng*3 Lý".
# ---------------------------------------------------------------------------------------------------------------


def _w(text: str) -> tuple[str, ...]:
    """``"Giàng*4 Sùng*3 Thị_Hoài"`` → each entry repeated by its weight, ``_`` read as a space."""
    out: list[str] = []
    for token in text.split():
        name, _, times = token.partition("*")
        out += [name.replace("_", " ")] * int(times or 1)
    return tuple(out)


# Codes of people/ethnicity.py (the 1979 list): the groups of Lào Cai.
KINH, TAY, THAI, HOA, NUNG, MONG = "01", "02", "03", "04", "07", "08"
DAO, GIAY, HA_NHI, LA_CHI, PHU_LA, BO_Y = "09", "25", "35", "38", "40", "49"

MALE_GIVEN = _w(
    "Anh Bảo Bình Công Cường Dũng Đạt Đức Dương Duy Hải Hiếu Hiệp Hoàng Hùng Huy Khang Khánh Khoa Kiên Lâm Long "
    "Lộc Mạnh Minh Nam Nghĩa Nguyên Phong Phúc Quân Quang Sơn Tài Thắng Thành Thịnh Toàn Trung Tuấn Tùng Việt "
    "Vinh Vũ Hưng Hậu Lực Tâm Thái Kiệt"
)
FEMALE_GIVEN = _w(
    "Anh Châm Chi Diệp Dung Giang Hà Hằng Hạnh Hiền Hoa Hoài Hồng Huyền Hương Lan Linh Loan Ly Mai My Nga Ngân "
    "Ngọc Nhung Oanh Phương Quỳnh Thảo Thu Thủy Thương Trang Uyên Vân Yến Hân Nhi Trâm Nhàn Tâm Liên"
)
KINH_MALE_MIDDLE = _w("Văn*3 Đức Minh Quang Hữu Xuân Tiến Thành Gia Bảo Anh Trung Ngọc Đình Công Mạnh Hoàng")
KINH_FEMALE_MIDDLE = _w(
    "Thị*4 Thu Ngọc Minh Thanh Hoài Thùy Khánh Phương Bảo Mai Hải Kim Diệu "
    "Thị_Hoài Thị_Thu Thị_Thanh Thị_Ngọc Thị_Hồng Thị_Minh Thị_Kim"
)


@dataclass(frozen=True)
class NameStyle:
    """How one group names people: surnames, middle names by gender, its own given names, Kinh-style share."""

    surnames: tuple[str, ...]
    male_middle: tuple[str, ...] = ("Văn",)
    female_middle: tuple[str, ...] = ("Thị",)
    male_given: tuple[str, ...] = ()
    female_given: tuple[str, ...] = ()
    common_given: float = 1.0  # share given a name from MALE_GIVEN / FEMALE_GIVEN instead of the group's own


NAME_STYLES: dict[str, NameStyle] = {
    KINH: NameStyle(
        _w(
            "Nguyễn*38 Trần*11 Lê*9 Phạm*7 Hoàng*5 Vũ*4 Đặng*2 Bùi*2 Đỗ*2 Ngô Dương Lý Đào Đinh Phan Đoàn Trịnh "
            "Lương Tạ Mai Hà Cao"
        ),
        KINH_MALE_MIDDLE,
        KINH_FEMALE_MIDDLE,
    ),
    TAY: NameStyle(
        _w("Hoàng*3 Nông*3 La*2 Lương*2 Ma*2 Hà*2 Bế Lò Đàm Vi Nguyễn Hứa Chu Lục"),
        _w("Văn*6 Đức Minh Quang Xuân"),
        _w("Thị*6 Thu Ngọc Hồng"),
    ),
    MONG: NameStyle(  # Giàng A Sử, Sùng Thị Mai, Lý A Dình, Vàng Seo Phử
        _w("Giàng*4 Sùng*3 Lý*3 Vàng*3 Thào*3 Lù*2 Hầu*2 Mã Hạng Tráng Vừ Lầu Cư Ly"),
        _w("A*6 Seo*2 Văn"),
        _w("Thị*6 Seo"),
        _w(
            "Sử Dình Páo Chứ Sình Phử Lử Sểnh Chính Dế Tủa Vảng Cở Chư Sà Pó Sáng Lềnh Thề Chá Giống Nhà Pao Chinh "
            "Dủa Hờ Súng Tùng"
        ),
        _w("Mai Mỷ Dở Chở Sua Pàng Say Sinh Máy Mẩy Dợ Súa Chi Vá Cở Mỵ Pà Sí Lan Hoa Dung Xúa Mý"),
        common_given=0.25,
    ),
    DAO: NameStyle(  # Triệu Thị Lan, Bàn Văn Sơn, Chảo Láo Lở, Tẩn Thị Mẩy
        _w("Triệu*3 Bàn*3 Chảo*3 Đặng*2 Lý*2 Tẩn*2 Phàn*2 Chìu Lò"),
        _w("Văn*5 Láo*2 Kim Tả Tiến"),
        _w("Thị*7 Mẩy"),
        _w("Sơn Lở Phin Lưu Quẩy Chài Sếnh Vần Lìu Chàn Kiềm Phúc Dùng Phấu Tả Sành Quyên Lai Sểu"),
        _w("Lan Mẩy Xiêm Dua Chạn Nhất Sinh Phấy Dín Nái Lở Mây Kiều Dụ Sen Chài"),
        common_given=0.35,
    ),
    GIAY: NameStyle(
        _w("Lò*2 Vương*2 Hoàng Lù Sần Lồ Lục"),
        male_given=_w("Pháng Dín Sinh Chuyên Sáng Pao Sơn"),
        female_given=_w("Tiên Lan Mai Sen Dung Xuân Liên"),
        common_given=0.7,
    ),
    NUNG: NameStyle(
        _w("Nông*3 Hoàng*2 Vi*2 Lục Ngôn Chu Sầm Thèn Lý"),
        male_given=_w("Sáng Pao Phủ Quang Dìn"),
        female_given=_w("Sỉ Mai Sen Dung Lìn"),
        common_given=0.75,
    ),
    HA_NHI: NameStyle(
        _w("Lỳ*2 Pờ*2 Chu*2 Sừ Phu Ly"),
        _w("Chà*2 Xá*2 Lò A"),
        _w("Mé*2 Thị*2 Xé"),
        _w("Pó Chừ Hừ Xá Phạ Chờ Lù Gơ Pa Dì"),
        _w("Xá Mò Dì Xè Cớ Phạ Ló Gơ"),
        common_given=0.3,
    ),
    PHU_LA: NameStyle(
        _w("Lý*2 Vàng*2 Hoàng Phùng Pờ Lò"),
        male_given=_w("Sáng Chín Tà Páo Dìn"),
        female_given=_w("Mỷ Dung Chín Sử"),
        common_given=0.6,
    ),
    THAI: NameStyle(
        _w("Lò*3 Lường*2 Cầm Quàng Tòng Điêu Vì Hoàng"),
        male_given=_w("Pọm Ún Xôm Khặm Ính"),
        female_given=_w("Ún Xôm Pọm Ính Ngoan"),
        common_given=0.7,
    ),
    HOA: NameStyle(_w("Vương*2 Lưu*2 Trương Lâm Hứa Tăng"), _w("Văn*3 Quốc Minh")),
    LA_CHI: NameStyle(_w("Vương*2 Lù Hoàng Cháng")),
    BO_Y: NameStyle(_w("Lò*2 Lù Sầm Hoàng")),
}


def person_name(rng: random.Random, *, ethnicity: str, female: bool) -> str:
    """A full name (surname, middle name, given name) as people of ``ethnicity`` are named."""
    style = NAME_STYLES.get(ethnicity, NAME_STYLES[KINH])
    middle = rng.choice(style.female_middle if female else style.male_middle)
    own = style.female_given if female else style.male_given
    if own and rng.random() >= style.common_given:
        given = rng.choice(own)
    else:
        given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    return f"{rng.choice(style.surnames)} {middle} {given}"


# Lào Cai is a province of many peoples, the Kinh about a third and the Mông a quarter of its population (2019
# census, rounded), the others mostly Tày, Dao, Giáy, Nùng, then Phù Lá, Hà Nhì, La Chí, Bố Y, Thái (our
# assumption for the shares by area; children are more often of the minority groups than adults). Lowland
# towns are mostly Kinh and Tày; highland communes differ by district, so those have their own mix.
STUDENT_MIX: dict[str, tuple[str, ...]] = {
    URBAN: _w("01*66 02*12 25*4 09*5 08*5 07*4 03 04 40 35"),
    RURAL: _w("01*42 02*20 09*14 08*9 25*5 07*5 40*2 03*2 38 49"),
    DIFFICULT: _w("08*40 09*20 02*12 01*9 25*6 07*6 40*3 35*2 38 49"),
}
HIGHLAND_MIX: dict[str, tuple[str, ...]] = {
    "SMC": _w("08*82 07*6 01*4 09*2 25*2 40*2 49*2"),
    "BHA": _w("08*58 07*10 09*10 02*6 01*6 25*4 40*4 49*2"),
    "MKH": _w("08*52 07*16 09*8 01*8 25*6 40*4 49*4 02*2"),
    "SPA": _w("08*55 09*30 25*6 01*5 02*2 35*2"),
    "BXA": _w("08*36 09*28 35*9 25*9 01*8 02*4 40*3 38*3"),
    "BYE": _w("02*36 09*28 08*14 01*12 40*6 07*2 25*2"),
    "VBA": _w("02*34 09*28 08*16 01*12 40*6 03*2 25*2"),
}
# Teachers and staff are more often Kinh and Tày, many from the lowland districts and other provinces.
STAFF_MIX: dict[str, tuple[str, ...]] = {
    URBAN: _w("01*80 02*10 07*3 25*2 09*2 08*2 03"),
    RURAL: _w("01*55 02*25 07*6 25*5 09*5 08*3 03"),
    DIFFICULT: _w("01*45 02*20 08*12 09*10 25*5 07*5 40*2 35"),
}


# ---------------------------------------------------------------------------------------------------------------
# How many students, in which grades and classes.
# ---------------------------------------------------------------------------------------------------------------
BATCH = 5000  # rows per INSERT; a flush writes whatever a run of schools has accumulated past it

PRESCHOOL = ("NT", "MG3", "MG4", "MG5")
GRADES_OF_LEVEL: dict[str, tuple[str, ...]] = {
    "MN": PRESCHOOL,
    "TH": ("1", "2", "3", "4", "5"),
    "THCS": ("6", "7", "8", "9"),
    "THPT": ("10", "11", "12"),
    "GDTX": ("10", "11", "12"),  # continuing education follows the upper-secondary programme
}
NEXT_GRADE = {
    **dict(pairwise(PRESCHOOL)),
    **{str(g): str(g + 1) for g in range(1, 12)},
}
# The age a child reaches in the calendar year its school year starts: grade 1 at 6 (born 2019 for 2025-2026).
AGE_IN_START_YEAR = {"NT": 2, "MG3": 3, "MG4": 4, "MG5": 5, **{str(g): g + 5 for g in range(1, 13)}}
PRESCHOOL_CLASS = {"NT": "Nhà trẻ", "MG3": "Lớp Mầm", "MG4": "Lớp Chồi", "MG5": "Lớp Lá"}
CLASS_LETTERS = "ABCDEGHIKLMNOPQRSTUVXY"  # the Vietnamese alphabet has no F, J, W, Z: 1A, 1B … 1E, 1G
# At most 35 pupils a class (the primary school charter, Circular 28/2020; secondary schools may take 45, the
# province's rarely do) and 25 in a toddler group (the preschool charter).
CLASS_SIZE = {"NT": 25}
MAX_CLASS = 35

# Students per school at area factor 1, by level. The plan counts 228,322 pupils and children in 612 schools,
# of which 168,652 in general education (I.5), so ~59,700 children in the 193 preschools; we split general
# education ~85,000 primary, ~58,000 lower-secondary, ~24,000 upper-secondary, ~2,000 in continuing education
# (our assumption). Combined TH&THCS schools are the small semi-boarding schools of the highlands.
ROLL = {"MN": 306, "TH": 405, "THCS": 347, "THPT": 635, "GDTX": 200}
ROLL_COMBINED = {"TH": 272, "THCS": 223}
# Town schools are larger, highland ones smaller; the factors average ~1 over each kind's mix of areas.
AREA_FACTOR = {URBAN: 1.7, RURAL: 1.1, DIFFICULT: 0.75}
AREA_FACTOR_UPPER = {URBAN: 1.3, RURAL: 1.0, DIFFICULT: 0.85}
PRIVATE_FACTOR = 0.35  # the few private preschools of the city are small
# Fewer toddlers than five-year-olds attend (MG5 is universal); fewer pupils in the last grades (dropout).
GRADE_WEIGHTS = {
    "MN": (0.48, 1.04, 1.16, 1.32),
    "TH": (1.0, 1.0, 1.0, 1.0, 1.0),
    "THCS": (1.04, 1.01, 0.99, 0.96),
    "THPT": (1.05, 1.0, 0.95),
    "GDTX": (1.1, 1.0, 0.9),
}

# Statuses (our assumption): repeating is rare and mostly in grade 1 (children learning Vietnamese as a second
# language); dropout stays under 1 % but is highest in highland secondary schools.
P_REPEAT = {"1": 0.02, "2": 0.008, "3": 0.006, "4": 0.004, "5": 0.003, **{str(g): 0.008 for g in range(6, 13)}}
P_TRANSFER = 0.008
P_DROP = {"MN": 0.004, "TH": 0.002, "THCS": 0.006, "THPT": 0.008, "GDTX": 0.03}
HIGHLAND_DROP_FACTOR = 2.5  # secondary schools in difficult areas
P_LATE_ENTRY = {URBAN: 0.005, RURAL: 0.015, DIFFICULT: 0.04}  # a year older than the grade's age
P_DISABILITY = 0.01
P_DISABILITY_UNKNOWN = 0.005

# National IDs (SPEC §3.1): born in Lào Cai (010) for most; from elsewhere more often in towns. Young children
# more often have no ID yet (~4 % overall). A few IDs whose gender digit disagrees and a few rows without
# ethnicity are data-quality problems kept on purpose, so that the data-quality page has something to show.
LAO_CAI = "010"
OTHER_PROVINCES = ("015", "002", "025", "012", "001", "038", "036", "034", "040", "008", "019", "011")
P_OTHER_PROVINCE = {URBAN: 0.10, RURAL: 0.04, DIFFICULT: 0.01}
P_STAFF_OTHER_PROVINCE = {URBAN: 0.22, RURAL: 0.14, DIFFICULT: 0.10}
P_NO_ID = {"MN": 0.09, "TH": 0.03, "THCS": 0.02, "THPT": 0.015, "GDTX": 0.03}
P_STAFF_NO_ID = 0.005
P_WRONG_GENDER_DIGIT = 0.0005
P_NO_ETHNICITY = 0.003

# Digital-learning facts, (previous year, current year); each continuing student keeps what they had and
# gains with the probability that brings the share to the current year's.
# - Device and Internet: target "50% học sinh … có đủ điều kiện (về phương tiện, đường truyền…)" (plan II.1.2.c)
#   for 2025; baseline ours: towns near it, highland families far below; secondary pupils more often have one.
DEVICE = {
    ("TH", URBAN): (0.70, 0.78),
    ("TH", RURAL): (0.45, 0.55),
    ("TH", DIFFICULT): (0.18, 0.27),
    ("SEC", URBAN): (0.82, 0.88),
    ("SEC", RURAL): (0.58, 0.67),
    ("SEC", DIFFICULT): (0.30, 0.40),
}
INTERNET_WITH_DEVICE = {URBAN: (0.95, 0.97), RURAL: (0.85, 0.90), DIFFICULT: (0.68, 0.76)}
INTERNET_WITHOUT_DEVICE = {URBAN: (0.60, 0.65), RURAL: (0.40, 0.45), DIFFICULT: (0.12, 0.16)}
# - Electronic transcripts: "100% học sinh phổ thông có hồ sơ số; 73,9% học sinh có học bạ điện tử" but
#   "học bạ … mới dừng ở mức độ tin học hóa chứ chưa thực sự trở thành … học bạ điện tử" (plan I.5, 5.2);
#   target 100 % (II.1.2.a). A school adopts signed e-transcripts for a whole level at once (share of schools,
#   ours); in an adopting school nearly every pupil has one, elsewhere a pilot class or two.
E_TRANSCRIPT_SCHOOLS = {"TH": (0.68, 0.92), "THCS": (0.55, 0.82), "THPT": (0.45, 0.75), "GDTX": (0.30, 0.60)}
E_TRANSCRIPT_IN_ADOPTER = 0.97
E_TRANSCRIPT_ELSEWHERE = 0.02

# ---------------------------------------------------------------------------------------------------------------
# Staff. Norms: Circular 16/2017 (teachers per class: 1.5 primary, 1.9 lower, 2.25 upper secondary; preschool
# 2 per class, Circular 06/2015), ~10 % under the norm as in most mountain provinces (ours); 1 principal and 1–2
# vice-principals; employees by size and by boarding (cooks, nurse, accountant, library and equipment clerks).
# ---------------------------------------------------------------------------------------------------------------
TEACHERS_PER_CLASS = {"MN": 1.85, "TH": 1.45, "THCS": 1.8, "THPT": 2.1, "GDTX": 1.6}
BOARDING_TEACHER_FACTOR = 1.1
EMPLOYEES = {"MN": 2, "TH": 2, "THCS": 3, "THPT": 5, "GDTX": 3}
P_STAFF_STAYS = 0.95  # retirements and transfers between two years
P_FEMALE_TEACHER = {"MN": 0.98, "TH": 0.78, "THCS": 0.68, "THPT": 0.60, "GDTX": 0.55}
P_FEMALE = {Position.MANAGER: 0.50, Position.EMPLOYEE: 0.65}
SUBJECTS: dict[str, tuple[str, ...]] = {
    "MN": _w("Giáo_dục_mầm_non"),
    "TH": _w("Giáo_dục_tiểu_học*75 Tiếng_Anh*7 Tin_học*5 Giáo_dục_thể_chất*5 Âm_nhạc*4 Mĩ_thuật*4"),
    "THCS": _w(
        "Toán*16 Ngữ_văn*16 Tiếng_Anh*11 Khoa_học_tự_nhiên*16 Lịch_sử_và_Địa_lí*11 Giáo_dục_công_dân*4 Tin_học*5 "
        "Công_nghệ*4 Giáo_dục_thể_chất*7 Âm_nhạc*4 Mĩ_thuật*4"
    ),
    "THPT": _w(
        "Toán*14 Ngữ_văn*12 Tiếng_Anh*11 Vật_lí*8 Hóa_học*7 Sinh_học*6 Lịch_sử*6 Địa_lí*6 "
        "Giáo_dục_kinh_tế_và_pháp_luật*5 Tin_học*6 Công_nghệ*4 Giáo_dục_thể_chất*7 "
        "Giáo_dục_quốc_phòng_và_an_ninh*3 Âm_nhạc Mĩ_thuật"
    ),
    "GDTX": _w("Toán*3 Ngữ_văn*3 Vật_lí*2 Hóa_học*2 Sinh_học*2 Lịch_sử*2 Địa_lí*2 Tin_học*2 Tiếng_Anh"),
}
# Qualifications (ours): the 2019 Education Law asks a college degree for preschool and a bachelor's for the
# other levels; a few older teachers are still upgrading.
QUALIFICATIONS: dict[str, tuple[str, ...]] = {
    "MN": _w("bachelor*55 college*35 vocational*8 master*2"),
    "TH": _w("bachelor*80 college*17 master*2 vocational"),
    "THCS": _w("bachelor*90 college*6 master*4"),
    "THPT": _w("bachelor*82 master*17 doctorate"),
    "GDTX": _w("bachelor*85 master*15"),
    "manager": _w("bachelor*70 master*30"),
    "employee": _w("vocational*40 college*20 bachelor*25 other*15"),
}
# Digital facts, (previous year, current year). Targets: "100% CBQL, giáo viên có chữ ký số" (plan II.1.2.b),
# "100% CBQL, giáo viên, nhân viên được … bồi dưỡng … kỹ năng số cơ bản" and "100% giáo viên … đủ điều kiện …
# dạy và học trên môi trường số" (II.1.2.c); baseline "95% giáo viên có thể ứng dụng CNTT cơ bản …; 30% …
# thành thạo các công cụ e-learning" (I.3). Self-training accounts: every teacher is to have one (the national
# training platform), most already do. The shares themselves are our assumption, between baseline and target.
SIGNATURE = {Position.MANAGER: (0.90, 0.98), Position.TEACHER: (0.55, 0.78), Position.EMPLOYEE: (0.30, 0.42)}
SELF_TRAINING = {Position.MANAGER: (0.90, 0.97), Position.TEACHER: (0.88, 0.96), Position.EMPLOYEE: (0.0, 0.0)}
TRAINED = {Position.MANAGER: (0.75, 0.92), Position.TEACHER: (0.62, 0.80), Position.EMPLOYEE: (0.45, 0.62)}
TEACH_ONLINE = {URBAN: (0.72, 0.84), RURAL: (0.58, 0.72), DIFFICULT: (0.42, 0.58)}
HIGHLAND_STAFF_FACTOR = 0.9  # signatures and training reach highland schools later
P_FLAGS_UNREPORTED = 0.01  # a school left the four columns blank for someone


def _rise(before: bool | None, shares: tuple[float, float], rng: random.Random) -> bool:
    """This year's value of a yes/no fact that only ever turns on: kept if it was on, else gained at the rate
    that brings the share from last year's to this year's."""
    first, second = shares
    if before is None:
        return rng.random() < second
    if before:
        return True
    return second > first and rng.random() < (second - first) / (1 - first)


@dataclass(slots=True)
class _Pupil:
    student: Student | int  # a new Student, written with the next flush, or the id of a stored one
    grade: str
    class_name: str
    status: str
    device: bool | None = None
    internet: bool | None = None
    transcript: bool | None = None


@dataclass(slots=True)
class _Worker:
    staff: StaffMember | int
    position: str
    qualification: str
    subject: str
    signature: bool | None
    self_training: bool | None
    trained: bool | None
    online: bool | None


@dataclass(frozen=True)
class _Profile:
    """What a school's people depend on, drawn once per school from its own stream."""

    school: School
    levels: tuple[str, ...]
    area: str
    district: str  # the district key ("SMC"); "" for the department's schools
    boarding: bool
    size: dict[str, float]  # level → students expected
    adoption: dict[str, float]  # level → the school's place in the order of adopting e-transcripts


def _level_of(grade: str, levels: Sequence[str]) -> str:
    if grade in PRESCHOOL:
        return "MN"
    number = int(grade)
    if number <= 5:
        return "TH"
    if number <= 9:
        return "THCS"
    return "GDTX" if "GDTX" in levels else "THPT"


def class_name(grade: str, index: int, level: str) -> str:
    """``1A``, ``10A2``, ``Lớp Mầm 1``: the class names schools use."""
    if grade in PRESCHOOL_CLASS:
        return f"{PRESCHOOL_CLASS[grade]} {index + 1}"
    if level in ("THPT", "GDTX"):
        return f"{grade}A{index + 1}"
    return f"{grade}{CLASS_LETTERS[index % len(CLASS_LETTERS)]}"


@lru_cache(maxsize=200_000)
def _name_key(full_name: str) -> str:
    return fold(full_name)


class _PeopleSeeder:
    """Generates and writes the students and staff of the schools that have none for the two years."""

    def __init__(self, *, seed: int, previous: SchoolYear, current: SchoolYear, units: dict[int, str]) -> None:
        self.seed = seed
        self.years = (previous, current)
        self.units = units  # org unit id → code, to tell a school's district
        self.used_ids: set[str] | None = None
        self.students: list[Student] = []
        self.enrolments: list[tuple[Any, ...]] = []
        self.staff: list[StaffMember] = []
        self.employments: list[tuple[Any, ...]] = []
        self.created: Counter[str] = Counter()

    # -- the run -------------------------------------------------------------------------------------------
    def run(self, schools: Sequence[School]) -> Counter[str]:
        previous, current = self.years
        enrolled = _school_years(Enrolment, self.years)
        employed = _school_years(Employment, self.years)
        # A school has its two years already (skip), none (generate both), or only last year's (a run with the
        # year before as the current one): then this year continues from what is stored.
        continued_students = [s.pk for s in schools if _only_first(s.pk, enrolled, self.years)]
        continued_staff = [s.pk for s in schools if _only_first(s.pk, employed, self.years)]
        stored_pupils = _stored_pupils(continued_students, previous)
        stored_workers = _stored_workers(continued_staff, previous)
        stored_rolls: dict[tuple[int, int], dict[str, tuple[int, int]]] | None = None
        for school in schools:
            key0, key1 = (school.pk, previous.pk), (school.pk, current.pk)
            students_todo = key1 not in enrolled
            staff_todo = key1 not in employed
            if key0 not in enrolled and key1 in enrolled:
                self.created["schools_without_history"] += 1
            if not students_todo and not staff_todo:
                continue
            profile = self._profile(school)
            rosters: list[list[_Pupil]] | None = None
            if students_todo:
                if key0 in enrolled:
                    first = stored_pupils.get(school.pk, [])
                else:
                    first = self._first_roster(profile)
                    self._enrol(school, previous, first)
                second = self._next_roster(profile, first)
                self._enrol(school, current, second)
                rosters = [first, second]
                self.created["schools_with_new_students"] += 1
            if staff_todo:
                if rosters is not None:
                    classes = [_classes_by_level(roster, profile.levels) for roster in rosters]
                else:
                    if stored_rolls is None:
                        stored_rolls = enrolled_rolls(years=self.years)
                    classes = [_classes_from_roll(stored_rolls.get((school.pk, y.pk), {}), profile) for y in self.years]
                if key0 in employed:
                    workers = stored_workers.get(school.pk, [])
                else:
                    workers = self._first_staff(profile, classes[0])
                    self._employ(school, previous, workers)
                self._employ(school, current, self._next_staff(profile, workers, classes[1]))
            if len(self.students) >= BATCH:
                self._flush_students()
            if len(self.staff) >= BATCH:
                self._flush_staff()
        self._flush_students()
        self._flush_staff()
        return self.created

    def _profile(self, school: School) -> _Profile:
        rng = random.Random(f"{self.seed}:{school.code}:profile")
        levels = tuple(school.levels)
        area = school.area
        combined = "TH" in levels and "THCS" in levels
        size = {}
        for level in levels:
            base = ROLL_COMBINED[level] if combined else ROLL[level]
            factor = {"THPT": AREA_FACTOR_UPPER, "GDTX": dict.fromkeys(AREA_FACTOR, 1.0)}.get(level, AREA_FACTOR)
            size[level] = base * factor[area] * rng.uniform(0.75, 1.25)
            if school.ownership != School.Ownership.PUBLIC:
                size[level] *= PRIVATE_FACTOR
        name = school.name
        unit = self.units.get(school.org_unit.parent_id or 0, "")
        return _Profile(
            school=school,
            levels=levels,
            area=area,
            district=unit.removeprefix("PGD-") if unit.startswith("PGD-") else "",
            boarding="PTDTBT" in name or "PTDTNT" in name,
            size=size,
            adoption={level: rng.random() for level in levels},
        )

    def _stream(self, profile: _Profile, year: SchoolYear, what: str) -> random.Random:
        return random.Random(f"{self.seed}:{profile.school.code}:{what}:{year.code}")

    # -- students ------------------------------------------------------------------------------------------
    def _targets(self, profile: _Profile, rng: random.Random) -> list[tuple[str, str, int]]:
        """(level, grade, students) for a year: the school's size spread over its grades, with some noise."""
        out = []
        for level in profile.levels:
            weights = GRADE_WEIGHTS[level]
            per_grade = profile.size[level] / sum(weights)
            for grade, weight in zip(GRADES_OF_LEVEL[level], weights, strict=True):
                out.append((level, grade, max(3, round(per_grade * weight * rng.uniform(0.9, 1.1)))))
        return out

    def _first_roster(self, profile: _Profile) -> list[_Pupil]:
        year = self.years[0]
        rng = self._stream(profile, year, "students")
        pupils = []
        for level, grade, count in self._targets(profile, rng):
            group = []
            for _ in range(count):
                status = self._status(profile, level, grade, rng, stage=0, fresh=True)
                pupil = self._new_pupil(profile, level, grade, year, rng, status=status)
                self._fresh_flags(profile, level, pupil, rng, stage=0)
                group.append(pupil)
            _assign_classes(group, grade, level)
            pupils += group
        return pupils

    def _next_roster(self, profile: _Profile, before: list[_Pupil]) -> list[_Pupil]:
        """The current year: the same students a grade up (a few repeat), last grades gone, new intake."""
        year = self.years[1]
        rng = self._stream(profile, year, "students")
        grades = {g for level in profile.levels for g in GRADES_OF_LEVEL[level]}
        by_grade: dict[str, list[_Pupil]] = defaultdict(list)
        for old in sorted(before, key=lambda p: (p.grade, p.class_name)):
            if old.status not in ACTIVE_STATUSES:
                continue  # transferred or dropped out last year
            if rng.random() < P_REPEAT.get(old.grade, 0.0):
                grade, status = old.grade, EnrolmentStatus.REPEATING
            else:
                grade, status = NEXT_GRADE.get(old.grade, ""), EnrolmentStatus.STUDYING
                if grade not in grades:
                    continue  # the school's last grade (MG5, 5, 9, 12): they leave
            pupil = _Pupil(old.student, grade, old.class_name, status)
            self._carry_flags(profile, old, pupil, rng)
            by_grade[grade].append(pupil)
        pupils = []
        for level, grade, count in self._targets(profile, rng):
            group = by_grade.pop(grade, [])
            group.sort(key=lambda p: p.status == EnrolmentStatus.REPEATING)  # repeaters after the class they join
            for pupil in group:
                pupil.status = self._status(profile, level, grade, rng, stage=1, fresh=False, current=pupil.status)
            for _ in range(count - len(group)):  # the first grade's intake, and pupils moving in
                status = self._status(profile, level, grade, rng, stage=1, fresh=False)
                pupil = self._new_pupil(profile, level, grade, year, rng, status=status)
                self._fresh_flags(profile, level, pupil, rng, stage=1)
                group.append(pupil)
            _assign_classes(group, grade, level)
            pupils += group
        return pupils

    def _status(
        self,
        profile: _Profile,
        level: str,
        grade: str,
        rng: random.Random,
        *,
        stage: int,
        fresh: bool,
        current: str = EnrolmentStatus.STUDYING,
    ) -> str:
        drop = P_DROP[level] * (0.8 if stage else 1.0)
        if profile.area == DIFFICULT and level in ("THCS", "THPT"):
            drop *= HIGHLAND_DROP_FACTOR
        draw = rng.random()
        if draw < drop:
            return EnrolmentStatus.DROPPED
        if draw < drop + P_TRANSFER:
            return EnrolmentStatus.TRANSFERRED
        if fresh and draw < drop + P_TRANSFER + P_REPEAT.get(grade, 0.0):
            return EnrolmentStatus.REPEATING
        return current

    def _new_pupil(
        self, profile: _Profile, level: str, grade: str, year: SchoolYear, rng: random.Random, *, status: str
    ) -> _Pupil:
        older = status == EnrolmentStatus.REPEATING or rng.random() < P_LATE_ENTRY[profile.area]
        born = year.start_date.year - AGE_IN_START_YEAR[grade] - older
        mix = STUDENT_MIX[profile.area]
        if profile.area == DIFFICULT:
            mix = HIGHLAND_MIX.get(profile.district, mix)
        person = self._person(
            rng,
            mix=mix,
            female=rng.random() < 0.485,
            born=born,
            no_id=P_NO_ID[level],
            elsewhere=P_OTHER_PROVINCE[profile.area],
            wrong_digit=P_WRONG_GENDER_DIGIT,
        )
        draw = rng.random()
        student = Student(**person, disability=None if draw < P_DISABILITY_UNKNOWN else draw > 1 - P_DISABILITY)
        self.students.append(student)
        self.created["students"] += 1
        return _Pupil(student, grade, "", status)

    def _fresh_flags(self, profile: _Profile, level: str, pupil: _Pupil, rng: random.Random, *, stage: int) -> None:
        if level == "MN":
            return  # not asked of preschools: the indicators count grades 1–12
        area = profile.area
        pupil.device = rng.random() < DEVICE["TH" if level == "TH" else "SEC", area][stage]
        internet = INTERNET_WITH_DEVICE if pupil.device else INTERNET_WITHOUT_DEVICE
        pupil.internet = rng.random() < internet[area][stage]
        adopted = profile.adoption[level] < E_TRANSCRIPT_SCHOOLS[level][stage]
        pupil.transcript = rng.random() < (E_TRANSCRIPT_IN_ADOPTER if adopted else E_TRANSCRIPT_ELSEWHERE)

    def _carry_flags(self, profile: _Profile, old: _Pupil, new: _Pupil, rng: random.Random) -> None:
        level = _level_of(new.grade, profile.levels)
        if level == "MN":
            return
        if old.device is None:  # from preschool (MG5 → 1 in a school with both), or not reported last year
            self._fresh_flags(profile, level, new, rng, stage=1)
            return
        area = profile.area
        new.device = _rise(old.device, DEVICE["TH" if level == "TH" else "SEC", area], rng)
        before = (INTERNET_WITH_DEVICE if old.device else INTERNET_WITHOUT_DEVICE)[area][0]
        after = (INTERNET_WITH_DEVICE if new.device else INTERNET_WITHOUT_DEVICE)[area][1]
        new.internet = _rise(old.internet, (before, after), rng)
        if profile.adoption[level] < E_TRANSCRIPT_SCHOOLS[level][1] and not old.transcript:
            new.transcript = rng.random() < E_TRANSCRIPT_IN_ADOPTER
        else:
            new.transcript = bool(old.transcript)

    def _enrol(self, school: School, year: SchoolYear, pupils: Iterable[_Pupil]) -> None:
        for p in pupils:
            self.enrolments.append(
                (p.student, school.pk, year.pk, p.grade, p.class_name, p.status, p.device, p.internet, p.transcript)
            )

    # -- staff ---------------------------------------------------------------------------------------------
    def _needs(self, profile: _Profile, classes: dict[str, int], rng: random.Random) -> dict[str, int]:
        """Posts to fill in a year: teachers by level, managers, employees."""
        total = sum(classes.values())
        needs = {}
        for level in profile.levels:
            factor = BOARDING_TEACHER_FACTOR if profile.boarding and level in ("TH", "THCS") else 1.0
            teachers = classes.get(level, 0) * TEACHERS_PER_CLASS[level] * factor * rng.uniform(0.9, 1.02)
            needs[level] = max(1, round(teachers))
        needs[Position.MANAGER] = 1 + (total >= 6) + (total >= 18 or len(profile.levels) > 1)
        main = profile.levels[0]
        employees = EMPLOYEES[main] + (total // 4 if main == "MN" else total // 10) + 2 * profile.boarding
        needs[Position.EMPLOYEE] = max(1, employees)
        return needs

    def _first_staff(self, profile: _Profile, classes: dict[str, int]) -> list[_Worker]:
        year = self.years[0]
        rng = self._stream(profile, year, "staff")
        workers = []
        for post, count in self._needs(profile, classes, rng).items():
            workers += [self._new_worker(profile, post, year, rng, stage=0) for _ in range(count)]
        return workers

    def _next_staff(self, profile: _Profile, before: list[_Worker], classes: dict[str, int]) -> list[_Worker]:
        year = self.years[1]
        rng = self._stream(profile, year, "staff")
        needs = self._needs(profile, classes, rng)
        workers = []
        for old in before:
            if rng.random() >= P_STAFF_STAYS:
                continue
            workers.append(self._carry_worker(profile, old, rng))
        held = Counter(w.position for w in workers)
        teachers_needed = sum(n for post, n in needs.items() if post in GRADES_OF_LEVEL)
        for post, count in needs.items():
            if post in GRADES_OF_LEVEL:  # a level: hire for the teachers missing, in proportion to its needs
                missing = teachers_needed - held[Position.TEACHER]
                count = round(missing * count / teachers_needed) if missing > 0 else 0
            else:
                count -= held[post]
            workers += [self._new_worker(profile, post, year, rng, stage=1, young=True) for _ in range(count)]
        return workers

    def _new_worker(
        self, profile: _Profile, post: str, year: SchoolYear, rng: random.Random, *, stage: int, young: bool = False
    ) -> _Worker:
        if post in GRADES_OF_LEVEL:
            position, level = Position.TEACHER, post
            female = P_FEMALE_TEACHER[level]
            qualification = rng.choice(QUALIFICATIONS[level])
            subject = rng.choice(SUBJECTS[level])
        else:
            position, level = post, profile.levels[0]
            female = P_FEMALE[post] if level != "MN" else 0.95
            qualification = rng.choice(QUALIFICATIONS[post])
            subject = rng.choice(SUBJECTS[level]) if post == Position.MANAGER else ""
        age = rng.randint(23, 35) if young else rng.randint(30 if position == Position.MANAGER else 23, 59)
        person = self._person(
            rng,
            mix=STAFF_MIX[profile.area],
            female=rng.random() < female,
            born=year.start_date.year - age,
            no_id=P_STAFF_NO_ID,
            elsewhere=P_STAFF_OTHER_PROVINCE[profile.area],
            wrong_digit=2 * P_WRONG_GENDER_DIGIT,
        )
        staff = StaffMember(**person)
        self.staff.append(staff)
        self.created["staff"] += 1
        worker = _Worker(staff, position, qualification, subject, None, None, None, None)
        return self._staff_flags(profile, worker, None, rng, stage=stage)

    def _carry_worker(self, profile: _Profile, old: _Worker, rng: random.Random) -> _Worker:
        worker = _Worker(old.staff, old.position, old.qualification, old.subject, None, None, None, None)
        return self._staff_flags(profile, worker, old, rng, stage=1)

    def _staff_flags(
        self, profile: _Profile, worker: _Worker, old: _Worker | None, rng: random.Random, *, stage: int
    ) -> _Worker:
        if rng.random() < P_FLAGS_UNREPORTED:
            return worker  # all four left blank
        position, damp = worker.position, HIGHLAND_STAFF_FACTOR if profile.area == DIFFICULT else 1.0

        def fact(shares: tuple[float, float], before: bool | None) -> bool:
            shares = (shares[0] * damp, shares[1] * damp)
            if old is None or before is None:
                return rng.random() < shares[stage]
            return _rise(before, shares, rng)

        worker.signature = fact(SIGNATURE[position], old and old.signature)
        worker.self_training = fact(SELF_TRAINING[position], old and old.self_training)
        worker.trained = fact(TRAINED[position], old and old.trained)
        if position != Position.EMPLOYEE:
            worker.online = fact(TEACH_ONLINE[profile.area], old and old.online)
        return worker

    def _employ(self, school: School, year: SchoolYear, workers: Iterable[_Worker]) -> None:
        for w in workers:
            self.employments.append(
                (
                    w.staff,
                    school.pk,
                    year.pk,
                    w.position,
                    w.qualification,
                    w.subject,
                    w.signature,
                    w.self_training,
                    w.trained,
                    w.online,
                )
            )

    # -- people and IDs ------------------------------------------------------------------------------------
    def _person(
        self,
        rng: random.Random,
        *,
        mix: tuple[str, ...],
        female: bool,
        born: int,
        no_id: float,
        elsewhere: float,
        wrong_digit: float,
    ) -> dict[str, Any]:
        ethnicity = rng.choice(mix)
        full_name = person_name(rng, ethnicity=ethnicity, female=female)
        birth_date = date(born, 1, 1) + timedelta(days=rng.randrange(365))
        national_id = None
        if rng.random() >= no_id:
            province = rng.choice(OTHER_PROVINCES) if rng.random() < elsewhere else LAO_CAI
            national_id = self._national_id(rng, province, female=female, born=born, wrong=rng.random() < wrong_digit)
        return {
            "national_id": national_id,
            "full_name": full_name,
            "name_key": _name_key(full_name),
            "birth_date": birth_date,
            "gender": "F" if female else "M",
            "ethnicity": "" if rng.random() < P_NO_ETHNICITY else ethnicity,
        }

    def _national_id(self, rng: random.Random, province: str, *, female: bool, born: int, wrong: bool) -> str:
        """A 12-digit ID agreeing with gender and birth year (or, when ``wrong``, disagreeing on the gender)."""
        if self.used_ids is None:
            self.used_ids = _stored_national_ids()
        digit = (born // 100 - 19) * 2 + (female != wrong)
        prefix = f"{province}{digit}{born % 100:02d}"
        while True:  # a serial not given yet: IDs are unique among students and among staff
            candidate = f"{prefix}{rng.randrange(1_000_000):06d}"
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate

    # -- writing -------------------------------------------------------------------------------------------
    def _flush_students(self) -> None:
        Student.objects.bulk_create(self.students, batch_size=BATCH)
        rows = [
            Enrolment(
                student_id=s if isinstance(s, int) else s.pk,
                school_id=school,
                school_year_id=year,
                grade=grade,
                class_name=name,
                status=status,
                has_device=device,
                has_internet=internet,
                has_e_transcript=transcript,
            )
            for s, school, year, grade, name, status, device, internet, transcript in self.enrolments
        ]
        Enrolment.objects.bulk_create(rows, batch_size=BATCH)
        self.created["enrolments"] += len(rows)
        self.students, self.enrolments = [], []

    def _flush_staff(self) -> None:
        StaffMember.objects.bulk_create(self.staff, batch_size=BATCH)
        rows = [
            Employment(
                staff_id=s if isinstance(s, int) else s.pk,
                school_id=school,
                school_year_id=year,
                position=position,
                qualification=qualification,
                subject=subject,
                has_digital_signature=signature,
                has_self_training_account=self_training,
                digital_skills_trained=trained,
                can_teach_online=online,
            )
            for s, school, year, position, qualification, subject, signature, self_training, trained, online in (
                self.employments
            )
        ]
        Employment.objects.bulk_create(rows, batch_size=BATCH)
        self.created["employments"] += len(rows)
        self.staff, self.employments = [], []


def _assign_classes(group: list[_Pupil], grade: str, level: str) -> None:
    """Splits a grade into classes of at most 35 (25 toddlers), in order, as evenly as possible."""
    if not group:
        return
    count = math.ceil(len(group) / CLASS_SIZE.get(grade, MAX_CLASS))
    for index, pupil in enumerate(group):
        pupil.class_name = class_name(grade, index * count // len(group), level)


def _classes_by_level(pupils: Iterable[_Pupil], levels: Sequence[str]) -> dict[str, int]:
    names: dict[str, set[str]] = defaultdict(set)
    for pupil in pupils:
        if pupil.status in ACTIVE_STATUSES:
            names[_level_of(pupil.grade, levels)].add(pupil.class_name)
    return {level: len(classes) for level, classes in names.items()}


def _classes_from_roll(roll: dict[str, tuple[int, int]], profile: _Profile) -> dict[str, int]:
    classes: Counter[str] = Counter()
    for grade, (count, _students) in roll.items():
        classes[_level_of(grade, profile.levels)] += count
    return dict(classes)


def _school_years(model: Any, years: Sequence[SchoolYear]) -> set[tuple[int, int]]:
    """(school id, year id) pairs that already have rows: one grouped query for the whole province."""
    rows = model.objects.filter(school_year__in=years).values_list("school_id", "school_year_id").distinct()
    return set(rows.order_by())


def _only_first(school_id: int, present: set[tuple[int, int]], years: Sequence[SchoolYear]) -> bool:
    return (school_id, years[0].pk) in present and (school_id, years[1].pk) not in present


def _stored_pupils(school_ids: list[int], year: SchoolYear) -> dict[int, list[_Pupil]]:
    out: dict[int, list[_Pupil]] = defaultdict(list)
    if school_ids:
        rows = Enrolment.objects.filter(school_id__in=school_ids, school_year=year).values_list(
            "school_id", "student_id", "grade", "class_name", "status", "has_device", "has_internet", "has_e_transcript"
        )
        for school_id, *values in rows.order_by("school_id", "grade", "class_name", "student_id"):
            out[school_id].append(_Pupil(*values))
    return out


def _stored_workers(school_ids: list[int], year: SchoolYear) -> dict[int, list[_Worker]]:
    out: dict[int, list[_Worker]] = defaultdict(list)
    if school_ids:
        rows = Employment.objects.filter(school_id__in=school_ids, school_year=year).values_list(
            "school_id",
            "staff_id",
            "position",
            "qualification",
            "subject",
            "has_digital_signature",
            "has_self_training_account",
            "digital_skills_trained",
            "can_teach_online",
        )
        for school_id, *values in rows.order_by("school_id", "staff_id"):
            out[school_id].append(_Worker(*values))
    return out


def _stored_national_ids() -> set[str]:
    ids = set(Student.objects.exclude(national_id=None).values_list("national_id", flat=True))
    return ids | set(StaffMember.objects.exclude(national_id=None).values_list("national_id", flat=True))


def seed_demo_people(*, province: Province, previous_year: SchoolYear, school_year: SchoolYear) -> Counter[str]:
    """Students and staff for every school of the demo province in both years; schools already seeded for
    the current year are left as they are, so a second run writes nothing."""
    units = {unit.pk: unit.code for unit in province.units}
    seeder = _PeopleSeeder(seed=province.seed, previous=previous_year, current=school_year, units=units)
    return seeder.run(province.schools)


def enrolled_rolls(*, years: Sequence[SchoolYear]) -> dict[tuple[int, int], dict[str, tuple[int, int]]]:
    """(school id, year id) → grade → (classes, students in class), from the stored enrolments of those years."""
    rows = (
        Enrolment.objects.filter(school_year__in=years, status__in=ACTIVE_STATUSES)
        .values_list("school_id", "school_year_id", "grade")
        .annotate(classes=Count("class_name", distinct=True), students=Count("id"))
        .order_by()
    )
    out: dict[tuple[int, int], dict[str, tuple[int, int]]] = defaultdict(dict)
    for school_id, year_id, grade, classes, students in rows:
        out[school_id, year_id][grade] = (classes, students)
    return dict(out)
