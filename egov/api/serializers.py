"""Input and output serializers of the egov API, kept apart so that no field can be mass-assigned."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import TRANSITIONS, Dossier, DossierStatus, Procedure


class ProcedureOutput(serializers.ModelSerializer):
    competent_org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "kind",
            "competent_org_unit",
            "mode",
            "processing_days",
            "fee",
            "required_documents",
            "form_fields",
        ]


class HistoryItemOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=DossierStatus.choices)
    label = serializers.CharField()


class PublicDossierOutput(serializers.Serializer):
    """What anyone holding the receipt code and the applicant's phone or ID may read: status and history labels."""

    receipt_code = serializers.CharField()
    procedure = serializers.CharField(source="procedure.code")
    status = serializers.ChoiceField(choices=DossierStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    due_date = serializers.DateField()
    paused = serializers.SerializerMethodField()
    history = HistoryItemOutput(many=True)

    @extend_schema_field(serializers.BooleanField())
    def get_paused(self, dossier) -> bool:
        return dossier.paused_since is not None


class DossierOutput(serializers.ModelSerializer):
    """A dossier for staff of its units (the applicant's ID number is not part of it)."""

    procedure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    second_org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    assigned_to = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display")
    is_late = serializers.BooleanField()
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "receipt_code",
            "procedure",
            "org_unit",
            "second_org_unit",
            "applicant_name",
            "applicant_phone",
            "channel",
            "status",
            "status_label",
            "submitted_at",
            "due_date",
            "paused_days",
            "decided_at",
            "returned_at",
            "is_late",
            "assigned_to",
            "data",
            "allowed_transitions",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=DossierStatus.choices)))
    def get_allowed_transitions(self, dossier) -> list[str]:
        return list(TRANSITIONS[dossier.status])


class TransitionInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=DossierStatus.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class DiplomaVerificationInput(serializers.Serializer):
    number = serializers.CharField(max_length=30)
    holder_name = serializers.CharField(max_length=150)
    birth_date = serializers.DateField(input_formats=["%d/%m/%Y", "%Y-%m-%d"])


class DiplomaVerificationOutput(serializers.Serializer):
    match = serializers.BooleanField(help_text="Sổ gốc có văn bằng với đúng số hiệu, họ tên và ngày sinh này")
