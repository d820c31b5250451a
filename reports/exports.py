"""Exporting stored indicator values (``POST /api/v1/exports/``, the dashboards' export button) to .xlsx or .csv.

The job records only codes; the worker re-reads the values as the job's creator may see them now
(``IndicatorValue.objects.visible_to``), restricted to the job's unit and its subtree, after ``JobTask`` has
re-checked that the creator still covers that unit.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.exports import safe_cell, write_xlsx
from edudx.core.jobs import JobFailed, JobRun, JobTask, create_job, register_job_task
from edudx.core.models import Job
from schools.models import OrgUnit, SchoolYear

from .models import IndicatorValue

EXPORT_KIND = "indicator_values"
FORMATS = ("xlsx", "csv")
HEADERS = [
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
COLUMNS = (
    "indicator",
    "org_unit__code",
    "org_unit__name",
    "school_year__code",
    "numerator",
    "denominator",
    "value",
)
PROGRESS_EVERY = 1000


def exported_values(
    *, visible_to: Any, within: OrgUnit, school_year: str, indicators: Iterable[str] = ()
) -> QuerySet[IndicatorValue]:
    """The values of ``within`` and its subtree that the principal sees, in the API's order."""
    values = IndicatorValue.objects.visible_to(visible_to).filter(
        org_unit__path__startswith=within.path, school_year__code=school_year
    )
    indicators = list(indicators)
    if indicators:
        values = values.filter(indicator__in=indicators)
    return values.order_by("indicator", "org_unit__code")


def queue_indicator_export(
    *, principal: Any, within: OrgUnit, school_year: SchoolYear, indicators: list[str], file_format: str
) -> Job:
    """Records an export job of the unit's indicator values; its task runs once the transaction commits."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    return create_job(
        task=export_indicator_values_task,
        principal=principal,
        org_unit=within,
        title=f"Xuất giá trị chỉ tiêu năm học {school_year.code} – {within.name}",
        params={
            "kind": EXPORT_KIND,
            "format": file_format,
            "indicator": indicators,
            "school_year": school_year.code,
        },
    )


def _decimal(value: Decimal | None) -> Decimal | None:
    """Whole counts without ``.00`` (a spreadsheet shows 120, not 120.00)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _target(value: Any) -> Decimal | None:
    return None if value is None else _decimal(Decimal(value))


def write_csv(*, headers: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a BOM (so Excel reads Vietnamese correctly), every text cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


class ExportIndicatorValuesTask(JobTask):
    """The stored values of the job's unit and its subtree for one school year, as .xlsx or .csv."""

    job_kind = "export_indicator_values"
    time_limit = 900
    soft_time_limit = 840

    def execute(self, run: JobRun) -> dict:
        from .indicators import INDICATORS  # the definitions sit beside this module; read when the job runs

        job = run.job
        params = run.params
        file_format = params.get("format", "xlsx")
        year = params.get("school_year", "")
        if file_format not in FORMATS:
            raise JobFailed(_("Định dạng xuất không hỗ trợ: %(format)s.") % {"format": file_format})
        values = exported_values(
            visible_to=job.token or job.owner, within=job.org_unit, school_year=year, indicators=params.get("indicator")
        )
        total = values.count()
        run.progress(0, total, _("Đang xuất %(n)d giá trị chỉ tiêu…") % {"n": total}, force=True)

        def rows() -> Iterator[list]:
            for index, row in enumerate(values.values_list(*COLUMNS).iterator(chunk_size=2000), start=1):
                code, unit_code, unit_name, year_code, numerator, denominator, value = row
                indicator = INDICATORS.get(code)
                yield [
                    code,
                    indicator.name_vi if indicator else "",
                    unit_code,
                    unit_name,
                    year_code,
                    _decimal(numerator),
                    _decimal(denominator),
                    value,
                    _target(indicator.target_2025) if indicator else None,
                    _target(indicator.target_2030) if indicator else None,
                ]
                if index % PROGRESS_EVERY == 0:
                    run.progress(index, total)

        if file_format == "csv":
            content = write_csv(headers=HEADERS, rows=rows())
        else:
            content = write_xlsx(
                sheet_name="Chỉ tiêu",
                title=f"Giá trị chỉ tiêu năm học {year} – {job.org_unit.name}",
                headers=HEADERS,
                rows=rows(),
            )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        run.save_file(f"chi-tieu-{job.org_unit.code}-{year}-{stamp}.{file_format}", content)
        run.progress(total, total, _("Đã xuất %(n)d giá trị chỉ tiêu.") % {"n": total}, force=True)
        return {"rows": total, "format": file_format, "school_year": year}


export_indicator_values_task = register_job_task(ExportIndicatorValuesTask, name="reports.export")
