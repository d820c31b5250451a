"""Validation rules: declarative checks over a form's cells; a failure names the figures and where to fix them,
and blocks submission."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edudx.core.jobs import SYSTEM
from people.models import Employment, Enrolment, Student
from reports.statforms import services
from reports.statforms.catalogue import get_form
from reports.statforms.engine import Fix
from reports.statforms.models import FormSubmission
from reports.statforms.rules import Rule, check_rules
from reports.statforms.selectors import form_figures
from schools.models import SchoolYear

from .statforms_data import fill_school

pytestmark = pytest.mark.django_db

FORM = get_form("TH-DN")


def test_consistent_registry_passes_every_rule(province):
    year = SchoolYear.objects.get(code="2025-2026")
    fill_school(province.school_a, year, seed=11, gaps=False)
    cells = form_figures(form=FORM, org_unit=province.school_a.org_unit, school_year=year, principal=SYSTEM).cells
    assert check_rules(form=FORM, cells=cells) == []


def test_a_blank_ethnicity_fails_with_the_figures_and_the_fix(province):
    year = SchoolYear.objects.get(code="2025-2026")
    fill_school(province.school_a, year, seed=11, gaps=False)
    studying = Enrolment.objects.filter(school=province.school_a, status="studying").order_by("pk")
    Student.objects.filter(pk__in=list(studying.values_list("student_id", flat=True)[:2])).update(ethnicity="")
    cells = form_figures(form=FORM, org_unit=province.school_a.org_unit, school_year=year, principal=SYSTEM).cells
    failures = check_rules(form=FORM, cells=cells)
    codes = {failure.rule.code for failure in failures}
    assert "hs_ethnicity_recorded" in codes
    failure = next(f for f in failures if f.rule.code == "hs_ethnicity_recorded")
    assert failure.left_total == failure.right_total - 2
    assert "Học sinh › Tổng số › Tổng số" in failure.message
    assert "Dân tộc" in failure.fix and "Học sinh" in failure.fix


def test_a_teacher_without_qualification_fails_the_qualification_sum(province):
    year = SchoolYear.objects.get(code="2025-2026")
    fill_school(province.school_a, year, seed=11, gaps=False)
    Employment.objects.filter(school=province.school_a, position="teacher").update(qualification="")
    cells = form_figures(form=FORM, org_unit=province.school_a.org_unit, school_year=year, principal=SYSTEM).cells
    failure = next(f for f in check_rules(form=FORM, cells=cells) if f.rule.code == "ns_gv_qualification")
    assert failure.left_total == 0 and failure.right_total == cells["ns.gv.tong"] > 0
    assert "Trình độ đào tạo" in failure.fix


def test_failed_rules_block_submission_and_nothing_is_stored(province):
    year = SchoolYear.objects.get(code="2025-2026")
    fill_school(province.school_a, year, seed=11, gaps=False)
    Enrolment.objects.filter(school=province.school_a, status="studying").update(grade="3")  # all in grade 3 …
    Enrolment.objects.filter(school=province.school_a).update(class_name="")  # … and no class recorded
    with pytest.raises(services.RulesBroken) as refused:
        services.submit_form(form=FORM, school=province.school_a, school_year=year, by=province.users["school_a_admin"])
    assert any(f.rule.code == "lop_k3_classes" for f in refused.value.failures)
    assert not FormSubmission.objects.exists()


@given(
    left=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=4),
    right=st.lists(st.integers(min_value=0, max_value=10**6), max_size=4),
    op=st.sampled_from(["le", "eq", "positive_if"]),
)
def test_a_rule_fails_exactly_when_its_comparison_is_false(left, right, op):
    keys = [f"hs.k1.{col}" for col in ("tong", "nu", "dtts", "dtts_nu", "khuyet_tat", "luu_ban")]
    left_keys, right_keys = keys[: len(left)], [f"hs.k2.{k.split('.')[2]}" for k in keys[: len(right)]]
    cells = dict(zip(left_keys, left, strict=True)) | dict(zip(right_keys, right, strict=True))
    rule = Rule("x", "x", tuple(left_keys), op, tuple(right_keys), Fix("student-list", "students", "Khối"))
    form = type(FORM)(**{**FORM.__dict__, "rules": (rule,)})
    holds = {
        "le": sum(left) <= sum(right),
        "eq": sum(left) == sum(right),
        "positive_if": sum(left) > 0 or sum(right) == 0,
    }
    failures = check_rules(form=form, cells=cells)
    assert (failures == []) == holds[op]
    if failures:
        assert [f.value for f in failures[0].left] == left
