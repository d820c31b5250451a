"""Reads of accounts, tokens and the registry of students and staff, always through the caller's scope."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Length
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from edudx.core.models import AuditEntry
from edudx.core.scoping import scope_of
from edudx.core.text import fold, nfc
from schools.models import FacilityItem, OrgUnit
from schools.services import current_school_year

from .ethnicity import ETHNIC_GROUPS
from .models import ApiToken, Employment, Enrolment, Role, StaffMember, Student
from .national_id import mask_national_id

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


# --- Registry: students, staff and facility items of a school year, and a person's history -----------------------

# Who reads the registry: everyone who runs schools, and REST tokens. Reviewers judge learning resources; their
# grants do not open pupils' personal data.
REGISTRY_ROLES = (
    Role.DEPARTMENT_ADMIN,
    Role.DEPARTMENT_STAFF,
    Role.UNIT_STAFF,
    Role.SCHOOL_ADMIN,
    Role.TEACHER,
    "api_token",
)
# Who needs the full national ID of a school's people: those who correct them (SPEC §15: masked for everyone else).
FULL_ID_ROLES = (Role.DEPARTMENT_ADMIN, Role.SCHOOL_ADMIN)
AUDIT_TRAIL_LIMIT = 200

# Values of ``missing``: the field that is blank, as a lookup from the listed row (data-quality pages link here).
STUDENT_MISSING = {
    "national_id": "student__national_id",
    "birth_date": "student__birth_date",
    "gender": "student__gender",
    "ethnicity": "student__ethnicity",
    "class_name": "class_name",
    "disability": "student__disability",
    "has_device": "has_device",
    "has_internet": "has_internet",
    "has_e_transcript": "has_e_transcript",
}
STAFF_MISSING = {
    "national_id": "staff__national_id",
    "birth_date": "staff__birth_date",
    "gender": "staff__gender",
    "ethnicity": "staff__ethnicity",
    "qualification": "qualification",
    "subject": "subject",
    "has_digital_signature": "has_digital_signature",
    "has_self_training_account": "has_self_training_account",
    "digital_skills_trained": "digital_skills_trained",
    "can_teach_online": "can_teach_online",
}
FACILITY_MISSING = {"year_in_use": "year_in_use", "condition": "condition", "site": "site"}

# Values of ``sort`` ("-name" reverses): each ends with the primary key so pages never overlap.
STUDENT_SORTS = {
    "class": ("school__org_unit__code", Length("grade"), "grade", "class_name", "student__name_key", "pk"),
    "name": ("student__name_key", "student__birth_date", "pk"),
    "birth_date": ("student__birth_date", "student__name_key", "pk"),
}
STAFF_SORTS = {
    "position": ("school__org_unit__code", "position", "staff__name_key", "pk"),
    "name": ("staff__name_key", "staff__birth_date", "pk"),
    "birth_date": ("staff__birth_date", "staff__name_key", "pk"),
}
FACILITY_SORTS = {
    "code": ("school__org_unit__code", "asset_code", "pk"),
    "name": ("name", "asset_code", "pk"),
    "type": ("type", "name", "pk"),
}
DEFAULT_SORTS = {"student": "class", "staff": "position", "facility": "code"}


def can_see_full_ids(*, principal: Any, org_unit: OrgUnit) -> bool:
    """Full national IDs for department admins and for a school's own admins; masked for every other role."""
    scope = scope_of(principal)
    return any(scope.has_role(role, org_unit.path) for role in FULL_ID_ROLES)


def shown_national_id(*, principal: Any, org_unit: OrgUnit, national_id: str | None) -> str:
    """The ID as ``principal`` may see it on a person of ``org_unit``: in full or "010******567"."""
    if not national_id:
        return ""
    return national_id if can_see_full_ids(principal=principal, org_unit=org_unit) else mask_national_id(national_id)


def list_enrolments(*, visible_to: Any) -> QuerySet[Enrolment]:
    return Enrolment.objects.visible_to(visible_to, roles=REGISTRY_ROLES).select_related(
        "student", "school__org_unit", "school_year"
    )


def list_employments(*, visible_to: Any) -> QuerySet[Employment]:
    return Employment.objects.visible_to(visible_to, roles=REGISTRY_ROLES).select_related(
        "staff", "school__org_unit", "school_year"
    )


def list_facility_items(*, visible_to: Any) -> QuerySet[FacilityItem]:
    return FacilityItem.objects.visible_to(visible_to, roles=REGISTRY_ROLES).select_related(
        "school__org_unit", "school_year"
    )


def filter_enrolments(queryset: QuerySet[Enrolment], *, filters: Mapping[str, Any]) -> QuerySet[Enrolment]:
    """The students' list and export rows: one school year, then school, search, field filters, sort."""
    queryset = _common_filters(queryset, filters=filters, person="student", missing=STUDENT_MISSING)
    for key in ("grade", "status"):
        if value := filters.get(key):
            queryset = queryset.filter(**{key: value})
    if class_name := (filters.get("class_name") or "").strip():
        queryset = queryset.filter(class_name__iexact=class_name)
    return _sorted(queryset, filters.get("sort"), STUDENT_SORTS, DEFAULT_SORTS["student"])


def filter_employments(queryset: QuerySet[Employment], *, filters: Mapping[str, Any]) -> QuerySet[Employment]:
    """The staff list and export rows: one school year, then school, search, field filters, sort."""
    queryset = _common_filters(queryset, filters=filters, person="staff", missing=STAFF_MISSING)
    for key in ("position", "qualification"):
        if value := filters.get(key):
            queryset = queryset.filter(**{key: value})
    return _sorted(queryset, filters.get("sort"), STAFF_SORTS, DEFAULT_SORTS["staff"])


def filter_facility_items(queryset: QuerySet[FacilityItem], *, filters: Mapping[str, Any]) -> QuerySet[FacilityItem]:
    queryset = _common_filters(queryset, filters=filters, person=None, missing=FACILITY_MISSING)
    if q := nfc(filters.get("q") or ""):
        queryset = queryset.filter(Q(name__icontains=q) | Q(asset_code__iexact=q))
    for key in ("type", "condition"):
        if value := filters.get(key):
            queryset = queryset.filter(**{key: value})
    return _sorted(queryset, filters.get("sort"), FACILITY_SORTS, DEFAULT_SORTS["facility"])


def resolve_school_year(code: str | None) -> str | None:
    """The year a list shows: the one asked for, else the current one."""
    if code:
        return code
    current = current_school_year()
    return current.code if current else None


def export_unit(*, visible_to: Any, school_code: str | None) -> OrgUnit | None:
    """The unit an export job is recorded on: the chosen school, else the one subtree the caller reads.

    Raises OrgUnit.DoesNotExist for a school outside the scope; None when the caller reads several separate
    subtrees and must pick a school.
    """
    units = OrgUnit.objects.visible_to(visible_to, roles=REGISTRY_ROLES)
    if school_code:
        return units.get(code=school_code, kind=OrgUnit.Kind.SCHOOL)
    scope = scope_of(visible_to).only(REGISTRY_ROLES)
    if scope.unrestricted:
        return OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    roots = scope.roots()
    return units.filter(path=roots[0]).first() if len(roots) == 1 else None


def get_student(*, visible_to: Any, pk: int) -> Student:
    """A student with an enrolment in the caller's scope (any year); DoesNotExist (→ 404) otherwise."""
    return Student.objects.visible_to(visible_to, roles=REGISTRY_ROLES).get(pk=pk)


def get_staff_member(*, visible_to: Any, pk: int) -> StaffMember:
    return StaffMember.objects.visible_to(visible_to, roles=REGISTRY_ROLES).get(pk=pk)


def student_enrolments(*, visible_to: Any, student: Student) -> list[Enrolment]:
    """The student's years at schools in the caller's scope, newest first (other schools' years stay hidden)."""
    return list(list_enrolments(visible_to=visible_to).filter(student=student).order_by("-school_year__code", "pk"))


def staff_employments(*, visible_to: Any, staff: StaffMember) -> list[Employment]:
    return list(list_employments(visible_to=visible_to).filter(staff=staff).order_by("-school_year__code", "pk"))


@dataclass(frozen=True)
class AuditChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditRow:
    created_at: datetime
    actor: str
    action: str
    action_label: str
    subject: str  # "" for the person, or the year at a school the change was made to
    changes: list[AuditChange]
    batch_id: Any


def person_audit_trail(*, visible_to: Any, person: Student | StaffMember, links: list[Any]) -> list[AuditRow]:
    """The changes to a person and to their years (``links``), newest first, as the caller may see them.

    Entries are read through the caller's scope like everything else: a change logged at another school's import
    is not shown. National IDs in old and new values are masked by the same rule as lists.
    """
    person_entity = f"people.{person._meta.model_name}"
    link_entity = f"people.{links[0]._meta.model_name}" if links else None
    condition = Q(entity=person_entity, entity_id=person.pk)
    if link_entity:
        condition |= Q(entity=link_entity, entity_id__in=[link.pk for link in links])
    entries = (
        AuditEntry.objects.visible_to(visible_to, roles=REGISTRY_ROLES)
        .filter(condition)
        .select_related("actor", "org_unit")
        .order_by("-created_at", "-id")[:AUDIT_TRAIL_LIMIT]
    )
    links_by_id = {link.pk: link for link in links}
    rows = []
    for entry in entries:
        link = links_by_id.get(entry.entity_id) if entry.entity == link_entity else None
        model = type(link) if link is not None else type(person)
        full_ids = can_see_full_ids(principal=visible_to, org_unit=entry.org_unit)
        rows.append(
            AuditRow(
                created_at=entry.created_at,
                actor=(entry.actor.full_name or entry.actor.username) if entry.actor else _("Hệ thống"),
                action=entry.action,
                action_label=entry.get_action_display(),
                subject=_link_label(link) if link is not None else "",
                changes=[
                    _audit_change(model, name, values, full_ids=full_ids)
                    for name, values in (entry.changes or {}).items()
                    if _shown_field(model, name)
                ],
                batch_id=entry.batch_id,
            )
        )
    return rows


def ethnicity_name(code: str | None) -> str:
    return ETHNIC_GROUPS.get(code or "", code or "")


def _common_filters(queryset: QuerySet, *, filters: Mapping[str, Any], person: str | None, missing: dict) -> QuerySet:
    year = resolve_school_year(filters.get("school_year"))
    if year is None:
        return queryset.none()
    queryset = queryset.filter(school_year__code=year)
    if school := filters.get("school"):
        # Filtered on the scoped rows: a school outside the scope simply gives nothing.
        queryset = queryset.filter(school__org_unit__code=school)
    if person is not None:
        if q := filters.get("q"):
            queryset = queryset.filter(_person_search(person, q))
        for key in ("gender", "ethnicity"):
            if value := filters.get(key):
                queryset = queryset.filter(**{f"{person}__{key}": value})
    if (field := filters.get("missing")) and field in missing:
        queryset = queryset.filter(_blank(queryset.model, missing[field]))
    return queryset


def _person_search(person: str, q: str) -> Q:
    """Every word of the query in the folded name ("nguyen thi" finds "Nguyễn Thị Hoa"), or the exact ID."""
    digits = re.sub(r"[\s.\-]", "", q)
    if digits.isdigit():
        return Q(**{f"{person}__national_id": digits})  # names hold no digits: this is an ID
    condition = Q()
    for word in fold(q).split():
        condition &= Q(**{f"{person}__name_key__contains": word})
    return condition


def _blank(model: type[models.Model], lookup: str) -> Q:
    field = _resolve_field(model, lookup)
    condition = Q(**{f"{lookup}__isnull": True})
    if isinstance(field, models.CharField):
        condition |= Q(**{lookup: ""})
    return condition


def _resolve_field(model: type[models.Model], lookup: str) -> models.Field:
    *relations, name = lookup.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def missing_choices(model: type[models.Model], missing: dict[str, str]) -> list[tuple[str, str]]:
    """The ``missing`` values with the fields' own labels, for the filter form."""
    return [(key, capfirst(_resolve_field(model, lookup).verbose_name)) for key, lookup in missing.items()]


def _sorted(queryset: QuerySet, sort: str | None, sorts: dict[str, tuple], default: str) -> QuerySet:
    key = (sort or "").lstrip("-")
    if key not in sorts:
        key, sort = default, default
    descending = (sort or "").startswith("-")
    order = []
    for part in sorts[key]:
        expression = F(part) if isinstance(part, str) else part
        order.append(expression.desc() if descending else expression.asc())
    return queryset.order_by(*order)


def _link_label(link: Any) -> str:
    if isinstance(link, Enrolment):
        what = _("Lớp %(name)s") % {"name": link.class_name} if link.class_name else link.get_grade_display()
    else:
        what = link.get_position_display()
    return f"{what} · {link.school.name} · {link.school_year.code}"


def _shown_field(model: type[models.Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True  # a field since removed: still part of the history
    return field.editable and name not in ("updated_at", "created_at")


def _audit_change(model: type[models.Model], name: str, values: Any, *, full_ids: bool) -> AuditChange:
    old, new = [*values, None, None][:2] if isinstance(values, list | tuple) else (None, values)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    label = capfirst(field.verbose_name) if field is not None else name
    return AuditChange(
        field=name,
        label=str(label),
        old=_audit_value(field, name, old, full_ids=full_ids),
        new=_audit_value(field, name, new, full_ids=full_ids),
    )


def _audit_value(field: models.Field | None, name: str, value: Any, *, full_ids: bool) -> str:
    if value is None or value == "":
        return "—"
    if name == "national_id":
        return str(value) if full_ids else mask_national_id(str(value))
    if name == "ethnicity":
        return ethnicity_name(str(value))
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def shown_person_national_id(*, principal: Any, national_id: str | None, org_units: list[OrgUnit]) -> str:
    """On a person's page: in full when the caller needs the full ID at any of the person's schools they see."""
    if not national_id:
        return ""
    if any(can_see_full_ids(principal=principal, org_unit=unit) for unit in org_units):
        return national_id
    return mask_national_id(national_id)
