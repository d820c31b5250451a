from django.contrib import admin

from edudx.core.admin_site import LookupAdmin, admin_site

from .models import Dossier, DossierEvent, HolidayOverride, Procedure
from .services.catalogue import delete_holiday_overrides, set_holiday_override, upsert_procedure


class HolidayOverrideAdmin(admin.ModelAdmin):
    """The one table department admins edit here: yearly swapped days off and make-up working days."""

    list_display = ["date", "is_day_off", "reason"]
    list_filter = ["is_day_off"]
    date_hierarchy = "date"

    def has_module_permission(self, request):
        return admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return admin_site.has_permission(request)

    def has_add_permission(self, request):
        return admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return admin_site.has_permission(request)

    def save_model(self, request, obj, form, change):
        saved = set_holiday_override(date=obj.date, is_day_off=obj.is_day_off, reason=obj.reason)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        delete_holiday_overrides(dates=[obj.date])

    def delete_queryset(self, request, queryset):
        delete_holiday_overrides(dates=list(queryset.values_list("date", flat=True)))


class ProcedureAdmin(LookupAdmin):
    list_display = ["code", "name", "mode", "processing_days", "competent_org_unit", "is_published"]
    list_filter = ["mode", "kind", "is_published"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in form.cleaned_data if name != "code"}
        saved, _created = upsert_procedure(code=obj.code, **fields)
        obj.pk = saved.pk


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor_label", "from_status", "to_status", "comment"]
    fields = readonly_fields


class DossierAdmin(LookupAdmin):
    list_display = ["receipt_code", "procedure", "org_unit", "status", "submitted_at", "due_date"]
    list_filter = ["status", "channel"]
    search_fields = ["receipt_code"]
    exclude = ["applicant_id_number", "idempotency_key"]
    inlines = [DossierEventInline]


admin_site.register(HolidayOverride, HolidayOverrideAdmin)
admin_site.register(Procedure, ProcedureAdmin)
admin_site.register(Dossier, DossierAdmin)
