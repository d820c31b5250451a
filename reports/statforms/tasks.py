"""Export jobs of the report forms: one form of one unit (.xlsx or PDF), and the bundle of every school's forms.

Rendering happens only here, in the worker (or in a management command running the same task code): a web
request records the job and returns. Jobs carry codes only; the worker re-reads the figures as the job's creator
may see them now, after ``JobTask`` re-checked that the creator still covers the unit.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.jobs import SYSTEM, JobFailed, JobRun, JobTask, create_job, register_job_task
from edudx.core.models import Job
from reports.indicators import IndicatorScopeError, year_tree
from schools.models import OrgUnit, SchoolYear

from .catalogue import all_forms, get_form
from .engine import add_up
from .render import layout, render_pdf, render_xlsx
from .selectors import FormFigures, form_figures, form_school_ids, school_cells

FORMATS = ("xlsx", "pdf")


def _principal(job: Job) -> Any:
    return SYSTEM if job.is_system else (job.token or job.owner)


def _year(code: str) -> SchoolYear:
    year = SchoolYear.objects.filter(code=code).first()
    if year is None:
        raise JobFailed(_("Không tìm thấy năm học %(code)s.") % {"code": code})
    return year


def render_figures(figures: list[FormFigures], file_format: str) -> bytes:
    layouts = [layout(one) for one in figures]
    return render_pdf(layouts) if file_format == "pdf" else render_xlsx(layouts)


def queue_form_export(
    *,
    principal: Any,
    form_code: str,
    org_unit: OrgUnit,
    school_year: SchoolYear,
    file_format: str,
    enqueue: bool = True,
) -> Job:
    """Records the export of one form of one unit; its task runs once the transaction commits."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    return create_job(
        task=export_report_form_task,
        principal=principal,
        org_unit=org_unit,
        title=f"Biểu {form_code} năm học {school_year.code} – {org_unit.name} ({file_format})",
        params={"form": form_code, "school_year": school_year.code, "format": file_format},
        enqueue=enqueue,
    )


def queue_form_bundle(
    *, principal: Any, org_unit: OrgUnit, school_year: SchoolYear, period: str, file_format: str, enqueue: bool = True
) -> Job:
    """Records the bundle (a zip) of every school's forms of the period under the unit."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    return create_job(
        task=export_form_bundle_task,
        principal=principal,
        org_unit=org_unit,
        title=f"Bộ biểu báo cáo ({period}) năm học {school_year.code} – {org_unit.name} ({file_format})",
        params={"period": period, "school_year": school_year.code, "format": file_format},
        enqueue=enqueue,
    )


class ExportReportFormTask(JobTask):
    """One form of the job's unit (aggregated over its subtree in the year's tree), as .xlsx or PDF."""

    job_kind = "export_report_form"
    time_limit = 600
    soft_time_limit = 570

    def execute(self, run: JobRun) -> dict:
        job = run.job
        params = run.params
        form = get_form(params.get("form", ""))
        file_format = params.get("format", "xlsx")
        if form is None:
            raise JobFailed(_("Không có biểu báo cáo mã %(code)s.") % {"code": params.get("form", "")})
        if file_format not in FORMATS:
            raise JobFailed(_("Định dạng xuất không hỗ trợ: %(format)s.") % {"format": file_format})
        year = _year(params.get("school_year", ""))
        run.progress(0, 2, _("Đang tính số liệu biểu %(code)s…") % {"code": form.code}, force=True)
        try:
            figures = form_figures(form=form, org_unit=job.org_unit, school_year=year, principal=_principal(job))
        except IndicatorScopeError as error:
            raise JobFailed(str(error)) from error
        run.progress(1, 2, _("Đang tạo tệp…"), force=True)
        content = render_figures([figures], file_format)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        run.save_file(f"bieu-{form.code}-{job.org_unit.code}-{year.code}-{stamp}.{file_format}", content)
        run.progress(2, 2, _("Đã xuất biểu %(code)s.") % {"code": form.code}, force=True)
        return {"form": form.code, "version": form.version, "format": file_format, "schools": len(figures.school_ids)}


class ExportFormBundleTask(JobTask):
    """Every school's forms of one period under the job's unit, one file per school and form, in a zip."""

    job_kind = "export_form_bundle"
    time_limit = 3600
    soft_time_limit = 3540

    def execute(self, run: JobRun) -> dict:
        job = run.job
        params = run.params
        period = params.get("period", "start")
        file_format = params.get("format", "pdf")
        if file_format not in FORMATS:
            raise JobFailed(_("Định dạng xuất không hỗ trợ: %(format)s.") % {"format": file_format})
        year = _year(params.get("school_year", ""))
        principal = _principal(job)
        forms = [form for form in all_forms().values() if form.period == period]
        tree = year_tree(school_year=year)
        # The figures of every school of every form: one grouped query per section for all schools at once.
        work: list[tuple[int, Any, dict]] = []
        try:
            for form in forms:
                ids = form_school_ids(form=form, org_unit=job.org_unit, school_year=year, principal=principal)
                cells_of, _frozen = school_cells(form=form, school_year=year, school_ids=ids)
                for school_id in ids:
                    cells = cells_of[school_id]
                    work.append((school_id, form, cells))
        except IndicatorScopeError as error:
            raise JobFailed(str(error)) from error
        units = OrgUnit.objects.in_bulk({school_id for school_id, _f, _c in work})
        work.sort(key=lambda item: (units[item[0]].code, item[1].code))
        total = len(work)
        run.progress(0, total, _("Đang tạo %(n)d biểu của các trường…") % {"n": total}, force=True)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, (school_id, form, cells) in enumerate(work, start=1):
                unit = units[school_id]
                figures = FormFigures(form, unit, year, add_up([cells], form.cell_keys()), [school_id])
                content = render_figures([figures], file_format)
                archive.writestr(f"{unit.code}/{form.code}-{unit.code}-{year.code}.{file_format}", content)
                run.progress(done, total, _("Đã tạo %(done)d/%(total)d biểu.") % {"done": done, "total": total})
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        run.save_file(f"bo-bieu-{period}-{job.org_unit.code}-{year.code}-{stamp}.zip", buffer.getvalue())
        run.progress(total, total, _("Đã tạo %(n)d biểu.") % {"n": total}, force=True)
        return {"files": total, "schools": len({s for s, _f, _c in work}), "format": file_format, "tree": len(tree)}


export_report_form_task = register_job_task(ExportReportFormTask, name="reports.statforms.export")
export_form_bundle_task = register_job_task(ExportFormBundleTask, name="reports.statforms.bundle")
