from django.apps import AppConfig


class StatformsConfig(AppConfig):
    # The statistical report forms and their approval chain (SPEC §5): inside reports, beside the indicators.
    name = "reports.statforms"
    label = "statforms"
    verbose_name = "Biểu mẫu báo cáo thống kê"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the export jobs with every Celery app)
