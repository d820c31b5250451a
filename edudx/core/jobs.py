"""Long-running work: recording a job, running it in a worker with progress, and recovering lost ones.

A job's state lives in the database (never in Celery's result backend), so any web process can show it and
a restarted worker can pick it up. Tasks receive only the job id: the parameters stay in the row, so no
personal data travels through the broker, and the task re-checks that the job's creator may act on its unit.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta
from typing import Any

import celery
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job
from .scoping import Scope, scope_of

logger = logging.getLogger(__name__)


class _System:
    """The operator running a management command: no account, the whole tree."""

    is_authenticated = True
    pk = None

    def get_scope(self) -> Scope:
        return Scope(unrestricted=True)


SYSTEM = _System()


class JobFailed(Exception):
    """A failure the user can act on: its message is shown as it is."""

    def __init__(self, message: str, errors: list[Any] | None = None):
        super().__init__(message)
        self.errors = errors or []


class JobCancelled(Exception):
    pass


class JobStopped(Exception):
    """The job was finished elsewhere (another part failed, or it was cancelled) while this part ran."""


# What ``JobTask.execute`` returns after ``JobRun.fan_out``: the parts finish the job, not the task that split it.
FANNED_OUT: dict = {"__fanned_out__": True}


def _worker_id() -> str:
    # Read at call time: a prefork child has its own pid.
    return f"{socket.gethostname()}:{os.getpid()}"


@transaction.atomic
def create_job(
    *, task: celery.Task, principal: Any, org_unit: Any, title: str, params: dict | None = None, enqueue: bool = True
) -> Job:
    """Records a job for ``principal`` on ``org_unit`` and queues its task once the transaction commits.

    ``enqueue=False`` is for management commands, which then run the same task in their own process
    (``run_job_here``).
    """
    is_system = principal is SYSTEM
    if not is_system and not scope_of(principal).covers(org_unit.path):
        raise PermissionError("org unit outside the principal's scope")
    is_token = getattr(principal, "is_api_token", False)
    job = Job.objects.create(
        kind=task.job_kind,
        task_name=task.name,
        title=title,
        owner=None if is_token or is_system else principal,
        is_system=is_system,
        token=principal if is_token else None,
        org_unit=org_unit,
        params=params or {},
    )
    if enqueue:
        transaction.on_commit(lambda: task.delay(job_id=str(job.pk)))
    return job


def run_job_here(job: Job) -> Job:
    """Runs a recorded job in this process through the same task code a worker runs (management commands)."""
    from celery import current_app

    current_app.tasks[job.task_name].apply(kwargs={"job_id": str(job.pk)}, throw=True)
    job.refresh_from_db()
    return job


def _process_alive(claimed_by: str) -> bool:
    host, _sep, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: only the heartbeat can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claim(job_id: str) -> Job | None:
    """Marks the job running in this process; None when it is finished or being run elsewhere."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.EDUDX_JOB_STALE_SECONDS)
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        alive = job.claimed_by == _worker_id() or _process_alive(job.claimed_by)
        if job.status == Job.Status.RUNNING and job.heartbeat_at and job.heartbeat_at > stale_before and alive:
            return None  # a duplicate delivery while the first run is alive
        if job.attempts >= settings.EDUDX_JOB_MAX_ATTEMPTS:
            _finish(
                job,
                Job.Status.FAILED,
                _("Tác vụ bị gián đoạn %(n)d lần; đã dừng. Vui lòng chạy lại.") % {"n": job.attempts},
            )
            return None
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.claimed_by = _worker_id()
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.done = 0
        job.save(update_fields=["status", "attempts", "claimed_by", "started_at", "heartbeat_at", "done"])
        return job


def _finish(job: Job, status: str, message: str = "", errors: list | None = None) -> None:
    job.status = status
    job.message = message[:500]
    if errors is not None:
        job.errors = errors
    job.finished_at = timezone.now()
    job.heartbeat_at = job.finished_at
    if status == Job.Status.SUCCEEDED and job.total:
        job.done = job.total
    job.save()


class JobRun:
    """What a running task sees of its job: parameters, progress reporting, cancellation, the result file."""

    PROGRESS_INTERVAL = 0.5  # seconds between progress writes, so a tight loop does not hammer the database

    def __init__(self, job: Job, *, in_process: bool = False):
        self.job = job
        self.params = job.params
        self._last_write = 0.0
        # True in a management command (``run_job_here``) or in eager mode: parts then run here, one after the other.
        self.in_process = in_process

    def progress(self, done: int, total: int | None = None, message: str | None = None, *, force: bool = False):
        job = self.job
        job.done = done
        if total is not None:
            job.total = total
        job.total = max(job.total, job.done)
        if message is not None:
            job.message = message[:500]
        now = time.monotonic()
        if not force and now - self._last_write < self.PROGRESS_INTERVAL and done < job.total:
            return
        self._last_write = now
        updated = Job.objects.filter(pk=job.pk).update(
            done=job.done, total=job.total, message=job.message, heartbeat_at=timezone.now()
        )
        if updated and Job.objects.filter(pk=job.pk, cancel_requested=True).exists():
            raise JobCancelled

    def save_file(self, filename: str, content: bytes) -> None:
        self.job.result_filename = filename
        self.job.result_file.save(filename, ContentFile(content), save=False)

    def beat(self, *, force: bool = False) -> None:
        """Keeps a running part's job alive (heartbeat) and stops the part if the job ended or was cancelled."""
        now = time.monotonic()
        if not force and now - self._last_write < self.PROGRESS_INTERVAL:
            return
        self._last_write = now
        if not Job.objects.filter(pk=self.job.pk, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now()):
            raise JobStopped
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise JobCancelled

    def fan_out(self, task: JobPartTask, parts: list[Any]) -> dict:
        """Splits the job: ``task`` runs once per part (JSON values, e.g. lists of ids), in any worker, in any order.

        The job stays running; each part adds its items to ``done`` atomically when it first completes, and the
        part that completes last calls ``task.finalise`` (e.g. zips what the parts wrote) and finishes the job.
        Parts already completed by an earlier run of this job (a re-queued job) are not queued again. In a
        management command or in eager mode the parts run here, one after the other. ``execute`` returns what
        this returns (``FANNED_OUT``).
        """
        if not parts:
            raise ValueError("fan_out needs at least one part")
        job = self.job
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=job.pk)
            state = (locked.result or {}).get("parts") or {}
            completed = state.get("done", {}) if state.get("count") == len(parts) else {}
            Job.objects.filter(pk=job.pk).update(
                result={"parts": {"count": len(parts), "done": completed}},
                done=Least(sum(completed.values()), F("total")),
                heartbeat_at=timezone.now(),
            )
        pending = [index for index in range(len(parts)) if str(index) not in completed]
        if not pending:  # every part completed but the job was not finished: the last one finishes it again
            pending = [len(parts) - 1]
        for index in pending:
            kwargs = {"job_id": str(job.pk), "index": index, "part": parts[index]}
            if self.in_process:
                task.apply(kwargs=kwargs, throw=True)
            else:
                task.delay(**kwargs)
        return FANNED_OUT


class JobTask(celery.Task):
    """Base class of every job task: claims the job, keeps its state current, never leaves it 'running'.

    Subclasses set ``job_kind`` and implement ``execute(run: JobRun) -> dict`` (the job's result summary).
    """

    abstract = True
    job_kind = ""
    acks_late = True
    reject_on_worker_lost = True
    max_retries = 3
    typing = False

    def run(self, job_id: str) -> None:
        job = _claim(job_id)
        if job is None:
            return
        run = JobRun(job, in_process=bool(self.request.is_eager))
        try:
            self.authorize(job)
            result = self.execute(run)
        except JobFailed as exc:
            _finish(job, Job.Status.FAILED, str(exc), exc.errors)
            self.on_failure_cleanup(job)
        except JobCancelled:
            _finish(job, Job.Status.CANCELLED, _("Đã hủy theo yêu cầu."))
            self.on_failure_cleanup(job)
        except SoftTimeLimitExceeded:
            _finish(job, Job.Status.FAILED, _("Tác vụ chạy quá thời gian cho phép và đã dừng."))
            self.on_failure_cleanup(job)
        except (OperationalError, InterfaceError) as exc:
            # The database went away mid-run: the work is rolled back; run it again while attempts remain.
            logger.warning("job_database_error", extra={"job": job_id, "error": type(exc).__name__})
            Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, claimed_by="")
            raise self.retry(countdown=5, exc=exc) from exc
        except Exception:
            logger.exception("job_crashed", extra={"job": job_id})
            _finish(job, Job.Status.FAILED, _("Lỗi hệ thống khi xử lý; bộ phận kỹ thuật đã được ghi nhận."))
            self.on_failure_cleanup(job)
        else:
            if result is FANNED_OUT:
                return  # its parts finish it
            job.result = result or {}
            _finish(job, Job.Status.SUCCEEDED, job.message or _("Hoàn thành."))

    def authorize(self, job: Job) -> None:
        """Re-checks, in the worker, that whoever queued the job may still act on its org unit."""
        if job.is_system:
            return
        principal = job.token or job.owner
        if principal is None or not scope_of(principal).covers(job.org_unit.path):
            raise JobFailed(_("Không có quyền thực hiện tác vụ này trên đơn vị đã chọn."))

    def execute(self, run: JobRun) -> dict:
        raise NotImplementedError

    def on_failure_cleanup(self, job: Job) -> None:
        """Puts whatever the job was changing back into a state the user can act on (retry, discard)."""


def _fail_running(job: Job, message: str, errors: list | None = None, status: str = Job.Status.FAILED) -> bool:
    """Ends a running job from one of its parts; False when another part (or the user) ended it first."""
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=status, message=message[:500], errors=errors or [], finished_at=now, heartbeat_at=now
        )
    )


def _complete_part(job_id: str, index: int, count: int) -> bool:
    """Records a completed part once (a re-delivered part adds nothing); True when this process must finalise."""
    stale_before = timezone.now() - timedelta(seconds=settings.EDUDX_JOB_STALE_SECONDS)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != Job.Status.RUNNING:
            raise JobStopped
        state = dict((job.result or {}).get("parts") or {})
        done = dict(state.get("done") or {})
        fresh = str(index) not in done
        done[str(index)] = done.get(str(index), count)
        state["done"] = done
        finalise = len(done) >= state.get("count", 0)
        finaliser = state.get("finalising", "")
        if finalise and finaliser and finaliser != _worker_id():
            alive = _process_alive(finaliser) and job.heartbeat_at is not None and job.heartbeat_at > stale_before
            finalise = not alive  # another process is zipping: leave it; a dead one is taken over
        if finalise:
            state["finalising"] = _worker_id()
        Job.objects.filter(pk=job.pk).update(
            result={"parts": state},
            done=Least(F("done") + (count if fresh else 0), F("total")),
            heartbeat_at=timezone.now(),
        )
    return finalise


class JobPartTask(celery.Task):
    """One part of a job split by ``JobRun.fan_out``: renders, imports, … its share; the last part finalises.

    Subclasses implement ``execute_part(run, index, part) -> int`` (items done; it must be idempotent: a worker killed
    mid-way gets the part re-delivered) and ``finalise(run) -> dict`` (the job's result summary). The job task's
    ``authorize`` (the creator's scope) is re-checked in every part, and its ``on_failure_cleanup`` runs when a
    part fails the job.
    """

    abstract = True
    acks_late = True
    reject_on_worker_lost = True
    max_retries = 3
    typing = False

    def run(self, job_id: str, index: int, part: Any) -> None:
        job = Job.objects.select_related("org_unit").filter(pk=job_id).first()
        if job is None or job.status != Job.Status.RUNNING:
            return  # finished (a late re-delivery), failed or cancelled: nothing to do
        owner: JobTask = self.app.tasks[job.task_name]
        run = JobRun(job, in_process=bool(self.request.is_eager))
        try:
            owner.authorize(job)
            count = self.execute_part(run, index, part)
            if not _complete_part(job_id, index, count):
                return
            job.refresh_from_db()
            run = JobRun(job, in_process=run.in_process)
            result = self.finalise(run)
            job.result = result or {}
            _finish(job, Job.Status.SUCCEEDED, job.message or _("Hoàn thành."))
            self.after_success(job)
        except JobStopped:
            return
        except JobFailed as exc:
            self._end(owner, job, str(exc), exc.errors)
        except JobCancelled:
            self._end(owner, job, _("Đã hủy theo yêu cầu."), status=Job.Status.CANCELLED)
        except SoftTimeLimitExceeded:
            self._end(owner, job, _("Tác vụ chạy quá thời gian cho phép và đã dừng."))
        except (OperationalError, InterfaceError) as exc:
            logger.warning("job_part_database_error", extra={"job": job_id, "part": index})
            raise self.retry(countdown=5, exc=exc) from exc
        except Exception:
            logger.exception("job_part_crashed", extra={"job": job_id, "part": index})
            self._end(owner, job, _("Lỗi hệ thống khi xử lý; bộ phận kỹ thuật đã được ghi nhận."))

    def _end(self, owner: JobTask, job: Job, message: str, errors: list | None = None, status: str = "") -> None:
        _fail_running(job, message, errors, status or Job.Status.FAILED)
        owner.on_failure_cleanup(job)

    def execute_part(self, run: JobRun, index: int, part: Any) -> int:
        raise NotImplementedError

    def finalise(self, run: JobRun) -> dict:
        raise NotImplementedError

    def after_success(self, job: Job) -> None:
        """Runs once the job is recorded as succeeded (e.g. removes the parts' temporary files)."""


def register_job_task(cls: type[JobTask] | type[JobPartTask], *, name: str) -> Any:
    """Registers a JobTask (or JobPartTask) subclass with every Celery app (like @shared_task) under a stable name."""
    return celery.shared_task(base=cls, bind=True, name=name)(cls.run)


def request_cancel(*, job: Job) -> Job:
    """Asks a queued or running job to stop at its next progress report."""
    if job.status == Job.Status.QUEUED:
        Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.CANCELLED, finished_at=timezone.now(), message=_("Đã hủy theo yêu cầu.")
        )
    elif job.status == Job.Status.RUNNING:
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    job.refresh_from_db()
    return job


def recover_lost_jobs() -> int:
    """Re-queues jobs whose worker vanished (stale heartbeat) or whose message was lost; fails the hopeless."""
    from celery import current_app

    stale_before = timezone.now() - timedelta(seconds=settings.EDUDX_JOB_STALE_SECONDS)
    lost = Job.objects.filter(
        Q(status=Job.Status.RUNNING, heartbeat_at__lt=stale_before)
        | Q(status=Job.Status.QUEUED, created_at__lt=stale_before)
    )
    count = 0
    for job in lost:
        if job.attempts >= settings.EDUDX_JOB_MAX_ATTEMPTS:
            _finish(job, Job.Status.FAILED, _("Tác vụ bị gián đoạn nhiều lần; đã dừng. Vui lòng chạy lại."))
        else:
            current_app.tasks[job.task_name].delay(job_id=str(job.pk))
        count += 1
    return count
