"""The workflow: draft → submitted → (returned ↔ submitted) → verified → published; who may do each step."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from edudx.core.jobs import SYSTEM
from edudx.core.models import AuditEntry
from people import services as people_services
from people.models import Role
from reports.maturity import services
from reports.maturity.models import Action, Status

from ..people.factories import UserFactory
from .helpers import score_everything, start, year

pytestmark = pytest.mark.django_db
ON_TIME = date(2026, 5, 31)
LATE = date(2026, 6, 1)


@pytest.fixture
def scored(province):
    assessment = start(province)
    return score_everything(assessment, province.users["school_a_admin"], lambda c: c.max_points * Decimal("0.8"))


def test_full_chain_records_every_transition(province, scored):
    school, unit = province.users["school_a_admin"], province.users["unit_a_staff"]
    services.submit_assessment(assessment=scored, by=school, today=ON_TIME)
    services.request_more_evidence(assessment=scored, by=unit, comment="Bổ sung biên bản họp hội đồng")
    services.submit_assessment(assessment=scored, by=school, today=ON_TIME)
    services.verify_assessment(
        assessment=scored, by=unit, adjustments={"DH1": ("2", "Phòng Tin học chưa đủ máy")}, comment="Đạt"
    )
    services.publish_assessment(assessment=scored, by=unit)
    scored.refresh_from_db()
    assert scored.status == Status.PUBLISHED
    moves = list(scored.transitions.values_list("action", "from_status", "to_status", "actor__username"))
    assert moves == [
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED, "school.a.admin"),
        (Action.REQUEST_EVIDENCE, Status.SUBMITTED, Status.RETURNED, "unit.a.staff"),
        (Action.SUBMIT, Status.RETURNED, Status.SUBMITTED, "school.a.admin"),
        (Action.VERIFY, Status.SUBMITTED, Status.VERIFIED, "unit.a.staff"),
        (Action.PUBLISH, Status.VERIFIED, Status.PUBLISHED, "unit.a.staff"),
    ]
    assert scored.transitions.get(action=Action.REQUEST_EVIDENCE).comment == "Bổ sung biên bản họp hội đồng"


def test_verifier_adjustment_changes_the_score_and_keeps_the_comment(province, scored):
    services.submit_assessment(assessment=scored, by=province.users["school_a_admin"], today=ON_TIME)
    before = scored.teaching_score
    services.verify_assessment(
        assessment=scored, by=province.users["unit_a_staff"], adjustments={"DH1": ("0", "Không có phòng Tin học")}
    )
    scored.refresh_from_db()
    item = scored.items.get(criterion__code="DH1")
    assert item.verified_points == 0 and item.verifier_comment == "Không có phòng Tin học"
    assert scored.teaching_score == before - Decimal(8)


def test_an_adjustment_without_a_comment_is_refused_and_nothing_changes(province, scored):
    services.submit_assessment(assessment=scored, by=province.users["school_a_admin"], today=ON_TIME)
    with pytest.raises(ValidationError, match="DH1"):
        services.verify_assessment(assessment=scored, by=province.users["unit_a_staff"], adjustments={"DH1": ("1", "")})
    scored.refresh_from_db()
    assert scored.status == Status.SUBMITTED
    assert scored.items.get(criterion__code="DH1").verified_points is None


def test_a_school_cannot_verify_or_publish_its_own_assessment(province, scored):
    school = province.users["school_a_admin"]
    services.submit_assessment(assessment=scored, by=school, today=ON_TIME)
    with pytest.raises(PermissionDenied):
        services.verify_assessment(assessment=scored, by=school)
    services.verify_assessment(assessment=scored, by=province.users["department_staff"])
    with pytest.raises(PermissionDenied):
        services.publish_assessment(assessment=scored, by=school)
    scored.refresh_from_db()
    assert scored.status == Status.VERIFIED


def test_another_units_staff_cannot_verify(province, scored):
    services.submit_assessment(assessment=scored, by=province.users["school_a_admin"], today=ON_TIME)
    other = UserFactory(username="phong.sapa")
    people_services.grant_role(user=other, role=Role.UNIT_STAFF, org_unit=province.unit_b)
    with pytest.raises(PermissionDenied):
        services.verify_assessment(assessment=scored, by=other)


def test_publishing_needs_verification_first(province, scored):
    services.submit_assessment(assessment=scored, by=province.users["school_a_admin"], today=ON_TIME)
    with pytest.raises(ValidationError, match="Công bố"):
        services.publish_assessment(assessment=scored, by=province.users["unit_a_staff"])


def test_submission_on_31_may_is_accepted_and_on_1_june_refused(province, scored):
    with pytest.raises(ValidationError, match=r"quá hạn nộp.*31/05/2026"):
        services.submit_assessment(assessment=scored, by=province.users["school_a_admin"], today=LATE)
    scored.refresh_from_db()
    assert scored.status == Status.DRAFT and not scored.transitions.exists()
    services.submit_assessment(assessment=scored, by=province.users["school_a_admin"], today=ON_TIME)


def test_the_department_reopens_late_submission_and_it_is_audited(province, scored):
    with pytest.raises(PermissionDenied):
        services.reopen_assessment(assessment=scored, by=province.users["unit_a_staff"], comment="Xin nộp muộn")
    with pytest.raises(ValidationError, match="lý do"):
        services.reopen_assessment(assessment=scored, by=province.users["department_admin"], comment=" ")
    services.reopen_assessment(
        assessment=scored, by=province.users["department_admin"], comment="Trường bị lũ cắt điện", today=LATE,
        until=date(2026, 6, 10),
    )  # fmt: skip
    services.submit_assessment(assessment=scored, by=province.users["school_a_admin"], today=date(2026, 6, 10))
    with pytest.raises(ValidationError):  # after the reopening too
        services.reopen_assessment(
            assessment=scored, by=province.users["department_admin"], comment="x", today=LATE, until=date(2026, 5, 1)
        )
    audit = AuditEntry.objects.get(entity="maturity.assessment", entity_id=scored.pk)
    assert audit.actor == province.users["department_admin"]
    assert audit.changes["reopened_until"][1] == "2026-06-10"
    assert scored.transitions.filter(action=Action.REOPEN, comment="Trường bị lũ cắt điện").exists()


def test_submission_lists_unscored_criteria_and_missing_evidence(province):
    assessment = start(province)
    user = province.users["school_a_admin"]
    services.score_item(assessment=assessment, criterion_code="QT1", points="8", by=user)
    with pytest.raises(ValidationError) as error:
        services.submit_assessment(assessment=assessment, by=user, today=ON_TIME)
    message = " ".join(error.value.messages)
    assert "QT1: cần tệp minh chứng" in message and "DH1: chưa chấm điểm" in message


def test_a_submitted_assessment_cannot_be_edited_by_the_school(province, scored):
    user = province.users["school_a_admin"]
    services.submit_assessment(assessment=scored, by=user, today=ON_TIME)
    with pytest.raises(ValidationError, match="không sửa được"):
        services.score_item(assessment=scored, criterion_code="DH1", points="1", justification="x", by=user)


def test_levels_follow_the_points_of_both_groups(province):
    assessment = start(province)
    # Teaching 80 (level 3), management 60 (level 2): the school is level 2.
    assessment = score_everything(
        assessment,
        province.users["school_a_admin"],
        lambda c: c.max_points * (Decimal("0.8") if c.group == "teaching" else Decimal("0.6")),
    )
    assert (assessment.teaching_score, assessment.management_score) == (Decimal(80), Decimal(60))
    assert (assessment.teaching_level, assessment.management_level, assessment.level) == (3, 2, 2)


def test_a_preschool_is_not_assessed_with_the_4725_set(province):
    from ..schools.factories import SchoolFactory

    preschool = SchoolFactory(code="MN-HOASEN", name="Trường Mầm non Hoa Sen", parent=province.unit_a, levels=["MN"])
    with pytest.raises(ValidationError, match="mầm non"):
        services.start_assessment(school=preschool, school_year=year(), by=SYSTEM)


def test_reopening_a_published_assessment_clears_the_adjustments_into_the_audit(province, scored):
    unit = province.users["unit_a_staff"]
    services.submit_assessment(assessment=scored, by=province.users["school_a_admin"], today=ON_TIME)
    services.verify_assessment(assessment=scored, by=unit, adjustments={"DH1": ("0", "Không có phòng Tin học")})
    services.publish_assessment(assessment=scored, by=unit)
    services.reopen_assessment(assessment=scored, by=province.users["department_staff"], comment="Khiếu nại điểm")
    scored.refresh_from_db()
    assert scored.status == Status.DRAFT and scored.published_at is None
    assert not scored.items.filter(verified_points__isnull=False).exists()
    assert scored.teaching_score == Decimal(80)  # the school's own points count again
    audit = AuditEntry.objects.get(entity="maturity.assessment", entity_id=scored.pk)
    assert audit.changes["adjustments"][0] == {"DH1": ["0.00", "Không có phòng Tin học"]}
    assert audit.changes["status"] == [Status.PUBLISHED, Status.DRAFT]


def test_an_assessment_returned_after_the_deadline_can_be_resubmitted(province, scored):
    school = province.users["school_a_admin"]
    services.submit_assessment(assessment=scored, by=school, today=ON_TIME)
    services.request_more_evidence(assessment=scored, by=province.users["unit_a_staff"], comment="Thiếu biên bản")
    services.submit_assessment(assessment=scored, by=school, today=date(2026, 6, 8))
    scored.refresh_from_db()
    assert scored.status == Status.SUBMITTED
