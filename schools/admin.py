from edudx.core.admin_site import LookupAdmin, admin_site

from .models import OrgUnit, OrgUnitPlacement, School, SchoolInfrastructure, SchoolYear


class OrgUnitAdmin(LookupAdmin):
    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]


class SchoolAdmin(LookupAdmin):
    list_display = ["org_unit", "area", "ownership", "ward"]
    list_filter = ["area", "ownership", "level_th", "level_thcs", "level_thpt"]
    search_fields = ["org_unit__code", "org_unit__name"]


admin_site.register(OrgUnit, OrgUnitAdmin)
admin_site.register(School, SchoolAdmin)
admin_site.register(SchoolYear, LookupAdmin)
admin_site.register(OrgUnitPlacement, LookupAdmin)
admin_site.register(SchoolInfrastructure, LookupAdmin)
