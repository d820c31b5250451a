"""The statistical report forms: beginning- and end-of-year forms per level, built from definitions.

Circular 24/2018/TT-BGDĐT's appendix (the official layouts) is not in our hands: these forms carry the content it is
known to require, as far as the registry holds it, under codes of our own (``TH-DN`` = tiểu học, đầu năm;
``TH-CN`` = cuối năm) and version ``2026.1``, so the official layout can replace any of them by a new version.
What the official forms carry and the registry does not hold is listed in each form's ``omitted``.

Every form is assembled from the same few section builders, parametrised by level (its grades, its qualification
standard); rules are declared beside the sections they check.
"""

from __future__ import annotations

import functools

from django.utils.translation import gettext_lazy as _

from people.ethnicity import KINH
from people.models import EnrolmentStatus, Gender, Grade, Position, Qualification
from schools.models import FacilityItem, School, SchoolInfrastructure

from .engine import Column, Fix, FormDefinition, Row, Section
from .rules import Rule

VERSION = "2026.1"

LEVEL_NAMES = {
    "MN": _("Giáo dục mầm non"),
    "TH": _("Giáo dục tiểu học"),
    "THCS": _("Giáo dục trung học cơ sở"),
    "THPT": _("Giáo dục trung học phổ thông"),
}
LEVEL_GRADES = {
    "MN": (Grade.NT, Grade.MG3, Grade.MG4, Grade.MG5),
    "TH": tuple(Grade(str(g)) for g in range(1, 6)),
    "THCS": tuple(Grade(str(g)) for g in range(6, 10)),
    "THPT": tuple(Grade(str(g)) for g in range(10, 13)),
}
# The grade that completes the level: its leavers "complete the programme" / graduate.
FINAL_GRADE = {"MN": Grade.MG5, "TH": Grade.G5, "THCS": Grade.G9, "THPT": Grade.G12}
# Training standard of teachers (Law on Education 2019, art. 72): preschool a college diploma, general education a
# bachelor's degree; above the standard: one step higher.
QUALIFICATION_ORDER = (
    Qualification.OTHER,
    Qualification.VOCATIONAL,
    Qualification.COLLEGE,
    Qualification.BACHELOR,
    Qualification.MASTER,
    Qualification.DOCTORATE,
)
STANDARD = {"MN": Qualification.COLLEGE, "TH": Qualification.BACHELOR, "THCS": Qualification.BACHELOR}
STANDARD["THPT"] = Qualification.BACHELOR

# Ethnic codes are two digits and Kinh is "01": "after 01" is every other group, and blank (unknown) is not one.
MINORITY_STUDENT = {"student__ethnicity__gt": KINH}
MINORITY_STAFF = {"staff__ethnicity__gt": KINH}

PERIODS = {"start": _("đầu năm học"), "end": _("cuối năm học")}

STUDENT_FIX = Fix(page="student-list", template="students", column="Khối, Lớp, Trạng thái")
STAFF_FIX = Fix(page="staff-list", template="staff", column="Vị trí việc làm, Trình độ đào tạo")
FACILITY_FIX = Fix(page="facility-list", template="facilities", column="Loại, Số lượng, Tình trạng")
SCHOOL_FIX = Fix(page="school-list", template="schools", column="Số điểm trường, Số điểm trường có Internet")

BASIS = _(
    "Nội dung theo chế độ báo cáo thống kê ngành giáo dục (Thông tư 24/2018/TT-BGDĐT); bố cục do EduDX lập, "
    "sẽ được thay bằng mẫu chính thức khi có."
)
OMITTED_COMMON = (
    _("Trường đạt chuẩn quốc gia: hồ sơ trường chưa có trường này."),
    _("Học sinh bán trú, nội trú: hồ sơ học sinh chưa có trường này."),
    _("Nhà vệ sinh, nguồn nước sạch: danh mục tài sản chưa có loại này."),
)
OMITTED_END = (
    _("Kết quả đánh giá, xếp loại học tập và rèn luyện: sổ dữ liệu chưa lưu kết quả học tập."),
    _("Tỉ lệ chuyên cần, số buổi nghỉ học: chưa có dữ liệu điểm danh."),
)


def _learners(level: str) -> str:
    return str(_("Trẻ em")) if level == "MN" else str(_("Học sinh"))


def _grade_rows(level: str, *, field: str = "grade") -> tuple[Row, ...]:
    rows = [Row("tong", _("Tổng số"), code="1", total=True)]
    for index, grade in enumerate(LEVEL_GRADES[level], start=1):
        rows.append(Row(f"k{grade.value.lower()}", grade.label, {field: grade.value}, code=f"1.{index}", indent=1))
    return tuple(rows)


def _grade_keys(section: str, level: str) -> tuple[str, ...]:
    return tuple(f"{section}.k{grade.value.lower()}" for grade in LEVEL_GRADES[level])


def schools_section(level: str) -> Section:
    ownership = [
        Row(f"o_{value}", label, {"ownership": value}, code=f"1.{i}", indent=1)
        for i, (value, label) in enumerate(School.Ownership.choices, start=1)
    ]
    areas = [
        Row(f"a_{value}", label, {"area": value}, code=f"2.{i}", indent=1)
        for i, (value, label) in enumerate(School.Area.choices, start=1)
    ]
    columns = (
        Column("so_truong", _("Số trường")),
        Column("diem_truong", _("Số điểm trường"), measure="sum:infra__site_count"),
        Column("diem_truong_internet", _("Điểm trường có Internet"), measure="sum:infra__sites_with_internet"),
        Column("cap_quang", _("Trường kết nối cáp quang"), {"infra__internet": SchoolInfrastructure.Internet.FIBER}),
        Column("phan_mem", _("Trường dùng phần mềm quản trị"), {"infra__has_mis": True}),
        Column("phong_tin", _("Số phòng Tin học"), measure="sum:infra__computer_rooms"),
    )
    return Section(
        key="truong",
        title=_("Trường học, điểm trường"),
        source="schools",
        rows=(
            Row("tong", _("Tổng số trường"), code="1", total=True),
            *ownership,
            Row("khu_vuc", _("Chia theo khu vực"), code="2"),
            *areas,
        ),
        columns=columns,
        blank=frozenset(("khu_vuc", col.key) for col in columns),  # a heading row
        fix=SCHOOL_FIX,
    )


def classes_section(level: str) -> Section:
    title = _("Nhóm trẻ, lớp mẫu giáo") if level == "MN" else _("Lớp học")
    return Section(
        key="lop",
        title=title,
        source="students",
        where={"grade__in": [g.value for g in LEVEL_GRADES[level]]},
        rows=_grade_rows(level),
        # A class is a distinct class name among the school's students (the registry has no table of classes).
        columns=(
            Column("so_lop", _("Số lớp"), {"class_name__gt": ""}, measure="distinct:class_name"),
            Column("so_hs", _learners(level)),
        ),
        fix=Fix(page="student-list", template="students", column="Lớp"),
    )


def students_section(level: str) -> Section:
    learners = _learners(level)
    return Section(
        key="hs",
        title=learners,
        source="students",
        where={"grade__in": [g.value for g in LEVEL_GRADES[level]]},
        rows=_grade_rows(level),
        columns=(
            Column("tong", _("Tổng số")),
            Column("nu", _("Nữ"), {"student__gender": Gender.FEMALE}),
            Column("dtts", _("Tổng số"), MINORITY_STUDENT, group=_("Dân tộc thiểu số")),
            Column(
                "dtts_nu", _("Nữ"), {**MINORITY_STUDENT, "student__gender": Gender.FEMALE}, group=_("Dân tộc thiểu số")
            ),
            Column("khuyet_tat", _("Khuyết tật"), {"student__disability": True}),
            Column("luu_ban", _("Lưu ban"), {"status": EnrolmentStatus.REPEATING}),
        ),
        fix=Fix(page="student-list", template="students", column="Giới tính, Dân tộc, Khuyết tật, Trạng thái"),
    )


def student_checks_section(level: str) -> Section:
    """Not printed: how many of the learners have a gender and an ethnicity recorded (rules compare with the total)."""
    return Section(
        key="kt_hs",
        title=_("Kiểm tra hồ sơ học sinh"),
        source="students",
        where={"grade__in": [g.value for g in LEVEL_GRADES[level]]},
        rows=(Row("tong", _("Tổng số")),),
        columns=(
            Column("co_gioi_tinh", _("Có giới tính"), {"student__gender__in": [Gender.MALE, Gender.FEMALE]}),
            Column("co_dan_toc", _("Có dân tộc"), {"student__ethnicity__gt": ""}),
        ),
        hidden=True,
    )


def staff_section(level: str) -> Section:
    standard = QUALIFICATION_ORDER.index(STANDARD[level])
    meets = [q.value for q in QUALIFICATION_ORDER[standard:]]
    above = [q.value for q in QUALIFICATION_ORDER[standard + 1 :]]
    below = [q.value for q in QUALIFICATION_ORDER[:standard]]
    qualification = _("Trình độ đào tạo")
    vs_standard = _("So với chuẩn trình độ")
    columns = (
        Column("tong", _("Tổng số")),
        Column("nu", _("Nữ"), {"staff__gender": Gender.FEMALE}),
        Column("dtts", _("Dân tộc thiểu số"), MINORITY_STAFF),
        *(
            Column(f"q_{q.value}", q.label, {"qualification": q.value}, group=qualification)
            for q in reversed(QUALIFICATION_ORDER)
        ),
        Column("dat_chuan", _("Đạt chuẩn trở lên"), {"qualification__in": meets}, group=vs_standard),
        Column("tren_chuan", _("Trong đó trên chuẩn"), {"qualification__in": above}, group=vs_standard),
        Column("chua_dat", _("Chưa đạt chuẩn"), {"qualification__in": below}, group=vs_standard),
    )
    standard_columns = ("dat_chuan", "tren_chuan", "chua_dat")
    return Section(
        key="ns",
        title=_("Cán bộ quản lý, giáo viên, nhân viên"),
        source="staff",
        rows=(
            Row("tong", _("Tổng số"), code="1", total=True),
            Row("cbql", _("Cán bộ quản lý"), {"position": Position.MANAGER}, code="1.1", indent=1),
            Row("gv", _("Giáo viên"), {"position": Position.TEACHER}, code="1.2", indent=1),
            Row("nv", _("Nhân viên"), {"position": Position.EMPLOYEE}, code="1.3", indent=1),
        ),
        columns=columns,
        # The training standard is for managers and teachers; staff in other posts have their own.
        blank=frozenset((row, col) for row in ("tong", "nv") for col in standard_columns),
        fix=STAFF_FIX,
    )


def staff_checks_section() -> Section:
    return Section(
        key="kt_ns",
        title=_("Kiểm tra hồ sơ cán bộ"),
        source="staff",
        rows=(Row("tong", _("Tổng số")),),
        columns=(
            Column("co_gioi_tinh", _("Có giới tính"), {"staff__gender__in": [Gender.MALE, Gender.FEMALE]}),
            Column("co_dan_toc", _("Có dân tộc"), {"staff__ethnicity__gt": ""}),
        ),
        hidden=True,
    )


FACILITY_ROWS = (
    FacilityItem.Type.CLASSROOM,
    FacilityItem.Type.COMPUTER_ROOM,
    FacilityItem.Type.LAB,
    FacilityItem.Type.LIBRARY,
    FacilityItem.Type.COMPUTER,
    FacilityItem.Type.PROJECTOR,
    FacilityItem.Type.INTERACTIVE_BOARD,
)


def facilities_section() -> Section:
    condition = _("Tình trạng")
    return Section(
        key="csvc",
        title=_("Cơ sở vật chất, thiết bị"),
        source="facilities",
        rows=tuple(
            Row(kind.value, kind.label, {"type": kind.value}, code=str(index))
            for index, kind in enumerate(FACILITY_ROWS, start=1)
        ),
        columns=(
            Column("tong", _("Tổng số")),
            *(Column(c.value, c.label, {"condition": c.value}, group=condition) for c in FacilityItem.Condition),
        ),
        fix=FACILITY_FIX,
    )


def movements_section(level: str) -> Section:
    """End of year: every enrolment of the year by what became of it."""
    learners = _learners(level)
    finished = _("Hoàn thành chương trình") if level in ("MN", "TH") else _("Tốt nghiệp")
    during = _("Trong đó")
    dropped = {"status": EnrolmentStatus.DROPPED}
    return Section(
        key="bd",
        title=_("%(who)s trong năm học và kết quả cuối năm") % {"who": learners},
        source="enrolments",
        where={"grade__in": [g.value for g in LEVEL_GRADES[level]]},
        rows=_grade_rows(level),
        columns=(
            Column("tong", _("Tổng số")),
            Column("dang_hoc", _("Đang học"), {"status": EnrolmentStatus.STUDYING}, group=during),
            Column("luu_ban", _("Lưu ban"), {"status": EnrolmentStatus.REPEATING}, group=during),
            Column("chuyen_di", _("Chuyển đi"), {"status": EnrolmentStatus.TRANSFERRED}, group=during),
            Column("bo_hoc", _("Bỏ học"), dropped, group=during),
            Column("hoan_thanh", finished, {"status": EnrolmentStatus.GRADUATED}, group=during),
            Column("bo_hoc_nu", _("Nữ"), {**dropped, "student__gender": Gender.FEMALE}, group=_("Bỏ học")),
            Column("bo_hoc_dtts", _("Dân tộc thiểu số"), {**dropped, **MINORITY_STUDENT}, group=_("Bỏ học")),
        ),
        fix=Fix(page="student-list", template="students", column="Trạng thái"),
    )


# --- rules --------------------------------------------------------------------------------------------------------


def student_rules(level: str, hs: Section, lop: Section, checks: Section) -> list[Rule]:
    learners = _learners(level)
    grades = _grade_keys("hs", level)
    rules: list[Rule] = [
        Rule(
            "hs_sum_grades",
            _("Tổng các khối = tổng số %(who)s") % {"who": learners.lower()},
            tuple(f"{key}.tong" for key in grades),
            "eq",
            ("hs.tong.tong",),
        ),
        Rule(
            "lop_sum_grades",
            _("Tổng số lớp các khối = tổng số lớp"),
            tuple(f"lop.{key.split('.')[1]}.so_lop" for key in grades),
            "eq",
            ("lop.tong.so_lop",),
        ),
        Rule(
            "hs_gender_recorded",
            _("Mọi %(who)s đều có giới tính") % {"who": learners.lower()},
            ("kt_hs.tong.co_gioi_tinh",),
            "eq",
            ("hs.tong.tong",),
            Fix(page="student-list", template="students", column="Giới tính"),
        ),
        Rule(
            "hs_ethnicity_recorded",
            _("Mọi %(who)s đều có dân tộc") % {"who": learners.lower()},
            ("kt_hs.tong.co_dan_toc",),
            "eq",
            ("hs.tong.tong",),
            Fix(page="student-list", template="students", column="Dân tộc"),
        ),
    ]
    for row in hs.rows:
        total = f"hs.{row.key}.tong"
        label = row.label
        rules += [
            Rule(
                f"hs_{row.key}_girls",
                _("%(row)s: nữ ≤ tổng số") % {"row": label},
                (f"hs.{row.key}.nu",),
                "le",
                (total,),
            ),
            Rule(
                f"hs_{row.key}_minority",
                _("%(row)s: dân tộc thiểu số ≤ tổng số") % {"row": label},
                (f"hs.{row.key}.dtts",),
                "le",
                (total,),
            ),
            Rule(
                f"hs_{row.key}_minority_girls",
                _("%(row)s: nữ dân tộc thiểu số ≤ dân tộc thiểu số") % {"row": label},
                (f"hs.{row.key}.dtts_nu",),
                "le",
                (f"hs.{row.key}.dtts",),
            ),
            Rule(
                f"hs_{row.key}_disability",
                _("%(row)s: khuyết tật ≤ tổng số") % {"row": label},
                (f"hs.{row.key}.khuyet_tat",),
                "le",
                (total,),
            ),
            Rule(
                f"hs_{row.key}_repeaters",
                _("%(row)s: lưu ban ≤ tổng số") % {"row": label},
                (f"hs.{row.key}.luu_ban",),
                "le",
                (total,),
            ),
            Rule(
                f"lop_{row.key}_classes",
                _("%(row)s: có %(who)s thì phải có lớp") % {"row": label, "who": learners.lower()},
                (f"lop.{row.key}.so_lop",),
                "positive_if",
                (total,),
                lop.fix,
            ),
            Rule(
                f"lop_{row.key}_students",
                _("%(row)s: số lớp ≤ số %(who)s") % {"row": label, "who": learners.lower()},
                (f"lop.{row.key}.so_lop",),
                "le",
                (f"lop.{row.key}.so_hs",),
                lop.fix,
            ),
        ]
    return rules


def staff_rules(ns: Section) -> list[Rule]:
    qualification_cols = [col.key for col in ns.columns if col.key.startswith("q_")]
    rules = [
        Rule(
            "ns_sum_positions",
            _("CBQL + giáo viên + nhân viên = tổng số"),
            ("ns.cbql.tong", "ns.gv.tong", "ns.nv.tong"),
            "eq",
            ("ns.tong.tong",),
            Fix(page="staff-list", template="staff", column="Vị trí việc làm"),
        ),
        Rule(
            "ns_gender_recorded",
            _("Mọi cán bộ, giáo viên, nhân viên đều có giới tính"),
            ("kt_ns.tong.co_gioi_tinh",),
            "eq",
            ("ns.tong.tong",),
            Fix(page="staff-list", template="staff", column="Giới tính"),
        ),
        Rule(
            "ns_ethnicity_recorded",
            _("Mọi cán bộ, giáo viên, nhân viên đều có dân tộc"),
            ("kt_ns.tong.co_dan_toc",),
            "eq",
            ("ns.tong.tong",),
            Fix(page="staff-list", template="staff", column="Dân tộc"),
        ),
    ]
    for row in ns.rows:
        total = f"ns.{row.key}.tong"
        rules += [
            Rule(
                f"ns_{row.key}_women",
                _("%(row)s: nữ ≤ tổng số") % {"row": row.label},
                (f"ns.{row.key}.nu",),
                "le",
                (total,),
            ),
            Rule(
                f"ns_{row.key}_minority",
                _("%(row)s: dân tộc thiểu số ≤ tổng số") % {"row": row.label},
                (f"ns.{row.key}.dtts",),
                "le",
                (total,),
            ),
        ]
        if row.key in ("cbql", "gv"):
            rules += [
                Rule(
                    f"ns_{row.key}_qualification",
                    _("%(row)s: tổng theo trình độ đào tạo = tổng số") % {"row": row.label},
                    tuple(f"ns.{row.key}.{col}" for col in qualification_cols),
                    "eq",
                    (total,),
                    Fix(page="staff-list", template="staff", column="Trình độ đào tạo"),
                ),
                Rule(
                    f"ns_{row.key}_standard",
                    _("%(row)s: đạt chuẩn trình độ ≤ tổng số") % {"row": row.label},
                    (f"ns.{row.key}.dat_chuan",),
                    "le",
                    (total,),
                ),
                Rule(
                    f"ns_{row.key}_above",
                    _("%(row)s: trên chuẩn ≤ đạt chuẩn trở lên") % {"row": row.label},
                    (f"ns.{row.key}.tren_chuan",),
                    "le",
                    (f"ns.{row.key}.dat_chuan",),
                ),
            ]
    return rules


def facility_rules(csvc: Section) -> list[Rule]:
    conditions = [col.key for col in csvc.columns if col.group]
    return [
        Rule(
            f"csvc_{row.key}_condition",
            _("%(row)s: tổng theo tình trạng = tổng số") % {"row": row.label},
            tuple(f"csvc.{row.key}.{col}" for col in conditions),
            "eq",
            (f"csvc.{row.key}.tong",),
            Fix(page="facility-list", template="facilities", column="Tình trạng"),
        )
        for row in csvc.rows
    ]


def school_rules() -> list[Rule]:
    return [
        Rule(
            "truong_sites_online",
            _("Điểm trường có Internet ≤ số điểm trường"),
            ("truong.tong.diem_truong_internet",),
            "le",
            ("truong.tong.diem_truong",),
            SCHOOL_FIX,
        ),
    ]


def movement_rules(level: str, bd: Section) -> list[Rule]:
    learners = _learners(level).lower()
    statuses = ("dang_hoc", "luu_ban", "chuyen_di", "bo_hoc", "hoan_thanh")
    rules = [
        Rule(
            "bd_sum_grades",
            _("Tổng các khối = tổng số %(who)s") % {"who": learners},
            tuple(f"{key}.tong" for key in _grade_keys("bd", level)),
            "eq",
            ("bd.tong.tong",),
        ),
    ]
    final = f"k{FINAL_GRADE[level].value.lower()}"
    for row in bd.rows:
        rules += [
            Rule(
                f"bd_{row.key}_statuses",
                _("%(row)s: tổng theo trạng thái = tổng số") % {"row": row.label},
                tuple(f"bd.{row.key}.{s}" for s in statuses),
                "eq",
                (f"bd.{row.key}.tong",),
            ),
            Rule(
                f"bd_{row.key}_dropout_girls",
                _("%(row)s: nữ bỏ học ≤ số bỏ học") % {"row": row.label},
                (f"bd.{row.key}.bo_hoc_nu",),
                "le",
                (f"bd.{row.key}.bo_hoc",),
            ),
            Rule(
                f"bd_{row.key}_dropout_minority",
                _("%(row)s: dân tộc thiểu số bỏ học ≤ số bỏ học") % {"row": row.label},
                (f"bd.{row.key}.bo_hoc_dtts",),
                "le",
                (f"bd.{row.key}.bo_hoc",),
            ),
        ]
        if row.key not in ("tong", final):
            rules.append(
                Rule(
                    f"bd_{row.key}_no_graduates",
                    _("%(row)s: chỉ khối cuối cấp mới có %(who)s hoàn thành chương trình")
                    % {"row": row.label, "who": learners},
                    (f"bd.{row.key}.hoan_thanh",),
                    "eq",
                    (),
                )
            )
    return rules


# --- the forms ----------------------------------------------------------------------------------------------------


def start_of_year_form(level: str) -> FormDefinition:
    truong, lop, hs = schools_section(level), classes_section(level), students_section(level)
    kt_hs = student_checks_section(level)
    ns, kt_ns, csvc = staff_section(level), staff_checks_section(), facilities_section()
    return FormDefinition(
        code=f"{level}-DN",
        version=VERSION,
        title=_("Báo cáo thống kê %(period)s – %(level)s") % {"period": PERIODS["start"], "level": LEVEL_NAMES[level]},
        level=level,
        period="start",
        sections=(truong, lop, hs, kt_hs, ns, kt_ns, csvc),
        rules=tuple(school_rules() + student_rules(level, hs, lop, kt_hs) + staff_rules(ns) + facility_rules(csvc)),
        basis=BASIS,
        omitted=OMITTED_COMMON,
    )


def end_of_year_form(level: str) -> FormDefinition:
    bd = movements_section(level)
    return FormDefinition(
        code=f"{level}-CN",
        version=VERSION,
        title=_("Báo cáo thống kê %(period)s – %(level)s") % {"period": PERIODS["end"], "level": LEVEL_NAMES[level]},
        level=level,
        period="end",
        sections=(bd,),
        rules=tuple(movement_rules(level, bd)),
        basis=BASIS,
        omitted=OMITTED_END,
    )


@functools.cache
def all_forms() -> dict[str, FormDefinition]:
    """Every form by code, in the order of levels (built on first use: labels are translated then)."""
    forms = {}
    for level in LEVEL_NAMES:
        for form in (start_of_year_form(level), end_of_year_form(level)):
            forms[form.code] = form
    return forms


# Versions replaced by a newer layout: kept so that figures locked under them are still shown as approved.
RETIRED: tuple[FormDefinition, ...] = ()


def get_form(code: str, *, version: str | None = None) -> FormDefinition | None:
    """The current definition of a form; with ``version``, that version if it is known (current or retired)."""
    form = all_forms().get((code or "").strip().upper())
    if version is None or form is None or form.version == version:
        return form
    return next((old for old in RETIRED if old.code == form.code and old.version == version), None)
