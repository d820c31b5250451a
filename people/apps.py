from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "Con người và tài khoản"

    def ready(self) -> None:
        from . import imports, schema  # noqa: F401  (registers the import kinds and the API token scheme)
