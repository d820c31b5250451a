"""Filters of ``/api/v1/dx-assessments/``: codes in; a unit outside the caller's scope gives an empty list."""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from reports.api.filters import OrgUnitCodeField, SchoolYearCodeField
from schools.models import OrgUnit

from ..models import Assessment, Level, Status


@extend_schema_field(OpenApiTypes.STR)
class CodeFilter(django_filters.Filter):
    field_class = OrgUnitCodeField


@extend_schema_field(OpenApiTypes.STR)
class YearFilter(django_filters.Filter):
    field_class = SchoolYearCodeField


class AssessmentFilter(django_filters.FilterSet):
    school_year = YearFilter(field_name="school_year__code", help_text="Năm học, ví dụ 2025-2026.")
    org_unit = CodeFilter(
        method="filter_org_unit", help_text="Mã đơn vị (Sở, đơn vị quản lý hoặc trường): các trường trong cây con."
    )
    level = django_filters.ChoiceFilter(choices=Level.choices, help_text="Mức độ của trường: 1, 2 hoặc 3.")
    status = django_filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Assessment
        fields = ["school_year", "org_unit", "level", "status"]

    def filter_org_unit(self, queryset, name, value):
        root = (
            OrgUnit.objects.visible_to(getattr(self.request, "user", None))
            .filter(code=value)
            .values_list("path", flat=True)
            .first()
        )
        return queryset.filter(school__org_unit__path__startswith=root) if root else queryset.none()
