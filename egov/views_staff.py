"""The staff inbox: dossiers of the units the caller processes for, their actions, files, and the diploma register."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.jobs import create_job
from edudx.core.scoping import scope_of
from schools.models import OrgUnit

from . import selectors, services
from .forms import BulkActionForm, DiplomaImportForm, DossierForm, InboxFilterForm, TransitionForm
from .models import Dossier, DossierAttachment, DossierStatus, ProcedureKind
from .services import DossierError
from .services.dossiers import DOSSIER_ROLES, assign_dossier, can_process, record_second_unit_agreement, set_checklist
from .tasks import import_diplomas_task
from .views import attach_errors, submit_form


def _dossier_or_404(request: HttpRequest, receipt_code: str) -> Dossier:
    try:
        return selectors.get_dossier(visible_to=request.user, receipt_code=receipt_code)
    except Dossier.DoesNotExist as error:
        raise Http404 from error


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    dossiers = selectors.inbox(
        visible_to=request.user,
        status=filters.get("status", ""),
        due=filters.get("due", ""),
        query=filters.get("q", ""),
        assigned=filters.get("assigned", ""),
    )
    page = Paginator(dossiers, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "counts": selectors.inbox_counts(visible_to=request.user),
        "bulk_actions": BulkActionForm.ACTIONS,
    }
    return render(request, "egov/inbox.html", context)


@login_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    """One action on the ticked dossiers; each is done on its own, and refusals are reported per dossier."""
    codes = request.POST.getlist("codes")[:200]
    visible = {
        d.receipt_code: d
        for d in selectors.inbox(visible_to=request.user).filter(receipt_code__in=codes).select_related("org_unit")
    }
    form = BulkActionForm(request.POST, codes=list(visible))
    if not form.is_valid():
        messages.error(request, _("Chọn thao tác và ít nhất một hồ sơ."))
        return redirect("egov-inbox")
    done, refused = 0, []
    for code in form.cleaned_data["codes"]:
        dossier = visible[code]
        try:
            if form.cleaned_data["action"] == "assign_me":
                assign_dossier(dossier=dossier, to=request.user, by=request.user)
            else:
                services.transition_dossier(dossier=dossier, to=form.cleaned_data["action"], by=request.user)
            done += 1
        except DossierError as error:
            refused.append(f"{code}: {' '.join(error.messages)}")
    if done:
        messages.success(request, _("Đã thực hiện cho %(n)d hồ sơ.") % {"n": done})
    for line in refused[:20]:
        messages.error(request, line)
    return redirect(
        request.POST.get("next") if str(request.POST.get("next", "")).startswith("/egov/") else "egov-inbox"
    )


@login_required
def dossier_detail(request: HttpRequest, receipt_code: str) -> HttpResponse:
    dossier = _dossier_or_404(request, receipt_code)
    if dossier.procedure.kind == ProcedureKind.ADMISSION:
        return redirect("admissions-staff-app", receipt_code=dossier.receipt_code)
    may_process = can_process(dossier=dossier, by=request.user)
    second_unit = (
        dossier.second_org_unit is not None
        and scope_of(request.user).only(DOSSIER_ROLES).covers(dossier.second_org_unit.path)
        and not dossier.is_decided
        and dossier.second_unit_agreed_at is None
    )
    checklist = [
        {"index": i, "label": label, "done": i in dossier.checklist_done}
        for i, label in enumerate(dossier.procedure.checklist)
    ]
    context = {
        "dossier": dossier,
        "events": dossier.events.select_related("actor").order_by("at", "pk"),
        "attachments": dossier.attachments.all(),
        "may_process": may_process,
        "may_agree": second_unit,
        "transition_form": TransitionForm(status=dossier.status) if may_process else None,
        "checklist": checklist,
        "fields": [
            (spec.get("label", spec["name"]), _shown(spec, dossier.data.get(spec["name"], "")))
            for spec in dossier.procedure.form_fields
        ],
        "rating": getattr(dossier, "rating", None) if hasattr(dossier, "rating") else None,
    }
    return render(request, "egov/dossier_detail.html", context)


def _shown(spec: dict, value: object) -> object:
    """A stored answer as staff read it: dates dd/mm/yyyy (stored ISO)."""
    if spec.get("type") == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value


@login_required
@require_POST
def dossier_transition(request: HttpRequest, receipt_code: str) -> HttpResponse:
    dossier = _dossier_or_404(request, receipt_code)
    form = TransitionForm(request.POST, status=dossier.status)
    if not form.is_valid():
        messages.error(request, _("Trạng thái chuyển tới không hợp lệ từ trạng thái hiện tại."))
        return redirect("egov-dossier", receipt_code=dossier.receipt_code)
    try:
        services.transition_dossier(
            dossier=dossier, to=form.cleaned_data["to"], by=request.user, comment=form.cleaned_data["comment"]
        )
    except DossierError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Đã chuyển hồ sơ sang “%(s)s”.") % {"s": DossierStatus(form.cleaned_data["to"]).label}
        )
    return redirect("egov-dossier", receipt_code=dossier.receipt_code)


@login_required
@require_POST
def dossier_agree(request: HttpRequest, receipt_code: str) -> HttpResponse:
    dossier = _dossier_or_404(request, receipt_code)
    try:
        record_second_unit_agreement(dossier=dossier, by=request.user, comment=request.POST.get("comment", "")[:2000])
    except DossierError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã ghi nhận ý kiến đồng ý."))
    return redirect("egov-dossier", receipt_code=dossier.receipt_code)


@login_required
@require_POST
def dossier_assign(request: HttpRequest, receipt_code: str) -> HttpResponse:
    dossier = _dossier_or_404(request, receipt_code)
    try:
        assign_dossier(dossier=dossier, to=request.user if request.POST.get("me") else None, by=request.user)
    except DossierError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("egov-dossier", receipt_code=dossier.receipt_code)


@login_required
@require_POST
def dossier_checklist(request: HttpRequest, receipt_code: str) -> HttpResponse:
    dossier = _dossier_or_404(request, receipt_code)
    done = [int(v) for v in request.POST.getlist("done") if v.isdigit()]
    try:
        set_checklist(dossier=dossier, done=done, by=request.user)
    except DossierError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("egov-dossier", receipt_code=dossier.receipt_code)


@login_required
def attachment_download(request: HttpRequest, receipt_code: str, attachment_id: int) -> FileResponse:
    """A dossier's file, to staff in scope only; always a download under a safe name, never rendered inline."""
    dossier = _dossier_or_404(request, receipt_code)
    try:
        attachment = dossier.attachments.get(pk=attachment_id)
    except DossierAttachment.DoesNotExist as error:
        raise Http404 from error
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"{dossier.receipt_code}-{attachment.pk}.{attachment.file.name.rsplit('.', 1)[-1]}",
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """A dossier brought in person or by post, keyed in by staff of the unit (channel "offline")."""
    procedures = selectors.intake_procedures(visible_to=request.user)
    if not procedures:
        raise Http404
    procedure = next((p for p in procedures if p.code == request.GET.get("procedure")), None)
    form = None
    if procedure is not None:
        form = DossierForm(request.POST or None, request.FILES or None, procedure=procedure)
        if request.method == "POST" and form.is_valid():
            try:
                dossier = submit_form(procedure, form, channel=Dossier.Channel.OFFLINE, by=request.user)
            except DossierError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.receipt_code})
                if selectors.inbox(visible_to=request.user).filter(pk=dossier.pk).exists():
                    return redirect("egov-dossier", receipt_code=dossier.receipt_code)
                return redirect("egov-inbox")  # a transfer keyed in for another school: it is theirs now
    context = {
        "procedures": procedures,
        "procedure": procedure,
        "form": form,
        "schools": selectors.list_public_schools(procedure=procedure) if procedure else [],
    }
    return render(request, "egov/intake.html", context)


# --- the diploma register -----------------------------------------------------------------------------------------


def _diploma_units(request: HttpRequest) -> list[tuple[str, str]]:
    units = OrgUnit.objects.visible_to(request.user, roles=DOSSIER_ROLES).exclude(kind=OrgUnit.Kind.SITE)
    return [(u.code, f"{u.code} – {u.name}") for u in units.exclude(kind=OrgUnit.Kind.SCHOOL).order_by("path")[:500]]


@login_required
def diploma_register(request: HttpRequest) -> HttpResponse:
    units = _diploma_units(request)
    if not units:
        raise Http404
    records = selectors.list_diploma_records(visible_to=request.user, query=request.GET.get("q", ""))
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    form = DiplomaImportForm(request.POST or None, request.FILES or None, units=units)
    report = None
    if request.method == "POST" and form.is_valid():
        unit = OrgUnit.objects.visible_to(request.user, roles=DOSSIER_ROLES).get(code=form.cleaned_data["org_unit"])
        # A background job with progress (a register may hold tens of thousands of lines); the page shows the job.
        upload = form.cleaned_data["file"]
        suffix = ".csv" if str(upload.name).lower().endswith(".csv") else ".xlsx"
        stored = default_storage.save(f"egov/imports/{uuid.uuid4().hex}{suffix}", upload)
        job = create_job(
            task=import_diplomas_task,
            principal=request.user,
            org_unit=unit,
            title=_("Nhập sổ gốc văn bằng: %(name)s") % {"name": str(upload.name)[:150]},
            params={"file": stored, "name": f"so-goc{suffix}"},
        )
        return redirect("job-detail", job_id=job.pk)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "egov/diploma_register.html",
        {"page": page, "form": form, "report": report, "query": query.urlencode(), "q": request.GET.get("q", "")},
    )
