"""Recording changes to personal and registry data (who, when, old → new, which import), in bulk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class AuditWriter:
    """Collects audit entries during one operation and writes them in one go."""

    def __init__(self, *, org_unit, actor=None, batch=None, note: str = ""):
        self.org_unit = org_unit
        self.actor = (
            actor if getattr(actor, "is_authenticated", False) and not getattr(actor, "is_api_token", False) else None
        )
        self.batch = batch
        self.note = note
        self.entries: list[AuditEntry] = []

    def _add(self, entity: str, entity_id: int | None, action: str, changes: dict[str, Any]) -> None:
        self.entries.append(
            AuditEntry(
                org_unit=self.org_unit,
                entity=entity,
                entity_id=entity_id,
                action=action,
                changes=changes,
                actor=self.actor,
                batch=self.batch,
                note=self.note,
            )
        )

    def created(self, entity: str, entity_id: int, values: dict[str, Any]) -> None:
        self._add(
            entity,
            entity_id,
            AuditEntry.Action.CREATE,
            {k: [None, _plain(v)] for k, v in values.items() if v not in (None, "")},
        )

    def updated(self, entity: str, entity_id: int, changes: dict[str, list[Any]]) -> None:
        self._add(
            entity,
            entity_id,
            AuditEntry.Action.UPDATE,
            {k: [_plain(old), _plain(new)] for k, (old, new) in changes.items()},
        )

    def flush(self) -> int:
        AuditEntry.objects.bulk_create(self.entries, batch_size=5000)
        count = len(self.entries)
        self.entries = []
        return count


def log_export(*, org_unit, actor, what: str) -> None:
    """Every export of personal data is logged (SPEC §15)."""
    AuditEntry.objects.create(
        org_unit=org_unit,
        entity=what,
        action=AuditEntry.Action.EXPORT,
        actor=actor if not getattr(actor, "is_api_token", False) else None,
        note=f"token:{actor.pk}" if getattr(actor, "is_api_token", False) else "",
    )
