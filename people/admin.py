from edudx.core.admin_site import LookupAdmin, admin_site

from .models import ApiToken, RoleAssignment, User


class UserAdmin(LookupAdmin):
    list_display = ["username", "full_name", "email", "is_active", "last_login"]
    search_fields = ["username", "full_name", "email"]
    exclude = ["password"]


class ApiTokenAdmin(LookupAdmin):
    list_display = ["name", "prefix", "org_unit", "can_write", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]


admin_site.register(User, UserAdmin)
admin_site.register(RoleAssignment, LookupAdmin)
admin_site.register(ApiToken, ApiTokenAdmin)
