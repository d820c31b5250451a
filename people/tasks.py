"""Exports of the students' and staff registry: the rows of the list, as the job's creator may see them, to .xlsx."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from edudx.core.audit import log_export
from edudx.core.exports import write_xlsx
from edudx.core.jobs import SYSTEM, JobRun, JobTask, register_job_task

from . import selectors
from .models import Employment, Enrolment


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Có" if value else "Không")


def _date(value) -> str:
    # Text, not a date cell: the importer reads dd/mm/yyyy back, and no spreadsheet locale can flip day and month.
    return value.strftime("%d/%m/%Y") if value else ""


class RegistryExportTask(JobTask):
    """Writes the filtered rows of a registry list; the filters are the ones the list showed, kept in the job."""

    abstract = True
    time_limit = 900
    soft_time_limit = 840
    entity = ""  # what log_export records
    sheet_name = ""
    file_stem = ""
    headers: list[str] = []

    def rows(self, principal: Any, filters: dict[str, Any]) -> QuerySet:
        raise NotImplementedError

    def cells(self, row: Any, shown_id: Callable[[Any, str | None], str]) -> list[Any]:
        raise NotImplementedError

    def execute(self, run: JobRun) -> dict:
        job = run.job
        principal = SYSTEM if job.is_system else (job.token or job.owner)
        filters = dict(job.params.get("filters") or {})
        rows = self.rows(principal, filters).filter(school__org_unit__path__startswith=job.org_unit.path)
        total = rows.count()
        run.progress(0, total, "Đang xuất dữ liệu…", force=True)

        def shown_id(row: Any, national_id: str | None) -> str:
            return selectors.shown_national_id(
                principal=principal, org_unit=row.school.org_unit, national_id=national_id
            )

        def cells() -> Iterable[list[Any]]:
            for index, row in enumerate(rows.iterator(chunk_size=1000), start=1):
                yield self.cells(row, shown_id)
                if index % 500 == 0:
                    run.progress(index, total)

        title = f"{job.title} – năm học {filters.get('school_year', '')}"
        content = write_xlsx(sheet_name=self.sheet_name, title=title, headers=self.headers, rows=cells())
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        run.save_file(f"{self.file_stem}-{job.org_unit.code}-{filters.get('school_year', '')}-{stamp}.xlsx", content)
        log_export(org_unit=job.org_unit, actor=None if job.is_system else principal, what=self.entity)
        run.progress(total, total, f"Đã xuất {total} dòng.", force=True)
        return {"rows": total}


class ExportStudentsTask(RegistryExportTask):
    job_kind = "export_students"
    entity = "people.student"
    sheet_name = "Học sinh"
    file_stem = "hoc-sinh"
    # The students template's columns (SPEC §3.2) after the school's code, so the file reads like an upload.
    headers = [
        "Mã trường",
        "Mã định danh",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Khối",
        "Lớp",
        "Trạng thái",
        "Khuyết tật",
        "Có thiết bị học trực tuyến",
        "Có kết nối Internet",
        "Học bạ điện tử",
    ]

    def rows(self, principal: Any, filters: dict[str, Any]) -> QuerySet[Enrolment]:
        return selectors.filter_enrolments(selectors.list_enrolments(visible_to=principal), filters=filters)

    def cells(self, row: Enrolment, shown_id) -> list[Any]:
        student = row.student
        return [
            row.school.code,
            shown_id(row, student.national_id),
            student.full_name,
            _date(student.birth_date),
            student.get_gender_display(),
            selectors.ethnicity_name(student.ethnicity),
            row.grade,
            row.class_name,
            row.get_status_display(),
            _yes_no(student.disability),
            _yes_no(row.has_device),
            _yes_no(row.has_internet),
            _yes_no(row.has_e_transcript),
        ]


class ExportStaffTask(RegistryExportTask):
    job_kind = "export_staff"
    entity = "people.staffmember"
    sheet_name = "Cán bộ, giáo viên"
    file_stem = "can-bo-giao-vien"
    headers = [
        "Mã trường",
        "Mã định danh",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Vị trí việc làm",
        "Trình độ đào tạo",
        "Môn dạy",
        "Chữ ký số",
        "Tài khoản tự bồi dưỡng",
        "Đã bồi dưỡng kỹ năng số",
        "Đủ điều kiện dạy trực tuyến",
    ]

    def rows(self, principal: Any, filters: dict[str, Any]) -> QuerySet[Employment]:
        return selectors.filter_employments(selectors.list_employments(visible_to=principal), filters=filters)

    def cells(self, row: Employment, shown_id) -> list[Any]:
        staff = row.staff
        return [
            row.school.code,
            shown_id(row, staff.national_id),
            staff.full_name,
            _date(staff.birth_date),
            staff.get_gender_display(),
            selectors.ethnicity_name(staff.ethnicity),
            row.get_position_display(),
            row.get_qualification_display(),
            row.subject,
            _yes_no(row.has_digital_signature),
            _yes_no(row.has_self_training_account),
            _yes_no(row.digital_skills_trained),
            _yes_no(row.can_teach_online),
        ]


export_students_task = register_job_task(ExportStudentsTask, name="people.export_students")
export_staff_task = register_job_task(ExportStaffTask, name="people.export_staff")
