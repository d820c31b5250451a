from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
]
