import io
import os
from datetime import timedelta

import openpyxl
import pytest
from django.test import override_settings
from django.utils import timezone

from edudx.core import jobs
from edudx.core.models import Job
from people import services as people_services
from people.models import Role
from schools.tasks import export_schools_task

pytestmark = pytest.mark.django_db


def queue_export(client, unit_code: str) -> Job:
    response = client.post(f"/units/{unit_code}/export-schools/")
    assert response.status_code == 302
    return Job.objects.get()


def test_export_from_the_web_ui_runs_and_contains_only_schools_in_scope(
    client_for, province, django_capture_on_commit_callbacks
):
    client = client_for(province.users["unit_a_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        job = queue_export(client, "PGD-BT")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert (job.done, job.total, job.percent) == (2, 2, 100)
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    exported = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert exported == ["TH-PHONGHAI", "THCS-XUANQUANG"]


def test_other_school_cannot_see_or_download_the_job(client_for, province, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = queue_export(client_for(province.users["school_a_admin"]), "TH-PHONGHAI")
    client = client_for(province.users["school_b_admin"])
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}/download/").status_code == 404
    assert client.get("/api/v1/jobs/").json()["count"] == 0
    assert str(job.pk) not in client.get("/jobs/").content.decode()


def test_job_is_visible_to_its_owner_and_to_units_above(
    client_for, api_client, province, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = queue_export(client_for(province.users["school_a_admin"]), "TH-PHONGHAI")
    for username in ("school_a_admin", "unit_a_staff", "department_staff"):
        api_client.force_login(province.users[username])
        body = api_client.get(f"/api/v1/jobs/{job.pk}/").json()
        assert body["status"] == "succeeded"
        assert body["download_url"].endswith(f"/api/v1/jobs/{job.pk}/download/")


def test_export_of_another_schools_unit_is_404_and_queues_nothing(client_for, province):
    client = client_for(province.users["school_a_admin"])
    assert client.post("/units/TH-TAVAN/export-schools/").status_code == 404
    assert not Job.objects.exists()


def test_task_refuses_a_job_whose_creator_lost_the_scope(province):
    user = province.users["unit_a_staff"]
    job = jobs.create_job(task=export_schools_task, principal=user, org_unit=province.unit_a, title="Xuất")
    people_services.revoke_role(user=user, role=Role.UNIT_STAFF, org_unit=province.unit_a)
    user.refresh_from_db()
    export_schools_task.apply(kwargs={"job_id": str(job.pk)})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Không có quyền" in job.message
    assert not job.result_file


def test_create_job_refuses_a_unit_outside_scope(province):
    with pytest.raises(PermissionError):
        jobs.create_job(
            task=export_schools_task, principal=province.users["school_a_admin"], org_unit=province.unit_b, title="Xuất"
        )


def make_job(province, **fields) -> Job:
    job = jobs.create_job(
        task=export_schools_task,
        principal=province.users["unit_a_staff"],
        org_unit=province.unit_a,
        title="Xuất danh sách",
    )
    Job.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def test_a_duplicate_delivery_while_the_first_run_is_alive_is_skipped(province):
    job = make_job(
        province,
        status=Job.Status.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now(),
        claimed_by=f"{os.uname().nodename}:{os.getpid()}",
    )
    export_schools_task.apply(kwargs={"job_id": str(job.pk)})
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)


def test_a_job_whose_worker_died_is_taken_over_by_the_next_delivery(province):
    import socket

    dead_pid = 2**22 + 12345  # above pid_max's default: no such process
    job = make_job(
        province,
        status=Job.Status.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now(),
        claimed_by=f"{socket.gethostname()}:{dead_pid}",
    )
    export_schools_task.apply(kwargs={"job_id": str(job.pk)})
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)


def test_a_finished_job_is_not_run_again(province):
    job = make_job(province, status=Job.Status.SUCCEEDED, message="Xong")
    export_schools_task.apply(kwargs={"job_id": str(job.pk)})
    job.refresh_from_db()
    assert (job.status, job.attempts, job.message) == (Job.Status.SUCCEEDED, 0, "Xong")


@override_settings(EDUDX_JOB_STALE_SECONDS=60, EDUDX_JOB_MAX_ATTEMPTS=3)
def test_recovery_requeues_stale_jobs_and_fails_hopeless_ones(province):
    old = timezone.now() - timedelta(minutes=5)
    stale = make_job(province, status=Job.Status.RUNNING, attempts=1, heartbeat_at=old, claimed_by="elsewhere:1")
    hopeless = make_job(province, status=Job.Status.RUNNING, attempts=3, heartbeat_at=old, claimed_by="elsewhere:1")
    fresh = make_job(
        province, status=Job.Status.RUNNING, attempts=1, heartbeat_at=timezone.now(), claimed_by="elsewhere:1"
    )
    assert jobs.recover_lost_jobs() == 2
    for job in (stale, hopeless, fresh):
        job.refresh_from_db()
    assert stale.status == Job.Status.SUCCEEDED  # re-sent; eager in tests, a worker in production
    assert hopeless.status == Job.Status.FAILED and "gián đoạn" in hopeless.message
    assert fresh.status == Job.Status.RUNNING


def test_cancel_of_a_queued_job(client_for, province):
    client = client_for(province.users["unit_a_staff"])
    job = make_job(province)
    response = client.post(f"/jobs/{job.pk}/cancel/")
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    export_schools_task.apply(kwargs={"job_id": str(job.pk)})
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED


def test_progress_component_polls_until_finished(client_for, province):
    client = client_for(province.users["unit_a_staff"])
    job = make_job(province, status=Job.Status.RUNNING, done=3, total=10)
    html = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="3"' in html and 'max="10"' in html
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, done=10)
    html = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html


class _SquaresTask(jobs.JobTask):
    """A job split into parts: each part squares its numbers into the job's result; the last part adds them up."""

    job_kind = "test_squares"

    def execute(self, run):
        numbers = run.params["numbers"]
        run.progress(0, len(numbers), force=True)
        return run.fan_out(squares_part_task, [numbers[i : i + 2] for i in range(0, len(numbers), 2)])

    def on_failure_cleanup(self, job):
        Job.objects.filter(pk=job.pk).update(errors=["dọn dẹp"])


class _SquaresPartTask(jobs.JobPartTask):
    def execute_part(self, run, index, part):
        run.beat(force=True)
        if -1 in part:
            raise jobs.JobFailed("Số âm không hợp lệ.")
        _SquaresPartTask.seen.append((index, [n * n for n in part]))
        return len(part)

    def finalise(self, run):
        return {"sum": sum(sum(squares) for _index, squares in dict(_SquaresPartTask.seen).items())}


_SquaresPartTask.seen = []
squares_task = jobs.register_job_task(_SquaresTask, name="tests.squares")
squares_part_task = jobs.register_job_task(_SquaresPartTask, name="tests.squares_part")


def squares_job(province, numbers):
    _SquaresPartTask.seen.clear()
    return jobs.create_job(
        task=squares_task,
        principal=jobs.SYSTEM,
        org_unit=province.unit_a,
        title="Bình phương",
        params={"numbers": numbers},
        enqueue=False,
    )


def test_a_fanned_out_job_is_finished_by_its_last_part_with_aggregated_progress(province):
    job = jobs.run_job_here(squares_job(province, [1, 2, 3, 4, 5]))
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result == {"sum": 55}
    assert job.done == job.total == 5
    assert [index for index, _squares in _SquaresPartTask.seen] == [0, 1, 2]  # in-process: one after the other


def test_a_redelivered_part_is_counted_once(province):
    job = squares_job(province, [1, 2, 3, 4])
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, total=4, heartbeat_at=timezone.now(), result={"parts": {"count": 2, "done": {}}}
    )
    for _delivery in range(3):
        squares_part_task.apply(kwargs={"job_id": str(job.pk), "index": 0, "part": [1, 2]})
    job.refresh_from_db()
    assert (job.status, job.done, job.result["parts"]["done"]) == (Job.Status.RUNNING, 2, {"0": 2})
    squares_part_task.apply(kwargs={"job_id": str(job.pk), "index": 1, "part": [3, 4]})
    job.refresh_from_db()
    assert (job.status, job.done, job.result) == (Job.Status.SUCCEEDED, 4, {"sum": 30})


def test_a_requeued_split_job_queues_only_the_parts_not_done(province):
    job = squares_job(province, [1, 2, 3, 4])
    Job.objects.filter(pk=job.pk).update(result={"parts": {"count": 2, "done": {"0": 2}}})
    job = jobs.run_job_here(job)
    assert job.status == Job.Status.SUCCEEDED
    assert [index for index, _squares in _SquaresPartTask.seen] == [1]
    assert job.done == job.total == 4


def test_a_failing_part_fails_the_job_and_runs_the_cleanup_once(province):
    job = jobs.run_job_here(squares_job(province, [1, 2, -1, 4, 5, 6]))
    assert (job.status, job.message, job.errors) == (Job.Status.FAILED, "Số âm không hợp lệ.", ["dọn dẹp"])
    assert [index for index, _squares in _SquaresPartTask.seen] == [0]  # the part after the failure did nothing


def test_a_part_stops_and_cancels_the_job_when_cancellation_was_requested(province):
    job = squares_job(province, [1, 2, 3, 4])
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, total=4, heartbeat_at=timezone.now(), result={"parts": {"count": 2, "done": {}}}
    )
    job.refresh_from_db()
    jobs.request_cancel(job=job)
    squares_part_task.apply(kwargs={"job_id": str(job.pk), "index": 0, "part": [1, 2]})
    job.refresh_from_db()
    assert (job.status, job.message, job.errors) == (Job.Status.CANCELLED, "Đã hủy theo yêu cầu.", ["dọn dẹp"])
    assert _SquaresPartTask.seen == []
