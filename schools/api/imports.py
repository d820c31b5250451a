"""``/api/v1/imports/``: upload a file (checked in the background), read its preview, confirm the write once.

The same services as the upload page; the same scoping (a batch or unit outside the caller's scope is absent).
Writes need a session user with an upload role or an API token created with write (the default permission
class already refuses writes with read-only tokens).
"""

from __future__ import annotations

import django_filters
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from edudx.api.errors import json_error
from edudx.core.api.serializers import JobOutput
from edudx.core.imports.kinds import REGISTRY
from edudx.core.imports.services import confirm_import, discard_import, start_import
from edudx.core.models import ImportBatch

from ..models import OrgUnit, SchoolYear
from ..selectors import can_upload, upload_units, visible_batches
from ..services import current_school_year
from ..uploads import check_upload_file, kind_fits_unit, kind_label, ordered_kinds, wrong_unit_message

OUT_OF_SCOPE = "Đơn vị '{value}' không tồn tại hoặc nằm ngoài phạm vi của bạn."


# --- input --------------------------------------------------------------------------------------------------------


class ImportUploadInput(serializers.Serializer):
    file = serializers.FileField(
        help_text="Tệp Excel .xlsx theo mẫu của loại dữ liệu.",
        error_messages={
            "required": "Thiếu tệp: gửi tệp .xlsx trong trường 'file' (multipart/form-data).",
            "empty": "Tệp rỗng (0 byte).",
            "invalid": "Không nhận được tệp; gửi dạng multipart/form-data, trường 'file'.",
            "no_name": "Tệp gửi lên không có tên; cần tên có đuôi .xlsx.",
        },
    )
    kind = serializers.ChoiceField(choices=[], help_text="Loại dữ liệu: students, staff, facilities, …")
    school = serializers.CharField(
        required=False, help_text="Mã trường (các loại dữ liệu nhập cho từng trường).", max_length=32
    )
    org_unit = serializers.CharField(
        required=False, help_text="Mã Sở/đơn vị quản lý (loại dữ liệu units, schools).", max_length=32
    )
    school_year = serializers.SlugRelatedField(
        slug_field="code",
        queryset=SchoolYear.objects.all(),
        required=False,
        help_text="Năm học, ví dụ 2025-2026; mặc định là năm học hiện tại.",
    )
    valid_rows_only = serializers.BooleanField(default=False, help_text="Khi xác nhận, chỉ ghi các dòng hợp lệ.")

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units if units is not None else OrgUnit.objects.none()
        self.fields["kind"].choices = [(k.code, k.label) for k in ordered_kinds()]
        self.fields["kind"].error_messages["invalid_choice"] = (
            "Loại dữ liệu '{input}' không có; dùng một trong: " + ", ".join(REGISTRY) + "."
        )
        self.fields["school_year"].error_messages["does_not_exist"] = (
            "Năm học '{value}' không có trong hệ thống; viết dạng 2025-2026."
        )

    def validate_file(self, upload):
        problem = check_upload_file(upload)
        if problem:
            raise serializers.ValidationError(problem)
        return upload

    def validate(self, attrs):
        kind = REGISTRY[attrs["kind"]]
        field = "school" if kind.per_school else "org_unit"
        code = (attrs.get("school") or attrs.get("org_unit") or "").strip().upper()
        if not code:
            what = "mã trường trong 'school'" if kind.per_school else "mã Sở/đơn vị trong 'org_unit'"
            raise serializers.ValidationError({field: f"Thiếu {what}."})
        unit = self.units.filter(code=code).first()
        if unit is None:
            raise serializers.ValidationError({field: OUT_OF_SCOPE.format(value=code)})
        if not kind_fits_unit(kind, unit):
            raise serializers.ValidationError({field: wrong_unit_message(kind)})
        attrs["unit"] = unit
        if attrs.get("school_year") is None:
            attrs["school_year"] = current_school_year()
            if attrs["school_year"] is None:
                raise serializers.ValidationError({"school_year": "Chưa có năm học hiện tại; hãy ghi rõ năm học."})
        return attrs


class ImportConfirmInput(serializers.Serializer):
    valid_rows_only = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: chỉ ghi các dòng hợp lệ; bỏ trống: theo lựa chọn khi tải lên.",
    )


# --- output -------------------------------------------------------------------------------------------------------


class ImportBatchOutput(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    school_year = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # A plain string in the schema: a second enum named "status" (Job has one) would make drf-spectacular warn.
    status = serializers.CharField(
        read_only=True, help_text="Một trong: " + ", ".join(value for value, _label in ImportBatch.Status.choices)
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    validate_job = serializers.UUIDField(source="validate_job_id", read_only=True, allow_null=True)
    validate_job_url = serializers.SerializerMethodField()
    apply_job = serializers.UUIDField(source="apply_job_id", read_only=True, allow_null=True)
    apply_job_url = serializers.SerializerMethodField()
    error_report_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "kind_label",
            "org_unit",
            "org_unit_name",
            "school_year",
            "original_name",
            "status",
            "status_display",
            "message",
            "valid_rows_only",
            "total_rows",
            "invalid_rows",
            "warnings",
            "stats",
            "validate_job",
            "validate_job_url",
            "apply_job",
            "apply_job_url",
            "error_report_url",
            "created_at",
            "applied_at",
        ]

    def get_kind_label(self, batch: ImportBatch) -> str:
        return kind_label(batch.kind)

    def _url(self, name: str, pk) -> str | None:
        return self.context["request"].build_absolute_uri(reverse(name, args=[pk])) if pk else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_validate_job_url(self, batch: ImportBatch) -> str | None:
        return self._url("api-job-detail", batch.validate_job_id)

    @extend_schema_field(OpenApiTypes.URI)
    def get_apply_job_url(self, batch: ImportBatch) -> str | None:
        return self._url("api-job-detail", batch.apply_job_id)

    @extend_schema_field(OpenApiTypes.URI)
    def get_error_report_url(self, batch: ImportBatch) -> str | None:
        """The .xlsx of the invalid rows with an error column, once the check has produced it."""
        job = batch.validate_job
        if job is None or job.status != job.Status.SUCCEEDED or not job.result_file:
            return None
        return self._url("api-job-download", job.pk)


class RowErrorOutput(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ConflictOutput(serializers.Serializer):
    row = serializers.IntegerField()
    full_name = serializers.CharField(allow_null=True)
    other_school = serializers.CharField(help_text="Mã trường nơi người này đang có tên.")


class ImportBatchDetailOutput(ImportBatchOutput):
    errors = RowErrorOutput(many=True, read_only=True)
    conflicts = ConflictOutput(many=True, read_only=True)

    class Meta(ImportBatchOutput.Meta):
        fields = [*ImportBatchOutput.Meta.fields, "errors", "conflicts"]


# --- filters and views --------------------------------------------------------------------------------------------


class ImportBatchFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=lambda: [(k.code, k.label) for k in ordered_kinds()])
    status = django_filters.ChoiceFilter(choices=ImportBatch.Status.choices)
    org_unit = django_filters.CharFilter(method="filter_org_unit", label="Mã trường/đơn vị (cả cây con)")
    school_year = django_filters.CharFilter(field_name="school_year__code", label="Năm học, ví dụ 2025-2026")

    class Meta:
        model = ImportBatch
        fields = ["kind", "status", "org_unit", "school_year"]

    def filter_org_unit(self, queryset, name, value):
        root = OrgUnit.objects.filter(code=value.strip().upper()).values_list("path", flat=True).first()
        return queryset.filter(org_unit__path__startswith=root) if root else queryset.none()


class ImportBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Import batches in the caller's scope, newest first: upload, preview of row errors, confirm once."""

    filterset_class = ImportBatchFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return visible_batches(self.request.user)

    def get_serializer_class(self):
        return ImportBatchDetailOutput if self.action == "retrieve" else ImportBatchOutput

    def _require_upload_role(self, request) -> None:
        if not can_upload(request.user):
            raise PermissionDenied("Chỉ cán bộ quản trị trường, đơn vị quản lý hoặc Sở được nhập dữ liệu.")

    @extend_schema(
        request={"multipart/form-data": ImportUploadInput},
        responses={202: ImportBatchOutput},
        description="Tải tệp lên: tệp được kiểm tra trong nền (không ghi gì). Theo dõi `validate_job_url`, "
        "rồi đọc lỗi từng dòng ở `GET /api/v1/imports/{id}/`.",
    )
    def create(self, request):
        self._require_upload_role(request)
        data = ImportUploadInput(data=request.data, units=upload_units(request.user))
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            batch = start_import(
                kind=values["kind"],
                upload=values["file"],
                original_name=values["file"].name,
                org_unit=values["unit"],
                school_year=values["school_year"],
                principal=request.user,
                valid_rows_only=values["valid_rows_only"],
            )
        except ValueError as exc:
            return json_error(str(exc), code="invalid")
        batch = self.get_queryset().get(pk=batch.pk)
        output = ImportBatchOutput(batch, context=self.get_serializer_context())
        return Response(output.data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=ImportConfirmInput,
        responses={202: JobOutput},
        description="Xác nhận ghi một tệp đã kiểm tra. Gọi lại (bấm hai lần, thử lại) trả về cùng một tác vụ.",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        self._require_upload_role(request)
        batch = self.get_object()
        data = ImportConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            job = confirm_import(
                batch=batch, principal=request.user, valid_rows_only=data.validated_data.get("valid_rows_only")
            )
        except ValueError as exc:
            return json_error(str(exc), code="not_ready", http_status=status.HTTP_409_CONFLICT)
        return Response(JobOutput(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: ImportBatchOutput})
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        """Drops a checked (or unusable) file without writing anything."""
        self._require_upload_role(request)
        batch = discard_import(batch=self.get_object())
        if batch.status != ImportBatch.Status.DISCARDED:
            return json_error(
                "Không thể hủy: tệp đang được ghi hoặc đã ghi xong.",
                code="not_discardable",
                http_status=status.HTTP_409_CONFLICT,
            )
        return Response(ImportBatchOutput(batch, context=self.get_serializer_context()).data)
