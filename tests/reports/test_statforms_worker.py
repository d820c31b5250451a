"""A real Celery worker process renders a report form queued over the API (rendering happens only in workers)."""

import io
import signal
import zipfile

import pytest
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from edudx.celery import app
from edudx.core import jobs
from edudx.core.models import Job
from reports.statforms.tasks import parts_folder, queue_form_bundle
from schools.models import SchoolYear
from tests.worker import WorkerProcess, route_to, wait_for

from .statforms_data import fill_province

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(transactional_db):
    eager, queue = app.conf.task_always_eager, app.conf.task_default_queue
    process = WorkerProcess().start()
    route_to(process.queue)
    yield process
    process.kill(signal.SIGKILL)
    app.conf.task_always_eager, app.conf.task_default_queue = eager, queue


@pytest.fixture
def two_workers(transactional_db):
    """Two worker processes on one queue: the bundle's parts are shared between them."""
    eager, queue = app.conf.task_always_eager, app.conf.task_default_queue
    first = WorkerProcess(stale_seconds=3).start()
    second = WorkerProcess(queue=first.queue, stale_seconds=3).start()
    route_to(first.queue)
    for process in (first, second):
        wait_for(lambda p=process: " ready." in p.output(), what="the worker to start", timeout=90, interval=0.5)
    yield first, second
    for process in (first, second):
        process.kill(signal.SIGKILL)
    app.conf.task_always_eager, app.conf.task_default_queue = eager, queue


EXPECTED_PDFS = [
    "TH-PHONGHAI/TH-DN-TH-PHONGHAI-2025-2026.pdf",
    "TH-TAVAN/TH-DN-TH-TAVAN-2025-2026.pdf",
    "THCS-XUANQUANG/THCS-DN-THCS-XUANQUANG-2025-2026.pdf",
    "THPT-SO1-LC/THPT-DN-THPT-SO1-LC-2025-2026.pdf",
]


def queue_bundle(province) -> Job:
    year = SchoolYear.objects.get(code="2025-2026")
    fill_province(province, year, gaps=False)
    return queue_form_bundle(
        principal=province.users["department_staff"],
        org_unit=province.department,
        school_year=year,
        period="start",
        file_format="pdf",
        chunk_schools=1,
    )


def parts_run_by(process: WorkerProcess) -> int:
    return process.output().count("reports.statforms.bundle_part[")


def test_two_workers_render_the_bundle_in_parts(two_workers, province):
    first, second = two_workers
    job = queue_bundle(province)
    finished = wait_for(
        lambda: (state := Job.objects.get(pk=job.pk)).is_finished and state, what="the bundle to finish", timeout=180
    )
    assert finished.status == Job.Status.SUCCEEDED, first.output()[-2000:] + second.output()[-2000:]
    assert finished.done == finished.total == 4 and finished.result["parts"] == 4
    with finished.result_file.open("rb") as handle:
        archive = zipfile.ZipFile(handle)
        assert archive.namelist() == EXPECTED_PDFS
        assert all(archive.read(name).startswith(b"%PDF") for name in EXPECTED_PDFS)
    assert parts_run_by(first) >= 1 and parts_run_by(second) >= 1  # both workers rendered parts
    assert not parts_folder(finished).exists()


def test_a_bundle_survives_one_of_its_workers_killed_mid_way(two_workers, province):
    first, second = two_workers
    job = queue_bundle(province)
    wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.RUNNING, what="the bundle to start", timeout=90)
    wait_for(lambda: parts_run_by(first) >= 1, what="the first worker to take a part", timeout=90, interval=0.05)
    first.kill(signal.SIGKILL)  # whatever it was rendering is lost with it (the test broker does not re-deliver)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "EDUDX_JOB_STALE_SECONDS", 3)

        def finished_or_stuck():
            state = Job.objects.get(pk=job.pk)
            stale = state.heartbeat_at and (timezone.now() - state.heartbeat_at).total_seconds() > 4
            return state.is_finished or stale

        wait_for(finished_or_stuck, what="the bundle to finish or stall", timeout=180, interval=0.5)
        # A part was lost with the worker: the beat task's recovery (every few minutes in production) queues the
        # job again, and its task queues only the parts not yet completed.
        jobs.recover_lost_jobs()
        finished = wait_for(
            lambda: (state := Job.objects.get(pk=job.pk)).is_finished and state, what="recovery", timeout=180
        )
    assert finished.status == Job.Status.SUCCEEDED, second.output()[-3000:]
    assert finished.done == finished.total == 4
    with finished.result_file.open("rb") as handle:
        assert zipfile.ZipFile(handle).namelist() == EXPECTED_PDFS


def test_pdf_export_queued_over_the_api_is_rendered_by_the_worker(worker, api_client, province):
    fill_province(province, SchoolYear.objects.get(code="2025-2026"), gaps=False)
    api_client.force_login(province.users["unit_a_staff"])
    response = api_client.post(
        "/api/v1/reports/forms/TH-DN/exports/", {"org_unit": "PGD-BT", "school_year": "2025-2026", "format": "pdf"}
    )
    assert response.status_code == 202
    job_id = response.json()["id"]

    def finished():
        body = api_client.get(f"/api/v1/jobs/{job_id}/").json()
        return body if body["status"] in ("succeeded", "failed") else None

    body = wait_for(finished, what="the export to finish", timeout=120)
    assert body["status"] == "succeeded", worker.output()[-3000:]
    pdf = api_client.get(body["download_url"])
    assert pdf.status_code == 200
    content = b"".join(pdf.streaming_content)
    assert "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO BẢO THẮNG" in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert f"{worker.queue}@" in worker.output()
