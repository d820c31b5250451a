from celery import shared_task
from django.db import OperationalError
from django.utils.translation import gettext as _

from edudx.core.jobs import JobFailed, JobRun, JobTask, register_job_task
from schools.models import OrgUnit, School, SchoolYear

from .indicators import IndicatorScopeError, compute_indicators
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


class ComputeIndicatorsTask(JobTask):
    """Recomputes and stores the plan indicators of one school year: the whole province, or one unit's schools
    and the units above them (``params["org_unit"]``, the job's unit) after an import."""

    job_kind = "compute_indicators"
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
        org_unit = job.org_unit if run.params.get("org_unit") else None
        try:
            stored = compute_indicators(
                school_year=year,
                org_unit=org_unit,
                progress=lambda done, total, message: run.progress(done, total, message, force=True),
            )
        except IndicatorScopeError as error:
            raise JobFailed(str(error)) from error
        where = org_unit.name if org_unit is not None else _("toàn tỉnh")
        run.progress(
            run.job.total,
            run.job.total,
            _("Đã tính %(n)d giá trị chỉ tiêu năm học %(year)s (%(where)s).")
            % {"n": stored, "year": year.code, "where": where},
            force=True,
        )
        return {"values": stored, "school_year": year.code, "org_unit": org_unit.code if org_unit else None}


compute_indicators_task = register_job_task(ComputeIndicatorsTask, name="reports.compute_indicators")


@shared_task(name="reports.compute_indicators_nightly", acks_late=True, soft_time_limit=3300, time_limit=3600)
def compute_indicators_nightly() -> int:
    """Beat: every indicator of the current school year for every school, unit and the province (0: no year)."""
    year = SchoolYear.objects.filter(is_current=True).first()
    if year is None:
        return 0
    return compute_indicators(school_year=year)


@shared_task(
    name="reports.after_import",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=540,
    time_limit=600,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=True,
)
def after_import_task(*, org_unit_id: int, school_year_id: int) -> int:
    """After an import (settings.EDUDX_AFTER_IMPORT): the unit's indicators and its schools' data quality.

    Idempotent: both computations overwrite what they stored, so a repeated delivery changes nothing.
    """
    unit = OrgUnit.objects.filter(pk=org_unit_id).first()
    year = SchoolYear.objects.filter(pk=school_year_id).first()
    if unit is None or year is None:
        return 0
    try:
        computed = compute_indicators(school_year=year, org_unit=unit)
    except IndicatorScopeError:
        computed = 0  # the unit was not in that year's tree: the nightly run covers it
    compute_quality(school_year=year, schools=School.objects.filter(org_unit__path__startswith=unit.path))
    return computed


from .exports import export_indicator_values_task  # noqa: E402,F401  (registers the export job with the workers)
