from celery import shared_task
from django.core import management

from .jobs import recover_lost_jobs


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def recover_lost_jobs_task() -> int:
    return recover_lost_jobs()


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
def clear_sessions_task() -> None:
    management.call_command("clearsessions")


from .imports.tasks import apply_import_task, validate_import_task  # noqa: E402,F401  (registers the import jobs)
