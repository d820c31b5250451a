"""Parents' pages (no account, phone-first, small pages): rounds, the application form, the receipt, following,
editing until the deadline, withdrawing, confirming enrolment; and the published allocation files.

What a parent proved (the receipt just issued, or receipt code + phone/child ID) is remembered in the session, so no
personal number travels in a URL; an application not unlocked in this session answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from egov.throttles import lookup_wait

from . import selectors, services
from .forms import ApplicationForm, FollowForm
from .models import AdmissionRound, Application

SESSION_UNLOCKED = "admissions_unlocked"
KEPT = 10


def _unlock(request: HttpRequest, application: Application) -> None:
    kept = [pk for pk in request.session.get(SESSION_UNLOCKED, []) if pk != application.pk]
    request.session[SESSION_UNLOCKED] = [application.pk, *kept][:KEPT]


def _own(request: HttpRequest, receipt_code: str) -> Application:
    try:
        return selectors.get_parent_application(
            receipt_code=receipt_code, unlocked=request.session.get(SESSION_UNLOCKED, [])
        )
    except Application.DoesNotExist as error:
        raise Http404 from error


def _round(code: str) -> AdmissionRound:
    try:
        return selectors.get_public_round(code=code)
    except AdmissionRound.DoesNotExist as error:
        raise Http404 from error


def rounds(request: HttpRequest) -> HttpResponse:
    return render(request, "admissions/rounds.html", {"rounds": selectors.list_public_rounds()})


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(code)
    form = ApplicationForm(request.POST or None, request.FILES or None, round=round_)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.submit_application(
                round=round_,
                data=form.to_input(),
                idempotency_key=form.cleaned_data["idempotency_key"],
                documents=form.documents(),
            )
        except services.AdmissionError as error:
            form.attach(error)
        else:
            _unlock(request, application)
            return redirect("admissions-receipt", receipt_code=application.receipt_code)
    status = 400 if form.is_bound and form.errors else 200
    if form.is_bound:
        form.load_choices()  # only drawn forms need the lists
    return render(request, "admissions/apply.html", {"round": round_, "form": form}, status=status)


@never_cache
def receipt(request: HttpRequest, receipt_code: str) -> HttpResponse:
    application = _own(request, receipt_code)
    return render(request, "admissions/receipt.html", {"application": application})


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    form = FollowForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = lookup_wait(request)
        if wait is not None:
            form.add_error(None, _("Bạn tra cứu quá nhiều lần; thử lại sau %(s)d giây.") % {"s": wait})
            status = 429
        else:
            application = selectors.find_parent_application(
                receipt_code=form.cleaned_data["receipt_code"], contact=form.cleaned_data["contact"]
            )
            if application is not None:
                _unlock(request, application)
                return redirect("admissions-application", receipt_code=application.receipt_code)
            form.add_error(None, _("Không tìm thấy hồ sơ với mã hồ sơ và số điện thoại/mã định danh này."))
            status = 404 if status == 200 else status
    return render(request, "admissions/follow.html", {"form": form}, status=status)


@never_cache
def application_detail(request: HttpRequest, receipt_code: str) -> HttpResponse:
    application = _own(request, receipt_code)
    round_ = application.round
    context = {
        "application": application,
        "round": round_,
        "can_edit": application.is_live and round_.accepts_applications(),
        "can_confirm": (
            application.result_school_id is not None
            and application.confirmed_at is None
            and round_.accepts_confirmations()
        ),
        "result_published": round_.status in (AdmissionRound.Status.PUBLISHED, AdmissionRound.Status.CLOSED),
    }
    return render(request, "admissions/application.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, receipt_code: str) -> HttpResponse:
    application = _own(request, receipt_code)
    form = ApplicationForm(request.POST or None, request.FILES or None, round=application.round, editing=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_application(application=application, data=form.to_input(), documents=form.documents())
        except services.AdmissionError as error:
            form.attach(error)
        else:
            messages.success(request, _("Đã lưu thay đổi. Hồ sơ sẽ được kiểm tra lại."))
            return redirect("admissions-application", receipt_code=receipt_code)
    status = 400 if form.is_bound and form.errors else 200
    if form.is_bound:
        form.load_choices()  # only drawn forms need the lists
    return render(
        request,
        "admissions/apply.html",
        {"round": application.round, "form": form, "editing": application},
        status=status,
    )


@require_POST
def application_withdraw(request: HttpRequest, receipt_code: str) -> HttpResponse:
    application = _own(request, receipt_code)
    try:
        services.withdraw_application(application=application)
    except services.AdmissionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã rút hồ sơ."))
    return redirect("admissions-application", receipt_code=receipt_code)


@require_POST
def application_confirm(request: HttpRequest, receipt_code: str) -> HttpResponse:
    application = _own(request, receipt_code)
    try:
        services.confirm_enrolment(application=application)
    except services.AdmissionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã xác nhận nhập học."))
    return redirect("admissions-application", receipt_code=receipt_code)


def _published_file(code: str, attribute: str, filename: str) -> HttpResponse:
    round_ = _round(code)
    run = selectors.published_run(round=round_)
    if run is None:
        raise Http404
    response = HttpResponse(getattr(run, attribute), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{round_.code}-{filename}"'
    return response


def published_applicants(request: HttpRequest, code: str) -> HttpResponse:
    return _published_file(code, "applicants_csv", "A.csv")


def published_schools(request: HttpRequest, code: str) -> HttpResponse:
    return _published_file(code, "schools_csv", "S.csv")


def published_results(request: HttpRequest, code: str) -> HttpResponse:
    return _published_file(code, "results_csv", "R.csv")
