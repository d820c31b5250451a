"""Demo accounts, one per role, on the demo province built by ``schools.demo.seed_province``."""

from __future__ import annotations

from dataclasses import dataclass

from schools.demo import Province
from schools.models import OrgUnit, School

from .models import Role, User
from .services import create_user, grant_role

# Printed by seed_demo and written in the README: these accounts exist only in demo databases.
DEMO_PASSWORD = "EduDX-demo-2026"
# Bảo Thắng is the unit of the scoping demo (its staff and one of its schools); the second school admin sits
# in the city, so that each school admin can be shown not to see the other's school.
HOME_UNIT = "PGD-BTH"
OTHER_UNIT = "PGD-TPLC"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    place: str  # "department", "unit", "school" (of HOME_UNIT) or "other_school" (of OTHER_UNIT)


DEMO_ACCOUNTS = (
    DemoAccount("so.admin", "Nguyễn Văn Hải", Role.DEPARTMENT_ADMIN, "department"),
    DemoAccount("so.canbo", "Trần Thị Thu Hà", Role.DEPARTMENT_STAFF, "department"),
    DemoAccount("phong.baothang", "Hoàng Văn Thắng", Role.UNIT_STAFF, "unit"),
    DemoAccount("truong.admin", "Phạm Thị Lan", Role.SCHOOL_ADMIN, "school"),
    DemoAccount("giaovien", "Lò Thị Mai", Role.TEACHER, "school"),
    DemoAccount("thamdinh", "Vũ Đức Minh", Role.REVIEWER, "department"),
    DemoAccount("truong2.admin", "Giàng A Páo", Role.SCHOOL_ADMIN, "other_school"),
)


def seed_demo_accounts(*, province: Province) -> list[tuple[str, str, str]]:
    """Creates the demo accounts (existing ones are kept as they are) and grants their roles; idempotent."""
    home = province.unit(HOME_UNIT)
    places: dict[str, OrgUnit] = {
        "department": province.department,
        "unit": home,
        "school": _demo_school(province.schools_under(home)).org_unit,
        "other_school": _demo_school(province.schools_under(province.unit(OTHER_UNIT))).org_unit,
    }
    existing = {u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])}
    granted = []
    for account in DEMO_ACCOUNTS:
        user = existing.get(account.username) or create_user(
            username=account.username, password=DEMO_PASSWORD, full_name=account.full_name
        )
        unit = places[account.place]
        grant_role(user=user, role=account.role, org_unit=unit)
        granted.append((account.username, str(account.role), unit.code))
    return granted


def _demo_school(schools: list[School]) -> School:
    """A primary school when there is one (the richest data of the demo), else the first school by code."""
    if not schools:
        raise ValueError("the demo unit has no school")  # seed_province keeps a school in every unit
    ordered = sorted(schools, key=lambda s: s.code)
    return next((s for s in ordered if s.level_th), ordered[0])
