"""School transfer (chuyển trường) for lower- and upper-secondary students.

The parent files one dossier with the receiving school; the sending school is its second unit. Both schools act:
the sending school agrees (``record_second_unit_agreement``), the receiving school accepts (approves), and the
approval moves the student's enrolment with its records through ``people.services.transfer_enrolment``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from people import services as people_services
from people.models import Student
from schools.models import OrgUnit, School
from schools.services import current_school_year

from ..models import Dossier, Procedure, ProcedureKind
from .dossiers import DossierError, Upload, clean_form_data, normalize_id_number, submit_dossier

LEVEL_OF_GRADE = {**{str(g): "THCS" for g in range(6, 10)}, **{str(g): "THPT" for g in range(10, 13)}}

TRANSFER_FORM_FIELDS = [
    {"name": "student_name", "label": "Họ và tên học sinh", "type": "text", "required": True},
    {"name": "student_id_number", "label": "Số định danh cá nhân của học sinh", "type": "text", "required": True},
    {"name": "birth_date", "label": "Ngày sinh của học sinh", "type": "date", "required": True},
    {
        "name": "grade",
        "label": "Lớp đang học",
        "type": "select",
        "required": True,
        "choices": [[str(g), f"Lớp {g}"] for g in range(6, 13)],
    },
    {"name": "from_school", "label": "Trường đang học (chuyển đi)", "type": "school", "required": True},
    {"name": "to_school", "label": "Trường xin chuyển đến", "type": "school", "required": True},
    {"name": "reason", "label": "Lý do chuyển trường", "type": "textarea", "required": True},
]


def submit_transfer_request(
    *,
    procedure: Procedure,
    applicant_name: str,
    applicant_phone: str,
    applicant_id_number: str,
    data: Mapping[str, Any],
    idempotency_key: str,
    applicant_email: str = "",
    attachments: Iterable[Upload] = (),
    channel: str = Dossier.Channel.ONLINE,
    **extra: Any,
) -> Dossier:
    """A transfer dossier: processed by the receiving school, with the sending school as the second unit."""
    if procedure.kind != ProcedureKind.SCHOOL_TRANSFER:
        raise DossierError(_("Thủ tục này không phải là thủ tục chuyển trường."))
    existing = Dossier.objects.filter(idempotency_key=str(idempotency_key)[:64]).first()
    if existing is not None:
        return existing
    cleaned = clean_form_data(procedure=procedure, data=data)
    try:
        cleaned["student_id_number"] = normalize_id_number(cleaned.get("student_id_number", ""))
    except DossierError as error:
        raise DossierError({"student_id_number": error.messages}) from error
    from_school, to_school = _schools(cleaned)
    return submit_dossier(
        procedure=procedure,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        applicant_id_number=applicant_id_number,
        applicant_email=applicant_email,
        data=cleaned,
        idempotency_key=idempotency_key,
        channel=channel,
        org_unit=to_school.org_unit,
        second_org_unit=from_school.org_unit,
        attachments=attachments,
        clean=False,
        **extra,
    )


def _schools(cleaned: Mapping[str, Any]) -> tuple[School, School]:
    level = LEVEL_OF_GRADE.get(str(cleaned.get("grade")))
    if level is None:
        raise DossierError({"grade": _("Chỉ chuyển trường cho học sinh từ lớp 6 đến lớp 12.")})
    if cleaned["from_school"] == cleaned["to_school"]:
        raise DossierError({"to_school": _("Trường chuyển đến phải khác trường đang học.")})
    schools = {
        s.org_unit.code: s
        for s in School.objects.select_related("org_unit").filter(
            org_unit__code__in=[cleaned["from_school"], cleaned["to_school"]], org_unit__kind=OrgUnit.Kind.SCHOOL
        )
    }
    errors = {}
    for field in ("from_school", "to_school"):
        school = schools.get(cleaned[field])
        if school is None or level not in school.levels:
            errors[field] = _("Trường %(code)s không có cấp %(level)s.") % {"code": cleaned[field], "level": level}
    if errors:
        raise DossierError(errors)
    return schools[cleaned["from_school"]], schools[cleaned["to_school"]]


def complete_transfer(*, dossier: Dossier, by: Any) -> None:
    """On approval: the student's enrolment of the current year moves to the receiving school."""
    year = current_school_year()
    if year is None:
        raise DossierError(_("Chưa có năm học hiện tại để chuyển lượt học."))
    data = dossier.data
    from_school = School.objects.filter(org_unit__code=data.get("from_school")).first()
    to_school = School.objects.filter(org_unit_id=dossier.org_unit_id).first()
    student = Student.objects.filter(national_id=data.get("student_id_number")).first()
    if from_school is None or to_school is None or student is None:
        raise DossierError(
            _("Không tìm thấy học sinh có số định danh đã khai trong danh sách của trường chuyển đi; kiểm tra lại.")
        )
    try:
        people_services.transfer_enrolment(
            student=student, from_school=from_school, to_school=to_school, school_year=year
        )
    except ValidationError as error:
        raise DossierError(error.messages) from error
