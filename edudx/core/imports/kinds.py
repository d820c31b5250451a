"""What every import kind provides, and the registry the apps fill (the core never imports the apps)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .columns import Column


@dataclass
class RowError:
    row: int  # the row number Excel shows (1-based)
    column: str  # canonical header label, or "" for the whole row
    message: str
    sheet: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class Row:
    number: int  # the row number Excel shows
    values: dict[str, Any]
    raw: list[Any]
    errors: list[RowError] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class ImportContext:
    """Where the rows go: the unit (a school for per-school kinds), the school year, who asked, which batch."""

    org_unit: Any
    school_year: Any
    actor: Any = None
    batch: Any = None
    school: Any = None


class ImportKind:
    """One template: its columns, its cross-row checks and how valid rows are written (an idempotent upsert)."""

    code: ClassVar[str]
    label: ClassVar[str]  # Vietnamese, e.g. "Học sinh"
    per_school: ClassVar[bool] = True
    columns: ClassVar[Sequence[Column]]

    def check(self, rows: list[Row], ctx: ImportContext) -> list[dict[str, Any]]:
        """Adds row errors that need more than one cell (duplicates, consistency); returns conflicts to show."""
        return []

    def apply(self, rows: list[Row], ctx: ImportContext) -> dict[str, int]:
        """Writes the valid rows; returns counts (created, updated, unchanged). Must be idempotent."""
        raise NotImplementedError


REGISTRY: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    REGISTRY[kind.code] = kind
    return kind


def get_kind(code: str) -> ImportKind:
    return REGISTRY[code]
