from django.apps import AppConfig


class MaturityConfig(AppConfig):
    # The DX self-assessment (Decision 4725/QĐ-BGDĐT): inside reports because it reads indicator values.
    name = "reports.maturity"
    label = "maturity"
    verbose_name = "Đánh giá chuyển đổi số trường học"

    def ready(self) -> None:
        # edudx/celery.py autodiscovers the top-level apps only: register the export job with the workers here.
        from . import tasks  # noqa: F401
