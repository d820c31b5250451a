"""A real Celery worker process runs jobs queued from the web and the API, through the configured broker."""

import signal

import pytest
from django.conf import settings

from edudx.celery import app
from edudx.core import jobs
from edudx.core.models import Job
from tests.worker import WorkerProcess, route_to, wait_for
from tests.worker_tasks import count_slowly_task

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_factory(transactional_db):
    started: list[WorkerProcess] = []
    eager, queue = app.conf.task_always_eager, app.conf.task_default_queue

    def start(**kwargs) -> WorkerProcess:
        worker = WorkerProcess(queue=started[0].queue, **kwargs) if started else WorkerProcess(**kwargs)
        started.append(worker.start())
        route_to(worker.queue)
        return worker

    yield start
    for worker in started:
        worker.kill(signal.SIGKILL)
    app.conf.task_always_eager, app.conf.task_default_queue = eager, queue


def job_state(client, job_id) -> dict:
    response = client.get(f"/api/v1/jobs/{job_id}/")
    assert response.status_code == 200
    return response.json()


def test_export_queued_from_the_web_ui_is_run_by_a_separate_worker(worker_factory, client_for, province):
    worker = worker_factory()
    client = client_for(province.users["unit_a_staff"])
    response = client.post("/units/PGD-BT/export-schools/")
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    finished = wait_for(
        lambda: job_state(client, job.pk)["status"] in ("succeeded", "failed") and job_state(client, job.pk),
        what="the job to finish",
        timeout=90,
    )
    assert finished["status"] == "succeeded", worker.output()[-3000:]
    assert finished["done"] == finished["total"] == 2
    assert client.get(finished["download_url"]).status_code == 200
    assert f"{worker.queue}@" in worker.output()  # it really was the worker process


def test_progress_is_visible_over_the_api_while_the_job_runs(worker_factory, api_client, province):
    worker_factory()
    user = province.users["unit_a_staff"]
    api_client.force_login(user)
    job = jobs.create_job(
        task=count_slowly_task,
        principal=user,
        org_unit=province.unit_a,
        title="Đếm chậm",
        params={"steps": 20, "delay": 0.25},
    )
    seen = wait_for(
        lambda: (state := job_state(api_client, job.pk))["status"] == "running" and 0 < state["done"] < 20 and state,
        what="progress while running",
        timeout=60,
    )
    assert seen["total"] == 20 and 0 < seen["percent"] < 100
    done = wait_for(lambda: (s := job_state(api_client, job.pk))["status"] == "succeeded" and s, timeout=60)
    assert done["result"] == {"counted": 20} and done["percent"] == 100


def test_a_job_survives_a_killed_worker(worker_factory, api_client, province):
    stale = 3
    first = worker_factory(stale_seconds=stale)
    user = province.users["unit_a_staff"]
    api_client.force_login(user)
    job = jobs.create_job(
        task=count_slowly_task,
        principal=user,
        org_unit=province.unit_a,
        title="Đếm chậm",
        params={"steps": 12, "delay": 0.25},
    )
    wait_for(lambda: job_state(api_client, job.pk)["done"] >= 2, what="the first worker to start", timeout=60)
    first.kill(signal.SIGKILL)
    assert job_state(api_client, job.pk)["status"] == "running"  # what a lost worker leaves behind

    worker_factory(stale_seconds=stale)
    # The beat task does this every few minutes in production; here once the heartbeat is stale.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "EDUDX_JOB_STALE_SECONDS", stale)
        wait_for(
            lambda: jobs.recover_lost_jobs() or job_state(api_client, job.pk)["status"] == "succeeded",
            what="recovery",
            timeout=30,
            interval=1,
        )
    done = wait_for(lambda: (s := job_state(api_client, job.pk))["status"] == "succeeded" and s, timeout=60)
    assert done["attempts"] >= 2 and done["result"] == {"counted": 12}


def test_an_import_killed_mid_write_is_written_exactly_once(worker_factory, api_client, province, tmp_path):
    """kill -9 of the worker while it writes a big file: the write is rolled back, the re-run writes it once."""
    from bench.make_students_file import write
    from edudx.core.imports import services as imports
    from edudx.core.models import ImportBatch
    from people.models import Enrolment
    from schools.models import SchoolYear

    rows = 30_000
    path = write(tmp_path / "hoc-sinh.xlsx", rows)
    stale = 3
    first = worker_factory(stale_seconds=stale)
    user = province.users["school_a_admin"]
    api_client.force_login(user)
    year = SchoolYear.objects.get(code="2025-2026")
    with path.open("rb") as handle:
        batch = imports.start_import(
            kind="students",
            upload=handle,
            original_name=path.name,
            org_unit=province.school_a.org_unit,
            school_year=year,
            principal=user,
        )
    wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status == "validated", what="the check", timeout=120)
    job = imports.confirm_import(batch=ImportBatch.objects.get(pk=batch.pk), principal=user)
    wait_for(
        lambda: job_state(api_client, job.pk)["message"].startswith("Đang ghi"),
        what="the write",
        timeout=60,
        interval=0.05,
    )
    first.kill(signal.SIGKILL)
    assert Enrolment.objects.filter(school=province.school_a).count() == 0  # rolled back, nothing half-written

    worker_factory(stale_seconds=stale)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "EDUDX_JOB_STALE_SECONDS", stale)
        wait_for(
            lambda: jobs.recover_lost_jobs() or job_state(api_client, job.pk)["status"] == "succeeded",
            what="recovery",
            timeout=60,
            interval=1,
        )
    done = wait_for(
        lambda: (s := job_state(api_client, job.pk))["status"] in ("succeeded", "failed") and s, timeout=180
    )
    assert done["status"] == "succeeded", done
    assert done["attempts"] >= 2  # the second worker did the write
    assert Enrolment.objects.filter(school=province.school_a).count() == rows
    assert ImportBatch.objects.get(pk=batch.pk).status == "applied"
