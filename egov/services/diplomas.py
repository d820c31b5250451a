"""The diploma register (sổ gốc văn bằng, SPEC §9): records, copies issued from it, and the import of old registers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from edudx.core.text import fold, nfc
from schools.models import OrgUnit

from ..models import DiplomaCopy, DiplomaRecord, Dossier
from .dossiers import DossierError

DIPLOMA_COPY_FORM_FIELDS = [
    {"name": "diploma_number", "label": "Số hiệu văn bằng", "type": "text", "required": True},
    {"name": "holder_name", "label": "Họ và tên người được cấp văn bằng", "type": "text", "required": True},
    {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True},
    {"name": "graduation_year", "label": "Năm tốt nghiệp", "type": "text", "required": False},
    {
        "name": "copies",
        "label": "Số bản sao đề nghị cấp",
        "type": "select",
        "required": True,
        "choices": [[str(n), str(n)] for n in range(1, 6)],
    },
]


def normalize_diploma_number(raw: Any) -> str:
    return nfc(str(raw or "")).upper().replace(" ", "")


def find_diploma(*, number: str, holder_name: str, birth_date: dt.date | None) -> DiplomaRecord | None:
    """The register line whose number, folded name and birth date all match; None otherwise."""
    if birth_date is None:
        return None
    return DiplomaRecord.objects.filter(
        number=normalize_diploma_number(number), holder_name_key=fold(holder_name or ""), birth_date=birth_date
    ).first()


@transaction.atomic
def upsert_diploma_record(
    *,
    org_unit: OrgUnit,
    level: str,
    number: str,
    register_number: str,
    holder_name: str,
    birth_date: dt.date,
    graduation_year: int,
    issued_on: dt.date,
    school_name: str = "",
) -> tuple[DiplomaRecord, bool]:
    """Create or update a register line keyed by its diploma number."""
    record, created = DiplomaRecord.objects.update_or_create(
        number=normalize_diploma_number(number),
        defaults={
            "org_unit": org_unit,
            "level": level,
            "register_number": nfc(str(register_number)),
            "holder_name": nfc(holder_name),
            "holder_name_key": fold(holder_name),
            "birth_date": birth_date,
            "graduation_year": graduation_year,
            "issued_on": issued_on,
            "school_name": nfc(school_name),
        },
    )
    return record, created


def issue_diploma_copy(*, dossier: Dossier, by: Any) -> DiplomaCopy:
    """On approval of a copy request: the copy is issued from the matching register line (once per dossier)."""
    data = dossier.data
    birth = dt.date.fromisoformat(data["birth_date"]) if data.get("birth_date") else None
    record = find_diploma(
        number=data.get("diploma_number", ""), holder_name=data.get("holder_name", ""), birth_date=birth
    )
    if record is None:
        raise DossierError(_("Không tìm thấy văn bằng khớp số hiệu, họ tên và ngày sinh trong sổ gốc."))
    copy, _created = DiplomaCopy.objects.get_or_create(
        dossier=dossier, defaults={"record": record, "copies": int(data.get("copies") or 1)}
    )
    return copy
