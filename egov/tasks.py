"""Background work of the online services: e-mails to applicants (idempotent: each event is announced once)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
