"""Reads of the organisation tree, always through the caller's scope."""

from typing import Any

from django.db.models import QuerySet

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
