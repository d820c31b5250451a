"""The yearly holiday overrides are kept by department admins in the admin and move due dates at once."""

import datetime as dt

import pytest

from egov.models import HolidayOverride
from egov.workdays import load_calendar

pytestmark = pytest.mark.django_db


def test_a_department_admin_declares_a_swapped_day_off(client_for, province):
    client = client_for(province.users["department_admin"])
    response = client.post(
        "/admin/egov/holidayoverride/add/",
        {"date": "02/01/2026", "is_day_off": "on", "reason": "Nghỉ bù Tết Dương lịch"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert HolidayOverride.objects.get().date == dt.date(2026, 1, 2)
    assert not load_calendar().is_working_day(dt.date(2026, 1, 2))


def test_other_roles_cannot_reach_the_override_table(client_for, province):
    client = client_for(province.users["unit_a_staff"])
    assert client.get("/admin/egov/holidayoverride/").status_code == 404
