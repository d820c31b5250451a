from django.urls import path

from . import views, views_imports

urlpatterns = [
    path("units/", views.unit_index, name="unit-index"),
    path("units/<str:code>/", views.unit_detail, name="unit-detail"),
    path("units/<str:code>/export-schools/", views.unit_export_schools, name="unit-export-schools"),
    path("schools/", views.school_list, name="school-list"),
    path("schools/<str:code>/", views.school_detail, name="school-detail"),
    path("imports/", views_imports.import_list, name="import-list"),
    path("imports/new/", views_imports.import_new, name="import-new"),
    path("imports/templates/", views_imports.import_template_pick, name="import-template-pick"),
    # ``code`` is the import kind's code (ImportKind.code): students, staff, facilities, …
    path("imports/templates/<str:code>.xlsx", views_imports.import_template, name="import-template"),
    path("imports/<uuid:pk>/", views_imports.import_detail, name="import-detail"),
    path("imports/<uuid:pk>/confirm/", views_imports.import_confirm, name="import-confirm"),
    path("imports/<uuid:pk>/discard/", views_imports.import_discard, name="import-discard"),
]
