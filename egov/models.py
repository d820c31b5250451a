"""Online public services (SPEC §6): procedures, dossiers with their history, attachments, ratings, diplomas."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.scoping import ScopedQuerySet, scope_of
from schools.models import OrgUnit


class HolidayOverride(models.Model):
    """A yearly correction of the public-holiday calendar: a swapped day off, or a make-up working day."""

    date = models.DateField(_("ngày"), unique=True)
    is_day_off = models.BooleanField(_("là ngày nghỉ"), help_text=_("Bỏ chọn nếu đây là ngày làm việc bù."))
    reason = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("điều chỉnh ngày nghỉ")
        verbose_name_plural = _("điều chỉnh ngày nghỉ")

    def __str__(self) -> str:
        kind = _("nghỉ") if self.is_day_off else _("làm bù")
        return f"{self.date:%d/%m/%Y} – {kind}"


DEFAULT_FILE_TYPES = ("pdf", "jpg", "png")


class ProcedureKind(models.TextChoices):
    GENERIC = "generic", _("Thủ tục chung")
    SCHOOL_TRANSFER = "school_transfer", _("Chuyển trường")
    DIPLOMA_COPY = "diploma_copy", _("Cấp bản sao văn bằng từ sổ gốc")
    ADMISSION = "admission", _("Tuyển sinh đầu cấp")


class ProcedureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) of the catalogue."""

    class Mode(models.TextChoices):
        FULL_ONLINE = "full_online", _("Toàn trình")
        PARTIAL_ONLINE = "partial_online", _("Một phần")

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=300)
    name_key = models.CharField(max_length=300, editable=False, db_index=True)  # folded name + code, for search
    kind = models.CharField(_("loại"), max_length=20, choices=ProcedureKind.choices, default=ProcedureKind.GENERIC)
    description = models.TextField(_("mô tả"), blank=True)
    competent_org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("cơ quan có thẩm quyền"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(_("mức độ"), max_length=16, choices=Mode.choices)
    eligible_for_full_online = models.BooleanField(_("đủ điều kiện cung cấp toàn trình"), default=True)
    processing_days = models.PositiveSmallIntegerField(_("thời hạn giải quyết (ngày làm việc)"))
    fee = models.PositiveIntegerField(_("lệ phí (đồng)"), default=0)
    # [{"code": "giay_khai_sinh", "label": "Bản sao giấy khai sinh", "required": true}]
    required_documents = models.JSONField(_("thành phần hồ sơ"), default=list, blank=True)
    # [{"name": "student_name", "label": "Họ và tên học sinh", "type": "text|date|email|school|textarea",
    #   "required": true}]
    form_fields = models.JSONField(_("trường của biểu mẫu"), default=list, blank=True)
    checklist = models.JSONField(_("danh mục kiểm tra"), default=list, blank=True)  # ["Đủ thành phần hồ sơ", …]
    allowed_file_types = models.JSONField(_("định dạng tệp cho phép"), default=list, blank=True)  # ["pdf", "jpg"]
    max_attachment_bytes = models.PositiveIntegerField(_("dung lượng tối đa mỗi tệp (byte)"), default=5 * 1024 * 1024)
    is_published = models.BooleanField(_("đang cung cấp"), default=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="procedure_code_not_blank"),
            models.CheckConstraint(condition=Q(processing_days__gte=1), name="procedure_takes_a_day_or_more"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def is_full_online(self) -> bool:
        return self.mode == self.Mode.FULL_ONLINE

    @property
    def file_types(self) -> list[str]:
        """The file types accepted (checked by content): the procedure's own list, else PDF, JPG and PNG."""
        return [ext.lower() for ext in (self.allowed_file_types or DEFAULT_FILE_TYPES)]


class DossierStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Đã nộp")
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    ADDITIONAL_DOCUMENTS_REQUESTED = "additional_documents_requested", _("Yêu cầu bổ sung hồ sơ")
    RESUBMITTED = "resubmitted", _("Đã bổ sung hồ sơ")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Từ chối")
    RESULT_RETURNED = "result_returned", _("Đã trả kết quả")


# The state machine of SPEC §6: from → the states a dossier may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    DossierStatus.SUBMITTED: (
        DossierStatus.RECEIVED,
        DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED,
        DossierStatus.REJECTED,
    ),
    DossierStatus.RECEIVED: (
        DossierStatus.PROCESSING,
        DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED,
        DossierStatus.REJECTED,
    ),
    DossierStatus.PROCESSING: (
        DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED,
        DossierStatus.APPROVED,
        DossierStatus.REJECTED,
    ),
    DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED: (DossierStatus.RESUBMITTED, DossierStatus.REJECTED),
    DossierStatus.RESUBMITTED: (
        DossierStatus.PROCESSING,
        DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED,
        DossierStatus.APPROVED,
        DossierStatus.REJECTED,
    ),
    DossierStatus.APPROVED: (DossierStatus.RESULT_RETURNED,),
    DossierStatus.REJECTED: (DossierStatus.RESULT_RETURNED,),
    DossierStatus.RESULT_RETURNED: (),
}
DECIDED = (DossierStatus.APPROVED, DossierStatus.REJECTED, DossierStatus.RESULT_RETURNED)
OPEN = tuple(s for s in DossierStatus.values if s not in DECIDED)


class DossierQuerySet(ScopedQuerySet):
    """A dossier belongs to its competent unit; a second unit (the sending school of a transfer) sees it too."""

    scope_path = "org_unit__path"

    def visible_to(self, principal, *, roles=None):
        scope = scope_of(principal)
        if roles is not None:
            scope = scope.only(roles)
        return self.filter(scope.q("org_unit__path") | scope.q("second_org_unit__path"))

    def open(self):
        return self.filter(status__in=OPEN)


class Dossier(models.Model):
    """A citizen's application (hồ sơ) for a procedure, followed by its public receipt code."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Trực tuyến")
        OFFLINE = "offline", _("Trực tiếp / bưu chính")

    receipt_code = models.CharField(_("mã hồ sơ"), max_length=20, unique=True)
    procedure = models.ForeignKey(Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị giải quyết"), on_delete=models.PROTECT, related_name="+"
    )
    second_org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("đơn vị phối hợp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applicant_name = models.CharField(_("họ và tên người nộp"), max_length=150)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=15)
    applicant_id_number = models.CharField(_("số định danh cá nhân"), max_length=12)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    channel = models.CharField(_("kênh nộp"), max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(
        _("trạng thái"), max_length=32, choices=DossierStatus.choices, default=DossierStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), default=timezone.now, db_index=True)
    due_date = models.DateField(_("hạn giải quyết"))
    paused_since = models.DateField(_("tạm dừng từ"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("số ngày làm việc tạm dừng"), default=0)
    decided_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    checklist_done = models.JSONField(_("đã kiểm tra"), default=list, blank=True)  # indexes into the checklist
    second_unit_agreed_at = models.DateTimeField(_("đơn vị phối hợp đồng ý lúc"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["status", "due_date"], name="dossier_status_due"),
            # The inbox's order: the first page of a unit is read off this index instead of sorting every row.
            models.Index(fields=["due_date", "submitted_at"], name="dossier_due_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(idempotency_key=""), name="dossier_idempotency_key_not_blank"),
        ]

    def __str__(self) -> str:
        return self.receipt_code

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED

    @property
    def is_late(self) -> bool:
        """Decided after the due date, or still open past it (the date in Vietnam, not UTC)."""
        if self.decided_at is not None:
            return timezone.localdate(self.decided_at) > self.due_date
        if self.is_decided:
            return False  # closed without a decision (withdrawn by the applicant): no deadline to miss
        return self.paused_since is None and timezone.localdate() > self.due_date


class DossierEvent(models.Model):
    """One transition of a dossier: who, when, from which state to which, and why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=150)  # kept when the account goes away
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    from_status = models.CharField(_("từ trạng thái"), max_length=32, choices=DossierStatus.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=32, choices=DossierStatus.choices)
    comment = models.TextField(_("ghi chú"), blank=True)
    notified_at = models.DateTimeField(_("đã báo người nộp lúc"), null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("lịch sử hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier.receipt_code}: {self.from_status or '∅'} → {self.to_status}"


def attachment_path(instance: "DossierAttachment", filename: str) -> str:
    # A random name: nothing the applicant typed reaches the file system; the real name is kept in the row.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"egov/attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class DossierAttachment(models.Model):
    """A file of a dossier, stored privately (MEDIA_ROOT is never served) and read only through a scoped view."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    document_code = models.CharField(_("thành phần hồ sơ"), max_length=60, blank=True)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sha256"], name="one_copy_of_a_file_per_dossier"),
        ]

    def __str__(self) -> str:
        return self.original_name


class DossierRating(models.Model):
    """The applicant's one rating of the service after the dossier is decided (1–5 stars)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    stars = models.PositiveSmallIntegerField(_("số sao"))
    comment = models.TextField(_("nhận xét"), blank=True)
    created_at = models.DateTimeField(_("đánh giá lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="rating_one_to_five_stars"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.receipt_code}: {self.stars}★"


class DiplomaRecordQuerySet(ScopedQuerySet):
    scope_path = "org_unit__path"


class DiplomaRecord(models.Model):
    """A line of the original diploma register (sổ gốc cấp văn bằng) kept by the issuing unit (SPEC §9)."""

    class Level(models.TextChoices):
        THCS = "THCS", _("Bằng tốt nghiệp THCS")
        THPT = "THPT", _("Bằng tốt nghiệp THPT")

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị cấp"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("loại văn bằng"), max_length=4, choices=Level.choices)
    number = models.CharField(_("số hiệu văn bằng"), max_length=30, unique=True)
    register_number = models.CharField(_("số vào sổ gốc"), max_length=30)
    holder_name = models.CharField(_("họ và tên người được cấp"), max_length=150)
    holder_name_key = models.CharField(max_length=150, editable=False)
    birth_date = models.DateField(_("ngày sinh"))
    school_name = models.CharField(_("trường"), max_length=255, blank=True)
    graduation_year = models.PositiveSmallIntegerField(_("năm tốt nghiệp"))
    issued_on = models.DateField(_("ngày cấp"))
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    objects = DiplomaRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("sổ gốc văn bằng")
        verbose_name_plural = _("sổ gốc văn bằng")
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "register_number"], name="one_register_number_per_unit"),
            models.CheckConstraint(condition=~Q(number=""), name="diploma_number_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.holder_name}"


class DiplomaCopy(models.Model):
    """A copy issued from the original register (bản sao từ sổ gốc), the result of one dossier."""

    record = models.ForeignKey(DiplomaRecord, on_delete=models.PROTECT, related_name="copies")
    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="diploma_copy")
    copies = models.PositiveSmallIntegerField(_("số bản"), default=1)
    issued_at = models.DateTimeField(_("cấp lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("bản sao văn bằng")
        verbose_name_plural = _("bản sao văn bằng")
        constraints = [models.CheckConstraint(condition=Q(copies__gte=1), name="diploma_copy_at_least_one")]

    def __str__(self) -> str:
        return f"{self.record.number} ({self.copies})"
