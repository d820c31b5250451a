"""Views every app relies on: health, error pages, job progress and job result downloads."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .jobs import request_cancel
from .models import Job


@never_cache
@require_GET
def healthz(request):
    """Database and broker status for load balancers and docker healthchecks: 200 or 503."""
    status = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        status["database"] = "error"
    try:
        from edudx.celery import app

        with app.connection_for_write(app.conf.broker_url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        status["broker"] = "error"
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse({"status": "ok" if healthy else "error", **status}, status=200 if healthy else 503)


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No request context: the database may be what failed, and context processors would query it again.
    html = loader.get_template("errors/500.html").render({"request_id": getattr(request, "request_id", "")})
    return HttpResponseServerError(html)


def _visible_job(request, job_id) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user).select_related("org_unit"), pk=job_id)


@login_required
@require_GET
def job_detail(request, job_id):
    job = _visible_job(request, job_id)
    template = "components/job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def job_cancel(request, job_id):
    job = request_cancel(job=_visible_job(request, job_id))
    return render(request, "components/job_progress.html", {"job": job})


@login_required
@require_GET
def job_download(request, job_id):
    """The job's result file, only for those who may see the job; never served from a public URL."""
    job = _visible_job(request, job_id)
    if job.status != Job.Status.SUCCEEDED or not job.result_file:
        raise Http404(_("Tệp kết quả chưa sẵn sàng."))
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_filename)


@login_required
@require_GET
def job_list(request):
    jobs = Job.objects.visible_to(request.user).select_related("org_unit", "owner")[:50]
    return render(request, "core/job_list.html", {"jobs": jobs})
