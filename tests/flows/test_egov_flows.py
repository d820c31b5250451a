"""A parent on a phone asks for a school transfer and follows the dossier on the tracker."""

import re

import pytest
from playwright.sync_api import expect

from egov.models import Dossier, DossierStatus
from egov.services import transition_dossier
from tests.egov.factories import PDF, make_transfer_procedure
from tests.schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db(transaction=True)


def label(text: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(text)}\*?$")


def test_a_parent_submits_a_transfer_request_on_a_phone_and_follows_it(phone, live_server, province):
    SchoolFactory(code="THCS-PHONGNIEN", name="Trường THCS Phong Niên", parent=province.unit_a, levels=["THCS"])
    make_transfer_procedure(province.department)
    page = phone
    page.goto(f"{live_server.url}/services/")
    page.get_by_role("searchbox").fill("chuyen truong")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name=re.compile("Chuyển trường")).click()

    page.get_by_label(label("Họ và tên người nộp")).fill("Lý Thị Hằng")
    page.get_by_label(label("Số điện thoại")).fill("0988 123 456")
    page.get_by_label(label("Số định danh cá nhân (CCCD) của người nộp")).fill("010185001234")
    page.get_by_label(label("Họ và tên học sinh")).fill("Lý Văn Chiến")
    page.get_by_label(label("Số định danh cá nhân của học sinh")).fill("010212001234")
    page.get_by_label(label("Ngày sinh của học sinh")).fill("12/05/2012")
    page.get_by_label(label("Lớp đang học")).select_option("8")
    page.get_by_label(label("Trường đang học (chuyển đi)")).fill("THCS-XUANQUANG")
    # What the school suggestions put in the box: the school's name and its code.
    expect(page.locator("#edx-schools option[value='Trường THCS Phong Niên (THCS-PHONGNIEN)']")).to_have_count(1)
    page.get_by_label(label("Trường xin chuyển đến")).fill("Trường THCS Phong Niên (THCS-PHONGNIEN)")
    page.get_by_label(label("Lý do chuyển trường")).fill("Gia đình chuyển nơi ở về xã Phong Niên")
    page.get_by_label(label("Đơn xin chuyển trường")).set_input_files(
        files=[{"name": "don-xin-chuyen-truong.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out sideways on a phone
    page.get_by_role("button", name=re.compile("Nộp hồ sơ")).click()

    code_box = page.locator("#receipt-code")
    expect(code_box).to_have_text(re.compile(r"^HS-\d{4}-[0-9A-Z]{8}$"))
    code = code_box.inner_text()
    dossier = Dossier.objects.get(receipt_code=code)
    assert dossier.org_unit.code == "THCS-PHONGNIEN" and dossier.second_org_unit.code == "THCS-XUANQUANG"
    assert dossier.attachments.get().content_type == "application/pdf"

    page.goto(f"{live_server.url}/track/?new=1")
    page.get_by_label(label("Mã hồ sơ")).fill(code.lower())
    page.get_by_label(label("Số điện thoại hoặc số định danh của người nộp")).fill("0988123456")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#tracked-status")).to_have_text("Đã nộp")

    transition_dossier(dossier=dossier, to=DossierStatus.RECEIVED, by=province.users["unit_a_staff"], comment="")
    page.reload()
    expect(page.locator("#tracked-status")).to_have_text("Đã tiếp nhận")
    expect(page.get_by_role("listitem").filter(has_text="Đã tiếp nhận")).to_have_count(1)
    expect(page.get_by_text("Lý Thị Hằng")).to_have_count(0)


def test_a_wrong_phone_on_the_tracker_shows_the_same_not_found_message(phone, live_server, province):
    page = phone
    page.goto(f"{live_server.url}/track/")
    page.get_by_label(label("Mã hồ sơ")).fill("HS-2026-ABCDEFGH")
    page.get_by_label(label("Số điện thoại hoặc số định danh của người nộp")).fill("0900000000")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_text(re.compile("Không tìm thấy hồ sơ khớp"))).to_be_visible()
