"""Data-quality pages (SPEC §3.4): the ranked list of schools and each school's "what to fix" page."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from schools.models import OrgUnit, School, SchoolYear

from . import quality, selectors, services
from .forms import ORDER_BEST, ORDER_WORST, QualityFilterForm
from .models import DataQualityScore

PAGE_SIZE = 50

COMPONENT_LABELS = {
    "correct": _("Đúng"),
    "complete": _("Đủ"),
    "clean": _("Sạch"),
    "alive": _("Sống"),
}
COMPONENT_HELP = {
    "correct": _("Mã định danh hợp lệ, tuổi hợp với khối, giá trị hợp lý"),
    "complete": _("Đủ thông tin bắt buộc của hồ sơ số"),
    "clean": _("Không trùng lặp trong và giữa các trường, họ tên chuẩn Unicode"),
    "alive": _("Được cập nhật trong năm học"),
}
KIND_LABELS = {
    "students": _("Học sinh"),
    "staff": _("Cán bộ, giáo viên, nhân viên"),
    "facilities": _("Tài sản, thiết bị"),
}
# The registry lists (people app) and the values of their "missing=<field>" filter; a problem without a filter
# links to the school's whole list. A value the list does not offer would be dropped silently, so only these.
LIST_URLS = {"students": "student-list", "staff": "staff-list", "facilities": "facility-list"}
PERSON_FIELDS = {
    "missing_id": "national_id",
    "missing_birth_date": "birth_date",
    "missing_gender": "gender",
    "missing_ethnicity": "ethnicity",
}
MISSING_FIELDS = {
    "students": {**PERSON_FIELDS, "missing_class": "class_name"},
    "staff": PERSON_FIELDS,
    "facilities": {"missing_year_in_use": "year_in_use", "missing_condition": "condition", "missing_site": "site"},
}


def _require_quality_role(request: HttpRequest) -> None:
    if selectors.quality_scope(visible_to=request.user).is_empty:
        raise PermissionDenied


def _year_from(code: str | None) -> SchoolYear | None:
    if code:
        year = SchoolYear.objects.filter(code=code).first()
        if year is not None:
            return year
    return selectors.default_school_year()


def _job_ids(values: list[str]) -> list[str]:
    ids = []
    for value in values:
        try:
            ids.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return ids


@login_required
@require_GET
def quality_ranking(request: HttpRequest) -> HttpResponse:
    """Schools in the viewer's scope ranked by their data-quality score for a school year."""
    _require_quality_role(request)
    years = selectors.school_years()
    units = selectors.quality_units(visible_to=request.user)
    default_year = selectors.default_school_year()
    data = request.GET.copy()
    if default_year is not None and not data.get("year"):
        data["year"] = default_year.code
    form = QualityFilterForm(data, years=years, units=units)
    form.is_valid()
    cleaned = form.cleaned_data
    year = form.years.get(cleaned.get("year", "")) or default_year
    context: dict[str, Any] = {"form": form, "year": year, "units": units}
    if year is not None:
        best_first = cleaned.get("order") == ORDER_BEST
        schools = selectors.list_quality_ranking(
            visible_to=request.user,
            school_year=year,
            unit=form.units.get(cleaned.get("unit") or ""),
            level=cleaned.get("level") or None,
            best_first=best_first,
        )
        page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        for transient in ("page", "job"):
            query.pop(transient, None)
        orders = []
        for value, label in ((ORDER_WORST, _("Kém nhất trước")), (ORDER_BEST, _("Tốt nhất trước"))):
            toggled = query.copy()
            toggled["order"] = value
            orders.append(
                {"label": label, "url": f"?{toggled.urlencode()}", "active": best_first == (value == ORDER_BEST)}
            )
        context |= {
            "page": page,
            "rows": [(page.start_index() + index, school) for index, school in enumerate(page.object_list)],
            "query": query.urlencode(),
            "orders": orders,
            "jobs": selectors.list_quality_jobs(visible_to=request.user, ids=_job_ids(request.GET.getlist("job"))),
        }
    return render(request, "reports/quality_ranking.html", context)


@login_required
@require_POST
def quality_recompute(request: HttpRequest) -> HttpResponse:
    """Queues the recompute of one school, one management unit, or the viewer's whole scope, then shows progress."""
    _require_quality_role(request)
    year = _year_from(request.POST.get("year"))
    if year is None:
        raise Http404
    school_code = request.POST.get("school", "").strip()
    unit_code = request.POST.get("unit", "").strip()
    if school_code:
        try:
            units = [selectors.get_quality_school(visible_to=request.user, code=school_code).org_unit]
        except School.DoesNotExist as exc:
            raise Http404 from exc
    elif unit_code:
        unit = OrgUnit.objects.visible_to(request.user, roles=selectors.QUALITY_ROLES).filter(code=unit_code).first()
        if unit is None:
            raise Http404
        units = [unit]
    else:
        units = selectors.quality_roots(visible_to=request.user)
    jobs = [services.request_quality_recompute(by=request.user, org_unit=unit, school_year=year) for unit in units]
    params: list[tuple[str, str]] = [("year", year.code)]
    if school_code:
        target = reverse("quality-school", args=[school_code])
    else:
        target = reverse("quality-ranking")
        params += [(name, request.POST[name]) for name in ("unit", "level", "order") if request.POST.get(name)]
    params += [("job", str(job.pk)) for job in jobs]
    return redirect(f"{target}?{urlencode(params)}")


@login_required
@require_GET
def quality_school(request: HttpRequest, code: str) -> HttpResponse:
    """One school's score and the list of what to fix, each problem linked to the registry rows to correct."""
    try:
        school = selectors.get_quality_school(visible_to=request.user, code=code)
    except School.DoesNotExist as exc:
        raise Http404 from exc
    year = _year_from(request.GET.get("year"))
    score = selectors.get_quality_score(school=school, school_year=year) if year is not None else None
    context = {
        "school": school,
        "year": year,
        "years": selectors.school_years(),
        "score": score,
        "components": _components(score),
        "sections": _issue_sections(score, school=school, school_year=year) if score is not None else [],
        "jobs": selectors.list_quality_jobs(visible_to=request.user, ids=_job_ids(request.GET.getlist("job"))),
    }
    return render(request, "reports/quality_school.html", context)


def _components(score: DataQualityScore | None) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "label": COMPONENT_LABELS[key],
            "help": COMPONENT_HELP[key],
            "value": getattr(score, key) if score is not None else None,
        }
        for key in quality.COMPONENTS
    ]


def _issue_sections(score: DataQualityScore, *, school: School, school_year: SchoolYear) -> list[dict[str, Any]]:
    """Per kind of record, the problems found (most frequent first) with the components they lower."""
    kinds = {kind.key: kind for kind in quality.record_kinds(school_year=school_year, today=timezone.localdate())}
    sections = []
    for key, counts in score.issues.items():
        kind = kinds.get(key)
        if kind is None:
            continue
        issues = [
            {
                "key": issue,
                "label": quality.issue_label(key, issue),
                "count": count,
                "components": [COMPONENT_LABELS[c] for c, names in kind.components.items() if issue in names],
                "url": _registry_link(key, issue, school.code, school_year=school_year.code),
                "filtered": issue in MISSING_FIELDS[key],
            }
            for issue, count in counts.items()
            if count and issue != "records"
        ]
        issues.sort(key=lambda item: -item["count"])
        sections.append(
            {"key": key, "label": KIND_LABELS.get(key, key), "records": counts.get("records", 0), "issues": issues}
        )
    return sections


def _registry_link(kind: str, issue: str, school_code: str, *, school_year: str) -> str | None:
    """The registry list filtered to the rows to fix; None while that list does not exist yet."""
    try:
        base = reverse(LIST_URLS[kind])
    except NoReverseMatch:
        return None
    params = {"school_year": school_year, "school": school_code}
    missing = MISSING_FIELDS[kind].get(issue)
    if missing:
        params["missing"] = missing
    return f"{base}?{urlencode(params)}"
