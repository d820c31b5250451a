"""The two jobs of an import: check the file (dry run), then write its valid rows (once)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..jobs import JobFailed, JobRun, JobTask, register_job_task
from ..models import ImportBatch
from .kinds import get_kind
from .pipeline import error_report, validate_file
from .preflight import UnusableFile
from .services import context_for, store_validation


def _batch(run: JobRun) -> ImportBatch:
    batch = (
        ImportBatch.objects.select_related("org_unit", "school_year", "owner")
        .filter(pk=run.params["batch"], org_unit=run.job.org_unit)
        .first()
    )
    if batch is None:
        raise JobFailed("Không tìm thấy lần nhập này.")
    return batch


class ValidateImportTask(JobTask):
    job_kind = "import_validate"
    soft_time_limit = 1700
    time_limit = 1800

    def on_failure_cleanup(self, job) -> None:
        ImportBatch.objects.filter(pk=job.params.get("batch"), status=ImportBatch.Status.VALIDATING).update(
            status=ImportBatch.Status.UNUSABLE, message=job.message
        )

    def execute(self, run: JobRun) -> dict:
        batch = _batch(run)
        kind = get_kind(batch.kind)
        run.progress(0, 1, "Đang đọc tệp…", force=True)
        try:
            validation = validate_file(
                Path(batch.file.path),
                kind,
                context_for(batch),
                progress=lambda done, total: run.progress(done, total, "Đang kiểm tra…"),
            )
        except UnusableFile as exc:
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.UNUSABLE, message=str(exc))
            raise JobFailed(str(exc)) from exc
        store_validation(batch, validation)
        batch.status = ImportBatch.Status.VALIDATED
        batch.message = (
            f"{batch.total_rows} dòng, {batch.invalid_rows} dòng lỗi."
            if batch.invalid_rows
            else f"{batch.total_rows} dòng hợp lệ, sẵn sàng ghi."
        )
        batch.save()
        if batch.invalid_rows:
            run.save_file(f"loi-{Path(batch.original_name).stem}.xlsx", error_report(validation))
        run.progress(batch.total_rows, batch.total_rows, batch.message, force=True)
        return {"batch": str(batch.pk), "rows": batch.total_rows, "invalid_rows": batch.invalid_rows}


class ApplyImportTask(JobTask):
    job_kind = "import_apply"
    soft_time_limit = 1700
    time_limit = 1800

    def on_failure_cleanup(self, job) -> None:
        # The write was rolled back: the checked file can be confirmed again (or discarded).
        ImportBatch.objects.filter(pk=job.params.get("batch"), status=ImportBatch.Status.APPLYING).update(
            status=ImportBatch.Status.VALIDATED
        )

    def execute(self, run: JobRun) -> dict:
        batch = _batch(run)
        if batch.status == ImportBatch.Status.APPLIED:
            return batch.stats  # a repeated delivery: already written, nothing to do
        kind = get_kind(batch.kind)
        run.progress(0, 3, "Đang đọc lại và kiểm tra tệp…", force=True)
        ctx = context_for(batch)
        try:
            validation = validate_file(Path(batch.file.path), kind, ctx)
        except UnusableFile as exc:
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.UNUSABLE, message=str(exc))
            raise JobFailed(str(exc)) from exc
        if validation.invalid_count and not batch.valid_rows_only:
            store_validation(batch, validation)
            batch.status = ImportBatch.Status.VALIDATED
            batch.save()
            raise JobFailed(
                f"Tệp có {validation.invalid_count} dòng lỗi; chưa ghi gì. Sửa lỗi hoặc chọn “chỉ ghi các dòng hợp lệ”."
            )
        run.progress(1, 3, "Đang ghi dữ liệu…", force=True)
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status == ImportBatch.Status.APPLIED:
                return locked.stats
            stats = kind.apply(validation.valid_rows, ctx)
            stats["invalid"] = validation.invalid_count
            store_validation(locked, validation)
            locked.stats = stats
            locked.status = ImportBatch.Status.APPLIED
            locked.applied_at = timezone.now()
            locked.message = (
                f"Đã ghi: {stats['created']} mới, {stats['updated']} cập nhật, "
                f"{stats['unchanged']} không đổi, {stats['invalid']} dòng lỗi bỏ qua."
            )
            locked.save()
        run.progress(3, 3, locked.message, force=True)
        _after_import(locked)
        return stats


def _after_import(batch: ImportBatch) -> None:
    """Queues what depends on the registry (indicators, data quality) for the unit just imported.

    The core does not know those apps: they are named in settings.EDUDX_AFTER_IMPORT as Celery task paths, each
    called with the unit's and the year's ids once the write has committed.
    """
    for path in getattr(settings, "EDUDX_AFTER_IMPORT", ()):
        task = import_string(path)
        transaction.on_commit(
            lambda task=task: task.delay(org_unit_id=batch.org_unit_id, school_year_id=batch.school_year_id)
        )


validate_import_task = register_job_task(ValidateImportTask, name="imports.validate")
apply_import_task = register_job_task(ApplyImportTask, name="imports.apply")
