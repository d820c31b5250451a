"""Declarative import templates: the columns of a kind, and finding them in whatever header row a file has."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from edudx.core.text import fold

from .values import parse_text


def header_key(label: Any) -> str:
    """Case-, space-, punctuation- and diacritic-insensitive form of a header cell."""
    if label is None:
        return ""
    return re.sub(r"[^a-z0-9]+", "", fold(str(label)))


@dataclass(frozen=True)
class Column:
    key: str  # the field name in the parsed row
    label: str  # the canonical Vietnamese header
    parse: Callable[[Any], Any] = parse_text
    required: bool = False
    aliases: Sequence[str] = ()
    help: str = ""  # what to write, shown in the template's note row
    choices: Sequence[str] = ()  # dropdown values in the downloadable template

    def header_keys(self) -> set[str]:
        return {header_key(self.label), *(header_key(alias) for alias in self.aliases)}


@dataclass
class HeaderMatch:
    row_index: int  # 0-based index of the header row in the sheet
    positions: dict[str, int]  # column key → 0-based column index
    extra: list[str] = field(default_factory=list)  # header cells that match no column (warned, ignored)
    missing_required: list[str] = field(default_factory=list)  # canonical labels


def find_header(rows: Sequence[Sequence[Any]], columns: Sequence[Column], *, scan: int = 30) -> HeaderMatch | None:
    """The row among the first ``scan`` that names the most known columns (title rows above are skipped)."""
    lookup = {key: column for column in columns for key in column.header_keys()}
    best: HeaderMatch | None = None
    best_hits = 0
    for index, row in enumerate(rows[:scan]):
        positions: dict[str, int] = {}
        extra: list[str] = []
        for col_index, cell in enumerate(row):
            key = header_key(cell)
            if not key:
                continue
            column = lookup.get(key)
            if column is not None and column.key not in positions:
                positions[column.key] = col_index
            else:
                extra.append(str(cell).strip())
        if len(positions) > best_hits:
            best_hits = len(positions)
            missing = [c.label for c in columns if c.required and c.key not in positions]
            best = HeaderMatch(index, positions, extra, missing)
    return best if best_hits >= 2 else None
