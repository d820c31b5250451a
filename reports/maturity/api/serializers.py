from __future__ import annotations

from rest_framework import serializers

from ..models import Assessment


class AssessmentOutput(serializers.ModelSerializer):
    """A school's DX assessment for a school year: status, both group scores and levels, the school's level."""

    school = serializers.CharField(source="school.org_unit.code", read_only=True, help_text="Mã trường.")
    school_name = serializers.CharField(source="school.org_unit.name", read_only=True)
    org_unit = serializers.CharField(
        source="school.org_unit.parent.code", read_only=True, allow_null=True, help_text="Mã đơn vị quản lý trường."
    )
    school_year = serializers.CharField(source="school_year.code", read_only=True, help_text="Ví dụ 2025-2026.")
    criteria_set = serializers.CharField(source="criteria_set.code", read_only=True)
    criteria_set_version = serializers.IntegerField(source="criteria_set.version", read_only=True)
    teaching_score = serializers.FloatField(read_only=True, help_text="Điểm nhóm dạy, học (0–100).")
    management_score = serializers.FloatField(read_only=True, help_text="Điểm nhóm quản trị (0–100).")
    # Plain integers (1, 2, 3), not choice fields: one level scale, no duplicate enums in the schema.
    teaching_level = serializers.IntegerField(read_only=True, help_text="Mức độ nhóm dạy, học: 1, 2 hoặc 3.")
    management_level = serializers.IntegerField(read_only=True, help_text="Mức độ nhóm quản trị: 1, 2 hoặc 3.")
    level = serializers.IntegerField(read_only=True, help_text="Mức độ của trường: mức thấp hơn của hai nhóm.")

    class Meta:
        model = Assessment
        fields = [
            "school",
            "school_name",
            "org_unit",
            "school_year",
            "status",
            "criteria_set",
            "criteria_set_version",
            "teaching_score",
            "teaching_level",
            "management_score",
            "management_level",
            "level",
            "submitted_at",
            "verified_at",
            "published_at",
        ]
        read_only_fields = fields
