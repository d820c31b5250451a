from celery import shared_task
from django.utils.translation import gettext as _

from edudx.core.jobs import JobFailed, JobRun, JobTask, register_job_task
from schools.models import School, SchoolYear

from .quality import compute_quality


class ComputeQualityTask(JobTask):
    """Recomputes the data-quality scores of every active school under the job's unit for one school year."""

    job_kind = "compute_quality"
    time_limit = 1800
    soft_time_limit = 1740

    def execute(self, run: JobRun) -> dict:
        job = run.job
        code = run.params.get("school_year")
        year = (
            SchoolYear.objects.filter(code=code).first() if code else SchoolYear.objects.filter(is_current=True).first()
        )
        if year is None:
            raise JobFailed(_("Không tìm thấy năm học %(code)s.") % {"code": code or _("hiện tại")})
        schools = School.objects.filter(org_unit__path__startswith=job.org_unit.path, org_unit__is_active=True)
        total = schools.count()
        run.progress(0, total, _("Đang kiểm tra dữ liệu của %(n)d trường…") % {"n": total}, force=True)
        stored = compute_quality(school_year=year, schools=schools, on_progress=lambda done, _total: run.progress(done))
        run.progress(
            stored,
            max(total, stored),
            _("Đã tính điểm chất lượng dữ liệu năm học %(year)s cho %(n)d trường.") % {"year": year.code, "n": stored},
            force=True,
        )
        return {"schools": stored, "school_year": year.code}


compute_quality_task = register_job_task(ComputeQualityTask, name="reports.compute_quality")


@shared_task(name="reports.compute_quality_nightly", acks_late=True, soft_time_limit=3300, time_limit=3600)
def compute_quality_nightly() -> int:
    """Beat: every active school's score for the current school year (0 when no year is current)."""
    year = SchoolYear.objects.filter(is_current=True).first()
    if year is None:
        return 0
    return compute_quality(school_year=year)
