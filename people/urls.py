from django.urls import path

from . import views, views_registry

urlpatterns = [
    path("", views.home, name="home"),
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("registry/students/", views_registry.student_list, name="student-list"),
    path("registry/students/export/", views_registry.student_export, name="student-export"),
    path("registry/students/<int:pk>/", views_registry.student_detail, name="student-detail"),
    path("registry/staff/", views_registry.staff_list, name="staff-list"),
    path("registry/staff/export/", views_registry.staff_export, name="staff-export"),
    path("registry/staff/<int:pk>/", views_registry.staff_detail, name="staff-detail"),
    path("registry/facilities/", views_registry.facility_list, name="facility-list"),
]
