"""``/api/v1/reports/forms/`` (the form definitions, SPEC §12), a form's figures for a unit and year, exports and the
bundle of every school's forms as jobs.

Units are looked up through the caller's scope (``visible_unit``): outside it, 404 like a unit that does not
exist. Exports are POSTs: read-only API tokens are refused by the default permission, like any write.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from edudx.api.errors import json_error
from edudx.core.api.serializers import JobOutput
from reports.indicators import IndicatorScopeError
from reports.statforms import selectors
from reports.statforms.catalogue import all_forms, get_form
from reports.statforms.engine import SOURCES, FormDefinition, Section
from reports.statforms.models import FormSubmission, Period
from reports.statforms.rules import check_rules
from reports.statforms.tasks import FORMATS, queue_form_bundle, queue_form_export
from schools.models import SchoolYear

from .filters import clean_school_year_code

OUT_OF_SCOPE = "Đơn vị '{code}' không tồn tại hoặc nằm ngoài phạm vi của bạn."
NO_YEAR = "Năm học '{code}' chưa được mở trong hệ thống."


def _section(section: Section) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": str(section.title),
        "source": section.source,
        "where": dict(section.where),
        "hidden": section.hidden,
        "rows": [
            {"key": r.key, "label": str(r.label), "code": r.code, "total": r.total, "where": dict(r.where)}
            for r in section.rows
        ],
        "columns": [
            {
                "key": c.key,
                "label": str(c.label),
                "group": str(c.group) if c.group else None,
                "measure": c.measure or SOURCES[section.source].measure,
                "where": dict(c.where),
            }
            for c in section.columns
        ],
        "blank": sorted([row, col] for row, col in section.blank),
    }


class FormDefinitionOutput(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="Mã biểu, ví dụ TH-DN (tiểu học, đầu năm).")
    version = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    level = serializers.CharField(read_only=True, help_text="Cấp học: MN, TH, THCS, THPT.")
    period = serializers.CharField(read_only=True, help_text="start (đầu năm) hoặc end (cuối năm).")
    basis = serializers.CharField(read_only=True)
    omitted = serializers.ListField(child=serializers.CharField(), read_only=True)
    sections = serializers.ListField(child=serializers.DictField(), read_only=True, help_text="Mục, dòng, cột, lọc.")
    rules = serializers.ListField(child=serializers.DictField(), read_only=True, help_text="Quy tắc kiểm tra.")

    def to_representation(self, form: FormDefinition) -> dict[str, Any]:
        return {
            "code": form.code,
            "version": form.version,
            "title": str(form.title),
            "level": form.level,
            "period": form.period,
            "basis": str(form.basis),
            "omitted": [str(item) for item in form.omitted],
            "sections": [_section(section) for section in form.sections],
            "rules": [
                {"code": r.code, "text": str(r.text), "op": r.op, "left": list(r.left), "right": list(r.right)}
                for r in form.rules
            ],
        }


class FormFiguresOutput(serializers.Serializer):
    form = serializers.CharField(read_only=True)
    version = serializers.CharField(read_only=True)
    org_unit = serializers.CharField(read_only=True)
    school_year = serializers.CharField(read_only=True)
    schools = serializers.IntegerField(read_only=True, help_text="Số trường được cộng.")
    from_snapshots = serializers.IntegerField(read_only=True, help_text="Số trường lấy số liệu đã nộp/đã duyệt.")
    status = serializers.CharField(read_only=True, allow_null=True, help_text="Trạng thái nộp (chỉ với một trường).")
    cells = serializers.ListField(child=serializers.DictField(), read_only=True, help_text="{key, label, value}.")
    failures = serializers.ListField(child=serializers.DictField(), read_only=True, help_text="Quy tắc không đạt.")


class _Target(serializers.Serializer):
    org_unit = serializers.CharField(
        max_length=32, error_messages={"required": "Thiếu mã đơn vị trong 'org_unit'.", "blank": "Thiếu mã đơn vị."}
    )
    school_year = serializers.CharField(
        max_length=9, required=False, help_text="Năm học, ví dụ 2025-2026; mặc định là năm học hiện tại."
    )
    format = serializers.ChoiceField(
        choices=[(f, f) for f in FORMATS],
        default="xlsx",
        error_messages={"invalid_choice": "Định dạng '{input}' không hỗ trợ; dùng xlsx hoặc pdf."},
    )

    def validate_school_year(self, value: str) -> str:
        try:
            return clean_school_year_code(value)
        except Exception as error:  # forms.ValidationError: its message is for the caller
            raise serializers.ValidationError(getattr(error, "messages", [str(error)])[0]) from error


class FormExportInput(_Target):
    pass


class FormBundleInput(_Target):
    format = serializers.ChoiceField(
        choices=[(f, f) for f in FORMATS],
        default="pdf",
        error_messages={"invalid_choice": "Định dạng '{input}' không hỗ trợ; dùng xlsx hoặc pdf."},
    )
    period = serializers.ChoiceField(
        choices=Period.choices,
        default=Period.START,
        error_messages={"invalid_choice": "Kỳ báo cáo '{input}' không có; dùng start hoặc end."},
    )


def _target(request, data: dict[str, Any]):
    """(unit, year) in the caller's scope, or an error response."""
    unit = selectors.visible_unit(principal=request.user, code=data["org_unit"])
    if unit is None:
        return None, None, json_error(OUT_OF_SCOPE.format(code=data["org_unit"]), code="not_found", http_status=404)
    code = data.get("school_year")
    year = SchoolYear.objects.filter(code=code).first() if code else SchoolYear.objects.filter(is_current=True).first()
    if year is None:
        return None, None, json_error(NO_YEAR.format(code=code or "hiện tại"), code="invalid")
    return unit, year, None


FIGURE_PARAMETERS = [
    OpenApiParameter("org_unit", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True, description="Mã đơn vị."),
    OpenApiParameter("school_year", OpenApiTypes.STR, OpenApiParameter.QUERY, description="Năm học, vd 2025-2026."),
]
CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Mã biểu, ví dụ TH-DN.")


class ReportFormViewSet(viewsets.GenericViewSet):
    """The statistical report forms (definitions), their figures for a unit and year, and their exports."""

    serializer_class = FormDefinitionOutput
    filter_backends: list = []
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return FormSubmission.objects.none()  # the forms are definitions, not rows

    def _form(self, code: str | None) -> FormDefinition:
        form = get_form(code or "")
        if form is None:
            raise Http404
        return form

    def list(self, request):
        page = self.paginate_queryset(list(all_forms().values()))
        return self.get_paginated_response(FormDefinitionOutput(page, many=True).data)

    @extend_schema(parameters=[CODE])
    def retrieve(self, request, code=None):
        return Response(FormDefinitionOutput(self._form(code)).data)

    @extend_schema(parameters=[CODE, *FIGURE_PARAMETERS], responses={200: FormFiguresOutput})
    @action(detail=True, methods=["get"], serializer_class=FormFiguresOutput)
    def figures(self, request, code=None):
        """The form's cells for a unit (its subtree in that year's tree) and the validation rules they break."""
        form = self._form(code)
        params = _Target(data={**request.query_params.dict(), "format": "xlsx"})
        params.is_valid(raise_exception=True)
        unit, year, error = _target(request, params.validated_data)
        if error is not None:
            return error
        try:
            figures = selectors.form_figures(form=form, org_unit=unit, school_year=year, principal=request.user)
        except IndicatorScopeError as scope_error:
            return json_error(str(scope_error), code="invalid")
        return Response(
            {
                "form": form.code,
                "version": form.version,
                "org_unit": unit.code,
                "school_year": year.code,
                "schools": len(figures.school_ids),
                "from_snapshots": figures.from_snapshots,
                "status": figures.submission.status if figures.submission else None,
                "cells": [
                    {"key": key, "label": form.cell_label(key), "value": figures.cells[key]} for key in form.cell_keys()
                ],
                "failures": [failure.as_dict() for failure in check_rules(form=form, cells=figures.cells)],
            }
        )

    @extend_schema(
        parameters=[CODE],
        request=FormExportInput,
        responses={202: JobOutput},
        description="Xuất biểu của một đơn vị (cộng cả cây con) ra xlsx hoặc pdf trong nền. Theo dõi "
        "`GET /api/v1/jobs/{id}/`; khi xong, tải tệp ở `download_url`.",
    )
    @action(detail=True, methods=["post"], serializer_class=FormExportInput)
    def exports(self, request, code=None):
        form = self._form(code)
        data = FormExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        unit, year, error = _target(request, data.validated_data)
        if error is not None:
            return error
        job = queue_form_export(
            principal=request.user,
            form_code=form.code,
            org_unit=unit,
            school_year=year,
            file_format=data.validated_data["format"],
        )
        return Response(JobOutput(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class FormBundleViewSet(viewsets.GenericViewSet):
    """A zip of every school's forms of one period under a unit, built in the background with progress."""

    serializer_class = FormBundleInput
    filter_backends: list = []

    def get_queryset(self):
        return FormSubmission.objects.none()

    @extend_schema(request=FormBundleInput, responses={202: JobOutput})
    def create(self, request):
        data = FormBundleInput(data=request.data)
        data.is_valid(raise_exception=True)
        unit, year, error = _target(request, data.validated_data)
        if error is not None:
            return error
        job = queue_form_bundle(
            principal=request.user,
            org_unit=unit,
            school_year=year,
            period=data.validated_data["period"],
            file_format=data.validated_data["format"],
        )
        return Response(JobOutput(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)
