from django.urls import path

from . import views, views_staff

urlpatterns = [
    # Public, no account: the catalogue, the online forms, the tracker, diploma verification.
    path("services/", views.catalogue, name="egov-catalogue"),
    path("services/receipt/", views.receipt, name="egov-receipt"),
    path("services/<str:code>/", views.procedure_detail, name="egov-procedure"),
    path("track/", views.track, name="egov-track"),
    path("track/result/", views.track_result, name="egov-track-result"),
    path("track/rate/", views.track_rate, name="egov-track-rate"),
    path("track/resubmit/", views.track_resubmit, name="egov-track-resubmit"),
    path("diplomas/verify/", views.diploma_verify, name="diploma-verify"),
    # Staff of the competent units.
    path("egov/inbox/", views_staff.inbox, name="egov-inbox"),
    path("egov/inbox/bulk/", views_staff.inbox_bulk, name="egov-inbox-bulk"),
    path("egov/inbox/new/", views_staff.intake, name="egov-intake"),
    path("egov/dossiers/<str:receipt_code>/", views_staff.dossier_detail, name="egov-dossier"),
    path(
        "egov/dossiers/<str:receipt_code>/transition/", views_staff.dossier_transition, name="egov-dossier-transition"
    ),
    path("egov/dossiers/<str:receipt_code>/agree/", views_staff.dossier_agree, name="egov-dossier-agree"),
    path("egov/dossiers/<str:receipt_code>/assign/", views_staff.dossier_assign, name="egov-dossier-assign"),
    path("egov/dossiers/<str:receipt_code>/checklist/", views_staff.dossier_checklist, name="egov-dossier-checklist"),
    path(
        "egov/dossiers/<str:receipt_code>/files/<int:attachment_id>/",
        views_staff.attachment_download,
        name="egov-attachment",
    ),
    path("egov/diplomas/", views_staff.diploma_register, name="egov-diplomas"),
]
