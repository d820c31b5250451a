"""What the upload page and the imports API share: the kinds in officers' order, unit fit, file checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from edudx.core.imports.kinds import REGISTRY, ImportKind

from .models import OrgUnit

# The order officers meet the kinds in: their school's data first, the structure of the province last.
KIND_ORDER = ("students", "staff", "facilities", "teaching", "fees", "schools", "units")


def ordered_kinds() -> list[ImportKind]:
    rank = {code: index for index, code in enumerate(KIND_ORDER)}
    return sorted(REGISTRY.values(), key=lambda kind: (rank.get(kind.code, len(rank)), kind.label))


def kind_label(code: str) -> str:
    kind = REGISTRY.get(code)
    return kind.label if kind else code


def kind_fits_unit(kind: ImportKind, unit: OrgUnit) -> bool:
    """Per-school kinds go to a school; the structure kinds (units, schools) to the department or a unit."""
    if kind.per_school:
        return unit.kind == OrgUnit.Kind.SCHOOL
    return unit.kind in (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.UNIT)


def wrong_unit_message(kind: ImportKind) -> str:
    if kind.per_school:
        return _("Mẫu “%(label)s” nhập cho từng trường: hãy chọn một trường.") % {"label": kind.label}
    return _("Mẫu “%(label)s” nhập cho Sở hoặc đơn vị quản lý: hãy chọn một đơn vị, không phải trường.") % {
        "label": kind.label
    }


def check_upload_file(upload: Any) -> str | None:
    """The reason an uploaded file is refused before it is stored (extension, size), or None."""
    name = getattr(upload, "name", "") or ""
    if Path(name).suffix.lower() != ".xlsx":
        return _(
            "Chỉ nhận tệp Excel .xlsx. Nếu tệp đang là .xls, .csv hoặc .ods, hãy mở bằng Excel hoặc LibreOffice "
            "và lưu lại dạng .xlsx (Excel Workbook)."
        )
    limit = settings.EDUDX_MAX_UPLOAD_BYTES
    if upload.size > limit:
        return _("Tệp quá lớn (%(size).1f MB); giới hạn là %(limit).0f MB. Hãy tách thành nhiều tệp.") % {
            "size": upload.size / 1048576,
            "limit": limit / 1048576,
        }
    return None
