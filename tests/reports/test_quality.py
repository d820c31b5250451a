"""Data quality (SPEC §3.4): hand-computed scores for a tiny province, scoping of the pages, the recompute job."""

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from django.utils import timezone

from edudx.core.models import Job
from edudx.core.text import fold
from people.imports import EXPECTED_AGE, _age_on
from people.models import Employment, Enrolment, EnrolmentStatus, Position, StaffMember, Student
from reports.models import DataQualityScore
from reports.quality import compute_quality
from reports.tasks import compute_quality_nightly
from schools.models import FacilityItem, SchoolYear
from schools.services import get_or_open_school_year

pytestmark = pytest.mark.django_db

BEFORE_THE_YEAR = timezone.make_aware(dt.datetime(2025, 8, 1, 8, 0))


@pytest.fixture
def year(province) -> SchoolYear:
    return SchoolYear.objects.get(code="2025-2026")


def student(name, *, national_id=None, gender="M", birth=dt.date(2017, 3, 10), ethnicity="01"):
    return Student.objects.create(
        national_id=national_id,
        full_name=name,
        name_key=fold(name),
        birth_date=birth,
        gender=gender,
        ethnicity=ethnicity,
    )


def enrol(person, school, year, *, grade="3", class_name="3A", status=EnrolmentStatus.STUDYING):
    return Enrolment.objects.create(
        student=person, school=school, school_year=year, grade=grade, class_name=class_name, status=status
    )


def employ(name, school, year, *, national_id=None, gender="F", birth=dt.date(1990, 4, 2), position=Position.TEACHER):
    staff = StaffMember.objects.create(
        national_id=national_id, full_name=name, name_key=fold(name), birth_date=birth, gender=gender, ethnicity="01"
    )
    return Employment.objects.create(staff=staff, school=school, school_year=year, position=position)


def facility(school, year, code, **values):
    fields = {
        "name": "Máy chiếu Epson",
        "type": FacilityItem.Type.PROJECTOR,
        "quantity": 2,
        "year_in_use": 2022,
        "condition": FacilityItem.Condition.GOOD,
        "site": "Điểm trường chính",
        **values,
    }
    return FacilityItem.objects.create(school=school, school_year=year, asset_code=code, **fields)


@pytest.fixture
def registry(province, year):
    """School A: 4 students, 2 staff, 2 facility items, each problem once; school B: 2 students, one shared."""
    a, b = province.school_a, province.school_b
    enrol(student("Nguyễn Văn An", national_id="010217000001"), a, year)
    # Digit 4 is 2 (male, 2000s) but the pupil is a girl: invalid, so neither correct nor complete.
    enrol(student("Trần Thị Bình", national_id="010217000002", gender="F", birth=dt.date(2017, 5, 2)), a, year)
    enrol(student("Lò Văn Cường", national_id="010217000003", ethnicity=""), a, year)
    shared = student("Hoàng Thị Dung", national_id="010317000004", gender="F", birth=dt.date(2017, 7, 7))
    enrol(shared, a, year)
    enrol(shared, b, year)  # the same ID active at two schools: both records are unclean
    enrol(student("Giàng A Páo", national_id="010217000005"), b, year)
    # Not records of 2025-2026: a drop-out at B, and A's pupils of the year before.
    enrol(student("Vàng Thị Mai", national_id="010317000006", gender="F"), b, year, status=EnrolmentStatus.DROPPED)
    previous = get_or_open_school_year(code="2024-2025")
    enrol(student("Phạm Văn Tâm", birth=dt.date(2016, 1, 1)), a, previous, grade="3")

    employ("Đỗ Thị Hoa", a, year, national_id="010190000007")
    missing_id = employ("Lý Văn Sơn", a, year, gender="M")
    Employment.objects.filter(pk=missing_id.pk).update(updated_at=BEFORE_THE_YEAR)  # not touched this year

    facility(a, year, "TS-001")
    facility(a, year, "TS-002", quantity=0)
    return province


def score_of(school, year) -> DataQualityScore:
    return DataQualityScore.objects.get(school=school, school_year=year)


def test_scores_match_the_hand_computed_percentages(registry, year):
    assert compute_quality(school_year=year) == 4

    a = score_of(registry.school_a, year)
    # 8 records: 4 students, 2 staff, 2 facility items.
    assert a.record_count == 8
    assert a.correct == Decimal("75.0")  # invalid ID, quantity 0
    assert a.complete == Decimal("50.0")  # invalid ID, no ethnicity, staff without ID, quantity 0
    assert a.clean == Decimal("83.3")  # people only: 5 of 6, the pupil also active at B
    assert a.alive == Decimal("87.5")  # the staff row last updated before 5/9/2025
    assert a.score == Decimal("74.0")  # (75 + 50 + 83.3 + 87.5) / 4 = 73.95, rounded half up
    students = a.issues["students"]
    assert students["records"] == 4
    assert (students["invalid_id"], students["missing_ethnicity"], students["duplicate_id"]) == (1, 1, 1)
    assert students["missing_id"] == students["age_grade"] == students["stale"] == 0
    assert (a.issues["staff"]["missing_id"], a.issues["staff"]["stale"]) == (1, 1)
    assert a.issues["facilities"]["zero_quantity"] == 1

    b = score_of(registry.school_b, year)
    assert b.record_count == 2  # the drop-out is not a record
    assert (b.correct, b.complete, b.clean, b.alive) == (Decimal("100.0"), Decimal("100.0"), Decimal("50.0"), 100)
    assert b.score == Decimal("87.5")
    assert b.issues["students"]["duplicate_id"] == 1


def test_a_school_without_records_has_no_data_not_zero(registry, year):
    compute_quality(school_year=year)
    empty = score_of(registry.school_a2, year)
    assert empty.record_count == 0
    assert (empty.correct, empty.complete, empty.clean, empty.alive, empty.score) == (None, None, None, None, None)


def test_clean_is_no_data_for_a_school_with_only_facility_items(province, year):
    facility(province.school_a2, year, "TS-100")
    compute_quality(school_year=year, schools=[province.school_a2])
    score = score_of(province.school_a2, year)
    assert score.clean is None
    assert score.score == Decimal("100.0")  # the mean of the three components that have data


def test_recomputing_replaces_the_row(registry, year):
    compute_quality(school_year=year, schools=[registry.school_a])
    Student.objects.filter(full_name="Lò Văn Cường").update(ethnicity="07")
    compute_quality(school_year=year, schools=[registry.school_a])
    assert DataQualityScore.objects.filter(school=registry.school_a).count() == 1
    assert score_of(registry.school_a, year).issues["students"]["missing_ethnicity"] == 0


def test_same_name_and_birth_date_without_id_is_a_duplicate_inside_one_school(province, year):
    a, b = province.school_a, province.school_b
    enrol(student("Nguyễn Thị Lan", gender="F"), a, year)
    enrol(student("NGUYỄN THỊ LAN", gender="F"), a, year)  # folds to the same name
    enrol(student("Nguyễn Thị Lan", gender="F", birth=dt.date(2017, 3, 11)), a, year)  # another birthday
    enrol(student("Nguyễn Thị Lan", gender="F"), b, year)  # another school
    compute_quality(school_year=year, schools=[a, b])
    assert score_of(a, year).issues["students"]["duplicate_name"] == 2
    assert score_of(a, year).clean == Decimal("33.3")  # 1 of 3
    assert score_of(b, year).issues["students"]["duplicate_name"] == 0


def test_names_not_in_nfc_are_unclean(province, year):
    enrol(
        student(unicodedata.normalize("NFD", "Phùng Thị Thủy"), national_id="010317000008", gender="F"),
        province.school_a,
        year,
    )
    enrol(student("Phùng Văn Hải", national_id="010217000009"), province.school_a, year)
    compute_quality(school_year=year, schools=[province.school_a])
    score = score_of(province.school_a, year)
    assert score.issues["students"]["not_nfc"] == 1
    assert score.clean == Decimal("50.0")
    assert score.correct == Decimal("100.0")


def test_a_record_with_several_problems_spoils_a_component_once(province, year):
    a = province.school_a
    # Invalid ID (girl with a boy's digit) and no ethnicity: incomplete twice over, counted once.
    enrol(student("Sầm Thị Nga", national_id="010217000030", gender="F", ethnicity=""), a, year)
    # Twins in the registry without an ID, one of them typed in decomposed Unicode: unclean twice, counted once.
    enrol(student("Sầm Văn Quý"), a, year)
    enrol(student(unicodedata.normalize("NFD", "Sầm Văn Quý")), a, year)
    enrol(student("Sầm Văn Vinh", national_id="010217000031"), a, year)
    compute_quality(school_year=year, schools=[a])
    score = score_of(a, year)
    students = score.issues["students"]
    assert (students["invalid_id"], students["missing_ethnicity"], students["missing_id"]) == (1, 1, 2)
    assert (students["duplicate_name"], students["not_nfc"]) == (2, 1)
    assert score.complete == Decimal("25.0")  # only Vinh
    assert score.clean == Decimal("50.0")
    assert score.correct == Decimal("75.0")


@pytest.mark.parametrize(
    ("grade", "birth", "fits"),
    [
        ("3", dt.date(2018, 9, 5), True),  # 7 on 5/9/2025: the youngest accepted for grade 3 (expected 8)
        ("3", dt.date(2018, 9, 6), False),  # one day too young
        ("3", dt.date(2010, 9, 6), True),  # 14: the oldest accepted
        ("3", dt.date(2010, 9, 5), False),  # 15
        ("NT", dt.date(2025, 9, 5), True),  # nursery: 0–7
        ("MG5", dt.date(2021, 1, 1), True),
        ("12", dt.date(2006, 1, 1), True),
        ("1", dt.date(2024, 1, 1), False),
    ],
)
def test_age_must_fit_the_grade_like_in_the_importer(province, year, grade, birth, fits):
    """Ages on 5/9/2025 (the year's start): expected − 1 … expected + 6."""
    expected = EXPECTED_AGE[grade]
    assert (expected - 1 <= _age_on(birth, year.start_date) <= expected + 6) is fits  # the importer's rule
    enrol(student("Lê Văn Nam", birth=birth), province.school_a, year, grade=grade)
    compute_quality(school_year=year, schools=[province.school_a])
    score = score_of(province.school_a, year)
    assert score.issues["students"]["age_grade"] == (0 if fits else 1)
    assert score.correct == (Decimal("100.0") if fits else Decimal("0.0"))


def test_babies_born_after_the_year_started_are_not_age_checked(province, year):
    enrol(student("Lù Thị Xuân", gender="F", birth=dt.date(2025, 12, 1)), province.school_a, year, grade="NT")
    compute_quality(school_year=year, schools=[province.school_a])
    assert score_of(province.school_a, year).issues["students"]["age_grade"] == 0


def test_future_dates_and_unknown_codes_are_incorrect(province, year):
    today = timezone.localdate()
    enrol(student("Mai Văn Tú", birth=today + dt.timedelta(days=3)), province.school_a, year, grade="NT")
    enrol(student("Mai Thị Hà", gender="F", ethnicity="99"), province.school_a, year)
    facility(province.school_a, year, "TS-009", year_in_use=today.year + 1)
    facility(province.school_a, year, "TS-010")
    compute_quality(school_year=year, schools=[province.school_a])
    score = score_of(province.school_a, year)
    students, facilities = score.issues["students"], score.issues["facilities"]
    assert (students["future_birth"], students["age_grade"], students["unknown_code"]) == (1, 0, 1)
    assert facilities["future_year_in_use"] == 1
    assert score.correct == Decimal("25.0")
    # Missing IDs make both pupils incomplete; the facility items are complete.
    assert score.complete == Decimal("50.0")


def test_ids_are_checked_in_chunks(province, year, monkeypatch):
    monkeypatch.setattr("reports.quality.ID_CHUNK", 2)
    for serial in range(5):  # all five have digit 4 = 3 (girl) but are boys
        enrol(student(f"Vi Văn Khánh {serial}", national_id=f"01031700001{serial}"), province.school_a, year)
    enrol(student("Vi Văn Long", national_id="010217000020", ethnicity=""), province.school_a, year)
    compute_quality(school_year=year, schools=[province.school_a])
    score = score_of(province.school_a, year)
    assert score.issues["students"]["invalid_id"] == 5
    assert score.correct == Decimal("16.7")
    assert score.complete == Decimal("0.0")  # the last one lacks only the ethnicity: counted once


def test_ranking_lists_schools_in_scope_worst_first(client_for, registry, year):
    compute_quality(school_year=year)
    client = client_for(registry.users["department_staff"])
    html = client.get("/quality/").content.decode()
    assert html.index("Phong Hải") < html.index("Tả Van")  # 74.0 before 87.5
    assert "Chưa tính" not in html
    best = client.get("/quality/", {"order": "best"}).content.decode()
    assert best.index("Tả Van") < best.index("Phong Hải")
    only_b = client.get("/quality/", {"unit": "PGD-SP"}).content.decode()
    assert "Tả Van" in only_b and "Phong Hải" not in only_b
    thpt = client.get("/quality/", {"level": "THPT"}).content.decode()
    assert "THPT số 1" in thpt and "Tả Van" not in thpt


def test_a_school_sees_only_itself_and_gets_404_for_another_school(client_for, registry, year):
    compute_quality(school_year=year)
    client = client_for(registry.users["school_b_admin"])
    html = client.get("/quality/").content.decode()
    assert "Tả Van" in html and "Phong Hải" not in html
    assert client.get("/quality/TH-PHONGHAI/").status_code == 404
    assert client.get("/quality/TH-TAVAN/").status_code == 200


def test_teachers_have_no_quality_pages(client_for, registry):
    client = client_for(registry.users["teacher_a"])
    assert client.get("/quality/").status_code == 403
    assert client.get("/quality/TH-PHONGHAI/").status_code == 404


def test_school_page_lists_what_to_fix(client_for, registry, year):
    compute_quality(school_year=year)
    response = client_for(registry.users["school_a_admin"]).get("/quality/TH-PHONGHAI/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "74,0" in html or "74.0" in html
    assert "Thiếu dân tộc" in html and "Mã định danh sai" in html and "Số lượng bằng 0" in html
    assert "Thiếu lớp" not in html  # problems that did not occur are not listed


def test_school_page_before_any_computation(client_for, province):
    html = client_for(province.users["school_a_admin"]).get("/quality/TH-PHONGHAI/").content.decode()
    assert "Chưa tính điểm" in html


def test_registry_links_fall_back_to_no_link_while_the_lists_do_not_exist(registry, year, monkeypatch):
    from reports import views

    def no_such_url(name, *args, **kwargs):
        from django.urls import NoReverseMatch

        raise NoReverseMatch(name)

    monkeypatch.setattr(views, "reverse", no_such_url)
    assert views._registry_link("students", "missing_id", "TH-PHONGHAI", school_year="2025-2026") is None


def test_registry_links_filter_the_list_when_it_exists(monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "reverse", lambda name: f"/{name}/")
    link = views._registry_link("students", "missing_ethnicity", "TH-PHONGHAI", school_year="2025-2026")
    assert link == "/student-list/?school_year=2025-2026&school=TH-PHONGHAI&missing=ethnicity"
    link = views._registry_link("facilities", "missing_year_in_use", "TH-PHONGHAI", school_year="2025-2026")
    assert link == "/facility-list/?school_year=2025-2026&school=TH-PHONGHAI&missing=year_in_use"
    # No list filter for this problem: the school's whole list.
    assert views._registry_link("staff", "duplicate_id", "X", school_year="2025-2026") == (
        "/staff-list/?school_year=2025-2026&school=X"
    )


def test_recompute_button_runs_the_job_for_the_viewers_scope(
    client_for, registry, year, django_capture_on_commit_callbacks
):
    client = client_for(registry.users["unit_a_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/quality/recompute/", {"year": "2025-2026"})
    assert response.status_code == 302
    job = Job.objects.get(kind="compute_quality")
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.org_unit == registry.unit_a and job.result == {"schools": 2, "school_year": "2025-2026"}
    assert set(DataQualityScore.objects.values_list("school__org_unit__code", flat=True)) == {
        "TH-PHONGHAI",
        "THCS-XUANQUANG",
    }
    page = client.get(response.url)
    assert page.status_code == 200 and f"job-{job.pk}" in page.content.decode()


def test_recompute_of_another_school_is_refused(client_for, registry):
    client = client_for(registry.users["school_b_admin"])
    assert client.post("/quality/recompute/", {"school": "TH-PHONGHAI"}).status_code == 404
    assert client.post("/quality/recompute/", {"unit": "PGD-BT"}).status_code == 404
    assert not Job.objects.exists()


def test_a_pending_recompute_is_reused(client_for, registry):
    client = client_for(registry.users["school_a_admin"])
    client.post("/quality/recompute/", {"school": "TH-PHONGHAI"})  # not executed: stays queued
    client.post("/quality/recompute/", {"school": "TH-PHONGHAI"})
    assert Job.objects.filter(kind="compute_quality").count() == 1


def test_nightly_task_computes_every_active_school_of_the_current_year(registry, year):
    assert compute_quality_nightly() == 4
    assert DataQualityScore.objects.filter(school_year=year).count() == 4
