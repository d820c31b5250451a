from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from edudx.core.api.views import JobViewSet
from people.api.views import ApiTokenViewSet
from reports.api.statforms import FormBundleViewSet, ReportFormViewSet
from reports.api.views import ExportViewSet, IndicatorValueViewSet, IndicatorViewSet
from schools.api.imports import ImportBatchViewSet
from schools.api.views import OrgUnitViewSet, SchoolViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("org-units", OrgUnitViewSet, basename="api-org-unit")
router.register("schools", SchoolViewSet, basename="api-school")
router.register("jobs", JobViewSet, basename="api-job")
router.register("tokens", ApiTokenViewSet, basename="api-token")
router.register("imports", ImportBatchViewSet, basename="api-import")
router.register("indicators", IndicatorViewSet, basename="api-indicator")
router.register("indicator-values", IndicatorValueViewSet, basename="api-indicator-value")
router.register("exports", ExportViewSet, basename="api-export")
router.register("reports/forms", ReportFormViewSet, basename="api-report-form")
router.register("reports/form-bundles", FormBundleViewSet, basename="api-report-form-bundle")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    # Each app keeps its own router (its endpoints live with it); all of them under /api/v1/.
    path("api/v1/", include("egov.api.urls")),
    path("api/v1/", include("egov.admissions.api.urls")),
    path("api/v1/", include("learning.api.urls")),
    path("api/v1/", include("reports.maturity.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
