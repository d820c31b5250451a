import pytest

from learning.models import ContentStatus, Question, Resource, Review, Subject
from learning.selectors import list_resources, reviewer_queue
from learning.services.questions import get_or_create_bank, import_questions_file
from learning.services.review import (
    ReviewError,
    add_council_member,
    assign_reviewers,
    record_review,
    submit_for_review,
)
from people import services as people_services
from people.models import Role

from ..people.factories import UserFactory
from .test_resources import make

pytestmark = pytest.mark.django_db
GOOD = {"accuracy": 5, "curriculum": 4, "pedagogy": 4, "presentation": 5, "legal": 5}


@pytest.fixture
def council(province):
    math = Subject.objects.get_or_create(code="TOAN", defaults={"name": "Toán"})[0]
    members = []
    for name in ("Trần Văn Bình", "Lê Thị Mai", "Phạm Quốc Huy"):
        user = UserFactory(full_name=name)
        people_services.grant_role(user=user, role=Role.REVIEWER, org_unit=province.department)
        add_council_member(user=user, subject=math, level="THCS")
        members.append(user)
    return members


def test_submission_assigns_two_reviewers_of_the_subject_council(province, council):
    resource = make(province, link="https://example.edu.vn/phan-so")
    submit_for_review(item=resource, by=province.users["teacher_a"])
    resource.refresh_from_db()
    assert resource.status == ContentStatus.IN_REVIEW
    assert Review.objects.filter(resource=resource).count() == 2
    assigned = {r.reviewer_id for r in Review.objects.filter(resource=resource)}
    assert assigned < {u.pk for u in council}
    # the next submission goes to the member with fewer open reviews first
    other = make(province, link="https://example.edu.vn/so-sanh", title="So sánh phân số")
    submit_for_review(item=other, by=province.users["teacher_a"])
    assert ({u.pk for u in council} - assigned) <= {r.reviewer_id for r in Review.objects.filter(resource=other)}


def test_without_a_council_the_item_waits_as_submitted(province):
    resource = make(province, link="https://example.edu.vn/phan-so")
    submit_for_review(item=resource, by=province.users["teacher_a"])
    resource.refresh_from_db()
    assert resource.status == ContentStatus.SUBMITTED and not Review.objects.exists()


def test_all_approvals_publish_and_the_resource_reaches_other_schools(province, council, client_for):
    resource = make(province, link="https://example.edu.vn/phan-so")
    other_school = province.users["school_b_admin"]
    assert not list_resources(visible_to=other_school).filter(pk=resource.pk).exists()
    submit_for_review(item=resource, by=province.users["teacher_a"])
    assert not list_resources(visible_to=other_school).filter(pk=resource.pk).exists()
    reviews = list(Review.objects.filter(resource=resource))
    record_review(review=reviews[0], by=reviews[0].reviewer, decision="approve", scores=GOOD)
    resource.refresh_from_db()
    assert resource.status == ContentStatus.IN_REVIEW  # the round is still open
    record_review(review=reviews[1], by=reviews[1].reviewer, decision="approve", scores=GOOD, comment="Tốt")
    resource.refresh_from_db()
    assert resource.status == ContentStatus.PUBLISHED and resource.published_at is not None
    assert list_resources(visible_to=other_school).filter(pk=resource.pk).exists()


def test_school_audience_stays_inside_the_school_even_when_published(province, council):
    resource = make(province, link="https://example.edu.vn/x", audience=Resource.Audience.SCHOOL)
    Resource.objects.filter(pk=resource.pk).update(status=ContentStatus.PUBLISHED)
    assert list_resources(visible_to=province.users["teacher_a"]).filter(pk=resource.pk).exists()
    assert not list_resources(visible_to=province.users["school_b_admin"]).filter(pk=resource.pk).exists()
    assert list_resources(visible_to=province.users["unit_a_staff"]).filter(pk=resource.pk).exists()


def test_unit_audience_reaches_the_units_schools_only(province):
    resource = make(province, link="https://example.edu.vn/x", audience=Resource.Audience.UNIT)
    Resource.objects.filter(pk=resource.pk).update(status=ContentStatus.PUBLISHED)
    sibling = UserFactory()
    people_services.grant_role(user=sibling, role=Role.TEACHER, org_unit=province.school_a2.org_unit)
    assert list_resources(visible_to=sibling).filter(pk=resource.pk).exists()
    assert not list_resources(visible_to=province.users["school_b_admin"]).filter(pk=resource.pk).exists()


def test_any_change_request_sends_it_back_and_resubmission_opens_round_two(province, council):
    resource = make(province, link="https://example.edu.vn/phan-so")
    submit_for_review(item=resource, by=province.users["teacher_a"])
    first, second = Review.objects.filter(resource=resource)
    record_review(review=first, by=first.reviewer, decision="approve", scores=GOOD)
    with pytest.raises(ReviewError, match="nhận xét"):
        record_review(review=second, by=second.reviewer, decision="changes", scores=GOOD)
    record_review(review=second, by=second.reviewer, decision="changes", scores=GOOD, comment="Bổ sung ví dụ")
    resource.refresh_from_db()
    assert resource.status == ContentStatus.CHANGES_REQUESTED
    submit_for_review(item=resource, by=province.users["teacher_a"])
    assert set(Review.objects.filter(resource=resource).values_list("round", flat=True)) == {1, 2}


def test_rejection_wins_and_scores_must_be_complete(province, council):
    resource = make(province, link="https://example.edu.vn/phan-so")
    submit_for_review(item=resource, by=province.users["teacher_a"])
    first, second = Review.objects.filter(resource=resource)
    with pytest.raises(ReviewError, match="1 đến 5"):
        record_review(review=first, by=first.reviewer, decision="approve", scores={"accuracy": 9})
    record_review(review=first, by=first.reviewer, decision="reject", scores=GOOD, comment="Sai kiến thức")
    record_review(review=second, by=second.reviewer, decision="approve", scores=GOOD)
    resource.refresh_from_db()
    assert resource.status == ContentStatus.REJECTED


def test_only_the_assigned_reviewer_decides_and_queue_lists_open_reviews(province, council):
    resource = make(province, link="https://example.edu.vn/phan-so")
    submit_for_review(item=resource, by=province.users["teacher_a"])
    review = Review.objects.filter(resource=resource).first()
    with pytest.raises(PermissionError):
        record_review(review=review, by=province.users["department_admin"], decision="approve", scores=GOOD)
    assert [r.pk for r in reviewer_queue(reviewer=review.reviewer)] == [review.pk]
    record_review(review=review, by=review.reviewer, decision="approve", scores=GOOD)
    assert list(reviewer_queue(reviewer=review.reviewer)) == []


def test_manual_assignment_refuses_reviewers_outside_the_council(province, council):
    resource = make(province, link="https://example.edu.vn/phan-so")
    Resource.objects.filter(pk=resource.pk).update(status=ContentStatus.SUBMITTED)
    with pytest.raises(ReviewError, match="không thuộc hội đồng"):
        assign_reviewers(item=resource, reviewers=[province.users["department_staff"]])
    assign_reviewers(item=resource, reviewers=[council[2]])
    resource.refresh_from_db()
    assert resource.status == ContentStatus.IN_REVIEW


def test_questions_are_reviewed_like_resources(province, council):
    from .factories import catalogue

    catalogue()
    bank = get_or_create_bank(name=None, org_unit=province.department)  # a department bank: shared province-wide
    import_questions_file(data=b"// [tag:dvkt:TOAN-6-C3-02]\n::So sanh::3/4 > 2/3?{T}", fmt="gift", bank=bank)
    question = Question.objects.get()
    outsider = province.users["school_b_admin"]
    assert not Question.objects.visible_to(outsider).exists()
    submit_for_review(item=question, by=province.users["teacher_a"])
    for review in Review.objects.filter(question=question):
        record_review(review=review, by=review.reviewer, decision="approve", scores=GOOD)
    question.refresh_from_db()
    assert question.status == ContentStatus.PUBLISHED
    assert Question.objects.visible_to(outsider).filter(pk=question.pk).exists()


def _publish_through_council(resource, province):
    submit_for_review(item=resource, by=province.users["teacher_a"])
    for review in Review.objects.filter(resource=resource, decision=""):
        record_review(review=review, by=review.reviewer, decision="approve", scores=GOOD)
    resource.refresh_from_db()
    return resource


def test_a_new_version_in_review_leaves_the_published_version_serving_until_approved(province, council, client_for):
    from learning.services.resources import add_version

    resource = _publish_through_council(make(province, link="https://example.edu.vn/v1"), province)
    assert resource.status == ContentStatus.PUBLISHED and resource.published_number == 1
    add_version(resource=resource, by=province.users["teacher_a"], link_url="https://example.edu.vn/v2")
    submit_for_review(item=resource, by=province.users["teacher_a"])
    resource.refresh_from_db()
    assert resource.status == ContentStatus.PUBLISHED and resource.revision_status == ContentStatus.IN_REVIEW
    other_school = province.users["school_b_admin"]
    assert list_resources(visible_to=other_school).filter(pk=resource.pk).exists()  # still found, still served
    page = client_for(other_school).get(f"/library/{resource.uid}/")
    assert page.status_code == 200
    assert "example.edu.vn/v1" in page.content.decode() and "example.edu.vn/v2" not in page.content.decode()
    own = client_for(province.users["teacher_a"]).get(f"/library/{resource.uid}/")
    assert "example.edu.vn/v2" in own.content.decode()  # the owning unit sees the revision
    reviews = list(Review.objects.filter(resource=resource, round=2))
    assert {r.pk for r in reviewer_queue(reviewer=reviews[0].reviewer)} >= {reviews[0].pk}
    # changes requested: version 1 keeps serving
    record_review(review=reviews[0], by=reviews[0].reviewer, decision="changes", scores=GOOD, comment="Sửa hình 2")
    record_review(review=reviews[1], by=reviews[1].reviewer, decision="approve", scores=GOOD)
    resource.refresh_from_db()
    assert resource.status == ContentStatus.PUBLISHED and resource.published_number == 1
    assert resource.revision_status == ContentStatus.CHANGES_REQUESTED
    # a third version, approved: it replaces the published one
    add_version(resource=resource, by=province.users["teacher_a"], link_url="https://example.edu.vn/v3")
    resource = _publish_through_council(resource, province)
    assert resource.status == ContentStatus.PUBLISHED and resource.revision_status == ""
    assert resource.published_number == 3
    page = client_for(other_school).get(f"/library/{resource.uid}/")
    assert "example.edu.vn/v3" in page.content.decode()


def test_a_rejected_revision_leaves_the_published_version_and_another_can_follow(province, council):
    from learning.services.resources import add_version

    resource = _publish_through_council(make(province, link="https://example.edu.vn/v1"), province)
    add_version(resource=resource, by=province.users["teacher_a"], link_url="https://example.edu.vn/v2")
    submit_for_review(item=resource, by=province.users["teacher_a"])
    for review in Review.objects.filter(resource=resource, decision=""):
        record_review(review=review, by=review.reviewer, decision="reject", scores=GOOD, comment="Sai kiến thức")
    resource.refresh_from_db()
    assert resource.status == ContentStatus.PUBLISHED and resource.published_number == 1
    assert resource.revision_status == ContentStatus.REJECTED
    add_version(resource=resource, by=province.users["teacher_a"], link_url="https://example.edu.vn/v3")
    resource.refresh_from_db()
    assert resource.revision_status == ContentStatus.DRAFT


def test_a_revision_under_review_cannot_be_replaced_by_yet_another_version(province, council):
    from learning.services.resources import ResourceError, add_version

    resource = _publish_through_council(make(province, link="https://example.edu.vn/v1"), province)
    add_version(resource=resource, by=province.users["teacher_a"], link_url="https://example.edu.vn/v2")
    submit_for_review(item=resource, by=province.users["teacher_a"])
    with pytest.raises(ResourceError):
        add_version(resource=resource, by=province.users["teacher_a"], link_url="https://example.edu.vn/v3")
