import pytest

from learning.demo import seed_learning
from learning.models import ContentStatus, Question, Resource
from learning.models import TestBlueprint as Blueprint
from learning.selectors import content_coverage
from learning.services.questions import generate_test_form
from people import services as people_services
from people.models import Role
from schools.models import SchoolYear

from ..people.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_library_is_reviewed_published_and_idempotent(province):
    reviewer = UserFactory(username="thamdinh", full_name="Vũ Đức Minh")
    people_services.grant_role(user=reviewer, role=Role.REVIEWER, org_unit=province.department)
    teacher = UserFactory(username="giaovien", full_name="Lò Thị Mai")
    people_services.grant_role(user=teacher, role=Role.TEACHER, org_unit=province.school_a.org_unit)
    first = seed_learning(department=province.department)
    again = seed_learning(department=province.department)
    assert first["Học liệu"] > 10 and again["Học liệu"] == 0 and again["Câu hỏi"] == 0
    assert set(Resource.objects.values_list("status", flat=True)) == {ContentStatus.PUBLISHED}
    assert set(Question.objects.values_list("status", flat=True)) == {ContentStatus.PUBLISHED}
    covered, total = content_coverage(school_year=SchoolYear.objects.get(code="2025-2026"))
    assert 0 < covered < total
    form = generate_test_form(blueprint=Blueprint.objects.get(), seed=2026)
    assert len(form.questions) == 4


def test_without_the_demo_accounts_only_the_catalogue_is_seeded(province):
    created = seed_learning(department=province.department)
    assert created["Đơn vị kiến thức"] > 40 and not Resource.objects.exists()
