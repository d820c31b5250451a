"""The list page and the API cost the same number of queries whatever the number of schools."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edudx.core.jobs import SYSTEM
from reports.maturity import services

from .helpers import year

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_list_and_api_queries_do_not_grow_with_the_schools(client_for, token_client, province):
    page = client_for(province.users["department_admin"])
    api = token_client(province.department)
    services.start_assessment(school=province.school_a, school_year=year(), by=SYSTEM)
    api.get("/api/v1/dx-assessments/")  # the token is then cached (no lookup, no last-used write) in both rounds
    one = (queries(page, "/maturity/?year=2025-2026"), queries(api, "/api/v1/dx-assessments/"))
    for school in (province.school_a2, province.school_b, province.school_thpt):
        services.start_assessment(school=school, school_year=year(), by=SYSTEM)
    four = (queries(page, "/maturity/?year=2025-2026"), queries(api, "/api/v1/dx-assessments/"))
    assert four == one
    summary_one = queries(page, "/maturity/summary/?year=2025-2026")
    assert summary_one <= one[0]
