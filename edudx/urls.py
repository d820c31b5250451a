from django.urls import include, path
from django.views.i18n import set_language

from edudx.core import views as core_views
from edudx.core.admin_site import admin_site

handler400 = "edudx.core.views.bad_request"
handler403 = "edudx.core.views.permission_denied"
handler404 = "edudx.core.views.page_not_found"
handler500 = "edudx.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin_site.urls),
    path("accounts/", include("people.urls_accounts")),
    path("jobs/", core_views.job_list, name="job-list"),
    path("jobs/<uuid:job_id>/", core_views.job_detail, name="job-detail"),
    path("jobs/<uuid:job_id>/cancel/", core_views.job_cancel, name="job-cancel"),
    path("jobs/<uuid:job_id>/download/", core_views.job_download, name="job-download"),
    path("", include("schools.urls")),
    path("", include("people.urls")),
    path("", include("egov.urls")),
    path("", include("egov.admissions.urls")),
    path("", include("learning.urls")),
    path("", include("reports.urls")),
    path("", include("reports.maturity.urls")),
    path("", include("edudx.api.urls")),
]
