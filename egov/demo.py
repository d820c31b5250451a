"""Demo data of the online services: the procedure catalogue, a diploma register, and a year of dossiers per school
year, moved through the state machine by the demo's department officer (``seed_demo``).

Deterministic: every random choice comes from a generator seeded with the province's seed and the year, receipt
codes included; idempotent: a dossier's idempotency key is derived from its year and rank, so a second run finds
every dossier it would create (and the catalogue and register are upserts). Dossiers are only created up to today.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from people.models import User
from schools.models import OrgUnit, School, SchoolYear

from .models import Dossier, DossierStatus, Procedure, ProcedureKind
from .services import DossierError, rate_dossier, submit_dossier, transition_dossier
from .services.catalogue import upsert_procedure
from .services.diplomas import DIPLOMA_COPY_FORM_FIELDS, upsert_diploma_record
from .services.dossiers import CROCKFORD
from .services.transfers import TRANSFER_FORM_FIELDS
from .workdays import load_calendar

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DOSSIERS_PER_YEAR = 3000  # at --scale 1; a province of ~600 schools handles a few thousand a year
DIPLOMAS = 800
OFFICER = "so.canbo"  # the demo's department officer (people.demo): department_staff on the whole province
S = DossierStatus

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Lò", "Giàng", "Vàng", "Sùng", "Lý", "Bùi", "Đặng")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "A", "Ngọc", "Thanh", "Hữu", "Bảo")
GIVEN = ("Hải", "Lan", "Páo", "Mai", "Dính", "Hoa", "Tuấn", "Chiến", "Hằng", "Sinh", "Thảo", "Long", "Dung", "Nam")

DOCUMENT = [{"code": "don", "label": "Đơn đề nghị (theo mẫu)", "required": False}]
CHECKLIST = ["Đủ thành phần hồ sơ", "Thông tin khớp với cơ sở dữ liệu ngành", "Đã trình lãnh đạo ký"]


def _catalogue(department: OrgUnit, unit: OrgUnit) -> list[dict[str, Any]]:
    return [
        {
            "code": "CHUYEN-TRUONG",
            "name": "Chuyển trường đối với học sinh trung học cơ sở và trung học phổ thông",
            "kind": ProcedureKind.SCHOOL_TRANSFER,
            "competent_org_unit": department,
            "mode": Procedure.Mode.FULL_ONLINE,
            "processing_days": 3,
            "form_fields": TRANSFER_FORM_FIELDS,
            "required_documents": [{"code": "don", "label": "Đơn xin chuyển trường", "required": False}],
            "description": "Cha mẹ học sinh nộp hồ sơ tại trường xin chuyển đến; trường đang học cho ý kiến đồng ý "
            "và bàn giao học bạ, trường chuyển đến tiếp nhận.",
        },
        {
            "code": "BAN-SAO-VB",
            "name": "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
            "kind": ProcedureKind.DIPLOMA_COPY,
            "competent_org_unit": department,
            "mode": Procedure.Mode.FULL_ONLINE,
            "processing_days": 3,
            "fee": 0,
            "form_fields": DIPLOMA_COPY_FORM_FIELDS,
            "required_documents": [],
        },
        {
            "code": "CHINH-SUA-VB",
            "name": "Chỉnh sửa nội dung văn bằng, chứng chỉ",
            "competent_org_unit": department,
            "mode": Procedure.Mode.PARTIAL_ONLINE,
            "processing_days": 5,
        },
        {
            "code": "PHUC-KHAO-L10",
            "name": "Phúc khảo bài thi tuyển sinh vào lớp 10 trung học phổ thông",
            "competent_org_unit": department,
            "mode": Procedure.Mode.FULL_ONLINE,
            "processing_days": 5,
            "form_fields": [
                {"name": "candidate_number", "label": "Số báo danh", "type": "text", "required": True},
                {"name": "subject", "label": "Môn đề nghị phúc khảo", "type": "text", "required": True},
            ],
        },
        {
            "code": "CN-VB-NUOC-NGOAI",
            "name": "Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở nước ngoài cấp",
            "competent_org_unit": department,
            "mode": Procedure.Mode.PARTIAL_ONLINE,
            "processing_days": 20,
        },
        {
            "code": "DK-DAY-THEM",
            "name": "Đăng ký tổ chức hoạt động dạy thêm, học thêm ngoài nhà trường",
            "competent_org_unit": unit,
            "mode": Procedure.Mode.FULL_ONLINE,
            "processing_days": 7,
            "form_fields": [
                {"name": "place", "label": "Địa điểm tổ chức", "type": "text", "required": True},
                {"name": "subjects", "label": "Môn học", "type": "text", "required": True},
            ],
        },
        {
            "code": "TL-TRUONG-TU-THUC",
            "name": "Cho phép thành lập trường mầm non, tiểu học tư thục",
            "competent_org_unit": unit,
            "mode": Procedure.Mode.PARTIAL_ONLINE,
            "eligible_for_full_online": False,  # an on-site inspection is part of it
            "processing_days": 20,
        },
    ]


def seed_egov(
    *,
    department: OrgUnit,
    units: Sequence[OrgUnit],
    schools: Sequence[School],
    years: Sequence[SchoolYear],
    scale: float,
    seed: int,
) -> Counter[str]:
    """The catalogue, a diploma register and each year's dossiers (up to today); returns what was created."""
    created: Counter[str] = Counter()
    home = units[0] if units else department
    procedures = {}
    for spec in _catalogue(department, home):
        fields = {"checklist": CHECKLIST, "required_documents": DOCUMENT, **spec}
        procedure, new = upsert_procedure(**fields)
        procedures[procedure.code] = procedure
        created["procedures"] += int(new)
    diplomas = _seed_diplomas(department, units, random.Random(seed + 91), count=max(20, round(DIPLOMAS * scale)))
    created["diplomas"] += sum(new for _record, new in diplomas)
    officer = User.objects.filter(username=OFFICER).first()
    secondary = sorted((s for s in schools if s.level_thcs or s.level_thpt), key=lambda s: s.code)
    calendar = load_calendar()
    today = timezone.localdate()
    for year in years:
        with transaction.atomic():  # one commit per year: thousands of dossiers without a disk sync each
            created.update(
                _seed_year(
                    year,
                    procedures=procedures,
                    secondary=secondary,
                    diplomas=diplomas,
                    officer=officer,
                    calendar=calendar,
                    today=today,
                    scale=scale,
                    seed=seed,
                )
            )
    return created


def _seed_year(year, *, procedures, secondary, diplomas, officer, calendar, today, scale, seed) -> Counter[str]:
    created: Counter[str] = Counter()
    rng = random.Random(f"{seed}:{year.code}:egov")
    # The demo's "today" of a past year is its last day, so that every year ends with some dossiers still open.
    today = min(today, year.end_date)
    plan = _plan(rng, year, count=max(15, round(DOSSIERS_PER_YEAR * scale)))
    existing = set(
        Dossier.objects.filter(idempotency_key__startswith=f"demo-{year.code}-").values_list(
            "idempotency_key", flat=True
        )
    )
    for rank, submitted_at in enumerate(plan):
        key = f"demo-{year.code}-{rank:05d}"
        if submitted_at.date() > today or key in existing:
            continue
        one = random.Random(f"{seed}:{key}")  # each dossier its own stream: a later run adds the same ones
        recent = (today - submitted_at.date()).days <= 20
        choice = _dossier_choice(one, procedures, secondary, [r for r, _new in diplomas], recent=recent)
        try:
            dossier = submit_dossier(
                procedure=choice["procedure"],
                applicant_name=_name(one),
                applicant_phone="09" + "".join(one.choice("0123456789") for _ in range(8)),
                applicant_id_number=f"010{one.choice('01')}{one.randint(70, 99)}{one.randint(0, 999999):06d}",
                data=choice["data"],
                idempotency_key=key,
                channel=Dossier.Channel.OFFLINE if one.random() < 0.12 else Dossier.Channel.ONLINE,
                org_unit=choice.get("org_unit"),
                second_org_unit=choice.get("second_org_unit"),
                submitted_at=submitted_at,
                calendar=calendar,
                receipt_code=f"HS-{submitted_at.year}-" + "".join(one.choice(CROCKFORD) for _ in range(8)),
            )
        except DossierError:
            continue
        created["dossiers"] += 1
        if officer is not None:
            _progress(
                dossier, officer=officer, rng=one, today=today, calendar=calendar, approvable=choice["approvable"]
            )
    return created


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _plan(rng: random.Random, year: SchoolYear, *, count: int) -> list[dt.datetime]:
    """Submission times over the year: more in August–September (transfers, copies for enrolment), some at night."""
    days = (year.end_date - year.start_date).days + 1
    times = []
    for _ in range(count):
        offset = int(rng.triangular(0, days, 0)) if rng.random() < 0.3 else rng.randrange(days)
        hour = rng.choice((7, 8, 9, 10, 11, 13, 14, 15, 16, 20, 21, 22, 23))
        moment = dt.datetime.combine(year.start_date + dt.timedelta(days=offset), dt.time(hour, rng.randrange(60)))
        times.append(moment.replace(tzinfo=VN))
    return sorted(times)


def _dossier_choice(rng, procedures, secondary, diplomas, *, recent: bool) -> dict[str, Any]:
    pick = rng.random()
    # Transfers only among the recent dossiers: the demo does not move its pupils, so a transfer stays open.
    if pick < 0.35 and recent and len(secondary) >= 2:
        sending, receiving = rng.sample(secondary, 2)
        level = "THPT" if sending.level_thpt and receiving.level_thpt else "THCS"
        if level not in sending.levels or level not in receiving.levels:
            receiving = next((s for s in secondary if s != sending and level in s.levels), receiving)
        grade = str(rng.randint(10, 12) if level == "THPT" else rng.randint(6, 9))
        birth_year = 2025 - int(grade) - 6
        return {
            "procedure": procedures["CHUYEN-TRUONG"],
            "org_unit": receiving.org_unit,
            "second_org_unit": sending.org_unit,
            "approvable": False,
            "data": {
                "student_name": _name(rng),
                "student_id_number": f"010{rng.choice('23')}{birth_year % 100:02d}{rng.randint(0, 999999):06d}",
                "birth_date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{birth_year}",
                "grade": grade,
                "from_school": sending.code,
                "to_school": receiving.code,
                "reason": rng.choice(("Gia đình chuyển nơi ở", "Bố mẹ chuyển công tác", "Về ở với ông bà")),
            },
        }
    if pick < 0.65 and diplomas:
        record = rng.choice(diplomas)
        return {
            "procedure": procedures["BAN-SAO-VB"],
            "approvable": True,
            "data": {
                "diploma_number": record.number,
                "holder_name": record.holder_name,
                "birth_date": record.birth_date.strftime("%d/%m/%Y"),
                "copies": str(rng.choice((1, 1, 2, 3))),
            },
        }
    code = rng.choice(("CHINH-SUA-VB", "PHUC-KHAO-L10", "PHUC-KHAO-L10", "CN-VB-NUOC-NGOAI", "DK-DAY-THEM"))
    data = {
        "PHUC-KHAO-L10": {
            "candidate_number": f"{rng.randint(100000, 999999)}",
            "subject": rng.choice(("Toán", "Ngữ văn", "Tiếng Anh")),
        },
        "DK-DAY-THEM": {
            "place": f"Số {rng.randint(1, 200)} đường Hoàng Liên",
            "subjects": rng.choice(("Toán", "Tiếng Anh")),
        },
    }.get(code, {})
    return {"procedure": procedures[code], "approvable": True, "data": data}


def _progress(dossier, *, officer, rng, today, calendar, approvable: bool) -> None:
    """Move a dossier as far as its age allows: received the next working day, decided mostly before the due date."""
    start = timezone.localtime(dossier.submitted_at)

    def moment(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, rng.randrange(60))).replace(tzinfo=VN)

    received = calendar.add_working_days(start.date(), 1)
    if received >= today:
        return
    transition_dossier(dossier=dossier, to=S.RECEIVED, by=officer, at=moment(received, 8))
    transition_dossier(dossier=dossier, to=S.PROCESSING, by=officer, at=moment(received, 9))
    dossier.refresh_from_db()
    if rng.random() < 0.1:
        asked = calendar.add_working_days(received, 1)
        back = asked + dt.timedelta(days=rng.randint(1, 8))
        if back >= today:
            if asked < today:
                transition_dossier(
                    dossier=dossier,
                    to=S.ADDITIONAL_DOCUMENTS_REQUESTED,
                    by=officer,
                    at=moment(asked, 10),
                    comment="Bổ sung bản sao giấy khai sinh",
                )
            return
        transition_dossier(
            dossier=dossier,
            to=S.ADDITIONAL_DOCUMENTS_REQUESTED,
            by=officer,
            at=moment(asked, 10),
            comment="Bổ sung bản sao giấy khai sinh",
        )
        transition_dossier(dossier=dossier, to=S.RESUBMITTED, by=None, at=moment(back, 20), comment="Đã bổ sung")
        dossier.refresh_from_db()
    late = rng.random() < 0.08
    decided = (
        calendar.add_working_days(dossier.due_date, rng.randint(1, 4))
        if late
        else max(
            calendar.add_working_days(received, 1),
            calendar.add_working_days(dossier.due_date, 0) - dt.timedelta(days=rng.randint(0, 3)),
        )
    )
    if decided >= today:
        return
    refuse = (not approvable and rng.random() < 0.3) or rng.random() < 0.05
    if not approvable and not refuse:
        return  # stays in processing, waiting for the schools
    to = S.REJECTED if refuse else S.APPROVED
    comment = "Hồ sơ không đủ điều kiện theo quy định" if refuse else ""
    try:
        transition_dossier(dossier=dossier, to=to, by=officer, at=moment(decided, 15), comment=comment)
    except DossierError:
        return
    returned = calendar.add_working_days(decided, 1)
    if returned < today:
        dossier = transition_dossier(dossier=dossier, to=S.RESULT_RETURNED, by=officer, at=moment(returned, 9))
        if dossier.channel == Dossier.Channel.ONLINE and rng.random() < 0.55:
            rate_dossier(dossier=dossier, stars=rng.choices((5, 4, 3, 2, 1), weights=(52, 30, 10, 5, 3))[0])


def _seed_diplomas(department, units, rng: random.Random, *, count: int):
    issuers = [department, *units]
    records = []
    for index in range(count):
        issuer = rng.choice(issuers)
        level = "THPT" if issuer == department else "THCS"
        graduation = rng.randint(2015, 2025)
        birth = dt.date(graduation - (18 if level == "THPT" else 15), rng.randint(1, 12), rng.randint(1, 28))
        records.append(
            upsert_diploma_record(
                org_unit=issuer,
                level=level,
                number=f"{'B' if level == 'THPT' else 'A'}{graduation % 100:02d}{index:05d}",
                register_number=f"{index + 1}/{graduation}",
                holder_name=_name(rng),
                birth_date=birth,
                graduation_year=graduation,
                issued_on=dt.date(graduation, 7, rng.randint(1, 28)),
                school_name="",
            )
        )
    return records
