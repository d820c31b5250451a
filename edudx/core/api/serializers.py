from django.urls import reverse
from rest_framework import serializers

from ..models import Job


class JobOutput(serializers.ModelSerializer):
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "title",
            "org_unit",
            "status",
            "status_display",
            "done",
            "total",
            "percent",
            "message",
            "errors",
            "result",
            "download_url",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_download_url(self, job: Job) -> str | None:
        if job.status != Job.Status.SUCCEEDED or not job.result_file:
            return None
        return self.context["request"].build_absolute_uri(reverse("api-job-download", args=[job.pk]))
