"""The .xlsx export of DX levels: a job (like ``reports.exports``) that re-reads the rows in the worker, as the
job's creator may see them now, for the job's unit and its subtree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.exports import write_xlsx
from edudx.core.jobs import SYSTEM, JobFailed, JobRun, JobTask, create_job, register_job_task
from edudx.core.models import Job
from schools.models import OrgUnit, SchoolYear

from .models import Level, Status
from .selectors import LIST_ROLES, list_assessments

EXPORT_KIND = "export_dx_levels"
HEADERS = [
    "Mã trường",
    "Tên trường",
    "Đơn vị quản lý",
    "Năm học",
    "Trạng thái",
    "Điểm dạy, học",
    "Mức độ dạy, học",
    "Điểm quản trị",
    "Mức độ quản trị",
    "Mức độ của trường",
    "Bộ tiêu chí",
    "Nộp lúc",
    "Công bố lúc",
]


def queue_levels_export(*, principal: Any, within: OrgUnit, school_year: SchoolYear, status: str = "") -> Job:
    """Records the export job of the unit's assessments (``status``: only those, e.g. published)."""
    return create_job(
        task=export_dx_levels_task,
        principal=principal,
        org_unit=within,
        title=f"Xuất mức độ chuyển đổi số năm học {school_year.code} – {within.name}",
        params={"kind": EXPORT_KIND, "school_year": school_year.code, "status": status},
    )


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


class ExportDxLevelsTask(JobTask):
    """Every assessment of the job's unit and its subtree for one school year, one row per school."""

    job_kind = EXPORT_KIND
    time_limit = 600
    soft_time_limit = 570

    def execute(self, run: JobRun) -> dict:
        job = run.job
        year = SchoolYear.objects.filter(code=run.params.get("school_year", "")).first()
        if year is None:
            raise JobFailed(_("Không tìm thấy năm học %(code)s.") % {"code": run.params.get("school_year", "")})
        status = run.params.get("status") or None
        if status is not None and status not in Status.values:
            raise JobFailed(_("Trạng thái không hợp lệ: %(status)s.") % {"status": status})
        rows_qs = list_assessments(
            visible_to=SYSTEM if job.is_system else (job.token or job.owner),
            school_year=year,
            status=status,
            unit=job.org_unit,
            roles=LIST_ROLES,
        )
        total = rows_qs.count()
        run.progress(0, total, _("Đang xuất %(n)d trường…") % {"n": total}, force=True)
        labels = dict(Level.choices)

        def rows() -> Iterator[list]:
            for index, a in enumerate(rows_qs.iterator(chunk_size=500), start=1):
                unit = a.school.org_unit
                yield [
                    unit.code,
                    unit.name,
                    unit.parent.name if unit.parent else "",
                    year.code,
                    str(a.get_status_display()),
                    a.teaching_score,
                    str(labels[a.teaching_level]),
                    a.management_score,
                    str(labels[a.management_level]),
                    str(labels[a.level]),
                    f"{a.criteria_set.code} v{a.criteria_set.version}",
                    _when(a.submitted_at),
                    _when(a.published_at),
                ]
                if index % 200 == 0:
                    run.progress(index, total)

        content = write_xlsx(
            sheet_name="Mức độ CĐS",
            title=f"Mức độ chuyển đổi số năm học {year.code} – {job.org_unit.name}",
            headers=HEADERS,
            rows=rows(),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        run.save_file(f"muc-do-cds-{job.org_unit.code}-{year.code}-{stamp}.xlsx", content)
        run.progress(total, total, _("Đã xuất %(n)d trường.") % {"n": total}, force=True)
        return {"rows": total, "school_year": year.code}


export_dx_levels_task = register_job_task(ExportDxLevelsTask, name="maturity.export_levels")
