"""Diploma register: import (xlsx/csv, per-row errors, all or nothing, idempotent), copies, verification."""

import datetime as dt
import io

import pytest
import xlsxwriter

from egov.models import DiplomaCopy, DiplomaRecord, DossierStatus
from egov.selectors import verify_diploma
from egov.services import DossierError, transition_dossier
from egov.services.diploma_import import import_diploma_register

from .factories import make_diploma_copy_procedure, make_dossier

pytestmark = pytest.mark.django_db
HEADER = [
    "Số hiệu văn bằng",
    "Số vào sổ gốc",
    "Họ và tên",
    "Ngày sinh",
    "Loại văn bằng",
    "Năm tốt nghiệp",
    "Ngày cấp",
    "Trường",
]
ROWS = [
    ["A0012345", "01/2024", "Hoàng Thị Lan", "15/03/2009", "THCS", 2024, "01/07/2024", "Trường THCS Xuân Quang"],
    [
        "A0012346",
        "02/2024",
        "Vàng A Dính",
        "02/11/2008",
        "Tốt nghiệp THCS",
        2024,
        "01/07/2024",
        "Trường THCS Xuân Quang",
    ],
]


def _csv(rows, header=HEADER) -> io.BytesIO:
    text = "\n".join(",".join(str(c) for c in row) for row in [header, *rows])
    handle = io.BytesIO(text.encode("utf-8-sig"))
    handle.name = "so-goc.csv"
    return handle


def _xlsx(rows) -> io.BytesIO:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Sổ gốc")
    sheet.write_row(0, 0, ["SỔ GỐC CẤP BẰNG TỐT NGHIỆP THCS NĂM 2024"])
    sheet.write_row(2, 0, HEADER)
    for index, row in enumerate(rows):
        sheet.write_row(3 + index, 0, row)
    book.close()
    buffer.seek(0)
    buffer.name = "so-goc.xlsx"
    return buffer


@pytest.mark.parametrize("make_file", [_csv, _xlsx])
def test_a_valid_register_is_imported_once(province, make_file):
    report = import_diploma_register(file=make_file(ROWS), org_unit=province.unit_a)
    assert report.ok and (report.created, report.updated) == (2, 0)
    again = import_diploma_register(file=make_file(ROWS), org_unit=province.unit_a)
    assert (again.created, again.updated) == (0, 2)
    record = DiplomaRecord.objects.get(number="A0012346")
    assert (record.level, record.birth_date, record.holder_name_key) == ("THCS", dt.date(2008, 11, 2), "vang a dinh")


def test_a_register_with_bad_rows_reports_each_and_writes_nothing(province):
    bad = [
        ROWS[0],
        ["A0012345", "03/2024", "Trùng Số Hiệu", "01/01/2009", "THCS", 2024, "01/07/2024", ""],
        ["A0012347", "04/2024", "Lò Văn Tư", "31/02/2009", "Đại học", 2024, "01/07/2024", ""],
        ["", "05/2024", "Không Số", "01/01/2009", "THCS", 2024, "01/07/2024", ""],
    ]
    report = import_diploma_register(file=_csv(bad), org_unit=province.unit_a)
    assert not report.ok and not DiplomaRecord.objects.exists()
    by_row = {(e.row, e.column) for e in report.errors}
    assert {(3, "Số hiệu văn bằng"), (4, "Ngày sinh"), (4, "Loại văn bằng"), (5, "Số hiệu văn bằng")} <= by_row


def test_a_file_without_the_columns_is_unusable(province):
    report = import_diploma_register(file=_csv([["x"]], header=["Cột lạ"]), org_unit=province.unit_a)
    assert report.unusable and not DiplomaRecord.objects.exists()


def test_a_number_of_another_units_register_is_refused(province):
    import_diploma_register(file=_csv(ROWS[:1]), org_unit=province.unit_a)
    report = import_diploma_register(file=_csv(ROWS[:1]), org_unit=province.unit_b)
    assert "PGD-BT" in report.errors[0].message
    assert DiplomaRecord.objects.get().org_unit == province.unit_a


def test_verification_reveals_only_match_or_not(province):
    import_diploma_register(file=_csv(ROWS), org_unit=province.unit_a)
    assert verify_diploma(number="a0012345", holder_name="HOANG THI LAN", birth_date=dt.date(2009, 3, 15)) is True
    assert verify_diploma(number="A0012345", holder_name="Hoàng Thị Lan", birth_date=dt.date(2009, 3, 16)) is False
    assert verify_diploma(number="A0012345", holder_name="Hoàng Thị Lam", birth_date=dt.date(2009, 3, 15)) is False
    assert verify_diploma(number="A0099999", holder_name="Hoàng Thị Lan", birth_date=dt.date(2009, 3, 15)) is False


def test_a_copy_is_issued_from_the_register_on_approval(province):
    import_diploma_register(file=_csv(ROWS), org_unit=province.unit_a)
    procedure = make_diploma_copy_procedure(province.department)
    officer = province.users["department_staff"]
    data = {"diploma_number": "A0012346", "holder_name": "Vàng A Dính", "birth_date": "02/11/2008", "copies": "2"}
    dossier = make_dossier(procedure, data=data)
    for to in (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.APPROVED):
        dossier = transition_dossier(dossier=dossier, to=to, by=officer)
    copy = DiplomaCopy.objects.get()
    assert (copy.record.number, copy.copies, copy.dossier) == ("A0012346", 2, dossier)


def test_a_copy_request_that_matches_no_register_line_cannot_be_approved(province):
    procedure = make_diploma_copy_procedure(province.department)
    officer = province.users["department_staff"]
    data = {"diploma_number": "Z1", "holder_name": "Ai Đó", "birth_date": "01/01/2000", "copies": "1"}
    dossier = make_dossier(procedure, data=data)
    for to in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        dossier = transition_dossier(dossier=dossier, to=to, by=officer)
    with pytest.raises(DossierError, match="sổ gốc"):
        transition_dossier(dossier=dossier, to=DossierStatus.APPROVED, by=officer)
    assert not DiplomaCopy.objects.exists()


def test_the_register_page_imports_for_staff_in_scope(
    client_for, province, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(province.users["unit_a_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/egov/diplomas/", {"file": _csv(ROWS), "org_unit": "PGD-BT"})
    assert response.status_code == 302 and DiplomaRecord.objects.count() == 2
    assert "Vàng A Dính" in client.get("/egov/diplomas/", {"q": "vang"}).content.decode()
    refused = client.post("/egov/diplomas/", {"file": _csv(ROWS), "org_unit": "PGD-SP"})
    assert refused.status_code == 200 and "PGD-SP" not in DiplomaRecord.objects.values_list("org_unit__code", flat=True)


def test_the_register_page_imports_as_a_background_job_and_shows_it(
    province, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from edudx.core.models import Job

    settings.MEDIA_ROOT = tmp_path
    client = client_for(province.users["unit_a_staff"])
    upload = SimpleUploadedFile("so-goc.csv", _csv(ROWS).getvalue(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/egov/diplomas/", {"org_unit": province.unit_a.code, "file": upload})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job = Job.objects.get(kind="import_diplomas")
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result == {"rows": 2, "created": 2, "updated": 0}
    assert "2 dòng" in job.message
    assert DiplomaRecord.objects.filter(org_unit=province.unit_a).count() == 2
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # the uploaded register is not kept
    assert client.get(response["Location"]).status_code == 200


def test_a_register_with_errors_fails_its_job_with_every_row_error(
    province, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from edudx.core.models import Job

    settings.MEDIA_ROOT = tmp_path
    bad = [[*ROWS[0][:3], "31/02/2009", *ROWS[0][4:]]]
    client = client_for(province.users["unit_a_staff"])
    upload = SimpleUploadedFile("so-goc.csv", _csv(bad).getvalue(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/egov/diplomas/", {"org_unit": province.unit_a.code, "file": upload})
    job = Job.objects.get(kind="import_diplomas")
    assert job.status == Job.Status.FAILED
    assert "1 lỗi" in job.message and job.errors and job.errors[0]["row"] == 2
    assert DiplomaRecord.objects.count() == 0
