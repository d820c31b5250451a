from rest_framework import serializers

from ..models import KnowledgeUnit, Resource, Subject


class SubjectOutput(serializers.ModelSerializer):
    grades = serializers.SerializerMethodField()

    class Meta:
        model = Subject
        fields = ["code", "name", "grades"]

    def get_grades(self, subject: Subject) -> list[int]:
        return sorted({topic.grade for topic in subject.topics.all()})


class KnowledgeUnitOutput(serializers.ModelSerializer):
    topic = serializers.CharField(source="topic.code")
    topic_name = serializers.CharField(source="topic.name")
    subject = serializers.CharField(source="topic.subject.code")
    grade = serializers.IntegerField(source="topic.grade")

    class Meta:
        model = KnowledgeUnit
        fields = ["code", "name", "topic", "topic_name", "subject", "grade"]


class ResourceOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid")
    subject = serializers.CharField(source="subject.code")
    org_unit = serializers.CharField(source="org_unit.code")
    knowledge_units = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "subject",
            "grade",
            "level",
            "knowledge_units",
            "licence",
            "author",
            "org_unit",
            "audience",
            "status",
            "external_id",
            "published_at",
            "url",
        ]

    def get_knowledge_units(self, resource: Resource) -> list[str]:
        return [unit.code for unit in resource.knowledge_units.all()]

    def get_url(self, resource: Resource) -> str:
        """The resource's page in EduDX (its files are served there, after the permission check)."""
        request = self.context.get("request")
        path = f"/library/{resource.uid}/"
        return request.build_absolute_uri(path) if request else path


class ResourceSubmission(serializers.Serializer):
    """What an LMS sends: the resource's description and a link or a file. It always enters review."""

    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Resource.Kind.choices)
    subject = serializers.SlugRelatedField(slug_field="code", queryset=Subject.objects.all())
    grade = serializers.IntegerField(min_value=1, max_value=12)
    knowledge_units = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list)
    licence = serializers.ChoiceField(choices=Resource.Licence.choices)
    author = serializers.CharField(max_length=200)
    audience = serializers.ChoiceField(choices=Resource.Audience.choices, default=Resource.Audience.PROVINCE)
    link_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=1000)
    file = serializers.FileField(required=False, allow_null=True, default=None)
    external_id = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)

    def validate_knowledge_units(self, codes: list[str]) -> list[KnowledgeUnit]:
        wanted = {code.strip().upper() for code in codes}
        units = list(KnowledgeUnit.objects.filter(code__in=wanted).select_related("topic"))
        missing = wanted - {u.code for u in units}
        if missing:
            raise serializers.ValidationError(
                "Mã đơn vị kiến thức không có trong danh mục: " + ", ".join(sorted(missing))
            )
        return units
