"""Public pages: the procedure catalogue, the online form, the receipt, the tracker with the rating, diploma checks.

No account is needed. What a citizen proved (the receipt just issued, a dossier unlocked with its code and phone)
is remembered in the session, so no personal number ever travels in a URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import DiplomaVerifyForm, DossierForm, RatingForm, ResubmitForm, TrackForm
from .models import Dossier, DossierRating, DossierStatus, Procedure, ProcedureKind
from .services import DossierError, Upload
from .services.transfers import submit_transfer_request
from .throttles import lookup_wait

SESSION_RECEIPTS = "egov_receipts"
SESSION_TRACKED = "egov_tracked"
KEPT = 10  # receipts / unlocked dossiers remembered per session


def catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    procedures = selectors.list_procedures(query=query)
    return render(request, "egov/catalogue.html", {"procedures": procedures, "query": query})


def _remember(request: HttpRequest, key: str, value: int) -> None:
    kept = [v for v in request.session.get(key, []) if v != value]
    request.session[key] = ([value, *kept])[:KEPT]


@never_cache
@require_http_methods(["GET", "POST"])
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The procedure's description and, when it is offered fully online, its form."""
    try:
        procedure = selectors.get_public_procedure(code=code)
    except Procedure.DoesNotExist as error:
        raise Http404 from error
    form = None
    if procedure.kind == ProcedureKind.ADMISSION:
        if request.method == "POST":
            raise Http404
        return redirect("admissions-rounds")  # the admission form of the round (child, preferences, documents)
    if procedure.is_full_online:
        form = DossierForm(request.POST or None, request.FILES or None, procedure=procedure)
        if request.method == "POST" and form.is_valid():
            try:
                dossier = submit_form(procedure, form)
            except DossierError as error:
                attach_errors(form, error)
            else:
                _remember(request, SESSION_RECEIPTS, dossier.pk)
                _remember(request, SESSION_TRACKED, dossier.pk)
                return redirect("egov-receipt")
    elif request.method == "POST":
        raise Http404
    schools = selectors.list_public_schools(procedure=procedure) if form is not None else []
    return render(request, "egov/procedure_detail.html", {"procedure": procedure, "form": form, "schools": schools})


def submit_form(procedure: Procedure, form: DossierForm, **extra) -> Dossier:
    """The one call behind the public form and the staff intake: a transfer goes to the receiving school."""
    fields = {
        "procedure": procedure,
        "applicant_name": form.cleaned_data["applicant_name"],
        "applicant_phone": form.cleaned_data["applicant_phone"],
        "applicant_id_number": form.cleaned_data["applicant_id_number"],
        "applicant_email": form.cleaned_data.get("applicant_email") or "",
        "data": form.form_data(),
        "idempotency_key": form.cleaned_data["idempotency_key"],
        "attachments": [Upload(code, file) for code, file in form.uploads()],
        **extra,
    }
    if procedure.kind == ProcedureKind.SCHOOL_TRANSFER:
        return submit_transfer_request(**fields)
    return services.submit_dossier(**fields)


def attach_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            field = f"f_{name}" if f"f_{name}" in form.fields else name if name in form.fields else None
            for message in errors:
                form.add_error(field, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    """The receipt of the dossier this browser just submitted (from the session, never from the URL)."""
    ids = request.session.get(SESSION_RECEIPTS, [])
    dossier = Dossier.objects.select_related("procedure", "org_unit").filter(pk__in=ids[:1]).first()
    if dossier is None:
        return redirect("egov-track")
    return render(request, "egov/receipt.html", {"dossier": dossier})


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Receipt code + phone or ID → status and history; the same answer for an unknown code and a wrong phone."""
    form = TrackForm(request.POST or None)
    dossier = None
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = lookup_wait(request)
        if wait is not None:
            form.add_error(None, _("Bạn đã tra cứu quá nhiều lần; vui lòng thử lại sau %(n)d giây.") % {"n": wait})
            status = 429
        else:
            dossier = selectors.track_dossier(
                receipt_code=form.cleaned_data["receipt_code"], contact=form.cleaned_data["contact"]
            )
            if dossier is None:
                form.add_error(None, _("Không tìm thấy hồ sơ khớp với mã hồ sơ và số điện thoại/số định danh đã nhập."))
                status = 404
            else:
                _remember(request, SESSION_TRACKED, dossier.pk)
                return redirect("egov-track-result")
    elif request.method == "GET" and request.session.get(SESSION_TRACKED) and "new" not in request.GET:
        return redirect("egov-track-result")
    return render(request, "egov/track.html", {"form": form}, status=status)


def _tracked(request: HttpRequest) -> Dossier:
    ids = request.session.get(SESSION_TRACKED, [])
    dossier = Dossier.objects.select_related("procedure", "org_unit").filter(pk__in=ids[:1]).first()
    if dossier is None:
        raise Http404
    return dossier


@never_cache
def track_result(request: HttpRequest) -> HttpResponse:
    try:
        dossier = _tracked(request)
    except Http404:
        return redirect("egov-track")
    context = {
        "dossier": dossier,
        "history": selectors.public_history(dossier=dossier),
        "rating": DossierRating.objects.filter(dossier=dossier).first(),
        "rating_form": RatingForm() if dossier.is_decided else None,
        "resubmit_form": ResubmitForm() if dossier.status == DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED else None,
        "request_comment": dossier.events.filter(to_status=DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED)
        .values_list("comment", flat=True)
        .last(),
    }
    return render(request, "egov/track_result.html", context)


@require_POST
def track_rate(request: HttpRequest) -> HttpResponse:
    dossier = _tracked(request)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn từ 1 đến 5 sao."))
        return redirect("egov-track-result")
    try:
        services.rate_dossier(dossier=dossier, stars=form.cleaned_data["stars"], comment=form.cleaned_data["comment"])
    except DossierError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Cảm ơn bạn đã đánh giá chất lượng dịch vụ."))
    return redirect("egov-track-result")


@require_POST
def track_resubmit(request: HttpRequest) -> HttpResponse:
    """The applicant sends the additional documents that were asked for; the clock starts again."""
    dossier = _tracked(request)
    form = ResubmitForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Ghi rõ nội dung bổ sung."))
        return redirect("egov-track-result")
    uploads = [Upload("", file) for file in request.FILES.getlist("files")]
    try:
        services.resubmit_dossier(dossier=dossier, uploads=uploads, comment=form.cleaned_data["comment"])
    except DossierError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã gửi hồ sơ bổ sung."))
    return redirect("egov-track-result")


@never_cache
@require_http_methods(["GET", "POST"])
def diploma_verify(request: HttpRequest) -> HttpResponse:
    """Number + holder's name + birth date → "matches" or "does not match", nothing else (rate-limited)."""
    form = DiplomaVerifyForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = lookup_wait(request)
        if wait is not None:
            form.add_error(None, _("Bạn đã tra cứu quá nhiều lần; vui lòng thử lại sau %(n)d giây.") % {"n": wait})
            status = 429
        else:
            result = selectors.verify_diploma(
                number=form.cleaned_data["number"],
                holder_name=form.cleaned_data["holder_name"],
                birth_date=form.cleaned_data["birth_date"],
            )
    return render(request, "egov/diploma_verify.html", {"form": form, "result": result}, status=status)
