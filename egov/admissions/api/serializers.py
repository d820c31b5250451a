"""Input and output serializers of the admissions API, kept apart so that no field can be mass-assigned."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from people.national_id import mask_national_id

from ..models import AdmissionRound, Application, ApplicationStatus


class RoundSchoolOutput(serializers.Serializer):
    school = serializers.CharField(source="school.code")
    name = serializers.CharField(source="school.name")
    quota = serializers.IntegerField()


class RoundOutput(serializers.ModelSerializer):
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    school_year = serializers.SlugRelatedField(slug_field="code", read_only=True)
    schools = RoundSchoolOutput(many=True, read_only=True)

    class Meta:
        model = AdmissionRound
        fields = [
            "code",
            "name",
            "org_unit",
            "school_year",
            "entry_grade",
            "method",
            "status",
            "applications_open_at",
            "applications_close_at",
            "results_at",
            "confirmation_close_at",
            "seed",
            "rules_text",
            "schools",
        ]


class ApplicationOutput(serializers.ModelSerializer):
    """Staff view of an application: the child's ID masked, choices and result as school codes."""

    round = serializers.SlugRelatedField(slug_field="code", read_only=True)
    child_national_id = serializers.SerializerMethodField()
    ward = serializers.SlugRelatedField(slug_field="code", read_only=True)
    choices = serializers.SerializerMethodField()
    result_school = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "receipt_code",
            "round",
            "child_national_id",
            "child_full_name",
            "child_birth_date",
            "child_gender",
            "ward",
            "priority_group",
            "choices",
            "status",
            "invalid_reasons",
            "exam_score",
            "tiebreak_score",
            "result_school",
            "confirmed_at",
            "submitted_at",
        ]

    @extend_schema_field(serializers.CharField())
    def get_child_national_id(self, obj: Application) -> str:
        return mask_national_id(obj.child_national_id)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_choices(self, obj: Application) -> list[str]:
        return [rs.school.org_unit.code for rs in obj.choices]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_result_school(self, obj: Application) -> str | None:
        return obj.result_school.school.org_unit.code if obj.result_school_id else None


class ReviewInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[ApplicationStatus.VALID, ApplicationStatus.INVALID])
    reasons = serializers.CharField(required=False, allow_blank=True, max_length=2000)
