from edudx.core.admin_site import LookupAdmin, admin_site

from .models import DataQualityScore


class DataQualityScoreAdmin(LookupAdmin):
    list_display = ["school", "school_year", "score", "correct", "complete", "clean", "alive", "record_count"]
    list_filter = ["school_year"]
    list_select_related = ["school__org_unit", "school_year"]
    search_fields = ["school__org_unit__code", "school__org_unit__name"]


admin_site.register(DataQualityScore, DataQualityScoreAdmin)
