import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .scoping import DATA_ROLES, ScopedQuerySet, scope_of


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class JobQuerySet(ScopedQuerySet):
    def visible_to(self, principal, *, roles=None):
        """A job is seen by its owner and by whoever holds a data role whose scope covers its org unit."""
        scope = scope_of(principal).only(roles if roles is not None else DATA_ROLES)
        return self.filter(_own_jobs(principal) | scope.q(self.scope_path))


def _own_jobs(principal) -> Q:
    if not getattr(principal, "is_authenticated", False):
        return Q(pk__in=[])
    if getattr(principal, "is_api_token", False):
        return Q(token_id=principal.pk)
    return Q(owner_id=principal.pk)


class Job(models.Model):
    """A long-running piece of work done by a Celery worker, with its progress and its result."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        SUCCEEDED = "succeeded", _("Hoàn thành")
        FAILED = "failed", _("Thất bại")
        CANCELLED = "cancelled", _("Đã hủy")

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("loại"), max_length=64, db_index=True)
    title = models.CharField(_("tên"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    token = models.ForeignKey(
        "people.ApiToken",
        verbose_name=_("khóa API"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    org_unit = models.ForeignKey(
        "schools.OrgUnit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="jobs"
    )
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("đã xử lý"), default=0)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    result_file = models.FileField(_("tệp kết quả"), upload_to="jobs/%Y/%m/", blank=True)
    result_filename = models.CharField(_("tên tệp tải về"), max_length=200, blank=True)
    task_name = models.CharField(_("tác vụ Celery"), max_length=200)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    claimed_by = models.CharField(_("tiến trình xử lý"), max_length=200, blank=True)
    # Created by a management command run by the operator: no user, the whole tree in scope.
    is_system = models.BooleanField(_("do hệ thống tạo"), default=False)
    cancel_requested = models.BooleanField(_("yêu cầu hủy"), default=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("cập nhật tiến độ lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat")]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=models.F("total")) | Q(total=0), name="job_done_lte_total")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class ImportBatch(models.Model):
    """One uploaded file of one kind for one unit and school year: validated (preview), then applied once."""

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Đang kiểm tra")
        VALIDATED = "validated", _("Đã kiểm tra, chờ xác nhận")
        UNUSABLE = "unusable", _("Tệp không dùng được")
        APPLYING = "applying", _("Đang ghi dữ liệu")
        APPLIED = "applied", _("Đã nhập")
        FAILED = "failed", _("Thất bại")
        DISCARDED = "discarded", _("Đã hủy")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("loại dữ liệu"), max_length=32)
    org_unit = models.ForeignKey(
        "schools.OrgUnit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="import_batches"
    )
    school_year = models.ForeignKey(
        "schools.SchoolYear", verbose_name=_("năm học"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("tệp"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    valid_rows_only = models.BooleanField(_("chỉ ghi các dòng hợp lệ"), default=False)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.VALIDATING)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    invalid_rows = models.PositiveIntegerField(_("số dòng lỗi"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    conflicts = models.JSONField(_("xung đột"), default=list, blank=True)
    stats = models.JSONField(_("kết quả ghi"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validate_job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    apply_job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    applied_at = models.DateTimeField(_("ghi lúc"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("các lần nhập dữ liệu")

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name} ({self.get_status_display()})"


class AuditEntry(models.Model):
    """A change to personal or registry data: who, when, old → new, through which import or action."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Cập nhật")
        DELETE = "delete", _("Xóa")
        EXPORT = "export", _("Xuất dữ liệu cá nhân")

    org_unit = models.ForeignKey("schools.OrgUnit", on_delete=models.PROTECT, related_name="+")
    entity = models.CharField(_("loại đối tượng"), max_length=64)  # "people.student"
    entity_id = models.BigIntegerField(_("mã đối tượng"), null=True, blank=True)
    action = models.CharField(_("hành động"), max_length=8, choices=Action.choices)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)  # {field: [old, new]}
    # No index on actor: audit rows are read per entity (indexed below), and imports write them by the 100,000.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        indexes = [models.Index(fields=["entity", "entity_id"], name="audit_entity")]

    def __str__(self) -> str:
        return f"{self.entity}#{self.entity_id} {self.action}"
