"""Writes to the organisation tree: units, schools, school years and the yearly placement history."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from edudx.core.text import nfc

from .models import OrgUnit, OrgUnitPlacement, School, SchoolInfrastructure, SchoolYear

# A school year runs from 5 September to 31 May (plans' convention); stored dates may be adjusted.
YEAR_START = (9, 5)
YEAR_END = (5, 31)


def parse_school_year(code: str) -> tuple[int, int]:
    """``2024-2025`` → (2024, 2025); anything else is a ValidationError with a Vietnamese message."""
    parts = code.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts) or int(parts[1]) != int(parts[0]) + 1:
        raise ValidationError(_("Năm học '%(code)s' không hợp lệ; viết dạng 2024-2025.") % {"code": code})
    return int(parts[0]), int(parts[1])


@transaction.atomic
def get_or_open_school_year(*, code: str, make_current: bool = False) -> SchoolYear:
    """Opens a school year (idempotent) and records every active unit's place in the tree for it."""
    first, second = parse_school_year(code)
    year, created = SchoolYear.objects.get_or_create(
        code=code, defaults={"start_date": date(first, *YEAR_START), "end_date": date(second, *YEAR_END)}
    )
    if make_current and not year.is_current:
        SchoolYear.objects.filter(is_current=True).update(is_current=False)
        year.is_current = True
        year.save(update_fields=["is_current"])
    if created:
        snapshot_tree(school_year=year)
    return year


def current_school_year() -> SchoolYear | None:
    return SchoolYear.objects.filter(is_current=True).first()


def snapshot_tree(*, school_year: SchoolYear) -> int:
    """Records (once) where every active unit stands in the tree for ``school_year``."""
    existing = set(OrgUnitPlacement.objects.filter(school_year=school_year).values_list("org_unit_id", flat=True))
    rows = [
        OrgUnitPlacement(org_unit_id=pk, school_year=school_year, parent_id=parent_id, path=path)
        for pk, parent_id, path in OrgUnit.objects.filter(is_active=True).values_list("pk", "parent_id", "path")
        if pk not in existing
    ]
    OrgUnitPlacement.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _open_years() -> list[SchoolYear]:
    """The current school year and any later one: the years whose tree still follows today's changes."""
    current = current_school_year()
    if current is None:
        return list(SchoolYear.objects.all())
    return list(SchoolYear.objects.filter(code__gte=current.code))


@transaction.atomic
def create_org_unit(*, code: str, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
    """Adds a unit under ``parent`` (None only for the province department, the root)."""
    code = nfc(code).upper()
    if parent is None and kind != OrgUnit.Kind.DEPARTMENT:
        raise ValidationError(_("Chỉ Sở GDĐT là đơn vị gốc; đơn vị '%(code)s' cần đơn vị cấp trên.") % {"code": code})
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError(_("Mã đơn vị '%(code)s' đã tồn tại.") % {"code": code})
    unit = OrgUnit.objects.create(code=code, name=nfc(name), kind=kind, parent=parent, path="?")
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    OrgUnitPlacement.objects.bulk_create(
        [OrgUnitPlacement(org_unit=unit, school_year=y, parent=parent, path=unit.path) for y in _open_years()]
    )
    return unit


@transaction.atomic
def move_org_unit(*, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Moves a unit and its subtree; past school years keep reporting under the old parent."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if new_parent.path.startswith(unit.path):
        raise ValidationError(_("Không thể chuyển một đơn vị vào bên trong chính nó."))
    if new_parent.kind in (OrgUnit.Kind.SCHOOL, OrgUnit.Kind.SITE) and unit.kind != OrgUnit.Kind.SITE:
        raise ValidationError(_("Chỉ điểm trường mới được đặt dưới một trường."))
    old_path = unit.path
    new_path = f"{new_parent.path}{unit.pk}/"
    depth_change = new_parent.depth + 1 - unit.depth
    subtree = OrgUnit.objects.filter(path__startswith=old_path)
    subtree.update(path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + depth_change)
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    years = _open_years()
    placements = OrgUnitPlacement.objects.filter(school_year__in=years, path__startswith=old_path)
    placements.update(path=Concat(Value(new_path), Substr("path", len(old_path) + 1)))
    OrgUnitPlacement.objects.filter(school_year__in=years, org_unit=unit).update(parent=new_parent)
    unit.refresh_from_db()
    return unit


LEVEL_FIELDS = {level: f"level_{level.lower()}" for level in School.LEVELS}


@transaction.atomic
def upsert_school(
    *,
    code: str,
    name: str,
    parent: OrgUnit,
    levels: list[str],
    area: str,
    ownership: str = School.Ownership.PUBLIC,
    ward: str = "",
) -> tuple[School, bool]:
    """Creates or updates a school keyed by its code; moves it when its managing unit changed."""
    unknown = [level for level in levels if level not in LEVEL_FIELDS]
    if unknown or not levels:
        raise ValidationError(_("Cấp học không hợp lệ: %(levels)s.") % {"levels": ", ".join(unknown) or "—"})
    code = nfc(code).upper()
    unit = OrgUnit.objects.filter(code=code).first()
    created = unit is None
    if created:
        unit = create_org_unit(code=code, name=name, kind=OrgUnit.Kind.SCHOOL, parent=parent)
    else:
        if unit.kind != OrgUnit.Kind.SCHOOL:
            raise ValidationError(_("Mã '%(code)s' đã dùng cho một đơn vị không phải trường.") % {"code": code})
        if unit.name != nfc(name):
            OrgUnit.objects.filter(pk=unit.pk).update(name=nfc(name))
        if unit.parent_id != parent.pk:
            unit = move_org_unit(unit=unit, new_parent=parent)
    values: dict[str, Any] = {field: level in levels for level, field in LEVEL_FIELDS.items()}
    values.update(area=area, ownership=ownership, ward=nfc(ward))
    school, _created = School.objects.update_or_create(org_unit=unit, defaults=values)
    return school, created


def set_school_infrastructure(*, school: School, school_year: SchoolYear, **values: Any) -> SchoolInfrastructure:
    """Records a school's connectivity and digital-service flags for one school year."""
    row, _created = SchoolInfrastructure.objects.update_or_create(
        school=school, school_year=school_year, defaults=values
    )
    return row
