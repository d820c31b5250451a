from django.urls import path

from . import views

urlpatterns = [
    path("units/", views.unit_index, name="unit-index"),
    path("units/<str:code>/", views.unit_detail, name="unit-detail"),
    path("units/<str:code>/export-schools/", views.unit_export_schools, name="unit-export-schools"),
    path("schools/", views.school_list, name="school-list"),
    path("schools/<str:code>/", views.school_detail, name="school-detail"),
]
