"""Reads of accounts and tokens, always through the caller's scope."""

from typing import Any

from django.db.models import QuerySet

from edudx.core.scoping import scope_of
from schools.models import OrgUnit

from .models import ApiToken, Role

# Who may create and revoke API tokens, on the units where they hold these roles.
TOKEN_MANAGER_ROLES = (Role.DEPARTMENT_ADMIN, Role.UNIT_STAFF)


def list_api_tokens(*, visible_to: Any) -> QuerySet[ApiToken]:
    scope = scope_of(visible_to).only(TOKEN_MANAGER_ROLES)
    return ApiToken.objects.filter(scope.q("org_unit__path")).select_related("org_unit", "created_by")


def token_units(*, visible_to: Any) -> QuerySet[OrgUnit]:
    """The units on which the caller may create tokens: departments and management units in scope."""
    return OrgUnit.objects.visible_to(visible_to, roles=TOKEN_MANAGER_ROLES).filter(
        kind__in=[OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.UNIT]
    )


def home_summary(*, visible_to: Any) -> dict[str, Any]:
    """What the home page shows: the caller's roles and the size of the part of the tree they see."""
    scope = scope_of(visible_to)
    units = OrgUnit.objects.visible_to(visible_to)
    return {
        "roles": sorted({Role(role).label for role in scope.roles() if role in Role.values}),
        "unit_count": units.filter(kind=OrgUnit.Kind.UNIT).count(),
        "school_count": units.filter(kind=OrgUnit.Kind.SCHOOL).count(),
        "roots": OrgUnit.objects.filter(path__in=scope.roots())
        if not scope.unrestricted
        else OrgUnit.objects.filter(parent__isnull=True),
    }
