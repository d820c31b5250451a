"""Staff pages of admissions, scoped: rounds, applications to review, exam scores, the allocation job, publication,
lists per school, the second round. Outside the caller's scope everything answers 404; the actions that decide a
round (scores, allocation, publication, second round) belong to its organising unit's staff only.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edudx.core.audit import log_export
from edudx.core.exports import safe_cell, write_xlsx
from edudx.core.jobs import create_job
from edudx.core.scoping import scope_of
from people.national_id import mask_national_id

from . import selectors, services
from .forms import AllocateForm, ReviewForm, ScoresUploadForm, SecondRoundForm
from .models import AdmissionRound, Application, ApplicationStatus
from .scores import read_scores
from .tasks import allocate_admissions_task, publish_admissions_task


def _round(request: HttpRequest, code: str, *, organiser: bool = False) -> AdmissionRound:
    try:
        round_ = selectors.get_round(code=code, visible_to=request.user)
    except AdmissionRound.DoesNotExist as error:
        raise Http404 from error
    if organiser and not selectors.can_organise(round=round_, principal=request.user):
        raise Http404
    return round_


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    return render(request, "admissions/staff/rounds.html", {"rounds": selectors.list_rounds(visible_to=request.user)})


@login_required
@require_GET
def round_detail(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    organiser = selectors.can_organise(round=round_, principal=request.user)
    counts = dict.fromkeys(ApplicationStatus.values, 0)
    for application_status, n in selectors.status_counts(round=round_, visible_to=request.user):
        counts[application_status] = n
    context = {
        "round": round_,
        "organiser": organiser,
        "schools": selectors.round_schools_summary(round=round_, visible_to=request.user),
        "counts": counts,
        "status_labels": dict(ApplicationStatus.choices),
        "latest_run": selectors.latest_run(round=round_),
        "allocate_form": AllocateForm(initial={"seed": round_.seed}),
        "scores_form": ScoresUploadForm(),
        "second_form": SecondRoundForm(initial={"code": f"{round_.code}-bs"[:40], "seed": round_.seed + 1}),
        "now": timezone.now(),
    }
    return render(request, "admissions/staff/round.html", context)


@login_required
@require_GET
def application_list(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    status = request.GET.get("status", "")
    school = request.GET.get("school", "")[:32]
    query = request.GET.get("q", "")[:30]
    applications = selectors.list_applications(
        round=round_, visible_to=request.user, status=status, school=school, query=query
    )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    context = {
        "round": round_,
        "page": page,
        "status": status,
        "school": school,
        "q": query,
        "query": urlencode({k: v for k, v in (("status", status), ("school", school), ("q", query)) if v}),
        "statuses": ApplicationStatus.choices,
    }
    return render(request, "admissions/staff/applications.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, receipt_code: str) -> HttpResponse:
    try:
        application = selectors.get_application(receipt_code=receipt_code, visible_to=request.user)
    except Application.DoesNotExist as error:
        raise Http404 from error
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_application(
                application=application,
                valid=form.cleaned_data["decision"] == "valid",
                reasons=form.cleaned_data["reasons"],
                by=request.user,
            )
        except services.AdmissionError as error:
            form.add_error("reasons" if hasattr(error, "error_dict") else None, error.messages[0])
        else:
            messages.success(request, _("Đã ghi kết quả kiểm tra hồ sơ %(code)s.") % {"code": receipt_code})
            return redirect("admissions-staff-app", receipt_code=receipt_code)
    attachments = application.dossier.attachments.all() if application.dossier_id else []
    context = {
        "application": application,
        "form": form,
        "masked_id": mask_national_id(application.child_national_id),
        "attachments": attachments,
    }
    return render(request, "admissions/staff/application.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def round_open(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code, organiser=True)
    try:
        services.open_round(round=round_)
    except services.AdmissionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã mở nhận hồ sơ."))
    return redirect("admissions-staff-round", code=code)


@login_required
@require_POST
def scores_upload(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code, organiser=True)
    form = ScoresUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Chọn tệp điểm để tải lên."))
        return redirect("admissions-staff-round", code=code)
    try:
        rows = read_scores(form.cleaned_data["file"])
        stored = services.set_exam_scores(round=round_, rows=rows)
    except services.AdmissionError as error:
        for message in error.messages[:10]:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã ghi điểm của %(n)d hồ sơ.") % {"n": stored})
    return redirect("admissions-staff-round", code=code)


@login_required
@require_POST
def allocate(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code, organiser=True)
    form = AllocateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Số hạt giống phải là số nguyên không âm."))
        return redirect("admissions-staff-round", code=code)
    job = create_job(
        task=allocate_admissions_task,
        principal=request.user,
        org_unit=round_.org_unit,
        title=_("Xét tuyển: %(name)s") % {"name": round_.name},
        params={"round": round_.code, "seed": form.cleaned_data["seed"]},
    )
    return redirect("job-detail", job_id=job.pk)


@login_required
@require_POST
def publish(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code, organiser=True)
    run = selectors.latest_run(round=round_)
    if run is None:
        raise Http404
    if round_.status != AdmissionRound.Status.ALLOCATED or run.published_at is not None:
        messages.error(request, _("Chỉ công bố được lần xét tuyển mới nhất của đợt, khi chưa công bố."))
        return redirect("admissions-staff-round", code=code)
    # A background job: the publication decides every dossier of the round (~100,000 in a large round).
    job = create_job(
        task=publish_admissions_task,
        principal=request.user,
        org_unit=round_.org_unit,
        title=_("Công bố kết quả: %(name)s") % {"name": round_.name},
        params={"round": round_.code, "run": run.pk},
    )
    return redirect("job-detail", job_id=job.pk)


@login_required
@require_POST
def second_round(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code, organiser=True)
    form = SecondRoundForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {errors[0]}")
        return redirect("admissions-staff-round", code=code)
    try:
        second = services.open_second_round(previous=round_, **form.cleaned_data)
    except services.AdmissionError as error:
        messages.error(request, error.messages[0])
        return redirect("admissions-staff-round", code=code)
    messages.success(request, _("Đã tạo đợt bổ sung với số chỗ còn trống."))
    return redirect("admissions-staff-round", code=second.code)


@login_required
@require_GET
def export_lists(request: HttpRequest, code: str) -> HttpResponse:
    """Placed applicants per school (.xlsx); a school's staff get their own school only. Logged (personal data)."""
    round_ = _round(request, code)
    school = request.GET.get("school", "")[:32]
    applications = selectors.list_applications(round=round_, visible_to=request.user, school=school).exclude(
        result_school=None
    )
    if not selectors.can_organise(round=round_, principal=request.user):
        # A school's staff get the children placed in their own school, not those placed elsewhere.
        scope = scope_of(request.user).only(selectors.STAFF_ROLES)
        applications = applications.filter(scope.q("result_school__school__org_unit__path"))
    rows = (
        [
            safe_cell(a.result_school.code),
            safe_cell(a.receipt_code),
            safe_cell(a.child_full_name),
            a.child_birth_date.strftime("%d/%m/%Y"),
            a.get_child_gender_display(),
            safe_cell(a.ward.name),
            a.priority_group or "",
            float(a.exam_score) if a.exam_score is not None else "",
            safe_cell(a.parent_name),
            safe_cell(a.parent_phone),
            _("Đã xác nhận") if a.confirmed_at else _("Chưa xác nhận"),
        ]
        for a in applications.order_by("result_school__school__org_unit__code", "child_full_name")
    )
    content = write_xlsx(
        sheet_name=_("Trúng tuyển"),
        title=_("Danh sách trúng tuyển – %(name)s") % {"name": round_.name},
        headers=[
            _("Trường"),
            _("Mã hồ sơ"),
            _("Họ và tên"),
            _("Ngày sinh"),
            _("Giới tính"),
            _("Xã/phường"),
            _("Nhóm ưu tiên"),
            _("Điểm xét tuyển"),
            _("Cha/mẹ/người giám hộ"),
            _("Số điện thoại"),
            _("Xác nhận nhập học"),
        ],
        rows=rows,
    )
    log_export(org_unit=round_.org_unit, actor=request.user, what=f"admissions:{round_.code}:{school or '*'}")
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="trung-tuyen-{round_.code}.xlsx"'
    return response


@login_required
@require_GET
def export_unplaced(request: HttpRequest, code: str) -> HttpResponse:
    """Valid applications no school took, with the managing unit of their ward (the unit's pool). Organiser only."""
    round_ = _round(request, code, organiser=True)
    applications = (
        selectors.list_applications(round=round_, visible_to=request.user, status=ApplicationStatus.VALID)
        .filter(result_school=None)
        .select_related("ward__org_unit")
        .order_by("ward__name", "child_full_name")
    )
    rows = (
        [
            safe_cell(a.ward.org_unit.name if a.ward.org_unit_id else ""),
            safe_cell(a.ward.name),
            safe_cell(a.receipt_code),
            safe_cell(a.child_full_name),
            a.child_birth_date.strftime("%d/%m/%Y"),
            safe_cell(", ".join(rs.code for rs in a.choices)),
            safe_cell(a.parent_name),
            safe_cell(a.parent_phone),
        ]
        for a in applications
    )
    content = write_xlsx(
        sheet_name=_("Chưa được xếp"),
        title=_("Hồ sơ hợp lệ chưa được xếp trường – %(name)s") % {"name": round_.name},
        headers=[
            _("Đơn vị quản lý"),
            _("Xã/phường"),
            _("Mã hồ sơ"),
            _("Họ và tên"),
            _("Ngày sinh"),
            _("Nguyện vọng"),
            _("Cha/mẹ/người giám hộ"),
            _("Số điện thoại"),
        ],
        rows=rows,
    )
    log_export(org_unit=round_.org_unit, actor=request.user, what=f"admissions:{round_.code}:unplaced")
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="chua-xep-{round_.code}.xlsx"'
    return response


def _run_file(request: HttpRequest, code: str, attribute: str, filename: str) -> HttpResponse:
    round_ = _round(request, code, organiser=True)
    run = selectors.latest_run(round=round_)
    if run is None:
        raise Http404
    response = HttpResponse(getattr(run, attribute), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{round_.code}-{filename}"'
    return response


@login_required
@require_GET
def run_applicants(request: HttpRequest, code: str) -> HttpResponse:
    return _run_file(request, code, "applicants_csv", "A.csv")


@login_required
@require_GET
def run_schools(request: HttpRequest, code: str) -> HttpResponse:
    return _run_file(request, code, "schools_csv", "S.csv")


@login_required
@require_GET
def run_results(request: HttpRequest, code: str) -> HttpResponse:
    return _run_file(request, code, "results_csv", "R.csv")
