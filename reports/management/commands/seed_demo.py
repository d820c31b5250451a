"""``manage.py seed_demo [--scale F] [--school-year Y]``: a realistic demo province (SPEC §13).

It builds the organisation tree, the schools with their sites and infrastructure, one demo account per role,
then for the current school year and the one before: students and their enrolments, staff and their
employments, facilities, teaching activity and fee collections (``--scale 1`` ≈ 230,000 students and 17,000
staff in 612 schools), and last both years' indicator values. It is deterministic (a fixed seed: the same
scale always gives the same province) and idempotent (units, schools and accounts are keyed by code or username;
a school that has people or records for a year is left as it is), so a second run adds and changes nothing (the
indicators are recomputed to the same figures).
"""

import math
import random
import time
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from egov.admissions.demo import seed_admissions
from egov.demo import seed_egov
from learning.demo import seed_learning
from people.demo import DEMO_PASSWORD, enrolled_rolls, seed_demo_accounts, seed_demo_people
from people.models import ACTIVE_STATUSES, Employment, Enrolment, Position, Role
from reports.indicators import compute_indicators
from reports.maturity.demo import seed_maturity
from reports.statforms.demo import seed_statforms
from schools.demo import Province, seed_province, seed_school_records
from schools.models import FacilityItem, FeeCollection, OrgUnit, SchoolInfrastructure, SchoolYear, TeachingActivity
from schools.services import get_or_open_school_year, parse_school_year

SEED = 20260101  # fixed: a demo (its screenshots, the README) must look the same on every machine
UNUSABLE = 2  # SPEC §13: exit 2 when the arguments are unusable


class Command(BaseCommand):
    help = "Builds a demo province shaped like Lào Cai: units, schools, sites, infrastructure, accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        # Both are read as text and checked in handle(): an argparse type error would print the usage too,
        # where SPEC §13 asks for one clear line.
        parser.add_argument("--scale", default="1", help="1 = a full province of ~612 schools; 0.05 = ~30.")
        parser.add_argument("--school-year", default="2025-2026", help="the current year, e.g. 2025-2026.")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = _parse_scale(options["scale"])
        code = str(options["school_year"]).strip()
        try:
            first, _second = parse_school_year(code)
        except ValidationError as error:
            raise CommandError(error.messages[0], returncode=UNUSABLE) from error
        started = time.perf_counter()
        with transaction.atomic():
            # The year before is opened too, so that dashboards have a history to compare with.
            previous = get_or_open_school_year(code=f"{first - 1}-{first}")
            year = get_or_open_school_year(code=code, make_current=True)
            province = seed_province(scale=scale, school_year=year, rng=random.Random(SEED), previous_year=previous)
            accounts = seed_demo_accounts(province=province)
            people = seed_demo_people(province=province, previous_year=previous, school_year=year)
            records = seed_school_records(
                province=province,
                years=(previous, year),
                rolls=lambda: enrolled_rolls(years=(previous, year)),
            )
        province.created.update(people)
        province.created.update(records)
        province.created.update(seed_learning(department=province.department))
        province.created.update(
            seed_egov(
                department=province.department,
                units=province.units,
                schools=province.schools,
                years=(previous, year),
                scale=scale,
                seed=SEED,
            )
        )
        province.created.update(seed_statforms(school_year=year))  # deadlines and some submitted forms
        province.created.update(
            seed_admissions(department=province.department, schools=province.schools, school_year=year, seed=SEED)
        )
        # Both years' indicator values, so that the dashboards have figures and a trend from the start.
        indicator_values = {y.code: compute_indicators(school_year=y) for y in (previous, year)}
        province.created.update(seed_maturity(school_year=year))  # after the indicators: the pre-fill reads them
        seconds = time.perf_counter() - started
        self._summary(province, year=year, previous=previous, seconds=seconds)
        self._volumes(province, years=(previous, year))
        self.stdout.write(
            "  Giá trị chỉ tiêu đã tính: " + "; ".join(f"{code}: {count}" for code, count in indicator_values.items())
        )
        self._logins(accounts)

    def _summary(self, province: Province, *, year: SchoolYear, previous: SchoolYear, seconds: float) -> None:
        schools = province.schools
        seeded = {s.pk for s in schools}  # the demo's schools only, not others the database may hold
        rows = [r for r in SchoolInfrastructure.objects.filter(school_year=year) if r.school_id in seeded]
        total = len(rows) or 1
        kinds = Counter("+".join(s.levels) for s in schools)
        areas = Counter(s.get_area_display() for s in schools)
        flags = {
            "thanh toán không dùng tiền mặt": "has_cashless",
            "sổ liên lạc điện tử": "has_e_contact_book",
            "phần mềm quản trị": "has_mis",
        }
        out = self.stdout.write
        out(
            self.style.SUCCESS(
                f"Tỉnh mẫu {province.department.code} – {province.department.name}, năm học {year.code} "
                f"(năm hiện tại) và {previous.code}."
            )
        )
        out(f"  Đơn vị quản lý: {len(province.units)}; trường: {len(schools)}; điểm trường lẻ: {province.sites}")
        out("  Cấp học: " + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())))
        out("  Khu vực: " + ", ".join(f"{area} {count}" for area, count in sorted(areas.items())))
        online = sum(r.sites_with_internet or 0 for r in rows)
        out(
            f"  Điểm trường có Internet: {online}/{sum(r.site_count or 0 for r in rows)}; "
            f"trường dùng 4G: {sum(r.internet == '4g' for r in rows)}; "
            f"trường chưa có phòng Tin học: {sum(r.computer_rooms == 0 for r in rows)}"
        )
        out(
            "  "
            + "; ".join(
                f"{label}: {100 * sum(bool(getattr(r, name)) for r in rows) / total:.1f}%"
                for label, name in flags.items()
            )
        )
        labels = {
            "schools": "trường mới",
            "schools_updated": "trường cập nhật",
            "sites": "điểm trường mới",
            "students": "học sinh",
            "enrolments": "lượt học",
            "staff": "CB-GV-NV",
            "employments": "lượt công tác",
            "facilityitem": "dòng tài sản",
            "teachingactivity": "dòng hoạt động dạy học",
            "feecollection": "dòng khoản thu",
            "procedures": "thủ tục hành chính",
            "dossiers": "hồ sơ dịch vụ công",
            "diplomas": "dòng sổ gốc văn bằng",
        }
        shown = {key: n for key, n in province.created.items() if key in labels and n}
        created = ", ".join(f"{labels[key]} {n}" for key, n in sorted(shown.items()))
        out(f"  Lần chạy này đã ghi: {created or 'không có gì mới'}. Thời gian: {seconds:.1f} s.")

    def _volumes(self, province: Province, *, years: tuple[SchoolYear, SchoolYear]) -> None:
        """Per year: how many of each, and a few shares the indicator dashboards will show."""
        seeded = [s.pk for s in province.schools]
        for year in years:
            mine = {"school_year": year, "school_id__in": seeded}
            enrolments = Enrolment.objects.filter(status__in=ACTIVE_STATUSES, **mine)
            pupils = enrolments.exclude(grade__in=("NT", "MG3", "MG4", "MG5"))
            staff = Employment.objects.filter(**mine)
            teachers = staff.filter(position=Position.TEACHER)
            signers = staff.exclude(position=Position.EMPLOYEE)
            self.stdout.write(
                f"  {year.code}: học sinh {enrolments.count()} (có thiết bị và Internet "
                f"{_percent(pupils.filter(has_device=True, has_internet=True), pupils)}, học bạ điện tử "
                f"{_percent(pupils.filter(has_e_transcript=True), pupils)}); CB-GV-NV {staff.count()} (chữ ký số "
                f"{_percent(signers.filter(has_digital_signature=True), signers)}, giáo viên đủ điều kiện dạy "
                f"trực tuyến {_percent(teachers.filter(can_teach_online=True), teachers)}); tài sản "
                f"{FacilityItem.objects.filter(**mine).count()} dòng; hoạt động dạy học "
                f"{TeachingActivity.objects.filter(**mine).count()} dòng; khoản thu "
                f"{FeeCollection.objects.filter(**mine).count()} dòng"
            )

    def _logins(self, accounts: list[tuple[str, str, str]]) -> None:
        codes = [code for _username, _role, code in accounts]
        units = dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "name"))
        table = [("Tên đăng nhập", "Mật khẩu", "Vai trò", "Đơn vị")] + [
            (username, DEMO_PASSWORD, f"{role} ({Role(role).label})", f"{code} – {units.get(code, '')}")
            for username, role, code in accounts
        ]
        widths = [max(len(row[column]) for row in table) for column in range(4)]
        self.stdout.write("\nTài khoản dùng thử (cùng một mật khẩu):")
        for number, row in enumerate(table):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))


def _percent(part: Any, whole: Any) -> str:
    total = whole.count()
    return f"{100 * part.count() / total:.1f}%" if total else "không có dữ liệu"


def _parse_scale(value: Any) -> float:
    """A positive, finite number; anything else is an unusable argument (exit 2, one line)."""
    try:
        scale = float(value)
    except (TypeError, ValueError):
        scale = math.nan
    if not math.isfinite(scale) or scale <= 0:
        raise CommandError(
            f"--scale phải là một số dương (ví dụ 1 hoặc 0.05), không phải '{value}'.", returncode=UNUSABLE
        )
    return scale
