from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework import serializers

from schools.models import SchoolYear

from .filters import clean_indicator_codes, clean_school_year_code


def _plain(value: Any) -> Any:
    """An enum member as its value (``direction`` and ``scope`` may be enums), anything else as it is."""
    return value.value if isinstance(value, Enum) else value


def _number(value: Decimal | None) -> float | int | None:
    """A stored decimal as a JSON number: whole values as integers (counts), others as floats."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _percent(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


# --- output -------------------------------------------------------------------------------------------------------


class IndicatorOutput(serializers.Serializer):
    """An indicator definition (``reports.indicators.Indicator``), targets in percent."""

    code = serializers.CharField(read_only=True)
    name_vi = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)
    numerator = serializers.CharField(read_only=True, help_text="Tử số: cách đếm.")
    denominator = serializers.CharField(read_only=True, help_text="Mẫu số: cách đếm.")
    levels = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="Cấp học áp dụng.")
    target_2025 = serializers.FloatField(read_only=True, allow_null=True, help_text="Mục tiêu 2025 (%).")
    target_2030 = serializers.FloatField(read_only=True, allow_null=True, help_text="Mục tiêu 2030 (%).")
    direction = serializers.CharField(read_only=True, help_text="Chiều tốt: cao hơn là tốt hơn, …")
    scope = serializers.CharField(read_only=True, help_text="Phạm vi tính: trường/đơn vị/tỉnh.")

    def to_representation(self, indicator) -> dict[str, Any]:
        return {
            "code": indicator.code,
            "name_vi": indicator.name_vi,
            "name_en": indicator.name_en,
            "numerator": indicator.numerator,
            "denominator": indicator.denominator,
            "levels": [_plain(level) for level in indicator.levels],
            "target_2025": _percent(indicator.target_2025),
            "target_2030": _percent(indicator.target_2030),
            "direction": _plain(indicator.direction),
            "scope": _plain(indicator.scope),
        }


class IndicatorValueOutput(serializers.Serializer):
    """One stored value; built from a ``.values()`` row so that a page of 1,000 rows costs no extra query.

    The fields below describe the output for the schema; ``to_representation`` builds each item directly
    (DRF's per-field machinery would cost several times the rendering of the same rows).
    """

    indicator = serializers.CharField(read_only=True, help_text="Mã chỉ tiêu.")
    org_unit = serializers.CharField(read_only=True, help_text="Mã đơn vị (trường, đơn vị quản lý hoặc Sở).")
    org_unit_name = serializers.CharField(read_only=True)
    org_unit_kind = serializers.CharField(read_only=True, help_text="school, unit hoặc department.")
    school_year = serializers.CharField(read_only=True, help_text="Năm học, ví dụ 2024-2025.")
    numerator = serializers.FloatField(read_only=True, help_text="Tử số (tổng của các trường thuộc đơn vị).")
    denominator = serializers.FloatField(read_only=True, help_text="Mẫu số (tổng của các trường thuộc đơn vị).")
    value = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Tỷ lệ (%), 2 chữ số thập phân; null khi mẫu số bằng 0 (chưa có số liệu).",
    )
    target_2025 = serializers.FloatField(read_only=True, allow_null=True, help_text="Mục tiêu 2025 (%).")
    target_2030 = serializers.FloatField(read_only=True, allow_null=True, help_text="Mục tiêu 2030 (%).")
    computed_at = serializers.DateTimeField(read_only=True)

    # The ``.values()`` columns the view selects, in this order.
    COLUMNS = (
        "indicator",
        "org_unit__code",
        "org_unit__name",
        "org_unit__kind",
        "school_year__code",
        "numerator",
        "denominator",
        "value",
        "computed_at",
    )

    _targets: dict[str, tuple[float | None, float | None]] | None = None

    @cached_property
    def _stamps(self) -> dict[datetime, str]:
        return {}

    @property
    def targets(self) -> dict[str, tuple[float | None, float | None]]:
        # Read once per serializer: with ``many=True`` one child serializes every row of the page.
        if self._targets is None:
            self._targets = indicator_targets()
        return self._targets

    def to_representation(self, row: dict[str, Any]) -> dict[str, Any]:
        target_2025, target_2030 = self.targets.get(row["indicator"], (None, None))
        return {
            "indicator": row["indicator"],
            "org_unit": row["org_unit__code"],
            "org_unit_name": row["org_unit__name"],
            "org_unit_kind": row["org_unit__kind"],
            "school_year": row["school_year__code"],
            "numerator": _number(row["numerator"]),
            "denominator": _number(row["denominator"]),
            "value": _percent(row["value"]),
            "target_2025": target_2025,
            "target_2030": target_2030,
            "computed_at": self._timestamp(row["computed_at"]),
        }

    def _timestamp(self, value: datetime | None) -> str | None:
        """DRF's rendering of an aware datetime (local time, ISO 8601), memoised: a computation run shares one."""
        if value is None:
            return None
        text = self._stamps.get(value)
        if text is None:
            text = value.astimezone(timezone.get_current_timezone()).isoformat()
            if text.endswith("+00:00"):
                text = text[:-6] + "Z"
            self._stamps[value] = text
        return text


def indicator_targets() -> dict[str, tuple[float | None, float | None]]:
    from .filters import indicator_definitions

    return {
        code: (_percent(indicator.target_2025), _percent(indicator.target_2030))
        for code, indicator in indicator_definitions().items()
    }


# --- input --------------------------------------------------------------------------------------------------------


class CodeListField(serializers.ListField):
    """A list of codes; comma-separated strings are accepted too (``"A,B"``, or ``indicator=A,B`` in a form)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        if isinstance(data, list | tuple):
            data = [part for item in data for part in (item.split(",") if isinstance(item, str) else [item])]
            data = [part for part in data if not isinstance(part, str) or part.strip()]
        return super().to_internal_value(data)


class ExportInput(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[("indicator_values", "Giá trị chỉ tiêu")],
        help_text="Loại dữ liệu xuất; hiện có: indicator_values.",
        error_messages={"invalid_choice": "Loại dữ liệu xuất '{input}' không có; dùng indicator_values."},
    )
    format = serializers.ChoiceField(
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV (UTF-8)")],
        default="xlsx",
        help_text="xlsx (mặc định) hoặc csv (UTF-8 có BOM, mở được bằng Excel).",
        error_messages={"invalid_choice": "Định dạng '{input}' không hỗ trợ; dùng xlsx hoặc csv."},
    )
    indicator = CodeListField(
        child=serializers.CharField(max_length=64),
        required=False,
        default=list,
        help_text="Các mã chỉ tiêu; bỏ trống: mọi chỉ tiêu.",
    )
    within = serializers.CharField(
        max_length=32,
        help_text="Mã đơn vị: xuất giá trị của đơn vị đó và cả cây con.",
        error_messages={"required": "Thiếu mã đơn vị trong 'within'.", "blank": "Thiếu mã đơn vị trong 'within'."},
    )
    school_year = serializers.CharField(
        max_length=9, required=False, help_text="Năm học, ví dụ 2025-2026; mặc định là năm học hiện tại."
    )

    def validate_indicator(self, values: list[str]) -> list[str]:
        try:
            return clean_indicator_codes(values)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_within(self, value: str) -> str:
        return value.strip().upper()

    def validate_school_year(self, value: str) -> SchoolYear:
        try:
            code = clean_school_year_code(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        year = SchoolYear.objects.filter(code=code).first()
        if year is None:
            raise serializers.ValidationError(f"Năm học '{code}' không có trong hệ thống.")
        return year
