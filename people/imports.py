"""The students and staff import kinds: columns, cross-row checks, and the idempotent upsert.

Matching (SPEC §3.3): a person is the same person when the national ID matches; without an ID, when the
school, the folded full name and the birth date match (and an ID arriving later is added to that person).
A person with an active enrolment at another school in the same year is a conflict (a transfer to resolve),
never a second record.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter
from functools import lru_cache
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from edudx.core.audit import AuditWriter
from edudx.core.bulk import (
    allocate_ids,
    column_type,
    copy_columns,
    create_temp_table,
    insert_rows,
    text_in,
    update_rows,
)
from edudx.core.imports.columns import Column
from edudx.core.imports.kinds import ImportContext, ImportKind, Row, RowError, register
from edudx.core.imports.pipeline import paused_gc
from edudx.core.imports.values import CellError, choice_parser, parse_bool, parse_date, parse_text
from edudx.core.models import AuditEntry
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
    if type(raw) is str and len(raw) == 12 and raw.isascii() and raw.isdigit():
        return raw  # already what normalize_national_id returns: 12 ASCII digits, nothing to strip or pad
    return normalize_national_id(raw)


_resolve_ethnicity = lru_cache(maxsize=4096)(resolve_ethnicity)  # a file repeats a handful of groups


def parse_ethnicity(raw: Any) -> str | None:
    try:
        return _resolve_ethnicity(raw)
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
    # What validate_national_id says depends only on the ID's first six digits (every parsed ID has 12 digits),
    # the gender and the birth year: judged once per combination, not once per row.
    verdicts: dict[tuple[str, str | None, int | None], str | None] = {}
    for row in rows:
        values = row.values
        birth = values.get("birth_date")
        if birth and birth > today:
            row.errors.append(RowError(row.number, "Ngày sinh", "Ngày sinh ở tương lai.", sheet))
            birth = values["birth_date"] = None
        nid = values.get("national_id")
        if nid:
            gender = values.get("gender")
            key = (nid[:6], gender, birth.year if birth else None) if len(nid) == 12 else (nid, gender, birth)
            if key not in verdicts:
                try:
                    validate_national_id(nid, gender=gender, birth_date=birth)
                    verdicts[key] = None
                except NationalIdError as exc:
                    verdicts[key] = exc.message
            if (message := verdicts[key]) is not None:
                row.errors.append(RowError(row.number, "Mã định danh", message, sheet))
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
                text_in(f"{self.link_field}__national_id", ids), school_year=ctx.school_year, **self.active_filter
            )
            .exclude(school=ctx.school)
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
        """Upserts people and their year's record at this school; unchanged rows write nothing.

        On PostgreSQL the rows are staged with one COPY and matched, inserted, updated and audited by a few
        set-based statements (``_apply_set_based``). Files whose rows depend on each other in a way those
        statements do not model (a person without an ID whose name and birth date appear on another row, two rows
        that land on the same person) and SQLite take the row-by-row path, which gives the same result.
        """
        with paused_gc():
            if rows and connection.vendor == "postgresql":
                try:
                    with transaction.atomic():
                        return _SetBasedApply(self, rows, ctx).run()
                except _RowByRow:
                    pass  # rolled back to before the staging: nothing was written
            return self._apply_rows(rows, ctx)

    def _apply_rows(self, rows: list[Row], ctx: ImportContext) -> dict[str, int]:
        """The row-by-row upsert: plain tuples and dicts (no model instance per row), written with COPY on
        PostgreSQL and executemany elsewhere."""
        school = ctx.school
        now = timezone.now()
        person_model, link_model = self.person_model, self.link_model
        fields = self.person_fields
        known = self._known_people(rows, school)
        by_id = {p["national_id"]: p for p in known if p["national_id"]}
        by_key = {(p["name_key"], p["birth_date"]): p for p in known if p.get("at_school")}
        audit = AuditWriter(org_unit=school.org_unit, actor=ctx.actor, batch=ctx.batch)
        person_entity, link_entity = f"people.{person_model._meta.model_name}", f"people.{link_model._meta.model_name}"
        created, changed = [], []
        row_people: list[tuple[Row, dict[str, Any]]] = []
        outcome: dict[int, str] = {}
        for row in rows:
            values = row.values
            values["name_key"] = fold(values["full_name"])
            nid = values.get("national_id")
            person = by_id.get(nid) if nid else None
            if person is None:
                candidate = by_key.get((values["name_key"], values["birth_date"]))
                if candidate is not None and not (candidate["national_id"] and nid and candidate["national_id"] != nid):
                    person = candidate  # same school, name and birth date; an ID may arrive now
            update = {f: values[f] for f in fields if values.get(f) is not None}
            if person is None:
                person = {**dict.fromkeys(fields), **update, "id": None}
                created.append(person)
                outcome[row.number] = "created"
            elif changes := {f: [person[f], v] for f, v in update.items() if person[f] != v}:
                person.update(update)
                changed.append((person, changes))
                outcome[row.number] = "updated"
            row_people.append((row, person))
            if nid:
                by_id[nid] = person
            by_key[(values["name_key"], values["birth_date"])] = person
        for person, new_id in zip(created, allocate_ids(person_model, len(created)), strict=True):
            person["id"] = new_id
        columns = ["id", *fields, "created_at", "updated_at"]
        blank = _blank_values(person_model, fields)
        insert_rows(
            person_model,
            columns,
            [[p["id"], *(blank.get(f, p[f]) if p[f] is None else p[f] for f in fields), now, now] for p in created],
        )
        if changed:
            update_rows(
                person_model,
                [*fields, "updated_at"],
                [[p["id"], *(blank.get(f, p[f]) if p[f] is None else p[f] for f in fields), now] for p, _c in changed],
            )
        for person, changes in changed:
            audit.updated(person_entity, person["id"], {f: c for f, c in changes.items() if f != "name_key"})

        link_fields = self.link_fields
        owner = f"{self.link_field}_id"
        links = {
            link[owner]: link
            for link in link_model.objects.filter(school=school, school_year=ctx.school_year).values(
                "id", owner, *link_fields
            )
        }
        links_new, links_changed = [], []
        for row, person in row_people:
            update = {f: row.values[f] for f in link_fields if row.values.get(f) is not None}
            link = links.get(person["id"])
            if link is None:
                link = {**dict.fromkeys(link_fields), **update, "id": None, owner: person["id"]}
                links[person["id"]] = link
                links_new.append(link)
                outcome.setdefault(row.number, "updated")
            elif changes := {f: [link[f], v] for f, v in update.items() if link[f] != v}:
                link.update(update)
                links_changed.append((link, changes))
                outcome.setdefault(row.number, "updated")
        for link, new_id in zip(links_new, allocate_ids(link_model, len(links_new)), strict=True):
            link["id"] = new_id
        new_links = _Identity(links_new)
        blank = _blank_values(link_model, link_fields)
        insert_rows(
            link_model,
            ["id", owner, "school_id", "school_year_id", *link_fields, "updated_at"],
            [
                [
                    link["id"],
                    link[owner],
                    school.pk,
                    ctx.school_year.pk,
                    *(blank.get(f, link[f]) if link[f] is None else link[f] for f in link_fields),
                    now,
                ]
                for link in links_new
            ],
        )
        if links_changed:
            update_rows(
                link_model,
                [*link_fields, "updated_at"],
                [
                    [link["id"], *(blank.get(f, link[f]) if link[f] is None else link[f] for f in link_fields), now]
                    for link, _c in links_changed
                ],
            )
        # A new person and their first record here are one audit entry, pointing at the file's row.
        created_ids = {p["id"] for p in created}
        for row, person in row_people:
            link = links[person["id"]]
            if person["id"] in created_ids:
                created_ids.discard(person["id"])
                audit.created_from_row(person_entity, person["id"], row.number)
            elif link in new_links:
                new_links.discard(link)
                audit.created_from_row(link_entity, link["id"], row.number)
        for link, changes in links_changed:
            audit.updated(link_entity, link["id"], changes)
        audit.flush()
        counts = {"created": 0, "updated": 0}
        for state in outcome.values():
            counts[state] += 1
        return {**counts, "unchanged": len(rows) - len(outcome)}

    def _known_people(self, rows: list[Row], school: School) -> list[dict[str, Any]]:
        """People already known: by national ID anywhere, and by (name, birth date) at this school."""
        fields = ("id", *self.person_fields)
        relation = self.link_model._meta.get_field(self.link_field).related_query_name()
        # In id order: of two people here with the same name and birth date, the newest is the candidate.
        at_school = list(
            self.person_model.objects.filter(**{f"{relation}__school": school})
            .distinct()
            .order_by("id")
            .values(*fields)
        )
        for person in at_school:
            person["at_school"] = True
        seen = {p["national_id"] for p in at_school if p["national_id"]}
        seen.add(None)
        wanted = [r.values["national_id"] for r in rows if r.values.get("national_id") not in seen]
        elsewhere = (
            list(self.person_model.objects.filter(text_in("national_id", wanted)).values(*fields)) if wanted else []
        )
        return at_school + elsewhere


class _RowByRow(Exception):
    """The file needs the row-by-row path (raised before anything is written)."""


class _SetBasedApply:
    """PostgreSQL: the upsert of ``PersonKind._apply_rows`` as a handful of statements over a staging table.

    The valid rows are COPYed once into a temporary table; each is matched to a person exactly as the row-by-row
    path does (national ID anywhere; else the newest person with an enrolment here with the same folded name and
    birth date, when one of the two has no ID and no earlier row of the file has that name and birth date), then
    one INSERT … SELECT writes the new people, one their year's records, one UPDATE … FROM each the changed ones,
    and the audit entries (old → new, which import, which row) are built from the same table.
    """

    stage = "import_stage"
    matched = "import_rows"

    def __init__(self, kind: PersonKind, rows: list[Row], ctx: ImportContext):
        self.kind, self.rows, self.ctx = kind, rows, ctx
        self.person_table = kind.person_model._meta.db_table
        self.link_table = kind.link_model._meta.db_table
        self.owner = f"{kind.link_field}_id"
        audit = AuditWriter(org_unit=ctx.school.org_unit, actor=ctx.actor, batch=ctx.batch)
        self.params = {
            "school": ctx.school.pk,
            "year": ctx.school_year.pk,
            "now": timezone.now(),
            "org_unit": audit.org_unit.pk,
            "actor": getattr(audit.actor, "pk", None),
            "batch": getattr(audit.batch, "pk", None),
            "note": audit.note,
            "person_entity": f"people.{kind.person_model._meta.model_name}",
            "link_entity": f"people.{kind.link_model._meta.model_name}",
            "create": str(AuditEntry.Action.CREATE),
            "update": str(AuditEntry.Action.UPDATE),
        }

    def run(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            # For these statements only (SET LOCAL, restored below): no JIT compilation (the matching statement's
            # estimated cost, a sub-plan per row, triggers it, and compiling takes longer, ~1 s, than running the
            # plan), and enough memory to hash the school's people and records without spilling to disk.
            cursor.execute(
                "SELECT current_setting('jit'), current_setting('work_mem'), "
                "set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"
            )
            jit, work_mem = cursor.fetchone()[:2]
        self._stage()
        counts = self._match()
        self._write(counts)
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('jit', %s, true), set_config('work_mem', %s, true)", [jit, work_mem])
        created, updated = counts["created"], counts["updated"]
        return {"created": created, "updated": updated, "unchanged": len(self.rows) - created - updated}

    def _stage(self) -> None:
        kind, rows = self.kind, self.rows
        values = [row.values for row in rows]
        names = list(map(operator.itemgetter("full_name"), values))
        folded = {name: fold(name) for name in dict.fromkeys(names)}
        name_keys = list(map(folded.__getitem__, names))
        nids = list(map(operator.itemgetter("national_id"), values))
        births = list(map(operator.itemgetter("birth_date"), values))
        # The row-by-row path lets a row match a person here by name and birth date only when no earlier row of
        # the file has the same name and birth date, and a row without an ID sharing them with another row makes
        # the outcome depend on the order of the rows: that file goes row by row.
        keys = list(zip(name_keys, births, strict=True))
        first_row = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))  # the earliest wins
        first_of_key = list(map(operator.eq, map(first_row.__getitem__, keys), range(len(keys))))
        if len(first_row) < len(keys) and None in nids:
            counts = Counter(keys)
            if any(counts[key] > 1 for key, nid in zip(keys, nids, strict=True) if nid is None):
                raise _RowByRow
        fields = [f for f in kind.person_fields if f != "name_key"]
        columns = {
            "row_no": [row.number for row in rows],
            "first_of_key": first_of_key,
            "name_key": name_keys,
            **{f: list(map(operator.itemgetter(f), values)) for f in fields},
            **{f: list(map(operator.itemgetter(f), values)) for f in kind.link_fields},
        }
        types = {"row_no": "integer", "first_of_key": "boolean", "name_key": column_type(kind.person_model, "name_key")}
        types.update({f: column_type(kind.person_model, f) for f in fields})
        types.update({f: column_type(kind.link_model, f) for f in kind.link_fields})
        create_temp_table(self.stage, list(types.items()))
        copy_columns(self.stage, list(columns), list(columns.values()))

    def _match(self) -> dict[str, int]:
        kind, q = self.kind, connection.ops.quote_name
        person, link, owner = q(self.person_table), q(self.link_table), q(self.owner)

        def changed(alias: str, fields) -> str:
            return " OR ".join(f"(s.{q(f)} IS NOT NULL AND s.{q(f)} IS DISTINCT FROM {alias}.{q(f)})" for f in fields)

        def changes(alias: str, fields) -> str:
            pairs = ", ".join(
                f"'{f}', CASE WHEN s.{q(f)} IS NOT NULL AND s.{q(f)} IS DISTINCT FROM {alias}.{q(f)} "
                f"THEN jsonb_build_array({alias}.{q(f)}, s.{q(f)}) END"
                for f in fields
            )
            return f"jsonb_strip_nulls(jsonb_build_object({pairs}))"

        audited = [f for f in kind.person_fields if f != "name_key"]  # the folded name is not personal data
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, 'id'), pg_get_serial_sequence(%s, 'id')",
                [self.person_table, self.link_table],
            )
            person_sequence, link_sequence = cursor.fetchone()
            cursor.execute(f"DROP TABLE IF EXISTS {self.matched}")
            cursor.execute(
                f"""CREATE TEMP TABLE {self.matched} ON COMMIT DROP AS
                WITH m AS MATERIALIZED (
                    SELECT s.*, COALESCE(
                        byid.id,
                        (SELECT c.id FROM (
                            SELECT c.id, c.national_id FROM {person} c
                            WHERE s.first_of_key AND c.name_key = s.name_key AND c.birth_date = s.birth_date
                              AND EXISTS (SELECT 1 FROM {link} e WHERE e.{owner} = c.id AND e.school_id = %(school)s)
                            ORDER BY c.id DESC LIMIT 1
                         ) c WHERE c.national_id IS NULL OR s.national_id IS NULL)
                    ) AS found_id
                    FROM {self.stage} s LEFT JOIN {person} byid ON byid.national_id = s.national_id
                )
                SELECT s.*,
                       COALESCE(s.found_id, nextval(%(person_sequence)s::regclass)) AS person_id,
                       COALESCE(l.id, nextval(%(link_sequence)s::regclass)) AS link_id,
                       l.id IS NULL AS link_created,
                       COALESCE(s.found_id IS NOT NULL AND ({changed("p", kind.person_fields)}), false)
                           AS person_changed,
                       CASE WHEN s.found_id IS NOT NULL AND ({changed("p", audited)})
                            THEN {changes("p", audited)} ELSE '{{}}'::jsonb END AS person_changes,
                       COALESCE(l.id IS NOT NULL AND ({changed("l", kind.link_fields)}), false) AS link_changed,
                       CASE WHEN l.id IS NOT NULL AND ({changed("l", kind.link_fields)})
                            THEN {changes("l", kind.link_fields)} END AS link_changes
                FROM m s
                LEFT JOIN {person} p ON p.id = s.found_id
                LEFT JOIN {link} l ON l.{owner} = s.found_id AND l.school_id = %(school)s
                                  AND l.school_year_id = %(year)s""",
                {**self.params, "person_sequence": person_sequence, "link_sequence": link_sequence},
            )
            cursor.execute(
                f"""SELECT count(found_id) - count(DISTINCT found_id),
                           count(*) FILTER (WHERE found_id IS NULL),
                           count(*) FILTER (WHERE found_id IS NOT NULL
                                            AND (person_changed OR link_created OR link_changed)),
                           count(*) FILTER (WHERE person_changed),
                           count(*) FILTER (WHERE link_created),
                           count(*) FILTER (WHERE link_changed)
                    FROM {self.matched}"""
            )
            duplicates, *numbers = cursor.fetchone()
        # Two rows on one person (a person without an ID found again by the ID of another row…): the row-by-row
        # path applies them one after the other.
        if duplicates:
            raise _RowByRow
        return dict(zip(["created", "updated", "person_changed", "link_created", "link_changed"], numbers, strict=True))

    def _write(self, counts: dict[str, int]) -> None:
        """The writes; a statement with nothing to do is not sent (an unchanged file sends none)."""
        kind, q = self.kind, connection.ops.quote_name
        person, link, owner = q(self.person_table), q(self.link_table), q(self.owner)
        person_fields, link_fields = list(kind.person_fields), list(kind.link_fields)
        blank_person = _blank_values(kind.person_model, kind.person_fields)
        blank_link = _blank_values(kind.link_model, kind.link_fields)

        def new_value(field: str, blank: dict[str, Any]) -> str:
            return f"COALESCE({q(field)}, '')" if field in blank else q(field)

        def assignments(fields, alias: str) -> str:
            return ", ".join(f"{q(f)} = COALESCE(r.{q(f)}, {alias}.{q(f)})" for f in fields)

        audit = (
            "INSERT INTO core_auditentry (org_unit_id, entity, entity_id, action, changes, actor_id, batch_id, note,"
            " created_at) "
        )
        statements = []
        if counts["person_changed"]:
            statements.append(
                audit
                + f"""SELECT %(org_unit)s, %(person_entity)s, person_id, %(update)s, person_changes,
                                   %(actor)s, %(batch)s, %(note)s, %(now)s
                            FROM {self.matched} WHERE person_changed ORDER BY row_no"""
            )
            statements.append(
                f"""UPDATE {person} p SET {assignments(person_fields, "p")}, updated_at = %(now)s
                    FROM {self.matched} r WHERE p.id = r.found_id AND r.person_changed"""
            )
        if counts["created"]:
            statements.append(
                f"""INSERT INTO {person} (id, {", ".join(q(f) for f in person_fields)}, created_at, updated_at)
                    SELECT person_id, {", ".join(new_value(f, blank_person) for f in person_fields)}, %(now)s, %(now)s
                    FROM {self.matched} WHERE found_id IS NULL"""
            )
        if counts["link_created"]:  # new people included: they have no record here yet
            statements.append(
                f"""INSERT INTO {link} (id, {owner}, school_id, school_year_id, {", ".join(q(f) for f in link_fields)},
                                        updated_at)
                    SELECT link_id, person_id, %(school)s, %(year)s,
                           {", ".join(new_value(f, blank_link) for f in link_fields)}, %(now)s
                    FROM {self.matched} WHERE link_created"""
            )
            # A new person and their first record here are one entry, pointing at the file's row.
            statements.append(
                audit
                + f"""SELECT %(org_unit)s,
                                   CASE WHEN found_id IS NULL THEN %(person_entity)s ELSE %(link_entity)s END,
                                   CASE WHEN found_id IS NULL THEN person_id ELSE link_id END,
                                   %(create)s, '{{}}'::jsonb, %(actor)s, %(batch)s, 'dòng ' || row_no, %(now)s
                            FROM {self.matched} WHERE found_id IS NULL OR link_created ORDER BY row_no"""
            )
        if counts["link_changed"]:
            statements.append(
                audit
                + f"""SELECT %(org_unit)s, %(link_entity)s, link_id, %(update)s, link_changes,
                                   %(actor)s, %(batch)s, %(note)s, %(now)s
                            FROM {self.matched} WHERE link_changed ORDER BY row_no"""
            )
            statements.append(
                f"""UPDATE {link} l SET {assignments(link_fields, "l")}, updated_at = %(now)s
                    FROM {self.matched} r WHERE l.id = r.link_id AND r.link_changed"""
            )
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement, self.params)


class _Identity:
    """A set of dicts by identity (dicts are not hashable)."""

    def __init__(self, items):
        self.ids = {id(item) for item in items}

    def __contains__(self, item) -> bool:
        return id(item) in self.ids

    def discard(self, item) -> None:
        self.ids.discard(id(item))


def _blank_values(model, fields: tuple[str, ...]) -> dict[str, Any]:
    """What a blank cell is stored as: '' in text columns that are not nullable, NULL elsewhere."""
    return {
        f: ""
        for f in fields
        if not model._meta.get_field(f).null and isinstance(model._meta.get_field(f), models.CharField)
    }


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
        school = ctx.school
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
