"""Lookups only: criteria sets are loaded as data (``load_dx_criteria``), assessments change through services."""

from edudx.core.admin_site import LookupAdmin, admin_site

from .models import Assessment, CriteriaSet, Criterion


class CriteriaSetAdmin(LookupAdmin):
    list_display = ["code", "version", "name", "is_active", "created_at"]
    list_filter = ["is_active"]


class CriterionAdmin(LookupAdmin):
    list_display = ["criteria_set", "group", "code", "max_points", "evidence_required", "measure"]
    list_filter = ["criteria_set", "group"]
    list_select_related = ["criteria_set"]
    search_fields = ["code", "text"]


class AssessmentAdmin(LookupAdmin):
    list_display = ["school", "school_year", "status", "teaching_score", "management_score", "level"]
    list_filter = ["school_year", "status", "level"]
    list_select_related = ["school__org_unit", "school_year"]
    search_fields = ["school__org_unit__code", "school__org_unit__name"]


admin_site.register(CriteriaSet, CriteriaSetAdmin)
admin_site.register(Criterion, CriterionAdmin)
admin_site.register(Assessment, AssessmentAdmin)
