"""The one mechanism that decides what a principal (a user or an API token) may see.

A principal exposes ``get_scope() -> Scope``: the org-unit subtrees it holds roles on. Every model whose rows
belong to an org unit uses ``ScopedQuerySet`` and names the lookup to that unit's materialised path; views,
the API, exports, jobs and file downloads all read through ``visible_to(principal)``. Anything outside the
scope is simply absent, so a detail lookup answers 404 exactly like a row that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, Self

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class Grant:
    role: str
    path: str  # materialised path of the org unit the role is granted on, e.g. "/1/4/27/"


@dataclass(frozen=True)
class Scope:
    grants: tuple[Grant, ...] = ()
    unrestricted: bool = False  # superusers only

    @classmethod
    def empty(cls) -> Scope:
        return cls()

    @property
    def is_empty(self) -> bool:
        return not self.unrestricted and not self.grants

    def roles(self) -> set[str]:
        return {grant.role for grant in self.grants}

    def only(self, roles: Iterable[str]) -> Scope:
        """The part of this scope that comes from the given roles."""
        wanted = set(roles)
        return Scope(tuple(g for g in self.grants if g.role in wanted), self.unrestricted)

    def roots(self) -> list[str]:
        """The granted paths with nested ones removed (a grant on a unit already covers its schools)."""
        paths = sorted({grant.path for grant in self.grants})
        roots: list[str] = []
        for path in paths:
            if not any(path.startswith(root) for root in roots):
                roots.append(path)
        return roots

    def covers(self, path: str | None) -> bool:
        if self.unrestricted:
            return True
        return path is not None and any(path.startswith(root) for root in self.roots())

    def has_role(self, role: str, path: str | None = None) -> bool:
        """Whether the role is held on ``path`` (or anywhere, when no path is given)."""
        if self.unrestricted:
            return True
        return any(g.role == role and (path is None or path.startswith(g.path)) for g in self.grants)

    def q(self, path_lookup: str) -> Q:
        """A filter on ``path_lookup`` (e.g. "org_unit__path") matching every row inside the scope."""
        if self.unrestricted:
            return Q()
        roots = self.roots()
        if not roots:
            return Q(pk__in=[])
        condition = Q()
        for root in roots:
            condition |= Q(**{f"{path_lookup}__startswith": root})
        return condition


# Roles that work with the registry's data (and so with jobs, files and reports about it). Teachers and reviewers
# hold roles on a school for other purposes (resources, transcripts) and do not see its registry jobs.
DATA_ROLES = ("department_admin", "department_staff", "unit_staff", "school_admin", "api_token")


class Principal(Protocol):
    def get_scope(self) -> Scope: ...


def scope_of(principal: Any) -> Scope:
    """The scope of a user, an API token, or nobody (anonymous: empty)."""
    get_scope = getattr(principal, "get_scope", None)
    if get_scope is None or not getattr(principal, "is_authenticated", True):
        return Scope.empty()
    return get_scope()


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to an org unit; subclasses set ``scope_path`` to the path lookup."""

    scope_path: str = "org_unit__path"

    def visible_to(self, principal: Any, *, roles: Iterable[str] | None = None) -> Self:
        scope = scope_of(principal)
        if roles is not None:
            scope = scope.only(roles)
        return self.filter(scope.q(self.scope_path))
