"""The criteria set is data: loaded by the migration, and loading it again changes nothing."""

import pytest
from django.core.management import call_command

from reports.maturity import criteria_4725
from reports.maturity.loader import load_criteria_set
from reports.maturity.models import CriteriaSet, Criterion, Group

pytestmark = pytest.mark.django_db


def test_the_migration_loaded_decision_4725_with_100_points_per_group():
    criteria_set = CriteriaSet.objects.get(code="QD4725", version=1)
    for group in Group.values:
        points = sum(criteria_set.criteria.filter(group=group).values_list("max_points", flat=True))
        assert points == 100
    assert criteria_set.criteria.exclude(measure="").count() >= 10


def test_loading_twice_writes_nothing_the_second_time():
    before = list(Criterion.objects.order_by("pk").values())
    _set, created, updated = load_criteria_set(definition=criteria_4725.DEFINITION)
    call_command("load_dx_criteria", verbosity=0)
    assert (created, updated) == (0, 0)
    assert list(Criterion.objects.order_by("pk").values()) == before
    assert CriteriaSet.objects.filter(code="QD4725").count() == 1


def test_a_new_version_is_a_new_set_beside_the_old_one():
    definition = {**criteria_4725.DEFINITION, "version": 2}
    new_set, created, _updated = load_criteria_set(definition=definition)
    assert created == len(criteria_4725.DEFINITION["criteria"])
    assert CriteriaSet.objects.filter(code="QD4725").count() == 2
    assert new_set.version == 2


def test_the_loader_command_refuses_an_unusable_file_with_exit_2(tmp_path):
    bad = tmp_path / "bo.json"
    bad.write_text('{"code": "X"}', encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        call_command("load_dx_criteria", str(bad))
    assert error.value.returncode == 2
