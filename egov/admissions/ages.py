"""The age a child must have for an entry grade (a pure module: no database).

Vietnamese rules count age by birth year, not by birthday: a child "is 6" for grade 1 when they turn 6 in the
calendar year the school year starts (Circular 28/2020/TT-BGDĐT, Điều lệ trường tiểu học), whatever the day of
birth: for the school year 2026-2027, children born from 01/01/2020 to 31/12/2020. Likewise grade 6 takes children
turning 11 and grade 10 children turning 15 (Điều lệ trường THCS, THPT: Circular 32/2020/TT-BGDĐT). Preschool age
groups are birth years too: the 3-, 4- and 5-year-old kindergarten groups, and the crèche (nhà trẻ) for children
turning 1 or 2.

Older children are admitted within a number of years a round sets: for everyone (``older_years``, e.g. 1 for a
grade-6 round that accepts a child who repeated a year), and for children of the third priority group (ethnic
minority, disability, especially disadvantaged areas: ``older_years_priority``, up to 3 by the regulations).
Younger children are never admitted. Preschool groups admit no older child: a child of another birth year belongs
to another group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

# entry grade → (youngest, oldest) age turned in the calendar year the school year starts
NOMINAL_AGES: dict[str, tuple[int, int]] = {
    "NT": (1, 2),
    "MG3": (3, 3),
    "MG4": (4, 4),
    "MG5": (5, 5),
    "1": (6, 6),
    "6": (11, 11),
    "10": (15, 15),
}
SCHOOL_GRADES = ("1", "6", "10")  # the grades where an older child may be admitted


@dataclass(frozen=True)
class AgeRule:
    entry_grade: str
    start_year: int  # the calendar year the school year starts
    older_years: int = 0
    older_years_priority: int = 0

    def birth_years(self, *, priority: bool = False) -> tuple[int, int]:
        """(earliest, latest) birth year admitted."""
        youngest, oldest = NOMINAL_AGES[self.entry_grade]
        if self.entry_grade in SCHOOL_GRADES:
            oldest += max(self.older_years, self.older_years_priority if priority else 0)
        return self.start_year - oldest, self.start_year - youngest


def age_refusal(*, rule: AgeRule, birth_date: dt.date, grade_label: str, priority: bool = False) -> str | None:
    """None when the child may enter the grade, else the Vietnamese reason (which birth years the round takes)."""
    earliest, latest = rule.birth_years(priority=priority)
    year = birth_date.year
    school_year = f"{rule.start_year}-{rule.start_year + 1}"
    taken = str(latest) if earliest == latest else f"{earliest}–{latest}"
    if year > latest:
        return _(
            "Trẻ sinh năm %(year)d chưa đủ tuổi vào %(grade)s năm học %(school_year)s (nhận trẻ sinh năm %(taken)s)."
        ) % {"year": year, "grade": grade_label, "school_year": school_year, "taken": taken}
    if year < earliest:
        message = _(
            "Trẻ sinh năm %(year)d đã quá tuổi vào %(grade)s năm học %(school_year)s (nhận trẻ sinh năm %(taken)s)."
        ) % {"year": year, "grade": grade_label, "school_year": school_year, "taken": taken}
        if not priority and rule.entry_grade in SCHOOL_GRADES and rule.older_years_priority > rule.older_years:
            message += " " + _(
                "Trẻ thuộc nhóm ưu tiên 3 (dân tộc thiểu số, khuyết tật, vùng đặc biệt khó khăn) được vào học "
                "muộn hơn tối đa %(n)d năm: chọn đúng nhóm ưu tiên nếu trẻ thuộc nhóm này."
            ) % {"n": rule.older_years_priority}
        return message
    return None
