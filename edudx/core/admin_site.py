"""The Django admin, for department administrators only, as a read-mostly lookup tool."""

from functools import update_wrapper

from django.contrib import admin
from django.http import Http404

from .scoping import scope_of


class EduDXAdminSite(admin.AdminSite):
    site_header = "EduDX – Quản trị hệ thống"
    site_title = "EduDX"
    index_title = "Tra cứu dữ liệu"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or scope_of(user).has_role("department_admin")))

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, view)

    def login(self, request, extra_context=None):
        # A signed-in user who is not a department admin gets 404: the admin's existence is not advertised.
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404
        return super().login(request, extra_context)


admin_site = EduDXAdminSite(name="admin")


class LookupAdmin(admin.ModelAdmin):
    """Department admins look rows up; writes go through services, so only superusers may edit here."""

    def has_view_permission(self, request, obj=None):
        return admin_site.has_permission(request)

    def has_module_permission(self, request):
        return admin_site.has_permission(request)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
