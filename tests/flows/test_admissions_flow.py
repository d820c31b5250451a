"""A parent on a phone, without an account: applies for grade 1, reads the receipt, follows the application."""

import re

import pytest
from playwright.sync_api import expect

from egov.admissions.models import Application
from tests.admissions.factories import child_id, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_parent_applies_on_a_phone_reads_the_receipt_and_follows_it(phone, live_server, province):
    import datetime as dt

    round_ = make_round(province)
    page = phone
    page.goto(f"{live_server.url}/tuyen-sinh/")
    page.get_by_role("link", name=re.compile("nộp hồ sơ")).first.click()
    expect(page.get_by_role("heading", name=re.compile("Tuyển sinh Lớp 1"))).to_be_visible()

    # A mistake first: the same school twice, an ID whose year disagrees: Vietnamese errors, nothing stored.
    page.get_by_label("Mã định danh cá nhân của trẻ").fill("010219000123")
    page.get_by_label("Họ và tên của trẻ").fill("Lò Thị Mai")
    page.get_by_label("Ngày sinh").fill("14/03/2020")
    page.get_by_label("Nữ").check()
    page.get_by_label("Xã/phường nơi cư trú").select_option(label="Phường Cốc Lếu")
    page.get_by_label("Nguyện vọng 1").select_option("TH-PHONGHAI")
    page.get_by_label("Nguyện vọng 2 (không bắt buộc)").select_option("TH-PHONGHAI")
    page.get_by_label("Họ và tên cha, mẹ hoặc người giám hộ").fill("Lò Văn Páo")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label(re.compile("đồng ý để cơ quan tuyển sinh")).check()
    page.get_by_role("button", name=re.compile("Nộp hồ sơ")).click()
    expect(page.get_by_text(re.compile("đã được chọn ở nguyện vọng trước"))).to_be_visible()
    expect(page.get_by_text(re.compile("Chữ số thứ 4 là 2"))).to_be_visible()
    assert Application.objects.count() == 0

    page.get_by_label("Mã định danh cá nhân của trẻ").fill(child_id(birth_date=dt.date(2020, 3, 14), gender="F"))
    page.get_by_label("Nguyện vọng 2 (không bắt buộc)").select_option("TH-TAVAN")
    page.get_by_label(re.compile("đồng ý để cơ quan tuyển sinh")).check()
    page.get_by_role("button", name=re.compile("Nộp hồ sơ")).click()

    code = page.locator("#receipt-code").inner_text().strip()
    assert Application.objects.get().receipt_code == code
    expect(page.get_by_text("Đã nộp hồ sơ tuyển sinh.")).to_be_visible()

    # Later, from another browser session: follow with the code and the phone number.
    context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    other = context.new_page()
    other.goto(f"{live_server.url}/tuyen-sinh/tra-cuu/")
    other.get_by_label("Mã hồ sơ").fill(code)
    other.get_by_label("Số điện thoại hoặc mã định danh của trẻ").fill("0912345678")
    other.get_by_role("button", name=re.compile("Tra cứu")).click()
    expect(other.locator("#application-status")).to_have_text(re.compile("Đã nộp, chờ kiểm tra"))
    expect(other.get_by_text("Trường Tiểu học Phong Hải")).to_be_visible()
    context.close()
    assert round_.applications.count() == 1
