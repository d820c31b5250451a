from django.urls import path

from . import views

# Under /reports/forms/ (reports/urls.py). Identifiers: form_code (a form's code), code (an org unit's code),
# submission_id; the access-matrix test fills them with another school's values and expects 404.
urlpatterns = [
    path("", views.form_list, name="statform-list"),
    path("completeness/", views.form_completeness, name="statform-completeness"),
    path("deadline/", views.form_deadline, name="statform-deadline"),
    path("bundle/", views.form_bundle, name="statform-bundle"),
    path("submissions/<int:submission_id>/approve/", views.submission_approve, name="statform-approve"),
    path("submissions/<int:submission_id>/return/", views.submission_return, name="statform-return"),
    path("submissions/<int:submission_id>/reopen/", views.submission_reopen, name="statform-reopen"),
    path("<str:form_code>/<str:code>/", views.form_preview, name="statform-preview"),
    path("<str:form_code>/<str:code>/export/", views.form_export, name="statform-export"),
    path("<str:form_code>/<str:code>/submit/", views.form_submit, name="statform-submit"),
]
