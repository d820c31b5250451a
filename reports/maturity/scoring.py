"""Scores, levels and the declared pre-fill rules of the DX self-assessment (Decision 4725/QĐ-BGDĐT).

Levels of a group (each group is scored out of 100):
    level 1: score < 50;   level 2: 50 ≤ score ≤ 75;   level 3: score > 75.
The school's level is the LOWER of its two group levels (Decision 4725: a school is at a level only when both
digital transformation in teaching and learning and in management have reached it; the province plans in
``shared/seeds`` say nothing else).

Pre-fill: a measurable criterion names a ``Measure``: the indicator codes it reads (stored ``IndicatorValue`` of
the school, never recomputed) and, for each, the value at which the criterion earns full points ("full at").
Rule: fraction = mean over the measure's indicators that have a value of min(value / full_at, 1);
points = max_points × fraction rounded DOWN to the half point (a school never gets more than it measured).
Province-only indicators (online public services) are read from the nearest unit above the school that has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.utils.translation import gettext_lazy as _

LEVEL_2_FROM = Decimal(50)  # 50 is level 2
LEVEL_3_ABOVE = Decimal(75)  # 75 is still level 2; anything above is level 3
HALF = Decimal("0.5")
MAX_GROUP_POINTS = Decimal(100)


def group_level(score: Decimal) -> int:
    """Level of a group from its score out of 100: <50 → 1, 50–75 → 2, >75 → 3."""
    if score < LEVEL_2_FROM:
        return 1
    if score <= LEVEL_3_ABOVE:
        return 2
    return 3


def school_level(*, teaching_level: int, management_level: int) -> int:
    """The school's level: the lower of the two group levels."""
    return min(teaching_level, management_level)


def group_score(points: Iterable[Decimal | None]) -> Decimal:
    """Sum of a group's points (an unscored criterion counts 0), capped at 100."""
    total = sum((p for p in points if p is not None), Decimal(0))
    return min(total, MAX_GROUP_POINTS)


def points_for(*, fraction: Decimal, max_points: int | Decimal) -> Decimal:
    """``max_points`` × ``fraction`` (clamped to 0..1), rounded down to the half point."""
    fraction = max(Decimal(0), min(Decimal(1), fraction))
    raw = Decimal(max_points) * fraction
    return (raw / HALF).to_integral_value(rounding=ROUND_FLOOR) * HALF


@dataclass(frozen=True)
class Measure:
    key: str
    label: object  # a lazy translation
    full_at: Mapping[str, Decimal]  # indicator code → value (%) that earns full points
    inherit: bool = False  # read the nearest unit above the school when the school has no value (province-only)

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(self.full_at)

    def rule_text(self) -> str:
        parts = ", ".join(f"{code} ≥ {value:g} %" for code, value in self.full_at.items())
        return str(_("Đủ điểm khi %(parts)s; thấp hơn: điểm tỉ lệ thuận, làm tròn xuống 0,5 điểm.")) % {"parts": parts}


def _m(key: str, label: object, inherit: bool = False, **full_at: int | str) -> Measure:
    return Measure(key, label, {code: Decimal(str(value)) for code, value in full_at.items()}, inherit)


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        _m("computer_room", _("Trường có phòng Tin học"), COMPUTER_ROOM_SCHOOL_SHARE=100),
        _m("internet", _("Kết nối Internet"), FIBER_SCHOOL_SHARE=100, SITE_INTERNET_SHARE=100),
        _m(
            "online_teaching",
            _("Tỉ lệ nội dung dạy trực tuyến"),
            ONLINE_CONTENT_SHARE_TH=5,
            ONLINE_CONTENT_SHARE_SECONDARY=10,
        ),
        _m(
            "online_interactive",
            _("Tỉ lệ hoạt động tương tác trực tuyến"),
            ONLINE_INTERACTIVE_SHARE_TH=10,
            ONLINE_INTERACTIVE_SHARE_SECONDARY=20,
        ),
        _m("online_ready_students", _("Học sinh sẵn sàng học trực tuyến"), ONLINE_READY_STUDENT_SHARE=50),
        _m("online_ready_teachers", _("Giáo viên đủ điều kiện dạy trực tuyến"), ONLINE_READY_TEACHER_SHARE=100),
        _m("self_training", _("Giáo viên có tài khoản tự bồi dưỡng"), SELF_TRAINING_ACCOUNT_SHARE=100),
        _m("mis", _("Phần mềm quản trị nhà trường"), SCHOOL_MIS_SHARE=100),
        _m(
            "digital_records",
            _("Hồ sơ số học sinh, cán bộ"),
            DIGITAL_RECORD_STUDENT_SHARE=100,
            DIGITAL_RECORD_STAFF_SHARE=100,
        ),
        _m("facility_records", _("Hồ sơ số tài sản, thiết bị"), DIGITAL_RECORD_FACILITY_SHARE=80),
        _m("e_transcript", _("Học bạ số"), E_TRANSCRIPT_SHARE=100),
        _m("e_contact_book", _("Sổ liên lạc điện tử"), E_CONTACT_BOOK_SCHOOL_SHARE=100),
        _m(
            "cashless",
            _("Thanh toán không dùng tiền mặt"),
            CASHLESS_SCHOOL_SHARE=100,
            CASHLESS_REVENUE_SHARE_URBAN=70,
            CASHLESS_REVENUE_SHARE_RURAL=30,
        ),
        _m(
            "online_services",
            _("Dịch vụ công trực tuyến"),
            inherit=True,
            ONLINE_DOSSIER_SHARE=80,
            FULL_ONLINE_PROCEDURE_SHARE=100,
        ),
        _m("digital_signature", _("Chữ ký số của CBQL, giáo viên"), DIGITAL_SIGNATURE_STAFF_SHARE=100),
        _m("digital_skills", _("Bồi dưỡng kỹ năng số"), DIGITAL_SKILLS_TRAINED_SHARE=100),
    )
}


@dataclass(frozen=True)
class Figure:
    """A stored indicator value the pre-fill used (the evidence shown beside the criterion)."""

    indicator: str
    org_unit: str  # code of the unit whose stored value it is (the school, or a unit above for inherited ones)
    value: Decimal
    numerator: Decimal
    denominator: Decimal
    full_at: Decimal


def measure_fraction(measure: Measure, figures: Iterable[Figure]) -> Decimal | None:
    """Mean of min(value / full_at, 1) over the figures; None when there is none (no data: nothing pre-filled)."""
    fractions = [min(Decimal(1), f.value / f.full_at) for f in figures if f.full_at > 0]
    if not fractions:
        return None
    return sum(fractions, Decimal(0)) / len(fractions)


def prefill_points(*, measure: Measure, figures: list[Figure], max_points: int) -> Decimal | None:
    fraction = measure_fraction(measure, figures)
    return None if fraction is None else points_for(fraction=fraction, max_points=max_points)
