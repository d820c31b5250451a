"""Indicator dashboards (SPEC §4, issue 4 item 3): a unit's headline cards and table, one indicator across the
unit's children and over the years (charts with table alternatives, exports), and a school's own page.

Every page reads stored values through ``reports.dashboards``; nothing outside the viewer's scope exists (404),
and people without a dashboard role (teachers) are refused (403). The department's and units' officers can also
queue a recompute of a unit's indicators from its dashboard ("Tính lại chỉ tiêu") and follow its progress there.
"""

from __future__ import annotations

import csv
import io
import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from edudx.core.exports import safe_cell, write_xlsx
from edudx.core.models import Job
from edudx.core.scoping import Scope, scope_of
from schools.models import OrgUnit, School, SchoolYear

from . import dashboards, services
from .dashboards import Status
from .tasks import compute_indicators_task

EXPORT_FORMATS = ("xlsx", "csv")
STRUCTURE_ROLES = ("department_admin", "department_staff", "unit_staff")
# Who may recompute a unit's indicators from its dashboard: the department's and the units' officers, not schools.
RECOMPUTE_ROLES = STRUCTURE_ROLES
RECOMPUTE_KINDS = (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.UNIT)
HTMX_STOP_POLLING = 286  # htmx stops polling an element answered with this status
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_dashboard_role(request: HttpRequest) -> None:
    if not dashboards.can_view_dashboards(visible_to=request.user):
        raise PermissionDenied


def _unit_or_404(request: HttpRequest, code: str) -> OrgUnit:
    try:
        return dashboards.get_dashboard_unit(visible_to=request.user, code=code.strip().upper())
    except OrgUnit.DoesNotExist as exc:
        raise Http404 from exc


def _url(name: str, *args: Any, **params: Any) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{reverse(name, args=args)}{'?' + query if query else ''}"


def _unit_url(unit: OrgUnit, year: SchoolYear | None) -> str:
    """A unit's dashboard, or a school's own page."""
    year_code = year.code if year else ""
    if unit.kind == OrgUnit.Kind.SCHOOL:
        return _url("dashboard-school", unit.code, year=year_code)
    return _url("dashboard", unit=unit.code, year=year_code)


def _years(request: HttpRequest) -> tuple[list[SchoolYear], SchoolYear | None, SchoolYear | None]:
    years = dashboards.school_years()
    year = dashboards.pick_school_year(years, request.GET.get("year", "").strip())
    previous = dashboards.previous_school_year(years, year) if year is not None else None
    return years, year, previous


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The viewer's unit (or ``?unit=``) in a school year: the headline cards and every indicator's value."""
    _require_dashboard_role(request)
    years, year, previous = _years(request)
    code = request.GET.get("unit", "").strip()
    if code:
        unit = _unit_or_404(request, code)
    else:
        roots = dashboards.dashboard_roots(visible_to=request.user)
        if len(roots) != 1:
            links = [{"unit": root, "url": _unit_url(root, year)} for root in roots]
            return render(request, "reports/dashboard_choose.html", {"roots": links, "year": year})
        unit = roots[0]
    if unit.kind == OrgUnit.Kind.SCHOOL:
        return redirect(_unit_url(unit, year))
    jobs = _recompute_jobs(request, unit)
    finished = all(job.is_finished for job in jobs)
    recompute: dict[str, Any] = {
        "jobs": jobs,
        "jobs_finished": finished,
        "jobs_succeeded": finished and any(job.status == Job.Status.SUCCEEDED for job in jobs),
        "reload_url": _unit_url(unit, year),
    }
    if request.htmx and request.GET.get("job"):
        # The poll of the "see the new figures" link: empty until the jobs end, then the link and no more polls.
        return render(
            request,
            "reports/dashboard_recompute_reload.html",
            recompute,
            status=HTMX_STOP_POLLING if recompute["jobs_finished"] else 200,
        )
    context: dict[str, Any] = {
        "unit": unit,
        "year": year,
        "previous": previous,
        "years": years,
        "breadcrumbs": [
            {"unit": u, "url": _unit_url(u, year)}
            for u in dashboards.list_breadcrumbs(visible_to=request.user, unit=unit)
        ],
        "school_count": dashboards.count_schools(visible_to=request.user, unit=unit),
        "can_recompute": year is not None and _can_recompute(request, unit),
        "poll_url": request.get_full_path(),
        **recompute,
    }
    if year is not None:
        rows = dashboards.list_unit_indicators(
            visible_to=request.user, unit=unit, school_year=year, previous_year=previous
        )
        children = dashboards.list_children(visible_to=request.user, unit=unit, school_year=year)
        context |= {
            "rows": rows,
            "cards": dashboards.headline_cards(rows),
            "counts": dashboards.status_counts(rows),
            "has_values": dashboards.has_any_values(rows),
            "child_units": [
                {"unit": child, "url": _unit_url(child, year)}
                for child in children
                if child.kind != OrgUnit.Kind.SCHOOL
            ],
            "child_schools": [
                {"unit": child, "url": _unit_url(child, year)}
                for child in children
                if child.kind == OrgUnit.Kind.SCHOOL
            ],
            "detail_query": urlencode({"unit": unit.code, "year": year.code}),
        }
    return render(request, "reports/dashboard.html", context)


def _recompute_scope(request: HttpRequest) -> Scope:
    return scope_of(request.user).only(RECOMPUTE_ROLES)


def _can_recompute(request: HttpRequest, unit: OrgUnit) -> bool:
    return unit.kind in RECOMPUTE_KINDS and _recompute_scope(request).covers(unit.path)


def _job_ids(values: list[str]) -> list[str]:
    ids = []
    for value in values:
        try:
            ids.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return ids


def _recompute_jobs(request: HttpRequest, unit: OrgUnit) -> list[Job]:
    """The indicator jobs named by ``?job=`` (after "Tính lại chỉ tiêu") on this unit that the viewer may see."""
    ids = _job_ids(request.GET.getlist("job"))
    if not ids:
        return []  # no query on an ordinary visit
    return list(
        Job.objects.visible_to(request.user)
        .filter(kind=compute_indicators_task.job_kind, org_unit=unit, pk__in=ids)
        .order_by("created_at")
    )


@login_required
@require_POST
def dashboard_recompute(request: HttpRequest) -> HttpResponse:
    """Queues the recompute of a department's or unit's indicators for a school year, then shows its progress on
    the unit's dashboard. Schools and teachers are refused (403); a unit outside the viewer's scope is 404."""
    if _recompute_scope(request).is_empty:
        raise PermissionDenied
    code = request.POST.get("unit", "").strip().upper()
    unit = (
        OrgUnit.objects.visible_to(request.user, roles=RECOMPUTE_ROLES)
        .filter(kind__in=RECOMPUTE_KINDS, code=code)
        .first()
        if code
        else None
    )
    if unit is None:
        raise Http404
    year_code = request.POST.get("year", "").strip()
    year = dashboards.pick_school_year(dashboards.school_years(), year_code)
    if year is None or (year_code and year.code != year_code):
        raise Http404
    job = services.request_indicator_recompute(by=request.user, org_unit=unit, school_year=year)
    return redirect(_url("dashboard", unit=unit.code, year=year.code, job=str(job.pk)))


def _indicator_or_404(code: str) -> Any:
    indicator = dashboards.indicator_definitions().get(code)
    if indicator is None:
        raise Http404
    return indicator


def _detail_unit(request: HttpRequest) -> OrgUnit:
    code = request.GET.get("unit", "").strip()
    if code:
        return _unit_or_404(request, code)
    roots = dashboards.dashboard_roots(visible_to=request.user)
    if not roots:
        raise Http404
    return roots[0]


def _child_rows(request: HttpRequest, *, unit: OrgUnit, code: str, year: SchoolYear) -> dict[str, Any]:
    rows, facts = dashboards.list_child_values(visible_to=request.user, unit=unit, code=code, school_year=year)
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in Status.FILTERABLE:
        status = ""
    sort = request.GET.get("sort", "-value")
    if sort.lstrip("-") not in dashboards.SORT_KEYS:
        sort = "-value"
    shown = dashboards.filter_and_sort_children(rows, query=query, status=status, sort=sort)
    return {"all": rows, "shown": shown, "query": query, "status": status, "sort": sort, **facts}


SORT_OPTIONS = (
    ("-value", gettext_lazy("Giá trị: cao trước")),
    ("value", gettext_lazy("Giá trị: thấp trước")),
    ("name", gettext_lazy("Tên: A → Z")),
    ("status", gettext_lazy("Trạng thái: chưa đạt trước")),
    ("-denominator", gettext_lazy("Quy mô (mẫu số): lớn trước")),
)


def _sort_columns(request: HttpRequest, sort: str) -> list[dict[str, Any]]:
    """Header links of the children table: a click sorts by the column, a second click reverses it."""
    labels = {
        "name": _("Đơn vị / trường"),
        "value": _("Giá trị (%)"),
        "numerator": _("Tử số"),
        "denominator": _("Mẫu số"),
        "status": _("Trạng thái"),
    }
    current, descending = sort.lstrip("-"), sort.startswith("-")
    columns = []
    for key, label in labels.items():
        active = key == current
        first = key if key == "name" else f"-{key}"  # numbers: largest first; names: A→Z
        target = (key if descending else f"-{key}") if active else first
        params = request.GET.copy()
        params["sort"] = target
        columns.append(
            {
                "key": key,
                "label": label,
                "url": f"?{params.urlencode()}",
                "aria_sort": ("descending" if descending else "ascending") if active else None,
                "numeric": key in ("value", "numerator", "denominator"),
            }
        )
    return columns


@login_required
@require_GET
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One indicator for a unit: its children compared (bar chart + table), its trend, exports, drill-down."""
    _require_dashboard_role(request)
    indicator = _indicator_or_404(code)
    unit = _detail_unit(request)
    years, year, _previous = _years(request)
    name = dashboards.indicator_name(indicator, code)
    trend = dashboards.list_trend(visible_to=request.user, unit=unit, code=code)
    own = next((point for point in trend if year is not None and point.year == year.code), None)
    target = dashboards.target_of(indicator)
    higher_better = dashboards.higher_is_better(indicator)
    own_status = dashboards.indicator_status(
        value=own.value if own else None, target=target, higher_better=higher_better
    )
    context: dict[str, Any] = {
        "indicator": indicator,
        "code": code,
        "name": name,
        "unit": unit,
        "year": year,
        "years": years,
        "own": own,
        "own_status": own_status,
        "own_status_label": Status.LABELS[own_status],
        "target": target,
        "trend": trend,
        "breadcrumbs": [
            {"unit": u, "url": _url("indicator-detail", code, unit=u.code, year=year.code if year else "")}
            for u in dashboards.list_breadcrumbs(visible_to=request.user, unit=unit)
        ],
        "unit_url": _unit_url(unit, year),
        "statuses": [(key, Status.LABELS[key]) for key in Status.FILTERABLE],
    }
    chart: dict[str, Any] = {
        "locale": "EN" if (get_language() or "").startswith("en") else "VI",
        "numberLocale": "en-US" if (get_language() or "").startswith("en") else "vi-VN",
        "labels": {
            "value": _("Giá trị"),
            "target2025": _("Chỉ tiêu 2025"),
            "target2030": _("Chỉ tiêu 2030"),
            "noData": _("Chưa có số liệu"),
            "status": {key: str(label) for key, label in Status.LABELS.items()},
        },
        "target2025": _pct(getattr(indicator, "target_2025", None)),
        "target2030": _pct(getattr(indicator, "target_2030", None)),
        "bar": None,
        "trend": None,
    }
    if trend:
        chart["trend"] = {
            "description": _(
                "Biểu đồ đường: %(name)s của %(unit)s qua các năm học. Số liệu chi tiết ở bảng bên cạnh biểu đồ."
            )
            % {"name": name, "unit": unit.name},
            "years": [point.year for point in trend],
            "values": [_pct(point.value) for point in trend],
        }
    if year is not None and unit.kind != OrgUnit.Kind.SCHOOL:
        children = _child_rows(request, unit=unit, code=code, year=year)
        for row in children["shown"]:
            row.url = (
                _url("dashboard-school", row.code, year=year.code)
                if row.is_school
                else _url("indicator-detail", code, unit=row.code, year=year.code)
            )
        export_query = request.GET.copy()
        export_query.pop("page", None)
        export_query["unit"], export_query["year"] = unit.code, year.code
        context |= {
            "children": children,
            "columns": _sort_columns(request, children["sort"]),
            "sort_options": SORT_OPTIONS,
            "sort_in_options": children["sort"] in dict(SORT_OPTIONS),
            "export_links": [
                {"format": fmt, "url": f"{reverse(f'indicator-export-{fmt}', args=[code])}?{export_query.urlencode()}"}
                for fmt in EXPORT_FORMATS
            ],
        }
        if children["shown"]:
            chart["bar"] = {
                "description": _(
                    "Biểu đồ cột: %(name)s của %(count)s đơn vị, trường trực thuộc %(unit)s, năm học %(year)s, "
                    "có đường chỉ tiêu. Số liệu chi tiết ở bảng “So sánh các đơn vị trực thuộc”."
                )
                % {"name": name, "count": len(children["shown"]), "unit": unit.name, "year": year.code},
                "items": [
                    {
                        "name": row.name,
                        "code": row.code,
                        "value": _pct(row.value),
                        "status": row.status,
                        "url": row.url,
                    }
                    for row in children["shown"]
                ],
            }
    context["chart"] = chart
    return render(request, "reports/indicator_detail.html", context)


@login_required
@require_GET
def indicator_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The children table of the indicator page (same filter and order) as .xlsx or .csv: scoped rows only."""
    _require_dashboard_role(request)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    indicator = _indicator_or_404(code)
    unit = _detail_unit(request)
    _years_list, year, _previous = _years(request)
    if year is None:
        raise Http404
    name = dashboards.indicator_name(indicator, code)
    children = _child_rows(request, unit=unit, code=code, year=year)
    trend = dashboards.list_trend(visible_to=request.user, unit=unit, code=code)
    own = next((point for point in trend if point.year == year.code), None)
    target_2025 = getattr(indicator, "target_2025", None)
    target_2030 = getattr(indicator, "target_2030", None)
    headers = [
        _("Mã"),
        _("Tên đơn vị / trường"),
        _("Loại"),
        _("Giá trị (%)"),
        _("Tử số"),
        _("Mẫu số"),
        _("Chỉ tiêu 2025 (%)"),
        _("Chỉ tiêu 2030 (%)"),
        _("Trạng thái"),
    ]
    rows: list[list[Any]] = [
        [
            row.code,
            row.name,
            str(row.unit.get_kind_display()),
            row.value,
            row.numerator,
            row.denominator,
            target_2025,
            target_2030,
            str(row.status_label),
        ]
        for row in children["shown"]
    ]
    own_status = dashboards.indicator_status(
        value=own.value if own else None, target=children["target"], higher_better=children["higher_better"]
    )
    rows.append(
        [
            unit.code,
            _("Toàn %(unit)s") % {"unit": unit.name},
            _("Tổng"),
            own.value if own else None,
            own.numerator if own else None,
            own.denominator if own else None,
            target_2025,
            target_2030,
            str(Status.LABELS[own_status]),
        ]
    )
    filename = f"{code}_{unit.code}_{year.code}.{fmt}"
    title = f"{name} – {unit.name} – {_('năm học')} {year.code}"
    if fmt == "xlsx":
        numbers = [[float(c) if isinstance(c, Decimal) else c for c in row] for row in rows]
        content = write_xlsx(sheet_name=code, title=title, headers=headers, rows=numbers)
        content_type = XLSX_TYPE
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if cell is None else safe_cell(str(cell)) for cell in row])
        content = buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel read Vietnamese correctly
        content_type = "text/csv; charset=utf-8"
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@login_required
@require_GET
def dashboard_school(request: HttpRequest, code: str) -> HttpResponse:
    """A school's values for every indicator that concerns it, the data still missing, its data-quality score."""
    _require_dashboard_role(request)
    try:
        school = dashboards.get_dashboard_school(visible_to=request.user, code=code.strip().upper())
    except School.DoesNotExist as exc:
        raise Http404 from exc
    years, year, previous = _years(request)
    unit = school.org_unit
    scope = dashboards.dashboard_scope(visible_to=request.user)
    context: dict[str, Any] = {
        "school": school,
        "unit": unit,
        "year": year,
        "previous": previous,
        "years": years,
        "breadcrumbs": [
            {"unit": u, "url": _unit_url(u, year)}
            for u in dashboards.list_breadcrumbs(visible_to=request.user, unit=unit)
        ],
    }
    if year is not None:
        rows = dashboards.list_unit_indicators(
            visible_to=request.user, unit=unit, school_year=year, previous_year=previous, school=school
        )
        context |= {
            "rows": rows,
            "cards": dashboards.headline_cards(rows),
            "counts": dashboards.status_counts(rows),
            "has_values": dashboards.has_any_values(rows),
            "missing": dashboards.missing_data(rows),
            "score": dashboards.get_quality_score(visible_to=request.user, school=school, school_year=year),
            "detail_query": urlencode({"unit": unit.code, "year": year.code}),
            "upload_query": urlencode({"org_unit": unit.code, "school_year": year.code}),
            # The schools template is the department's or unit's upload, not the school's own.
            "can_upload_structure": any(scope.has_role(role, unit.path) for role in STRUCTURE_ROLES),
        }
    return render(request, "reports/dashboard_school.html", context)
