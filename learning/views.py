"""Pages of the learning library: search, resources, the reviewer's queue, coverage, question bank, test forms."""

from __future__ import annotations

import tempfile
from pathlib import Path

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from edudx.core.imports.preflight import UnusableFile
from edudx.core.scoping import scope_of

from . import selectors
from .forms import (
    BlueprintForm,
    CatalogueImportForm,
    QuestionImportForm,
    ResourceForm,
    ReviewForm,
    TakedownForm,
    VersionForm,
)
from .interchange.base import UnusableInput
from .models import ContentStatus, QuestionBank, Resource, Review, SchoolLevel, Subject
from .rendering import render_test_form_pdf, safe_text
from .search import FACETS, search_resources
from .services import catalogue as catalogue_services
from .services import questions as question_services
from .services import resources as resource_services
from .services import review as review_services


def _resource_or_404(request, uid) -> Resource:
    try:
        return selectors.get_resource(visible_to=request.user, uid=uid)
    except Resource.DoesNotExist as exc:
        raise Http404 from exc


def _works_on(request, resource: Resource) -> bool:
    """The user works in the resource's owning unit (or above it): they may edit and submit it."""
    scope = scope_of(request.user)
    return scope.unrestricted or any(
        scope.has_role(role, resource.org_unit.path) for role in resource_services.CONTRIBUTOR_ROLES
    )


def _sees_drafts(request, resource: Resource) -> bool:
    """The owning unit and the resource's reviewers see a revision under review; others see the published one."""
    return _works_on(request, resource) or resource.reviews.filter(reviewer_id=request.user.pk).exists()


@login_required
def library(request):
    """Search the published library: accent-insensitive, ranked, with facets."""
    filters = {key: request.GET.get(key, "") for key in FACETS}
    result = search_resources(
        visible_to=request.user, text=request.GET.get("q", ""), filters=filters, page=request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    facet_links = {}
    for name, values in result.facets.items():
        links = []
        for value in values:
            params = query.copy()
            if filters.get(name) == value["value"]:
                params.pop(name, None)
            else:
                params[name] = value["value"]
            links.append({**value, "active": filters.get(name) == value["value"], "query": params.urlencode()})
        facet_links[name] = links
    context = {
        "result": result,
        "q": request.GET.get("q", ""),
        "facets": facet_links,
        "facet_titles": {"subject": _("Môn học"), "grade": _("Lớp"), "kind": _("Loại học liệu"), "level": _("Cấp học")},
        "query": query.urlencode(),
    }
    return render(request, "learning/library.html", context)


@login_required
def my_resources(request):
    resources = selectors.own_resources(user=request.user).order_by("-updated_at")
    status = request.GET.get("status", "")
    if status in ContentStatus.values:
        resources = resources.filter(status=status)
    page = Paginator(resources, 30).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": ContentStatus.choices, "query": f"status={status}"}
    return render(request, "learning/my_resources.html", context)


@login_required
def resource_new(request):
    units = selectors.contributor_units(user=request.user)
    if not units.exists():
        raise Http404
    form = ResourceForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resource = resource_services.create_resource(
                by=request.user,
                org_unit=data["org_unit"],
                title=data["title"],
                kind=data["kind"],
                subject=data["subject"],
                grade=data["grade"],
                licence=data["licence"],
                author=data["author"],
                audience=data["audience"],
                description=data["description"],
                knowledge_units=data["knowledge_units"],
                upload=data["file"],
                link_url=data["link_url"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Đã lưu bản nháp. Gửi thẩm định khi sẵn sàng."))
            return redirect("learning-resource", uid=resource.uid)
    return render(request, "learning/resource_form.html", {"form": form})


@login_required
def resource_detail(request, uid):
    resource = _resource_or_404(request, uid)
    works_on = _works_on(request, resource)
    versions = resource_services.served_versions(resource=resource, sees_drafts=_sees_drafts(request, resource))
    reviews = resource.reviews.select_related("reviewer").order_by("round", "pk") if works_on else []
    context = {
        "resource": resource,
        "current": versions[0] if versions else None,
        "versions": versions,
        "units": resource.knowledge_units.select_related("topic"),
        "works_on": works_on,
        "can_take_down": resource.status == ContentStatus.PUBLISHED
        and (
            scope_of(request.user).unrestricted
            or any(scope_of(request.user).has_role(r, resource.org_unit.path) for r in resource_services.MANAGER_ROLES)
        ),
        "reviews": reviews,
        "version_form": VersionForm(),
        "takedown_form": TakedownForm(),
        "description": safe_text(resource.description, "plain_text"),
    }
    return render(request, "learning/resource_detail.html", context)


@login_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def resource_file(request, uid, number: int):
    """A version's file, after the scope check: inline for previews (PDF, images, video, audio), else attachment.
    Content-Disposition comes from Django (RFC 6266 filename*), the type from sniffing, never from the upload."""
    resource = _resource_or_404(request, uid)
    served = resource_services.served_versions(resource=resource, sees_drafts=_sees_drafts(request, resource))
    version = next((v for v in served if v.number == number), None)
    if version is None or not version.file:
        raise Http404
    inline = request.GET.get("inline") == "1" and bool(version.previewable)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as exc:  # the row outlived its file (restored backup, manual cleanup)
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=version.original_name or "hoc-lieu",
        content_type=version.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def resource_submit(request, uid):
    resource = _resource_or_404(request, uid)
    if not _works_on(request, resource):
        raise Http404
    try:
        review_services.submit_for_review(item=resource, by=request.user)
    except review_services.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã gửi thẩm định."))
    return redirect("learning-resource", uid=resource.uid)


@login_required
@require_POST
def resource_version_new(request, uid):
    resource = _resource_or_404(request, uid)
    if not _works_on(request, resource):
        raise Http404
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            resource_services.add_version(
                resource=resource,
                by=request.user,
                upload=form.cleaned_data["file"],
                link_url=form.cleaned_data["link_url"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã thêm phiên bản mới."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("learning-resource", uid=resource.uid)


@login_required
@require_POST
def resource_take_down(request, uid):
    resource = _resource_or_404(request, uid)
    form = TakedownForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy ghi lý do gỡ học liệu."))
        return redirect("learning-resource", uid=resource.uid)
    try:
        resource_services.take_down(resource=resource, by=request.user, reason=form.cleaned_data["reason"])
    except PermissionError as exc:
        raise Http404 from exc
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã gỡ học liệu."))
    return redirect("learning-resource", uid=resource.uid)


@login_required
def review_queue(request):
    reviews = selectors.reviewer_queue(reviewer=request.user)
    return render(request, "learning/review_queue.html", {"reviews": reviews})


@login_required
def review_detail(request, review_id: int):
    try:
        review = selectors.get_open_review(reviewer=request.user, pk=review_id)
    except Review.DoesNotExist as exc:
        raise Http404 from exc
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_services.record_review(
                review=review,
                by=request.user,
                decision=form.cleaned_data["decision"],
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except review_services.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã ghi kết luận thẩm định."))
            return redirect("learning-review-queue")
    item = review.item
    context = {"review": review, "item": item, "form": form}
    if isinstance(item, Resource):
        context["current"] = item.versions.order_by("-number").first()
    else:
        context["question_text"] = safe_text(item.text, item.text_format)
        context["answers"] = [(safe_text(a.text, item.text_format), a) for a in item.answers.all()]
    return render(request, "learning/review_detail.html", context)


@login_required
def catalogue_import(request):
    """Department staff upload the curriculum catalogue: every row valid → written, else nothing and each error."""
    if not review_services.may_manage_council(request.user):
        raise Http404
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = ".csv" if upload.name.lower().endswith(".csv") else ".xlsx"
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                result = catalogue_services.import_catalogue(path=Path(handle.name))
            except UnusableFile as error:
                form.add_error("file", str(error))
            except catalogue_services.CatalogueImportError as error:
                form.add_error(None, str(error))
                row_errors = [e.as_text() for e in error.errors[:300]]
            else:
                messages.success(
                    request,
                    _("Đã ghi danh mục: %(s)d môn, %(t)d chủ đề, %(u)d đơn vị kiến thức mới.")
                    % {"s": result.subjects, "t": result.topics, "u": result.units},
                )
                return redirect("learning-coverage")
    return render(request, "learning/catalogue_import.html", {"form": form, "row_errors": row_errors})


@login_required
def coverage(request):
    subject = Subject.objects.filter(code=request.GET.get("subject", "")).first()
    rows = selectors.coverage_by_subject_and_grade(subject=subject)
    total = sum(r.total for r in rows)
    covered = sum(r.covered for r in rows)
    context = {
        "rows": rows,
        "subjects": selectors.catalogue_subjects(),
        "subject": subject,
        "total": total,
        "covered": covered,
        "percent": round(100 * covered / total, 1) if total else None,
        "levels": SchoolLevel.choices,
        "can_import": review_services.may_manage_council(request.user),
    }
    return render(request, "learning/coverage.html", context)


# ------------------------------------------------------------------------------------------------ question bank


@login_required
def question_banks(request):
    banks = selectors.list_banks(visible_to=request.user)
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    units = selectors.contributor_units(user=request.user)
    problems: list[str] = []
    if request.method == "POST":
        if not units.exists():
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            if upload.size > question_services.MAX_IMPORT_BYTES:
                form.add_error("file", _("Tệp quá lớn (giới hạn 20 MB)."))
            else:
                try:
                    with transaction.atomic():
                        name = data["bank"].strip() or QuestionBank.DEFAULT_NAME
                        bank = selectors.list_banks(visible_to=request.user).filter(name=name).first()
                        if bank is None and QuestionBank.objects.filter(name=name).exists():
                            raise UnusableInput(_("Tên ngân hàng này đã được đơn vị khác dùng; hãy chọn tên khác."))
                        bank = bank or question_services.get_or_create_bank(name=name, org_unit=units.first())
                        summary = question_services.import_questions_file(
                            data=upload.read(), fmt=data["format"], bank=bank, by=request.user
                        )
                except UnusableInput as error:
                    form.add_error("file", str(error))
                except question_services.QuestionImportError as error:
                    form.add_error(None, str(error))
                    problems = [p.as_text() for p in error.problems[:200]]
                else:
                    messages.success(
                        request,
                        _("Đã nhập %(n)d câu hỏi vào “%(bank)s” (bỏ qua %(d)d câu đã có).")
                        % {"n": summary.created, "bank": bank.name, "d": summary.duplicates},
                    )
                    return redirect("learning-bank", bank_id=bank.pk)
    context = {"banks": banks, "form": form, "problems": problems, "can_import": units.exists()}
    return render(request, "learning/question_banks.html", context)


def _bank_or_404(request, bank_id: int) -> QuestionBank:
    bank = selectors.list_banks(visible_to=request.user).filter(pk=bank_id).first()
    if bank is None:
        raise Http404
    return bank


@login_required
def question_bank(request, bank_id: int):
    bank = _bank_or_404(request, bank_id)
    questions = selectors.list_questions(visible_to=request.user).filter(bank=bank).order_by("category__path", "pk")
    page = Paginator(questions, 50).get_page(request.GET.get("page"))
    blueprints = selectors.list_blueprints(visible_to=request.user).filter(bank=bank)
    context = {"bank": bank, "page": page, "blueprints": blueprints, "blueprint_form": BlueprintForm()}
    return render(request, "learning/question_bank.html", context)


@login_required
def question_bank_export(request, bank_id: int):
    bank = _bank_or_404(request, bank_id)
    fmt = request.GET.get("format", "moodlexml")
    if fmt not in question_services.FORMATS:
        raise Http404
    questions = (
        selectors.list_questions(visible_to=request.user)
        .filter(bank=bank)
        .prefetch_related("answers", "knowledge_units")
    )
    result = question_services.export_questions(questions=list(questions), fmt=fmt, bank_name=bank.name)
    content_type = "application/xml" if fmt == "moodlexml" else "text/plain; charset=utf-8"
    response = HttpResponse(result.content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=result.filename)
    return response


@login_required
@require_POST
def question_submit(request, bank_id: int, question_id: int):
    bank = _bank_or_404(request, bank_id)
    question = selectors.list_questions(visible_to=request.user).filter(bank=bank, pk=question_id).first()
    if question is None or not scope_of(request.user).covers(bank.org_unit.path):
        raise Http404
    try:
        review_services.submit_for_review(item=question, by=request.user)
    except review_services.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã gửi câu hỏi đi thẩm định."))
    return redirect("learning-bank", bank_id=bank.pk)


@login_required
@require_POST
def blueprint_new(request, bank_id: int):
    bank = _bank_or_404(request, bank_id)
    units = selectors.contributor_units(user=request.user)
    form = BlueprintForm(request.POST)
    if not units.exists():
        raise Http404
    if form.is_valid():
        blueprint = question_services.create_blueprint(
            name=form.cleaned_data["name"],
            bank=bank,
            org_unit=units.first(),
            cells=form.cleaned_data["cells"],
            duration_minutes=form.cleaned_data["duration_minutes"],
            by=request.user,
        )
        messages.success(request, _("Đã lưu ma trận đề “%(name)s”.") % {"name": blueprint.name})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("learning-bank", bank_id=bank.pk)


@login_required
def blueprint_pdf(request, blueprint_id: int):
    """A test form drawn from the blueprint with ``?seed=N`` (the same seed prints the same form), with its key."""
    blueprint = selectors.list_blueprints(visible_to=request.user).filter(pk=blueprint_id).first()
    if blueprint is None:
        raise Http404
    seed_text = request.GET.get("seed", "1")
    seed = int(seed_text) if seed_text.isdigit() and len(seed_text) < 10 else 1
    try:
        form = question_services.generate_test_form(blueprint=blueprint, seed=seed)
    except question_services.BlueprintError as error:
        messages.error(request, str(error))
        return redirect("learning-bank", bank_id=blueprint.bank_id)
    response = HttpResponse(render_test_form_pdf(form), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="de-kiem-tra-{blueprint.pk}-ma-{seed}.pdf"'
    return response
