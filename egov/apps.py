from django.apps import AppConfig


class EgovConfig(AppConfig):
    name = "egov"
    verbose_name = "Dịch vụ công trực tuyến"
