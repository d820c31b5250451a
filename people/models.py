import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edudx.core.scoping import Grant, Scope
from schools.models import OrgUnit


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
