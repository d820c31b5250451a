"""``/api/v1/indicators/``, ``/api/v1/indicator-values/`` and ``/api/v1/exports/``: scoping, filters, exports."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from edudx.core.models import Job
from reports.models import IndicatorValue
from schools.models import OrgUnit, SchoolYear

pytestmark = pytest.mark.django_db

ONLINE = "ONLINE_CONTENT_SHARE_TH"
CASHLESS = "CASHLESS_SCHOOL_SHARE"
URL = "/api/v1/indicator-values/"

# Hand-computed: a unit's numerator and denominator are the sums of its schools' (never averaged percentages).
#   TH-PHONGHAI 3/10 = 30 %, THCS-XUANQUANG 0/0 = no data, PGD-BT 3/10 = 30 %,
#   TH-TAVAN 1/3 = 33.33 %, PGD-SP 1/3 = 33.33 %, THPT-SO1-LC 5/8 = 62.5 %, SGD 9/21 = 42.86 %.
ONLINE_ROWS = {
    "SGD": (9, 21),
    "PGD-BT": (3, 10),
    "PGD-SP": (1, 3),
    "TH-PHONGHAI": (3, 10),
    "THCS-XUANQUANG": (0, 0),
    "TH-TAVAN": (1, 3),
    "THPT-SO1-LC": (5, 8),
}


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
def values(province, year):
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    for code, (numerator, denominator) in ONLINE_ROWS.items():
        store(ONLINE, units[code], year, numerator, denominator)
        store(CASHLESS, units[code], year, 1, 1)
    previous = SchoolYear.objects.create(code="2024-2025", start_date=date(2024, 9, 5), end_date=date(2025, 5, 31))
    store(ONLINE, units["PGD-BT"], previous, 1, 10)
    return units


def codes(body) -> list[tuple[str, str]]:
    return [(item["indicator"], item["org_unit"]) for item in body["results"]]


# --- definitions --------------------------------------------------------------------------------------------------


def test_indicator_definitions_are_listed_paginated_and_addressed_by_code(token_client, province):
    client = token_client(province.unit_a)
    body = client.get("/api/v1/indicators/?page_size=1000").json()
    assert set(body) == {"count", "next", "previous", "results"}
    listed = {item["code"]: item for item in body["results"]}
    assert ONLINE in listed and CASHLESS in listed
    assert set(listed[ONLINE]) == {
        "code",
        "name_vi",
        "name_en",
        "numerator",
        "denominator",
        "levels",
        "target_2025",
        "target_2030",
        "direction",
        "scope",
    }
    assert listed[ONLINE]["target_2025"] == 5 and listed[ONLINE]["target_2030"] is None
    assert "TH" in listed[ONLINE]["levels"]

    detail = client.get(f"/api/v1/indicators/{ONLINE}/")
    assert detail.status_code == 200 and detail.json() == listed[ONLINE]
    missing = client.get("/api/v1/indicators/KHONG_CO/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


# --- values: scope and filters ------------------------------------------------------------------------------------


def test_unit_token_sees_only_its_subtree_values(token_client, province, values):
    body = token_client(province.unit_a).get(f"{URL}?school_year=2025-2026&indicator={ONLINE}").json()
    assert codes(body) == [(ONLINE, "PGD-BT"), (ONLINE, "TH-PHONGHAI"), (ONLINE, "THCS-XUANQUANG")]


def test_values_are_ordered_by_indicator_then_unit_code(token_client, province, values):
    body = token_client(province.department).get(f"{URL}?school_year=2025-2026&page_size=1000").json()
    assert body["count"] == 2 * len(ONLINE_ROWS)
    assert codes(body) == [(CASHLESS, code) for code in sorted(ONLINE_ROWS)] + [
        (ONLINE, code) for code in sorted(ONLINE_ROWS)
    ]


def test_org_unit_filter_gives_only_that_units_own_value(token_client, province, values):
    body = token_client(province.department).get(f"{URL}?indicator={ONLINE}&org_unit=PGD-BT&school_year=2025-2026")
    assert body.status_code == 200
    (item,) = body.json()["results"]
    assert item == {
        "indicator": ONLINE,
        "org_unit": "PGD-BT",
        "org_unit_name": "Phòng Giáo dục và Đào tạo Bảo Thắng",
        "org_unit_kind": "unit",
        "school_year": "2025-2026",
        "numerator": 3,
        "denominator": 10,
        "value": 30.0,
        "target_2025": 5.0,
        "target_2030": None,
        "computed_at": item["computed_at"],
    }
    assert item["computed_at"]


def test_org_unit_code_is_case_insensitive_and_years_are_kept_apart(token_client, province, values):
    client = token_client(province.department)
    both_years = client.get(f"{URL}?indicator={ONLINE}&org_unit=pgd-bt").json()
    assert [(item["school_year"], item["value"]) for item in both_years["results"]] == [
        ("2024-2025", 10.0),
        ("2025-2026", 30.0),
    ]


def test_within_gives_the_unit_and_its_schools(token_client, province, values):
    body = token_client(province.department).get(f"{URL}?indicator={ONLINE}&within=PGD-BT&school_year=2025-2026")
    assert codes(body.json()) == [(ONLINE, "PGD-BT"), (ONLINE, "TH-PHONGHAI"), (ONLINE, "THCS-XUANQUANG")]


def test_kind_filter_keeps_one_level_of_the_tree(token_client, province, values):
    client = token_client(province.department)
    schools = client.get(f"{URL}?indicator={ONLINE}&kind=school&school_year=2025-2026").json()
    assert [code for _indicator, code in codes(schools)] == [
        "TH-PHONGHAI",
        "TH-TAVAN",
        "THCS-XUANQUANG",
        "THPT-SO1-LC",
    ]
    units = client.get(f"{URL}?indicator={ONLINE}&kind=unit&school_year=2025-2026").json()
    assert [code for _indicator, code in codes(units)] == ["PGD-BT", "PGD-SP"]
    department = client.get(f"{URL}?indicator={ONLINE}&kind=department&school_year=2025-2026").json()
    (item,) = department["results"]
    assert (item["org_unit"], item["numerator"], item["denominator"], item["value"]) == ("SGD", 9, 21, 42.86)


def test_indicator_may_be_repeated_or_comma_separated(token_client, province, values):
    client = token_client(province.department)
    repeated = client.get(f"{URL}?indicator={ONLINE}&indicator={CASHLESS}&org_unit=SGD&school_year=2025-2026")
    commas = client.get(f"{URL}?indicator={ONLINE},{CASHLESS}&org_unit=SGD&school_year=2025-2026")
    assert codes(repeated.json()) == codes(commas.json()) == [(CASHLESS, "SGD"), (ONLINE, "SGD")]


def test_school_a_admin_gets_nothing_of_school_b(client_for, province, values):
    client = client_for(province.users["school_a_admin"])
    everything = client.get(f"{URL}?school_year=2025-2026").json()
    assert {code for _indicator, code in codes(everything)} == {"TH-PHONGHAI"}
    for query in ("org_unit=TH-TAVAN", "within=TH-TAVAN", "within=PGD-SP", "org_unit=PGD-BT", "org_unit=KHONG-CO"):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, query
        assert response.json()["count"] == 0, query


def test_within_an_ancestor_outside_scope_answers_like_an_unknown_unit(token_client, province, values):
    client = token_client(province.unit_a)
    assert client.get(f"{URL}?within=SGD").json()["count"] == client.get(f"{URL}?within=KHONG-CO").json()["count"] == 0


def test_anonymous_gets_401(api_client, province, values):
    for url in (URL, "/api/v1/indicators/", f"/api/v1/indicators/{ONLINE}/"):
        response = api_client.get(url)
        assert response.status_code == 401, url
        assert "Chưa xác thực" in response.json()["detail"]
    assert api_client.post("/api/v1/exports/", {}, format="json").status_code == 401


def test_value_is_null_when_the_denominator_is_zero(token_client, province, values):
    body = token_client(province.unit_a).get(f"{URL}?indicator={ONLINE}&org_unit=THCS-XUANQUANG").json()
    (item,) = body["results"]
    assert (item["numerator"], item["denominator"], item["value"]) == (0, 0, None)


def test_fractional_values_keep_two_decimals(token_client, province, values):
    body = token_client(province.unit_b).get(f"{URL}?indicator={ONLINE}&org_unit=TH-TAVAN").json()
    assert body["results"][0]["value"] == 33.33


def test_unknown_indicator_code_is_a_400_in_vietnamese(token_client, province, values):
    response = token_client(province.unit_a).get(f"{URL}?indicator={ONLINE},KHONG_CO")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    (message,) = body["errors"]["indicator"]
    assert "'KHONG_CO' không có" in message and "/api/v1/indicators/" in message


@pytest.mark.parametrize("school_year", ["2025", "2025-2027", "25-26", "năm nay"])
def test_malformed_school_year_is_a_400_in_vietnamese(token_client, province, values, school_year):
    response = token_client(province.unit_a).get(URL, {"school_year": school_year})
    assert response.status_code == 400
    (message,) = response.json()["errors"]["school_year"]
    assert "không đúng dạng" in message and "2024-2025" in message


def test_unknown_kind_is_a_400_in_vietnamese(token_client, province, values):
    response = token_client(province.unit_a).get(f"{URL}?kind=site")
    assert response.status_code == 400
    assert "dùng school, unit hoặc department" in response.json()["errors"]["kind"][0]


def test_a_page_costs_a_constant_number_of_queries(token_client, province, year, django_assert_max_num_queries):
    client = token_client(province.department)
    client.get(URL)  # the token's first use records its last-used time; not part of a page's cost
    schools = OrgUnit.objects.filter(kind=OrgUnit.Kind.SCHOOL)
    for index in range(5):
        for school in schools:
            store(f"INDICATOR_{index}", school, year, index, 10)

    def page_queries(query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{URL}?{query}").status_code == 200
        return len(captured)

    small = page_queries("page_size=2&within=PGD-BT")
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=f"MORE_{index:03d}",
            org_unit=school,
            school_year=year,
            numerator=1,
            denominator=2,
            value=Decimal("50.00"),
            computed_at=timezone.now(),
        )
        for index in range(100)
        for school in schools
    )
    with django_assert_max_num_queries(4):  # token, within's unit, count, page
        body = client.get(f"{URL}?page_size=1000&within=PGD-BT").json()
    assert len(body["results"]) == 2 * 105
    assert page_queries("page_size=1000&within=PGD-SP") == small  # another page: the same constant cost
    assert page_queries("page_size=1000&within=PGD-BT") == 0  # the same page again: token and page from the cache


# --- exports ------------------------------------------------------------------------------------------------------


def export(client, django_capture_on_commit_callbacks, **body):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/api/v1/exports/", {"kind": "indicator_values", **body}, content_type="application/json")


def download(client, job_body) -> bytes:
    finished = client.get(f"/api/v1/jobs/{job_body['id']}/").json()
    assert finished["status"] == "succeeded", finished["message"]
    assert finished["percent"] == 100 and finished["download_url"]
    response = client.get(finished["download_url"])
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_read_only_token_cannot_queue_an_export(token_client, province, values, django_capture_on_commit_callbacks):
    # Exports change no data, but they are a write to the job table: the default rule for read-only tokens holds.
    response = export(token_client(province.unit_a), django_capture_on_commit_callbacks, within="PGD-BT")
    assert response.status_code == 403
    assert "chỉ có quyền đọc" in response.json()["detail"]
    assert not Job.objects.exists()


def test_export_xlsx_runs_in_the_background_and_holds_only_rows_in_scope(
    token_client, province, values, django_capture_on_commit_callbacks
):
    client = token_client(province.unit_a, can_write=True)
    response = export(
        client,
        django_capture_on_commit_callbacks,
        format="xlsx",
        indicator=[ONLINE],
        within="PGD-BT",
        school_year="2025-2026",
    )
    assert response.status_code == 202
    job = response.json()
    assert job["org_unit"] == "PGD-BT" and job["status"] in {"queued", "succeeded"}
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, job))).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert list(rows[0]) == [
        "Chỉ tiêu",
        "Tên chỉ tiêu",
        "Mã đơn vị",
        "Đơn vị",
        "Năm học",
        "Tử số",
        "Mẫu số",
        "Giá trị (%)",
        "Mục tiêu 2025",
        "Mục tiêu 2030",
    ]
    data = rows[1:]
    assert [(row[0], row[2], row[4]) for row in data] == [
        (ONLINE, "PGD-BT", "2025-2026"),
        (ONLINE, "TH-PHONGHAI", "2025-2026"),
        (ONLINE, "THCS-XUANQUANG", "2025-2026"),
    ]
    assert data[0][5:] == (3, 10, 30, 5, None)
    assert data[2][5:8] == (0, 0, None)


def test_session_user_exports_csv_with_bom_and_formula_safe_cells(
    client_for, province, values, django_capture_on_commit_callbacks
):
    OrgUnit.objects.filter(code="TH-PHONGHAI").update(name='=HYPERLINK("http://evil.example","Bấm vào")')
    client = client_for(province.users["unit_a_staff"])
    response = export(  # the current school year; codes as one comma-separated string
        client, django_capture_on_commit_callbacks, format="csv", within="pgd-bt", indicator=f"{ONLINE},{CASHLESS}"
    )
    assert response.status_code == 202
    content = download(client, response.json())
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Chỉ tiêu", "Tên chỉ tiêu", "Mã đơn vị", "Đơn vị"]
    assert {row[2] for row in rows[1:]} == {"PGD-BT", "TH-PHONGHAI", "THCS-XUANQUANG"}
    assert {row[0] for row in rows[1:]} == {ONLINE, CASHLESS}
    names = {row[2]: row[3] for row in rows[1:]}
    assert names["TH-PHONGHAI"] == '\'=HYPERLINK("http://evil.example","Bấm vào")'
    zero = next(row for row in rows[1:] if row[0] == ONLINE and row[2] == "THCS-XUANQUANG")
    assert zero[5:8] == ["0", "0", ""]


def test_export_outside_scope_is_a_400_that_does_not_confirm_the_unit(
    token_client, province, values, django_capture_on_commit_callbacks
):
    client = token_client(province.unit_a, can_write=True)
    for code in ("PGD-SP", "KHONG-CO"):
        response = export(client, django_capture_on_commit_callbacks, within=code)
        assert response.status_code == 400
        assert response.json()["detail"] == f"Đơn vị '{code}' không tồn tại hoặc nằm ngoài phạm vi của bạn."
    assert not Job.objects.exists()


def test_export_rejects_bad_input_with_messages_per_field(token_client, province, values):
    client = token_client(province.department, can_write=True)
    response = client.post(
        "/api/v1/exports/",
        {"kind": "students", "format": "pdf", "indicator": ["KHONG_CO"], "school_year": "2025"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"kind", "format", "indicator", "within", "school_year"}
    assert "indicator_values" in errors["kind"][0] and "xlsx hoặc csv" in errors["format"][0]
    unknown_year = client.post(
        "/api/v1/exports/", {"kind": "indicator_values", "within": "SGD", "school_year": "2019-2020"}, format="json"
    )
    assert unknown_year.status_code == 400
    assert "không có trong hệ thống" in unknown_year.json()["errors"]["school_year"][0]


def test_export_job_rechecks_scope_when_it_runs(client_for, province, values, django_capture_on_commit_callbacks):
    from people.models import RoleAssignment

    user = province.users["unit_a_staff"]
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/api/v1/exports/", {"kind": "indicator_values", "within": "PGD-BT"}, content_type="application/json"
        )
    assert response.status_code == 202
    RoleAssignment.objects.filter(user=user).delete()  # the role is withdrawn before the worker picks the job up
    for callback in callbacks:
        callback()
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == Job.Status.FAILED and not job.result_file


def test_a_percent_sign_in_a_filter_value_is_a_400_not_a_500(token_client, province):
    client = token_client(province.department)
    for query in ("indicator=50%25_SHARE", "school_year=20%25-2025", "indicator=%25s%25d"):
        response = client.get(f"/api/v1/indicator-values/?{query}")
        assert response.status_code == 400, (query, response.content[:200])
