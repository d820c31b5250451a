from rest_framework import serializers

from ..models import OrgUnit, School


class OrgUnitOutput(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # null: the root
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "kind", "kind_display", "parent", "depth", "is_active"]


class SchoolOutput(serializers.ModelSerializer):
    code = serializers.CharField(source="org_unit.code")
    name = serializers.CharField(source="org_unit.name")
    org_unit = serializers.CharField(source="org_unit.parent.code", allow_null=True)
    levels = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField(source="org_unit.is_active")

    class Meta:
        model = School
        fields = ["code", "name", "org_unit", "levels", "ownership", "area", "ward", "is_active"]
