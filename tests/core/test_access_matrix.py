"""School A's officer sends school B's identifiers to every route that takes one: each answers 404.

The routes come from the URL conf itself, so a new view with an identifier joins the matrix by existing.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from edudx.core import jobs
from edudx.core.models import ImportBatch
from people import services as people_services
from people.models import Employment, Enrolment, StaffMember, Student
from schools.models import SchoolYear
from schools.tasks import export_schools_task

from ..learning.factories import matrix_values as learning_matrix_values

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "api/schema", "api/docs", "i18n/", "static/", "accounts/reset/")
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def routes(patterns=None, prefix: str = ""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        raw = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + raw)
        elif isinstance(entry, URLPattern):
            yield prefix + raw


def identified_routes() -> list[str]:
    found = []
    for route in routes():
        clean = route.replace("^", "").replace("$", "")
        if "format" in clean or clean.startswith(SKIPPED_PREFIXES) or not PARAMETER.search(clean):
            continue
        found.append(clean)
    return sorted(set(found))


def make_batch(school, user) -> ImportBatch:
    year = SchoolYear.objects.get(code="2025-2026")
    return ImportBatch.objects.create(
        kind="students",
        org_unit=school.org_unit,
        school_year=year,
        file="x.xlsx",
        original_name="hs.xlsx",
        sha256="0" * 64,
        owner=user,
        status=ImportBatch.Status.VALIDATED,
    )


def make_people(school):
    year = SchoolYear.objects.get(code="2025-2026")
    student = Student.objects.create(full_name="Vàng Thị Dung", name_key="vang thi dung")
    Enrolment.objects.create(
        student=student, school=school, school_year=year, grade="1", class_name="1A", status="studying"
    )
    staff = StaffMember.objects.create(full_name="Lù Văn Thành", name_key="lu van thanh")
    Employment.objects.create(staff=staff, school=school, school_year=year, position="teacher")
    return student, staff


def make_dossier_values(school) -> dict[str, str]:
    """A dossier (with a file) processed by the school: the egov routes take its receipt code and file id."""
    import io

    from egov.services import Upload, submit_dossier
    from egov.services.catalogue import upsert_procedure

    procedure, _created = upsert_procedure(
        code=f"TT-{school.code}",
        name="Xác nhận học bạ",
        competent_org_unit=school.org_unit,
        mode="full_online",
        processing_days=5,
    )
    pdf = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    pdf.name, pdf.size = "don.pdf", len(pdf.getvalue())
    dossier = submit_dossier(
        procedure=procedure,
        applicant_name="Lò Thị Mai",
        applicant_phone="0912345678",
        applicant_id_number="010185001234",
        data={},
        idempotency_key=f"matrix-{school.code}",
        attachments=[Upload("", pdf)],
    )
    return {"receipt_code": dossier.receipt_code, "attachment_id": str(dossier.attachments.get().pk)}


def make_submission_values(school) -> dict[str, str]:
    """A report form the school submitted: the report-form routes take a form code and the submission's id."""
    from reports.statforms.models import FormSubmission

    submission = FormSubmission.objects.create(
        form_code="TH-DN",
        form_version="2026.1",
        school=school,
        school_year=SchoolYear.objects.get(code="2025-2026"),
        period="start",
        status=FormSubmission.Status.SUBMITTED,
    )
    return {"form_code": "TH-DN", "submission_id": str(submission.pk)}


def make_evidence_values(school, user) -> dict[str, str]:
    """A DX self-assessment with an evidence file: the maturity download routes take the file's id."""
    from reports.maturity import services as maturity_services

    assessment = maturity_services.start_assessment(
        school=school, school_year=SchoolYear.objects.get(code="2025-2026"), by=user
    )
    evidence = maturity_services.attach_evidence(
        assessment=assessment, criterion_code="QT1", name="ke-hoach.pdf", content=b"%PDF-1.4\n%%EOF\n", by=user
    )
    return {"evidence_id": str(evidence.pk)}


def fill(route: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        if name == "pk" and "registry/students" in route:
            return values["student_pk"]
        if name == "pk" and "registry/staff" in route:
            return values["staff_pk"]
        if name == "pk":
            name = "job_id" if "jobs" in route else "batch_id" if "imports" in route else "token_id"
        return values[name]

    return "/" + PARAMETER.sub(value, route)


def test_every_identified_route_hides_other_schools_objects(client_for, province):
    job_b = jobs.create_job(
        task=export_schools_task,
        principal=province.users["school_b_admin"],
        org_unit=province.school_b.org_unit,
        title="Xuất của trường B",
    )
    token_b, _key = people_services.create_api_token(org_unit=province.unit_b, name="Khóa của Sa Pa")
    batch_b = make_batch(province.school_b, province.users["school_b_admin"])
    student_b, staff_b = make_people(province.school_b)
    values = {
        "code": "TH-TAVAN",
        "job_id": str(job_b.pk),
        "token_id": str(token_b.pk),
        "batch_id": str(batch_b.pk),
        "student_pk": str(student_b.pk),
        "staff_pk": str(staff_b.pk),
        **make_dossier_values(province.school_b),
        **make_evidence_values(province.school_b, province.users["school_b_admin"]),
        **make_submission_values(province.school_b),
        **learning_matrix_values(province.school_b, province.users["school_b_admin"]),
    }
    client = client_for(province.users["school_a_admin"])
    tried = []
    for route in identified_routes():
        url = fill(route, values)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        tried.append(url)
        assert response.status_code == 404, f"{url} answered {response.status_code}"
    assert len(tried) >= 20, tried  # the matrix must not silently shrink to nothing
    job_b.refresh_from_db()
    token_b.refresh_from_db()
    assert job_b.status == job_b.Status.QUEUED and token_b.revoked_at is None


def test_the_same_routes_answer_for_own_objects(client_for, province):
    """The control: with school A's own identifiers the routes are reachable, so the 404s above mean scoping."""
    user = province.users["school_a_admin"]
    job_a = jobs.create_job(
        task=export_schools_task, principal=user, org_unit=province.school_a.org_unit, title="Xuất của trường A"
    )
    token_a, _key = people_services.create_api_token(org_unit=province.unit_a, name="Khóa của Bảo Thắng")
    batch_a = make_batch(province.school_a, user)
    student_a, staff_a = make_people(province.school_a)
    values = {
        "code": "TH-PHONGHAI",
        "job_id": str(job_a.pk),
        "token_id": str(token_a.pk),
        "batch_id": str(batch_a.pk),
        "student_pk": str(student_a.pk),
        "staff_pk": str(staff_a.pk),
        **make_dossier_values(province.school_a),
        **make_evidence_values(province.school_a, province.users["school_a_admin"]),
        **make_submission_values(province.school_a),
        **learning_matrix_values(province.school_a, user),
    }
    client = client_for(user)
    reachable = [
        url for route in identified_routes() if client.get(url := fill(route, values)).status_code in (200, 302, 405)
    ]
    # Tokens belong to units, not schools: those routes stay 404 for a school admin even with own values.
    assert len(reachable) >= 8, reachable
