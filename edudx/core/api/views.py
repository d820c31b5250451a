from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from rest_framework import mixins, viewsets
from rest_framework.decorators import action

from ..models import Job
from .serializers import JobOutput


class JobViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Background jobs: the caller's own and those on units in the caller's scope."""

    serializer_class = JobOutput
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return Job.objects.visible_to(self.request.user).select_related("org_unit")

    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        job = self.get_object()
        if job.status != Job.Status.SUCCEEDED or not job.result_file:
            raise Http404(_("Tệp kết quả chưa sẵn sàng."))
        return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_filename)
