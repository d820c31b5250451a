"""Loading a criteria set from data (the data migration and ``manage.py load_dx_criteria``), idempotently.

A set is identified by (code, version). Loading it again updates the texts of its criteria in place and adds
missing ones, but never removes a criterion that assessments already scored; the points of each group must add
up to 100, or nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction

GROUP_TOTAL = 100


class CriteriaSetError(ValueError):
    """The data of a criteria set is unusable (its message is for the operator)."""


def check_definition(definition: dict[str, Any]) -> None:
    totals: dict[str, int] = defaultdict(int)
    codes = set()
    for row in definition["criteria"]:
        if row["code"] in codes:
            raise CriteriaSetError(f"Mã tiêu chí {row['code']} bị trùng.")
        codes.add(row["code"])
        if int(row["max_points"]) <= 0:
            raise CriteriaSetError(f"Tiêu chí {row['code']}: điểm tối đa phải lớn hơn 0.")
        totals[row["group"]] += int(row["max_points"])
    for group in ("teaching", "management"):
        if totals.get(group) != GROUP_TOTAL:
            raise CriteriaSetError(
                f"Nhóm {group}: tổng điểm tối đa là {totals.get(group, 0)}, phải đúng {GROUP_TOTAL}."
            )


def load_criteria_set(*, definition: dict[str, Any], criteria_set_model=None, criterion_model=None):
    """Creates or updates the set (code, version) and its criteria; returns (set, created, updated counts)."""
    if criteria_set_model is None or criterion_model is None:
        from .models import CriteriaSet, Criterion

        criteria_set_model, criterion_model = CriteriaSet, Criterion
    check_definition(definition)
    with transaction.atomic():
        criteria_set, _created = criteria_set_model.objects.update_or_create(
            code=definition["code"],
            version=definition["version"],
            defaults={"name": definition["name"], "source": definition.get("source", ""), "is_active": True},
        )
        created = updated = 0
        for row in definition["criteria"]:
            values = {key: value for key, value in row.items() if key != "code"}
            existing = criterion_model.objects.filter(criteria_set=criteria_set, code=row["code"]).first()
            if existing is None:
                criterion_model.objects.create(criteria_set=criteria_set, code=row["code"], **values)
                created += 1
            elif any(getattr(existing, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(existing, key, value)
                existing.save()
                updated += 1
    return criteria_set, created, updated
