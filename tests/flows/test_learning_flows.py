"""What a teacher clicks through in the learning library: contribute a PDF, see its preview, search unaccented."""

import re

import pytest
from playwright.sync_api import expect

from learning.models import ContentStatus, Resource
from tests.learning.factories import catalogue

from .test_staff_flows import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_teacher_contributes_a_pdf_and_sees_its_preview(desktop, live_server, province, tmp_path):
    catalogue()
    page = desktop
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server, province.users["teacher_a"].username)
    page.goto(f"{live_server.url}/library/new/")
    page.get_by_label("Đơn vị sở hữu").select_option(str(province.school_a.org_unit.pk))
    page.get_by_label("Tiêu đề").fill("Toán lớp 6 – Phân số bằng nhau")
    page.get_by_label("Loại học liệu").select_option("document")
    page.get_by_label("Môn học").select_option(label="Toán")
    page.get_by_label("Lớp").select_option("6")
    page.get_by_label("Giấy phép").select_option("CC-BY-SA-4.0")
    page.get_by_label("Tác giả").fill("Nguyễn Thị Hoa")
    page.get_by_label("Phạm vi chia sẻ").select_option("province")
    pdf = tmp_path / "phan-so.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Tệp").set_input_files(str(pdf))
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_role("heading", name="Toán lớp 6 – Phân số bằng nhau")).to_be_visible()
    frame = page.locator("iframe")
    expect(frame).to_be_visible()
    assert frame.bounding_box()["height"] > 300  # inline styles are refused by the CSP: the size comes from classes
    assert not errors, errors


def test_search_typed_without_diacritics_finds_the_published_resource(phone, live_server, province):
    from tests.learning.test_resources import make

    resource = make(province, link="https://example.edu.vn/phan-so")
    Resource.objects.filter(pk=resource.pk).update(status=ContentStatus.PUBLISHED)
    page = phone
    sign_in(page, live_server, province.users["school_b_admin"].username)
    page.goto(f"{live_server.url}/library/")
    page.get_by_label(re.compile("Tìm kiếm")).fill("toan lop 6 phan so")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("link", name="Toán lớp 6 – Phân số")).to_be_visible()
