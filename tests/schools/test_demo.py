"""seed_demo: the demo province is deterministic, idempotent and shaped like SPEC §2 says."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Q

from people.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from people.models import RoleAssignment, User
from schools.demo import DEPARTMENT_CODE, DISTRICTS
from schools.models import OrgUnit, OrgUnitPlacement, School, SchoolInfrastructure, SchoolYear

SMALL = ("--scale", "0.05")


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *SMALL, *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    """Everything the seed writes, in comparable form."""
    return {
        "units": sorted(OrgUnit.objects.values_list("code", "name", "kind", "parent__code", "path")),
        "schools": sorted(School.objects.values_list("org_unit__code", "area", "ownership", "ward", "updated_at")),
        "infrastructure": sorted(
            SchoolInfrastructure.objects.values_list(
                "school__org_unit__code",
                "school_year__code",
                "internet",
                "site_count",
                "sites_with_internet",
                "computer_rooms",
                "has_mis",
                "has_cashless",
                "has_e_contact_book",
            )
        ),
        "placements": OrgUnitPlacement.objects.count(),
        "years": sorted(SchoolYear.objects.values_list("code", "is_current")),
        "users": sorted(User.objects.values_list("username", "password")),
        "grants": sorted(RoleAssignment.objects.values_list("user__username", "role", "org_unit__code")),
    }


@pytest.mark.django_db
def test_seed_demo_twice_writes_nothing_the_second_time():
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first


@pytest.mark.django_db
def test_small_scale_keeps_every_level_and_every_unit():
    seed()
    schools = School.objects.all()
    assert 25 <= schools.count() <= 40
    for level in School.LEVELS:
        assert schools.filter(**{f"level_{level.lower()}": True}).exists(), level
    assert schools.filter(level_th=True, level_thcs=True).exists()
    for district in DISTRICTS:
        assert schools.filter(org_unit__parent__code=district.code).exists(), district.code


@pytest.mark.django_db
def test_upper_secondary_and_continuing_education_hang_under_the_department():
    seed()
    upper = School.objects.filter(Q(level_thpt=True) | Q(level_gdtx=True)).select_related("org_unit__parent")
    assert upper.exists()
    for school in upper:
        assert school.org_unit.parent.code == DEPARTMENT_CODE
        assert school.org_unit.parent.kind == OrgUnit.Kind.DEPARTMENT
    assert not School.objects.filter(org_unit__parent__code=DEPARTMENT_CODE, level_mn=True).exists()


@pytest.mark.django_db
def test_infrastructure_counts_sites_consistently_for_both_years():
    seed()
    rows = SchoolInfrastructure.objects.select_related("school__org_unit", "school_year")
    assert rows.filter(school_year__code="2025-2026").count() == School.objects.count()
    assert rows.filter(school_year__code="2024-2025").count() == School.objects.count()
    assert not rows.filter(sites_with_internet__gt=F("site_count")).exists()
    for row in rows:
        satellites = OrgUnit.objects.filter(parent=row.school.org_unit, kind=OrgUnit.Kind.SITE).count()
        assert row.site_count == 1 + satellites  # the main site plus every site unit under the school
    assert all(row.has_mis for row in rows)  # the plan: every school uses vnEdu or SMAS


@pytest.mark.django_db
def test_given_school_year_is_current_and_the_previous_one_is_open_with_the_tree():
    seed("--school-year", "2025-2026")
    assert list(SchoolYear.objects.values_list("code", "is_current")) == [
        ("2024-2025", False),
        ("2025-2026", True),
    ]
    units = OrgUnit.objects.count()
    for code in ("2024-2025", "2025-2026"):
        assert OrgUnitPlacement.objects.filter(school_year__code=code).count() == units


@pytest.mark.django_db
def test_demo_accounts_hold_their_roles_and_the_shared_password():
    output = seed()
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.role_assignments.filter(role=account.role).exists(), account.username
        assert account.username in output
    assert DEMO_PASSWORD in output
    grant = RoleAssignment.objects.select_related("org_unit")
    unit = grant.get(user__username="phong.baothang").org_unit
    school = grant.get(user__username="truong.admin").org_unit
    other = grant.get(user__username="truong2.admin").org_unit
    assert unit.kind == OrgUnit.Kind.UNIT
    assert school.kind == other.kind == OrgUnit.Kind.SCHOOL
    assert unit.is_ancestor_of(school)
    assert not unit.is_ancestor_of(other)
    assert grant.get(user__username="giaovien").org_unit == school
    for username in ("so.admin", "so.canbo", "thamdinh"):
        assert grant.get(user__username=username).org_unit.code == DEPARTMENT_CODE


@pytest.mark.parametrize(
    "args",
    [
        ("--scale", "0"),
        ("--scale", "-1"),
        ("--scale", "abc"),
        ("--scale", "nan"),
        ("--school-year", "2025-2027"),
        ("--school-year", "2025"),
    ],
)
@pytest.mark.django_db
def test_unusable_arguments_raise_command_error_with_exit_code_2(args):
    with pytest.raises(CommandError) as error:
        call_command("seed_demo", *args, stdout=StringIO())
    assert error.value.returncode == 2
    assert not OrgUnit.objects.exists()
