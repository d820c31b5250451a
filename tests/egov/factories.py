"""Procedures and dossiers with Vietnamese names, created through the egov services."""

import io
import uuid

from faker import Faker

from egov.models import Procedure, ProcedureKind
from egov.services import submit_dossier
from egov.services.catalogue import upsert_procedure
from egov.services.diplomas import DIPLOMA_COPY_FORM_FIELDS
from egov.services.transfers import TRANSFER_FORM_FIELDS

fake = Faker("vi_VN")

# Valid 12-digit IDs (Lào Cai 010, Hà Nội 001): province, gender/century digit, year, serial.
ID_NUMBERS = ["010085001234", "001190004567", "010305000321", "036184009876"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def make_procedure(org_unit, **overrides) -> Procedure:
    fields = {
        "name": "Xác nhận hoàn thành chương trình tiểu học",
        "competent_org_unit": org_unit,
        "mode": Procedure.Mode.FULL_ONLINE,
        "processing_days": 5,
        "fee": 0,
        "required_documents": [{"code": "don", "label": "Đơn đề nghị", "required": True}],
        "form_fields": [
            {"name": "student_name", "label": "Họ và tên học sinh", "type": "text", "required": True},
            {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": False},
        ],
        "checklist": ["Đủ thành phần hồ sơ", "Thông tin khớp với cơ sở dữ liệu"],
        "allowed_file_types": ["pdf", "jpg", "png"],
        "max_attachment_bytes": 1024 * 1024,
    }
    fields.update(overrides)
    code = fields.pop("code", f"TT-{uuid.uuid4().hex[:6].upper()}")
    procedure, _created = upsert_procedure(code=code, **fields)
    return procedure


def make_transfer_procedure(org_unit) -> Procedure:
    return make_procedure(
        org_unit,
        code="CHUYEN-TRUONG",
        name="Chuyển trường đối với học sinh trung học cơ sở và trung học phổ thông",
        kind=ProcedureKind.SCHOOL_TRANSFER,
        form_fields=TRANSFER_FORM_FIELDS,
        required_documents=[{"code": "don", "label": "Đơn xin chuyển trường", "required": True}],
    )


def make_diploma_copy_procedure(org_unit) -> Procedure:
    return make_procedure(
        org_unit,
        code="BAN-SAO-VB",
        name="Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        kind=ProcedureKind.DIPLOMA_COPY,
        form_fields=DIPLOMA_COPY_FORM_FIELDS,
        required_documents=[],
    )


def named_file(content: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    handle.size = len(content)
    return handle


def make_dossier(procedure, **overrides):
    fields = {
        "procedure": procedure,
        "applicant_name": fake.name(),
        "applicant_phone": "0912345678",
        "applicant_id_number": ID_NUMBERS[0],
        "data": {"student_name": fake.name()},
        "idempotency_key": uuid.uuid4().hex,
    }
    fields.update(overrides)
    return submit_dossier(**fields)
