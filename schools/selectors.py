"""Reads of the organisation tree, always through the caller's scope."""

from typing import Any

from django.db.models import QuerySet

from edudx.core.models import ImportBatch
from edudx.core.scoping import scope_of

from .models import OrgUnit, School


def list_org_units(*, visible_to: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.visible_to(visible_to).select_related("parent")


def list_schools(*, visible_to: Any) -> QuerySet[School]:
    return School.objects.visible_to(visible_to).select_related("org_unit__parent")


def get_org_unit(*, visible_to: Any, code: str) -> OrgUnit:
    """The unit with that code inside the caller's scope; DoesNotExist (→ 404) otherwise."""
    return list_org_units(visible_to=visible_to).get(code=code)


def get_school(*, visible_to: Any, code: str) -> School:
    return list_schools(visible_to=visible_to).get(org_unit__code=code)


def scope_roots(*, visible_to: Any) -> QuerySet[OrgUnit]:
    """The top units of the caller's scope: where a dashboard or a tree starts."""
    from edudx.core.scoping import scope_of

    scope = scope_of(visible_to)
    if scope.unrestricted:
        return OrgUnit.objects.filter(parent__isnull=True)
    return OrgUnit.objects.filter(path__in=scope.roots())


# Who may upload registry files, on the units where they hold these roles.
UPLOAD_ROLES = ("school_admin", "unit_staff", "department_admin", "department_staff")


def _roles_for(principal: Any) -> tuple[str, ...] | None:
    """API tokens carry their own scope (no roles); people act through their upload roles only."""
    return None if getattr(principal, "is_api_token", False) else UPLOAD_ROLES


def can_upload(principal: Any) -> bool:
    roles = _roles_for(principal)
    scope = scope_of(principal)
    return not (scope.only(roles) if roles else scope).is_empty


def upload_units(principal: Any) -> QuerySet[OrgUnit]:
    """Units the principal may upload for: schools (per-school kinds) and the department or units above them."""
    return (
        OrgUnit.objects.visible_to(principal, roles=_roles_for(principal))
        .exclude(kind=OrgUnit.Kind.SITE)
        .filter(is_active=True)
    )


def visible_batches(principal: Any) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.visible_to(principal, roles=_roles_for(principal)).select_related(
        "org_unit", "school_year", "owner", "validate_job", "apply_job"
    )
