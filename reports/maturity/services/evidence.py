"""Evidence files of a self-assessment: sniffed, limited, stored privately under random names, kept once."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Assessment, Evidence
from .assessments import _actor, _item, _require_editable

DEFAULT_MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Sniffed type → extensions a file of that type may carry (a PDF named .docx is as suspicious as an .exe).
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "application/msword": (".doc",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.ms-powerpoint": (".ppt",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
}
ZIP_BASED = ("application/vnd.openxmlformats", "application/vnd.oasis")


# --- evidence ------------------------------------------------------------------------------------------------------


def max_evidence_bytes() -> int:
    return int(getattr(settings, "EDUDX_MAX_EVIDENCE_BYTES", DEFAULT_MAX_EVIDENCE_BYTES))


def check_evidence_file(*, name: str, content: bytes) -> str:
    """The sniffed content type of an acceptable evidence file; ValidationError (Vietnamese) otherwise."""
    import filetype

    limit = max_evidence_bytes()
    if len(content) > limit:
        raise ValidationError(
            _("Tệp quá lớn (%(size).1f MB); giới hạn là %(limit).0f MB.")
            % {"size": len(content) / 1048576, "limit": limit / 1048576}
        )
    if not content:
        raise ValidationError(_("Tệp rỗng."))
    allowed = _("Chỉ nhận PDF, ảnh (JPG, PNG, WEBP) hoặc tài liệu Office (Word, Excel, PowerPoint, OpenDocument).")
    kind = filetype.guess(content[:8192] if not content.startswith(b"PK") else content)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(_("Nội dung tệp không thuộc loại được nhận. %(allowed)s") % {"allowed": allowed})
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_TYPES[kind.mime]:
        raise ValidationError(
            _("Tên tệp có đuôi “%(suffix)s” nhưng nội dung là tệp %(ext)s: hãy tải lên đúng tệp.")
            % {"suffix": suffix or "—", "ext": kind.extension.upper()}
        )
    if kind.mime.startswith(ZIP_BASED):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            raise ValidationError(_("Tệp Office bị hỏng, không mở được.")) from None
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise ValidationError(_("Tệp có chứa macro; hãy lưu lại dạng không có macro rồi tải lên."))
    return kind.mime


def _safe_original_name(name: str) -> str:
    """Only the last path part, printable, at most 200 characters (shown to people, never used as a path)."""
    base = Path(str(name).replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|')
    return cleaned[-200:] or "minh-chung"


@transaction.atomic
def attach_evidence(*, assessment: Assessment, criterion_code: str, name: str, content: bytes, by: Any) -> Evidence:
    """Stores an evidence file privately under a random name; the same file twice on a criterion is kept once."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_editable(assessment, by)
    item = _item(assessment, criterion_code)
    mime = check_evidence_file(name=name, content=content)
    digest = hashlib.sha256(content).hexdigest()
    existing = Evidence.objects.filter(assessment=assessment, criterion=item.criterion, sha256=digest).first()
    if existing is not None:
        return existing
    original = _safe_original_name(name)
    evidence = Evidence(
        assessment=assessment,
        criterion=item.criterion,
        original_name=original,
        content_type=mime,
        size=len(content),
        sha256=digest,
        uploaded_by=_actor(by),
    )
    evidence.file.save(original, ContentFile(content), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: Evidence, by: Any) -> None:
    assessment = Assessment.objects.select_for_update().get(pk=evidence.assessment_id)
    _require_editable(assessment, by)
    stored = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(stored))
