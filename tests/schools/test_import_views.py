"""The school IT officer's upload flow: upload → preview of row errors → confirm once; scoping; templates."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from edudx.core.models import ImportBatch, Job
from people.models import Enrolment, Student

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["Mã định danh", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Khối", "Lớp", "Trạng thái"]
# Grade-1 children of school year 2025-2026 are born in 2019: digit 4 is 2 for a boy, 3 for a girl (2000–2099).
GOOD_ROWS = [
    ["010219000001", "Nguyễn Văn An", dt.date(2019, 3, 4), "Nam", "Kinh", 1, "1A", "Đang học"],
    ["010319000002", "Lò Thị Bình", dt.date(2019, 11, 12), "Nữ", "Thái", 1, "1A", "Đang học"],
]
BAD_ROWS = [
    # A girl's ID digit (3) for a boy: the ID is invalid.
    ["010319000003", "Vàng Văn Chử", dt.date(2019, 5, 1), "Nam", "Mông", 1, "1B", "Đang học"],
    # The class is required.
    ["010219000004", "Hoàng Văn Dũng", dt.date(2019, 6, 1), "Nam", "Tày", 1, None, "Đang học"],
]


def xlsx(rows, headers=HEADERS, title_rows=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Học sinh"
    for line in title_rows:
        sheet.append([line])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, capture, content, *, name="hoc-sinh.xlsx", kind="students", org_unit="TH-PHONGHAI", **extra):
    data = {
        "kind": kind,
        "org_unit": org_unit,
        "school_year": "2025-2026",
        "file": SimpleUploadedFile(name, content, content_type=XLSX),
        **extra,
    }
    with capture(execute=True):
        return client.post("/imports/new/", data)


def uploaded_batch(response) -> ImportBatch:
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.fullmatch(r"/imports/([0-9a-f-]{36})/", response.url)
    assert match, response.url
    return ImportBatch.objects.get(pk=match.group(1))


def error_rows(html: str) -> list[tuple[str, str, str]]:
    """(row, column, message) of every row of the errors table."""
    cells = re.findall(
        r'<td data-label="Dòng" class="text-end edx-num">(\d+)</td>\s*'
        r'<td data-label="Cột">([^<]*)</td>\s*<td data-label="Lỗi">([^<]*)</td>',
        html,
    )
    return [(row, column.strip(), message.strip()) for row, column, message in cells]


@pytest.fixture
def officer(client_for, province):
    return client_for(province.users["school_a_admin"])


def test_upload_preview_lists_row_errors_with_row_number_and_column(
    officer, province, django_capture_on_commit_callbacks
):
    batch = uploaded_batch(upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS + BAD_ROWS)))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED
    assert (batch.total_rows, batch.invalid_rows) == (4, 2)

    html = officer.get(f"/imports/{batch.pk}/").content.decode()
    rows = error_rows(html)
    assert ("4", "Mã định danh") in [(row, column) for row, column, _m in rows]
    assert ("5", "Lớp", "Thiếu “Lớp” (bắt buộc).") in rows
    assert "Phong Hải" in html and "2025-2026" in html and "Học sinh" in html
    assert f"/jobs/{batch.validate_job_id}/download/" in html  # the error report
    assert 'id="import-confirm-all" disabled' in html  # "Ghi dữ liệu" only without invalid rows
    assert "Chỉ ghi các dòng hợp lệ (2 dòng)" in html
    assert Student.objects.count() == 0  # a preview writes nothing


def test_error_report_download_has_the_invalid_rows(officer, province, django_capture_on_commit_callbacks):
    batch = uploaded_batch(upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS + BAD_ROWS)))
    response = officer.get(f"/jobs/{batch.validate_job_id}/download/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [4, 5]


def test_confirm_writes_the_valid_rows_once_even_when_posted_twice(
    officer, province, django_capture_on_commit_callbacks
):
    batch = uploaded_batch(upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS + BAD_ROWS)))
    for _click in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = officer.post(f"/imports/{batch.pk}/confirm/", {"valid_rows_only": "1"})
        assert response.status_code == 302 and response.url == f"/imports/{batch.pk}/"

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.stats == {"created": 2, "updated": 0, "unchanged": 0, "invalid": 2}
    assert Student.objects.count() == 2
    assert Enrolment.objects.filter(school=province.school_a).count() == 2
    assert Job.objects.filter(kind="import_apply").count() == 1
    html = officer.get(f"/imports/{batch.pk}/").content.decode()
    assert batch.message in html and "Đã ghi dữ liệu." in html
    assert 'id="import-confirm-all"' not in html  # no buttons once applied


def test_confirm_of_a_clean_file_writes_everything(officer, province, django_capture_on_commit_callbacks):
    batch = uploaded_batch(upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS)))
    html = officer.get(f"/imports/{batch.pk}/").content.decode()
    assert 'id="import-confirm-all"' in html and 'id="import-confirm-all" disabled' not in html
    assert "import-confirm-valid" not in html
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/confirm/", {"valid_rows_only": "0"}, HTTP_HX_REQUEST="true")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert set(Student.objects.values_list("national_id", flat=True)) == {"010219000001", "010319000002"}


def test_confirm_of_the_whole_file_is_refused_while_rows_are_invalid(
    officer, province, django_capture_on_commit_callbacks
):
    batch = uploaded_batch(upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS + BAD_ROWS)))
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(f"/imports/{batch.pk}/confirm/", {"valid_rows_only": "0"}, follow=True)
    assert "Tệp còn 2 dòng lỗi" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED and Student.objects.count() == 0


def test_discard_writes_nothing_and_disables_confirm(officer, province, django_capture_on_commit_callbacks):
    batch = uploaded_batch(upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS)))
    response = officer.post(f"/imports/{batch.pk}/discard/")
    assert response.status_code == 302 and response.url == "/imports/"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/confirm/", {"valid_rows_only": "0"})
    assert Student.objects.count() == 0


def test_page_polls_while_the_file_is_being_checked(officer, province, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not picked the job up yet
        response = officer.post(
            "/imports/new/",
            {
                "kind": "students",
                "org_unit": "TH-PHONGHAI",
                "school_year": "2025-2026",
                "file": SimpleUploadedFile("hs.xlsx", xlsx(GOOD_ROWS), content_type=XLSX),
            },
        )
    batch = uploaded_batch(response)
    html = officer.get(f"/imports/{batch.pk}/").content.decode()
    assert f'id="job-{batch.validate_job_id}"' in html  # the job progress component
    assert f'hx-get="/imports/{batch.pk}/"' in html
    fragment = officer.get(f"/imports/{batch.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<section id="import-state"') and "<html" not in fragment


def test_other_schools_officer_gets_404_for_the_batch_and_everything_around_it(
    client_for, officer, province, django_capture_on_commit_callbacks
):
    batch = uploaded_batch(upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS + BAD_ROWS)))
    other = client_for(province.users["school_b_admin"])
    assert other.get(f"/imports/{batch.pk}/").status_code == 404
    assert other.get(f"/imports/{batch.pk}/", HTTP_HX_REQUEST="true").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert other.post(f"/imports/{batch.pk}/confirm/", {"valid_rows_only": "1"}).status_code == 404
    assert other.post(f"/imports/{batch.pk}/discard/").status_code == 404
    assert other.get("/imports/templates/students.xlsx?school=TH-PHONGHAI").status_code == 404
    assert other.get(f"/jobs/{batch.validate_job_id}/download/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED and Student.objects.count() == 0


def test_lists_show_only_batches_in_scope(client_for, officer, province, django_capture_on_commit_callbacks):
    other = client_for(province.users["school_b_admin"])
    rows_b = [["010219000011", "Sùng A Páo", dt.date(2019, 2, 2), "Nam", "Mông", 1, "1A", "Đang học"]]
    batch_b = uploaded_batch(
        upload(other, django_capture_on_commit_callbacks, xlsx(rows_b), name="ta-van.xlsx", org_unit="TH-TAVAN")
    )
    batch_a = uploaded_batch(
        upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS), name="phong-hai.xlsx")
    )

    html = officer.get("/imports/").content.decode()
    assert "phong-hai.xlsx" in html and "ta-van.xlsx" not in html
    api_ids = [item["id"] for item in officer.get("/api/v1/imports/").json()["results"]]
    assert api_ids == [str(batch_a.pk)]
    # The unit above sees its own school's batch, the department sees both.
    unit_html = client_for(province.users["unit_a_staff"]).get("/imports/").content.decode()
    assert "phong-hai.xlsx" in unit_html and "ta-van.xlsx" not in unit_html
    department = client_for(province.users["department_staff"])
    assert {i["id"] for i in department.get("/api/v1/imports/").json()["results"]} == {str(batch_a.pk), str(batch_b.pk)}


def test_list_filters_by_kind_and_status_and_has_an_empty_state(officer, province, django_capture_on_commit_callbacks):
    assert "Chưa có tệp nào được tải lên" in officer.get("/imports/").content.decode()
    uploaded_batch(upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS), name="phong-hai.xlsx"))
    assert "phong-hai.xlsx" in officer.get("/imports/", {"kind": "students", "status": "validated"}).content.decode()
    html = officer.get("/imports/", {"kind": "staff"}).content.decode()
    assert "phong-hai.xlsx" not in html and "Không có lần nhập nào khớp bộ lọc" in html


def test_a_file_that_is_not_xlsx_is_refused_in_vietnamese(officer, province, django_capture_on_commit_callbacks):
    response = upload(officer, django_capture_on_commit_callbacks, b"ma,ten\n1,An\n", name="hoc-sinh.csv")
    assert response.status_code == 400
    assert "Chỉ nhận tệp Excel .xlsx" in response.content.decode()
    assert not ImportBatch.objects.exists()

    # Named .xlsx but not a workbook: stored, then marked unusable with the reason.
    batch = uploaded_batch(upload(officer, django_capture_on_commit_callbacks, b"ma,ten\n1,An\n", name="gia.xlsx"))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNUSABLE
    assert "không phải bảng tính Excel .xlsx" in batch.message
    html = officer.get(f"/imports/{batch.pk}/").content.decode()
    assert "Tệp không dùng được" in html and "không phải bảng tính Excel .xlsx" in html


def test_a_file_over_the_size_limit_is_refused(officer, province, settings, django_capture_on_commit_callbacks):
    settings.EDUDX_MAX_UPLOAD_BYTES = 1000
    response = upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS))
    assert response.status_code == 400 and "Tệp quá lớn" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_per_school_kind_needs_a_school(client_for, province, django_capture_on_commit_callbacks):
    client = client_for(province.users["unit_a_staff"])
    response = upload(client, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS), org_unit="PGD-BT")
    assert response.status_code == 400
    assert "nhập cho từng trường: hãy chọn một trường" in response.content.decode()


def test_a_school_outside_the_scope_is_not_a_choice(officer, province, django_capture_on_commit_callbacks):
    response = upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS), org_unit="TH-TAVAN")
    assert response.status_code == 400
    assert "không tồn tại hoặc nằm ngoài phạm vi" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_upload_form_preselects_the_officers_school_and_current_year(officer, province):
    html = officer.get("/imports/new/").content.decode()
    assert '<option value="TH-PHONGHAI" selected>' in html
    assert '<option value="2025-2026" selected>' in html
    assert "TH-TAVAN" not in html
    assert 'value="units"' not in html  # a school officer has no unit to upload the org structure for


def test_people_without_an_upload_role_are_refused(client_for, province):
    teacher = client_for(province.users["teacher_a"])
    assert teacher.get("/imports/").status_code == 403
    assert teacher.get("/imports/new/").status_code == 403
    assert "Nhập dữ liệu" not in teacher.get("/").content.decode()


def test_menu_has_the_import_entry_for_officers(officer, province):
    assert 'href="/imports/"' in officer.get("/").content.decode()


def test_conflicts_name_the_other_school(client_for, officer, province, django_capture_on_commit_callbacks):
    other = client_for(province.users["school_b_admin"])
    batch_b = uploaded_batch(
        upload(other, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS[:1]), name="b.xlsx", org_unit="TH-TAVAN")
    )
    with django_capture_on_commit_callbacks(execute=True):
        other.post(f"/imports/{batch_b.pk}/confirm/", {"valid_rows_only": "0"})
    batch = uploaded_batch(upload(officer, django_capture_on_commit_callbacks, xlsx(GOOD_ROWS)))
    html = officer.get(f"/imports/{batch.pk}/").content.decode()
    assert "Người đang có tên ở trường khác" in html
    section = html.split("conflicts-heading", 1)[1].split("</table>", 1)[0]
    assert "Nguyễn Văn An" in section and "TH-TAVAN" in section and "Tả Van" in section


def test_template_has_title_block_dropdowns_notes_and_formats(officer, province):
    response = officer.get("/imports/templates/students.xlsx?school=TH-PHONGHAI")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "mau-students-TH-PHONGHAI.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    title = " ".join(str(sheet.cell(row, 1).value or "") for row in range(1, 6))
    assert "TH-PHONGHAI" in title and "Trường Tiểu học Phong Hải" in title and "2025-2026" in title
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value and "Mã định danh" in sheet.cell(r, 1).value)
    headers = [cell.value for cell in sheet[header_row] if cell.value]
    assert headers[:8] == [
        "Mã định danh",
        "Họ và tên *",
        "Ngày sinh *",
        "Giới tính *",
        "Dân tộc",
        "Khối *",
        "Lớp *",
        "Trạng thái *",
    ]
    assert "12 chữ số" in sheet.cell(header_row, 1).comment.text
    lists = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert lists[f"D{header_row + 1}:D{header_row + 5000}"] == '"Nam,Nữ"'
    assert sheet.column_dimensions["A"].number_format == "@"  # IDs stay text: leading zeros survive
    assert sheet.column_dimensions["C"].number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == f"A{header_row + 1}"


def test_template_needs_a_known_kind_and_a_fitting_unit(officer, province):
    assert officer.get("/imports/templates/nope.xlsx").status_code == 404
    assert officer.get("/imports/templates/units.xlsx?school=TH-PHONGHAI").status_code == 404
    response = officer.get("/imports/templates/", {"kind": "staff", "school": "TH-PHONGHAI"})
    assert response.status_code == 302 and response.url == "/imports/templates/staff.xlsx?school=TH-PHONGHAI"


def test_downloaded_template_filled_in_imports_without_errors(officer, province, django_capture_on_commit_callbacks):
    content = officer.get("/imports/templates/students.xlsx?school=TH-PHONGHAI").content
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value and "Mã định danh" in sheet.cell(r, 1).value)
    for offset, row in enumerate(GOOD_ROWS, start=1):
        for col, value in enumerate(row, start=1):
            sheet.cell(header_row + offset, col, value)
    buffer = io.BytesIO()
    workbook.save(buffer)

    batch = uploaded_batch(upload(officer, django_capture_on_commit_callbacks, buffer.getvalue(), name="mau.xlsx"))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED, batch.message
    assert (batch.total_rows, batch.invalid_rows, batch.errors, batch.warnings) == (2, 0, [], [])
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/confirm/", {"valid_rows_only": "0"})
    assert Enrolment.objects.filter(school=province.school_a, class_name="1A").count() == 2
