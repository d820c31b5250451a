"""Pages of the report forms: the list, a form's preview for a unit and year (with its submission panel), exports
as jobs, the approval steps, completeness. Units and submissions outside the caller's scope answer 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from edudx.core.scoping import DATA_ROLES, scope_of
from reports.indicators import IndicatorScopeError
from schools.models import OrgUnit, SchoolYear

from . import selectors, services
from .catalogue import all_forms, get_form
from .models import FormSubmission, Period
from .render import layout, render_html_table
from .rules import check_rules
from .tasks import FORMATS, queue_form_bundle, queue_form_export


def _require_data_role(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if not scope.unrestricted and not scope.roles() & set(DATA_ROLES):
        raise PermissionDenied


def _year(request: HttpRequest, value: str | None = None) -> SchoolYear | None:
    code = (value if value is not None else request.GET.get("school_year", "")).strip()
    year = SchoolYear.objects.filter(code=code).first() if code else None
    return year or SchoolYear.objects.filter(is_current=True).first() or SchoolYear.objects.order_by("-code").first()


def _default_unit(request: HttpRequest) -> OrgUnit | None:
    roots = scope_of(request.user).roots()
    units = selectors.visible_units(principal=request.user)
    return units.filter(path__in=roots).order_by("depth", "code").first() or units.order_by("depth", "code").first()


def _form_and_unit(request: HttpRequest, form_code: str, code: str):
    _require_data_role(request)
    unit = selectors.visible_unit(principal=request.user, code=code)
    form = get_form(form_code)
    if unit is None or form is None:
        raise Http404
    return form, unit


@login_required
@require_GET
def form_list(request: HttpRequest) -> HttpResponse:
    _require_data_role(request)
    units = selectors.visible_units(principal=request.user).order_by("path")[:2000]
    wanted = request.GET.get("org_unit", "")
    unit = selectors.visible_unit(principal=request.user, code=wanted) if wanted else _default_unit(request)
    forms = selectors.forms_for_unit(org_unit=unit) if unit is not None else list(all_forms().values())
    context = {
        "forms": forms,
        "units": units,
        "unit": unit,
        "year": _year(request),
        "years": SchoolYear.objects.order_by("-code"),
        "periods": Period.choices,
    }
    return render(request, "statforms/form_list.html", context)


@login_required
@require_GET
def form_preview(request: HttpRequest, form_code: str, code: str) -> HttpResponse:
    form, unit = _form_and_unit(request, form_code, code)
    year = _year(request)
    if year is None:
        raise Http404
    try:
        figures = selectors.form_figures(form=form, org_unit=unit, school_year=year, principal=request.user)
    except IndicatorScopeError as error:
        return render(
            request,
            "statforms/form_preview.html",
            {"form": form, "unit": unit, "year": year, "years": SchoolYear.objects.order_by("-code"), "error": error},
        )
    submission = figures.submission
    failures: list[Any] = []
    may_submit = (
        unit.kind == OrgUnit.Kind.SCHOOL
        and form.concerns(unit.school.levels)
        and services.holds(request.user, services.SCHOOL_ROLES, unit.path)
    )
    if may_submit and (submission is None or submission.status not in FormSubmission.IN_CHAIN):
        live = selectors.form_figures(form=form, org_unit=unit, school_year=year, principal=request.user, live=True)
        failures = check_rules(form=form, cells=live.cells)
    actions = services.allowed_actions(submission=submission, by=request.user)
    context = {
        "form": form,
        "unit": unit,
        "year": year,
        "years": SchoolYear.objects.order_by("-code"),
        "figures": figures,
        "table": render_html_table(layout(figures)),
        "submission": submission,
        "events": submission.events.select_related("actor") if submission else [],
        "failures": failures,
        "can_submit": may_submit
        and not failures
        and (submission is None or submission.status not in FormSubmission.IN_CHAIN),
        "can_review": "review" in actions,
        "can_reopen": "reopen" in actions,
        "formats": FORMATS,
    }
    return render(request, "statforms/form_preview.html", context)


def _preview_url(form_code: str, code: str, year: SchoolYear) -> str:
    return reverse("statform-preview", args=[form_code, code]) + f"?school_year={year.code}"


@login_required
@require_POST
def form_export(request: HttpRequest, form_code: str, code: str) -> HttpResponse:
    form, unit = _form_and_unit(request, form_code, code)
    year = _year(request, request.POST.get("school_year", ""))
    file_format = request.POST.get("format", "xlsx")
    if year is None or file_format not in FORMATS:
        messages.error(request, _("Hãy chọn năm học và định dạng xlsx hoặc pdf."))
        return redirect(reverse("statform-list"))
    job = queue_form_export(
        principal=request.user, form_code=form.code, org_unit=unit, school_year=year, file_format=file_format
    )
    return redirect("job-detail", job_id=job.pk)


@login_required
@require_POST
def form_submit(request: HttpRequest, form_code: str, code: str) -> HttpResponse:
    form, unit = _form_and_unit(request, form_code, code)
    year = _year(request, request.POST.get("school_year", ""))
    if year is None or unit.kind != OrgUnit.Kind.SCHOOL:
        raise Http404
    try:
        services.submit_form(form=form, school=unit.school, school_year=year, by=request.user)
    except services.RulesBroken as refused:
        messages.error(request, str(refused))
        for failure in refused.failures[:20]:
            messages.warning(request, failure.message)
    except services.ApprovalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã nộp biểu %(code)s.") % {"code": form.code})
    return redirect(_preview_url(form.code, unit.code, year))


def _submission_or_404(request: HttpRequest, submission_id: int) -> FormSubmission:
    _require_data_role(request)
    submission = selectors.visible_submission(principal=request.user, pk=submission_id)
    if submission is None:
        raise Http404
    return submission


def _step(request: HttpRequest, submission_id: int, action) -> HttpResponse:
    submission = _submission_or_404(request, submission_id)
    comment = request.POST.get("comment", "")
    try:
        action(submission=submission, by=request.user, comment=comment)
    except services.ApprovalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã cập nhật báo cáo."))
    return redirect(_preview_url(submission.form_code, submission.school.code, submission.school_year))


@login_required
@require_POST
def submission_approve(request: HttpRequest, submission_id: int) -> HttpResponse:
    return _step(request, submission_id, services.approve_submission)


@login_required
@require_POST
def submission_return(request: HttpRequest, submission_id: int) -> HttpResponse:
    return _step(request, submission_id, services.return_submission)


@login_required
@require_POST
def submission_reopen(request: HttpRequest, submission_id: int) -> HttpResponse:
    return _step(request, submission_id, services.reopen_submission)


@login_required
@require_GET
def form_completeness(request: HttpRequest) -> HttpResponse:
    _require_data_role(request)
    wanted = request.GET.get("org_unit", "")
    unit = selectors.visible_unit(principal=request.user, code=wanted) if wanted else _default_unit(request)
    year = _year(request)
    if unit is None or year is None:
        raise Http404
    period = request.GET.get("period", Period.START)
    view = selectors.completeness(principal=request.user, org_unit=unit, school_year=year, period=period)
    scope = scope_of(request.user)
    context = {
        "view": view,
        "unit": unit,
        "units": selectors.visible_units(principal=request.user).exclude(kind=OrgUnit.Kind.SCHOOL).order_by("path"),
        "year": year,
        "years": SchoolYear.objects.order_by("-code"),
        "periods": Period.choices,
        "is_department": scope.unrestricted or any(scope.has_role(r) for r in services.DEPARTMENT_ROLES),
        "formats": FORMATS,
    }
    return render(request, "statforms/completeness.html", context)


@login_required
@require_POST
def form_deadline(request: HttpRequest) -> HttpResponse:
    _require_data_role(request)
    year = _year(request, request.POST.get("school_year", ""))
    period = request.POST.get("period", "")
    deadline = parse_date(request.POST.get("deadline", "") or "")
    if year is None or period not in Period.values or deadline is None:
        messages.error(request, _("Hãy chọn năm học, kỳ báo cáo và hạn nộp hợp lệ."))
    else:
        try:
            services.set_deadline(school_year=year, period=period, deadline=deadline, by=request.user)
        except services.ApprovalError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã đặt hạn nộp %(day)s.") % {"day": deadline.strftime("%d/%m/%Y")})
    query = f"?school_year={year.code}&period={period}" if year else ""
    return redirect(reverse("statform-completeness") + query)


@login_required
@require_POST
def form_bundle(request: HttpRequest) -> HttpResponse:
    _require_data_role(request)
    unit = selectors.visible_unit(principal=request.user, code=request.POST.get("org_unit", ""))
    year = _year(request, request.POST.get("school_year", ""))
    period = request.POST.get("period", Period.START)
    file_format = request.POST.get("format", "pdf")
    if unit is None or year is None or period not in Period.values or file_format not in FORMATS:
        raise Http404
    job = queue_form_bundle(
        principal=request.user, org_unit=unit, school_year=year, period=period, file_format=file_format
    )
    return redirect("job-detail", job_id=job.pk)
