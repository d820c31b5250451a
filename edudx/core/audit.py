"""Recording changes to personal and registry data (who, when, old → new, which import), in bulk."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .bulk import insert_rows
from .models import AuditEntry

COLUMNS = ["org_unit_id", "entity", "entity_id", "action", "changes", "actor_id", "batch_id", "note", "created_at"]


class AuditWriter:
    """Collects audit entries during one operation and writes them in one go."""

    def __init__(self, *, org_unit, actor=None, batch=None, note: str = ""):
        self.org_unit = org_unit
        self.actor = (
            actor if getattr(actor, "is_authenticated", False) and not getattr(actor, "is_api_token", False) else None
        )
        self.batch = batch
        self.note = note
        self.entries: list[tuple] = []
        self.now = timezone.now()

    def _add(self, entity: str, entity_id: int | None, action: str, changes: dict[str, Any], note: str = "") -> None:
        self.entries.append(
            (
                self.org_unit.pk,
                entity,
                entity_id,
                str(action),
                changes,
                getattr(self.actor, "pk", None),
                getattr(self.batch, "pk", None),
                note or self.note,
                self.now,
            )
        )

    def created(self, entity: str, entity_id: int, values: dict[str, Any]) -> None:
        self._add(entity, entity_id, AuditEntry.Action.CREATE, {k: [None, v] for k, v in values.items() if v or v == 0})

    def created_from_row(self, entity: str, entity_id: int, row: int) -> None:
        """A record created by an import: its values are the batch's stored file at that row (kept with the
        batch), so the entry points there instead of copying every value (half an import's write time)."""
        self._add(entity, entity_id, AuditEntry.Action.CREATE, {}, note=f"dòng {row}")

    def updated(self, entity: str, entity_id: int, changes: dict[str, list[Any]]) -> None:
        self._add(entity, entity_id, AuditEntry.Action.UPDATE, changes)

    def flush(self) -> int:
        count = insert_rows(AuditEntry, COLUMNS, self.entries)
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
