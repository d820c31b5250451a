"""Background work of the online services: e-mails to applicants (idempotent: each event is announced once)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.jobs import JobFailed, JobRun, JobTask, register_job_task

from .models import DossierEvent, DossierStatus


@shared_task(
    name="egov.notify_applicant",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def notify_applicant_task(*, event_id: int) -> bool:
    """E-mail the applicant about one event of their dossier; an event already announced is skipped."""
    with transaction.atomic():
        event = (
            DossierEvent.objects.select_for_update(of=("self",))
            .select_related("dossier", "dossier__procedure")
            .filter(pk=event_id, notified_at__isnull=True)
            .first()
        )
        if event is None or not event.dossier.applicant_email:
            return False
        dossier = event.dossier
        subject = _("[EduDX] Hồ sơ %(code)s: %(status)s") % {
            "code": dossier.receipt_code,
            "status": DossierStatus(event.to_status).label,
        }
        lines = [
            _("Kính gửi %(name)s,") % {"name": dossier.applicant_name},
            "",
            _("Hồ sơ %(code)s (%(procedure)s) đã chuyển sang trạng thái: %(status)s.")
            % {
                "code": dossier.receipt_code,
                "procedure": dossier.procedure.name,
                "status": DossierStatus(event.to_status).label,
            },
        ]
        if event.comment:
            lines.append(_("Ghi chú: %(comment)s") % {"comment": event.comment})
        lines += [
            _("Hạn giải quyết: %(due)s.") % {"due": dossier.due_date.strftime("%d/%m/%Y")},
            "",
            _("Tra cứu hồ sơ bằng mã hồ sơ và số điện thoại tại trang Tra cứu hồ sơ của cổng EduDX."),
        ]
        send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [dossier.applicant_email])
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return True


@shared_task(name="egov.sweep_orphan_attachments", soft_time_limit=540, time_limit=600)
def sweep_orphan_attachments_task() -> int:
    """Hourly (edudx/celery.py's beat schedule): attachment files with no row, older than an hour, are removed."""
    from .services.files import sweep_orphan_attachments

    return sweep_orphan_attachments()


class ImportDiplomasTask(JobTask):
    """Imports a diploma register file saved privately by the page; params: ``file`` (storage name), ``name``."""

    job_kind = "import_diplomas"
    time_limit = 900
    soft_time_limit = 840

    def execute(self, run: JobRun) -> dict:
        from django.core.files.storage import default_storage

        from .services.diploma_import import import_diploma_register

        job = run.job
        stored = run.params.get("file", "")
        if not stored.startswith("egov/imports/") or not default_storage.exists(stored):
            raise JobFailed(_("Không tìm thấy tệp đã tải lên; hãy tải lên lại."))

        def report(done: int, total: int, message: str) -> None:
            run.progress(done, total, message, force=True)

        run.progress(0, 2, _("Đang đọc và kiểm tra tệp…"), force=True)
        try:
            with default_storage.open(stored, "rb") as handle:
                handle.name = run.params.get("name", stored)
                result = import_diploma_register(file=handle, org_unit=job.org_unit, by=job.owner, progress=report)
        finally:
            default_storage.delete(stored)  # a register holds personal data: not kept once read
        if result.unusable:
            raise JobFailed(result.unusable)
        if result.errors:
            errors = [
                {"row": error.row, "column": error.column, "message": error.message} for error in result.errors[:500]
            ]
            raise JobFailed(
                _("Tệp có %(n)d lỗi; chưa nhập dòng nào.") % {"n": len(result.errors)},
                errors,
            )
        run.progress(2, 2, _("Đã nhập %(n)d dòng sổ gốc.") % {"n": result.applied}, force=True)
        return {"rows": result.rows, "created": result.created, "updated": result.updated}


import_diplomas_task = register_job_task(ImportDiplomasTask, name="egov.import_diplomas")
