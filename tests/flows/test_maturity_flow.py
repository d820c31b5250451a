"""What a school officer does on a phone: start the DX self-assessment, score a criterion (htmx), see the totals."""

import re

import pytest
from playwright.sync_api import expect

from reports.indicators import percentage
from reports.models import IndicatorValue
from schools.models import SchoolYear

from .test_staff_flows import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_school_officer_scores_a_criterion_on_a_phone_and_the_totals_follow(phone, live_server, province):
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    call_command("load_dx_criteria", verbosity=0)  # transaction=True flushed the data migration's rows
    IndicatorValue.objects.create(
        indicator="SCHOOL_MIS_SHARE",
        org_unit=province.school_a.org_unit,
        school_year=SchoolYear.objects.get(code="2025-2026"),
        numerator=Decimal(1),
        denominator=Decimal(1),
        value=percentage(Decimal(1), Decimal(1)),
        computed_at=timezone.now(),
    )
    page = phone
    sign_in(page, live_server, province.users["school_a_admin"].username)
    page.goto(f"{live_server.url}/maturity/")
    expect(page).to_have_url(re.compile(r"/maturity/schools/TH-PHONGHAI/"))
    page.get_by_role("button", name="Bắt đầu tự đánh giá").click()
    totals = page.locator("#dx-totals")
    expect(totals).to_contain_text("10 / 100")  # the management software pre-filled from the stored value
    page.evaluate("window.edxMarker = 'same page'")  # survives only if htmx swapped instead of a reload
    card = page.locator("#tc-DH3")
    card.get_by_label("Điểm", exact=True).fill("6")
    card.get_by_role("button", name="Lưu điểm").click()
    expect(page.locator("#tc-DH3")).to_contain_text("6")
    expect(page.locator("#dx-totals")).to_contain_text("6 / 100")
    card = page.locator("#tc-DH3")
    card.get_by_label("Điểm", exact=True).fill("60")
    card.get_by_role("button", name="Lưu điểm").click()
    expect(page.locator("#tc-DH3").get_by_role("alert")).to_contain_text("Điểm phải từ 0 đến 8")
    assert page.evaluate("window.edxMarker") == "same page"
