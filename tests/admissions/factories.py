"""Admission rounds, wards and applications with Vietnamese names (Faker vi_VN), built through the services."""

import datetime as dt
import itertools
import uuid

from django.utils import timezone
from faker import Faker

from egov.admissions import services
from egov.admissions.models import AdmissionRound, RoundSchool, Ward
from schools.models import SchoolYear

fake = Faker("vi_VN")
_serial = itertools.count(1)
WARD_NAMES = ["Phường Cốc Lếu", "Phường Kim Tân", "Xã Phong Hải", "Xã Xuân Quang", "Xã Tả Van", "Phường Sa Pa"]


def child_id(*, birth_date: dt.date, gender: str = "M", province: str = "010") -> str:
    """A valid 12-digit ID for a child born in 2000–2099 (SPEC §3.1), a new serial each call."""
    digit = 2 if gender == "M" else 3
    return f"{province}{digit}{birth_date.year % 100:02d}{next(_serial):06d}"


def make_wards() -> list[Ward]:
    return [
        Ward.objects.get_or_create(code=f"{k + 1:05d}", defaults={"name": name})[0] for k, name in enumerate(WARD_NAMES)
    ]


def make_round(
    province,
    *,
    method: str = "catchment",
    grade: str = "1",
    code: str = "ts-lop1-2026",
    quotas: dict | None = None,
    status: str = AdmissionRound.Status.OPEN,
    closes_in: dt.timedelta = dt.timedelta(days=10),
) -> AdmissionRound:
    """A round on the department with the fixture's schools; catchments: school A wards 1–2, school B ward 5."""
    wards = make_wards()
    now = timezone.now()
    close = now + closes_in
    round_ = AdmissionRound.objects.create(
        code=code,
        name=f"Tuyển sinh {dict(AdmissionRound._meta.get_field('entry_grade').choices)[grade]} năm học 2026-2027",
        org_unit=province.department,
        school_year=SchoolYear.objects.get(code="2025-2026"),
        entry_grade=grade,
        method=method,
        applications_open_at=min(now, close) - dt.timedelta(days=5),
        applications_close_at=close,
        results_at=close + dt.timedelta(days=3),
        confirmation_close_at=close + dt.timedelta(days=10),
        rules_text="Ưu tiên học sinh cư trú trong địa bàn tuyển sinh; sau đó theo nhóm ưu tiên; sau đó bốc thăm.",
        seed=2026,
        status=status,
    )
    quotas = quotas or {"a": 2, "a2": 2, "b": 1}
    schools = {"a": province.school_a, "a2": province.school_a2, "b": province.school_b, "thpt": province.school_thpt}
    catchments = {"a": wards[0:2], "a2": wards[2:4], "b": wards[4:5], "thpt": wards}
    for key, quota in quotas.items():
        rs = RoundSchool.objects.create(round=round_, school=schools[key], quota=quota)
        rs.catchment_wards.set(catchments[key])
    return round_


def application_input(**overrides) -> services.ApplicationInput:
    birth = overrides.pop("child_birth_date", dt.date(2020, 3, 14))
    gender = overrides.pop("child_gender", "M")
    values = {
        "child_national_id": child_id(birth_date=birth, gender=gender),
        "child_full_name": fake.name_male() if gender == "M" else fake.name_female(),
        "child_birth_date": birth,
        "child_gender": gender,
        "parent_name": fake.name(),
        "parent_phone": "0912345678",
        "ward_code": "00001",
        "priority_group": None,
        "choices": ["TH-PHONGHAI"],
        "address": "Tổ 5",
    }
    values.update(overrides)
    return services.ApplicationInput(**values)


def submit(round_, **overrides):
    return services.submit_application(
        round=round_, data=application_input(**overrides), idempotency_key=uuid.uuid4().hex
    )


def school_of(round_, code: str) -> RoundSchool:
    return round_.schools.get(school__org_unit__code=code)
