from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schools.models import School, SchoolDataQuerySet, SchoolYear


class Period(models.TextChoices):
    START = "start", _("Đầu năm học")
    END = "end", _("Cuối năm học")


class ReportingPeriod(models.Model):
    """The deadline by which schools submit the forms of one period (beginning / end) of a school year."""

    school_year = models.ForeignKey(SchoolYear, verbose_name=_("năm học"), on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("kỳ báo cáo"), max_length=8, choices=Period.choices)
    deadline = models.DateField(_("hạn nộp"))

    class Meta:
        ordering = ["school_year__code", "period"]
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["school_year", "period"], name="one_deadline_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.school_year.code} {self.get_period_display()}: {self.deadline:%d/%m/%Y}"


class FormSubmission(models.Model):
    """A school's report form for a school year on its way up the chain: school → unit → department.

    ``cells`` is the snapshot taken when the school submitted (with the form's version): reviewers see exactly
    the submitted figures, and once the department approves, they are the locked figures of that year whatever
    the registry later says. Only the department can reopen an approved form (audited).
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã nộp, chờ đơn vị quản lý duyệt")
        RETURNED = "returned", _("Bị trả lại")
        UNIT_APPROVED = "unit_approved", _("Đơn vị quản lý đã duyệt, chờ Sở duyệt")
        APPROVED = "approved", _("Sở đã duyệt (khóa số liệu)")
        REOPENED = "reopened", _("Sở đã mở lại")

    IN_CHAIN = (Status.SUBMITTED, Status.UNIT_APPROVED, Status.APPROVED)  # the snapshot is what counts

    form_code = models.CharField(_("mã biểu"), max_length=16)
    form_version = models.CharField(_("phiên bản biểu"), max_length=16)
    school = models.ForeignKey(School, verbose_name=_("trường"), on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, verbose_name=_("năm học"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("kỳ báo cáo"), max_length=8, choices=Period.choices)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices)
    cells = models.JSONField(_("số liệu đã nộp"), default=dict, blank=True)
    comment = models.TextField(_("ý kiến khi trả lại"), blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("Sở duyệt lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = SchoolDataQuerySet.as_manager()

    class Meta:
        ordering = ["school_year__code", "form_code", "school__org_unit__code"]
        verbose_name = _("báo cáo thống kê đã nộp")
        verbose_name_plural = _("báo cáo thống kê đã nộp")
        constraints = [
            models.UniqueConstraint(fields=["form_code", "school", "school_year"], name="one_submission_per_form"),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(comment=""), name="returned_submission_has_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form_code} {self.school_id} {self.school_year_id}: {self.status}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED


class SubmissionEvent(models.Model):
    """One step of a submission's way: who did what, when, from which status to which, with what comment."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Nộp báo cáo")
        UNIT_APPROVE = "unit_approve", _("Đơn vị quản lý duyệt")
        DEPARTMENT_APPROVE = "department_approve", _("Sở duyệt")
        RETURN = "return", _("Trả lại")
        REOPEN = "reopen", _("Mở lại")

    submission = models.ForeignKey(FormSubmission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("từ trạng thái"), max_length=16, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("bước duyệt báo cáo")
        verbose_name_plural = _("bước duyệt báo cáo")

    def __str__(self) -> str:
        return f"{self.submission_id} {self.action} {self.created_at:%d/%m/%Y %H:%M}"
