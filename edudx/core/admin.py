from .admin_site import LookupAdmin, admin_site
from .models import Job


class JobAdmin(LookupAdmin):
    list_display = ["title", "kind", "org_unit", "status", "done", "total", "created_at"]
    list_filter = ["status", "kind"]


admin_site.register(Job, JobAdmin)
