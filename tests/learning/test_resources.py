import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from learning.models import ContentStatus, Resource, Subject
from learning.services.resources import ResourceError, add_version, create_resource, take_down

from .factories import catalogue

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def make(
    province, *, by=None, upload=None, link="", audience=Resource.Audience.PROVINCE, title=None, units=("TOAN-6-C3-01",)
):
    codes = catalogue()
    return create_resource(
        by=by or province.users["teacher_a"],
        org_unit=province.school_a.org_unit,
        title=title or "Toán lớp 6 – Phân số",
        kind=Resource.Kind.E_LECTURE,
        subject=Subject.objects.get(code="TOAN"),
        grade=6,
        licence=Resource.Licence.CC_BY_SA,
        author="Nguyễn Thị Hoa",
        audience=audience,
        description="Bài giảng điện tử về phân số bằng nhau",
        knowledge_units=[codes[c] for c in units],
        upload=upload,
        link_url=link,
    )


def test_upload_is_sniffed_and_stored_under_a_random_name(province):
    resource = make(province, upload=SimpleUploadedFile("Bài giảng phân số.pdf", PDF))
    version = resource.versions.get()
    assert version.content_type == "application/pdf" and version.previewable == "pdf"
    assert version.original_name == "Bài giảng phân số.pdf"
    assert "phan" not in version.file.name and not version.file.name.endswith(".pdf")
    assert resource.status == ContentStatus.DRAFT and resource.level == "THCS"
    assert "toan lop 6" in resource.search_text and "phan so" in resource.search_text


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("giao-an.pdf", EXE, "không được chấp nhận"),  # a program disguised as a PDF
        ("anh.pdf", PNG, "đổi đuôi"),  # an image disguised as a PDF
        ("trong.pdf", b"", "rỗng"),
        ("ghi-chu.txt", b"just text", "không được chấp nhận"),
    ],
)
def test_disguised_empty_and_unknown_files_are_refused_and_nothing_is_written(province, name, content, fragment):
    with pytest.raises(ResourceError, match=fragment):
        make(province, upload=SimpleUploadedFile(name, content))
    assert not Resource.objects.exists()


@override_settings(EDUDX_LEARNING_MAX_UPLOAD_BYTES=1024)
def test_oversized_upload_is_refused(province):
    with pytest.raises(ResourceError, match="quá lớn"):
        make(province, upload=SimpleUploadedFile("lon.pdf", PDF + b"0" * 2048))
    assert not Resource.objects.exists()


def test_link_resources_accept_only_http_links(province):
    assert make(province, link="https://hanhtrangso.nxbgd.vn/sach/toan-6").versions.get().link_url
    with pytest.raises(ResourceError, match="http"):
        make(province, link="javascript:alert(1)")


def test_knowledge_units_must_belong_to_the_subject_and_grade(province):
    with pytest.raises(ResourceError, match="NGUVAN-6-C1-01"):
        make(province, link="https://example.edu.vn/a", units=("NGUVAN-6-C1-01",))


def test_contributing_outside_ones_scope_is_refused(province):
    with pytest.raises(PermissionError):
        make(province, by=province.users["school_b_admin"], link="https://example.edu.vn/a")


def test_versions_are_numbered_and_a_new_version_of_a_published_resource_is_a_revision_in_draft(province):
    resource = make(province, link="https://example.edu.vn/v1")
    Resource.objects.filter(pk=resource.pk).update(status=ContentStatus.PUBLISHED, published_number=1)
    version = add_version(
        resource=resource, by=province.users["teacher_a"], upload=SimpleUploadedFile("v2.png", PNG), note="Sửa lỗi"
    )
    resource.refresh_from_db()
    assert version.number == 2 and version.previewable == "image"
    # still published, serving version 1; version 2 waits for review
    assert resource.status == ContentStatus.PUBLISHED and resource.published_number == 1
    assert resource.revision_status == ContentStatus.DRAFT


def test_takedown_needs_a_manager_and_a_reason(province):
    resource = make(province, link="https://example.edu.vn/v1")
    Resource.objects.filter(pk=resource.pk).update(status=ContentStatus.PUBLISHED)
    with pytest.raises(PermissionError):
        take_down(resource=resource, by=province.users["teacher_a"], reason="Vi phạm bản quyền")
    with pytest.raises(ResourceError):
        take_down(resource=resource, by=province.users["school_a_admin"], reason=" ")
    take_down(resource=resource, by=province.users["department_admin"], reason="Khiếu nại bản quyền")
    resource.refresh_from_db()
    assert resource.status == ContentStatus.TAKEN_DOWN and resource.takedown_reason == "Khiếu nại bản quyền"


def test_file_handle_is_rewound_after_sniffing(province):
    upload = SimpleUploadedFile("a.pdf", PDF)
    resource = make(province, upload=upload)
    with resource.versions.get().file.open("rb") as handle:
        assert handle.read() == PDF
