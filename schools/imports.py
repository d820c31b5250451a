"""Import kinds of the organisation and school data: units, schools, facilities, teaching activity, fees."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.db import models, transaction
from django.utils import timezone

from edudx.core.audit import AuditWriter
from edudx.core.imports.columns import Column
from edudx.core.imports.kinds import ImportContext, ImportKind, Row, RowError, register
from edudx.core.imports.values import CellError, choice_parser, parse_bool, parse_int, parse_text
from edudx.core.text import fold

from . import services
from .models import FacilityItem, FeeCollection, OrgUnit, School, SchoolInfrastructure, TeachingActivity

YES_NO = ["Có", "Không"]


def parse_code(raw: Any) -> str | None:
    code = parse_text(raw)
    if code is None:
        return None
    code = code.upper().replace(" ", "")
    if len(code) > 32:
        raise CellError("Mã dài quá 32 ký tự.")
    return code


def parse_levels(raw: Any) -> list[str] | None:
    text = parse_text(raw)
    if text is None:
        return None
    parts = [p.strip().upper() for p in text.replace(";", ",").replace("+", ",").replace("/", ",").split(",")]
    levels = [p for p in parts if p]
    unknown = [p for p in levels if p not in School.LEVELS]
    if unknown or not levels:
        raise CellError(
            f"Cấp học '{text}' không hợp lệ; ghi một hoặc nhiều trong MN, TH, THCS, THPT, GDTX, cách nhau dấu phẩy."
        )
    return [level for level in School.LEVELS if level in levels]


parse_ownership = choice_parser(
    [
        (School.Ownership.PUBLIC, ["Công lập", "CL"]),
        (School.Ownership.PRIVATE, ["Tư thục", "TT"]),
        (School.Ownership.PEOPLE_FOUNDED, ["Dân lập", "DL"]),
    ],
    what="Loại hình",
)
parse_area = choice_parser(
    [
        (School.Area.URBAN, ["Thành thị", "Đô thị"]),
        (School.Area.RURAL, ["Nông thôn"]),
        (School.Area.DIFFICULT, ["Vùng khó khăn", "Vùng đặc biệt khó khăn", "ĐBKK", "VKK"]),
    ],
    what="Khu vực",
)
parse_internet = choice_parser(
    [
        (SchoolInfrastructure.Internet.FIBER, ["Cáp quang", "FTTH", "Cáp quang (FTTH)"]),
        (SchoolInfrastructure.Internet.MOBILE, ["4G", "3G", "5G", "Di động"]),
        (SchoolInfrastructure.Internet.NONE, ["Không", "Chưa có"]),
    ],
    what="Kết nối Internet",
)
parse_facility_type = choice_parser(
    [
        (value, [label])
        for value, label in [
            (FacilityItem.Type.CLASSROOM, "Phòng học"),
            (FacilityItem.Type.COMPUTER_ROOM, "Phòng Tin học"),
            (FacilityItem.Type.LAB, "Phòng thí nghiệm"),
            (FacilityItem.Type.LIBRARY, "Thư viện"),
            (FacilityItem.Type.COMPUTER, "Máy tính"),
            (FacilityItem.Type.PROJECTOR, "Máy chiếu"),
            (FacilityItem.Type.INTERACTIVE_BOARD, "Bảng tương tác"),
            (FacilityItem.Type.OTHER, "Khác"),
        ]
    ],
    what="Loại",
)
parse_condition = choice_parser(
    [
        (FacilityItem.Condition.GOOD, ["Tốt"]),
        (FacilityItem.Condition.NEEDS_REPAIR, ["Cần sửa chữa", "Cần sửa"]),
        (FacilityItem.Condition.BROKEN, ["Hỏng"]),
    ],
    what="Tình trạng",
)
parse_grade = choice_parser(
    [
        *[(str(g), [str(g), f"Lớp {g}", f"Khối {g}"]) for g in range(1, 13)],
        ("NT", ["NT", "Nhà trẻ"]),
        ("MG3", ["MG3"]),
        ("MG4", ["MG4"]),
        ("MG5", ["MG5"]),
    ],
    what="Khối",
)


def _year(raw: Any) -> int | None:
    value = parse_int(raw, minimum=1950, maximum=timezone.now().year + 1)
    return value


def _money(raw: Any) -> int | None:
    return parse_int(raw, minimum=0, maximum=10**13)


class KeyedUpsertKind(ImportKind):
    """A kind whose rows are upserted on a natural key within (school, school year)."""

    model: ClassVar[type[models.Model]]
    key_fields: ClassVar[Sequence[str]]  # from the row values (after ``prepare``)
    value_fields: ClassVar[Sequence[str]]

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        return values

    def row_check(self, row: Row) -> None:
        """Checks between the cells of one row."""

    def check(self, rows: list[Row], ctx: ImportContext) -> list[dict[str, Any]]:
        seen: dict[tuple, int] = {}
        for row in rows:
            self.row_check(row)
            if any(row.values.get(f) is None for f in self.key_fields if f in {c.key for c in self.columns}):
                continue
            key = tuple(self.prepare(dict(row.values)).get(f) for f in self.key_fields)
            if key in seen:
                row.errors.append(RowError(row.number, "", f"Trùng với dòng {seen[key]} trong cùng tệp."))
            else:
                seen[key] = row.number
        return []

    @transaction.atomic
    def apply(self, rows: list[Row], ctx: ImportContext) -> dict[str, int]:
        school = ctx.school
        existing = {
            tuple(getattr(obj, f) for f in self.key_fields): obj
            for obj in self.model.objects.filter(school=school, school_year=ctx.school_year)
        }
        audit = AuditWriter(org_unit=school.org_unit, actor=ctx.actor, batch=ctx.batch)
        entity = f"schools.{self.model._meta.model_name}"
        new, changed = [], []
        for row in rows:
            values = self.prepare(dict(row.values))
            key = tuple(values[f] for f in self.key_fields)
            stored = {f: values[f] for f in self.value_fields if values.get(f) is not None}
            obj = existing.get(key)
            if obj is None:
                obj = self.model(
                    school=school, school_year=ctx.school_year, **{f: values[f] for f in self.key_fields}, **stored
                )
                new.append(obj)
                existing[key] = obj
                continue
            changes = {f: [getattr(obj, f), v] for f, v in stored.items() if getattr(obj, f) != v}
            if changes:
                for f, (_old, v) in changes.items():
                    setattr(obj, f, v)
                obj.updated_at = timezone.now()
                changed.append((obj, changes))
        self.model.objects.bulk_create(new, batch_size=2000)
        if changed:
            fields = sorted({f for _o, c in changed for f in c} | {"updated_at"})
            self.model.objects.bulk_update([o for o, _c in changed], fields, batch_size=2000)
        for obj in new:
            audit.created(entity, obj.pk, {f: getattr(obj, f) for f in (*self.key_fields, *self.value_fields)})
        for obj, changes in changed:
            audit.updated(entity, obj.pk, changes)
        audit.flush()
        return {"created": len(new), "updated": len(changed), "unchanged": len(rows) - len(new) - len(changed)}


class FacilitiesKind(KeyedUpsertKind):
    code = "facilities"
    label = "Cơ sở vật chất, thiết bị"
    model = FacilityItem
    key_fields = ("asset_code",)
    value_fields = ("name", "type", "quantity", "year_in_use", "condition", "site")
    columns = [
        Column("asset_code", "Mã tài sản", parse_code, required=True, aliases=["Mã TS"]),
        Column("name", "Tên tài sản", parse_text, required=True),
        Column(
            "type",
            "Loại",
            parse_facility_type,
            required=True,
            aliases=["Loại tài sản"],
            choices=[
                "Phòng học",
                "Phòng Tin học",
                "Phòng thí nghiệm",
                "Thư viện",
                "Máy tính",
                "Máy chiếu",
                "Bảng tương tác",
                "Khác",
            ],
        ),
        Column("quantity", "Số lượng", lambda raw: parse_int(raw, minimum=0, maximum=100_000), required=True),
        Column("year_in_use", "Năm đưa vào sử dụng", _year, aliases=["Năm sử dụng"]),
        Column("condition", "Tình trạng", parse_condition, choices=["Tốt", "Cần sửa chữa", "Hỏng"]),
        Column("site", "Điểm trường", parse_text),
    ]


class TeachingKind(KeyedUpsertKind):
    code = "teaching"
    label = "Hoạt động dạy học"
    model = TeachingActivity
    key_fields = ("grade", "subject_key")
    value_fields = ("subject", "total_periods", "online_periods", "interactive_periods")
    columns = [
        Column("grade", "Khối", parse_grade, required=True),
        Column("subject", "Môn học", parse_text, required=True),
        Column("total_periods", "Tổng số tiết", lambda raw: parse_int(raw, maximum=5000), required=True),
        Column("online_periods", "Số tiết dạy trực tuyến", lambda raw: parse_int(raw, maximum=5000)),
        Column(
            "interactive_periods",
            "Số tiết hoạt động tương tác trực tuyến",
            lambda raw: parse_int(raw, maximum=5000),
            aliases=["Số tiết tương tác trực tuyến"],
        ),
    ]

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        values["subject_key"] = fold(values["subject"]) if values.get("subject") else None
        values["online_periods"] = values.get("online_periods") or 0
        values["interactive_periods"] = values.get("interactive_periods") or 0
        return values

    def row_check(self, row: Row) -> None:
        total = row.values.get("total_periods")
        for key, label in (
            ("online_periods", "Số tiết dạy trực tuyến"),
            ("interactive_periods", "Số tiết hoạt động tương tác trực tuyến"),
        ):
            value = row.values.get(key)
            if total is not None and value is not None and value > total:
                row.errors.append(RowError(row.number, label, f"{value} lớn hơn tổng số tiết ({total})."))


class FeesKind(KeyedUpsertKind):
    code = "fees"
    label = "Khoản thu"
    model = FeeCollection
    key_fields = ("term", "item_key")
    value_fields = ("item", "total_amount", "cashless_amount")
    columns = [
        Column("term", "Kỳ thu", parse_code, required=True, help="ví dụ HK1"),
        Column("item", "Khoản thu", parse_text, required=True),
        Column("total_amount", "Tổng số tiền đã thu", _money, required=True, help="đồng, số nguyên"),
        Column(
            "cashless_amount",
            "Trong đó không dùng tiền mặt",
            _money,
            required=True,
            aliases=["Không dùng tiền mặt", "Số tiền không dùng tiền mặt"],
        ),
    ]

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        values["item_key"] = fold(values["item"]) if values.get("item") else None
        return values

    def row_check(self, row: Row) -> None:
        total, cashless = row.values.get("total_amount"), row.values.get("cashless_amount")
        if total is not None and cashless is not None and cashless > total:
            row.errors.append(
                RowError(
                    row.number,
                    "Trong đó không dùng tiền mặt",
                    f"Số tiền không dùng tiền mặt ({cashless:,}) lớn hơn tổng ({total:,}).".replace(",", "."),
                )
            )


class UnitsKind(ImportKind):
    code = "units"
    label = "Đơn vị"
    per_school = False
    columns = [
        Column("code", "Mã đơn vị", parse_code, required=True),
        Column("name", "Tên đơn vị", parse_text, required=True),
        Column("parent", "Đơn vị cấp trên", parse_code, aliases=["Mã đơn vị cấp trên"]),
    ]

    def check(self, rows: list[Row], ctx: ImportContext) -> list[dict[str, Any]]:
        in_file = {row.values.get("code") for row in rows if row.values.get("code")}
        known = set(OrgUnit.objects.filter(path__startswith=ctx.org_unit.path).values_list("code", flat=True))
        seen: dict[str, int] = {}
        for row in rows:
            code, parent = row.values.get("code"), row.values.get("parent")
            if code in seen:
                row.errors.append(RowError(row.number, "Mã đơn vị", f"Trùng với dòng {seen[code]}."))
            elif code:
                seen[code] = row.number
            if parent is None and code != ctx.org_unit.code:
                row.errors.append(RowError(row.number, "Đơn vị cấp trên", "Thiếu đơn vị cấp trên (chỉ Sở là gốc)."))
            elif parent and parent not in known and parent not in in_file:
                row.errors.append(
                    RowError(row.number, "Đơn vị cấp trên", f"Không có đơn vị mã {parent} trong phạm vi.")
                )
        return []

    @transaction.atomic
    def apply(self, rows: list[Row], ctx: ImportContext) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        pending = list(rows)
        while pending:  # parents first, whatever the order of the rows
            progressed = False
            for row in list(pending):
                values = row.values
                parent = OrgUnit.objects.filter(code=values["parent"]).first() if values.get("parent") else None
                if values.get("parent") and parent is None:
                    continue
                unit = OrgUnit.objects.filter(code=values["code"]).first()
                if unit is None:
                    services.create_org_unit(
                        code=values["code"], name=values["name"], kind=OrgUnit.Kind.UNIT, parent=parent
                    )
                    counts["created"] += 1
                elif unit.name != values["name"] or (parent and unit.parent_id != parent.pk):
                    if unit.name != values["name"]:
                        OrgUnit.objects.filter(pk=unit.pk).update(name=values["name"])
                    if parent and unit.parent_id != parent.pk:
                        services.move_org_unit(unit=unit, new_parent=parent)
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
                pending.remove(row)
                progressed = True
            if not progressed:
                break
        return counts


class SchoolsKind(ImportKind):
    code = "schools"
    label = "Trường học"
    per_school = False
    columns = [
        Column("code", "Mã trường", parse_code, required=True),
        Column("name", "Tên trường", parse_text, required=True),
        Column("levels", "Cấp học", parse_levels, required=True, help="MN, TH, THCS, THPT, GDTX"),
        Column("ownership", "Loại hình", parse_ownership, choices=["Công lập", "Tư thục", "Dân lập"]),
        Column("parent", "Đơn vị quản lý", parse_code, required=True, aliases=["Mã đơn vị quản lý"]),
        Column("ward", "Xã/Phường", parse_text, aliases=["Xã, phường", "Xã phường"]),
        Column("area", "Khu vực", parse_area, required=True, choices=["Thành thị", "Nông thôn", "Vùng khó khăn"]),
        Column("internet", "Kết nối Internet", parse_internet, choices=["Cáp quang", "4G", "Không"]),
        Column("site_count", "Số điểm trường", parse_int),
        Column("sites_with_internet", "Số điểm trường có Internet", parse_int),
        Column("computer_rooms", "Số phòng Tin học", parse_int),
        Column("has_mis", "Phần mềm quản trị nhà trường", parse_bool, choices=YES_NO),
        Column("has_cashless", "Thanh toán không dùng tiền mặt", parse_bool, choices=YES_NO),
        Column("has_e_contact_book", "Sổ liên lạc điện tử", parse_bool, choices=YES_NO),
    ]
    INFRASTRUCTURE = (
        "internet",
        "site_count",
        "sites_with_internet",
        "computer_rooms",
        "has_mis",
        "has_cashless",
        "has_e_contact_book",
    )

    def check(self, rows: list[Row], ctx: ImportContext) -> list[dict[str, Any]]:
        units = dict(OrgUnit.objects.filter(path__startswith=ctx.org_unit.path).values_list("code", "kind"))
        seen: dict[str, int] = {}
        for row in rows:
            values = row.values
            code, parent = values.get("code"), values.get("parent")
            if code in seen:
                row.errors.append(RowError(row.number, "Mã trường", f"Trùng với dòng {seen[code]}."))
            elif code:
                seen[code] = row.number
            if code and units.get(code) not in (None, OrgUnit.Kind.SCHOOL):
                row.errors.append(
                    RowError(row.number, "Mã trường", f"Mã {code} đã dùng cho một đơn vị không phải trường.")
                )
            if parent and units.get(parent) not in (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.UNIT):
                row.errors.append(
                    RowError(row.number, "Đơn vị quản lý", f"Không có đơn vị quản lý mã {parent} trong phạm vi.")
                )
            sites, online = values.get("site_count"), values.get("sites_with_internet")
            if sites is not None and online is not None and online > sites:
                row.errors.append(
                    RowError(row.number, "Số điểm trường có Internet", f"{online} lớn hơn số điểm trường ({sites}).")
                )
        return []

    @transaction.atomic
    def apply(self, rows: list[Row], ctx: ImportContext) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        parents = {
            u.code: u
            for u in OrgUnit.objects.filter(path__startswith=ctx.org_unit.path).exclude(
                kind__in=[OrgUnit.Kind.SCHOOL, OrgUnit.Kind.SITE]
            )
        }
        audit = AuditWriter(org_unit=ctx.org_unit, actor=ctx.actor, batch=ctx.batch)
        for row in rows:
            v = row.values
            before = School.objects.filter(org_unit__code=v["code"]).select_related("org_unit").first()
            snapshot = _school_snapshot(before, ctx) if before else None
            school, created = services.upsert_school(
                code=v["code"],
                name=v["name"],
                parent=parents[v["parent"]],
                levels=v["levels"],
                area=v["area"],
                ownership=v.get("ownership") or School.Ownership.PUBLIC,
                ward=v.get("ward") or "",
            )
            infra = {f: v[f] for f in self.INFRASTRUCTURE if v.get(f) is not None}
            if infra:
                services.set_school_infrastructure(school=school, school_year=ctx.school_year, **infra)
            after = _school_snapshot(school, ctx)
            if created:
                counts["created"] += 1
                audit.created("schools.school", school.pk, after)
            elif after != snapshot:
                counts["updated"] += 1
                audit.updated(
                    "schools.school",
                    school.pk,
                    {k: [snapshot.get(k), after.get(k)] for k in after if snapshot.get(k) != after.get(k)},
                )
            else:
                counts["unchanged"] += 1
        audit.flush()
        return counts


def _school_snapshot(school: School, ctx: ImportContext) -> dict[str, Any]:
    school = School.objects.select_related("org_unit__parent").get(pk=school.pk)
    infra = (
        SchoolInfrastructure.objects.filter(school=school, school_year=ctx.school_year)
        .values(*SchoolsKind.INFRASTRUCTURE)
        .first()
        or {}
    )
    return {
        "name": school.name,
        "parent": school.org_unit.parent.code,
        "levels": ",".join(school.levels),
        "area": school.area,
        "ownership": school.ownership,
        "ward": school.ward,
        **infra,
    }


for _kind in (UnitsKind(), SchoolsKind(), FacilitiesKind(), TeachingKind(), FeesKind()):
    register(_kind)
