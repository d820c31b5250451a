"""Laying a form's figures out: one layout, three outputs (the HTML preview, .xlsx, PDF with WeasyPrint).

The document follows Decree 30/2020/NĐ-CP's conventions: the governing body and the issuing unit top-left, the
national motto top-right, the place-and-date line ("Lào Cai, ngày 05 tháng 02 năm 2026": a leading zero for days
below 10 and for January and February), the title, then each section's table with its merged headers.

The .xlsx is written with xlsxwriter directly (no openpyxl). The PDF embeds Liberation Serif from
``static/fonts/liberation`` through ``@font-face`` file URLs, so it never depends on the fonts of the machine.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.exports import safe_cell
from schools.models import OrgUnit, OrgUnitPlacement

from .engine import Cells, FormDefinition, Section
from .selectors import FormFigures

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
DEPARTMENT_PREFIX = "Sở Giáo dục và Đào tạo "
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "liberation"


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class BodyRow:
    code: str
    label: str
    indent: int
    total: bool
    values: list[int | None]  # None: a cell the form leaves empty


@dataclass
class SectionLayout:
    number: str
    title: str
    header: list[list[HeaderCell]]
    body: list[BodyRow]
    width: int  # columns including the code and label columns


@dataclass
class Layout:
    governing: str
    issuer: str
    place_date: str
    title: str
    subtitle: str
    form: FormDefinition
    sections: list[SectionLayout] = field(default_factory=list)
    note: str = ""


def place_date(place: str, day: dt.date) -> str:
    """``Lào Cai, ngày 05 tháng 02 năm 2026`` (Decree 30/2020: 0 before days < 10 and months 1 and 2)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def province_place(root: OrgUnit | None) -> str:
    configured = getattr(settings, "EDUDX_REPORT_PLACE", "")
    if configured:
        return configured
    name = root.name if root is not None else ""
    return name[len(DEPARTMENT_PREFIX) :] if name.startswith(DEPARTMENT_PREFIX) else name


def _heads(figures: FormFigures) -> tuple[str, str, str]:
    """(governing body, issuing unit, place) for the title block."""
    unit = figures.org_unit
    placement = (
        OrgUnitPlacement.objects.filter(org_unit=unit, school_year=figures.school_year).select_related("parent").first()
    )
    parent = placement.parent if placement is not None else unit.parent
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    place = province_place(root)
    governing = parent.name if parent is not None else (f"UBND tỉnh {place}" if place else "")
    return governing.upper(), unit.name.upper(), place


def section_layout(section: Section, cells: Cells, number: str) -> SectionLayout:
    grouped = section.has_groups()
    depth = 2 if grouped else 1
    top = [HeaderCell(_("Mã số"), rowspan=depth), HeaderCell(_("Chỉ tiêu"), rowspan=depth)]
    second: list[HeaderCell] = []
    index = 0
    columns = section.columns
    while index < len(columns):
        col = columns[index]
        if col.group:
            span = 1
            while index + span < len(columns) and columns[index + span].group == col.group:
                span += 1
            top.append(HeaderCell(str(col.group), colspan=span))
            second.extend(HeaderCell(str(c.label)) for c in columns[index : index + span])
            index += span
        else:
            top.append(HeaderCell(str(col.label), rowspan=depth))
            index += 1
    header = [top, second] if grouped else [top]
    body = [
        BodyRow(
            row.code,
            str(row.label),
            row.indent,
            row.total,
            [
                None if (row.key, col.key) in section.blank else int(cells.get(f"{section.key}.{row.key}.{col.key}", 0))
                for col in columns
            ],
        )
        for row in section.rows
    ]
    return SectionLayout(number, str(section.title), header, body, len(columns) + 2)


def layout(figures: FormFigures, *, today: dt.date | None = None) -> Layout:
    form = figures.form
    governing, issuer, place = _heads(figures)
    day = today or timezone.localdate()
    subtitle = _("Năm học %(year)s · Đơn vị báo cáo: %(unit)s · Biểu %(code)s, phiên bản %(version)s") % {
        "year": figures.school_year.code,
        "unit": figures.org_unit.name,
        "code": form.code,
        "version": form.version,
    }
    visible = [section for section in form.sections if not section.hidden]
    sections = [
        section_layout(section, figures.cells, ROMAN[index] if index < len(ROMAN) else str(index + 1))
        for index, section in enumerate(visible)
    ]
    note = ""
    if figures.submission is not None and figures.submission.status in figures.submission.IN_CHAIN:
        note = _("Số liệu đã nộp ngày %(day)s (%(status)s).") % {
            "day": timezone.localtime(figures.submission.submitted_at).strftime("%d/%m/%Y"),
            "status": figures.submission.get_status_display(),
        }
    elif figures.from_snapshots:
        note = _("Gồm số liệu đã nộp của %(n)d trường; các trường còn lại lấy từ cơ sở dữ liệu hiện tại.") % {
            "n": figures.from_snapshots
        }
    return Layout(
        governing, issuer, place_date(place, day) if place else "", str(form.title), subtitle, form, sections, note
    )


# --- .xlsx --------------------------------------------------------------------------------------------------------


def write_form_sheet(workbook: Any, the_layout: Layout, formats: dict[str, Any]) -> None:
    """One worksheet with the form (xlsxwriter, rows written top to bottom)."""
    sheet = workbook.add_worksheet(the_layout.form.code[:31])
    width = max((s.width for s in the_layout.sections), default=4)
    last = width - 1
    half = max(1, width // 2)
    sheet.set_column(0, 0, 7)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, last, 11)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.merge_range(0, 0, 0, half - 1, safe_cell(the_layout.governing), formats["head"])
    sheet.merge_range(0, half, 0, last, MOTTO, formats["head_bold"])
    sheet.merge_range(1, 0, 1, half - 1, safe_cell(the_layout.issuer), formats["head_bold"])
    sheet.merge_range(1, half, 1, last, MOTTO_2, formats["head_bold"])
    sheet.merge_range(3, half, 3, last, safe_cell(the_layout.place_date), formats["italic_center"])
    sheet.merge_range(5, 0, 5, last, safe_cell(the_layout.title.upper()), formats["title"])
    sheet.merge_range(6, 0, 6, last, safe_cell(the_layout.subtitle), formats["center"])
    row = 8
    if the_layout.note:
        sheet.merge_range(row - 1, 0, row - 1, last, safe_cell(the_layout.note), formats["italic_center"])
        row += 1
    for section in the_layout.sections:
        sheet.merge_range(row, 0, row, last, safe_cell(f"{section.number}. {section.title}"), formats["section"])
        row += 1
        header_rows = len(section.header)
        occupied: set[tuple[int, int]] = set()
        for offset, cells in enumerate(section.header):
            col = 0
            for cell in cells:
                while (row + offset, col) in occupied:
                    col += 1
                first_row, first_col = row + offset, col
                last_row, last_col = first_row + cell.rowspan - 1, first_col + cell.colspan - 1
                if (last_row, last_col) != (first_row, first_col):
                    sheet.merge_range(first_row, first_col, last_row, last_col, safe_cell(cell.text), formats["th"])
                else:
                    sheet.write(first_row, first_col, safe_cell(cell.text), formats["th"])
                for r in range(first_row, last_row + 1):
                    for c in range(first_col, last_col + 1):
                        occupied.add((r, c))
                col = last_col + 1
        row += header_rows
        for body in section.body:
            label_format = formats["label_total"] if body.total else formats["label"]
            number_format = formats["num_total"] if body.total else formats["num"]
            sheet.write(row, 0, safe_cell(body.code), formats["code"])
            sheet.write(row, 1, safe_cell(("    " * body.indent) + body.label), label_format)
            for col, value in enumerate(body.values, start=2):
                if value is None:
                    sheet.write_blank(row, col, None, formats["blank"])
                else:
                    sheet.write_number(row, col, value, number_format)
            row += 1
        row += 1
    sheet.merge_range(row + 1, 0, row + 1, half - 1, "NGƯỜI LẬP BIỂU", formats["head_bold"])
    sheet.merge_range(row + 1, half, row + 1, last, "THỦ TRƯỞNG ĐƠN VỊ", formats["head_bold"])
    sheet.merge_range(row + 2, 0, row + 2, half - 1, "(Ký, ghi rõ họ tên)", formats["italic_center"])
    sheet.merge_range(row + 2, half, row + 2, last, "(Ký, ghi rõ họ tên, đóng dấu)", formats["italic_center"])


def workbook_formats(workbook: Any) -> dict[str, Any]:
    base = {"font_name": "Times New Roman", "font_size": 11, "valign": "vcenter"}

    def fmt(**extra: Any) -> Any:
        return workbook.add_format({**base, **extra})

    return {
        "head": fmt(align="center"),
        "head_bold": fmt(align="center", bold=True),
        "italic_center": fmt(align="center", italic=True),
        "title": fmt(align="center", bold=True, font_size=13),
        "center": fmt(align="center"),
        "section": fmt(bold=True),
        "th": fmt(bold=True, align="center", border=1, text_wrap=True, bg_color="#F2F2F2"),
        "code": fmt(align="center", border=1),
        "label": fmt(border=1, text_wrap=True),
        "label_total": fmt(border=1, bold=True, text_wrap=True),
        "num": fmt(border=1, num_format="#,##0"),
        "num_total": fmt(border=1, bold=True, num_format="#,##0"),
        "blank": fmt(border=1, pattern=1, bg_color="#D9D9D9"),
    }


def render_xlsx(layouts: list[Layout]) -> bytes:
    """A workbook with one sheet per form."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    formats = workbook_formats(workbook)
    for the_layout in layouts:
        write_form_sheet(workbook, the_layout, formats)
    workbook.close()
    return buffer.getvalue()


# --- HTML and PDF -------------------------------------------------------------------------------------------------


def render_html_table(the_layout: Layout) -> str:
    """The form as HTML (the preview page and the PDF use the same fragment)."""
    return render_to_string("statforms/_form.html", {"layout": the_layout})


def font_faces() -> list[dict[str, str]]:
    return [
        {"file": (FONT_DIR / f"LiberationSerif-{style}.ttf").as_uri(), "weight": weight, "style": font_style}
        for style, weight, font_style in (
            ("Regular", "400", "normal"),
            ("Bold", "700", "normal"),
            ("Italic", "400", "italic"),
        )
    ]


def render_pdf_html(layouts: list[Layout]) -> str:
    return render_to_string("statforms/form_pdf.html", {"layouts": layouts, "fonts": font_faces()})


def render_pdf(layouts: list[Layout]) -> bytes:
    """A4 landscape, Liberation Serif embedded; one form after another, each starting on a new page."""
    from weasyprint import HTML  # imported here: only workers and commands render PDFs

    return HTML(string=render_pdf_html(layouts), base_url=str(FONT_DIR)).write_pdf()
