from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from edudx.core.api.serializers import JobOutput
from edudx.core.jobs import create_job

from .. import selectors
from ..tasks import export_schools_task
from .filters import OrgUnitFilter, SchoolFilter
from .serializers import OrgUnitOutput, SchoolOutput


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Org units in the caller's scope, addressed by code."""

    serializer_class = OrgUnitOutput
    filterset_class = OrgUnitFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.list_org_units(visible_to=self.request.user).order_by("path")

    @extend_schema(request=None, responses={202: JobOutput})
    @action(detail=True, methods=["post"], url_path="export-schools")
    def export_schools(self, request, code=None):
        """Queues an .xlsx export of the schools under this unit; answers 202 with the job to poll."""
        unit = self.get_object()
        job = create_job(
            task=export_schools_task,
            principal=request.user,
            org_unit=unit,
            title=f"Xuất danh sách trường – {unit.name}",
        )
        return Response(JobOutput(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    """Schools in the caller's scope, addressed by code; ``org_unit`` is the managing unit's code."""

    serializer_class = SchoolOutput
    filterset_class = SchoolFilter
    lookup_field = "org_unit__code"
    lookup_url_kwarg = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.list_schools(visible_to=self.request.user).order_by("org_unit__code")
