"""Admissions (tuyển sinh đầu cấp, SPEC §7): rounds, participating schools, parents' applications, allocation runs."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.models import Job
from edudx.core.scoping import ScopedQuerySet, scope_of
from schools.models import OrgUnit, School, SchoolYear


class Ward(models.Model):
    """A ward/commune (xã/phường) of the province: where applicants live and what catchments list.

    The registry keeps a school's ward only as free text, so admissions keeps the province's list here (loaded for
    the demo province by ``egov.admissions.demo``; a real province loads its official list the same way).
    """

    code = models.CharField(_("mã xã/phường"), max_length=10, unique=True)
    name = models.CharField(_("tên xã/phường"), max_length=120)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("đơn vị quản lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Đơn vị quản lý giáo dục của địa bàn (nhận học sinh chưa được xếp chỗ)."),
    )
    is_active = models.BooleanField(_("đang sử dụng"), default=True)

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("xã/phường")
        verbose_name_plural = _("xã/phường")
        constraints = [models.CheckConstraint(condition=~Q(code=""), name="ward_code_not_blank")]

    def __str__(self) -> str:
        return self.name


class EntryGrade(models.TextChoices):
    NT = "NT", _("Nhà trẻ")
    MG3 = "MG3", _("Mẫu giáo 3 tuổi")
    MG4 = "MG4", _("Mẫu giáo 4 tuổi")
    MG5 = "MG5", _("Mẫu giáo 5 tuổi")
    GRADE_1 = "1", _("Lớp 1")
    GRADE_6 = "6", _("Lớp 6")
    GRADE_10 = "10", _("Lớp 10")


class Method(models.TextChoices):
    CATCHMENT = "catchment", _("Xét tuyển theo địa bàn (tuyến)")
    SCORE = "score", _("Xét tuyển theo điểm")


class RoundQuerySet(ScopedQuerySet):
    scope_path = "org_unit__path"


class AdmissionRound(models.Model):
    """One admission round: a grade's entry for a school year, its schools, dates, method and published rules."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang chuẩn bị")
        OPEN = "open", _("Đang nhận hồ sơ")
        ALLOCATED = "allocated", _("Đã xét tuyển, chờ công bố")
        PUBLISHED = "published", _("Đã công bố kết quả")
        CLOSED = "closed", _("Đã kết thúc")

    code = models.SlugField(_("mã đợt"), max_length=40, unique=True)
    name = models.CharField(_("tên đợt tuyển sinh"), max_length=200)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, verbose_name=_("năm học"), on_delete=models.PROTECT, related_name="+")
    entry_grade = models.CharField(_("lớp/nhóm tuổi tuyển"), max_length=3, choices=EntryGrade.choices)
    method = models.CharField(_("phương thức"), max_length=10, choices=Method.choices)
    applications_open_at = models.DateTimeField(_("nhận hồ sơ từ"))
    applications_close_at = models.DateTimeField(_("hạn nộp hồ sơ"))
    results_at = models.DateTimeField(_("công bố kết quả"))
    confirmation_close_at = models.DateTimeField(_("hạn xác nhận nhập học"))
    rules_text = models.TextField(_("quy định xét tuyển (công khai)"), blank=True)
    seed = models.BigIntegerField(_("số hạt giống bốc thăm (công khai)"), default=0)
    # Age by entry grade (egov.admissions.ages): off for a round that does not ask it (e.g. a second round for
    # places left that takes any child the schools accept).
    check_age = models.BooleanField(
        _("kiểm tra độ tuổi theo quy định"),
        default=False,
        help_text=_(
            "Lớp 1: trẻ tròn 6 tuổi trong năm bắt đầu năm học; lớp 6: 11 tuổi; lớp 10: 15 tuổi; mầm non theo năm sinh."
        ),
    )
    older_years = models.PositiveSmallIntegerField(
        _("số năm được vào học muộn hơn (mọi trẻ)"), default=0, help_text=_("Chỉ áp dụng cho lớp 1, lớp 6, lớp 10.")
    )
    older_years_priority = models.PositiveSmallIntegerField(
        _("số năm được vào học muộn hơn (nhóm ưu tiên 3)"),
        default=3,
        help_text=_("Trẻ dân tộc thiểu số, khuyết tật, vùng đặc biệt khó khăn; tối đa 3 năm theo quy định."),
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    previous_round = models.ForeignKey(
        "self",
        verbose_name=_("đợt trước (đợt bổ sung cho chỗ còn trống)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_rounds",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-applications_open_at", "code"]
        verbose_name = _("đợt tuyển sinh")
        verbose_name_plural = _("đợt tuyển sinh")
        constraints = [
            models.CheckConstraint(
                condition=Q(applications_open_at__lt=F("applications_close_at")), name="round_opens_before_it_closes"
            ),
            models.CheckConstraint(
                condition=Q(results_at__gte=F("applications_close_at")), name="round_results_after_applications"
            ),
            models.CheckConstraint(
                condition=Q(confirmation_close_at__gte=F("results_at")), name="round_confirmation_after_results"
            ),
            models.CheckConstraint(condition=Q(seed__gte=0), name="round_seed_not_negative"),
            models.CheckConstraint(
                condition=Q(older_years__lte=5, older_years_priority__lte=5), name="round_older_years_at_most_5"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def accepts_applications(self, at=None) -> bool:
        at = at or timezone.now()
        return self.status == self.Status.OPEN and self.applications_open_at <= at < self.applications_close_at

    def accepts_confirmations(self, at=None) -> bool:
        at = at or timezone.now()
        return self.status == self.Status.PUBLISHED and at < self.confirmation_close_at


class RoundSchoolQuerySet(ScopedQuerySet):
    scope_path = "round__org_unit__path"


class RoundSchool(models.Model):
    """A school taking part in a round, with its quota (chỉ tiêu) and the wards of its catchment (tuyến)."""

    round = models.ForeignKey(AdmissionRound, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey(School, verbose_name=_("trường"), on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("chỉ tiêu"))
    catchment_wards = models.ManyToManyField(Ward, verbose_name=_("địa bàn tuyển sinh"), blank=True, related_name="+")

    objects = RoundSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["school__org_unit__code"]
        verbose_name = _("trường tham gia tuyển sinh")
        verbose_name_plural = _("trường tham gia tuyển sinh")
        constraints = [
            models.UniqueConstraint(fields=["round", "school"], name="school_once_per_round"),
            models.CheckConstraint(condition=Q(quota__gte=0), name="round_school_quota_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.school.code} ({self.quota})"

    @property
    def code(self) -> str:
        return self.school.code


class PriorityGroup(models.IntegerChoices):
    # Groups as the rules of a round describe them; 1 is served first (SPEC §13), none comes last.
    GROUP_1 = 1, _("Nhóm 1: con liệt sĩ, thương binh, người có công")
    GROUP_2 = 2, _("Nhóm 2: con cán bộ, chiến sĩ lực lượng vũ trang; hộ nghèo, cận nghèo")
    GROUP_3 = 3, _("Nhóm 3: dân tộc thiểu số, khuyết tật, vùng đặc biệt khó khăn")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Đã nộp, chờ kiểm tra")
    VALID = "valid", _("Hồ sơ hợp lệ")
    INVALID = "invalid", _("Hồ sơ chưa hợp lệ")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")


LIVE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.VALID, ApplicationStatus.INVALID)


class ApplicationQuerySet(ScopedQuerySet):
    """Staff of the organising unit see a round's applications; a school's staff those that list their school."""

    def visible_to(self, principal, *, roles=None):
        scope = scope_of(principal)
        if roles is not None:
            scope = scope.only(roles)
        return self.filter(
            scope.q("round__org_unit__path")
            | scope.q("choice1__school__org_unit__path")
            | scope.q("choice2__school__org_unit__path")
            | scope.q("choice3__school__org_unit__path")
        )

    def live(self):
        return self.filter(status__in=LIVE_STATUSES)


class Application(models.Model):
    """A parent's application for a child in one round (one live application per child per round)."""

    class Gender(models.TextChoices):
        MALE = "M", _("Nam")
        FEMALE = "F", _("Nữ")

    round = models.ForeignKey(AdmissionRound, on_delete=models.PROTECT, related_name="applications")
    # The dossier of the egov machinery (receipt code, history, ONLINE_DOSSIER_SHARE); its code is copied here.
    dossier = models.OneToOneField(
        "egov.Dossier",
        verbose_name=_("hồ sơ thủ tục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admission_application",
    )
    receipt_code = models.CharField(_("mã hồ sơ"), max_length=20, unique=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    child_national_id = models.CharField(_("mã định danh của trẻ"), max_length=12)
    child_full_name = models.CharField(_("họ và tên trẻ"), max_length=150)
    child_birth_date = models.DateField(_("ngày sinh"))
    child_gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices)
    parent_name = models.CharField(_("họ và tên cha/mẹ/người giám hộ"), max_length=150)
    parent_phone = models.CharField(_("số điện thoại"), max_length=15)
    ward = models.ForeignKey(Ward, verbose_name=_("xã/phường cư trú"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("địa chỉ (thôn, tổ, số nhà)"), max_length=255, blank=True)
    priority_group = models.PositiveSmallIntegerField(
        _("nhóm ưu tiên"), choices=PriorityGroup.choices, null=True, blank=True
    )
    choice1 = models.ForeignKey(
        RoundSchool, verbose_name=_("nguyện vọng 1"), on_delete=models.PROTECT, related_name="+"
    )
    choice2 = models.ForeignKey(
        RoundSchool, verbose_name=_("nguyện vọng 2"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    choice3 = models.ForeignKey(
        RoundSchool, verbose_name=_("nguyện vọng 3"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    invalid_reasons = models.TextField(_("lý do chưa hợp lệ"), blank=True)
    reviewed_at = models.DateTimeField(_("kiểm tra lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exam_score = models.DecimalField(_("tổng điểm xét tuyển"), max_digits=6, decimal_places=2, null=True, blank=True)
    tiebreak_score = models.DecimalField(
        _("điểm phụ (xét khi bằng điểm)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # Not indexed, on purpose: the allocation rewrites this column for a whole round at once, and on PostgreSQL
    # (fillfactor 70, migration 0003) an UPDATE that touches no indexed column stays in its page (a HOT update)
    # instead of adding an entry to every index of the table. Reads by result go through the round's index.
    result_school = models.ForeignKey(
        RoundSchool,
        verbose_name=_("trúng tuyển"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    confirmed_at = models.DateTimeField(_("xác nhận nhập học lúc"), null=True, blank=True)
    consent_at = models.DateTimeField(_("đồng ý xử lý dữ liệu của trẻ lúc"))
    submitted_at = models.DateTimeField(_("nộp lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("hồ sơ tuyển sinh")
        verbose_name_plural = _("hồ sơ tuyển sinh")
        indexes = [models.Index(fields=["round", "status"], name="application_round_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "child_national_id"],
                condition=Q(status__in=["submitted", "valid", "invalid"]),
                name="one_live_application_per_child_per_round",
            ),
            models.CheckConstraint(condition=~Q(idempotency_key=""), name="application_idempotency_key_not_blank"),
            models.CheckConstraint(
                condition=Q(choice2__isnull=True) | ~Q(choice2=F("choice1")), name="application_choice2_distinct"
            ),
            models.CheckConstraint(
                condition=Q(choice3__isnull=True) | (~Q(choice3=F("choice1")) & ~Q(choice3=F("choice2"))),
                name="application_choice3_distinct",
            ),
            models.CheckConstraint(
                condition=Q(choice3__isnull=True) | Q(choice2__isnull=False), name="application_choices_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_code

    @property
    def choices(self) -> list[RoundSchool]:
        return [c for c in (self.choice1, self.choice2, self.choice3) if c is not None]

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class AllocationRunQuerySet(ScopedQuerySet):
    scope_path = "round__org_unit__path"


class AllocationRun(models.Model):
    """One run of the allocation: its inputs as published CSV (A.csv, S.csv), the seed, and the result (R.csv).

    Anyone can download the inputs and re-run ``manage.py allocate_admissions`` to get the same R.csv.
    """

    round = models.ForeignKey(AdmissionRound, on_delete=models.CASCADE, related_name="runs")
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(_("phương thức"), max_length=10, choices=Method.choices)
    seed = models.BigIntegerField(_("số hạt giống"))
    inputs_sha256 = models.CharField(_("mã băm dữ liệu đầu vào"), max_length=64)
    results_sha256 = models.CharField(_("mã băm kết quả"), max_length=64)
    applicants_csv = models.TextField()
    schools_csv = models.TextField()
    results_csv = models.TextField()
    applicants = models.PositiveIntegerField(_("số hồ sơ xét"))
    placed = models.PositiveIntegerField(_("số trúng tuyển"))
    created_at = models.DateTimeField(_("chạy lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)

    objects = AllocationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lần xét tuyển")
        verbose_name_plural = _("các lần xét tuyển")
        constraints = [
            models.UniqueConstraint(
                fields=["round"], condition=Q(published_at__isnull=False), name="one_published_run_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.code} @ {self.created_at:%d/%m/%Y %H:%M}"
