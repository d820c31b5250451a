from django.urls import path

from . import views

# Schools are addressed by code (like every other page), evidence by its random id.
urlpatterns = [
    path("maturity/", views.home, name="maturity-home"),
    path("maturity/summary/", views.summary, name="maturity-summary"),
    path("maturity/export/", views.export, name="maturity-export"),
    path("maturity/schools/<str:code>/", views.school_page, name="maturity-school"),
    path("maturity/schools/<str:code>/start/", views.start, name="maturity-start"),
    path("maturity/schools/<str:code>/refresh/", views.refresh, name="maturity-refresh"),
    path("maturity/schools/<str:code>/score/", views.score, name="maturity-score"),
    path("maturity/schools/<str:code>/evidence/", views.upload_evidence, name="maturity-evidence-upload"),
    path("maturity/schools/<str:code>/submit/", views.submit, name="maturity-submit"),
    path("maturity/schools/<str:code>/request-evidence/", views.request_evidence, name="maturity-request-evidence"),
    path("maturity/schools/<str:code>/verify/", views.verify, name="maturity-verify"),
    path("maturity/schools/<str:code>/publish/", views.publish, name="maturity-publish"),
    path("maturity/schools/<str:code>/reopen/", views.reopen, name="maturity-reopen"),
    path("maturity/evidence/<uuid:evidence_id>/", views.evidence_download, name="maturity-evidence"),
    path("maturity/evidence/<uuid:evidence_id>/delete/", views.evidence_delete, name="maturity-evidence-delete"),
]
