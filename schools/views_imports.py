"""The school IT officer's upload flow: upload → preview of row errors → confirm (once) or discard; templates.

Every read goes through ``visible_to`` with the upload roles: a batch, a unit or a template of a school outside
the caller's scope answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from edudx.core.imports.kinds import REGISTRY
from edudx.core.imports.services import confirm_import, discard_import, start_import
from edudx.core.imports.template_files import build_template
from edudx.core.models import ImportBatch

from .models import OrgUnit, SchoolYear
from .selectors import can_upload, upload_units, visible_batches
from .services import current_school_year
from .uploads import check_upload_file, kind_fits_unit, kind_label, ordered_kinds, wrong_unit_message

ERRORS_PER_PAGE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- forms --------------------------------------------------------------------------------------------------------


def _unit_choices(units: QuerySet[OrgUnit]) -> list[tuple[str, Any]]:
    schools, others = [], []
    for unit in units.order_by("depth", "code"):
        (schools if unit.kind == OrgUnit.Kind.SCHOOL else others).append((unit.code, f"{unit.name} ({unit.code})"))
    groups = []
    if schools:
        groups.append((_("Trường"), sorted(schools, key=lambda choice: choice[1])))
    if others:
        groups.append((_("Sở, đơn vị quản lý"), others))
    return groups


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại dữ liệu"))
    org_unit = forms.ChoiceField(
        label=gettext_lazy("Trường / đơn vị"),
        help_text=gettext_lazy("Học sinh, cán bộ, cơ sở vật chất…: chọn trường. Đơn vị, trường học: chọn Sở/đơn vị."),
    )
    school_year = forms.ModelChoiceField(
        label=gettext_lazy("Năm học"),
        queryset=SchoolYear.objects.order_by("-code"),
        to_field_name="code",
        empty_label=None,
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_TYPE}"}),
        error_messages={
            "required": gettext_lazy("Hãy chọn tệp Excel .xlsx để tải lên."),
            "empty": gettext_lazy("Tệp rỗng (0 byte). Hãy chọn lại tệp Excel .xlsx có dữ liệu."),
            "invalid": gettext_lazy("Không nhận được tệp; hãy chọn lại tệp."),
            "missing": gettext_lazy("Không nhận được tệp; hãy chọn lại tệp."),
        },
    )
    valid_rows_only = forms.BooleanField(
        label=gettext_lazy("Chỉ ghi các dòng hợp lệ"),
        required=False,
        help_text=gettext_lazy("Nếu không chọn, tệp còn dòng lỗi sẽ không được ghi cho đến khi sửa hết lỗi."),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.units = units
        unit_list = list(units)
        has_school = any(u.kind == OrgUnit.Kind.SCHOOL for u in unit_list)
        has_unit = any(u.kind != OrgUnit.Kind.SCHOOL for u in unit_list)
        self.kinds = [k for k in ordered_kinds() if (has_school if k.per_school else has_unit)]
        self.fields["kind"].choices = [(k.code, k.label) for k in self.kinds]
        self.fields["org_unit"].choices = _unit_choices(units)
        self.fields["kind"].error_messages["invalid_choice"] = _("Loại dữ liệu không hợp lệ.")
        self.fields["org_unit"].error_messages["invalid_choice"] = _(
            "Đơn vị không tồn tại hoặc nằm ngoài phạm vi của bạn."
        )
        schools = [u for u in unit_list if u.kind == OrgUnit.Kind.SCHOOL]
        if len(schools) == 1:
            self.fields["org_unit"].initial = schools[0].code  # a school's officer: their school, preselected
        year = current_school_year()
        if year is not None:
            self.fields["school_year"].initial = year.code

    def clean_file(self):
        upload = self.cleaned_data["file"]
        problem = check_upload_file(upload)
        if problem:
            raise forms.ValidationError(problem)
        return upload

    def clean_org_unit(self) -> OrgUnit:
        unit = self.units.filter(code=self.cleaned_data["org_unit"]).first()
        if unit is None:
            raise forms.ValidationError(self.fields["org_unit"].error_messages["invalid_choice"])
        return unit

    def clean(self):
        cleaned = super().clean()
        kind, unit = REGISTRY.get(cleaned.get("kind") or ""), cleaned.get("org_unit")
        if kind is not None and unit is not None and not kind_fits_unit(kind, unit):
            self.add_error("org_unit", wrong_unit_message(kind))
        return cleaned


class ImportBatchFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Loại dữ liệu"),
        choices=lambda: [(k.code, k.label) for k in ordered_kinds()],
        empty_label=gettext_lazy("Tất cả loại"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Trạng thái"), choices=ImportBatch.Status.choices, empty_label=gettext_lazy("Tất cả")
    )

    class Meta:
        model = ImportBatch
        fields = ["kind", "status"]


# --- views --------------------------------------------------------------------------------------------------------


def _require_upload_role(request) -> None:
    if not can_upload(request.user):
        raise PermissionDenied


def _batch_or_404(request, pk) -> ImportBatch:
    return get_object_or_404(visible_batches(request.user), pk=pk)


def _go_to_batch(request, batch: ImportBatch):
    url = reverse("import-detail", args=[batch.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_GET
def import_list(request):
    """The uploads the caller may see, newest first, filtered by kind and status."""
    _require_upload_role(request)
    filterset = ImportBatchFilter(request.GET or None, queryset=visible_batches(request.user))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    for batch in page.object_list:
        batch.kind_label = kind_label(batch.kind)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    return render(request, "imports/import_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    """The upload form; a valid upload is stored and checked in the background (nothing written yet)."""
    _require_upload_role(request)
    units = upload_units(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = start_import(
                kind=data["kind"],
                upload=data["file"],
                original_name=data["file"].name,
                org_unit=data["org_unit"],
                school_year=data["school_year"],
                principal=request.user,
                valid_rows_only=data["valid_rows_only"],
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.info(request, _("Đã nhận tệp; hệ thống đang kiểm tra. Chưa có dữ liệu nào được ghi."))
            return redirect("import-detail", pk=batch.pk)
    template_unit = form.fields["org_unit"].initial
    context = {"form": form, "kinds": form.kinds, "template_unit": template_unit}
    return render(request, "imports/import_new.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def import_detail(request, pk):
    """One upload: progress while checking or writing, then the preview (errors, conflicts) or the result."""
    batch = _batch_or_404(request, pk)
    errors_page = Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    job = batch.apply_job if batch.apply_job_id else batch.validate_job
    busy = batch.status in (ImportBatch.Status.VALIDATING, ImportBatch.Status.APPLYING)
    other_schools = {}
    if batch.conflicts:
        codes = {c.get("other_school") for c in batch.conflicts}
        other_schools = dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "name"))
    conflicts = [{**c, "other_school_name": other_schools.get(c.get("other_school"), "")} for c in batch.conflicts]
    validate_job = batch.validate_job
    context = {
        "batch": batch,
        "kind_label": kind_label(batch.kind),
        "job": job,
        "busy": busy,
        "polling": busy and job is not None and not job.is_finished,
        "errors_page": errors_page,
        "conflicts": conflicts,
        "valid_rows": batch.total_rows - batch.invalid_rows,
        "error_report": validate_job
        if validate_job and validate_job.status == validate_job.Status.SUCCEEDED and validate_job.result_file
        else None,
    }
    template = "imports/_batch_state.html" if request.htmx else "imports/import_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def import_confirm(request, pk):
    """Queues the write once: a second click or a retry lands on the same job (confirm_import is idempotent)."""
    batch = _batch_or_404(request, pk)
    raw = request.POST.get("valid_rows_only")
    valid_rows_only = None if raw is None else raw in ("1", "true", "on")
    try:
        confirm_import(batch=batch, principal=request.user, valid_rows_only=valid_rows_only)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đang ghi dữ liệu; bạn có thể rời trang này, kết quả sẽ được lưu lại."))
    return _go_to_batch(request, batch)


@login_required
@require_POST
def import_discard(request, pk):
    batch = _batch_or_404(request, pk)
    batch = discard_import(batch=batch)
    if batch.status == ImportBatch.Status.DISCARDED:
        messages.success(
            request, _("Đã hủy lần nhập tệp “%(name)s”; không có dữ liệu nào được ghi.") % {"name": batch.original_name}
        )
        return redirect("import-list")
    messages.error(request, _("Không thể hủy: tệp đang được ghi hoặc đã ghi xong."))
    return _go_to_batch(request, batch)


@login_required
@require_GET
def import_template_pick(request):
    """The GET form of the upload page (kind + school) → the template's own address."""
    code = request.GET.get("kind", "")
    if code not in REGISTRY:
        raise Http404
    url = reverse("import-template", args=[code])
    school = request.GET.get("school", "")
    return redirect(f"{url}?{urlencode({'school': school})}" if school else url)


@login_required
@require_GET
def import_template(request, code: str):
    """The .xlsx template of the kind whose code is ``code``, titled with the school (``?school=``) in scope."""
    _require_upload_role(request)
    kind = REGISTRY.get(code)
    if kind is None:
        raise Http404
    units = upload_units(request.user)
    unit_code = request.GET.get("school", "").strip().upper()
    if unit_code:
        unit = get_object_or_404(units, code=unit_code)
        if not kind_fits_unit(kind, unit):
            raise Http404
    else:
        fitting = [u for u in units if kind_fits_unit(kind, u)]
        unit = fitting[0] if len(fitting) == 1 else None
    year = current_school_year()
    lines = [f"MẪU NHẬP DỮ LIỆU: {kind.label.upper()}"]
    if unit is not None:
        what = "Trường" if unit.kind == OrgUnit.Kind.SCHOOL else "Đơn vị"
        lines.append(f"{what}: {unit.name} – mã {unit.code}")
    if year is not None:
        lines.append(f"Năm học: {year.code}")
    lines.append(
        "Cột có dấu * là bắt buộc. Xem ghi chú ở ô tiêu đề để biết cách ghi. Nhập dữ liệu từ dòng dưới tiêu đề."
    )
    content = build_template(kind, title_lines=lines)
    filename = f"mau-{kind.code}{'-' + unit.code if unit else ''}.xlsx"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
