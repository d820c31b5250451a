"""Pages of the DX self-assessment: the school's form (htmx), the unit/department list with completeness, the
published levels per unit (ECharts + table), the .xlsx export job, and permission-checked evidence downloads.

Every object is found through ``selectors`` (the caller's scope): outside it, 404. Inside it, a step the caller's
role may not take (a school publishing) is a 403 from the service.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reports.dashboards import pick_school_year, school_years
from schools.models import School, SchoolYear

from . import selectors, services
from .forms import CommentForm, EvidenceForm, ListFilterForm, ReopenForm
from .models import Assessment, Evidence, Level, Status
from .scoring import MEASURES
from .tasks import queue_levels_export

PAGE_SIZE = 100  # assessments per page of the reviewers' list
MISSING_SHOWN = 1000  # schools listed as "not submitted" (the count is always complete)


def _year(request: HttpRequest) -> tuple[list[SchoolYear], SchoolYear]:
    years = school_years()
    year = pick_school_year(years, (request.POST.get("year") or request.GET.get("year") or "").strip())
    if year is None:
        raise Http404(_("Chưa có năm học nào được mở."))
    return years, year


def _school(request: HttpRequest, code: str) -> School:
    try:
        return selectors.get_school(visible_to=request.user, code=code)
    except School.DoesNotExist:
        raise Http404 from None


def _assessment(request: HttpRequest, code: str) -> tuple[School, SchoolYear, Assessment]:
    school = _school(request, code)
    _years, year = _year(request)
    assessment = selectors.find_assessment(school=school, school_year=year)
    if assessment is None:
        raise Http404(_("Trường chưa bắt đầu tự đánh giá năm học này."))
    return school, year, assessment


def _page_url(school: School, year: SchoolYear, anchor: str = "") -> str:
    url = reverse("maturity-school", args=[school.code]) + "?" + urlencode({"year": year.code})
    return url + (f"#{anchor}" if anchor else "")


def _errors(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


# --- the school's page ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Reviewers get the list; a school's officer goes straight to the school's own assessment."""
    if selectors.can_list(visible_to=request.user):
        return assessment_list(request)
    schools = list(selectors.own_schools(visible_to=request.user)[:2])
    if len(schools) == 1:
        return redirect("maturity-school", code=schools[0].code)
    if not schools:
        raise Http404
    return render(request, "maturity/choose_school.html", {"schools": selectors.own_schools(visible_to=request.user)})


def _item_rows(assessment: Assessment) -> list[dict[str, Any]]:
    evidence = selectors.list_evidence(assessment=assessment)
    year = assessment.school_year.code
    rows = []
    for item in selectors.list_items(assessment=assessment):
        figures = []
        for figure in item.prefill.get("figures", []):
            query = urlencode({"unit": figure["org_unit"], "year": year})
            figures.append({**figure, "url": reverse("indicator-detail", args=[figure["indicator"]]) + "?" + query})
        measure = MEASURES.get(item.criterion.measure)
        rows.append(
            {
                "item": item,
                "criterion": item.criterion,
                "measure": measure,
                "figures": figures,
                "evidence": evidence.get(item.criterion_id, []),
                "overridden": item.prefill_points is not None and item.self_points != item.prefill_points,
            }
        )
    return rows


def _page_context(request: HttpRequest, school: School, year: SchoolYear, assessment: Assessment | None):
    user = request.user
    context: dict[str, Any] = {
        "school": school,
        "year": year,
        "years": school_years(),
        "assessment": assessment,
        "deadline": services.submission_deadline(year),
        "publish_deadline": services.publication_deadline(year),
        "is_school": selectors.holds_role(visible_to=user, school=school, roles=services.SCHOOL_ROLES),
        "applicable": selectors.is_concerned(school),
        "reopen_form": ReopenForm(),
        "comment_form": CommentForm(),
    }
    if assessment is not None:
        rows = _item_rows(assessment)
        transitions = selectors.list_transitions(assessment=assessment)
        context.update(
            {
                "teaching_rows": [r for r in rows if r["criterion"].group == "teaching"],
                "management_rows": [r for r in rows if r["criterion"].group == "management"],
                "transitions": transitions,
                "can_edit": services.can_edit(by=user, assessment=assessment),
                "can_review": services.can_review(by=user, assessment=assessment),
                "can_reopen": services.can_reopen(by=user, assessment=assessment),
                "late": assessment.status == Status.DRAFT and not services.can_submit_on(assessment, services.today()),
                "published_late": assessment.published_at is not None
                and timezone.localdate(assessment.published_at) > services.publication_deadline(year),
                "last_comment": next((t for t in reversed(transitions) if t.comment), None),
                "max_bytes_mb": services.max_evidence_bytes() // (1024 * 1024),
            }
        )
    return context


@login_required
@require_GET
def school_page(request: HttpRequest, code: str) -> HttpResponse:
    school = _school(request, code)
    _years, year = _year(request)
    assessment = selectors.find_assessment(school=school, school_year=year)
    return render(request, "maturity/school.html", _page_context(request, school, year, assessment))


@login_required
@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    school = _school(request, code)
    _years, year = _year(request)
    try:
        services.start_assessment(school=school, school_year=year, by=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect(_page_url(school, year))


@login_required
@require_POST
def refresh(request: HttpRequest, code: str) -> HttpResponse:
    school, year, assessment = _assessment(request, code)
    if not services.can_edit(by=request.user, assessment=assessment):
        raise services.PermissionDenied(_("Chỉ cán bộ của trường mới cập nhật số liệu khi đang tự đánh giá."))
    filled = services.refresh_prefill(assessment=assessment)
    messages.success(request, _("Đã cập nhật số liệu cho %(n)d tiêu chí đo được.") % {"n": filled})
    return redirect(_page_url(school, year))


@login_required
@require_POST
def score(request: HttpRequest, code: str) -> HttpResponse:
    """Saves one criterion's points (htmx: answers the criterion's card and the totals, out of band)."""
    school, year, assessment = _assessment(request, code)
    criterion = request.POST.get("criterion", "")
    error = ""
    try:
        services.score_item(
            assessment=assessment,
            criterion_code=criterion,
            points=request.POST.get("points", ""),
            justification=request.POST.get("justification", ""),
            by=request.user,
        )
    except ValidationError as exc:
        error = _errors(exc)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(_page_url(school, year, anchor=f"tc-{criterion}"))
    assessment.refresh_from_db()
    context = _page_context(request, school, year, assessment)
    rows = context["teaching_rows"] + context["management_rows"]
    row = next((r for r in rows if r["criterion"].code == criterion.strip().upper()), None)
    if row is None:
        return HttpResponse(error, status=400)
    context.update({"row": row, "error": error, "posted": request.POST if error else None, "oob": True})
    return render(request, "maturity/_item.html", context, status=422 if error else 200)


@login_required
@require_POST
def upload_evidence(request: HttpRequest, code: str) -> HttpResponse:
    school, year, assessment = _assessment(request, code)
    form = EvidenceForm(request.POST, request.FILES)
    anchor = f"tc-{request.POST.get('criterion', '')}"
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một tệp minh chứng."))
        return redirect(_page_url(school, year, anchor=anchor))
    upload = form.cleaned_data["file"]
    if upload.size > services.max_evidence_bytes():
        messages.error(
            request,
            _("Tệp quá lớn (%(size).1f MB); giới hạn là %(limit).0f MB.")
            % {"size": upload.size / 1048576, "limit": services.max_evidence_bytes() / 1048576},
        )
        return redirect(_page_url(school, year, anchor=anchor))
    try:
        services.attach_evidence(
            assessment=assessment,
            criterion_code=form.cleaned_data["criterion"],
            name=upload.name,
            content=upload.read(),
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Đã tải lên minh chứng “%(name)s”.") % {"name": upload.name[:100]})
    return redirect(_page_url(school, year, anchor=anchor))


@login_required
@require_GET
def evidence_download(request: HttpRequest, evidence_id) -> HttpResponse:
    """The file, only for those who may see its school; as an attachment under its (sanitised) original name."""
    try:
        evidence = selectors.get_evidence(visible_to=request.user, evidence_id=evidence_id)
    except Evidence.DoesNotExist:
        raise Http404 from None
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp minh chứng không còn trên máy chủ.")) from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name)
    response["Content-Type"] = evidence.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request: HttpRequest, evidence_id) -> HttpResponse:
    try:
        evidence = selectors.get_evidence(visible_to=request.user, evidence_id=evidence_id)
    except Evidence.DoesNotExist:
        raise Http404 from None
    assessment = evidence.assessment
    try:
        services.remove_evidence(evidence=evidence, by=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect(_page_url(assessment.school, assessment.school_year, anchor=f"tc-{evidence.criterion.code}"))


def _workflow(request: HttpRequest, code: str, step) -> HttpResponse:
    school, year, assessment = _assessment(request, code)
    try:
        message = step(assessment)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, message)
    return redirect(_page_url(school, year))


@login_required
@require_POST
def submit(request: HttpRequest, code: str) -> HttpResponse:
    def step(assessment: Assessment) -> str:
        services.submit_assessment(assessment=assessment, by=request.user)
        return _("Đã nộp bản tự đánh giá; đơn vị quản lý sẽ thẩm định.")

    return _workflow(request, code, step)


@login_required
@require_POST
def request_evidence(request: HttpRequest, code: str) -> HttpResponse:
    def step(assessment: Assessment) -> str:
        services.request_more_evidence(assessment=assessment, by=request.user, comment=request.POST.get("comment", ""))
        return _("Đã chuyển lại cho trường bổ sung minh chứng.")

    return _workflow(request, code, step)


@login_required
@require_POST
def verify(request: HttpRequest, code: str) -> HttpResponse:
    def step(assessment: Assessment) -> str:
        adjustments = {}
        for key, value in request.POST.items():
            if key.startswith("adj_") and value.strip():
                criterion = key[4:]
                adjustments[criterion] = (value, request.POST.get(f"note_{criterion}", ""))
        services.verify_assessment(
            assessment=assessment, by=request.user, adjustments=adjustments, comment=request.POST.get("comment", "")
        )
        return _("Đã thẩm định bản tự đánh giá.")

    return _workflow(request, code, step)


@login_required
@require_POST
def publish(request: HttpRequest, code: str) -> HttpResponse:
    def step(assessment: Assessment) -> str:
        services.publish_assessment(assessment=assessment, by=request.user, comment=request.POST.get("comment", ""))
        return _("Đã công bố mức độ chuyển đổi số của trường.")

    return _workflow(request, code, step)


@login_required
@require_POST
def reopen(request: HttpRequest, code: str) -> HttpResponse:
    def step(assessment: Assessment) -> str:
        form = ReopenForm(request.POST)
        if not form.is_valid():
            raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
        services.reopen_assessment(
            assessment=assessment,
            by=request.user,
            comment=form.cleaned_data["comment"],
            until=form.cleaned_data.get("until"),
        )
        return _("Đã mở lại bản tự đánh giá cho trường.")

    return _workflow(request, code, step)


# --- the unit's and department's pages -----------------------------------------------------------------------------


def _require_list_role(request: HttpRequest) -> None:
    if not selectors.can_list(visible_to=request.user):
        raise Http404


def _filters(request: HttpRequest) -> tuple[ListFilterForm, SchoolYear, Any, list]:
    years, year = _year(request)
    units = selectors.list_units(visible_to=request.user)
    form = ListFilterForm(request.GET or None, years=years, units=units)
    unit = None
    if form.is_valid() and form.cleaned_data.get("unit"):
        unit = selectors.get_unit(visible_to=request.user, code=form.cleaned_data["unit"])
    return form, year, unit, units


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    """Every school's assessment in scope with filters, and the schools that have not submitted yet."""
    _require_list_role(request)
    form, year, unit, units = _filters(request)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    assessments = selectors.list_assessments(
        visible_to=request.user,
        school_year=year,
        status=data.get("status") or None,
        level=data.get("level"),
        unit=unit,
        roles=selectors.LIST_ROLES,
    )
    missing = selectors.list_not_submitted(visible_to=request.user, school_year=year, unit=unit)
    labels = dict(Status.choices)
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "maturity/list.html",
        {
            "form": form,
            "year": year,
            "unit": unit,
            "units": units,
            "page": page,
            "assessments": page.object_list,
            "count": page.paginator.count,
            "missing": [(school, labels.get(school.dx_status)) for school in missing[:MISSING_SHOWN]],
            "missing_count": missing.count(),
            "deadline": services.submission_deadline(year),
            "publish_deadline": services.publication_deadline(year),
            "query": urlencode({k: v for k, v in request.GET.items() if v and k != "page"}),
        },
    )


@login_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    """Published levels per unit: counts per level, a bar chart (ECharts) and the same figures as a table."""
    _require_list_role(request)
    form, year, unit, units = _filters(request)
    rows = selectors.published_levels_by_unit(visible_to=request.user, school_year=year, unit=unit)
    labels = dict(Level.choices)
    chart = {
        "units": [row.name for row in rows],
        "series": [
            {"name": str(labels[level]), "data": [row.counts.get(level, 0) for row in rows]} for level in Level.values
        ],
        "title": _("Số trường theo mức độ chuyển đổi số đã công bố, năm học %(year)s") % {"year": year.code},
    }
    totals = {level: sum(row.counts.get(level, 0) for row in rows) for level in Level.values}
    return render(
        request,
        "maturity/summary.html",
        {
            "form": form,
            "year": year,
            "unit": unit,
            "units": units,
            "rows": rows,
            "levels": [(level, labels[level]) for level in Level.values],
            "totals": totals,
            "chart": chart,
        },
    )


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """Queues the .xlsx of levels for the chosen unit (or the caller's top unit) and year; shows the job."""
    _require_list_role(request)
    _years, year = _year(request)
    code = request.POST.get("unit", "").strip()
    within = selectors.get_unit(visible_to=request.user, code=code) if code else None
    if code and within is None:
        raise Http404  # a unit outside the caller's scope, like one that does not exist
    if within is None:
        roots = selectors.list_units(visible_to=request.user)
        if not roots:
            raise Http404
        within = roots[0]
    status = request.POST.get("status", "")
    job = queue_levels_export(
        principal=request.user, within=within, school_year=year, status=status if status in Status.values else ""
    )
    return redirect("job-detail", job_id=job.pk)
