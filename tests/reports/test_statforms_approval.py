"""The approval chain: school submits → its management unit approves or returns with a comment → the department
approves and the figures lock; reopening is the department's and is audited; completeness and deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from edudx.core.models import AuditEntry
from people.models import Enrolment
from reports.statforms import services
from reports.statforms.catalogue import get_form
from reports.statforms.models import FormSubmission, ReportingPeriod, SubmissionEvent
from reports.statforms.selectors import completeness, form_figures
from schools.models import SchoolYear

from .statforms_data import fill_province

pytestmark = pytest.mark.django_db

TH = get_form("TH-DN")
THPT = get_form("THPT-DN")


@pytest.fixture
def year(province) -> SchoolYear:
    year = SchoolYear.objects.get(code="2025-2026")
    fill_province(province, year, gaps=False)
    return year


def submit(province, year, school=None, form=TH, user="school_a_admin"):
    return services.submit_form(
        form=form, school=school or province.school_a, school_year=year, by=province.users[user]
    )


def test_school_submits_unit_approves_department_approves(province, year):
    submission = submit(province, year)
    assert submission.status == FormSubmission.Status.SUBMITTED
    assert submission.cells["hs.tong.tong"] > 0 and submission.form_version == TH.version
    submission = services.approve_submission(submission=submission, by=province.users["unit_a_staff"])
    assert submission.status == FormSubmission.Status.UNIT_APPROVED
    submission = services.approve_submission(submission=submission, by=province.users["department_staff"])
    assert submission.status == FormSubmission.Status.APPROVED and submission.is_locked
    actions = list(SubmissionEvent.objects.filter(submission=submission).values_list("action", flat=True))
    assert actions == ["submit", "unit_approve", "department_approve"]


def test_department_waits_for_the_unit(province, year):
    submission = submit(province, year)
    with pytest.raises(services.ApprovalError, match="chờ"):
        services.approve_submission(submission=submission, by=province.users["department_staff"])


def test_a_school_under_the_department_goes_straight_to_the_department(province, year):
    from people import services as people_services
    from people.models import Role

    from ..people.factories import UserFactory

    officer = UserFactory(username="thpt.admin")
    people_services.grant_role(user=officer, role=Role.SCHOOL_ADMIN, org_unit=province.school_thpt.org_unit)
    submission = services.submit_form(form=THPT, school=province.school_thpt, school_year=year, by=officer)
    submission = services.approve_submission(submission=submission, by=province.users["department_admin"])
    assert submission.status == FormSubmission.Status.APPROVED


def test_only_the_school_submits(province, year):
    with pytest.raises(services.NotAllowed):
        submit(province, year, user="unit_a_staff")
    with pytest.raises(services.NotAllowed):
        submit(province, year, user="school_b_admin")


def test_locked_figures_do_not_move_when_the_registry_changes(province, year):
    submission = submit(province, year)
    services.approve_submission(submission=submission, by=province.users["unit_a_staff"])
    services.approve_submission(submission=submission, by=province.users["department_staff"])
    school = form_figures(
        form=TH, org_unit=province.school_a.org_unit, school_year=year, principal=province.users["department_staff"]
    )
    unit = form_figures(
        form=TH, org_unit=province.unit_a, school_year=year, principal=province.users["department_staff"]
    )
    before_school, before_unit = dict(school.cells), dict(unit.cells)

    Enrolment.objects.filter(school=province.school_a).delete()  # the registry changes after approval

    assert (
        form_figures(
            form=TH, org_unit=province.school_a.org_unit, school_year=year, principal=province.users["department_staff"]
        ).cells
        == before_school
    )
    assert (
        form_figures(
            form=TH, org_unit=province.unit_a, school_year=year, principal=province.users["department_staff"]
        ).cells
        == before_unit
    )
    submission.refresh_from_db()
    assert submission.cells == before_school
    live = form_figures(
        form=TH,
        org_unit=province.school_a.org_unit,
        school_year=year,
        principal=province.users["department_staff"],
        live=True,
    )
    assert live.cells["hs.tong.tong"] == 0


def test_an_approved_form_cannot_be_submitted_again(province, year):
    submission = submit(province, year)
    services.approve_submission(submission=submission, by=province.users["unit_a_staff"])
    with pytest.raises(services.ApprovalError):
        submit(province, year)


def test_a_returned_form_carries_the_comment_and_can_be_resubmitted(province, year):
    submission = submit(province, year)
    with pytest.raises(services.ApprovalError):
        services.return_submission(submission=submission, by=province.users["unit_a_staff"], comment="  ")
    returned = services.return_submission(
        submission=submission, by=province.users["unit_a_staff"], comment="Số lớp khối 3 chưa khớp sổ điểm danh."
    )
    assert returned.status == FormSubmission.Status.RETURNED
    assert returned.comment == "Số lớp khối 3 chưa khớp sổ điểm danh."
    again = submit(province, year)
    assert again.pk == submission.pk and again.status == FormSubmission.Status.SUBMITTED


def test_reopening_is_the_departments_and_is_audited(province, year):
    submission = submit(province, year)
    services.approve_submission(submission=submission, by=province.users["unit_a_staff"])
    services.approve_submission(submission=submission, by=province.users["department_staff"])
    with pytest.raises(services.NotAllowed):
        services.reopen_submission(submission=submission, by=province.users["unit_a_staff"], comment="Sửa số liệu")
    reopened = services.reopen_submission(
        submission=submission, by=province.users["department_admin"], comment="Trường báo sai số học sinh khuyết tật."
    )
    assert reopened.status == FormSubmission.Status.REOPENED
    entry = AuditEntry.objects.get(entity="statforms.submission", entity_id=submission.pk)
    assert entry.actor == province.users["department_admin"]
    assert entry.changes["status"] == ["approved", "reopened"]
    assert submit(province, year).status == FormSubmission.Status.SUBMITTED


def test_completeness_shows_who_has_not_submitted_and_who_is_late(province, year):
    ReportingPeriod.objects.create(school_year=year, period="start", deadline=dt.date(2025, 10, 15))
    with time_machine.travel(dt.datetime(2025, 10, 10, 9, 0, tzinfo=dt.UTC)):
        submit(province, year)
    with time_machine.travel(dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)):
        view = completeness(
            principal=province.users["department_staff"], org_unit=province.department, school_year=year, period="start"
        )
    by_school = {(row.school.code, row.form.code): row for row in view.rows}
    assert set(by_school) == {
        ("TH-PHONGHAI", "TH-DN"),
        ("THCS-XUANQUANG", "THCS-DN"),
        ("TH-TAVAN", "TH-DN"),
        ("THPT-SO1-LC", "THPT-DN"),
    }
    assert not by_school[("TH-PHONGHAI", "TH-DN")].late
    assert by_school[("TH-TAVAN", "TH-DN")].late and by_school[("TH-TAVAN", "TH-DN")].submission is None
    assert {row.school.code for row in view.missing} == {"THCS-XUANQUANG", "TH-TAVAN", "THPT-SO1-LC"}
    units = {entry["code"]: entry for entry in view.by_unit}
    assert units["PGD-BT"]["expected"] == 2 and units["PGD-BT"]["submitted"] == 1


def test_a_units_completeness_holds_only_its_schools(province, year):
    view = completeness(
        principal=province.users["unit_a_staff"], org_unit=province.unit_a, school_year=year, period="start"
    )
    assert {row.school.code for row in view.rows} == {"TH-PHONGHAI", "THCS-XUANQUANG"}


def test_locked_figures_survive_a_new_version_of_the_form(province, year, monkeypatch):
    from dataclasses import replace

    from reports.statforms import catalogue

    submission = submit(province, year)
    services.approve_submission(submission=submission, by=province.users["unit_a_staff"])
    services.approve_submission(submission=submission, by=province.users["department_staff"])
    locked = dict(FormSubmission.objects.get().cells)
    newer = replace(TH, version="2027.1")
    monkeypatch.setattr(catalogue, "all_forms", lambda: {"TH-DN": newer})
    monkeypatch.setattr(catalogue, "RETIRED", (TH,))
    Enrolment.objects.filter(school=province.school_a).delete()
    staff = province.users["department_staff"]

    school = form_figures(form=newer, org_unit=province.school_a.org_unit, school_year=year, principal=staff)
    assert school.form.version == "2026.1" and school.cells == locked  # shown as approved, in its own version
    unit = form_figures(form=newer, org_unit=province.unit_a, school_year=year, principal=staff)
    assert unit.cells["hs.tong.tong"] == locked["hs.tong.tong"]  # shared cells keep the locked figures

    monkeypatch.setattr(catalogue, "RETIRED", ())  # the old layout forgotten: shared cells still hold
    school = form_figures(form=newer, org_unit=province.school_a.org_unit, school_year=year, principal=staff)
    assert school.form.version == "2027.1" and school.cells["hs.tong.tong"] == locked["hs.tong.tong"]
