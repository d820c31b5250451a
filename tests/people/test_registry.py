"""The registry pages: scoped lists of students, staff and facilities, a person's page, masking and exports."""

import io
import re
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from faker import Faker

from edudx.core import jobs
from edudx.core.models import AuditEntry, ImportBatch, Job
from edudx.core.text import fold
from people import selectors
from people.models import Employment, Enrolment, Position, StaffMember, Student
from people.tasks import export_students_task
from schools import services as school_services
from schools.models import FacilityItem, SchoolYear

pytestmark = pytest.mark.django_db

fake = Faker("vi_VN")
ID_A = "010316001567"  # Lào Cai, female born 2016
ID_B = "010216004321"  # Lào Cai, male born 2016


def year(code: str = "2025-2026") -> SchoolYear:
    return (
        SchoolYear.objects.get(code=code) if code == "2025-2026" else school_services.get_or_open_school_year(code=code)
    )


def make_student(school, *, full_name=None, national_id=None, school_year=None, **enrolment) -> Student:
    full_name = full_name or fake.name()
    student = Student.objects.create(
        full_name=full_name,
        name_key=fold(full_name),
        national_id=national_id,
        birth_date=enrolment.pop("birth_date", date(2016, 3, 14)),
        gender=enrolment.pop("gender", "F"),
        ethnicity=enrolment.pop("ethnicity", "01"),
    )
    enrol(student, school, school_year=school_year, **enrolment)
    return student


def enrol(student, school, *, school_year=None, **fields) -> Enrolment:
    values = {"grade": "4", "class_name": "4A", "status": "studying", **fields}
    return Enrolment.objects.create(student=student, school=school, school_year=school_year or year(), **values)


def make_staff(school, *, full_name=None, national_id=None, position=Position.TEACHER, **fields) -> StaffMember:
    full_name = full_name or fake.name()
    staff = StaffMember.objects.create(
        full_name=full_name,
        name_key=fold(full_name),
        national_id=national_id,
        birth_date=date(1985, 6, 1),
        gender="F",
        ethnicity="02",
    )
    Employment.objects.create(staff=staff, school=school, school_year=year(), position=position, **fields)
    return staff


def html(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def pupils(province):
    """Two pupils at school A, one at A's sister school, one at school B (another unit)."""
    return {
        "hoa": make_student(province.school_a, full_name="Nguyễn Thị Hoa", national_id=ID_A, class_name="4A"),
        "nam": make_student(province.school_a, full_name="Trần Văn Nam", gender="M", class_name="4B"),
        "lan": make_student(province.school_a2, full_name="Lò Thị Lan", grade="7", class_name="7A"),
        "sua": make_student(province.school_b, full_name="Giàng Thị Sua", national_id=ID_B, gender="M"),
    }


# --- scope ---------------------------------------------------------------------------------------------------------


def test_school_admin_lists_only_own_schools_students(client_for, province, pupils):
    page = html(client_for(province.users["school_a_admin"]), "/registry/students/")
    assert "Nguyễn Thị Hoa" in page and "Trần Văn Nam" in page
    assert "Giàng Thị Sua" not in page and "Lò Thị Lan" not in page


def test_school_admin_gets_404_for_another_schools_student(client_for, province, pupils):
    client = client_for(province.users["school_a_admin"])
    response = client.get(f"/registry/students/{pupils['sua'].pk}/")
    assert response.status_code == 404
    assert "Giàng" not in response.content.decode()


def test_filtering_on_another_school_gives_nothing(client_for, province, pupils):
    page = html(client_for(province.users["school_a_admin"]), "/registry/students/", school="TH-TAVAN")
    assert "Giàng Thị Sua" not in page and "Nguyễn Thị Hoa" not in page
    assert "Không có học sinh nào khớp bộ lọc" in page


def test_unit_staff_sees_both_schools_of_the_unit(client_for, province, pupils):
    page = html(client_for(province.users["unit_a_staff"]), "/registry/students/")
    assert "Nguyễn Thị Hoa" in page and "Lò Thị Lan" in page
    assert "Giàng Thị Sua" not in page
    page = html(client_for(province.users["unit_a_staff"]), "/registry/students/", school="THCS-XUANQUANG")
    assert "Lò Thị Lan" in page and "Nguyễn Thị Hoa" not in page


def test_user_without_a_registry_role_sees_nothing(client_for, province, pupils):
    page = html(client_for(province.users["no_role"]), "/registry/students/")
    assert "Nguyễn Thị Hoa" not in page and "Giàng" not in page
    assert client_for(province.users["no_role"]).get(f"/registry/students/{pupils['hoa'].pk}/").status_code == 404


def test_pages_need_login(client, province):
    for url in ("/registry/students/", "/registry/staff/", "/registry/facilities/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_person_page_shows_only_years_at_schools_in_scope(client_for, province):
    """A pupil who moved from Tả Van (unit B) to Phong Hải: school A sees this year only, not B's record."""
    student = make_student(province.school_b, full_name="Vàng Thị Mai", school_year=year("2024-2025"))
    enrol(student, province.school_a, class_name="5C", grade="5")
    page = html(client_for(province.users["school_a_admin"]), f"/registry/students/{student.pk}/")
    assert "Vàng Thị Mai" in page and "5C" in page and "Phong Hải" in page
    assert "Tả Van" not in page and "2024-2025" not in page
    page = html(client_for(province.users["department_staff"]), f"/registry/students/{student.pk}/")
    assert "Tả Van" in page and "2024-2025" in page


# --- search, filters, years, sorting -------------------------------------------------------------------------------


def test_search_ignores_diacritics_and_case(client_for, province, pupils):
    client = client_for(province.users["school_a_admin"])
    page = html(client, "/registry/students/", q="nguyen thi")
    assert "Nguyễn Thị Hoa" in page and "Trần Văn Nam" not in page
    page = html(client, "/registry/students/", q="NGUYỄN  hoa")
    assert "Nguyễn Thị Hoa" in page


def test_search_by_exact_national_id(client_for, province, pupils):
    client = client_for(province.users["school_a_admin"])
    page = html(client, "/registry/students/", q="010 316 001 567")
    assert "Nguyễn Thị Hoa" in page and "Trần Văn Nam" not in page
    assert "Nguyễn Thị Hoa" not in html(client, "/registry/students/", q="010316001")


def test_a_posted_search_never_puts_the_national_id_in_a_url(client_for, province, pupils):
    client = client_for(province.users["school_a_admin"])
    response = client.post("/registry/students/", {"q": "010316001567", "grade": "", "school_year": "2025-2026"})
    assert response.status_code == 302
    location = response["Location"]
    assert "010316001567" not in location and "qref=" in location and "school_year=2025-2026" in location
    page = client.get(location).content.decode()
    assert "Nguyễn Thị Hoa" in page and "Trần Văn Nam" not in page
    # The next page, a sort, the export form: all carry the reference, the ID stays in the form field only.
    assert 'name="q" value="010316001567"' in page
    assert "010316001567" not in "".join(re.findall(r'href="([^"]*)"', page))
    # Another session cannot read the search back from the reference.
    other = client_for(province.users["school_a_admin"])
    assert "Trần Văn Nam" in html(other, location)


def test_filters_by_field_and_missing_value(client_for, province, pupils):
    client = client_for(province.users["school_a_admin"])
    page = html(client, "/registry/students/", gender="M")
    assert "Trần Văn Nam" in page and "Nguyễn Thị Hoa" not in page
    page = html(client, "/registry/students/", class_name="4a")
    assert "Nguyễn Thị Hoa" in page and "Trần Văn Nam" not in page
    # The data-quality pages link here: the rows whose national ID is blank.
    page = html(client, "/registry/students/", missing="national_id", school="TH-PHONGHAI")
    assert "Trần Văn Nam" in page and "Nguyễn Thị Hoa" not in page
    assert "Đang xem các dòng còn thiếu" in page


def test_lists_show_the_current_year_unless_asked(client_for, province):
    make_student(province.school_a, full_name="Phạm Minh Đức", school_year=year("2024-2025"))
    client = client_for(province.users["school_a_admin"])
    assert "Phạm Minh Đức" not in html(client, "/registry/students/")
    assert "Phạm Minh Đức" in html(client, "/registry/students/", school_year="2024-2025")
    assert "Phạm Minh Đức" not in html(client, "/registry/students/", school_year="1999-2000")


def test_sort_by_name_both_ways_and_unknown_sort_is_ignored(client_for, province, pupils):
    client = client_for(province.users["school_a_admin"])
    page = html(client, "/registry/students/", sort="name")
    assert page.index("Nguyễn Thị Hoa") < page.index("Trần Văn Nam")
    page = html(client, "/registry/students/", sort="-name")
    assert page.index("Trần Văn Nam") < page.index("Nguyễn Thị Hoa")
    assert 'aria-sort="descending"' in page
    assert html(client, "/registry/students/", sort="student__national_id").count("Nguyễn Thị Hoa") >= 1


def test_list_paginates_by_50_and_keeps_the_filters(client_for, province):
    for index in range(55):
        make_student(province.school_a, full_name=f"Hoàng Văn An {index:02d}", gender="M")
    page = html(client_for(province.users["school_a_admin"]), "/registry/students/", gender="M")
    assert "Tìm thấy <strong>55</strong> học sinh" in page
    assert page.count("/registry/students/") >= 50
    assert "gender=M&amp;page=2" in page or "gender=M&page=2" in page


def test_list_query_count_does_not_grow_with_rows(client_for, province, django_assert_max_num_queries):
    client = client_for(province.users["unit_a_staff"])
    make_student(province.school_a, national_id=ID_A)
    client.get("/registry/students/")  # warm up the session and the scope once
    with CaptureQueriesContext(connection) as few:
        html(client, "/registry/students/")
    for _ in range(40):
        make_student(province.school_a)
        make_student(province.school_a2)
    with django_assert_max_num_queries(len(few)):
        html(client, "/registry/students/")
    with django_assert_max_num_queries(len(few)):
        html(client, "/registry/staff/")


def test_detail_query_count_does_not_grow_with_history(client_for, province, django_assert_max_num_queries):
    student = make_student(province.school_a)
    client = client_for(province.users["school_a_admin"])
    with CaptureQueriesContext(connection) as few:
        html(client, f"/registry/students/{student.pk}/")
    for code in ("2021-2022", "2022-2023", "2023-2024", "2024-2025"):
        link = enrol(student, province.school_a, school_year=year(code))
        AuditEntry.objects.create(
            org_unit=province.school_a.org_unit,
            entity="people.enrolment",
            entity_id=link.pk,
            action="update",
            changes={"class_name": ["4A", "4B"]},
        )
    with django_assert_max_num_queries(len(few)):
        html(client, f"/registry/students/{student.pk}/")


# --- national IDs ---------------------------------------------------------------------------------------------------


def test_teacher_sees_masked_ids_school_admin_sees_them_in_full(client_for, province, pupils):
    teacher = html(client_for(province.users["teacher_a"]), "/registry/students/")
    assert "010******567" in teacher and ID_A not in teacher
    admin = html(client_for(province.users["school_a_admin"]), "/registry/students/")
    assert ID_A in admin
    unit = html(client_for(province.users["unit_a_staff"]), "/registry/students/")
    assert "010******567" in unit and ID_A not in unit
    department = html(client_for(province.users["department_admin"]), "/registry/students/")
    assert ID_A in department and ID_B in department


def test_masking_on_the_person_page(client_for, province, pupils):
    url = f"/registry/students/{pupils['hoa'].pk}/"
    page = html(client_for(province.users["teacher_a"]), url)
    assert "010******567" in page and ID_A not in page
    assert ID_A in html(client_for(province.users["school_a_admin"]), url)


def test_full_ids_rule(province):
    users, school_a, school_b = province.users, province.school_a.org_unit, province.school_b.org_unit
    assert selectors.can_see_full_ids(principal=users["school_a_admin"], org_unit=school_a)
    assert not selectors.can_see_full_ids(principal=users["school_a_admin"], org_unit=school_b)
    assert selectors.can_see_full_ids(principal=users["department_admin"], org_unit=school_b)
    for role in ("teacher_a", "unit_a_staff", "department_staff", "no_role"):
        assert not selectors.can_see_full_ids(principal=users[role], org_unit=school_a), role


# --- person pages and the audit trail ------------------------------------------------------------------------------


def test_person_page_shows_identity_and_history(client_for, province, pupils):
    page = html(client_for(province.users["school_a_admin"]), f"/registry/students/{pupils['hoa'].pk}/")
    assert "14/03/2016" in page and "Nữ" in page and "Kinh" in page
    assert "2025-2026" in page and "4A" in page and "Đang học" in page


def test_audit_trail_shows_old_and_new_values_newest_first(client_for, province, pupils):
    student = pupils["hoa"]
    batch = ImportBatch.objects.create(
        kind="students",
        org_unit=province.school_a.org_unit,
        school_year=year(),
        file="imports/hs.xlsx",
        original_name="hs.xlsx",
        sha256="0" * 64,
    )
    AuditEntry.objects.create(
        org_unit=province.school_a.org_unit,
        entity="people.student",
        entity_id=student.pk,
        action="create",
        changes={"full_name": [None, "Nguyễn Thi Hoa"], "gender": [None, "F"]},
    )
    AuditEntry.objects.create(
        org_unit=province.school_a.org_unit,
        entity="people.student",
        entity_id=student.pk,
        action="update",
        changes={
            "full_name": ["Nguyễn Thi Hoa", "Nguyễn Thị Hoa"],
            "birth_date": ["2016-04-03", "2016-03-14"],
            "national_id": [None, ID_A],
            "ethnicity": ["02", "01"],
        },
        actor=province.users["school_a_admin"],
        batch=batch,
    )
    link = student.enrolments.get()
    AuditEntry.objects.create(
        org_unit=province.school_a.org_unit,
        entity="people.enrolment",
        entity_id=link.pk,
        action="update",
        changes={"status": ["repeating", "studying"]},
    )
    page = html(client_for(province.users["teacher_a"]), f"/registry/students/{student.pk}/")
    trail = page[page.index("Lịch sử thay đổi") :]
    assert "Họ và tên" in trail and "Nguyễn Thi Hoa" in trail and "Nguyễn Thị Hoa" in trail
    assert "03/04/2016" in trail and "14/03/2016" in trail  # dates as dd/mm/yyyy
    assert "Tày" in trail and "Kinh" in trail  # ethnicity names, not codes
    assert "Lưu ban" in trail and "Đang học" in trail  # choice labels
    assert "010******567" in trail and ID_A not in trail  # masked for a teacher
    assert f"/imports/{batch.pk}/" in trail
    assert "Hệ thống" in trail and str(province.users["school_a_admin"]) in trail
    # Newest first: the enrolment change was logged last, the creation first.
    assert trail.index("Lưu ban") < trail.index("03/04/2016") < trail.index("Tạo mới")
    admin_page = html(client_for(province.users["school_a_admin"]), f"/registry/students/{student.pk}/")
    assert ID_A in admin_page[admin_page.index("Lịch sử thay đổi") :]


def test_audit_trail_hides_entries_logged_outside_the_scope(client_for, province, pupils):
    AuditEntry.objects.create(
        org_unit=province.school_b.org_unit,
        entity="people.student",
        entity_id=pupils["hoa"].pk,
        action="update",
        changes={"full_name": ["Tên cũ ở Tả Van", "Nguyễn Thị Hoa"]},
    )
    page = html(client_for(province.users["school_a_admin"]), f"/registry/students/{pupils['hoa'].pk}/")
    assert "Tên cũ ở Tả Van" not in page


def test_staff_list_and_page(client_for, province):
    teacher = make_staff(province.school_a, full_name="Đặng Thị Thu", national_id="010185000123", subject="Toán")
    make_staff(province.school_b, full_name="Sùng A Páo", position=Position.EMPLOYEE)
    client = client_for(province.users["school_a_admin"])
    page = html(client, "/registry/staff/")
    assert "Đặng Thị Thu" in page and "Sùng A Páo" not in page and "010185000123" in page
    assert "Đặng Thị Thu" in html(client, "/registry/staff/", q="dang thu", position="teacher")
    assert "Đặng Thị Thu" not in html(client, "/registry/staff/", position="manager")
    page = html(client, f"/registry/staff/{teacher.pk}/")
    assert "Toán" in page and "01/06/1985" in page and "Tày" in page
    other = StaffMember.objects.get(full_name="Sùng A Páo")
    assert client.get(f"/registry/staff/{other.pk}/").status_code == 404
    assert "010******123" in html(client_for(province.users["teacher_a"]), "/registry/staff/")


def test_facility_list_is_scoped_and_filtered(client_for, province):
    common = {"school_year": year(), "quantity": 1}
    FacilityItem.objects.create(
        school=province.school_a,
        asset_code="MT-01",
        name="Máy tính để bàn",
        type="computer",
        condition="good",
        **common,
    )
    FacilityItem.objects.create(
        school=province.school_a,
        asset_code="MC-01",
        name="Máy chiếu phòng 2",
        type="projector",
        condition="broken",
        **common,
    )
    FacilityItem.objects.create(
        school=province.school_b, asset_code="MT-09", name="Máy tính Tả Van", type="computer", **common
    )
    client = client_for(province.users["school_a_admin"])
    page = html(client, "/registry/facilities/")
    assert "Máy tính để bàn" in page and "Máy chiếu phòng 2" in page and "Máy tính Tả Van" not in page
    page = html(client, "/registry/facilities/", condition="broken")
    assert "Máy chiếu phòng 2" in page and "Máy tính để bàn" not in page
    page = html(client, "/registry/facilities/", missing="year_in_use", type="computer")
    assert "Máy tính để bàn" in page and "Máy chiếu phòng 2" not in page
    assert "Máy tính Tả Van" not in html(client, "/registry/facilities/", school="TH-TAVAN")


def test_menu_has_the_registry_for_school_roles_only(client_for, province):
    assert 'href="/registry/students/"' in html(client_for(province.users["teacher_a"]), "/")
    assert 'href="/registry/students/"' not in html(client_for(province.users["no_role"]), "/")


# --- exports --------------------------------------------------------------------------------------------------------


def export_rows(client, job: Job) -> list[tuple]:
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    return [row for row in sheet.iter_rows(min_row=4, values_only=True) if any(row)]


def test_export_writes_the_filtered_rows_in_scope_and_is_logged(
    client_for, province, pupils, django_capture_on_commit_callbacks
):
    user = province.users["unit_a_staff"]
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/registry/students/export/", {"q": "thi", "school_year": "2025-2026"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.org_unit == province.unit_a
    rows = export_rows(client, job)
    assert sorted(row[2] for row in rows) == ["Lò Thị Lan", "Nguyễn Thị Hoa"]  # Giàng Thị Sua is unit B's
    hoa = next(row for row in rows if row[2] == "Nguyễn Thị Hoa")
    assert hoa[0] == "TH-PHONGHAI" and hoa[1] == "010******567" and hoa[3] == "14/03/2016"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.entity, entry.actor, entry.org_unit) == ("people.student", user, province.unit_a)


def test_school_admin_export_has_full_ids_of_own_school(
    client_for, province, pupils, django_capture_on_commit_callbacks
):
    client = client_for(province.users["school_a_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/registry/students/export/", {})
    job = Job.objects.get()
    assert job.org_unit == province.school_a.org_unit
    rows = export_rows(client, job)
    assert {row[2] for row in rows} == {"Nguyễn Thị Hoa", "Trần Văn Nam"}
    assert ID_A in {row[1] for row in rows}


def test_export_of_another_school_is_404_and_queues_nothing(client_for, province, pupils):
    response = client_for(province.users["school_a_admin"]).post("/registry/students/export/", {"school": "TH-TAVAN"})
    assert response.status_code == 404
    assert not Job.objects.exists() and not AuditEntry.objects.filter(action="export").exists()


def test_export_asks_for_a_school_when_the_scope_has_several_roots(client_for, province, pupils):
    from people import services as people_services

    user = province.users["teacher_a"]
    people_services.grant_role(user=user, role="teacher", org_unit=province.school_b.org_unit)
    response = client_for(user).post("/registry/students/export/", {"gender": "M"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/registry/students/?")
    assert "hãy chọn một trường" in response.content.decode()
    assert not Job.objects.exists()


def test_export_needs_post(client_for, province):
    assert client_for(province.users["school_a_admin"]).get("/registry/students/export/").status_code == 405


def test_export_task_refuses_a_creator_who_lost_the_scope(province, pupils):
    from people import services as people_services

    user = province.users["school_a_admin"]
    job = jobs.create_job(
        task=export_students_task, principal=user, org_unit=province.school_a.org_unit, title="Xuất", enqueue=False
    )
    people_services.revoke_role(user=user, role="school_admin", org_unit=province.school_a.org_unit)
    user.refresh_from_db()
    export_students_task.apply(kwargs={"job_id": str(job.pk)})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.result_file
    assert not AuditEntry.objects.filter(action="export").exists()


def test_forged_export_params_cannot_reach_another_school(province, pupils):
    """A job whose stored filters name school B still writes only what its creator sees."""
    user = province.users["school_a_admin"]
    job = jobs.create_job(
        task=export_students_task,
        principal=user,
        org_unit=province.school_a.org_unit,
        title="Xuất",
        params={"filters": {"school": "TH-TAVAN"}},
        enqueue=False,
    )
    jobs.run_job_here(job)
    assert job.status == Job.Status.SUCCEEDED and job.result == {"rows": 0}


def test_staff_export(client_for, province, django_capture_on_commit_callbacks):
    make_staff(province.school_a, full_name="Đặng Thị Thu", national_id="010185000123")
    make_staff(province.school_b, full_name="Sùng A Páo")
    client = client_for(province.users["teacher_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/registry/staff/export/", {})
    job = Job.objects.get()
    rows = export_rows(client, job)
    assert [(row[1], row[2]) for row in rows] == [("010******123", "Đặng Thị Thu")]
    assert AuditEntry.objects.get(action="export").entity == "people.staffmember"


def test_list_page_offers_the_export_with_its_filters(client_for, province, pupils):
    page = html(client_for(province.users["school_a_admin"]), "/registry/students/", grade="4", q="nguyen")
    form = re.search(r'<form method="post" action="/registry/students/export/".*?</form>', page, re.S).group(0)
    assert 'name="grade" value="4"' in form and 'name="q" value="nguyen"' in form
