"""Dossiers: submission (exactly once per idempotency key), the SPEC §6 state machine, attachments, the rating.

Every write here is atomic. A submission is keyed by the client's idempotency key (a unique column): a double
click, a retry after a timeout or a request replayed after a restarted process finds the dossier the first attempt
stored, never a second one. Transitions lock the dossier row, check the state machine and record an event.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.scoping import scope_of
from edudx.core.text import fold, nfc
from people.models import User
from people.national_id import NationalIdError, normalize_national_id, validate_national_id
from schools.models import OrgUnit

from ..models import (
    DECIDED,
    TRANSITIONS,
    Dossier,
    DossierAttachment,
    DossierEvent,
    DossierRating,
    DossierStatus,
    Procedure,
)
from ..workdays import WorkCalendar, load_calendar

# Roles that process dossiers of the units they hold them on.
DOSSIER_ROLES = ("department_admin", "department_staff", "unit_staff", "school_admin")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: read aloud and typed back without mistakes
RECEIPT_RANDOM_CHARS = 8  # 40 random bits: guessing a live code is hopeless, and the tracker also wants the phone
MAX_ATTACHMENTS = 20
MAX_TEXT = 2000
_PHONE = re.compile(r"^0\d{9,10}$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class DossierError(ValidationError):
    """A request the dossier rules refuse; the message says why, in Vietnamese. Nothing was changed."""


@dataclass(frozen=True)
class Upload:
    """A file sent with a dossier: which required document it is, and the file (an UploadedFile or File)."""

    document_code: str
    file: Any


def normalize_phone(raw: str) -> str:
    """A Vietnamese phone number as 0xxxxxxxxx: spaces, dots and dashes dropped, +84/84 turned into 0."""
    digits = re.sub(r"[\s.\-()]", "", nfc(str(raw or "")))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    if not _PHONE.match(digits):
        raise DossierError(_("Số điện thoại không hợp lệ: cần 10 hoặc 11 chữ số, bắt đầu bằng 0 (ví dụ 0912345678)."))
    return digits


def normalize_id_number(raw: str) -> str:
    """A 12-digit personal ID whose province code exists (SPEC §3.1)."""
    try:
        value = normalize_national_id(nfc(str(raw or "")))
        if value is None:
            raise NationalIdError(_("Chưa nhập số định danh cá nhân."), part="format")
        validate_national_id(value, gender=None, birth_date=None)
    except NationalIdError as error:
        raise DossierError(str(error)) from error
    return value


def new_receipt_code(*, year: int) -> str:
    """'HS-2026-7KQ2M9XD': readable (no I/L/O/U), 40 random bits."""
    return f"HS-{year}-" + "".join(secrets.choice(CROCKFORD) for _ in range(RECEIPT_RANDOM_CHARS))


def clean_form_data(*, procedure: Procedure, data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's answers checked against the procedure's fields: required ones present, dates and emails valid."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in procedure.form_fields:
        name, kind = spec["name"], spec.get("type", "text")
        raw = data.get(name)
        value = nfc(str(raw)) if raw is not None else ""
        if not value:
            if spec.get("required"):
                errors[name] = _("Trường “%(label)s” là bắt buộc.") % {"label": spec.get("label", name)}
            continue
        if len(value) > MAX_TEXT:
            errors[name] = _("Trường “%(label)s” quá dài.") % {"label": spec.get("label", name)}
            continue
        if kind == "date":
            parsed = _parse_date(value)
            if parsed is None:
                errors[name] = _("Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy.")
                continue
            value = parsed.isoformat()
        elif kind == "email":
            try:
                validate_email(value)
            except ValidationError:
                errors[name] = _("Địa chỉ thư điện tử không hợp lệ.")
                continue
        elif kind == "select" and value not in [str(choice[0]) for choice in spec.get("choices", [])]:
            errors[name] = _("Giá trị không nằm trong danh sách được chọn.")
            continue
        elif kind == "school":
            value = school_code(value)
            if not OrgUnit.objects.filter(code=value, kind=OrgUnit.Kind.SCHOOL, is_active=True).exists():
                errors[name] = _("Không tìm thấy trường có mã %(code)s.") % {"code": value}
                continue
        cleaned[name] = value
    if errors:
        raise DossierError(errors)
    return cleaned


def school_code(value: str) -> str:
    """The code out of what a school field holds: "THCS-XUANQUANG" or "Trường THCS Xuân Quang (THCS-XUANQUANG)"."""
    match = re.search(r"\(([^()]+)\)\s*$", value)
    return (match.group(1) if match else value).strip().upper()


def _parse_date(value: str) -> dt.date | None:
    match = _DATE.match(value)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def check_upload(*, procedure: Procedure, upload: Upload) -> tuple[str, str, int, str]:
    """(extension, MIME type, size, sha256) of a file the procedure accepts, judged by its content, not its name."""
    name = nfc(getattr(upload.file, "name", "") or "tệp")
    size = getattr(upload.file, "size", None)
    limit = min(procedure.max_attachment_bytes, settings.EDUDX_MAX_UPLOAD_BYTES)
    if size is not None and size > limit:
        raise DossierError(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(limit)s MB mỗi tệp.")
            % {"name": name, "size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
        )
    upload.file.seek(0)
    digest = hashlib.sha256()
    head = b""
    total = 0
    for chunk in iter(lambda: upload.file.read(65536), b""):
        if not head:
            head = chunk[:8192]
        total += len(chunk)
        if total > limit:
            raise DossierError(
                _("Tệp “%(name)s” quá lớn; tối đa %(limit)s MB mỗi tệp.")
                % {"name": name, "limit": f"{limit / 1048576:.0f}"}
            )
        digest.update(chunk)
    upload.file.seek(0)
    if total == 0:
        raise DossierError(_("Tệp “%(name)s” rỗng.") % {"name": name})
    allowed = procedure.file_types
    kind = filetype.guess(head)
    declared = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    declared = "jpg" if declared == "jpeg" else declared
    if kind is None or kind.extension not in allowed:
        raise DossierError(
            _("Tệp “%(name)s” không phải là tệp %(allowed)s (kiểm tra theo nội dung tệp, không theo tên).")
            % {"name": name, "allowed": ", ".join(a.upper() for a in allowed)}
        )
    if declared != kind.extension:
        raise DossierError(
            _("Tệp “%(name)s” có phần mở rộng không khớp với nội dung (nội dung là %(kind)s).")
            % {"name": name, "kind": kind.extension.upper()}
        )
    return kind.extension, kind.mime, total, digest.hexdigest()


def _check_uploads(*, procedure: Procedure, uploads: Iterable[Upload]) -> list[tuple[Upload, tuple]]:
    uploads = list(uploads)
    if len(uploads) > MAX_ATTACHMENTS:
        raise DossierError(_("Tối đa %(n)d tệp cho một hồ sơ.") % {"n": MAX_ATTACHMENTS})
    known = {doc.get("code") for doc in procedure.required_documents}
    for upload in uploads:
        if known and upload.document_code and upload.document_code not in known:
            raise DossierError(_("Thành phần hồ sơ không có trong thủ tục này."))
    return [(upload, check_upload(procedure=procedure, upload=upload)) for upload in uploads]


def _store_uploads(
    *, dossier: Dossier, checked: list[tuple[Upload, tuple]], written: list[str] | None = None
) -> list[DossierAttachment]:
    """Save the files (under random names) and their rows; ``written`` collects the file names, so that a caller
    whose transaction fails can remove files no row will ever point to."""
    stored = []
    for upload, (extension, mime, size, sha256) in checked:
        if dossier.attachments.filter(sha256=sha256).exists():
            continue  # the same file sent twice (a retried upload): kept once
        original = nfc(str(getattr(upload.file, "name", "") or "tệp")).replace("/", "_").replace("\\", "_")[-200:]
        attachment = DossierAttachment(
            dossier=dossier,
            document_code=upload.document_code,
            original_name=original,
            content_type=mime,
            size=size,
            sha256=sha256,
        )
        attachment.file.save(f"tep.{extension}", File(upload.file), save=False)
        if written is not None:
            written.append(attachment.file.name)
        attachment.save()
        stored.append(attachment)
    return stored


def submit_dossier(
    *,
    procedure: Procedure,
    applicant_name: str,
    applicant_phone: str,
    applicant_id_number: str,
    data: Mapping[str, Any],
    idempotency_key: str,
    channel: str = Dossier.Channel.ONLINE,
    org_unit: OrgUnit | None = None,
    second_org_unit: OrgUnit | None = None,
    applicant_email: str = "",
    attachments: Iterable[Upload] = (),
    submitted_at: dt.datetime | None = None,
    by: Any = None,
    calendar: WorkCalendar | None = None,
    clean: bool = True,
    receipt_code: str | None = None,
    look_up_key: bool = True,
    files_written: list[str] | None = None,
) -> Dossier:
    """Store a dossier once per idempotency key (a repeat returns the first one) with its receipt code and due date.

    ``org_unit`` is the unit that processes it (the procedure's competent unit by default); ``second_org_unit`` a
    unit that must also act (the sending school of a transfer). ``clean=False`` is for callers that validated the
    form data themselves (admissions). ``by`` is the staff member who keyed in an offline dossier.
    ``receipt_code`` is for the seeded demo only (a reproducible province); everyone else gets a random one.
    ``look_up_key=False`` skips the read of an earlier dossier with this key, for a caller that already looked up
    its own record under the same key (admissions): the unique column still refuses a second dossier, and the race
    branch below returns the first one. A caller whose own transaction wraps this one passes ``files_written``
    to learn the stored file names, so that it can remove them if its transaction rolls back.
    """
    key = nfc(str(idempotency_key or ""))[:64]
    if not key:
        raise DossierError(_("Thiếu khóa chống gửi trùng (idempotency key)."))
    if look_up_key:
        existing = Dossier.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    name = nfc(str(applicant_name or ""))
    if not name or len(name) > 150:
        raise DossierError(_("Họ và tên người nộp là bắt buộc (tối đa 150 ký tự)."))
    phone = normalize_phone(applicant_phone)
    id_number = normalize_id_number(applicant_id_number)
    email = nfc(applicant_email or "")
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise DossierError(_("Địa chỉ thư điện tử không hợp lệ.")) from error
    if not procedure.is_published:
        raise DossierError(_("Thủ tục này hiện không tiếp nhận hồ sơ."))
    cleaned = clean_form_data(procedure=procedure, data=data) if clean else dict(data)
    checked = _check_uploads(procedure=procedure, uploads=attachments)
    at = submitted_at or timezone.now()
    calendar = calendar or load_calendar()
    due = calendar.add_working_days(timezone.localdate(at), procedure.processing_days)
    written: list[str] = files_written if files_written is not None else []
    try:
        with transaction.atomic():
            dossier = _create_with_unique_code(
                fixed_code=receipt_code,
                procedure=procedure,
                org_unit=org_unit or procedure.competent_org_unit,
                second_org_unit=second_org_unit,
                applicant_name=name,
                applicant_phone=phone,
                applicant_id_number=id_number,
                applicant_email=email,
                channel=channel,
                submitted_at=at,
                due_date=due,
                data=cleaned,
                idempotency_key=key,
            )
            _store_uploads(dossier=dossier, checked=checked, written=written)
            DossierEvent.objects.create(
                dossier=dossier,
                actor=_user(by),
                actor_label=str(by) if by else _("Người nộp hồ sơ"),
                at=at,
                from_status="",
                to_status=DossierStatus.SUBMITTED,
                comment=_("Nộp trực tuyến") if channel == Dossier.Channel.ONLINE else _("Tiếp nhận trực tiếp"),
            )
    except IntegrityError:
        remove_files(written)
        # Another request with the same key won the race: its dossier is the one.
        existing = Dossier.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    except BaseException:
        remove_files(written)  # rolled back: no row points to these files any more
        raise
    _notify_later(dossier)
    return dossier


def remove_files(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):  # best effort: an orphan file is harmless, it is never served
            default_storage.delete(name)


def _create_with_unique_code(*, fixed_code: str | None = None, **fields: Any) -> Dossier:
    year = timezone.localdate(fields["submitted_at"]).year
    for _attempt in range(5):
        # No read before the insert: a clash with a live code has one chance in 2**40 and the savepoint catches it.
        code = fixed_code or new_receipt_code(year=year)
        try:
            with transaction.atomic():
                return Dossier.objects.create(receipt_code=code, **fields)
        except IntegrityError:
            if Dossier.objects.filter(idempotency_key=fields["idempotency_key"]).exists():
                raise
    raise DossierError(_("Không tạo được mã hồ sơ, vui lòng thử lại."))


def _user(by: Any) -> User | None:
    """The account behind an action (an API token acts for its unit, not as a person)."""
    return by if isinstance(by, User) else None


def can_process(*, dossier: Dossier, by: Any) -> bool:
    """Whether ``by`` holds a processing role on the dossier's competent unit."""
    scope = scope_of(by).only(DOSSIER_ROLES)
    return scope.covers(dossier.org_unit.path)


@transaction.atomic
def transition_dossier(
    *, dossier: Dossier, to: str, by: Any, comment: str = "", at: dt.datetime | None = None, authorised: bool = False
) -> Dossier:
    """Move a dossier along the SPEC §6 state machine, recording the event; ``by=None`` is the applicant.

    Only the applicant resubmits (after additional documents were requested); everything else is done by staff of
    the competent unit. The clock stops while the dossier waits for the applicant and the due date moves on by the
    working days it waited. ``authorised=True`` is for a caller that has itself checked ``by``'s right to act on
    the dossier (an admission reviewer of a participating school acts for the round's unit).
    """
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("org_unit", "procedure").get(pk=dossier.pk)
    current = locked.status
    if to not in DossierStatus.values:
        raise DossierError(_("Trạng thái “%(to)s” không tồn tại.") % {"to": to})
    if to not in TRANSITIONS[current]:
        raise DossierError(
            _("Không thể chuyển hồ sơ từ “%(from)s” sang “%(to)s”.")
            % {"from": DossierStatus(current).label, "to": DossierStatus(to).label}
        )
    if by is None:
        if to != DossierStatus.RESUBMITTED:
            raise DossierError(_("Người nộp chỉ có thể bổ sung hồ sơ."))
    elif not authorised and not can_process(dossier=locked, by=by):
        # Staff may also record a resubmission brought in person; only the competent unit moves a dossier.
        raise DossierError(_("Chỉ đơn vị giải quyết mới được chuyển trạng thái hồ sơ này."))
    comment = nfc(comment or "")[:MAX_TEXT]
    if to in (DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED, DossierStatus.REJECTED) and not comment:
        raise DossierError(_("Cần ghi rõ lý do (nội dung cần bổ sung hoặc lý do từ chối)."))
    if to == DossierStatus.APPROVED and locked.second_org_unit_id is not None and locked.second_unit_agreed_at is None:
        raise DossierError(_("Chưa có ý kiến đồng ý của %(unit)s.") % {"unit": locked.second_org_unit.name})
    now = at or timezone.now()
    today = timezone.localdate(now)
    if current == DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED and locked.paused_since is not None:
        calendar = load_calendar()
        waited = calendar.working_days_between(locked.paused_since, today)
        locked.paused_days += waited
        locked.due_date = calendar.add_working_days(locked.due_date, waited)
        locked.paused_since = None
    if to == DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED:
        locked.paused_since = today
    if to in (DossierStatus.APPROVED, DossierStatus.REJECTED):
        locked.decided_at = now
    if to == DossierStatus.RESULT_RETURNED:
        locked.returned_at = now
    locked.status = to
    if to == DossierStatus.APPROVED:
        _apply_approval(dossier=locked, by=by)
    locked.save()
    DossierEvent.objects.create(
        dossier=locked,
        actor=_user(by),
        actor_label=str(by) if by else _("Người nộp hồ sơ"),
        at=now,
        from_status=current,
        to_status=to,
        comment=comment,
    )
    _notify_later(locked)
    return locked


def _apply_approval(*, dossier: Dossier, by: Any) -> None:
    """The effect of approving a procedure on the registry (called inside the transition's transaction)."""
    from ..models import ProcedureKind

    if dossier.procedure.kind == ProcedureKind.SCHOOL_TRANSFER:
        from .transfers import complete_transfer

        complete_transfer(dossier=dossier, by=by)
    elif dossier.procedure.kind == ProcedureKind.DIPLOMA_COPY:
        from .diplomas import issue_diploma_copy

        issue_diploma_copy(dossier=dossier, by=by)


@transaction.atomic
def record_second_unit_agreement(*, dossier: Dossier, by: Any, comment: str = "") -> Dossier:
    """The second unit (the sending school of a transfer) agrees; the status stays, the event is recorded."""
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("second_org_unit").get(pk=dossier.pk)
    if locked.second_org_unit is None:
        raise DossierError(_("Hồ sơ này không cần ý kiến của đơn vị phối hợp."))
    if not scope_of(by).only(DOSSIER_ROLES).covers(locked.second_org_unit.path):
        raise DossierError(_("Chỉ %(unit)s mới cho ý kiến được.") % {"unit": locked.second_org_unit.name})
    if locked.is_decided:
        raise DossierError(_("Hồ sơ đã có kết quả."))
    if locked.second_unit_agreed_at is not None:
        raise DossierError(_("Đơn vị đã đồng ý trước đó."))
    locked.second_unit_agreed_at = timezone.now()
    locked.save(update_fields=["second_unit_agreed_at", "updated_at"])
    DossierEvent.objects.create(
        dossier=locked,
        actor=_user(by),
        actor_label=str(by),
        from_status=locked.status,
        to_status=locked.status,
        comment=nfc(comment or "") or _("%(unit)s đồng ý.") % {"unit": locked.second_org_unit.name},
    )
    return locked


@transaction.atomic
def add_attachments(*, dossier: Dossier, uploads: Iterable[Upload]) -> list[DossierAttachment]:
    """Files added to an open dossier (with the resubmission); a file already attached is not stored twice."""
    if dossier.is_decided:
        raise DossierError(_("Hồ sơ đã có kết quả, không thể bổ sung tệp."))
    checked = _check_uploads(procedure=dossier.procedure, uploads=uploads)
    return _store_uploads(dossier=dossier, checked=checked)


@transaction.atomic
def resubmit_dossier(*, dossier: Dossier, uploads: Iterable[Upload], comment: str) -> Dossier:
    """The applicant sends the documents asked for: files stored, status "resubmitted", the clock runs again."""
    if dossier.status != DossierStatus.ADDITIONAL_DOCUMENTS_REQUESTED:
        raise DossierError(_("Hồ sơ không ở trạng thái chờ bổ sung."))
    add_attachments(dossier=dossier, uploads=uploads)
    return transition_dossier(dossier=dossier, to=DossierStatus.RESUBMITTED, by=None, comment=comment)


@transaction.atomic
def assign_dossier(*, dossier: Dossier, to: Any, by: Any) -> Dossier:
    """Give a dossier to a staff member who may process it."""
    if not can_process(dossier=dossier, by=by):
        raise DossierError(_("Bạn không có quyền xử lý hồ sơ này."))
    if to is not None and not can_process(dossier=dossier, by=to):
        raise DossierError(_("Người được phân công không thuộc đơn vị giải quyết hồ sơ."))
    Dossier.objects.filter(pk=dossier.pk).update(assigned_to=to, updated_at=timezone.now())
    dossier.assigned_to = to
    return dossier


@transaction.atomic
def set_checklist(*, dossier: Dossier, done: Iterable[int], by: Any) -> Dossier:
    """Which items of the procedure's checklist the processing officer has ticked."""
    if not can_process(dossier=dossier, by=by):
        raise DossierError(_("Bạn không có quyền xử lý hồ sơ này."))
    size = len(dossier.procedure.checklist)
    ticked = sorted({int(i) for i in done if 0 <= int(i) < size})
    Dossier.objects.filter(pk=dossier.pk).update(checklist_done=ticked, updated_at=timezone.now())
    dossier.checklist_done = ticked
    return dossier


def rate_dossier(*, dossier: Dossier, stars: int, comment: str = "") -> DossierRating:
    """The applicant's one rating, once the dossier is decided; a second one is refused."""
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise DossierError(_("Chọn từ 1 đến 5 sao."))
    if dossier.status not in DECIDED:
        raise DossierError(_("Chỉ đánh giá được khi hồ sơ đã có kết quả."))
    if DossierRating.objects.filter(dossier=dossier).exists():
        raise DossierError(_("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần."))
    try:
        with transaction.atomic():
            return DossierRating.objects.create(dossier=dossier, stars=stars, comment=nfc(comment or "")[:MAX_TEXT])
    except IntegrityError as error:
        raise DossierError(_("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.")) from error


def search_key(*parts: str) -> str:
    return " ".join(fold(part) for part in parts if part)


def _notify_later(dossier: Dossier) -> None:
    if not dossier.applicant_email:
        return
    from ..tasks import notify_applicant_task

    event_id = dossier.events.order_by("-at", "-pk").values_list("pk", flat=True).first()
    if event_id is not None:
        transaction.on_commit(lambda: notify_applicant_task.delay(event_id=event_id))
