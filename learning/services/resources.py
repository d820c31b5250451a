"""Writing resources: creation from an upload or a link, versions, takedown, and the search text.

Uploads are trusted by content, not by name: the type is sniffed with ``filetype`` from the first bytes and must
be an allowed kind whose extension agrees with the file name (a program renamed to .pdf is refused). Files are
stored under random names outside any served folder and are only read through the permission-checked view.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.scoping import scope_of
from edudx.core.text import fold, nfc
from schools.models import OrgUnit

from ..files import remove_rolled_back, track_written_file
from ..models import ContentStatus, KnowledgeUnit, Resource, ResourceVersion, Subject, level_of_grade

# Sniffed MIME type → extensions a file of that type may carry.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "video/mp4": ("mp4", "m4v"),
    "video/webm": ("webm",),
    "audio/mpeg": ("mp3",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/epub+zip": ("epub",),
    "application/zip": ("zip",),  # SCORM / H5P packages of simulations and e-lectures
}
CONTRIBUTOR_ROLES = ("teacher", "school_admin", "unit_staff", "department_staff", "department_admin")
MANAGER_ROLES = ("school_admin", "unit_staff", "department_staff", "department_admin")


class ResourceError(ValidationError):
    """Bad input for a resource (file type, size, link, knowledge units): the message is for the person."""


def max_upload_bytes() -> int:
    return getattr(settings, "EDUDX_LEARNING_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)


@dataclass(frozen=True)
class SniffedFile:
    content_type: str
    size: int
    sha256: str


def check_upload(*, upload: UploadedFile) -> SniffedFile:
    """Refuses empty, oversized, unknown and disguised files; returns the type read from the content."""
    limit = max_upload_bytes()
    size = upload.size or 0
    if size == 0:
        raise ResourceError(_("Tệp rỗng; hãy chọn lại tệp."))
    if size > limit:
        raise ResourceError(
            _("Tệp quá lớn (%(size).1f MB); giới hạn là %(limit)d MB.")
            % {"size": size / 1048576, "limit": limit // 1048576}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ResourceError(
            _(
                "Loại tệp không được chấp nhận (nhận diện theo nội dung: %(kind)s). "
                "Chấp nhận PDF, ảnh, video MP4/WebM, MP3, Word, PowerPoint, Excel, EPUB và gói ZIP."
            )
            % {"kind": kind.mime if kind else _("không rõ")}
        )
    if extension not in ALLOWED_TYPES[kind.mime]:
        raise ResourceError(
            _("Tên tệp có đuôi .%(ext)s nhưng nội dung là %(kind)s: tệp bị đổi đuôi, không nhận.")
            % {"ext": extension or "?", "kind": kind.extension.upper()}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return SniffedFile(kind.mime, size, digest.hexdigest())


def check_link(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ResourceError(_("Đường dẫn không hợp lệ; chỉ nhận địa chỉ http:// hoặc https://.")) from exc
    return url


def safe_filename(name: str) -> str:
    """The original file name without any folder part or control characters, for the row and the download."""
    base = os.path.basename((name or "").replace("\\", "/"))
    cleaned = "".join(ch for ch in nfc(base) if ch.isprintable() and ch not in '"<>|*?:')
    return cleaned[:200] or "tep"


def audience_root(*, org_unit: OrgUnit, audience: str) -> OrgUnit:
    """The unit whose subtree an audience reaches: the school itself, its management unit, or the province."""
    if audience == Resource.Audience.SCHOOL:
        return org_unit
    if audience == Resource.Audience.UNIT:
        return org_unit.parent if org_unit.kind == OrgUnit.Kind.SCHOOL and org_unit.parent_id else org_unit
    root_id = int(org_unit.path.strip("/").split("/")[0])
    return OrgUnit.objects.get(pk=root_id)


def build_search_text(resource: Resource, units: Iterable[KnowledgeUnit]) -> str:
    parts = [
        resource.title,
        resource.description,
        resource.author,
        resource.subject.name,
        f"lớp {resource.grade}",
        str(Resource.Kind(resource.kind).label),
        *(f"{unit.code} {unit.name} {unit.topic.name}" for unit in units),
    ]
    return fold(" ".join(p for p in parts if p))[:20000]


def _may_contribute(principal: Any, org_unit: OrgUnit) -> bool:
    scope = scope_of(principal)
    return scope.unrestricted or any(scope.has_role(role, org_unit.path) for role in (*CONTRIBUTOR_ROLES, "api_token"))


@transaction.atomic
def create_resource(
    *,
    by: Any,
    org_unit: OrgUnit,
    title: str,
    kind: str,
    subject: Subject,
    grade: int,
    licence: str,
    author: str,
    audience: str,
    description: str = "",
    knowledge_units: Iterable[KnowledgeUnit] = (),
    upload: UploadedFile | None = None,
    link_url: str = "",
    source: str = "",
    external_id: str = "",
) -> Resource:
    """A new resource in draft with its first version (a file or a link); only inside the contributor's scope."""
    if not _may_contribute(by, org_unit):
        raise PermissionError("org unit outside the contributor's scope")
    units = list(knowledge_units)
    wrong = [u.code for u in units if u.topic.subject_id != subject.pk or u.topic.grade != grade]
    if wrong:
        raise ResourceError(
            _("Đơn vị kiến thức %(codes)s không thuộc môn/lớp đã chọn.") % {"codes": ", ".join(sorted(wrong))}
        )
    if (upload is None) == (not link_url):
        raise ResourceError(_("Hãy tải lên một tệp hoặc nhập một đường dẫn (chỉ một trong hai)."))
    root = audience_root(org_unit=org_unit, audience=audience)
    user = by if getattr(by, "pk", None) and not getattr(by, "is_api_token", False) else None
    resource = Resource(
        title=nfc(title)[:300],
        description=nfc(description),
        kind=kind,
        subject=subject,
        grade=grade,
        level=level_of_grade(grade),
        licence=licence,
        author=nfc(author)[:200],
        owner=user,
        org_unit=org_unit,
        audience=audience,
        audience_path=root.path,
        source=source,
        external_id=external_id,
    )
    resource.search_text = build_search_text(resource, units)
    resource.full_clean(exclude=["owner", "search_text", "audience_path", "level", "knowledge_units"])
    resource.save()
    resource.knowledge_units.set(units)
    add_version(resource=resource, by=by, upload=upload, link_url=link_url, note=_("Phiên bản đầu tiên"))
    return resource


@transaction.atomic
def add_version(
    *, resource: Resource, by: Any, upload: UploadedFile | None = None, link_url: str = "", note: str = ""
) -> ResourceVersion:
    """A new version (file or link). On a published resource the new version is a revision in draft: it is reviewed
    before anyone outside its unit sees it, and the published version keeps serving meanwhile (``published_number``);
    only the council's approval replaces it."""
    if (upload is None) == (not link_url):
        raise ResourceError(_("Hãy tải lên một tệp hoặc nhập một đường dẫn (chỉ một trong hai)."))
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    reviewing = (ContentStatus.SUBMITTED, ContentStatus.IN_REVIEW)
    if resource.status in reviewing or resource.revision_status in reviewing:
        raise ResourceError(_("Học liệu đang được thẩm định; chờ kết luận rồi mới thêm phiên bản mới."))
    last = resource.versions.order_by("-number").values_list("number", flat=True).first() or 0
    user = by if getattr(by, "pk", None) and not getattr(by, "is_api_token", False) else None
    version = ResourceVersion(resource=resource, number=last + 1, note=nfc(note)[:300], created_by=user)
    if upload is not None:
        sniffed = check_upload(upload=upload)
        version.original_name = safe_filename(upload.name or "")
        version.content_type, version.size, version.sha256 = sniffed.content_type, sniffed.size, sniffed.sha256
        remove_rolled_back()
        version.file.save("upload", upload, save=False)
        track_written_file(name=version.file.name, storage=version.file.storage)
    else:
        version.link_url = check_link(link_url)
    try:
        version.save()
    except Exception:
        if version.file:
            version.file.delete(save=False)  # no orphan file for a row that was not written
        raise
    if last and resource.status == ContentStatus.PUBLISHED:
        resource.revision_status = ContentStatus.DRAFT
        resource.save(update_fields=["revision_status", "updated_at"])
    return version


def served_versions(*, resource: Resource, sees_drafts: bool) -> list[ResourceVersion]:
    """The versions a person is shown, newest first: all of them for the owning unit and the reviewers
    (``sees_drafts``), else those up to the published one (a revision in review is not shown outside)."""
    versions = resource.versions.order_by("-number")
    if not sees_drafts and resource.published_number is not None:
        versions = versions.filter(number__lte=resource.published_number)
    return list(versions)


@transaction.atomic
def take_down(*, resource: Resource, by: Any, reason: str) -> Resource:
    """Withdraws a published resource (a licence complaint, an error): it disappears for everyone outside its unit."""
    scope = scope_of(by)
    if not (scope.unrestricted or any(scope.has_role(r, resource.org_unit.path) for r in MANAGER_ROLES)):
        raise PermissionError("only managers of the owning unit or the department take resources down")
    if not reason.strip():
        raise ResourceError(_("Hãy ghi lý do gỡ học liệu."))
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.status != ContentStatus.PUBLISHED:
        raise ResourceError(_("Chỉ gỡ được học liệu đang xuất bản."))
    resource.status = ContentStatus.TAKEN_DOWN
    resource.revision_status = ""  # a revision under review goes down with it
    resource.takedown_reason = nfc(reason)
    resource.save(update_fields=["status", "revision_status", "takedown_reason", "updated_at"])
    return resource


SEARCH_REFRESH_BATCH = 1000


def refresh_search_texts(*, resources: QuerySet[Resource]) -> int:
    """Recomputes the search text of a set of resources (after a subject, topic or knowledge unit was renamed):
    a fixed number of queries per thousand resources (read with their subject and units, write with one
    ``bulk_update``), only rows whose text changed are written. Returns how many were rewritten."""
    ids = list(resources.order_by().values_list("pk", flat=True).distinct())
    units = Prefetch("knowledge_units", queryset=KnowledgeUnit.objects.select_related("topic"))
    written = 0
    for start in range(0, len(ids), SEARCH_REFRESH_BATCH):
        batch = Resource.objects.filter(pk__in=ids[start : start + SEARCH_REFRESH_BATCH])
        changed = []
        for resource in batch.select_related("subject").prefetch_related(units).order_by("pk"):
            text = build_search_text(resource, resource.knowledge_units.all())
            if text != resource.search_text:
                resource.search_text = text
                changed.append(resource)
        Resource.objects.bulk_update(changed, ["search_text"])
        written += len(changed)
    return written


def refresh_search_text(*, resource: Resource) -> None:
    units = resource.knowledge_units.select_related("topic")
    Resource.objects.filter(pk=resource.pk).update(
        search_text=build_search_text(resource, units), updated_at=timezone.now()
    )
