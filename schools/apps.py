from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Đơn vị và trường học"

    def ready(self) -> None:
        from . import imports  # noqa: F401  (registers the import kinds of units, schools and school data)
