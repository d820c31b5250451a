import django_filters

from ..models import KnowledgeUnit, Resource, SchoolLevel


class KnowledgeUnitFilter(django_filters.FilterSet):
    subject = django_filters.CharFilter(field_name="topic__subject__code", label="Mã môn")
    grade = django_filters.NumberFilter(field_name="topic__grade", label="Lớp")
    topic = django_filters.CharFilter(field_name="topic__code", label="Mã chủ đề")

    class Meta:
        model = KnowledgeUnit
        fields = ["subject", "grade", "topic"]


class ResourceFilter(django_filters.FilterSet):
    subject = django_filters.CharFilter(field_name="subject__code", label="Mã môn")
    grade = django_filters.NumberFilter(field_name="grade", label="Lớp")
    kind = django_filters.ChoiceFilter(choices=Resource.Kind.choices, label="Loại học liệu")
    level = django_filters.ChoiceFilter(choices=SchoolLevel.choices, label="Cấp học")
    knowledge_unit = django_filters.CharFilter(field_name="knowledge_units__code", label="Mã đơn vị kiến thức")
    status = django_filters.ChoiceFilter(
        choices=Resource._meta.get_field("status").choices, label="Trạng thái (mặc định: đã xuất bản)"
    )

    class Meta:
        model = Resource
        fields = ["subject", "grade", "kind", "level", "knowledge_unit", "status"]
