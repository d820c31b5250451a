"""A real Celery worker process renders a report form queued over the API (rendering happens only in workers)."""

import io
import signal

import pytest
from pypdf import PdfReader

from edudx.celery import app
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
