"""The registry pages: scoped, searchable lists of students, staff and facility items per school year, a person's
page with their years and the audit trail, and exports of the lists.

The FilterSets below are the GET forms (fields, choices, validation); what each filter means lives in
``people.selectors.filter_*``, which the export tasks call with the same cleaned values, so a file holds exactly
the rows its list showed.
"""

from __future__ import annotations

import secrets
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from edudx.core.jobs import create_job
from schools import selectors as school_selectors
from schools.models import FacilityItem, OrgUnit, SchoolYear

from . import selectors
from .ethnicity import ETHNIC_GROUPS
from .models import (
    Employment,
    Enrolment,
    EnrolmentStatus,
    Gender,
    Grade,
    Position,
    Qualification,
    StaffMember,
    Student,
)
from .tasks import export_staff_task, export_students_task

PAGE_SIZE = 50


class RegistryFilter(django_filters.FilterSet):
    """Year, school, search, "missing" and sort, shared by the three lists; subclasses add their own fields."""

    # Free text behind a select: a code that is not offered (another school, a year with no data) is not a form
    # error that would drop the filter and show everything; it filters to nothing.
    school_year = django_filters.CharFilter(label=gettext_lazy("Năm học"), widget=forms.Select)
    school = django_filters.CharFilter(label=gettext_lazy("Trường"), widget=forms.Select)
    q = django_filters.CharFilter(label=gettext_lazy("Tìm theo họ tên hoặc mã định danh"))
    sort = django_filters.CharFilter(widget=forms.HiddenInput)

    apply = staticmethod(selectors.filter_enrolments)

    def __init__(self, data: QueryDict, queryset, *, visible_to: Any) -> None:
        super().__init__(data, queryset)
        schools = school_selectors.list_schools(visible_to=visible_to).order_by("org_unit__code")
        school_choices = [
            (code, f"{name} ({code})") for code, name in schools.values_list("org_unit__code", "org_unit__name")
        ]
        self.form.fields["school"].widget.choices = [("", _("Tất cả trường trong phạm vi")), *school_choices]
        years = SchoolYear.objects.order_by("-code").values_list("code", flat=True)
        self.form.fields["school_year"].widget.choices = [(code, code) for code in years]

    def filter_queryset(self, queryset):
        return self.apply(queryset, filters=self.form.cleaned_data)

    def params(self) -> dict[str, str]:
        """The cleaned, non-blank filter values (plain strings): what an export job keeps to redo the list."""
        self.errors  # noqa: B018 (runs validation)
        return {key: value for key, value in self.form.cleaned_data.items() if value}


class StudentFilter(RegistryFilter):
    grade = django_filters.ChoiceFilter(
        label=gettext_lazy("Khối"), choices=Grade.choices, empty_label=gettext_lazy("Tất cả khối")
    )
    class_name = django_filters.CharFilter(label=gettext_lazy("Lớp"))
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Trạng thái"), choices=EnrolmentStatus.choices, empty_label=gettext_lazy("Tất cả")
    )
    gender = django_filters.ChoiceFilter(
        label=gettext_lazy("Giới tính"), choices=Gender.choices, empty_label=gettext_lazy("Tất cả")
    )
    ethnicity = django_filters.ChoiceFilter(
        label=gettext_lazy("Dân tộc"), choices=list(ETHNIC_GROUPS.items()), empty_label=gettext_lazy("Tất cả")
    )
    missing = django_filters.ChoiceFilter(
        label=gettext_lazy("Còn thiếu"),
        choices=selectors.missing_choices(Enrolment, selectors.STUDENT_MISSING),
        empty_label=gettext_lazy("—"),
    )

    apply = staticmethod(selectors.filter_enrolments)


class StaffFilter(RegistryFilter):
    position = django_filters.ChoiceFilter(
        label=gettext_lazy("Vị trí việc làm"), choices=Position.choices, empty_label=gettext_lazy("Tất cả")
    )
    qualification = django_filters.ChoiceFilter(
        label=gettext_lazy("Trình độ đào tạo"), choices=Qualification.choices, empty_label=gettext_lazy("Tất cả")
    )
    gender = django_filters.ChoiceFilter(
        label=gettext_lazy("Giới tính"), choices=Gender.choices, empty_label=gettext_lazy("Tất cả")
    )
    ethnicity = django_filters.ChoiceFilter(
        label=gettext_lazy("Dân tộc"), choices=list(ETHNIC_GROUPS.items()), empty_label=gettext_lazy("Tất cả")
    )
    missing = django_filters.ChoiceFilter(
        label=gettext_lazy("Còn thiếu"),
        choices=selectors.missing_choices(Employment, selectors.STAFF_MISSING),
        empty_label=gettext_lazy("—"),
    )

    apply = staticmethod(selectors.filter_employments)


class FacilityFilter(RegistryFilter):
    q = django_filters.CharFilter(label=gettext_lazy("Tìm theo tên hoặc mã tài sản"))
    type = django_filters.ChoiceFilter(
        label=gettext_lazy("Loại"), choices=FacilityItem.Type.choices, empty_label=gettext_lazy("Tất cả loại")
    )
    condition = django_filters.ChoiceFilter(
        label=gettext_lazy("Tình trạng"), choices=FacilityItem.Condition.choices, empty_label=gettext_lazy("Tất cả")
    )
    missing = django_filters.ChoiceFilter(
        label=gettext_lazy("Còn thiếu"),
        choices=selectors.missing_choices(FacilityItem, selectors.FACILITY_MISSING),
        empty_label=gettext_lazy("—"),
    )

    apply = staticmethod(selectors.filter_facility_items)


SEARCHES_KEY = "registry_searches"  # session: reference → search text
SEARCHES_KEPT = 20


def _search_redirect(request: HttpRequest, path: str | None = None) -> HttpResponse:
    """The filters are posted: the search text (a name, often a national ID) goes into the session and the list
    is redirected to a URL holding only a reference to it, so that no ID ends up in a URL, a browser's history
    or an access log (RELIABILITY.md, data protection)."""
    path = path or request.path
    query = request.POST.copy()
    query.pop("csrfmiddlewaretoken", None)
    query.pop("qref", None)
    text = query.pop("q", [""])[-1].strip()
    if text:
        searches = request.session.get(SEARCHES_KEY, {})
        reference = secrets.token_urlsafe(6)
        searches[reference] = text
        request.session[SEARCHES_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
        query["qref"] = reference
    return redirect(f"{path}?{query.urlencode()}" if query else path)


def _filter_data(request: HttpRequest, raw: QueryDict) -> QueryDict:
    """The submitted filters with the school year filled in (the current one), so the form shows what is listed,
    and the search text read back from its reference (or taken as posted, by the export form)."""
    data = raw.copy()
    if not data.get("school_year"):
        data["school_year"] = selectors.resolve_school_year(None) or ""
    reference = data.pop("qref", [""])[-1]
    if reference:
        data["q"] = request.session.get(SEARCHES_KEY, {}).get(reference, "")
    return data


def _sort_links(request: HttpRequest, current: str, default: str, keys: tuple[str, ...]) -> dict[str, dict]:
    """For each sortable column: the link that sorts by it (or reverses it) and its aria-sort state."""
    query = request.GET.copy()
    for name in ("page", "sort"):
        query.pop(name, None)
    base = query.urlencode()
    current = current or default
    links = {}
    for key in keys:
        if current == key:
            state, target = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, target = "descending", key
        else:
            state, target = "", key
        links[key] = {"url": f"?{base}&sort={target}" if base else f"?sort={target}", "state": state}
    return links


def _list_page(
    request: HttpRequest,
    *,
    filter_class: type[RegistryFilter],
    queryset,
    sorts: dict,
    default_sort: str,
    person: str | None,
) -> dict[str, Any]:
    filterset = filter_class(_filter_data(request, request.GET), queryset, visible_to=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    if person is not None:
        for row in page.object_list:
            someone = getattr(row, person)
            row.shown_id = selectors.shown_national_id(
                principal=request.user, org_unit=row.school.org_unit, national_id=someone.national_id
            )
            row.ethnicity_name = selectors.ethnicity_name(someone.ethnicity)
    query = request.GET.copy()
    query.pop("page", None)
    params = filterset.params()
    return {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(key not in ("school_year", "sort") for key in params),
        "export_params": params,
        "sorts": _sort_links(request, params.get("sort", ""), default_sort, tuple(sorts)),
        "missing_label": dict(filterset.form.fields["missing"].choices).get(params.get("missing")),
    }


@login_required
def student_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _search_redirect(request)
    context = _list_page(
        request,
        filter_class=StudentFilter,
        queryset=selectors.list_enrolments(visible_to=request.user),
        sorts=selectors.STUDENT_SORTS,
        default_sort=selectors.DEFAULT_SORTS["student"],
        person="student",
    )
    return render(request, "registry/student_list.html", context)


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _search_redirect(request)
    context = _list_page(
        request,
        filter_class=StaffFilter,
        queryset=selectors.list_employments(visible_to=request.user),
        sorts=selectors.STAFF_SORTS,
        default_sort=selectors.DEFAULT_SORTS["staff"],
        person="staff",
    )
    return render(request, "registry/staff_list.html", context)


@login_required
def facility_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _search_redirect(request)
    context = _list_page(
        request,
        filter_class=FacilityFilter,
        queryset=selectors.list_facility_items(visible_to=request.user),
        sorts=selectors.FACILITY_SORTS,
        default_sort=selectors.DEFAULT_SORTS["facility"],
        person=None,
    )
    return render(request, "registry/facility_list.html", context)


def _queue_export(
    request: HttpRequest, *, filter_class: type[RegistryFilter], queryset, task, list_name: str, title: str
) -> HttpResponse:
    """Records an export job for the list's filters (posted back by the list page) on the narrowest unit."""
    filterset = filter_class(_filter_data(request, request.POST), queryset, visible_to=request.user)
    params = filterset.params()
    try:
        unit = selectors.export_unit(visible_to=request.user, school_code=params.get("school"))
    except OrgUnit.DoesNotExist as exc:
        raise Http404 from exc
    if unit is None:
        messages.error(request, _("Bạn phụ trách nhiều đơn vị: hãy chọn một trường trước khi xuất."))
        return _search_redirect(request, reverse(list_name))
    job = create_job(
        task=task,
        principal=request.user,
        org_unit=unit,
        title=f"{title} – {unit.name}",
        params={"filters": params},
    )
    return redirect("job-detail", job_id=job.pk)


@login_required
@require_POST
def student_export(request: HttpRequest) -> HttpResponse:
    return _queue_export(
        request,
        filter_class=StudentFilter,
        queryset=Enrolment.objects.none(),
        task=export_students_task,
        list_name="student-list",
        title=_("Xuất danh sách học sinh"),
    )


@login_required
@require_POST
def staff_export(request: HttpRequest) -> HttpResponse:
    return _queue_export(
        request,
        filter_class=StaffFilter,
        queryset=Employment.objects.none(),
        task=export_staff_task,
        list_name="staff-list",
        title=_("Xuất danh sách cán bộ, giáo viên, nhân viên"),
    )


@login_required
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A student's identity, their years at schools in the caller's scope, and the changes made to them."""
    try:
        student = selectors.get_student(visible_to=request.user, pk=pk)
    except Student.DoesNotExist as exc:
        raise Http404 from exc
    enrolments = selectors.student_enrolments(visible_to=request.user, student=student)
    context = {
        "person": student,
        "links": enrolments,
        "shown_id": selectors.shown_person_national_id(
            principal=request.user,
            national_id=student.national_id,
            org_units=[link.school.org_unit for link in enrolments],
        ),
        "ethnicity_name": selectors.ethnicity_name(student.ethnicity),
        "audit": selectors.person_audit_trail(visible_to=request.user, person=student, links=enrolments),
        "audit_limit": selectors.AUDIT_TRAIL_LIMIT,
    }
    return render(request, "registry/student_detail.html", context)


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A staff member's identity, their years at schools in the caller's scope, and the changes made to them."""
    try:
        staff = selectors.get_staff_member(visible_to=request.user, pk=pk)
    except StaffMember.DoesNotExist as exc:
        raise Http404 from exc
    employments = selectors.staff_employments(visible_to=request.user, staff=staff)
    context = {
        "person": staff,
        "links": employments,
        "shown_id": selectors.shown_person_national_id(
            principal=request.user,
            national_id=staff.national_id,
            org_units=[link.school.org_unit for link in employments],
        ),
        "ethnicity_name": selectors.ethnicity_name(staff.ethnicity),
        "audit": selectors.person_audit_trail(visible_to=request.user, person=staff, links=employments),
        "audit_limit": selectors.AUDIT_TRAIL_LIMIT,
    }
    return render(request, "registry/staff_detail.html", context)
