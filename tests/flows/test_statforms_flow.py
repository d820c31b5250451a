"""A school officer previews the beginning-of-year form and submits it; the unit officer returns it with a comment;
the school sees the comment. Then the unit downloads the unit's form as PDF."""

import os
import re

import pytest
from playwright.sync_api import expect

from reports.statforms.models import FormSubmission
from schools.models import SchoolYear
from tests.people.factories import PASSWORD
from tests.reports.statforms_data import fill_province

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Đăng nhập")).click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_school_submits_unit_returns_with_a_comment(browser, live_server, province):
    fill_province(province, SchoolYear.objects.get(code="2025-2026"), gaps=False)
    school = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN").new_page()
    sign_in(school, live_server, province.users["school_a_admin"].username)
    school.goto(f"{live_server.url}/reports/forms/")
    school.get_by_role("row", name=re.compile("TH-DN")).get_by_role("link", name=re.compile("Xem biểu")).click()
    expect(school.get_by_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")).to_be_visible()
    if os.environ.get("EDUDX_SCREENSHOTS"):
        school.screenshot(path=os.path.join(os.environ["EDUDX_SCREENSHOTS"], "statform-preview.png"), full_page=True)
    school.get_by_role("button", name=re.compile("Nộp báo cáo")).click()
    expect(school.locator(".sf-status")).to_have_text("Đã nộp, chờ đơn vị quản lý duyệt")

    unit = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN").new_page()
    sign_in(unit, live_server, province.users["unit_a_staff"].username)
    unit.goto(f"{live_server.url}/reports/forms/completeness/?school_year=2025-2026&period=start")
    unit.get_by_role("link", name=re.compile("Trường Tiểu học Phong Hải")).click()
    unit.get_by_placeholder("Ý kiến: trường cần sửa gì").fill("Số học sinh khuyết tật lớp 2 chưa khớp hồ sơ.")
    unit.get_by_role("button", name="Trả lại").click()
    expect(unit.locator(".sf-status")).to_have_text("Bị trả lại")
    assert FormSubmission.objects.get().status == FormSubmission.Status.RETURNED

    school.reload()
    expect(school.get_by_role("alert")).to_contain_text("Số học sinh khuyết tật lớp 2 chưa khớp hồ sơ.")
