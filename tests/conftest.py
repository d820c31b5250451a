"""Shared fixtures: a small province (department → two units → schools) and one user per role."""

from dataclasses import dataclass

import pytest
from django.test import Client
from rest_framework.test import APIClient

from people import services as people_services
from people.models import Role, User
from schools import services as school_services
from schools.models import OrgUnit, School

from .people.factories import PASSWORD, UserFactory
from .schools.factories import OrgUnitFactory, SchoolFactory


@dataclass
class Province:
    department: OrgUnit
    unit_a: OrgUnit
    unit_b: OrgUnit
    school_a: School
    school_a2: School
    school_b: School
    school_thpt: School
    users: dict[str, User]


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache (Redis in CI) outlives a test's database rollback: start every test without cached pages."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def province(db) -> Province:
    school_services.get_or_open_school_year(code="2025-2026", make_current=True)
    department = OrgUnitFactory(code="SGD", name="Sở Giáo dục và Đào tạo Lào Cai", kind=OrgUnit.Kind.DEPARTMENT)
    unit_a = OrgUnitFactory(code="PGD-BT", name="Phòng Giáo dục và Đào tạo Bảo Thắng", parent=department)
    unit_b = OrgUnitFactory(code="PGD-SP", name="Phòng Giáo dục và Đào tạo Sa Pa", parent=department)
    school_a = SchoolFactory(code="TH-PHONGHAI", name="Trường Tiểu học Phong Hải", parent=unit_a)
    school_a2 = SchoolFactory(code="THCS-XUANQUANG", name="Trường THCS Xuân Quang", parent=unit_a, levels=["THCS"])
    school_b = SchoolFactory(
        code="TH-TAVAN", name="Trường PTDTBT Tiểu học Tả Van", parent=unit_b, area=School.Area.DIFFICULT
    )
    school_thpt = SchoolFactory(
        code="THPT-SO1-LC", name="Trường THPT số 1 Lào Cai", parent=department, levels=["THPT"], area=School.Area.URBAN
    )
    grants = {
        "department_admin": (Role.DEPARTMENT_ADMIN, department),
        "department_staff": (Role.DEPARTMENT_STAFF, department),
        "unit_a_staff": (Role.UNIT_STAFF, unit_a),
        "school_a_admin": (Role.SCHOOL_ADMIN, school_a.org_unit),
        "school_b_admin": (Role.SCHOOL_ADMIN, school_b.org_unit),
        "teacher_a": (Role.TEACHER, school_a.org_unit),
    }
    users = {}
    for username, (role, unit) in grants.items():
        user = UserFactory(username=username.replace("_", "."))
        people_services.grant_role(user=user, role=role, org_unit=unit)
        users[username] = user
    users["no_role"] = UserFactory(username="khong.vai.tro")
    return Province(department, unit_a, unit_b, school_a, school_a2, school_b, school_thpt, users)


@pytest.fixture
def client_for(db):
    """A new browser client signed in as the given user (through the real login, so axes and sessions run)."""

    def sign_in(user: User) -> Client:
        client = Client()
        response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return client

    return sign_in


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def token_client(api_client):
    """An API client authenticated with a new token on the given unit."""

    def with_token(unit: OrgUnit, *, can_write: bool = False) -> APIClient:
        _token, key = people_services.create_api_token(org_unit=unit, name="Hệ thống báo cáo", can_write=can_write)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return api_client

    return with_token
