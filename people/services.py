"""Accounts, roles on org units and API tokens."""

import secrets

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.text import nfc
from schools.models import OrgUnit, School, SchoolYear

from .authentication import token_cache_key
from .models import ACTIVE_STATUSES, ApiToken, Enrolment, EnrolmentStatus, Role, RoleAssignment, Student, User

# Which roles may be granted on which kind of unit: a teacher belongs to a school, unit staff to a unit.
ROLE_UNIT_KINDS = {
    Role.DEPARTMENT_ADMIN: {OrgUnit.Kind.DEPARTMENT},
    Role.DEPARTMENT_STAFF: {OrgUnit.Kind.DEPARTMENT},
    Role.UNIT_STAFF: {OrgUnit.Kind.UNIT},
    Role.SCHOOL_ADMIN: {OrgUnit.Kind.SCHOOL},
    Role.TEACHER: {OrgUnit.Kind.SCHOOL},
    Role.REVIEWER: {OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.UNIT, OrgUnit.Kind.SCHOOL},
}


@transaction.atomic
def create_user(*, username: str, password: str | None, full_name: str = "", email: str = "") -> User:
    user = User(username=nfc(username).lower(), full_name=nfc(full_name), email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def grant_role(*, user: User, role: str, org_unit: OrgUnit, by: User | None = None) -> RoleAssignment:
    """Grants ``role`` on ``org_unit`` (and so on its whole subtree); idempotent."""
    if org_unit.kind not in ROLE_UNIT_KINDS[Role(role)]:
        raise ValidationError(
            _("Vai trò %(role)s không cấp được trên đơn vị loại %(kind)s.")
            % {"role": Role(role).label, "kind": org_unit.get_kind_display()}
        )
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=role, org_unit=org_unit, defaults={"granted_by": by}
    )
    return assignment


@transaction.atomic
def revoke_role(*, user: User, role: str, org_unit: OrgUnit) -> int:
    deleted, _rows = RoleAssignment.objects.filter(user=user, role=role, org_unit=org_unit).delete()
    return deleted


@transaction.atomic
def create_api_token(
    *, org_unit: OrgUnit, name: str, can_write: bool = False, by: User | None = None
) -> tuple[ApiToken, str]:
    """Creates a token scoped to ``org_unit``'s subtree; returns it with the key, which is never shown again."""
    name = nfc(name)
    if not name:
        raise ValidationError(_("Khóa API cần có tên."))
    while True:
        key = secrets.token_urlsafe(30)
        prefix = key[: ApiToken.PREFIX_LENGTH]
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    token = ApiToken.objects.create(
        name=name,
        org_unit=org_unit,
        prefix=prefix,
        key_hash=ApiToken.hash_key(key),
        can_write=can_write,
        created_by=by,
    )
    return token, key


@transaction.atomic
def revoke_api_token(*, token: ApiToken) -> ApiToken:
    """Revokes a token at once; it answers 401 from the next request on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    # Dropped from the authentication cache now and again after the commit, so that no request in between can
    # put the token back as it was.
    cache_key = token_cache_key(token.key_hash)
    cache.delete(cache_key)
    transaction.on_commit(lambda: cache.delete(cache_key))
    return token


@transaction.atomic
def transfer_enrolment(
    *, student: Student, from_school: School, to_school: School, school_year: SchoolYear, class_name: str = ""
) -> Enrolment:
    """Move a student's live enrolment of the year to another school: the old one becomes "Chuyển đi", the new one
    carries the grade and the year's digital-learning facts (device, Internet, e-transcript) with it."""
    if from_school.pk == to_school.pk:
        raise ValidationError(_("Trường chuyển đến trùng với trường chuyển đi."))
    source = (
        Enrolment.objects.select_for_update()
        .filter(student=student, school=from_school, school_year=school_year, status__in=ACTIVE_STATUSES)
        .first()
    )
    if source is None:
        raise ValidationError(_("Học sinh không có lượt học đang học tại trường chuyển đi trong năm học này."))
    source.status = EnrolmentStatus.TRANSFERRED
    source.save(update_fields=["status", "updated_at"])
    target, _created = Enrolment.objects.update_or_create(
        student=student,
        school=to_school,
        school_year=school_year,
        defaults={
            "grade": source.grade,
            "class_name": nfc(class_name) or source.class_name,
            "status": EnrolmentStatus.STUDYING,
            "has_device": source.has_device,
            "has_internet": source.has_internet,
            "has_e_transcript": source.has_e_transcript,
        },
    )
    return target
