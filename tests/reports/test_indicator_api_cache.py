"""Cached API pages follow the stored values: a recompute shows at once, and scopes never share a page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.indicators import compute_indicators
from schools.models import SchoolYear
from tests.imports import GRADE_ONE, xlsx

pytestmark = pytest.mark.django_db


def values(client, unit: str) -> list[tuple]:
    body = client.get(f"/api/v1/indicator-values/?indicator=DIGITAL_RECORD_STUDENT_SHARE&org_unit={unit}").json()
    return [(item["org_unit"], item["numerator"], item["denominator"]) for item in body["results"]]


def test_a_recompute_is_visible_at_once_and_a_repeated_page_reads_no_values(
    token_client, province, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    year = SchoolYear.objects.get(code="2025-2026")
    with django_capture_on_commit_callbacks(execute=True):
        compute_indicators(school_year=year)
    client = token_client(province.unit_a)
    assert values(client, "PGD-BT") == [("PGD-BT", 0, 0)]
    with CaptureQueriesContext(connection) as queries:
        assert values(client, "PGD-BT") == [("PGD-BT", 0, 0)]
    assert not any("reports_indicatorvalue" in q["sql"] for q in queries.captured_queries)

    path = xlsx(tmp_path / "hs.xlsx", GRADE_ONE)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
        call_command(
            "import_registry", str(path), "--kind", "students", "--school", "TH-PHONGHAI", "--school-year", "2025-2026"
        )
    assert values(client, "PGD-BT") == [("PGD-BT", 4, 4)]


def test_two_scopes_never_share_a_cached_page(token_client, api_client, province, django_capture_on_commit_callbacks):
    year = SchoolYear.objects.get(code="2025-2026")
    with django_capture_on_commit_callbacks(execute=True):
        compute_indicators(school_year=year)
    department = token_client(province.department)
    assert values(department, "PGD-SP") == [("PGD-SP", 0, 0)]
    unit_a = token_client(province.unit_a)
    assert values(unit_a, "PGD-SP") == []


def test_a_poller_sending_the_etag_back_gets_304_until_the_values_change(
    token_client, province, django_capture_on_commit_callbacks
):
    year = SchoolYear.objects.get(code="2025-2026")
    with django_capture_on_commit_callbacks(execute=True):
        compute_indicators(school_year=year)
    client = token_client(province.unit_a)
    path = "/api/v1/indicator-values/?indicator=DIGITAL_RECORD_STUDENT_SHARE&org_unit=PGD-BT"
    first = client.get(path)
    etag = first["ETag"]
    unchanged = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    other_page = client.get(path.replace("PGD-BT", "TH-PHONGHAI"), HTTP_IF_NONE_MATCH=etag)
    assert other_page.status_code == 200 and other_page["ETag"] != etag
    # Another scope asking with the same ETag reads its own page, never a 304 for someone else's content.
    assert token_client(province.department).get(path, HTTP_IF_NONE_MATCH=etag).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        compute_indicators(school_year=year)
    changed = token_client(province.unit_a).get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["results"][0]["org_unit"] == "PGD-BT"
