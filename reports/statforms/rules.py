"""Declarative validation rules over a form's cells: what must hold before a school can submit (SPEC §5).

A ``Rule`` compares the sum of some cells with the sum of others (``le``: ≤, ``eq``: =, ``positive_if``: the left
side is above 0 whenever the right side is). ``check_rules`` returns one ``Failure`` per broken rule, carrying
the figures that disagree (each cell's label and value) and where to fix them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .engine import Cells, Fix, FormDefinition

OPERATORS = {
    "le": lambda left, right: left <= right,
    "eq": lambda left, right: left == right,
    "positive_if": lambda left, right: left > 0 or right == 0,
}
SYMBOLS = {"le": "≤", "eq": "=", "positive_if": "> 0 khi"}


@dataclass(frozen=True)
class Rule:
    code: str
    text: Any  # what must hold, in words
    left: tuple[str, ...]
    op: str
    right: tuple[str, ...] = ()  # empty: the constant 0
    fix: Fix | None = None

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"unknown rule operator {self.op!r}")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int


@dataclass(frozen=True)
class Failure:
    rule: Rule
    left: tuple[Figure, ...]
    right: tuple[Figure, ...]
    left_total: int
    right_total: int
    fix: str

    @property
    def message(self) -> str:
        def side(figures: tuple[Figure, ...], total: int) -> str:
            if not figures:
                return "0"
            parts = " + ".join(f"{figure.label} = {figure.value}" for figure in figures)
            return parts if len(figures) == 1 else f"{parts} (tổng {total})"

        return _("%(rule)s không đúng: %(left)s %(op)s %(right)s. Cách sửa: %(fix)s.") % {
            "rule": self.rule.text,
            "left": side(self.left, self.left_total),
            "op": SYMBOLS[self.rule.op],
            "right": side(self.right, self.right_total),
            "fix": self.fix,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.code,
            "text": str(self.rule.text),
            "message": self.message,
            "left": [{"cell": f.key, "label": f.label, "value": f.value} for f in self.left],
            "right": [{"cell": f.key, "label": f.label, "value": f.value} for f in self.right],
            "fix": self.fix,
            "fix_page": self.rule.fix.page if self.rule.fix else "",
        }


def _fix_of(form: FormDefinition, rule: Rule) -> str:
    fix = rule.fix or form.section(rule.left[0].split(".")[0]).fix
    return fix.describe() if fix else _("kiểm tra lại dữ liệu đã nhập")


def check_rules(*, form: FormDefinition, cells: Cells) -> list[Failure]:
    """The rules of the form that the cells break (an empty list: the figures can be submitted)."""
    failures = []
    for rule in form.rules:
        left = tuple(Figure(key, form.cell_label(key), int(cells.get(key, 0))) for key in rule.left)
        right = tuple(Figure(key, form.cell_label(key), int(cells.get(key, 0))) for key in rule.right)
        left_total = sum(figure.value for figure in left)
        right_total = sum(figure.value for figure in right)
        if not OPERATORS[rule.op](left_total, right_total):
            failures.append(Failure(rule, left, right, left_total, right_total, _fix_of(form, rule)))
    return failures
