from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from edudx.core.jobs import create_job

from . import selectors
from .forms import SchoolListFilter
from .models import OrgUnit, School
from .tasks import export_schools_task


def _unit_or_404(request, code: str) -> OrgUnit:
    try:
        return selectors.get_org_unit(visible_to=request.user, code=code)
    except OrgUnit.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def unit_index(request):
    roots = list(selectors.scope_roots(visible_to=request.user))
    if len(roots) == 1:
        return redirect("unit-detail", code=roots[0].code)
    return render(request, "schools/unit_index.html", {"roots": roots})


@login_required
def unit_detail(request, code: str):
    """One unit: its place in the tree (breadcrumbs within scope), its child units and schools."""
    unit = _unit_or_404(request, code)
    visible = selectors.list_org_units(visible_to=request.user)
    ancestor_ids = [int(pk) for pk in unit.path.strip("/").split("/")[:-1]]
    breadcrumbs = visible.filter(pk__in=ancestor_ids).order_by("depth")
    children = visible.filter(parent=unit).order_by("kind", "code")
    school_count = visible.filter(path__startswith=unit.path, kind=OrgUnit.Kind.SCHOOL).count()
    context = {"unit": unit, "breadcrumbs": breadcrumbs, "children": children, "school_count": school_count}
    return render(request, "schools/unit_detail.html", context)


@login_required
@require_POST
def unit_export_schools(request, code: str):
    unit = _unit_or_404(request, code)
    job = create_job(
        task=export_schools_task,
        principal=request.user,
        org_unit=unit,
        title=f"Xuất danh sách trường – {unit.name}",
    )
    return redirect("job-detail", job_id=job.pk)


@login_required
def school_list(request):
    schools = selectors.list_schools(visible_to=request.user).order_by("org_unit__code")
    filterset = SchoolListFilter(request.GET or None, queryset=schools)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    return render(request, "schools/school_list.html", context)


@login_required
def school_detail(request, code: str):
    try:
        school = selectors.get_school(visible_to=request.user, code=code)
    except School.DoesNotExist as exc:
        raise Http404 from exc
    infrastructure = school.infrastructure.select_related("school_year").order_by("-school_year__code")
    sites = school.org_unit.children.filter(kind=OrgUnit.Kind.SITE).order_by("code")
    context = {"school": school, "infrastructure": infrastructure, "sites": sites}
    return render(request, "schools/school_detail.html", context)
