from django.urls import path

from . import views

urlpatterns = [
    path("library/", views.library, name="learning-library"),
    path("library/mine/", views.my_resources, name="learning-mine"),
    path("library/new/", views.resource_new, name="learning-resource-new"),
    path("library/coverage/", views.coverage, name="learning-coverage"),
    path("library/catalogue/", views.catalogue_import, name="learning-catalogue-import"),
    path("library/reviews/", views.review_queue, name="learning-review-queue"),
    path("library/reviews/<int:review_id>/", views.review_detail, name="learning-review"),
    path("library/<uuid:uid>/", views.resource_detail, name="learning-resource"),
    path("library/<uuid:uid>/files/<int:number>/", views.resource_file, name="learning-resource-file"),
    path("library/<uuid:uid>/submit/", views.resource_submit, name="learning-resource-submit"),
    path("library/<uuid:uid>/versions/", views.resource_version_new, name="learning-resource-version"),
    path("library/<uuid:uid>/take-down/", views.resource_take_down, name="learning-resource-take-down"),
    path("question-bank/", views.question_banks, name="learning-banks"),
    path("question-bank/<int:bank_id>/", views.question_bank, name="learning-bank"),
    path("question-bank/<int:bank_id>/export/", views.question_bank_export, name="learning-bank-export"),
    path(
        "question-bank/<int:bank_id>/questions/<int:question_id>/submit/",
        views.question_submit,
        name="learning-question-submit",
    ),
    path("question-bank/<int:bank_id>/blueprints/", views.blueprint_new, name="learning-blueprint-new"),
    path("question-bank/blueprints/<int:blueprint_id>/form.pdf", views.blueprint_pdf, name="learning-blueprint-pdf"),
]
