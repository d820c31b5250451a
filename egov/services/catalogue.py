"""The procedure catalogue and the holiday-override table (reference data kept by the department)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from edudx.core.text import fold, nfc

from ..models import HolidayOverride, Procedure
from ..workdays import calendar_changed, forget_calendar

PROCEDURE_FIELDS = (
    "name",
    "kind",
    "description",
    "competent_org_unit",
    "mode",
    "eligible_for_full_online",
    "processing_days",
    "fee",
    "required_documents",
    "form_fields",
    "checklist",
    "allowed_file_types",
    "max_attachment_bytes",
    "is_published",
)


def procedure_search_key(*, code: str, name: str) -> str:
    """What catalogue search matches against: the folded name and code (accent- and case-insensitive)."""
    return f"{fold(name)} {fold(code)}"[:300]


@transaction.atomic
def upsert_procedure(*, code: str, **fields: Any) -> tuple[Procedure, bool]:
    """Create or update a procedure by its code; the search key follows the name."""
    unknown = set(fields) - set(PROCEDURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown procedure fields: {sorted(unknown)}")
    code = nfc(code).upper()
    if "name" in fields:
        fields["name"] = nfc(fields["name"])
    procedure = Procedure.objects.filter(code=code).first()
    created = procedure is None
    if procedure is None:
        procedure = Procedure(code=code)
    for name, value in fields.items():
        setattr(procedure, name, value)
    procedure.name_key = procedure_search_key(code=code, name=procedure.name)
    procedure.full_clean(exclude=["name_key"])
    procedure.save()
    return procedure, created


@transaction.atomic
def set_holiday_override(*, date: dt.date, is_day_off: bool, reason: str = "") -> HolidayOverride:
    """Declare a date a day off (a swapped holiday) or a working day (a make-up Saturday) for every due date."""
    override, _created = HolidayOverride.objects.update_or_create(
        date=date, defaults={"is_day_off": is_day_off, "reason": nfc(reason)}
    )
    _calendar_saved()
    return override


@transaction.atomic
def delete_holiday_overrides(*, dates: list[dt.date]) -> int:
    """Remove overrides (the dates follow the public-holiday calendar again)."""
    deleted, _per_model = HolidayOverride.objects.filter(date__in=dates).delete()
    _calendar_saved()
    return deleted


def _calendar_saved() -> None:
    """Every process's cached working-day calendar is stale: this one now, the others by the stamp on commit."""
    forget_calendar()
    transaction.on_commit(calendar_changed)
