"""Filters of ``/api/v1/indicator-values/``: codes in, a 400 with a Vietnamese message for a malformed value.

Unit codes are looked up inside the caller's scope only, so a unit outside it behaves exactly like one that does
not exist (an empty result, never an error that would confirm it exists).
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.utils.datastructures import MultiValueDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from schools.models import OrgUnit

from ..models import IndicatorValue

SCHOOL_YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")
KIND_CHOICES = [
    (OrgUnit.Kind.SCHOOL.value, "Trường"),
    (OrgUnit.Kind.UNIT.value, "Đơn vị quản lý"),
    (OrgUnit.Kind.DEPARTMENT.value, "Sở Giáo dục và Đào tạo"),
]


def indicator_definitions() -> dict:
    """The indicator registry, imported when first needed (``reports.indicators`` sits above the API)."""
    from reports.indicators import INDICATORS

    return INDICATORS


def unknown_indicator_message(codes: list[str]) -> str:
    listed = ", ".join(f"'{code}'" for code in codes)
    return f"Chỉ tiêu {listed} không có; xem danh sách mã chỉ tiêu tại /api/v1/indicators/."


def clean_indicator_codes(values: list[str]) -> list[str]:
    """Upper-cased, de-duplicated codes in the order given; ``forms.ValidationError`` for an unknown one."""
    codes = list(dict.fromkeys(value.strip().upper() for value in values if value and value.strip()))
    unknown = [code for code in codes if code not in indicator_definitions()]
    if unknown:
        # The caller's text goes in as a parameter: a '%' in it must not be read as a format directive.
        raise forms.ValidationError(
            "%(message)s", params={"message": unknown_indicator_message(unknown)}, code="unknown_indicator"
        )
    return codes


def clean_school_year_code(value: str) -> str:
    """``2024-2025``: two consecutive years; ``forms.ValidationError`` otherwise."""
    value = value.strip()
    match = SCHOOL_YEAR_RE.match(value)
    if match is None or int(match[2]) != int(match[1]) + 1:
        raise forms.ValidationError(
            "Năm học '%(value)s' không đúng dạng; viết hai năm liên tiếp, ví dụ 2024-2025.",
            params={"value": value},
            code="invalid_school_year",
        )
    return value


class RepeatedOrCommaWidget(forms.TextInput):
    """``?indicator=A&indicator=B`` and ``?indicator=A,B`` both give ``["A", "B"]``."""

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if isinstance(data, MultiValueDict) else [data.get(name)]
        return [part for value in raw if value for part in str(value).split(",") if part.strip()]

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class IndicatorCodesField(forms.Field):
    widget = RepeatedOrCommaWidget

    def clean(self, value):
        return clean_indicator_codes(value or [])


class SchoolYearCodeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return clean_school_year_code(value) if value else value


class OrgUnitCodeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return value.strip().upper() if value else value


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class IndicatorCodesFilter(django_filters.Filter):
    field_class = IndicatorCodesField

    def filter(self, qs, value):
        return qs.filter(indicator__in=value) if value else qs


@extend_schema_field(OpenApiTypes.STR)
class SchoolYearFilter(django_filters.Filter):
    field_class = SchoolYearCodeField


@extend_schema_field(OpenApiTypes.STR)
class OrgUnitCodeFilter(django_filters.Filter):
    field_class = OrgUnitCodeField


class IndicatorValueFilter(django_filters.FilterSet):
    indicator = IndicatorCodesFilter(
        label="Mã chỉ tiêu; lặp lại tham số hoặc ngăn cách bằng dấu phẩy để lấy nhiều chỉ tiêu",
    )
    org_unit = OrgUnitCodeFilter(
        field_name="org_unit__code", label="Mã đơn vị: chỉ giá trị của chính đơn vị đó (không gồm cây con)"
    )
    within = OrgUnitCodeFilter(method="filter_within", label="Mã đơn vị: giá trị của đơn vị đó và cả cây con")
    school_year = SchoolYearFilter(field_name="school_year__code", label="Năm học, ví dụ 2024-2025")
    kind = django_filters.ChoiceFilter(
        field_name="org_unit__kind",
        choices=KIND_CHOICES,
        label="Loại đơn vị: school, unit hoặc department",
        error_messages={"invalid_choice": "Loại đơn vị '%(value)s' không có; dùng school, unit hoặc department."},
    )

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "org_unit", "within", "school_year", "kind"]

    def filter_within(self, queryset, name, value):
        # Looked up inside the caller's scope: a unit outside it answers like one that does not exist.
        root = (
            OrgUnit.objects.visible_to(getattr(self.request, "user", None))
            .filter(code=value)
            .values_list("path", flat=True)
            .first()
        )
        return queryset.filter(org_unit__path__startswith=root) if root else queryset.none()
