"""Learning-library test data with Vietnamese names."""

from learning.demo import seed_catalogue
from learning.models import KnowledgeUnit


def catalogue() -> dict[str, KnowledgeUnit]:
    """The demo's starter catalogue, by knowledge-unit code."""
    seed_catalogue()
    return {unit.code: unit for unit in KnowledgeUnit.objects.select_related("topic__subject")}


def matrix_values(school, user) -> dict[str, str]:
    """Identifiers of a school's learning objects for the access matrix: a draft resource with a file, a review
    of it, a question bank of the school with a question, and a blueprint."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from learning.models import Question, Resource, Review, Subject, Topic
    from learning.services.questions import create_blueprint, get_or_create_bank, import_questions_file
    from learning.services.resources import create_resource

    from ..people.factories import UserFactory

    codes = catalogue()
    resource = create_resource(
        by=user,
        org_unit=school.org_unit,
        title=f"Bài giảng của {school.name}",
        kind=Resource.Kind.E_LECTURE,
        subject=Subject.objects.get(code="TOAN"),
        grade=6,
        licence=Resource.Licence.CC_BY,
        author="Lê Thị Hồng",
        audience=Resource.Audience.PROVINCE,
        knowledge_units=[codes["TOAN-6-C3-01"]],
        upload=SimpleUploadedFile("bai-giang.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    review = Review.objects.create(resource=resource, reviewer=UserFactory())
    bank = get_or_create_bank(name=f"Ngân hàng {school.code}", org_unit=school.org_unit)
    import_questions_file(data="::A::Câu hỏi{T}".encode(), fmt="gift", bank=bank)
    blueprint = create_blueprint(
        name="Đề", bank=bank, org_unit=school.org_unit, cells=[(Topic.objects.get(code="TOAN-6-C3"), "nhan_biet", 1)]
    )
    return {
        "uid": str(resource.uid),
        "number": "1",
        "review_id": str(review.pk),
        "bank_id": str(bank.pk),
        "question_id": str(Question.objects.filter(bank=bank).first().pk),
        "blueprint_id": str(blueprint.pk),
    }
