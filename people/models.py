import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edudx.core.scoping import Grant, Scope, ScopedQuerySet
from schools.models import OrgUnit, School, SchoolDataQuerySet, SchoolYear


class Role(models.TextChoices):
    DEPARTMENT_ADMIN = "department_admin", _("Quản trị Sở")
    DEPARTMENT_STAFF = "department_staff", _("Cán bộ Sở")
    UNIT_STAFF = "unit_staff", _("Cán bộ đơn vị quản lý")
    SCHOOL_ADMIN = "school_admin", _("Quản trị trường / cán bộ CNTT")
    TEACHER = "teacher", _("Giáo viên")
    REVIEWER = "reviewer", _("Thành viên hội đồng thẩm định")


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_scope(self) -> Scope:
        """The org-unit subtrees this user holds roles on; computed once per request (per instance)."""
        if not self.is_active:
            return Scope.empty()
        cached = getattr(self, "_scope_cache", None)
        if cached is None:
            rows = self.role_assignments.filter(org_unit__is_active=True).values_list("role", "org_unit__path")
            cached = Scope(tuple(Grant(role, path) for role, path in rows), unrestricted=self.is_superuser)
            self._scope_cache = cached
        return cached


class RoleAssignment(models.Model):
    """A role granted to a user on an org unit; it holds on the unit's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [models.UniqueConstraint(fields=["user", "role", "org_unit"], name="one_grant_per_role_and_unit")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} @ {self.org_unit.code}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A named key for a REST client, scoped to one org unit's subtree; only its hash is stored."""

    PREFIX_LENGTH = 8
    is_api_token = True
    is_authenticated = True
    is_anonymous = False

    name = models.CharField(_("tên"), max_length=120)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(_("tiền tố"), max_length=PREFIX_LENGTH, unique=True)
    key_hash = models.CharField(max_length=64)
    can_write = models.BooleanField(_("được ghi"), default=False)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="api_token_named")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        # The key is 40 random bytes: a plain SHA-256 is enough, no slow hash is needed against guessing.
        return hashlib.sha256(key.encode()).hexdigest()

    def get_scope(self) -> Scope:
        if self.revoked_at is not None:
            return Scope.empty()
        return Scope((Grant("api_token", self.org_unit.path),))


class Gender(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class Person(models.Model):
    """What students and staff share: identity, matched on the national ID, else school + name + birth date."""

    # NULL, not "": the unique constraint must hold only among the people whose ID is known.
    national_id = models.CharField(_("mã định danh"), max_length=12, null=True, blank=True)  # noqa: DJ001
    full_name = models.CharField(_("họ và tên"), max_length=150)
    name_key = models.CharField(max_length=150, editable=False)  # folded name, for matching (indexed in Meta)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=2, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name


class StudentQuerySet(ScopedQuerySet):
    scope_path = "enrolments__school__org_unit__path"

    def visible_to(self, principal, *, roles=None):
        # A student is visible through any enrolment in scope; distinct because a join can repeat them.
        return super().visible_to(principal, roles=roles).distinct()


class Student(Person):
    disability = models.BooleanField(_("khuyết tật"), null=True, blank=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("học sinh")
        verbose_name_plural = _("học sinh")
        indexes = [models.Index(fields=["name_key", "birth_date"], name="student_name_birth")]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"], condition=Q(national_id__isnull=False), name="unique_student_national_id"
            )
        ]


class Grade(models.TextChoices):
    NT = "NT", _("Nhà trẻ")
    MG3 = "MG3", _("Mẫu giáo 3 tuổi")
    MG4 = "MG4", _("Mẫu giáo 4 tuổi")
    MG5 = "MG5", _("Mẫu giáo 5 tuổi")
    G1 = "1", _("Lớp 1")
    G2 = "2", _("Lớp 2")
    G3 = "3", _("Lớp 3")
    G4 = "4", _("Lớp 4")
    G5 = "5", _("Lớp 5")
    G6 = "6", _("Lớp 6")
    G7 = "7", _("Lớp 7")
    G8 = "8", _("Lớp 8")
    G9 = "9", _("Lớp 9")
    G10 = "10", _("Lớp 10")
    G11 = "11", _("Lớp 11")
    G12 = "12", _("Lớp 12")


class EnrolmentStatus(models.TextChoices):
    STUDYING = "studying", _("Đang học")
    REPEATING = "repeating", _("Lưu ban")
    TRANSFERRED = "transferred", _("Chuyển đi")
    DROPPED = "dropped", _("Thôi học")
    GRADUATED = "graduated", _("Tốt nghiệp")


ACTIVE_STATUSES = (EnrolmentStatus.STUDYING, EnrolmentStatus.REPEATING)


class Enrolment(models.Model):
    """A student at a school in a school year: grade, class, status and the year's digital-learning facts."""

    # Indexes: (student, school, school_year) is unique and (school, school_year) is indexed below; single-column
    # FK indexes would only slow the bulk writes of imports down.
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrolments", db_index=False)
    school = models.ForeignKey(
        School, verbose_name=_("trường"), on_delete=models.PROTECT, related_name="enrolments", db_index=False
    )
    school_year = models.ForeignKey(SchoolYear, verbose_name=_("năm học"), on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("khối"), max_length=3, choices=Grade.choices)
    class_name = models.CharField(_("lớp"), max_length=20)
    status = models.CharField(_("trạng thái"), max_length=12, choices=EnrolmentStatus.choices)
    has_device = models.BooleanField(_("có thiết bị học trực tuyến"), null=True, blank=True)
    has_internet = models.BooleanField(_("có kết nối Internet"), null=True, blank=True)
    has_e_transcript = models.BooleanField(_("học bạ điện tử"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = SchoolDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt học")
        verbose_name_plural = _("lượt học")
        constraints = [
            models.UniqueConstraint(fields=["student", "school", "school_year"], name="one_enrolment_per_school_year")
        ]
        indexes = [models.Index(fields=["school", "school_year"], name="enrolment_school_year")]

    def __str__(self) -> str:
        return f"{self.student} – {self.class_name} ({self.school_year})"


class StaffQuerySet(ScopedQuerySet):
    scope_path = "employments__school__org_unit__path"

    def visible_to(self, principal, *, roles=None):
        return super().visible_to(principal, roles=roles).distinct()


class StaffMember(Person):
    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("cán bộ, giáo viên, nhân viên")
        verbose_name_plural = _("cán bộ, giáo viên, nhân viên")
        indexes = [models.Index(fields=["name_key", "birth_date"], name="staff_name_birth")]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"], condition=Q(national_id__isnull=False), name="unique_staff_national_id"
            )
        ]


class Position(models.TextChoices):
    MANAGER = "manager", _("CBQL")
    TEACHER = "teacher", _("Giáo viên")
    EMPLOYEE = "employee", _("Nhân viên")


class Qualification(models.TextChoices):
    DOCTORATE = "doctorate", _("Tiến sĩ")
    MASTER = "master", _("Thạc sĩ")
    BACHELOR = "bachelor", _("Đại học")
    COLLEGE = "college", _("Cao đẳng")
    VOCATIONAL = "vocational", _("Trung cấp")
    OTHER = "other", _("Khác")


class Employment(models.Model):
    """A staff member working at a school in a school year, with the year's digital-skills facts."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="employments", db_index=False)
    school = models.ForeignKey(
        School, verbose_name=_("trường"), on_delete=models.PROTECT, related_name="employments", db_index=False
    )
    school_year = models.ForeignKey(SchoolYear, verbose_name=_("năm học"), on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("vị trí việc làm"), max_length=10, choices=Position.choices)
    qualification = models.CharField(_("trình độ đào tạo"), max_length=12, choices=Qualification.choices, blank=True)
    subject = models.CharField(_("môn dạy"), max_length=100, blank=True)
    has_digital_signature = models.BooleanField(_("chữ ký số"), null=True, blank=True)
    has_self_training_account = models.BooleanField(_("tài khoản tự bồi dưỡng"), null=True, blank=True)
    digital_skills_trained = models.BooleanField(_("đã bồi dưỡng kỹ năng số"), null=True, blank=True)
    can_teach_online = models.BooleanField(_("đủ điều kiện dạy trực tuyến"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = SchoolDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("công tác")
        verbose_name_plural = _("công tác")
        constraints = [
            models.UniqueConstraint(fields=["staff", "school", "school_year"], name="one_employment_per_school_year")
        ]
        indexes = [models.Index(fields=["school", "school_year"], name="employment_school_year")]

    def __str__(self) -> str:
        return f"{self.staff} – {self.get_position_display()} ({self.school_year})"
