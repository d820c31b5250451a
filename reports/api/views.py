"""``/api/v1/indicators/``, ``/api/v1/indicator-values/`` and ``/api/v1/exports/`` (SPEC §12).

Values are read through ``IndicatorValue.objects.visible_to(request.user)``: a unit outside the caller's scope is
simply absent (an empty list, never an error that would confirm it exists). Exports do not change data, but they
are a POST: the default permission refuses them to read-only API tokens like any other write.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from edudx.api.errors import json_error
from edudx.core.api.serializers import JobOutput
from edudx.core.scoping import scope_of
from schools.models import OrgUnit, SchoolYear

from ..exports import queue_indicator_export
from ..models import IndicatorValue
from .filters import IndicatorValueFilter, indicator_definitions
from .serializers import ExportInput, IndicatorOutput, IndicatorValueOutput

OUT_OF_SCOPE = "Đơn vị '{code}' không tồn tại hoặc nằm ngoài phạm vi của bạn."


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Mã chỉ tiêu.")]
    )
)
class IndicatorViewSet(viewsets.GenericViewSet):
    """The plan's indicator definitions (SPEC §4), addressed by code, in the order of the plan."""

    serializer_class = IndicatorOutput
    filter_backends: list = []
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return list(indicator_definitions().values())

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(IndicatorOutput(page, many=True).data)

    def retrieve(self, request, code=None):
        indicator = indicator_definitions().get((code or "").strip().upper())
        if indicator is None:
            raise Http404
        return Response(IndicatorOutput(indicator).data)


class IndicatorValueViewSet(viewsets.GenericViewSet):
    """Stored indicator values in the caller's scope, ordered by indicator then unit code.

    ``org_unit`` gives that unit's own value only; ``within`` the unit and its whole subtree.
    """

    serializer_class = IndicatorValueOutput
    filterset_class = IndicatorValueFilter
    queryset = IndicatorValue.objects.none()  # for the schema; the real rows come from get_queryset

    def get_queryset(self):
        return (
            IndicatorValue.objects.visible_to(self.request.user)
            .order_by("indicator", "org_unit__code", "school_year__code")
            .values(*IndicatorValueOutput.COLUMNS)
        )

    def list(self, request):
        # Values change only when they are recomputed: a page is cached under the values' version, the caller's
        # scope and the exact query, so 20 clients polling the same figures cost one computation, not twenty.
        # The rendered JSON is kept, so a cached page costs no serializer and no renderer either.
        # The key names the page's content exactly, so it is the ETag too: a poller that sends it back while the
        # values are unchanged gets 304 without the page being read, from the cache or the database.
        key = _page_key(request)
        etag = f'"{key.rsplit(":", 1)[1][:32]}"'
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponse(status=304)
        else:
            content = cache.get(key)
            if content is None:
                page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
                data = self.get_paginated_response(IndicatorValueOutput(page, many=True).data).data
                content = JSONRenderer().render(data)
                cache.set(key, content, timeout=PAGE_CACHE_SECONDS)
            response = HttpResponse(content, content_type="application/json")
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"  # may be kept, but asked again each time
        return response


PAGE_CACHE_SECONDS = 600


def _page_key(request) -> str:
    from reports.indicators import values_version

    scope = scope_of(request.user)
    parts = [
        values_version(),
        "*" if scope.unrestricted else ",".join(scope.roots()),
        request.get_host(),
        request.path,
        urlencode(sorted(request.query_params.lists()), doseq=True),
    ]
    return "reports:iv:json1:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


class ExportViewSet(viewsets.GenericViewSet):
    """Asynchronous exports: ``POST`` answers 202 with the job; poll it, then follow its ``download_url``."""

    serializer_class = ExportInput
    filter_backends: list = []

    def get_queryset(self):
        return IndicatorValue.objects.none()

    @extend_schema(
        request=ExportInput,
        responses={202: JobOutput},
        description="Xuất giá trị chỉ tiêu của một đơn vị và cả cây con (xlsx hoặc csv) trong nền. Theo dõi "
        "`GET /api/v1/jobs/{id}/`; khi xong, tải tệp ở `download_url`. Khóa API chỉ đọc không được gọi.",
    )
    def create(self, request):
        data = ExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        unit = OrgUnit.objects.visible_to(request.user).filter(code=values["within"]).first()
        if unit is None:
            return json_error(OUT_OF_SCOPE.format(code=values["within"]), code="invalid")
        year = values.get("school_year") or SchoolYear.objects.filter(is_current=True).first()
        if year is None:
            return json_error("Chưa có năm học hiện tại; hãy ghi rõ năm học trong 'school_year'.", code="invalid")
        job = queue_indicator_export(
            principal=request.user,
            within=unit,
            school_year=year,
            indicators=values["indicator"],
            file_format=values["format"],
        )
        return Response(JobOutput(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)
