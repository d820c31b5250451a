"""Report form exports: the .xlsx layout (title block, merged headers, figures), the PDF (Vietnamese headings exact
in NFC, every font embedded), the bundle job, and ``export_report_form``'s exit codes."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from pypdf import PdfReader

from edudx.core.jobs import SYSTEM, run_job_here
from edudx.core.models import Job
from reports.statforms.catalogue import get_form
from reports.statforms.render import layout, place_date, render_pdf, render_xlsx
from reports.statforms.selectors import form_figures
from reports.statforms.tasks import queue_form_bundle
from schools.models import SchoolYear

from .statforms_data import fill_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(province) -> SchoolYear:
    year = SchoolYear.objects.get(code="2025-2026")
    fill_province(province, year, gaps=False)
    return year


def school_form(province, year, code="TH-DN"):
    return form_figures(form=get_form(code), org_unit=province.school_a.org_unit, school_year=year, principal=SYSTEM)


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (dt.date(2026, 2, 5), "Lào Cai, ngày 05 tháng 02 năm 2026"),
        (dt.date(2025, 1, 31), "Lào Cai, ngày 31 tháng 01 năm 2025"),
        (dt.date(2025, 9, 5), "Lào Cai, ngày 05 tháng 9 năm 2025"),
        (dt.date(2025, 12, 20), "Lào Cai, ngày 20 tháng 12 năm 2025"),
    ],
)
def test_place_and_date_line_follows_decree_30(day, line):
    assert place_date("Lào Cai", day) == line


def test_xlsx_has_the_title_block_merged_headers_and_the_figures(province, year):
    figures = school_form(province, year)
    content = render_xlsx([layout(figures, today=dt.date(2026, 2, 5))])
    sheet = openpyxl.load_workbook(io.BytesIO(content))["TH-DN"]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in values
    assert "Độc lập - Tự do - Hạnh phúc" in values
    assert "Lào Cai, ngày 05 tháng 02 năm 2026" in values
    assert sheet["A1"].value == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO BẢO THẮNG"  # the governing unit, top-left
    assert sheet["A2"].value == "TRƯỜNG TIỂU HỌC PHONG HẢI"
    merged = [str(r) for r in sheet.merged_cells.ranges]
    assert len(merged) > 10
    # The students section: find its total row and compare with the figures.
    for row in sheet.iter_rows():
        if row[1].value == "Tổng số" and row[2].value == figures.cells["hs.tong.tong"]:
            assert row[3].value == figures.cells["hs.tong.nu"]
            break
    else:
        raise AssertionError("students' total row not found")
    assert "Dân tộc thiểu số" in values  # a merged group header


def test_xlsx_escapes_text_that_would_run_as_a_formula(province, year):
    unit = province.school_a.org_unit
    unit.name = '=HYPERLINK("http://x")'
    unit.save()
    figures = school_form(province, year)
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx([layout(figures)])))["TH-DN"]
    assert sheet["A2"].value.startswith("'=")


def test_pdf_has_the_vietnamese_headings_exactly_and_embeds_every_font(province, year):
    figures = school_form(province, year)
    content = render_pdf([layout(figures, today=dt.date(2026, 2, 5))])
    reader = PdfReader(io.BytesIO(content))
    assert 1 <= len(reader.pages) <= 2
    text = unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))
    for heading in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lào Cai, ngày 05 tháng 02 năm 2026",
        "BÁO CÁO THỐNG KÊ ĐẦU NĂM HỌC – GIÁO DỤC TIỂU HỌC",
        "Cán bộ quản lý, giáo viên, nhân viên",
        "Dân tộc thiểu số",
        "Trường học, điểm trường",
    ):
        assert unicodedata.normalize("NFC", heading) in text, heading
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            fonts[font["/BaseFont"]] = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts
    assert all("EduDX-Serif" in name for name in fonts), fonts  # only the vendored Liberation Serif, no fallback


def test_bundle_job_zips_every_schools_forms_with_progress(province, year):
    job = queue_form_bundle(
        principal=SYSTEM,
        org_unit=province.department,
        school_year=year,
        period="start",
        file_format="xlsx",
        enqueue=False,
    )
    job = run_job_here(job)
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.done == job.total == 4  # TH ×2, THCS, THPT
    names = zipfile.ZipFile(job.result_file.open("rb")).namelist()
    assert sorted(names) == [
        "TH-PHONGHAI/TH-DN-TH-PHONGHAI-2025-2026.xlsx",
        "TH-TAVAN/TH-DN-TH-TAVAN-2025-2026.xlsx",
        "THCS-XUANQUANG/THCS-DN-THCS-XUANQUANG-2025-2026.xlsx",
        "THPT-SO1-LC/THPT-DN-THPT-SO1-LC-2025-2026.xlsx",
    ]


def test_bundle_of_a_unit_holds_only_its_schools(province, year):
    job = run_job_here(
        queue_form_bundle(
            principal=province.users["unit_a_staff"],
            org_unit=province.unit_a,
            school_year=year,
            period="start",
            file_format="xlsx",
            enqueue=False,
        )
    )
    names = zipfile.ZipFile(job.result_file.open("rb")).namelist()
    assert {name.split("/")[0] for name in names} == {"TH-PHONGHAI", "THCS-XUANQUANG"}


def test_export_command_writes_the_file_and_exits_0(province, year, tmp_path):
    out = tmp_path / "th.xlsx"
    call_command(
        "export_report_form",
        "TH-DN",
        "--org-unit",
        "PGD-BT",
        "--school-year",
        "2025-2026",
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    assert openpyxl.load_workbook(out)["TH-DN"]["A2"].value == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO BẢO THẮNG"


def test_export_command_writes_a_pdf(province, year, tmp_path):
    out = tmp_path / "th.pdf"
    call_command(
        "export_report_form",
        "th-dn",
        "--org-unit",
        "SGD",
        "--school-year",
        "2025-2026",
        "--format",
        "pdf",
        "--out",
        str(out),
    )
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "args",
    [
        ["XX-DN", "--org-unit", "SGD", "--school-year", "2025-2026", "--format", "xlsx"],
        ["TH-DN", "--org-unit", "KHONG-CO", "--school-year", "2025-2026", "--format", "xlsx"],
        ["TH-DN", "--org-unit", "SGD", "--school-year", "2019-2020", "--format", "xlsx"],
        ["TH-DN", "--org-unit", "SGD", "--school-year", "2025/2026", "--format", "xlsx"],
        ["TH-DN", "--org-unit", "SGD", "--school-year", "2025-2026", "--format", "docx"],
    ],
)
def test_export_command_exits_2_on_unusable_arguments(province, tmp_path, args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("export_report_form", *args, "--out", str(tmp_path / "x"))
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip()
    assert not (tmp_path / "x").exists()


def test_export_command_exits_1_when_the_figures_break_a_rule(province, tmp_path, capsys):
    year = SchoolYear.objects.get(code="2025-2026")
    fill_province(province, year, gaps=True)  # blank ethnicities and qualifications
    out = tmp_path / "th.xlsx"
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "export_report_form",
            "TH-DN",
            "--org-unit",
            "TH-PHONGHAI",
            "--school-year",
            "2025-2026",
            "--format",
            "xlsx",
            "--out",
            str(out),
        )
    assert exit_info.value.code == 1
    assert out.exists()
    assert "sửa ở mẫu nhập" in capsys.readouterr().err


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


@pytest.mark.parametrize("code", ["MN-DN", "TH-DN", "THCS-DN", "THPT-DN", "TH-CN", "THPT-CN"])
def test_every_form_fits_an_a4_landscape_page_width_in_at_most_two_pages(province, year, code):
    from weasyprint import HTML

    from reports.statforms.render import FONT_DIR, render_pdf_html

    figures = form_figures(form=get_form(code), org_unit=province.department, school_year=year, principal=SYSTEM)
    document = HTML(string=render_pdf_html([layout(figures)]), base_url=str(FONT_DIR)).render()
    assert 1 <= len(document.pages) <= 2
    for page in document.pages:
        box = page._page_box
        assert round(box.margin_width()) == 1123  # 297 mm at 96 px/in: A4 landscape
        right = max(b.position_x + b.margin_width() for b in _boxes(box) if b is not box and hasattr(b, "margin_width"))
        assert right <= box.margin_width() - 40  # inside the 12 mm right margin: no column cut off
