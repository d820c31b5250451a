"""Evidence files: sniffed content, allowed kinds only, a size limit, random private names, stored once."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from reports.maturity import services
from reports.maturity.models import Evidence

from .helpers import PDF, PNG, docx_bytes, start

pytestmark = pytest.mark.django_db


def attach(province, assessment, name, content, code="QT1"):
    return services.attach_evidence(
        assessment=assessment, criterion_code=code, name=name, content=content, by=province.users["school_a_admin"]
    )


def test_a_pdf_is_stored_privately_under_a_random_name(province):
    assessment = start(province)
    evidence = attach(province, assessment, "../../Kế hoạch CĐS.pdf", PDF)
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "Kế hoạch CĐS.pdf"
    stored = Path(evidence.file.path)
    assert stored.is_file() and "Kế hoạch" not in stored.name and ".." not in evidence.file.name
    assert Path(settings.MEDIA_ROOT) in stored.parents
    assert Path(settings.STATIC_ROOT) not in stored.parents


def test_images_and_office_documents_are_accepted(province):
    assessment = start(province)
    assert attach(province, assessment, "anh-phong-may.png", PNG).content_type == "image/png"
    assert attach(province, assessment, "bien-ban.docx", docx_bytes()).content_type.endswith("document")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ke-hoach.pdf", b"MZ\x90\x00" + b"\x00" * 200, "không thuộc loại được nhận"),  # an .exe named .pdf
        ("anh.png", PDF, "nội dung là tệp PDF"),  # a PDF named .png
        ("bao-cao.docx", docx_bytes(macro=True), "macro"),
        ("ghi-chu.txt", "Tôi là văn bản".encode(), "không thuộc loại được nhận"),
        ("trong.pdf", b"", "rỗng"),
    ],
)
def test_disguised_or_unwanted_files_are_refused_and_nothing_is_stored(province, name, content, message):
    assessment = start(province)
    with pytest.raises(ValidationError, match=message):
        attach(province, assessment, name, content)
    assert not Evidence.objects.exists()


def test_an_oversize_file_is_refused(province, settings):
    settings.EDUDX_MAX_EVIDENCE_BYTES = 1024
    assessment = start(province)
    with pytest.raises(ValidationError, match="quá lớn"):
        attach(province, assessment, "lon.pdf", PDF + b"0" * 2000)
    assert not Evidence.objects.exists()


def test_the_same_file_twice_on_a_criterion_is_stored_once(province):
    assessment = start(province)
    first = attach(province, assessment, "a.pdf", PDF)
    second = attach(province, assessment, "b.pdf", PDF)
    assert first.pk == second.pk and Evidence.objects.count() == 1


def test_only_the_school_attaches_while_it_is_editing(province):
    assessment = start(province)
    with pytest.raises(services.PermissionDenied):
        services.attach_evidence(
            assessment=assessment, criterion_code="QT1", name="a.pdf", content=PDF, by=province.users["unit_a_staff"]
        )
