"""Export jobs of the report forms: one form of one unit (.xlsx or PDF), and the bundle of every school's forms.

Rendering happens only here, in the worker (or in a management command running the same task code): a web
request records the job and returns. Jobs carry codes only; the worker re-reads the figures as the job's creator
may see them now, after ``JobTask`` re-checked that the creator still covers the unit.

The bundle is split into parts of ``CHUNK_SCHOOLS`` schools (``JobRun.fan_out``), so every worker renders a
share of it; the parts' messages carry school ids only, each part re-checks the creator's scope and re-reads which
of its schools the creator may see, and the last part to complete zips the parts in school-code order.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.jobs import (
    SYSTEM,
    JobFailed,
    JobPartTask,
    JobRun,
    JobStopped,
    JobTask,
    create_job,
    register_job_task,
)
from edudx.core.models import Job
from reports.indicators import IndicatorScopeError
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
    *,
    principal: Any,
    org_unit: OrgUnit,
    school_year: SchoolYear,
    period: str,
    file_format: str,
    enqueue: bool = True,
    chunk_schools: int | None = None,
) -> Job:
    """Records the bundle (a zip) of every school's forms of the period under the unit; its parts hold
    ``chunk_schools`` schools each (``CHUNK_SCHOOLS`` by default)."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    return create_job(
        task=export_form_bundle_task,
        principal=principal,
        org_unit=org_unit,
        title=f"Bộ biểu báo cáo ({period}) năm học {school_year.code} – {org_unit.name} ({file_format})",
        params={
            "period": period,
            "school_year": school_year.code,
            "format": file_format,
            **({"chunk_schools": chunk_schools} if chunk_schools else {}),
        },
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


CHUNK_SCHOOLS = 25  # schools per part of a bundle: ~25–50 files, 10–20 s of rendering for one worker


def parts_folder(job: Job) -> Path:
    """The private temporary folder where a bundle's parts write their files (shared by the workers of one host,
    or by every host when MEDIA_ROOT is shared storage, as the downloads already require)."""
    return Path(settings.MEDIA_ROOT) / "job-parts" / str(job.pk)


def _bundle_settings(job: Job) -> tuple[str, str, SchoolYear]:
    params = job.params
    file_format = params.get("format", "pdf")
    if file_format not in FORMATS:
        raise JobFailed(_("Định dạng xuất không hỗ trợ: %(format)s.") % {"format": file_format})
    return params.get("period", "start"), file_format, _year(params.get("school_year", ""))


def _bundle_schools(job: Job, period: str, year: SchoolYear) -> list[tuple[Any, list[int]]]:
    """Each form of the period, with the schools under the job's unit that the job's creator may see (scope read
    again each time: the job task and every part call this)."""
    principal = _principal(job)
    try:
        return [
            (form, form_school_ids(form=form, org_unit=job.org_unit, school_year=year, principal=principal))
            for form in all_forms().values()
            if form.period == period
        ]
    except IndicatorScopeError as error:
        raise JobFailed(str(error)) from error


class ExportFormBundleTask(JobTask):
    """Every school's forms of one period under the job's unit, one file per school and form, in a zip.

    The schools are split into parts of ``CHUNK_SCHOOLS`` (in code order), rendered by ``FormBundlePartTask`` in
    any worker; the last part to complete zips the parts in order. In a management command the parts run here.
    """

    job_kind = "export_form_bundle"
    time_limit = 3600
    soft_time_limit = 3540

    def execute(self, run: JobRun) -> dict:
        job = run.job
        period, _format, year = _bundle_settings(job)
        schools_of = _bundle_schools(job, period, year)
        ids = {school_id for _form, school_ids in schools_of for school_id in school_ids}
        codes = dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "code"))
        ordered = sorted(ids, key=lambda school_id: codes[school_id])
        size = max(1, int(run.params.get("chunk_schools", CHUNK_SCHOOLS)))
        parts = [ordered[start : start + size] for start in range(0, len(ordered), size)]
        total = sum(len(school_ids) for _form, school_ids in schools_of)
        run.progress(0, total, _("Đang tạo %(n)d biểu của các trường…") % {"n": total}, force=True)
        parts_folder(job).mkdir(parents=True, exist_ok=True)
        if not parts:
            parts = [[]]  # no school: one empty part finishes the job with an empty zip
        return run.fan_out(export_form_bundle_part_task, parts)

    def on_failure_cleanup(self, job: Job) -> None:
        shutil.rmtree(parts_folder(job), ignore_errors=True)


class FormBundlePartTask(JobPartTask):
    """One part of a bundle: the forms of a few schools, written to the job's parts folder; the last part zips."""

    time_limit = 1200
    soft_time_limit = 1140

    def execute_part(self, run: JobRun, index: int, part: list[int]) -> int:
        job = run.job
        period, file_format, year = _bundle_settings(job)
        wanted = set(part)
        work: list[tuple[str, Any, int, dict]] = []
        for form, school_ids in _bundle_schools(job, period, year):  # the creator's scope, re-checked
            mine = [school_id for school_id in school_ids if school_id in wanted]
            if not mine:
                continue
            cells_of, _frozen = school_cells(form=form, school_year=year, school_ids=mine)
            work.extend((form.code, form, school_id, cells_of[school_id]) for school_id in mine)
        units = OrgUnit.objects.in_bulk({school_id for _c, _f, school_id, _x in work})
        work.sort(key=lambda item: (units[item[2]].code, item[0]))
        folder = parts_folder(job)
        final = folder / f"part-{index:05d}"
        scratch = folder / f"{final.name}.tmp-{os.getpid()}"
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            scratch.mkdir()  # no parents: the folder is gone when the job already ended
        except FileNotFoundError as error:
            raise JobStopped from error
        try:
            names = []
            for _code, form, school_id, cells in work:
                run.beat()
                unit = units[school_id]
                figures = FormFigures(form, unit, year, add_up([cells], form.cell_keys()), [school_id])
                name = f"{unit.code}/{form.code}-{unit.code}-{year.code}.{file_format}"
                (scratch / f"{len(names):05d}").write_bytes(render_figures([figures], file_format))
                names.append(name)
            (scratch / "manifest.json").write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
            try:
                scratch.rename(final)
            except OSError:
                if not (final / "manifest.json").exists():
                    raise
                # A duplicate delivery already wrote this part: the same files; keep the first.
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return len(names)

    def finalise(self, run: JobRun) -> dict:
        job = run.job
        period, file_format, year = _bundle_settings(job)
        folder = parts_folder(job)
        parts = sorted(path for path in folder.glob("part-*") if path.is_dir() and ".tmp-" not in path.name)
        zipped = folder / "bundle.zip.tmp"
        files, schools = 0, set()
        with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for part in parts:
                run.beat()
                names = json.loads((part / "manifest.json").read_text(encoding="utf-8"))
                for number, name in enumerate(names):
                    archive.write(part / f"{number:05d}", name)
                    schools.add(name.split("/")[0])
                files += len(names)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        run.progress(files, files, _("Đã tạo %(n)d biểu.") % {"n": files}, force=True)
        run.save_file(f"bo-bieu-{period}-{job.org_unit.code}-{year.code}-{stamp}.zip", zipped.read_bytes())
        return {"files": files, "schools": len(schools), "format": file_format, "parts": len(parts)}

    def after_success(self, job: Job) -> None:
        shutil.rmtree(parts_folder(job), ignore_errors=True)


export_report_form_task = register_job_task(ExportReportFormTask, name="reports.statforms.export")
export_form_bundle_task = register_job_task(ExportFormBundleTask, name="reports.statforms.bundle")
export_form_bundle_part_task = register_job_task(FormBundlePartTask, name="reports.statforms.bundle_part")
