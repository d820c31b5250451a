"""What a management-unit officer clicks through: sign in, find a school, export the unit's list."""

import re

import pytest
from playwright.sync_api import expect

from tests.people.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Đăng nhập")).click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_unit_officer_exports_the_school_list_and_downloads_it(desktop, live_server, province):
    page = desktop
    sign_in(page, live_server, province.users["unit_a_staff"].username)
    page.goto(f"{live_server.url}/units/PGD-BT/")
    expect(page.get_by_text("Trường Tiểu học Phong Hải")).to_be_visible()
    page.get_by_role("button", name=re.compile("Xuất danh sách trường")).click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    link = page.get_by_role("link", name=re.compile(r"\.xlsx"))
    expect(link).to_be_visible(timeout=20_000)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("danh-sach-truong-PGD-BT")


def test_school_officer_on_a_phone_sees_only_own_school(phone, live_server, province):
    page = phone
    sign_in(page, live_server, province.users["school_a_admin"].username)
    page.goto(f"{live_server.url}/schools/")
    expect(page.get_by_text("Trường Tiểu học Phong Hải")).to_be_visible()
    expect(page.get_by_text("Tả Van")).to_have_count(0)
    page.goto(f"{live_server.url}/schools/TH-TAVAN/")
    expect(page.get_by_role("heading", name=re.compile("Không tìm thấy"))).to_be_visible()


def test_wrong_password_shows_a_vietnamese_message(phone, live_server, province):
    page = phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("unit.a.staff")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name=re.compile("Đăng nhập")).click()
    expect(page.get_by_text(re.compile("không đúng"))).to_be_visible()
