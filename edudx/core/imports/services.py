"""Uploading, checking and applying import files: the services behind the page, the API and the command."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from ..jobs import create_job
from ..models import ImportBatch, Job
from .kinds import ImportContext, get_kind

MAX_STORED_ERRORS = 5000


def context_for(batch: ImportBatch) -> ImportContext:
    school = getattr(batch.org_unit, "school", None) if get_kind(batch.kind).per_school else None
    return ImportContext(
        org_unit=batch.org_unit, school_year=batch.school_year, actor=batch.owner, batch=batch, school=school
    )


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


@transaction.atomic
def start_import(
    *,
    kind: str,
    upload: Any,
    original_name: str,
    org_unit: Any,
    school_year: Any,
    principal: Any,
    valid_rows_only: bool = False,
    enqueue: bool = True,
) -> ImportBatch:
    """Stores the uploaded file under a random name and queues its check (a dry run): nothing is written yet."""
    from .tasks import validate_import_task

    spec = get_kind(kind)
    if spec.per_school and getattr(org_unit, "kind", "") != "school":
        raise ValueError(_("Mẫu “%(label)s” nhập cho từng trường: hãy chọn một trường.") % {"label": spec.label})
    handle = upload if hasattr(upload, "read") else Path(upload).open("rb")  # noqa: SIM115  (closed by File)
    batch = ImportBatch(
        kind=kind,
        org_unit=org_unit,
        school_year=school_year,
        original_name=Path(original_name).name[:255],
        sha256=_sha256(handle),
        valid_rows_only=valid_rows_only,
        owner=principal if getattr(principal, "pk", None) and not getattr(principal, "is_api_token", False) else None,
    )
    batch.file.save("upload.xlsx", File(handle), save=False)  # the storage picks a unique name; never the user's
    batch.save()
    job = create_job(
        task=validate_import_task,
        principal=principal,
        org_unit=org_unit,
        title=_("Kiểm tra tệp %(name)s") % {"name": batch.original_name},
        params={"batch": str(batch.pk)},
    )
    ImportBatch.objects.filter(pk=batch.pk).update(validate_job=job)
    batch.validate_job = job
    return batch


@transaction.atomic
def confirm_import(
    *, batch: ImportBatch, principal: Any, valid_rows_only: bool | None = None, enqueue: bool = True
) -> Job:
    """Queues the write of a checked file once; a second confirmation (double click, retry) returns the same job."""
    from .tasks import apply_import_task

    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.apply_job_id and batch.status in (ImportBatch.Status.APPLYING, ImportBatch.Status.APPLIED):
        return batch.apply_job
    if batch.status != ImportBatch.Status.VALIDATED:
        raise ValueError(_("Tệp chưa được kiểm tra xong hoặc không dùng được; không thể ghi."))
    if valid_rows_only is not None:
        batch.valid_rows_only = valid_rows_only
    if batch.invalid_rows and not batch.valid_rows_only:
        raise ValueError(
            _("Tệp còn %(n)d dòng lỗi: sửa lỗi và tải lại, hoặc chọn “chỉ ghi các dòng hợp lệ”.")
            % {"n": batch.invalid_rows}
        )
    job = create_job(
        task=apply_import_task,
        principal=principal,
        org_unit=batch.org_unit,
        title=_("Ghi dữ liệu từ tệp %(name)s") % {"name": batch.original_name},
        params={"batch": str(batch.pk)},
    )
    batch.apply_job = job
    batch.status = ImportBatch.Status.APPLYING
    batch.save(update_fields=["apply_job", "status", "valid_rows_only"])
    return job


@transaction.atomic
def discard_import(*, batch: ImportBatch) -> ImportBatch:
    if batch.status in (ImportBatch.Status.VALIDATED, ImportBatch.Status.UNUSABLE, ImportBatch.Status.FAILED):
        batch.status = ImportBatch.Status.DISCARDED
        batch.save(update_fields=["status"])
    return batch


def store_validation(batch: ImportBatch, validation) -> None:
    errors = [e.as_dict() for e in validation.errors]
    batch.total_rows = len(validation.rows)
    batch.invalid_rows = validation.invalid_count
    batch.errors = errors[:MAX_STORED_ERRORS]
    batch.warnings = validation.warnings
    batch.conflicts = validation.conflicts[:MAX_STORED_ERRORS]
