"""The students and staff import kinds: columns, cross-row checks, and the idempotent upsert.

Matching (SPEC §3.3): a person is the same person when the national ID matches; without an ID, when the
school, the folded full name and the birth date match (and an ID arriving later is added to that person).
A person with an active enrolment at another school in the same year is a conflict (a transfer to resolve),
never a second record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from edudx.core.audit import AuditWriter
from edudx.core.imports.columns import Column
from edudx.core.imports.kinds import ImportContext, ImportKind, Row, RowError, register
from edudx.core.imports.values import CellError, choice_parser, parse_bool, parse_date, parse_text
from edudx.core.text import fold
from schools.models import School

from .ethnicity import EthnicityError, resolve_ethnicity
from .models import (
    ACTIVE_STATUSES,
    Employment,
    Enrolment,
    EnrolmentStatus,
    Gender,
    Grade,
    Position,
    Qualification,
    StaffMember,
    Student,
)
from .national_id import NationalIdError, normalize_national_id, validate_national_id


def parse_national_id(raw: Any) -> str | None:
    return normalize_national_id(raw)


def parse_ethnicity(raw: Any) -> str | None:
    try:
        return resolve_ethnicity(raw)
    except EthnicityError as exc:
        raise CellError(str(exc)) from exc


def parse_name(raw: Any) -> str | None:
    name = parse_text(raw)
    if name is not None and (len(name) < 2 or any(ch.isdigit() for ch in name)):
        raise CellError(f"Họ và tên '{name}' không hợp lệ (quá ngắn hoặc có chữ số).")
    return name


parse_gender = choice_parser(
    [(Gender.MALE, ["Nam", "M", "Male", "Trai"]), (Gender.FEMALE, ["Nữ", "F", "Female", "Gái", "Nu"])],
    what="Giới tính",
)
parse_grade = choice_parser(
    [
        *[(str(g), [str(g), f"Lớp {g}", f"Khối {g}", f"{g}.0"]) for g in range(1, 13)],
        (Grade.NT, ["NT", "Nhà trẻ"]),
        (Grade.MG3, ["MG3", "Mẫu giáo 3 tuổi", "3 tuổi", "Mầm"]),
        (Grade.MG4, ["MG4", "Mẫu giáo 4 tuổi", "4 tuổi", "Chồi"]),
        (Grade.MG5, ["MG5", "Mẫu giáo 5 tuổi", "5 tuổi", "Lá"]),
    ],
    what="Khối",
)
parse_status = choice_parser(
    [
        (EnrolmentStatus.STUDYING, ["Đang học"]),
        (EnrolmentStatus.REPEATING, ["Lưu ban"]),
        (EnrolmentStatus.TRANSFERRED, ["Chuyển đi"]),
        (EnrolmentStatus.DROPPED, ["Thôi học", "Bỏ học"]),
        (EnrolmentStatus.GRADUATED, ["Tốt nghiệp", "Hoàn thành chương trình"]),
    ],
    what="Trạng thái",
)
parse_position = choice_parser(
    [
        (Position.MANAGER, ["CBQL", "Cán bộ quản lý", "Hiệu trưởng", "Phó hiệu trưởng"]),
        (Position.TEACHER, ["Giáo viên", "GV"]),
        (Position.EMPLOYEE, ["Nhân viên", "NV"]),
    ],
    what="Vị trí việc làm",
)
parse_qualification = choice_parser(
    [
        (Qualification.DOCTORATE, ["Tiến sĩ", "TS"]),
        (Qualification.MASTER, ["Thạc sĩ", "ThS"]),
        (Qualification.BACHELOR, ["Đại học", "ĐH", "Cử nhân"]),
        (Qualification.COLLEGE, ["Cao đẳng", "CĐ"]),
        (Qualification.VOCATIONAL, ["Trung cấp", "TC"]),
        (Qualification.OTHER, ["Khác"]),
    ],
    what="Trình độ đào tạo",
)

PERSON_COLUMNS = [
    Column(
        "national_id",
        "Mã định danh",
        parse_national_id,
        aliases=["Mã định danh cá nhân", "Số định danh cá nhân", "Số CCCD", "CCCD", "Mã ĐDCN", "Số định danh"],
        help="12 chữ số",
    ),
    Column("full_name", "Họ và tên", parse_name, required=True, aliases=["Họ tên", "Họ và tên học sinh"]),
    Column("birth_date", "Ngày sinh", parse_date, required=True, help="dd/mm/yyyy"),
    Column("gender", "Giới tính", parse_gender, required=True, choices=["Nam", "Nữ"]),
    Column("ethnicity", "Dân tộc", parse_ethnicity, help="tên hoặc mã 2 chữ số"),
]
YES_NO = ["Có", "Không"]

# Expected age on 5 September of the school year's first calendar year, by grade.
EXPECTED_AGE = {**{str(g): g + 5 for g in range(1, 13)}, "NT": 1, "MG3": 3, "MG4": 4, "MG5": 5}
GRADE_LEVEL = {
    **{str(g): "TH" for g in range(1, 6)},
    **{str(g): "THCS" for g in range(6, 10)},
    **{str(g): "THPT" for g in range(10, 13)},
    "NT": "MN",
    "MG3": "MN",
    "MG4": "MN",
    "MG5": "MN",
}


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_person_rows(rows: list[Row], *, sheet: str, today: dt.date | None = None) -> None:
    """National ID against gender and birth date; no future births; no person twice in one file."""
    today = today or dt.date.today()
    seen_ids: dict[str, int] = {}
    seen_keys: dict[tuple[str, dt.date], int] = {}
    for row in rows:
        values = row.values
        birth = values.get("birth_date")
        if birth and birth > today:
            row.errors.append(RowError(row.number, "Ngày sinh", "Ngày sinh ở tương lai.", sheet))
            birth = values["birth_date"] = None
        nid = values.get("national_id")
        if nid:
            try:
                validate_national_id(nid, gender=values.get("gender"), birth_date=birth)
            except NationalIdError as exc:
                row.errors.append(RowError(row.number, "Mã định danh", exc.message, sheet))
            if nid in seen_ids:
                message = f"Mã định danh trùng với dòng {seen_ids[nid]} trong cùng tệp."
                row.errors.append(RowError(row.number, "Mã định danh", message, sheet))
            else:
                seen_ids[nid] = row.number
        elif values.get("full_name") and birth:
            key = (fold(values["full_name"]), birth)
            if key in seen_keys:
                message = f"Trùng họ tên và ngày sinh với dòng {seen_keys[key]} (chưa có mã định danh để phân biệt)."
                row.errors.append(RowError(row.number, "Họ và tên", message, sheet))
            else:
                seen_keys[key] = row.number


class PersonKind(ImportKind):
    person_model: type
    link_model: type
    link_field: str  # "student" / "staff"
    person_fields: tuple[str, ...]
    link_fields: tuple[str, ...]
    active_filter: dict[str, Any] = {}

    def _school(self, ctx: ImportContext) -> School:
        return ctx.school

    def _existing_people(self, rows: list[Row], ctx: ImportContext) -> tuple[dict[str, Any], dict[tuple, Any]]:
        """People already known: by national ID anywhere, and by (name, birth date) at this school."""
        ids = [row.values["national_id"] for row in rows if row.values.get("national_id")]
        by_id = {}
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            by_id.update({p.national_id: p for p in self.person_model.objects.filter(national_id__in=chunk)})
        at_school = self.person_model.objects.filter(
            **{f"{self.link_model._meta.get_field(self.link_field).related_query_name()}__school": self._school(ctx)}
        ).distinct()
        by_key = {(p.name_key, p.birth_date): p for p in at_school}
        return by_id, by_key

    def check(self, rows: list[Row], ctx: ImportContext) -> list[dict[str, Any]]:
        check_person_rows(rows, sheet="")
        return self._check_conflicts(rows, ctx)

    def _check_conflicts(self, rows: list[Row], ctx: ImportContext) -> list[dict[str, Any]]:
        """People with a live record at another school this year: a transfer to resolve, not a duplicate."""
        ids = [row.values["national_id"] for row in rows if row.values.get("national_id")]
        if not ids:
            return []
        elsewhere = (
            self.link_model.objects.filter(
                **{f"{self.link_field}__national_id__in": ids}, school_year=ctx.school_year, **self.active_filter
            )
            .exclude(school=self._school(ctx))
            .values_list(f"{self.link_field}__national_id", "school__org_unit__code", "school__org_unit__name")
        )
        other = {nid: (code, name) for nid, code, name in elsewhere}
        conflicts = []
        for row in rows:
            nid = row.values.get("national_id")
            if nid in other:
                code, name = other[nid]
                row.errors.append(
                    RowError(
                        row.number,
                        "Mã định danh",
                        f"Người này đang có tên ở {name} ({code}) trong năm học {ctx.school_year.code}; "
                        "cần làm thủ tục chuyển trường thay vì nhập trùng.",
                    )
                )
                conflicts.append({"row": row.number, "other_school": code, "full_name": row.values.get("full_name")})
        return conflicts

    @transaction.atomic
    def apply(self, rows: list[Row], ctx: ImportContext) -> dict[str, int]:
        """Upserts people and their year's record at this school; unchanged rows write nothing."""
        school = self._school(ctx)
        by_id, by_key = self._existing_people(rows, ctx)
        audit = AuditWriter(org_unit=school.org_unit, actor=ctx.actor, batch=ctx.batch)
        entity = f"people.{self.person_model._meta.model_name}"
        link_entity = f"people.{self.link_model._meta.model_name}"
        people_new, people_changed, resolved = [], [], []
        outcome: dict[int, str] = {}
        for row in rows:
            values = row.values
            values["name_key"] = fold(values["full_name"])
            nid = values.get("national_id")
            person = by_id.get(nid) if nid else None
            if person is None:
                candidate = by_key.get((values["name_key"], values["birth_date"]))
                if candidate is not None and not (candidate.national_id and nid and candidate.national_id != nid):
                    person = candidate  # same school, name and birth date; an ID may arrive now
            new_values = self._stored(self.person_model, values, self.person_fields)
            if person is None:
                person = self.person_model(**new_values)
                people_new.append(person)
                outcome[row.number] = "created"
            else:
                changes = _changes(person, new_values)
                if changes:
                    people_changed.append((person, changes))
                    outcome[row.number] = "updated"
            resolved.append((row, person))
            if nid:
                by_id[nid] = person
            by_key[(values["name_key"], values["birth_date"])] = person
        self.person_model.objects.bulk_create(people_new, batch_size=2000)
        _bulk_update(self.person_model, people_changed)
        for person in people_new:
            audit.created(entity, person.pk, {f: getattr(person, f) for f in self.person_fields if f != "name_key"})
        for person, changes in people_changed:
            audit.updated(entity, person.pk, changes)

        links = {
            getattr(link, f"{self.link_field}_id"): link
            for link in self.link_model.objects.filter(school=school, school_year=ctx.school_year)
        }
        links_new, links_changed = [], []
        for row, person in resolved:
            new_values = self._stored(self.link_model, row.values, self.link_fields)
            link = links.get(person.pk)
            if link is None:
                link = self.link_model(
                    **{self.link_field: person}, school=school, school_year=ctx.school_year, **new_values
                )
                links_new.append(link)
                links[person.pk] = link
                outcome.setdefault(row.number, "updated")
            elif changes := _changes(link, new_values):
                links_changed.append((link, changes))
                outcome.setdefault(row.number, "updated")
        self.link_model.objects.bulk_create(links_new, batch_size=2000)
        _bulk_update(self.link_model, links_changed)
        for link in links_new:
            audit.created(link_entity, link.pk, {f: getattr(link, f) for f in self.link_fields})
        for link, changes in links_changed:
            audit.updated(link_entity, link.pk, changes)
        audit.flush()
        counts = {"created": 0, "updated": 0}
        for state in outcome.values():
            counts[state] += 1
        return {**counts, "unchanged": len(rows) - len(outcome)}

    @staticmethod
    def _stored(model, values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        """The values to store: a blank cell never erases what is known (None is left out)."""
        return {f: values[f] for f in fields if values.get(f) is not None}


def _changes(instance, new_values: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {f: [getattr(instance, f), v] for f, v in new_values.items() if getattr(instance, f) != v}
    for field, (_old, new) in changes.items():
        setattr(instance, field, new)
    if changes:
        instance.updated_at = timezone.now()  # bulk_update does not run auto_now
    return changes


def _bulk_update(model, changed: list[tuple[Any, dict[str, list[Any]]]]) -> None:
    if changed:
        fields = sorted({f for _obj, changes in changed for f in changes} | {"updated_at"})
        model.objects.bulk_update([obj for obj, _c in changed], fields, batch_size=2000)


class StudentsKind(PersonKind):
    code = "students"
    label = "Học sinh"
    person_model = Student
    link_model = Enrolment
    link_field = "student"
    person_fields = ("national_id", "full_name", "name_key", "birth_date", "gender", "ethnicity", "disability")
    link_fields = ("grade", "class_name", "status", "has_device", "has_internet", "has_e_transcript")
    active_filter = {"status__in": ACTIVE_STATUSES}
    columns = [
        *PERSON_COLUMNS,
        Column(
            "grade",
            "Khối",
            parse_grade,
            required=True,
            help="1–12, NT, MG3, MG4, MG5",
            choices=[*[str(g) for g in range(1, 13)], "NT", "MG3", "MG4", "MG5"],
        ),
        Column("class_name", "Lớp", parse_text, required=True, aliases=["Tên lớp"]),
        Column(
            "status",
            "Trạng thái",
            parse_status,
            required=True,
            choices=["Đang học", "Lưu ban", "Chuyển đi", "Thôi học", "Tốt nghiệp"],
        ),
        Column("disability", "Khuyết tật", parse_bool, choices=YES_NO),
        Column(
            "has_device",
            "Có thiết bị học trực tuyến",
            parse_bool,
            choices=YES_NO,
            aliases=["Thiết bị học trực tuyến", "Có thiết bị"],
        ),
        Column("has_internet", "Có kết nối Internet", parse_bool, choices=YES_NO, aliases=["Kết nối Internet"]),
        Column("has_e_transcript", "Học bạ điện tử", parse_bool, choices=YES_NO, aliases=["Có học bạ điện tử"]),
    ]

    def check(self, rows: list[Row], ctx: ImportContext) -> list[dict[str, Any]]:
        school = self._school(ctx)
        levels = set(school.levels) if school else set()
        year_start = ctx.school_year.start_date
        for row in rows:
            grade, birth = row.values.get("grade"), row.values.get("birth_date")
            if grade and levels and GRADE_LEVEL[grade] not in levels and not ("GDTX" in levels and grade.isdigit()):
                row.errors.append(
                    RowError(row.number, "Khối", f"Trường không có cấp {GRADE_LEVEL[grade]} nên không có khối {grade}.")
                )
            if grade and birth and birth <= year_start:
                age, expected = _age_on(birth, year_start), EXPECTED_AGE[grade]
                if not expected - 1 <= age <= expected + 6:
                    row.errors.append(
                        RowError(
                            row.number,
                            "Ngày sinh",
                            f"Tuổi {age} không hợp với khối {grade} (thường {expected} tuổi); "
                            "kiểm tra ngày sinh hoặc khối.",
                        )
                    )
        return super().check(rows, ctx)


class StaffKind(PersonKind):
    code = "staff"
    label = "Cán bộ, giáo viên, nhân viên"
    person_model = StaffMember
    link_model = Employment
    link_field = "staff"
    person_fields = ("national_id", "full_name", "name_key", "birth_date", "gender", "ethnicity")
    link_fields = (
        "position",
        "qualification",
        "subject",
        "has_digital_signature",
        "has_self_training_account",
        "digital_skills_trained",
        "can_teach_online",
    )
    columns = [
        *PERSON_COLUMNS,
        Column(
            "position", "Vị trí việc làm", parse_position, required=True, choices=["CBQL", "Giáo viên", "Nhân viên"]
        ),
        Column(
            "qualification",
            "Trình độ đào tạo",
            parse_qualification,
            choices=["Tiến sĩ", "Thạc sĩ", "Đại học", "Cao đẳng", "Trung cấp", "Khác"],
        ),
        Column("subject", "Môn dạy", parse_text),
        Column("has_digital_signature", "Chữ ký số", parse_bool, choices=YES_NO),
        Column("has_self_training_account", "Tài khoản tự bồi dưỡng", parse_bool, choices=YES_NO),
        Column("digital_skills_trained", "Đã bồi dưỡng kỹ năng số", parse_bool, choices=YES_NO),
        Column("can_teach_online", "Đủ điều kiện dạy trực tuyến", parse_bool, choices=YES_NO),
    ]

    def check(self, rows: list[Row], ctx: ImportContext) -> list[dict[str, Any]]:
        year_start = ctx.school_year.start_date
        for row in rows:
            birth = row.values.get("birth_date")
            if birth and not 17 <= _age_on(birth, year_start) <= 70:
                row.errors.append(
                    RowError(
                        row.number, "Ngày sinh", "Tuổi không phù hợp với cán bộ, giáo viên (17–70); kiểm tra ngày sinh."
                    )
                )
        return super().check(rows, ctx)


register(StudentsKind())
register(StaffKind())
