"""Helpers of the DX self-assessment tests: stored indicator values, a fully scored assessment, small files."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone

from reports.indicators import percentage
from reports.maturity import services
from reports.maturity.models import Assessment
from reports.models import IndicatorValue
from schools.models import OrgUnit, SchoolYear

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def year() -> SchoolYear:
    return SchoolYear.objects.get(code="2025-2026")


def store_value(unit: OrgUnit, code: str, numerator: int | str, denominator: int | str) -> IndicatorValue:
    num, den = Decimal(str(numerator)), Decimal(str(denominator))
    return IndicatorValue.objects.create(
        indicator=code,
        org_unit=unit,
        school_year=year(),
        numerator=num,
        denominator=den,
        value=percentage(num, den),
        computed_at=timezone.now(),
    )


def docx_bytes(*, macro: bool = False) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def start(province, school=None) -> Assessment:
    school = school or province.school_a
    return services.start_assessment(
        school=school,
        school_year=year(),
        by=province.users["school_a_admin"] if school == province.school_a else province.users["school_b_admin"],
    )


def score_everything(assessment: Assessment, by, points_of=lambda criterion: criterion.max_points) -> Assessment:
    """Scores every criterion (overriding pre-fills with a justification) and attaches a PDF where required."""
    for item in assessment.items.select_related("criterion"):
        criterion = item.criterion
        points = points_of(criterion)
        services.score_item(
            assessment=assessment, criterion_code=criterion.code, points=points, justification="Có biên bản", by=by
        )
        if criterion.evidence_required and points:
            services.attach_evidence(
                assessment=assessment,
                criterion_code=criterion.code,
                name=f"minh-chung-{criterion.code}.pdf",
                content=PDF + criterion.code.encode(),
                by=by,
            )
    assessment.refresh_from_db()
    return assessment
