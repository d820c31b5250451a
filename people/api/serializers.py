from rest_framework import serializers

from schools.models import OrgUnit

from ..models import ApiToken


class ApiTokenOutput(serializers.ModelSerializer):
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "org_unit",
            "can_write",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]


class ApiTokenCreatedOutput(ApiTokenOutput):
    key = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(ApiTokenOutput.Meta):
        fields = [*ApiTokenOutput.Meta.fields, "key"]


class ApiTokenInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    org_unit = serializers.SlugRelatedField(slug_field="code", queryset=OrgUnit.objects.none())
    can_write = serializers.BooleanField(default=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.none()
        self.fields["org_unit"].error_messages["does_not_exist"] = (
            "Đơn vị '{value}' không tồn tại hoặc nằm ngoài phạm vi của bạn."
        )
