"""Reads for the indicator dashboards (SPEC §4): stored ``IndicatorValue`` rows only, always through the scope.

Every function here runs a fixed number of queries whatever the number of schools: the unit's own values are
one query, its children's values one more, the trend one more. Nothing is recomputed: the values are what
``reports.indicators`` stored. Statuses compare a value with its 2025 target (on track ≥ target, at risk
≥ 80 % of it, off track below, no data when the value is NULL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from edudx.core.scoping import Scope, scope_of
from edudx.core.text import fold
from schools.models import OrgUnit, School, SchoolYear

from .models import DataQualityScore, IndicatorValue

if TYPE_CHECKING:  # imported when first needed (as the API does): a broken definition must not break the URLconf
    from .indicators import Indicator

# Who sees the dashboards: the registry's keepers and the department, not teachers (SPEC §0).
DASHBOARD_ROLES = ("department_admin", "department_staff", "unit_staff", "school_admin")
AT_RISK_SHARE = Decimal("0.8")  # "at risk" from 80 % of the target

DASHBOARD_KINDS = (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.UNIT, OrgUnit.Kind.SCHOOL)
CHILD_KINDS = (OrgUnit.Kind.UNIT, OrgUnit.Kind.SCHOOL)


class Status:
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"

    LABELS = {
        ON_TRACK: _("Đạt chỉ tiêu"),
        AT_RISK: _("Có nguy cơ"),
        OFF_TRACK: _("Chưa đạt"),
        NO_DATA: _("Chưa có số liệu"),
        NO_TARGET: _("Không có chỉ tiêu"),
    }
    ORDER = {OFF_TRACK: 0, AT_RISK: 1, ON_TRACK: 2, NO_TARGET: 3, NO_DATA: 4}  # worst first
    FILTERABLE = (ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)


@dataclass(frozen=True)
class Headline:
    key: str
    title: Any
    icon: str
    codes: tuple[str, ...]


# The three headline indicators of SPEC §4, each a group of codes shown on one card.
HEADLINES = (
    Headline(
        "online",
        _("Học tập trực tuyến"),
        "laptop",
        ("ONLINE_CONTENT_SHARE_TH", "ONLINE_CONTENT_SHARE_SECONDARY"),
    ),
    Headline(
        "cashless",
        _("Thanh toán không dùng tiền mặt"),
        "credit-card",
        ("CASHLESS_REVENUE_SHARE_URBAN", "CASHLESS_REVENUE_SHARE_RURAL", "CASHLESS_SCHOOL_SHARE"),
    ),
    Headline(
        "records",
        _("Số hóa hồ sơ"),
        "folder-check",
        ("DIGITAL_RECORD_STUDENT_SHARE", "DIGITAL_RECORD_STAFF_SHARE", "DIGITAL_RECORD_FACILITY_SHARE"),
    ),
)

# What a school uploads so that an indicator gets a value: (import kind code, the columns that feed it).
# "schools" is the department's / unit's schools template, not a school's own upload.
UPLOAD_HINTS: dict[str, tuple[str, Any]] = {
    "ONLINE_CONTENT_SHARE_TH": ("teaching", _("Tổng số tiết, Số tiết dạy trực tuyến (khối 1–5)")),
    "ONLINE_CONTENT_SHARE_SECONDARY": ("teaching", _("Tổng số tiết, Số tiết dạy trực tuyến (khối 6–12)")),
    "ONLINE_INTERACTIVE_SHARE_TH": ("teaching", _("Tổng số tiết, Số tiết hoạt động tương tác trực tuyến (khối 1–5)")),
    "ONLINE_INTERACTIVE_SHARE_SECONDARY": (
        "teaching",
        _("Tổng số tiết, Số tiết hoạt động tương tác trực tuyến (khối 6–12)"),
    ),
    "ONLINE_READY_STUDENT_SHARE": ("students", _("Có thiết bị học trực tuyến, Có kết nối Internet")),
    "ONLINE_READY_TEACHER_SHARE": ("staff", _("Vị trí việc làm, Đủ điều kiện dạy trực tuyến")),
    "CASHLESS_SCHOOL_SHARE": ("schools", _("Thanh toán không dùng tiền mặt")),
    "CASHLESS_REVENUE_SHARE_URBAN": ("fees", _("Tổng số tiền đã thu, Trong đó không dùng tiền mặt")),
    "CASHLESS_REVENUE_SHARE_RURAL": ("fees", _("Tổng số tiền đã thu, Trong đó không dùng tiền mặt")),
    "DIGITAL_RECORD_STUDENT_SHARE": (
        "students",
        _("Mã định danh, Họ và tên, Ngày sinh, Giới tính, Dân tộc, Khối, Lớp"),
    ),
    "DIGITAL_RECORD_STAFF_SHARE": (
        "staff",
        _("Mã định danh, Họ và tên, Ngày sinh, Giới tính, Dân tộc, Vị trí việc làm"),
    ),
    "DIGITAL_RECORD_FACILITY_SHARE": (
        "facilities",
        _("Mã tài sản, Tên tài sản, Loại, Số lượng, Năm đưa vào sử dụng, Tình trạng, Điểm trường"),
    ),
    "E_TRANSCRIPT_SHARE": ("students", _("Học bạ điện tử")),
    "E_CONTACT_BOOK_SCHOOL_SHARE": ("schools", _("Sổ liên lạc điện tử")),
    "SCHOOL_MIS_SHARE": ("schools", _("Phần mềm quản trị nhà trường")),
    "FIBER_SCHOOL_SHARE": ("schools", _("Kết nối Internet")),
    "SITE_INTERNET_SHARE": ("schools", _("Số điểm trường, Số điểm trường có Internet")),
    "COMPUTER_ROOM_SCHOOL_SHARE": ("schools", _("Số phòng Tin học")),
    "DIGITAL_SIGNATURE_STAFF_SHARE": ("staff", _("Vị trí việc làm, Chữ ký số")),
    "SELF_TRAINING_ACCOUNT_SHARE": ("staff", _("Tài khoản tự bồi dưỡng")),
    "DIGITAL_SKILLS_TRAINED_SHARE": ("staff", _("Đã bồi dưỡng kỹ năng số")),
}
UPLOAD_KIND_LABELS = {
    "students": _("Học sinh"),
    "staff": _("Cán bộ, giáo viên, nhân viên"),
    "facilities": _("Cơ sở vật chất, thiết bị"),
    "teaching": _("Hoạt động dạy học"),
    "fees": _("Khoản thu"),
    "schools": _("Trường học"),
}
UPLOAD_KIND_ORDER = ("students", "staff", "facilities", "teaching", "fees", "schools")


# --- indicator definitions ----------------------------------------------------------------------------------------


def indicator_definitions() -> dict[str, Indicator]:
    """The plan's indicators in their defined order (``reports.indicators.INDICATORS``)."""
    from .indicators import INDICATORS

    return INDICATORS


def indicator_name(indicator: Indicator | None, code: str) -> str:
    """The name in the active language; the bare code for a stored value whose definition was removed."""
    return indicator.name if indicator is not None else code


def higher_is_better(indicator: Indicator | None) -> bool:
    return indicator is None or indicator.direction != "down"


def is_province_only(indicator: Indicator | None) -> bool:
    """Indicators measured for the province as a whole (learning library, online procedures)."""
    return indicator is not None and indicator.scope == "province"


def applies_to_school(indicator: Indicator | None, *, school: School) -> bool:
    """Whether the indicator concerns this school at all (its levels and area; not a province-wide measure)."""
    if indicator is None or is_province_only(indicator):
        return False
    return indicator.concerns(levels=school.levels, area=school.area)


def applies_to_unit(indicator: Indicator | None, *, unit: OrgUnit) -> bool:
    return unit.kind == OrgUnit.Kind.DEPARTMENT or not is_province_only(indicator)


def target_of(indicator: Indicator | None) -> Decimal | None:
    """The target a status is measured against: 2025, or 2030 when the plan set no 2025 figure."""
    if indicator is None:
        return None
    target = getattr(indicator, "target_2025", None)
    return target if target is not None else getattr(indicator, "target_2030", None)


def indicator_status(*, value: Decimal | None, target: Decimal | None, higher_better: bool = True) -> str:
    """On track at or beyond the target, at risk within 80 % of it, off track below; no data when NULL."""
    if value is None:
        return Status.NO_DATA
    if target is None:
        return Status.NO_TARGET
    value, target = Decimal(value), Decimal(target)
    if higher_better:
        if value >= target:
            return Status.ON_TRACK
        return Status.AT_RISK if value >= target * AT_RISK_SHARE else Status.OFF_TRACK
    # Lower is better (none of SPEC §4's today): at risk up to target / 0.8.
    if value <= target:
        return Status.ON_TRACK
    return Status.AT_RISK if value * AT_RISK_SHARE <= target else Status.OFF_TRACK


# --- scope and units ----------------------------------------------------------------------------------------------


def dashboard_scope(*, visible_to: Any) -> Scope:
    return scope_of(visible_to).only(DASHBOARD_ROLES)


def can_view_dashboards(*, visible_to: Any) -> bool:
    return not dashboard_scope(visible_to=visible_to).is_empty


def dashboard_roots(*, visible_to: Any) -> list[OrgUnit]:
    """The top units of the caller's dashboard scope: where the dashboard opens."""
    scope = dashboard_scope(visible_to=visible_to)
    units = OrgUnit.objects.filter(kind__in=DASHBOARD_KINDS)
    if scope.unrestricted:
        return list(units.filter(parent__isnull=True).order_by("code"))
    return list(units.filter(path__in=scope.roots()).order_by("path"))


def get_dashboard_unit(*, visible_to: Any, code: str) -> OrgUnit:
    """The department, unit or school with that code inside the caller's scope; DoesNotExist (→ 404) otherwise."""
    return (
        OrgUnit.objects.visible_to(visible_to, roles=DASHBOARD_ROLES)
        .filter(kind__in=DASHBOARD_KINDS)
        .select_related("parent")
        .get(code=code)
    )


def get_dashboard_school(*, visible_to: Any, code: str) -> School:
    return (
        School.objects.visible_to(visible_to, roles=DASHBOARD_ROLES)
        .select_related("org_unit__parent")
        .get(org_unit__code=code)
    )


def list_breadcrumbs(*, visible_to: Any, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors that the caller may open, top first."""
    ancestor_ids = [int(pk) for pk in unit.path.strip("/").split("/")[:-1] if pk.isdigit()]
    if not ancestor_ids:
        return []
    return list(
        OrgUnit.objects.visible_to(visible_to, roles=DASHBOARD_ROLES)
        .filter(pk__in=ancestor_ids, kind__in=DASHBOARD_KINDS)
        .order_by("depth")
    )


def _children(*, visible_to: Any, unit: OrgUnit, school_year: SchoolYear) -> QuerySet[OrgUnit]:
    """Units and schools directly under ``unit`` in that school year (its tree snapshot), inside the scope."""
    return OrgUnit.objects.visible_to(visible_to, roles=DASHBOARD_ROLES).filter(
        kind__in=CHILD_KINDS, placements__school_year=school_year, placements__parent=unit
    )  # one placement per unit and year: the join adds no duplicates


def list_children(*, visible_to: Any, unit: OrgUnit, school_year: SchoolYear) -> list[OrgUnit]:
    """Child units then schools of ``unit`` for the year, by name (with each school's profile, no extra query)."""
    children = list(_children(visible_to=visible_to, unit=unit, school_year=school_year).select_related("school"))
    if not children:  # a year opened without a tree snapshot: today's tree
        children = list(
            OrgUnit.objects.visible_to(visible_to, roles=DASHBOARD_ROLES)
            .filter(parent=unit, kind__in=CHILD_KINDS)
            .select_related("school")
        )
    return sorted(children, key=lambda child: (child.kind == OrgUnit.Kind.SCHOOL, fold(child.name), child.code))


def school_of(unit: OrgUnit) -> School | None:
    """The school profile fetched with ``select_related("school")``, or None for a unit (no query either way)."""
    if unit.kind != OrgUnit.Kind.SCHOOL:
        return None
    try:
        return unit.school
    except School.DoesNotExist:
        return None


def count_schools(*, visible_to: Any, unit: OrgUnit) -> int:
    return (
        OrgUnit.objects.visible_to(visible_to, roles=DASHBOARD_ROLES)
        .filter(path__startswith=unit.path, kind=OrgUnit.Kind.SCHOOL, is_active=True)
        .count()
    )


# --- school years -------------------------------------------------------------------------------------------------


def school_years() -> list[SchoolYear]:
    """Every school year, most recent first."""
    return list(SchoolYear.objects.order_by("-code"))


def pick_school_year(years: Sequence[SchoolYear], code: str | None) -> SchoolYear | None:
    """The year asked for, else the current one, else the latest."""
    if code:
        for year in years:
            if year.code == code:
                return year
    for year in years:
        if year.is_current:
            return year
    return years[0] if years else None


def previous_school_year(years: Sequence[SchoolYear], year: SchoolYear) -> SchoolYear | None:
    earlier = [y for y in years if y.code < year.code]
    return max(earlier, key=lambda y: y.code) if earlier else None


# --- values -------------------------------------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    """One indicator for one unit and year, with its targets, status and change since the previous year."""

    code: str
    name: str
    indicator: Any
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    computed: bool = False  # a row is stored (possibly "no data")
    previous: Decimal | None = None
    status: str = Status.NO_DATA
    higher_better: bool = True
    target_2025: Decimal | None = None
    target_2030: Decimal | None = None

    @property
    def status_label(self) -> Any:
        return Status.LABELS[self.status]

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def trend(self) -> str | None:
        """ "up", "down" or "flat" against the previous year; None when either year has no data."""
        change = self.change
        if change is None:
            return None
        return "up" if change > 0 else "down" if change < 0 else "flat"

    @property
    def improved(self) -> bool | None:
        trend = self.trend
        if trend in (None, "flat"):
            return None
        return (trend == "up") == self.higher_better

    @property
    def progress(self) -> Decimal | None:
        """Value as a share of the target, capped at 100 (for a progress bar)."""
        target = target_of(self.indicator)
        if self.value is None or not target:
            return None
        return min(Decimal(100), (self.value / target * 100).quantize(Decimal("0.1")))


def _row(code: str, indicator: Any) -> IndicatorRow:
    return IndicatorRow(
        code=code,
        name=indicator_name(indicator, code),
        indicator=indicator,
        higher_better=higher_is_better(indicator),
        target_2025=getattr(indicator, "target_2025", None),
        target_2030=getattr(indicator, "target_2030", None),
    )


def _fill(row: IndicatorRow, stored: dict[str, Any]) -> None:
    row.value, row.numerator, row.denominator = stored["value"], stored["numerator"], stored["denominator"]
    row.computed = True
    row.status = indicator_status(value=row.value, target=target_of(row.indicator), higher_better=row.higher_better)


def list_unit_indicators(
    *,
    visible_to: Any,
    unit: OrgUnit,
    school_year: SchoolYear,
    previous_year: SchoolYear | None = None,
    school: School | None = None,
) -> list[IndicatorRow]:
    """Every indicator that concerns the unit (or school) with its stored value for the year: one query.

    An indicator outside the unit's reach (province-only measures on a management unit, levels or area a school
    does not have) is left out unless a value was stored for it anyway.
    """
    years = [school_year.pk] + ([previous_year.pk] if previous_year is not None else [])
    stored = (
        IndicatorValue.objects.visible_to(visible_to, roles=DASHBOARD_ROLES)
        .filter(org_unit=unit, school_year_id__in=years)
        .values("indicator", "school_year_id", "value", "numerator", "denominator")
    )
    current: dict[str, dict[str, Any]] = {}
    previous: dict[str, Decimal | None] = {}
    for item in stored:
        if item["school_year_id"] == school_year.pk:
            current[item["indicator"]] = item
        else:
            previous[item["indicator"]] = item["value"]
    definitions = indicator_definitions()
    rows = []
    for code, indicator in definitions.items():
        has_value = current.get(code, {}).get("value") is not None
        relevant = (
            applies_to_school(indicator, school=school) if school is not None else applies_to_unit(indicator, unit=unit)
        )
        if not (relevant or has_value):
            continue
        row = _row(code, indicator)
        if code in current:
            _fill(row, current[code])
        row.previous = previous.get(code)
        rows.append(row)
    for code in sorted(set(current) - set(definitions)):  # a stored code no longer defined: still shown
        row = _row(code, None)
        _fill(row, current[code])
        row.previous = previous.get(code)
        rows.append(row)
    return rows


def headline_cards(rows: Iterable[IndicatorRow]) -> list[dict[str, Any]]:
    """The three headline cards: each indicator of the group, and the group's worst status among its values."""
    by_code = {row.code: row for row in rows}
    cards = []
    for headline in HEADLINES:
        items = [by_code[code] for code in headline.codes if code in by_code]
        statuses = [row.status for row in items if row.status not in (Status.NO_DATA, Status.NO_TARGET)]
        status = min(statuses, key=Status.ORDER.__getitem__) if statuses else Status.NO_DATA
        cards.append(
            {
                "key": headline.key,
                "title": headline.title,
                "icon": headline.icon,
                "rows": items,
                "status": status,
                "status_label": Status.LABELS[status],
            }
        )
    return cards


def status_counts(rows: Iterable[IndicatorRow]) -> dict[str, int]:
    counts = dict.fromkeys(Status.ORDER, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


@dataclass
class ChildRow:
    unit: OrgUnit
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    computed: bool = False
    status: str = Status.NO_DATA
    url: str = ""  # where a click drills down (set by the view)

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def is_school(self) -> bool:
        return self.unit.kind == OrgUnit.Kind.SCHOOL

    @property
    def status_label(self) -> Any:
        return Status.LABELS[self.status]


def list_child_values(
    *, visible_to: Any, unit: OrgUnit, code: str, school_year: SchoolYear
) -> tuple[list[ChildRow], dict[str, Any]]:
    """The unit's children (units and schools, as placed that year) with their stored value: two queries.

    Schools the indicator does not concern (levels, area) are left out unless they have a value. Returns the
    rows (units first, then schools, by name) and the facts (target, direction) the statuses were measured with.
    """
    indicator = indicator_definitions().get(code)
    target, higher_better = target_of(indicator), higher_is_better(indicator)
    children = list_children(visible_to=visible_to, unit=unit, school_year=school_year)
    values = {
        item["org_unit_id"]: item
        for item in IndicatorValue.objects.visible_to(visible_to, roles=DASHBOARD_ROLES)
        .filter(indicator=code, school_year=school_year, org_unit_id__in=[child.pk for child in children])
        .values("org_unit_id", "value", "numerator", "denominator")
    }
    rows = []
    for child in children:
        stored = values.get(child.pk)
        school = school_of(child)
        has_value = stored is not None and stored["value"] is not None
        if school is not None and not has_value and not applies_to_school(indicator, school=school):
            continue  # e.g. an upper-secondary school on a primary-level indicator: not concerned, not "no data"
        row = ChildRow(unit=child)
        if stored is not None:
            row.value, row.numerator, row.denominator = stored["value"], stored["numerator"], stored["denominator"]
            row.computed = True
            row.status = indicator_status(value=row.value, target=target, higher_better=higher_better)
        rows.append(row)
    return rows, {"target": target, "higher_better": higher_better}


SORT_KEYS = ("name", "value", "numerator", "denominator", "status")


def filter_and_sort_children(
    rows: list[ChildRow], *, query: str = "", status: str = "", sort: str = "-value"
) -> list[ChildRow]:
    """Accent-insensitive name/code filter, status filter, then sort (rows without a value always last)."""
    if query:
        needle = fold(query)
        rows = [row for row in rows if needle in fold(row.name) or needle in fold(row.code)]
    if status:
        rows = [row for row in rows if row.status == status]
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key, descending = "value", True
    rows = sorted(rows, key=lambda row: fold(row.name))
    if key == "name":
        return list(reversed(rows)) if descending else rows
    if key == "status":
        return sorted(rows, key=lambda row: Status.ORDER[row.status], reverse=descending)
    present = [row for row in rows if getattr(row, key) is not None]
    missing = [row for row in rows if getattr(row, key) is None]
    return sorted(present, key=lambda row: getattr(row, key), reverse=descending) + missing


@dataclass
class TrendPoint:
    year: str
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal


def list_trend(*, visible_to: Any, unit: OrgUnit, code: str) -> list[TrendPoint]:
    """The unit's stored values of one indicator over every school year, oldest first: one query."""
    return [
        TrendPoint(year=item["school_year__code"], **{k: item[k] for k in ("value", "numerator", "denominator")})
        for item in IndicatorValue.objects.visible_to(visible_to, roles=DASHBOARD_ROLES)
        .filter(org_unit=unit, indicator=code)
        .order_by("school_year__code")
        .values("school_year__code", "value", "numerator", "denominator")
    ]


# --- the school page ----------------------------------------------------------------------------------------------


@dataclass
class UploadNeed:
    kind: str
    label: Any
    by_school: bool  # the school uploads it itself (else the department or unit, schools template)
    items: list[tuple[IndicatorRow, Any]] = field(default_factory=list)  # (indicator, the columns that feed it)


def missing_data(rows: Iterable[IndicatorRow]) -> list[UploadNeed]:
    """Indicators still without a value, grouped by the template to upload (students, staff, …)."""
    needs: dict[str, UploadNeed] = {}
    for row in rows:
        if row.value is not None:
            continue
        kind, columns = UPLOAD_HINTS.get(row.code, ("", ""))
        need = needs.get(kind)
        if need is None:
            label = UPLOAD_KIND_LABELS.get(kind, _("Khác"))
            need = needs[kind] = UploadNeed(kind=kind, label=label, by_school=kind != "schools")
        need.items.append((row, columns))
    rank = {kind: index for index, kind in enumerate(UPLOAD_KIND_ORDER)}
    return sorted(needs.values(), key=lambda need: rank.get(need.kind, len(rank)))


def get_quality_score(*, visible_to: Any, school: School, school_year: SchoolYear) -> DataQualityScore | None:
    return (
        DataQualityScore.objects.visible_to(visible_to, roles=DASHBOARD_ROLES)
        .filter(school=school, school_year=school_year)
        .first()
    )


def has_any_values(rows: Iterable[IndicatorRow]) -> bool:
    return any(row.computed for row in rows)
