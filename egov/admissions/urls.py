from django.urls import path

from . import views, views_staff

urlpatterns = [
    # Parents, no account.
    path("tuyen-sinh/", views.rounds, name="admissions-rounds"),
    path("tuyen-sinh/tra-cuu/", views.follow, name="admissions-follow"),
    path("tuyen-sinh/ho-so/<str:receipt_code>/", views.application_detail, name="admissions-application"),
    path("tuyen-sinh/ho-so/<str:receipt_code>/bien-nhan/", views.receipt, name="admissions-receipt"),
    path("tuyen-sinh/ho-so/<str:receipt_code>/sua/", views.application_edit, name="admissions-edit"),
    path("tuyen-sinh/ho-so/<str:receipt_code>/rut/", views.application_withdraw, name="admissions-withdraw"),
    path("tuyen-sinh/ho-so/<str:receipt_code>/xac-nhan/", views.application_confirm, name="admissions-confirm"),
    path("tuyen-sinh/<slug:code>/", views.apply, name="admissions-apply"),
    path("tuyen-sinh/<slug:code>/A.csv", views.published_applicants, name="admissions-published-a"),
    path("tuyen-sinh/<slug:code>/S.csv", views.published_schools, name="admissions-published-s"),
    path("tuyen-sinh/<slug:code>/R.csv", views.published_results, name="admissions-published-r"),
    # Staff, scoped.
    path("admissions/", views_staff.round_list, name="admissions-staff-rounds"),
    path("admissions/rounds/<slug:code>/", views_staff.round_detail, name="admissions-staff-round"),
    path("admissions/rounds/<slug:code>/applications/", views_staff.application_list, name="admissions-staff-list"),
    path("admissions/rounds/<slug:code>/open/", views_staff.round_open, name="admissions-staff-open"),
    path("admissions/rounds/<slug:code>/scores/", views_staff.scores_upload, name="admissions-staff-scores"),
    path("admissions/rounds/<slug:code>/allocate/", views_staff.allocate, name="admissions-staff-allocate"),
    path("admissions/rounds/<slug:code>/publish/", views_staff.publish, name="admissions-staff-publish"),
    path("admissions/rounds/<slug:code>/second-round/", views_staff.second_round, name="admissions-staff-second"),
    path("admissions/rounds/<slug:code>/export.xlsx", views_staff.export_lists, name="admissions-staff-export"),
    path("admissions/rounds/<slug:code>/unplaced.xlsx", views_staff.export_unplaced, name="admissions-staff-unplaced"),
    path("admissions/rounds/<slug:code>/run/A.csv", views_staff.run_applicants, name="admissions-staff-run-a"),
    path("admissions/rounds/<slug:code>/run/S.csv", views_staff.run_schools, name="admissions-staff-run-s"),
    path("admissions/rounds/<slug:code>/run/R.csv", views_staff.run_results, name="admissions-staff-run-r"),
    path("admissions/applications/<str:receipt_code>/", views_staff.application_detail, name="admissions-staff-app"),
]
