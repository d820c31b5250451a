from django.urls import path

from . import views

urlpatterns = [
    path("quality/", views.quality_ranking, name="quality-ranking"),
    path("quality/recompute/", views.quality_recompute, name="quality-recompute"),
    path("quality/<str:code>/", views.quality_school, name="quality-school"),
]
