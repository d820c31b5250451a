from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edudx.core.models import TimeStampedModel
from edudx.core.scoping import ScopedQuerySet


class SchoolYear(models.Model):
    """A school year written ``2024-2025``; reported figures are kept per year."""

    code = models.CharField(_("năm học"), max_length=9, unique=True)
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    is_current = models.BooleanField(_("năm học hiện tại"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("năm học")
        verbose_name_plural = _("năm học")
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_year"),
            models.CheckConstraint(condition=Q(start_date__lt=models.F("end_date")), name="year_starts_before_end"),
        ]

    def __str__(self) -> str:
        return self.code


class OrgUnitQuerySet(ScopedQuerySet):
    scope_path = "path"

    def schools(self):
        return self.filter(kind=OrgUnit.Kind.SCHOOL)


class OrgUnit(TimeStampedModel):
    """A node of the organisation tree: department → management unit → school → school site, any depth."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở Giáo dục và Đào tạo")
        UNIT = "unit", _("Đơn vị quản lý")
        SCHOOL = "school", _("Trường")
        SITE = "site", _("Điểm trường")

    code = models.CharField(_("mã đơn vị"), max_length=32, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ids ("/1/4/27/"): a subtree is one indexed prefix match, whatever the depth.
    path = models.CharField(_("đường dẫn cây"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("cấp"), default=0, editable=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="org_unit_code_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def is_ancestor_of(self, other: "OrgUnit") -> bool:
        return other.path.startswith(self.path)


class OrgUnitPlacement(models.Model):
    """Where a unit stood in the tree in a school year: past years keep the parent they reported under."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="placements")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="placements")
    parent = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)

    class Meta:
        verbose_name = _("vị trí trong cây theo năm học")
        verbose_name_plural = _("vị trí trong cây theo năm học")
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "school_year"], name="one_placement_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit.code} @ {self.school_year.code}"


class SchoolQuerySet(ScopedQuerySet):
    scope_path = "org_unit__path"


class School(TimeStampedModel):
    """The school profile of an org unit of kind ``school``."""

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("Công lập")
        PRIVATE = "private", _("Tư thục")
        PEOPLE_FOUNDED = "people_founded", _("Dân lập")

    class Area(models.TextChoices):
        URBAN = "urban", _("Thành thị")
        RURAL = "rural", _("Nông thôn")
        DIFFICULT = "difficult", _("Vùng khó khăn")

    LEVELS = ("MN", "TH", "THCS", "THPT", "GDTX")

    org_unit = models.OneToOneField(
        OrgUnit, primary_key=True, on_delete=models.CASCADE, related_name="school", verbose_name=_("đơn vị")
    )
    level_mn = models.BooleanField(_("mầm non"), default=False)
    level_th = models.BooleanField(_("tiểu học"), default=False)
    level_thcs = models.BooleanField(_("trung học cơ sở"), default=False)
    level_thpt = models.BooleanField(_("trung học phổ thông"), default=False)
    level_gdtx = models.BooleanField(_("giáo dục thường xuyên"), default=False)
    ownership = models.CharField(_("loại hình"), max_length=16, choices=Ownership.choices, default=Ownership.PUBLIC)
    area = models.CharField(_("khu vực"), max_length=16, choices=Area.choices)
    ward = models.CharField(_("xã/phường"), max_length=120, blank=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["org_unit__code"]
        verbose_name = _("trường")
        verbose_name_plural = _("trường")
        constraints = [
            models.CheckConstraint(
                condition=Q(level_mn=True)
                | Q(level_th=True)
                | Q(level_thcs=True)
                | Q(level_thpt=True)
                | Q(level_gdtx=True),
                name="school_has_a_level",
            ),
        ]

    def __str__(self) -> str:
        return str(self.org_unit)

    @property
    def code(self) -> str:
        return self.org_unit.code

    @property
    def name(self) -> str:
        return self.org_unit.name

    @property
    def levels(self) -> list[str]:
        return [level for level in self.LEVELS if getattr(self, f"level_{level.lower()}")]


class SchoolInfrastructure(models.Model):
    """A school's connectivity and digital-service flags for one school year (schools template, SPEC §3.2)."""

    class Internet(models.TextChoices):
        FIBER = "fiber", _("Cáp quang")
        MOBILE = "4g", _("4G")
        NONE = "none", _("Không")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="infrastructure")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    internet = models.CharField(_("kết nối Internet"), max_length=8, choices=Internet.choices, blank=True)
    site_count = models.PositiveIntegerField(_("số điểm trường"), null=True, blank=True)
    sites_with_internet = models.PositiveIntegerField(_("số điểm trường có Internet"), null=True, blank=True)
    computer_rooms = models.PositiveIntegerField(_("số phòng Tin học"), null=True, blank=True)
    has_mis = models.BooleanField(_("phần mềm quản trị nhà trường"), null=True, blank=True)
    has_cashless = models.BooleanField(_("thanh toán không dùng tiền mặt"), null=True, blank=True)
    has_e_contact_book = models.BooleanField(_("sổ liên lạc điện tử"), null=True, blank=True)

    class Meta:
        verbose_name = _("hạ tầng số của trường")
        verbose_name_plural = _("hạ tầng số của trường")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="one_infrastructure_per_year"),
            models.CheckConstraint(
                condition=Q(sites_with_internet__lte=models.F("site_count"))
                | Q(sites_with_internet__isnull=True)
                | Q(site_count__isnull=True),
                name="sites_with_internet_lte_sites",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.code} {self.school_year.code}"


class SchoolDataQuerySet(ScopedQuerySet):
    scope_path = "school__org_unit__path"


class FacilityItem(models.Model):
    """An asset line of a school's inventory (cơ sở vật chất, thiết bị) in a school year."""

    class Type(models.TextChoices):
        CLASSROOM = "classroom", _("Phòng học")
        COMPUTER_ROOM = "computer_room", _("Phòng Tin học")
        LAB = "lab", _("Phòng thí nghiệm")
        LIBRARY = "library", _("Thư viện")
        COMPUTER = "computer", _("Máy tính")
        PROJECTOR = "projector", _("Máy chiếu")
        INTERACTIVE_BOARD = "interactive_board", _("Bảng tương tác")
        OTHER = "other", _("Khác")

    class Condition(models.TextChoices):
        GOOD = "good", _("Tốt")
        NEEDS_REPAIR = "needs_repair", _("Cần sửa chữa")
        BROKEN = "broken", _("Hỏng")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="facility_items")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    asset_code = models.CharField(_("mã tài sản"), max_length=50)
    name = models.CharField(_("tên tài sản"), max_length=200)
    type = models.CharField(_("loại"), max_length=20, choices=Type.choices)
    quantity = models.PositiveIntegerField(_("số lượng"))
    year_in_use = models.PositiveSmallIntegerField(_("năm đưa vào sử dụng"), null=True, blank=True)
    condition = models.CharField(_("tình trạng"), max_length=12, choices=Condition.choices, blank=True)
    site = models.CharField(_("điểm trường"), max_length=150, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = SchoolDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài sản, thiết bị")
        verbose_name_plural = _("tài sản, thiết bị")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "asset_code"], name="unique_asset_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.asset_code} {self.name}"


class TeachingActivity(models.Model):
    """Periods taught in a grade and subject over a school year, and how many of them online."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teaching_activity")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("khối"), max_length=3)
    subject = models.CharField(_("môn học"), max_length=100)
    subject_key = models.CharField(max_length=100, editable=False)  # folded, so "Toán" and "TOAN" are one row
    total_periods = models.PositiveIntegerField(_("tổng số tiết"))
    online_periods = models.PositiveIntegerField(_("số tiết dạy trực tuyến"), default=0)
    interactive_periods = models.PositiveIntegerField(_("số tiết hoạt động tương tác trực tuyến"), default=0)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = SchoolDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("hoạt động dạy học")
        verbose_name_plural = _("hoạt động dạy học")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "grade", "subject_key"], name="unique_teaching_row_per_year"
            ),
            models.CheckConstraint(
                condition=Q(online_periods__lte=models.F("total_periods")), name="online_periods_lte_total"
            ),
            models.CheckConstraint(
                condition=Q(interactive_periods__lte=models.F("total_periods")), name="interactive_periods_lte_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grade} {self.subject}"


class FeeCollection(models.Model):
    """Money a school collected for a fee item in a term outside EduDX's payment flow, and how much cashless."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="fee_collections")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    term = models.CharField(_("kỳ thu"), max_length=20)
    item = models.CharField(_("khoản thu"), max_length=150)
    item_key = models.CharField(max_length=150, editable=False)
    total_amount = models.BigIntegerField(_("tổng số tiền đã thu"))
    cashless_amount = models.BigIntegerField(_("trong đó không dùng tiền mặt"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = SchoolDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("khoản thu")
        verbose_name_plural = _("khoản thu")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "term", "item_key"], name="unique_fee_row"),
            models.CheckConstraint(
                condition=Q(cashless_amount__lte=models.F("total_amount")) & Q(cashless_amount__gte=0),
                name="cashless_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} {self.item}"
