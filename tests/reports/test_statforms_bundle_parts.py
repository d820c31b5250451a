"""The province bundle in parts: the same zip whatever the split, each part counted once however often it is
delivered, one zip even when the finalisation is re-delivered, a failing part fails the job and removes the parts'
temporary files, and every part re-checks the creator's scope."""

from __future__ import annotations

import socket
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from edudx.core.jobs import SYSTEM, JobStopped, run_job_here
from edudx.core.models import Job
from people import services as people_services
from people.models import Role
from reports.statforms import tasks
from reports.statforms.tasks import export_form_bundle_part_task, parts_folder, queue_form_bundle
from schools.models import SchoolYear

from .statforms_data import fill_province

pytestmark = pytest.mark.django_db

PROVINCE_FILES = [
    "TH-PHONGHAI/TH-DN-TH-PHONGHAI-2025-2026.xlsx",
    "TH-TAVAN/TH-DN-TH-TAVAN-2025-2026.xlsx",
    "THCS-XUANQUANG/THCS-DN-THCS-XUANQUANG-2025-2026.xlsx",
    "THPT-SO1-LC/THPT-DN-THPT-SO1-LC-2025-2026.xlsx",
]
DEAD_PID = 2**22 + 12345  # above pid_max's default: no such process


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # each test counts the zips it wrote


@pytest.fixture
def year(province) -> SchoolYear:
    year = SchoolYear.objects.get(code="2025-2026")
    fill_province(province, year, gaps=False)
    return year


def bundle(province, year, *, chunk: int | None, principal=SYSTEM, unit=None) -> Job:
    return queue_form_bundle(
        principal=principal,
        org_unit=unit or province.department,
        school_year=year,
        period="start",
        file_format="xlsx",
        enqueue=False,
        chunk_schools=chunk,
    )


def zip_names(job: Job) -> list[str]:
    with job.result_file.open("rb") as handle:
        return zipfile.ZipFile(handle).namelist()


def stored_zips(job: Job) -> list[Path]:
    return list(Path(settings.MEDIA_ROOT).glob(f"jobs/**/bo-bieu-*-{job.org_unit.code}-*.zip"))


def running_with_parts(job: Job, parts: list[list[int]], total: int, **state) -> Job:
    """The state the bundle task leaves behind once it has queued its parts (as a worker would see it)."""
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        attempts=1,
        total=total,
        heartbeat_at=timezone.now(),
        result={"parts": {"count": len(parts), "done": {}, **state}},
    )
    parts_folder(job).mkdir(parents=True, exist_ok=True)
    job.refresh_from_db()
    return job


def deliver(job: Job, index: int, part: list[int]) -> Job:
    export_form_bundle_part_task.apply(kwargs={"job_id": str(job.pk), "index": index, "part": part})
    job.refresh_from_db()
    return job


def school_ids(province) -> list[list[int]]:
    """The province's schools in code order, split in two parts of two schools."""
    ordered = sorted(
        [province.school_a, province.school_a2, province.school_b, province.school_thpt], key=lambda s: s.org_unit.code
    )
    ids = [school.org_unit_id for school in ordered]
    return [ids[:2], ids[2:]]


@pytest.mark.parametrize("chunk", [None, 1, 2, 3])
def test_bundle_in_parts_holds_the_same_files_in_the_same_order(province, year, chunk):
    job = run_job_here(bundle(province, year, chunk=chunk))
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert zip_names(job) == PROVINCE_FILES  # the order of the one-task bundle: school code, then form code
    assert job.done == job.total == 4
    assert job.result["files"] == 4 and job.result["schools"] == 4
    assert job.result["parts"] == (1 if chunk is None else -(-4 // chunk))
    assert not parts_folder(job).exists()  # the parts' temporary files are gone
    assert len(stored_zips(job)) == 1


def test_pdf_bundle_in_parts_holds_one_pdf_per_school_form(province, year):
    job = run_job_here(
        queue_form_bundle(
            principal=SYSTEM,
            org_unit=province.department,
            school_year=year,
            period="start",
            file_format="pdf",
            enqueue=False,
            chunk_schools=2,
        )
    )
    assert job.status == Job.Status.SUCCEEDED, job.message
    with job.result_file.open("rb") as handle:
        archive = zipfile.ZipFile(handle)
        assert [name.replace(".pdf", ".xlsx") for name in archive.namelist()] == PROVINCE_FILES
        assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())


def test_a_part_delivered_twice_adds_its_files_and_progress_once(province, year):
    parts = school_ids(province)
    job = running_with_parts(bundle(province, year, chunk=2), parts, total=4)
    assert deliver(job, 0, parts[0]).done == 2
    assert deliver(job, 0, parts[0]).done == 2  # re-delivered: re-rendered, counted once
    assert job.status == Job.Status.RUNNING
    assert sorted(path.name for path in parts_folder(job).iterdir()) == ["part-00000"]
    job = deliver(job, 1, parts[1])
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert zip_names(job) == PROVINCE_FILES  # no entry twice
    assert job.done == job.total == 4


def test_a_finalisation_delivered_again_after_success_writes_no_second_zip(province, year):
    parts = school_ids(province)
    job = run_job_here(bundle(province, year, chunk=2))
    assert job.status == Job.Status.SUCCEEDED
    finished_at = job.finished_at
    job = deliver(job, 1, parts[1])
    assert (job.status, job.finished_at) == (Job.Status.SUCCEEDED, finished_at)
    assert len(stored_zips(job)) == 1


def test_a_finaliser_killed_mid_zip_is_taken_over_by_the_redelivered_part(province, year, monkeypatch):
    parts = school_ids(province)
    job = running_with_parts(bundle(province, year, chunk=2), parts, total=4)
    deliver(job, 0, parts[0])

    def killed(self, run):  # the worker dies while zipping: the part's message is not acknowledged
        raise JobStopped

    with monkeypatch.context() as patch:
        patch.setattr(tasks.FormBundlePartTask, "finalise", killed)
        job = deliver(job, 1, parts[1])
    assert job.status == Job.Status.RUNNING
    state = job.result["parts"]
    Job.objects.filter(pk=job.pk).update(
        result={"parts": {**state, "finalising": f"{socket.gethostname()}:{DEAD_PID}"}}  # that process is gone
    )
    job = deliver(job, 1, parts[1])  # the broker re-delivers the unacknowledged part
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert zip_names(job) == PROVINCE_FILES
    assert len(stored_zips(job)) == 1
    assert job.done == job.total == 4


def test_a_live_finaliser_is_left_alone_by_a_redelivered_part(province, year):
    parts = school_ids(province)
    alive = f"{socket.gethostname()}:{1}"  # init: always alive
    job = running_with_parts(bundle(province, year, chunk=2), parts, total=4, finalising=alive)
    Job.objects.filter(pk=job.pk).update(
        result={"parts": {"count": 2, "done": {"0": 2, "1": 2}, "finalising": alive}}, done=4
    )
    job = deliver(job, 1, parts[1])
    assert job.status == Job.Status.RUNNING  # the live process will finish it
    assert not stored_zips(job)


def test_a_failing_part_fails_the_job_in_vietnamese_and_removes_the_temporary_files(province, year, monkeypatch):
    real = tasks.render_figures
    failing = province.school_b.org_unit_id

    def render(figures, file_format):
        if figures[0].school_ids == [failing]:
            raise RuntimeError("WeasyPrint crashed")
        return real(figures, file_format)

    monkeypatch.setattr(tasks, "render_figures", render)
    job = run_job_here(bundle(province, year, chunk=1))
    assert job.status == Job.Status.FAILED
    assert job.message == "Lỗi hệ thống khi xử lý; bộ phận kỹ thuật đã được ghi nhận."
    assert not job.result_file
    assert not parts_folder(job).exists()
    assert not stored_zips(job)


def test_a_part_after_the_job_failed_does_nothing(province, year):
    parts = school_ids(province)
    job = running_with_parts(bundle(province, year, chunk=2), parts, total=4)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message="Lỗi")
    job = deliver(job, 0, parts[0])
    assert (job.status, job.message, job.done) == (Job.Status.FAILED, "Lỗi", 0)


def test_every_part_rechecks_the_creators_scope(province, year):
    user = province.users["unit_a_staff"]
    parts = school_ids(province)
    job = running_with_parts(bundle(province, year, chunk=2, principal=user, unit=province.unit_a), parts, total=2)
    people_services.revoke_role(user=user, role=Role.UNIT_STAFF, org_unit=province.unit_a)
    job = deliver(job, 0, parts[0])
    assert job.status == Job.Status.FAILED
    assert "Không có quyền" in job.message
    assert not parts_folder(job).exists()


def test_a_part_renders_only_the_schools_its_creator_may_see(province, year):
    """A part naming a school outside the creator's unit (a forged or stale message) renders nothing for it."""
    user = province.users["unit_a_staff"]
    job = running_with_parts(bundle(province, year, chunk=2, principal=user, unit=province.unit_a), [[0]], total=2)
    outside = [province.school_b.org_unit_id, province.school_thpt.org_unit_id]
    job = deliver(job, 0, outside)
    assert job.status == Job.Status.SUCCEEDED
    assert zip_names(job) == []
