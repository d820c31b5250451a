"""Benchmark: the online-services paths a province hits all day, each against a baseline measured in the same run.

- submission: ``egov.services.submit_dossier`` (validation, idempotency look-up, working-day due date, receipt
  code, event, one PDF attachment) against the bare ORM writes it ends in (one Dossier row + one event row);
- a retried submission (same idempotency key) against a primary-key read;
- the public tracker: ``track_dossier`` with the right phone, a wrong phone and an unknown code, against a bare
  ``receipt_code`` look-up; the three must cost the same (no timing signal about which codes exist);
- the staff inbox (first page of 50, the open dossiers of a unit and of the whole province) and its header counts,
  against the same page without filters;
- the four indicator selectors of a school year against a plain ``count(*)`` of the year's dossiers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudx_egov_bench python bench/egov_dossiers.py [--dossiers 100000]

Use a database of its own: the script migrates it and fills it with a province of 200 schools and ``--dossiers``
dossiers (bulk-inserted once; a later run reuses them).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudx.settings.local")

import django

django.setup()

import datetime as dt  # noqa: E402
import zoneinfo  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from egov import selectors  # noqa: E402
from egov.models import OPEN, Dossier, DossierEvent, DossierStatus, Procedure  # noqa: E402
from egov.services import Upload, submit_dossier  # noqa: E402
from egov.services.catalogue import upsert_procedure  # noqa: E402
from egov.services.dossiers import CROCKFORD  # noqa: E402
from people import services as people_services  # noqa: E402
from people.models import User  # noqa: E402
from schools import services as school_services  # noqa: E402
from schools.models import OrgUnit  # noqa: E402

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"0" * 200_000


def timed(function, runs: int) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def province(schools: int):
    year = school_services.get_or_open_school_year(code="2025-2026", make_current=True)
    department = OrgUnit.objects.filter(code="BENCH-SGD").first() or school_services.create_org_unit(
        code="BENCH-SGD", name="Sở Giáo dục và Đào tạo (benchmark)", kind=OrgUnit.Kind.DEPARTMENT, parent=None
    )
    units = []
    for u in range(10):
        code = f"BENCH-PGD{u}"
        unit = OrgUnit.objects.filter(code=code).first() or school_services.create_org_unit(
            code=code, name=f"Phòng GDĐT {u}", kind=OrgUnit.Kind.UNIT, parent=department
        )
        units.append(unit)
        for s in range(schools // 10):
            school_code = f"BENCH-THCS-{u}-{s}"
            if not OrgUnit.objects.filter(code=school_code).exists():
                school_services.upsert_school(
                    code=school_code, name=f"Trường THCS {u}-{s}", parent=unit, levels=["THCS"], area="rural"
                )
    return year, department, units


def staff(username: str, role: str, unit: OrgUnit) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = people_services.create_user(username=username, password=None, full_name=username)
        people_services.grant_role(user=user, role=role, org_unit=unit)
    return user


def fill(count: int, procedures: list[Procedure], units: list[OrgUnit], year) -> None:
    have = Dossier.objects.count()
    if have >= count:
        return
    rng = random.Random(1)
    statuses = DossierStatus.values
    schools = list(OrgUnit.objects.filter(code__startswith="BENCH-THCS-"))
    batch, events = [], []
    for i in range(have, count):
        submitted = dt.datetime.combine(
            year.start_date + dt.timedelta(days=rng.randrange(365)), dt.time(rng.randrange(24))
        ).replace(tzinfo=VN)
        status = rng.choice(statuses)
        decided = submitted + dt.timedelta(days=rng.randint(1, 20)) if status not in OPEN else None
        procedure = rng.choice(procedures)
        batch.append(
            Dossier(
                receipt_code=f"HS-{submitted.year}-" + "".join(rng.choice(CROCKFORD) for _ in range(8)),
                procedure=procedure,
                org_unit=rng.choice(schools) if rng.random() < 0.5 else rng.choice(units),
                applicant_name="Nguyễn Văn An",
                applicant_phone=f"09{rng.randrange(10**8):08d}",
                applicant_id_number=f"0100{rng.randint(70, 99)}{rng.randrange(10**6):06d}",
                channel="online" if rng.random() < 0.85 else "offline",
                status=status,
                submitted_at=submitted,
                due_date=(submitted + dt.timedelta(days=7)).date(),
                decided_at=decided,
                idempotency_key=f"bench-{i}",
            )
        )
        if len(batch) == 5000:
            Dossier.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Dossier.objects.bulk_create(batch, ignore_conflicts=True)
    for dossier_id, submitted in Dossier.objects.filter(events__isnull=True).values_list("pk", "submitted_at"):
        events.append(DossierEvent(dossier_id=dossier_id, actor_label="bench", at=submitted, to_status="submitted"))
        if len(events) == 5000:
            DossierEvent.objects.bulk_create(events)
            events = []
    DossierEvent.objects.bulk_create(events)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def pdf() -> io.BytesIO:
    handle = io.BytesIO(PDF)
    handle.name, handle.size = "don.pdf", len(PDF)
    return handle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    year, department, units = province(200)
    procedures = [
        upsert_procedure(
            code=f"BENCH-{n}",
            name=f"Thủ tục thử {n}",
            competent_org_unit=department,
            mode="full_online",
            processing_days=5 + n,
            form_fields=[{"name": "student_name", "label": "Họ và tên học sinh", "type": "text", "required": True}],
        )[0]
        for n in range(5)
    ]
    fill(args.dossiers, procedures, units, year)
    total = Dossier.objects.count()
    print(f"{connection.vendor}; {total:,} dossiers, {OrgUnit.objects.count()} org units; runs={args.runs}")
    rows: list[tuple[str, float, float, float]] = []

    def report(label: str, result: tuple[float, float], baseline: float) -> None:
        rows.append((label, result[0], result[1], result[0] / baseline if baseline else float("nan")))

    # Submission.
    def raw_write():
        dossier = Dossier.objects.create(
            receipt_code="HS-2026-" + uuid.uuid4().hex[:8].upper(),
            procedure=procedures[0],
            org_unit=department,
            applicant_name="Nguyễn Văn An",
            applicant_phone="0912345678",
            applicant_id_number="010185001234",
            due_date=dt.date(2026, 3, 1),
            idempotency_key=uuid.uuid4().hex,
        )
        DossierEvent.objects.create(dossier=dossier, actor_label="bench", to_status="submitted")

    base_write = timed(raw_write, args.runs)
    report("baseline: bare ORM insert (dossier + event)", base_write, base_write[0])
    keys = iter(uuid.uuid4().hex for _ in range(args.runs * 2))
    submit = {
        "procedure": procedures[0],
        "applicant_name": "Nguyễn Văn An",
        "applicant_phone": "0912 345 678",
        "applicant_id_number": "010185001234",
        "data": {"student_name": "Lò Văn Páo"},
    }
    report(
        "submit_dossier, no file",
        timed(lambda: submit_dossier(**submit, idempotency_key=next(keys)), args.runs),
        base_write[0],
    )
    report(
        "submit_dossier, one 200 kB PDF (sniffed, hashed, stored)",
        timed(
            lambda: submit_dossier(**submit, idempotency_key=next(keys), attachments=[Upload("", pdf())]),
            args.runs // 2,
        ),
        base_write[0],
    )
    pk = Dossier.objects.order_by("-pk").values_list("pk", flat=True).first()
    base_read = timed(lambda: Dossier.objects.get(pk=pk), args.runs)
    report("baseline: primary-key read", base_read, base_read[0])
    report(
        "retried submission (same key: the stored dossier returned)",
        timed(lambda: submit_dossier(**submit, idempotency_key="bench-5"), args.runs),
        base_read[0],
    )

    # Tracker.
    known = Dossier.objects.order_by("?").values_list("receipt_code", "applicant_phone").first()
    base_track = timed(lambda: Dossier.objects.filter(receipt_code=known[0]).first(), args.runs)
    report("baseline: receipt-code look-up", base_track, base_track[0])
    report(
        "tracker: right phone",
        timed(lambda: selectors.track_dossier(receipt_code=known[0], contact=known[1]), args.runs),
        base_track[0],
    )
    report(
        "tracker: wrong phone",
        timed(lambda: selectors.track_dossier(receipt_code=known[0], contact="0900000000"), args.runs),
        base_track[0],
    )
    report(
        "tracker: unknown code",
        timed(lambda: selectors.track_dossier(receipt_code="HS-2026-ZZZZZZZZ", contact=known[1]), args.runs),
        base_track[0],
    )

    # Inbox.
    province_officer = staff("bench.so", "department_staff", department)
    unit_officer = staff("bench.phong", "unit_staff", units[0])
    base_page = timed(lambda: list(Dossier.objects.order_by("due_date", "submitted_at")[:50]), args.runs // 4)
    report("baseline: first 50 dossiers by due date, no scope", base_page, base_page[0])
    for label, user in (("province", province_officer), ("one unit", unit_officer)):
        report(
            f"inbox, open, first page ({label})",
            timed(lambda user=user: list(selectors.inbox(visible_to=user, status="open")[:50]), args.runs // 4),
            base_page[0],
        )
        report(
            f"inbox, late, first page ({label})",
            timed(lambda user=user: list(selectors.inbox(visible_to=user, due="late")[:50]), args.runs // 4),
            base_page[0],
        )
        report(
            f"inbox header counts ({label})",
            timed(lambda user=user: selectors.inbox_counts(visible_to=user), args.runs // 4),
            base_page[0],
        )

    # Indicators.
    start = dt.datetime.combine(year.start_date, dt.time.min, tzinfo=VN)
    base_count = timed(lambda: Dossier.objects.filter(submitted_at__gte=start).count(), 10)
    report("baseline: count(*) of the year's dossiers", base_count, base_count[0])
    for name in (
        "online_dossier_counts",
        "on_time_dossier_counts",
        "satisfaction_counts",
        "full_online_procedure_counts",
    ):
        report(
            f"indicator selector {name}",
            timed(lambda name=name: getattr(selectors, name)(school_year=year), 10),
            base_count[0],
        )

    width = max(len(r[0]) for r in rows)
    print(f"{'path'.ljust(width)}  median ms   p95 ms   ratio")
    for label, median, p95, ratio in rows:
        print(f"{label.ljust(width)}  {median:9.2f}  {p95:7.2f}  {ratio:6.2f}")


if __name__ == "__main__":
    main()
