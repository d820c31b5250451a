"""Indicator dashboards: scoping (404 outside, 403 for teachers), statuses, constant queries, table alternatives,
exports limited to the scope, the school page's missing data."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from edudx.core.models import Job
from edudx.core.text import fold
from reports.dashboards import Status, indicator_status
from reports.indicators import INDICATORS
from reports.models import DataQualityScore, IndicatorValue
from schools.models import OrgUnit, SchoolYear, TeachingActivity
from schools.services import get_or_open_school_year, move_org_unit

from ..schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

ONLINE_TH = "ONLINE_CONTENT_SHARE_TH"  # 2025 target 5 %
RECORDS_STUDENT = "DIGITAL_RECORD_STUDENT_SHARE"  # 2025 target 100 %
CASHLESS_SCHOOLS = "CASHLESS_SCHOOL_SHARE"  # 2025 target 100 %
FACILITIES = "DIGITAL_RECORD_FACILITY_SHARE"  # 80 % in 2025, 100 % in 2030


def store(indicator: str, unit: OrgUnit, year: SchoolYear, numerator, denominator) -> IndicatorValue:
    numerator, denominator = Decimal(numerator), Decimal(denominator)
    value = (numerator * 100 / denominator).quantize(Decimal("0.01")) if denominator else None
    return IndicatorValue.objects.create(
        indicator=indicator,
        org_unit=unit,
        school_year=year,
        numerator=numerator,
        denominator=denominator,
        value=value,
        computed_at=timezone.now(),
    )


@pytest.fixture
def year(province) -> SchoolYear:
    return SchoolYear.objects.get(code="2025-2026")


@pytest.fixture
def previous(province) -> SchoolYear:
    return get_or_open_school_year(code="2024-2025")  # the tree is snapshotted for that year too


@pytest.fixture
def values(province, year, previous):
    """Online share (target 5 %): Phong Hải 6/100 on track, Xuân Quang 0/0 no data, Tả Van 4.5/100 at risk,
    THPT 2/100 off track; units and the province are the sums. Student records: Phong Hải 50/100."""
    p = province
    rows = {
        p.school_a.org_unit: (6, 100),
        p.school_a2.org_unit: (0, 0),
        p.unit_a: (6, 100),
        p.school_b.org_unit: (Decimal("4.5"), 100),
        p.unit_b: (Decimal("4.5"), 100),
        p.school_thpt.org_unit: (2, 100),
        p.department: (Decimal("12.5"), 300),
    }
    for unit, (numerator, denominator) in rows.items():
        store(ONLINE_TH, unit, year, numerator, denominator)
    store(RECORDS_STUDENT, p.school_a.org_unit, year, 50, 100)
    store(RECORDS_STUDENT, p.unit_a, year, 50, 100)
    store(ONLINE_TH, p.unit_a, previous, 2, 100)  # 2 % a year earlier: +4 points
    store(ONLINE_TH, p.school_a.org_unit, previous, 3, 100)
    return rows


def body(response) -> str:
    return response.content.decode()


def chart_data(response) -> dict:
    html = body(response)
    start = html.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


# --- status logic -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (Decimal("5"), Decimal("5"), Status.ON_TRACK),
        (Decimal("100"), Decimal("100"), Status.ON_TRACK),
        (Decimal("6"), Decimal("5"), Status.ON_TRACK),
        (Decimal("4"), Decimal("5"), Status.AT_RISK),  # exactly 80 % of the target
        (Decimal("3.99"), Decimal("5"), Status.OFF_TRACK),
        (Decimal("80"), Decimal("100"), Status.AT_RISK),
        (Decimal("79.99"), Decimal("100"), Status.OFF_TRACK),
        (Decimal("0"), Decimal("30"), Status.OFF_TRACK),
        (None, Decimal("5"), Status.NO_DATA),
        (Decimal("12"), None, Status.NO_TARGET),
    ],
)
def test_status_compares_the_value_with_its_2025_target(value, target, expected):
    assert indicator_status(value=value, target=target) == expected


def test_status_for_a_lower_is_better_indicator_reverses_the_comparison():
    assert indicator_status(value=Decimal("4"), target=Decimal("5"), higher_better=False) == Status.ON_TRACK
    assert indicator_status(value=Decimal("6"), target=Decimal("5"), higher_better=False) == Status.AT_RISK
    assert indicator_status(value=Decimal("7"), target=Decimal("5"), higher_better=False) == Status.OFF_TRACK


# --- who may see what ---------------------------------------------------------------------------------------------


def test_teacher_and_role_less_user_are_refused(province, client_for, values):
    for username in ("teacher_a", "no_role"):
        client = client_for(province.users[username])
        assert client.get("/dashboard/").status_code == 403
        assert client.get(f"/dashboard/indicators/{ONLINE_TH}/").status_code == 403
        assert client.get("/dashboard/schools/TH-PHONGHAI/").status_code == 403
        assert client.get(f"/dashboard/indicators/{ONLINE_TH}/export.csv").status_code == 403
        assert "/dashboard/" not in body(client.get("/"))  # no menu entry either


def test_anonymous_is_sent_to_login(client, values):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_school_admin_cannot_open_another_schools_page(province, client_for, values):
    client = client_for(province.users["school_b_admin"])
    assert client.get("/dashboard/schools/TH-PHONGHAI/").status_code == 404
    assert client.get(f"/dashboard/indicators/{ONLINE_TH}/?unit=TH-PHONGHAI").status_code == 404
    assert client.get("/dashboard/schools/TH-TAVAN/").status_code == 200


def test_school_admin_dashboard_opens_the_school_page(province, client_for, values):
    response = client_for(province.users["school_a_admin"]).get("/dashboard/?year=2025-2026")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/schools/TH-PHONGHAI/?year=2025-2026"


def test_unit_staff_cannot_open_another_unit(province, client_for, values):
    client = client_for(province.users["unit_a_staff"])
    assert client.get("/dashboard/?unit=PGD-SP").status_code == 404
    assert client.get("/dashboard/?unit=SGD").status_code == 404
    assert client.get(f"/dashboard/indicators/{ONLINE_TH}/?unit=PGD-SP").status_code == 404
    assert client.get(f"/dashboard/indicators/{ONLINE_TH}/export.xlsx?unit=PGD-SP").status_code == 404
    assert client.get("/dashboard/schools/TH-TAVAN/").status_code == 404
    assert client.get("/dashboard/?unit=NO-SUCH-UNIT").status_code == 404
    assert client.get("/dashboard/indicators/NO_SUCH_INDICATOR/").status_code == 404
    own = client.get("/dashboard/")
    assert own.status_code == 200
    assert own.context["unit"] == province.unit_a
    assert "Tả Van" not in body(own)


def test_menu_shows_the_dashboard_to_unit_staff(province, client_for, values):
    html = body(client_for(province.users["unit_a_staff"]).get("/dashboard/"))
    assert 'href="/dashboard/"' in html
    assert "Chỉ tiêu" in html


# --- the unit dashboard -------------------------------------------------------------------------------------------


def test_dashboard_cards_and_table_for_the_province(province, client_for, values):
    response = client_for(province.users["department_staff"]).get("/dashboard/")
    assert response.status_code == 200
    assert response.context["unit"] == province.department
    cards = {card["key"]: card for card in response.context["cards"]}
    assert set(cards) == {"online", "cashless", "records"}
    online = {row.code: row for row in cards["online"]["rows"]}
    assert online[ONLINE_TH].value == Decimal("4.17")  # 12.5 / 300, the stored sums
    assert online[ONLINE_TH].status == Status.AT_RISK  # 4.17 ≥ 0.8 × 5
    assert cards["records"]["status"] == Status.NO_DATA
    # Every indicator of the plan is in the table, the province-wide ones included (none computed yet here).
    assert [row.code for row in response.context["rows"]] == list(INDICATORS)
    html = body(response)
    assert f"/dashboard/indicators/{ONLINE_TH}/?unit=SGD&amp;year=2025-2026" in html
    assert "Phòng Giáo dục và Đào tạo Bảo Thắng" in html  # drill-down to child units


def test_dashboard_table_shows_the_change_since_the_previous_year(province, client_for, values):
    response = client_for(province.users["unit_a_staff"]).get("/dashboard/?year=2025-2026")
    row = next(row for row in response.context["rows"] if row.code == ONLINE_TH)
    assert (row.value, row.previous, row.change, row.trend, row.improved) == (
        Decimal("6.00"),
        Decimal("2.00"),
        Decimal("4.00"),
        "up",
        True,
    )
    assert row.status == Status.ON_TRACK
    html = body(response)
    assert "+4,0" in html  # Vietnamese decimal comma
    assert "tăng so với năm học 2024-2025" in html


def test_dashboard_empty_state_when_nothing_was_computed(province, client_for, year):
    response = client_for(province.users["department_staff"]).get("/dashboard/")
    assert response.status_code == 200
    assert "Chưa có số liệu: hãy chạy tính chỉ tiêu" in body(response)


def test_dashboard_of_an_earlier_year(province, client_for, values):
    response = client_for(province.users["unit_a_staff"]).get("/dashboard/?year=2024-2025")
    row = next(row for row in response.context["rows"] if row.code == ONLINE_TH)
    assert row.value == Decimal("2.00")
    assert response.context["year"].code == "2024-2025"


# --- one indicator: children, chart data, table alternative, exports --------------------------------------------


def test_indicator_page_compares_children_with_charts_and_table_alternatives(province, client_for, values):
    response = client_for(province.users["department_staff"]).get(f"/dashboard/indicators/{ONLINE_TH}/")
    assert response.status_code == 200
    shown = response.context["children"]["shown"]
    # Default order: highest value first, no data last.
    assert [(row.code, row.status) for row in shown] == [
        ("PGD-BT", Status.ON_TRACK),
        ("PGD-SP", Status.AT_RISK),
        ("THPT-SO1-LC", Status.OFF_TRACK),
    ]
    data = chart_data(response)
    assert data["target2025"] == 5.0
    assert [item["code"] for item in data["bar"]["items"]] == ["PGD-BT", "PGD-SP", "THPT-SO1-LC"]
    # Drill-down: a unit opens the same indicator for it, a school opens its own page.
    assert data["bar"]["items"][0]["url"] == f"/dashboard/indicators/{ONLINE_TH}/?unit=PGD-BT&year=2025-2026"
    assert data["bar"]["items"][2]["url"] == "/dashboard/schools/THPT-SO1-LC/?year=2025-2026"
    html = body(response)
    # Every chart has a table with the same figures; the chart itself only appears when the script draws it.
    assert 'data-edx-chart="bar" hidden' in html
    assert 'data-edx-chart="trend" hidden' in html
    assert '<table class="table table-hover align-middle edx-table-stack" id="children-table">' in html
    assert 'id="trend-table"' in html
    assert "6,0&nbsp;%" in html and "4,5&nbsp;%" in html
    assert 'aria-sort="descending"' in html
    assert "vendor/echarts/echarts.common.min.js" in html
    assert "<script>" not in html and "style=" not in html  # CSP: no inline script, no inline style


def test_indicator_page_of_a_unit_shows_its_schools_and_trend(province, client_for, values):
    response = client_for(province.users["unit_a_staff"]).get(f"/dashboard/indicators/{ONLINE_TH}/")
    # Xuân Quang is a lower-secondary school: a primary-level indicator does not concern it (not "no data").
    assert [(row.code, row.status) for row in response.context["children"]["shown"]] == [
        ("TH-PHONGHAI", Status.ON_TRACK)
    ]
    data = chart_data(response)
    assert data["trend"]["years"] == ["2024-2025", "2025-2026"]
    assert data["trend"]["values"] == [2.0, 6.0]


def test_indicator_page_lists_concerned_schools_without_data_last(province, client_for, values):
    response = client_for(province.users["unit_a_staff"]).get(f"/dashboard/indicators/{RECORDS_STUDENT}/")
    assert [(row.code, row.status) for row in response.context["children"]["shown"]] == [
        ("TH-PHONGHAI", Status.OFF_TRACK),
        ("THCS-XUANQUANG", Status.NO_DATA),
    ]
    items = chart_data(response)["bar"]["items"]
    assert [item["value"] for item in items] == [50.0, None]
    assert "Chưa có số liệu" in body(response)


def test_children_table_filters_and_sorts(province, client_for, values):
    client = client_for(province.users["department_staff"])
    url = f"/dashboard/indicators/{ONLINE_TH}/?unit=SGD"
    assert [r.code for r in client.get(url + "&sort=name").context["children"]["shown"]] == [
        "PGD-BT",
        "PGD-SP",
        "THPT-SO1-LC",
    ]
    assert [r.code for r in client.get(url + "&sort=value").context["children"]["shown"]] == [
        "THPT-SO1-LC",
        "PGD-SP",
        "PGD-BT",
    ]
    # Accent-insensitive search on the name, and the status filter.
    assert [r.code for r in client.get(url + "&q=sa+pa").context["children"]["shown"]] == ["PGD-SP"]
    assert [r.code for r in client.get(url + "&status=off_track").context["children"]["shown"]] == ["THPT-SO1-LC"]
    assert client.get(url + "&sort=bogus&status=bogus").status_code == 200


def test_children_follow_the_tree_of_the_year_shown(province, client_for, values, year, previous):
    """A school moved to another unit this year still counts under its old unit for the year before."""
    move_org_unit(unit=province.school_a.org_unit, new_parent=province.unit_b)
    client = client_for(province.users["department_staff"])
    now = client.get(f"/dashboard/indicators/{RECORDS_STUDENT}/?unit=PGD-BT&year=2025-2026")
    before = client.get(f"/dashboard/indicators/{RECORDS_STUDENT}/?unit=PGD-BT&year=2024-2025")
    assert [r.code for r in now.context["children"]["all"]] == ["THCS-XUANQUANG"]
    assert {r.code for r in before.context["children"]["all"]} == {"TH-PHONGHAI", "THCS-XUANQUANG"}


def test_export_xlsx_and_csv_hold_the_scoped_rows_only(province, client_for, values):
    client = client_for(province.users["unit_a_staff"])
    response = client.get(f"/dashboard/indicators/{ONLINE_TH}/export.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "Bảo Thắng" in rows[0][0]
    codes = [row[0] for row in rows[3:]]
    assert codes == ["TH-PHONGHAI", "PGD-BT"]  # the children, then the unit's total
    assert rows[3][3] == 6.0 and rows[3][4] == 6.0 and rows[3][5] == 100.0
    assert rows[4][3] == 6.0

    response = client.get(f"/dashboard/indicators/{RECORDS_STUDENT}/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))[3:]
    assert [(row[0], row[3]) for row in rows] == [("TH-PHONGHAI", 50.0), ("THCS-XUANQUANG", None), ("PGD-BT", 50.0)]

    response = client.get(f"/dashboard/indicators/{ONLINE_TH}/export.csv?status=on_track")
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == ["TH-PHONGHAI", "PGD-BT"]
    whole = response.content.decode("utf-8-sig")
    assert "TH-TAVAN" not in whole and "PGD-SP" not in whole and "THPT-SO1-LC" not in whole

    assert client.get(f"/dashboard/indicators/{ONLINE_TH}/export.pdf").status_code == 404


def test_export_neutralises_formula_like_names(province, client_for, year):
    school = SchoolFactory(code="TH-FORMULA", name="=HYPERLINK(1)", parent=province.unit_a)
    store(ONLINE_TH, school.org_unit, year, 1, 10)
    response = client_for(province.users["unit_a_staff"]).get(f"/dashboard/indicators/{ONLINE_TH}/export.csv")
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


# --- the school page ----------------------------------------------------------------------------------------------


def test_school_page_lists_values_and_the_data_still_missing(province, client_for, values, year):
    DataQualityScore.objects.create(
        school=province.school_a, school_year=year, score=Decimal("87.5"), computed_at=timezone.now()
    )
    response = client_for(province.users["school_a_admin"]).get("/dashboard/schools/TH-PHONGHAI/")
    assert response.status_code == 200
    rows = {row.code: row for row in response.context["rows"]}
    assert rows[ONLINE_TH].status == Status.ON_TRACK
    assert rows[RECORDS_STUDENT].status == Status.OFF_TRACK  # 50 % < 80 % of 100 %
    assert "ONLINE_CONTENT_SHARE_SECONDARY" not in rows  # a primary school: not its level
    assert "CASHLESS_REVENUE_SHARE_URBAN" not in rows  # a rural school
    missing = {need.kind: [row.code for row, _columns in need.items] for need in response.context["missing"]}
    assert CASHLESS_SCHOOLS in missing["schools"]
    assert FACILITIES in missing["facilities"]
    assert "CASHLESS_REVENUE_SHARE_RURAL" in missing["fees"]
    assert all(ONLINE_TH not in codes for codes in missing.values())
    html = body(response)
    assert "Dữ liệu còn thiếu" in html
    assert "/imports/new/?kind=facilities&amp;org_unit=TH-PHONGHAI&amp;school_year=2025-2026" in html
    assert "/imports/templates/facilities.xlsx?school=TH-PHONGHAI" in html
    assert "/quality/TH-PHONGHAI/?year=2025-2026" in html
    assert "87,5" in html
    # The schools template is the unit's upload: the school is told whom to ask, the unit gets the link.
    assert "/imports/new/?kind=schools" not in html
    assert "Đề nghị đơn vị quản lý cập nhật thông tin trường." in html
    unit_html = body(client_for(province.users["unit_a_staff"]).get("/dashboard/schools/TH-PHONGHAI/"))
    assert "/imports/new/?kind=schools&amp;school_year=2025-2026" in unit_html


def test_school_page_empty_state_before_any_computation(province, client_for, year):
    response = client_for(province.users["school_a_admin"]).get("/dashboard/schools/TH-PHONGHAI/")
    assert "Chưa có số liệu: hãy chạy tính chỉ tiêu" in body(response)


# --- constant number of queries -----------------------------------------------------------------------------------


def _add_schools(numbers: range, province, year, previous) -> None:
    """Schools under unit A, each with values for four indicators in two years."""
    for i in numbers:
        school = SchoolFactory(code=f"TH-Q{i:03d}", parent=province.unit_a, levels=["TH"])
        for code in (ONLINE_TH, RECORDS_STUDENT, CASHLESS_SCHOOLS, FACILITIES):
            store(code, school.org_unit, year, i % 7, 10)
            store(code, school.org_unit, previous, i % 5, 10)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


MAX_QUERIES = 10


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/dashboard/?unit=PGD-BT",
        f"/dashboard/indicators/{ONLINE_TH}/",
        f"/dashboard/indicators/{ONLINE_TH}/?unit=PGD-BT&sort=name",
        f"/dashboard/indicators/{ONLINE_TH}/export.xlsx?unit=PGD-BT",
        "/dashboard/schools/TH-Q001/",
    ],
)
def test_queries_do_not_grow_with_the_number_of_schools(
    province, client_for, year, previous, url, django_assert_max_num_queries
):
    for code in (ONLINE_TH, RECORDS_STUDENT, CASHLESS_SCHOOLS, FACILITIES):
        for unit in (province.unit_a, province.department):
            store(code, unit, year, 3, 10)
            store(code, unit, previous, 2, 10)
    client = client_for(province.users["department_staff"])
    _add_schools(range(3), province, year, previous)
    three = _queries(client, url)
    _add_schools(range(3, 30), province, year, previous)
    assert _queries(client, url) == three
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url)


# --- "Tính lại chỉ tiêu": the recompute job from the dashboard ----------------------------------------------------


def teach_online(school, year, *, total: int, online: int) -> None:
    TeachingActivity.objects.create(
        school=school,
        school_year=year,
        grade="2",
        subject="Toán",
        subject_key=fold("Toán"),
        total_periods=total,
        online_periods=online,
        interactive_periods=0,
    )


def test_recompute_queues_one_job_and_reuses_it_while_unfinished(province, client_for, year):
    client = client_for(province.users["unit_a_staff"])
    first = client.post("/dashboard/recompute/", {"unit": "PGD-BT", "year": "2025-2026"})  # not run: stays queued
    second = client.post("/dashboard/recompute/", {"unit": "pgd-bt", "year": "2025-2026"})
    job = Job.objects.get(kind="compute_indicators")
    assert job.status == Job.Status.QUEUED
    assert job.org_unit == province.unit_a and job.owner == province.users["unit_a_staff"]
    assert job.params == {"school_year": "2025-2026", "org_unit": "PGD-BT"}
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/dashboard/?unit=PGD-BT&year=2025-2026&job={job.pk}"
    # The dashboard shows the job's progress, polled by htmx until it ends; the reload link waits for the end.
    html = body(client.get(first.url))
    assert f'id="job-{job.pk}"' in html and f'hx-get="/jobs/{job.pk}/"' in html
    assert 'id="recompute-reload"' in html and "Tải lại trang để xem số liệu mới" not in html
    poll = client.get(first.url, headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "Tải lại trang" not in body(poll)
    # Another year, or the same unit once the job has ended, is a new job.
    client.post("/dashboard/recompute/", {"unit": "PGD-BT", "year": "2024-2025"})
    assert client.post("/dashboard/recompute/", {"unit": "PGD-BT", "year": "2030-2031"}).status_code == 404
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED)
    client.post("/dashboard/recompute/", {"unit": "PGD-BT", "year": "2025-2026"})
    assert Job.objects.filter(kind="compute_indicators", params__school_year="2025-2026").count() == 2


def test_recompute_runs_the_job_and_stores_the_values(province, client_for, year, django_capture_on_commit_callbacks):
    teach_online(province.school_a, year, total=10, online=3)
    client = client_for(province.users["unit_a_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboard/recompute/", {"unit": "PGD-BT", "year": "2025-2026"})
    job = Job.objects.get(kind="compute_indicators")
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["org_unit"] == "PGD-BT" and job.result["values"] > 0
    assert IndicatorValue.objects.get(indicator=ONLINE_TH, org_unit=province.unit_a, school_year=year).value == Decimal(
        "30.00"
    )
    assert IndicatorValue.objects.get(
        indicator=ONLINE_TH, org_unit=province.school_a.org_unit, school_year=year
    ).value == Decimal("30.00")
    page = client.get(response.url)
    html = body(page)
    assert f'id="job-{job.pk}"' in html and "Đã tính" in html
    reload = html.split('id="recompute-reload"')[1].split("</section>")[0]
    assert "hx-get" not in reload.split(">")[0]  # nothing left to poll
    assert 'href="/dashboard/?unit=PGD-BT&amp;year=2025-2026"' in reload  # the link to the new figures
    poll = client.get(response.url, headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx stops polling
    assert "Tải lại trang để xem số liệu mới" in body(poll)
    row = next(row for row in page.context["rows"] if row.code == ONLINE_TH)
    assert row.value == Decimal("30.00")


def test_recompute_of_the_province_computes_it_as_a_whole(
    province, client_for, year, django_capture_on_commit_callbacks
):
    teach_online(province.school_b, year, total=10, online=1)
    client = client_for(province.users["department_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/dashboard/recompute/", {"unit": "SGD", "year": "2025-2026"})
    job = Job.objects.get(kind="compute_indicators")
    assert job.params == {"school_year": "2025-2026", "org_unit": None}
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert IndicatorValue.objects.get(indicator=ONLINE_TH, org_unit=province.unit_b, school_year=year).value == 10


def test_recompute_button_on_the_dashboard_and_in_its_empty_state(province, client_for, year, values):
    html = body(client_for(province.users["department_admin"]).get("/dashboard/?unit=PGD-SP"))
    assert 'action="/dashboard/recompute/"' in html and 'name="unit" value="PGD-SP"' in html
    assert "Tính lại chỉ tiêu" in html
    IndicatorValue.objects.all().delete()
    html = body(client_for(province.users["unit_a_staff"]).get("/dashboard/"))
    assert "Chưa có số liệu: hãy chạy tính chỉ tiêu" in html
    assert html.count('action="/dashboard/recompute/"') == 1  # in the empty state, not twice
    assert 'name="year" value="2025-2026"' in html
    assert "compute_indicators --school-year" not in html


def test_school_admins_and_teachers_may_not_recompute(province, client_for, year):
    for username in ("school_a_admin", "teacher_a", "no_role"):
        client = client_for(province.users[username])
        assert client.post("/dashboard/recompute/", {"unit": "PGD-BT", "year": "2025-2026"}).status_code == 403
    assert not Job.objects.exists()
    school_page = body(client_for(province.users["school_a_admin"]).get("/dashboard/schools/TH-PHONGHAI/"))
    assert "/dashboard/recompute/" not in school_page


def test_recompute_outside_the_scope_is_not_found(province, client_for, year):
    client = client_for(province.users["unit_a_staff"])
    for code in ("PGD-SP", "SGD", "TH-PHONGHAI", "NO-SUCH-UNIT", ""):
        response = client.post("/dashboard/recompute/", {"unit": code, "year": "2025-2026"})
        assert response.status_code == 404, code
    assert not Job.objects.exists()
    assert client.get("/dashboard/recompute/").status_code == 405


def test_recompute_needs_the_csrf_token(province, year):
    client = Client(enforce_csrf_checks=True)
    client.force_login(province.users["unit_a_staff"])
    assert client.post("/dashboard/recompute/", {"unit": "PGD-BT", "year": "2025-2026"}).status_code == 403
    assert not Job.objects.exists()
    client.get("/dashboard/")  # sets the CSRF cookie, as the form's page does
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/dashboard/recompute/", {"unit": "PGD-BT", "year": "2025-2026", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and Job.objects.count() == 1


def test_only_the_units_own_visible_jobs_are_shown(province, client_for, year):
    job_b = Job.objects.create(
        kind="compute_indicators", task_name="reports.compute_indicators", title="Sa Pa", org_unit=province.unit_b
    )
    html = body(client_for(province.users["unit_a_staff"]).get(f"/dashboard/?job={job_b.pk}&job=not-a-uuid"))
    assert f"job-{job_b.pk}" not in html and 'id="recompute-reload"' not in html  # outside the scope
    html = body(client_for(province.users["department_staff"]).get(f"/dashboard/?unit=PGD-BT&job={job_b.pk}"))
    assert f"job-{job_b.pk}" not in html  # another unit's job
    html = body(client_for(province.users["department_staff"]).get(f"/dashboard/?unit=PGD-SP&job={job_b.pk}"))
    assert f'id="job-{job_b.pk}"' in html
