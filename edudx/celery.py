"""The Celery app shared by the web processes, the workers and beat."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudx.settings.local")

app = Celery("edudx")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["edudx.core", "schools", "people", "learning", "egov", "egov.admissions", "reports"])

app.conf.beat_schedule = {
    "recover-lost-jobs": {"task": "edudx.core.tasks.recover_lost_jobs_task", "schedule": 300.0},
    "clear-expired-sessions": {"task": "edudx.core.tasks.clear_sessions_task", "schedule": crontab(hour=2, minute=0)},
    "compute-data-quality": {"task": "reports.compute_quality_nightly", "schedule": crontab(hour=1, minute=30)},
    "compute-indicators": {"task": "reports.compute_indicators_nightly", "schedule": crontab(hour=2, minute=30)},
    "sweep-orphan-attachments": {"task": "egov.sweep_orphan_attachments", "schedule": crontab(minute=17)},
}
