from django.urls import include, path

from . import views, views_dashboard

urlpatterns = [
    path("reports/forms/", include("reports.statforms.urls")),
    path("quality/", views.quality_ranking, name="quality-ranking"),
    path("quality/recompute/", views.quality_recompute, name="quality-recompute"),
    path("quality/<str:code>/", views.quality_school, name="quality-school"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/indicators/<str:code>/", views_dashboard.indicator_detail, name="indicator-detail"),
    # One route per format (no format parameter: the access-matrix test fills every identifier it finds).
    path(
        "dashboard/indicators/<str:code>/export.xlsx",
        views_dashboard.indicator_export,
        {"fmt": "xlsx"},
        name="indicator-export-xlsx",
    ),
    path(
        "dashboard/indicators/<str:code>/export.csv",
        views_dashboard.indicator_export,
        {"fmt": "csv"},
        name="indicator-export-csv",
    ),
    path("dashboard/schools/<str:code>/", views_dashboard.dashboard_school, name="dashboard-school"),
    path("dashboard/recompute/", views_dashboard.dashboard_recompute, name="dashboard-recompute"),
]
