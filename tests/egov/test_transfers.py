"""School transfer: both schools act, and approval moves the enrolment with its records."""

import pytest

from egov.models import DossierStatus
from egov.services import DossierError, transition_dossier
from egov.services.dossiers import record_second_unit_agreement
from egov.services.transfers import submit_transfer_request
from people.models import Enrolment, EnrolmentStatus, Student
from schools.models import SchoolYear

from .factories import make_transfer_procedure

pytestmark = pytest.mark.django_db
S = DossierStatus
STUDENT_ID = "010212001234"  # a boy born 2012 (digit 4 = 2: male, 2000s)


@pytest.fixture
def setting(province):
    """Xuân Quang (THCS, Bảo Thắng) sends a grade-8 pupil to a second THCS of the unit."""
    from tests.schools.factories import SchoolFactory

    receiving = SchoolFactory(
        code="THCS-PHONGNIEN", name="Trường THCS Phong Niên", parent=province.unit_a, levels=["THCS"]
    )
    year = SchoolYear.objects.get(code="2025-2026")
    student = Student.objects.create(full_name="Lý Văn Chiến", name_key="ly van chien", national_id=STUDENT_ID)
    Enrolment.objects.create(
        student=student,
        school=province.school_a2,
        school_year=year,
        grade="8",
        class_name="8A",
        status=EnrolmentStatus.STUDYING,
        has_device=True,
        has_internet=True,
        has_e_transcript=True,
    )
    procedure = make_transfer_procedure(province.department)
    return procedure, receiving, student


def _request(procedure, receiving, province, **overrides):
    data = {
        "student_name": "Lý Văn Chiến",
        "student_id_number": STUDENT_ID,
        "birth_date": "12/05/2012",
        "grade": "8",
        "from_school": province.school_a2.code,
        "to_school": receiving.code,
        "reason": "Gia đình chuyển nơi ở",
    }
    data.update(overrides)
    return submit_transfer_request(
        procedure=procedure,
        applicant_name="Lý Thị Hằng",
        applicant_phone="0988123456",
        applicant_id_number="010185001234",
        data=data,
        idempotency_key=f"chuyen-{sorted(data.items())}",
    )


def test_the_receiving_school_processes_and_the_sending_school_sees_it(setting, province):
    procedure, receiving, _student = setting
    dossier = _request(procedure, receiving, province, to_school="Trường THCS Phong Niên (THCS-PHONGNIEN)")
    assert dossier.data["to_school"] == "THCS-PHONGNIEN"
    assert dossier.org_unit == receiving.org_unit and dossier.second_org_unit == province.school_a2.org_unit


def test_approval_needs_the_sending_schools_agreement_then_moves_the_enrolment(setting, province):
    from people import services as people_services
    from tests.people.factories import UserFactory

    procedure, receiving, student = setting
    receiving_admin = UserFactory(username="admin.phongnien")
    people_services.grant_role(user=receiving_admin, role="school_admin", org_unit=receiving.org_unit)
    sending_admin = UserFactory(username="admin.xuanquang")
    people_services.grant_role(user=sending_admin, role="school_admin", org_unit=province.school_a2.org_unit)

    dossier = _request(procedure, receiving, province)
    for to in (S.RECEIVED, S.PROCESSING):
        dossier = transition_dossier(dossier=dossier, to=to, by=receiving_admin)
    with pytest.raises(DossierError, match="Chưa có ý kiến đồng ý"):
        transition_dossier(dossier=dossier, to=S.APPROVED, by=receiving_admin)
    with pytest.raises(DossierError):
        transition_dossier(dossier=dossier, to=S.APPROVED, by=sending_admin)  # the sending school only agrees
    with pytest.raises(DossierError):
        record_second_unit_agreement(dossier=dossier, by=receiving_admin)
    record_second_unit_agreement(dossier=dossier, by=sending_admin, comment="Đồng ý, đã bàn giao học bạ")
    transition_dossier(dossier=dossier, to=S.APPROVED, by=receiving_admin, comment="Tiếp nhận vào lớp 8")

    old = Enrolment.objects.get(student=student, school=province.school_a2)
    new = Enrolment.objects.get(student=student, school=receiving)
    assert old.status == EnrolmentStatus.TRANSFERRED
    assert (new.status, new.grade, new.has_device, new.has_internet, new.has_e_transcript) == (
        EnrolmentStatus.STUDYING,
        "8",
        True,
        True,
        True,
    )


def test_approval_of_an_unknown_pupil_is_refused_and_changes_nothing(setting, province):
    procedure, receiving, student = setting
    dossier = _request(procedure, receiving, province, student_id_number="010212009999")
    boss = province.users["unit_a_staff"]
    for to in (S.RECEIVED, S.PROCESSING):
        dossier = transition_dossier(dossier=dossier, to=to, by=boss)
    record_second_unit_agreement(dossier=dossier, by=boss)
    with pytest.raises(DossierError, match="Không tìm thấy học sinh"):
        transition_dossier(dossier=dossier, to=S.APPROVED, by=boss)
    dossier.refresh_from_db()
    assert dossier.status == S.PROCESSING and dossier.decided_at is None
    assert Enrolment.objects.get(student=student).status == EnrolmentStatus.STUDYING


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"grade": "5"}, "grade"),
        ({"to_school": "TH-PHONGHAI"}, "to_school"),  # a primary school has no grade 8
        ({"to_school": "THCS-XUANQUANG"}, "to_school"),  # the same school
        ({"from_school": "KHONG-CO"}, "from_school"),
        ({"student_id_number": "12345"}, "student_id_number"),
    ],
)
def test_bad_transfer_requests_name_the_field(setting, province, overrides, field):
    procedure, receiving, _student = setting
    with pytest.raises(DossierError) as error:
        _request(procedure, receiving, province, **overrides)
    assert field in error.value.message_dict


def test_both_schools_act_from_the_dossier_page(setting, province, client_for):
    from people import services as people_services
    from tests.people.factories import UserFactory

    procedure, receiving, student = setting
    receiving_admin = UserFactory(username="admin.phongnien2")
    people_services.grant_role(user=receiving_admin, role="school_admin", org_unit=receiving.org_unit)
    dossier = _request(procedure, receiving, province)
    url = f"/egov/dossiers/{dossier.receipt_code}/"

    unit = client_for(province.users["unit_a_staff"])
    sender_page = client_for(_school_admin(province.school_a2)).get(url).content.decode()
    assert "Đồng ý cho học sinh chuyển đi" in sender_page and "Cập nhật trạng thái" not in sender_page
    receiver = client_for(receiving_admin)
    receiver_page = receiver.get(url).content.decode()
    assert "Cập nhật trạng thái" in receiver_page and "Đồng ý cho học sinh chuyển đi" not in receiver_page
    assert "Lý Văn Chiến" in receiver_page

    for to in ("received", "processing"):
        receiver.post(f"{url}transition/", {"to": to})
    client_for(_school_admin(province.school_a2)).post(f"{url}agree/", {"comment": "Đồng ý"})
    receiver.post(f"{url}transition/", {"to": "approved", "comment": "Tiếp nhận"})
    dossier.refresh_from_db()
    assert dossier.status == S.APPROVED
    assert Enrolment.objects.get(student=student, school=receiving).status == EnrolmentStatus.STUDYING
    assert dossier.receipt_code in unit.get("/egov/inbox/").content.decode()  # the unit above both schools sees it


def _school_admin(school):
    from people import services as people_services
    from people.models import User
    from tests.people.factories import UserFactory

    username = f"admin.{school.code.lower()}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = UserFactory(username=username)
        people_services.grant_role(user=user, role="school_admin", org_unit=school.org_unit)
    return user
