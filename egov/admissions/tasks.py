"""The allocation and the publication as background jobs with progress (the same allocation module as
``allocate_admissions``; the publication decides every dossier of the round, ~100,000 in a large round)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from edudx.core.jobs import JobFailed, JobRun, JobTask, register_job_task
from edudx.core.models import Job

from .models import AdmissionRound
from .selectors import ORGANISER_ROLES
from .services import AdmissionError, publish_results, run_allocation


def _authorize_organiser(job: Job) -> None:
    if job.is_system:
        return
    from edudx.core.scoping import scope_of

    principal = job.token or job.owner
    if not scope_of(principal).only(ORGANISER_ROLES).covers(job.org_unit.path):
        raise JobFailed(_("Chỉ đơn vị tổ chức tuyển sinh mới được chạy xét tuyển."))


class AllocateAdmissionsTask(JobTask):
    """Allocates one round's valid applications; params: ``round`` (code) and ``seed``."""

    job_kind = "allocate_admissions"
    time_limit = 900
    soft_time_limit = 840

    def authorize(self, job: Job) -> None:
        super().authorize(job)
        if job.is_system:
            return
        from edudx.core.scoping import scope_of

        principal = job.token or job.owner
        if not scope_of(principal).only(ORGANISER_ROLES).covers(job.org_unit.path):
            raise JobFailed(_("Chỉ đơn vị tổ chức tuyển sinh mới được chạy xét tuyển."))

    def execute(self, run: JobRun) -> dict:
        job = run.job
        round_ = AdmissionRound.objects.filter(code=run.params.get("round"), org_unit=job.org_unit).first()
        if round_ is None:
            raise JobFailed(_("Không tìm thấy đợt tuyển sinh."))

        def report(done: int, total: int, message: str) -> None:
            run.progress(done, total, message, force=True)

        try:
            allocation = run_allocation(
                round=round_, seed=run.params.get("seed"), by=job.owner, job=job, progress=report
            )
        except AdmissionError as error:
            raise JobFailed(error.messages[0]) from None
        return {
            "round": round_.code,
            "run": allocation.pk,
            "applicants": allocation.applicants,
            "placed": allocation.placed,
            "inputs_sha256": allocation.inputs_sha256,
        }


allocate_admissions_task = register_job_task(AllocateAdmissionsTask, name="admissions.allocate")


class PublishAdmissionsTask(JobTask):
    """Publishes a round's latest allocation and decides its dossiers; params: ``round`` (code), ``run`` (id)."""

    job_kind = "publish_admissions"
    time_limit = 900
    soft_time_limit = 840

    def authorize(self, job: Job) -> None:
        super().authorize(job)
        _authorize_organiser(job)

    def execute(self, run: JobRun) -> dict:
        job = run.job
        round_ = AdmissionRound.objects.filter(code=run.params.get("round"), org_unit=job.org_unit).first()
        allocation = round_.runs.filter(pk=run.params.get("run")).first() if round_ is not None else None
        if allocation is None:
            raise JobFailed(_("Không tìm thấy lần xét tuyển để công bố."))

        def report(done: int, total: int, message: str) -> None:
            run.progress(done, max(total, 1), message)

        try:
            publish_results(run=allocation, by=job.owner or job.token, progress=report)
        except AdmissionError as error:
            raise JobFailed(error.messages[0]) from None
        return {"round": round_.code, "run": allocation.pk, "published": True}


publish_admissions_task = register_job_task(PublishAdmissionsTask, name="admissions.publish")
