from django.utils import timezone

from edudx.core.exports import write_xlsx
from edudx.core.jobs import JobRun, JobTask, register_job_task

from .models import School


class ExportSchoolsTask(JobTask):
    """The list of schools under the job's unit, as the job's creator may see them, to .xlsx."""

    job_kind = "export_schools"
    time_limit = 900
    soft_time_limit = 840

    HEADERS = ["Mã trường", "Tên trường", "Cấp học", "Loại hình", "Đơn vị quản lý", "Xã/Phường", "Khu vực"]

    def execute(self, run: JobRun) -> dict:
        job = run.job
        principal = job.token or job.owner
        schools = (
            School.objects.visible_to(principal)
            .filter(org_unit__path__startswith=job.org_unit.path)
            .select_related("org_unit__parent")
            .order_by("org_unit__code")
        )
        total = schools.count()
        run.progress(0, total, "Đang xuất danh sách trường…", force=True)
        rows = []
        for index, school in enumerate(schools.iterator(chunk_size=500), start=1):
            rows.append(
                [
                    school.code,
                    school.name,
                    ", ".join(school.levels),
                    school.get_ownership_display(),
                    school.org_unit.parent.code if school.org_unit.parent else "",
                    school.ward,
                    school.get_area_display(),
                ]
            )
            if index % 100 == 0:
                run.progress(index, total)
        content = write_xlsx(
            sheet_name="Trường", title=f"Danh sách trường – {job.org_unit.name}", headers=self.HEADERS, rows=rows
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        run.save_file(f"danh-sach-truong-{job.org_unit.code}-{stamp}.xlsx", content)
        run.progress(total, total, f"Đã xuất {total} trường.", force=True)
        return {"rows": total}


export_schools_task = register_job_task(ExportSchoolsTask, name="schools.export_schools")
