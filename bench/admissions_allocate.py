"""Benchmark: the admission allocation (100,000 applicants × 3 preferences over 100 schools) against a plain loop.

Baseline: a plain student-proposing deferred-acceptance loop written here, the way the textbook states it: each
school's order as a sort key computed per (school, applicant) with the SPEC §13 tuple (score, tiebreak, lottery /
catchment, priority, lottery), every school holding a sorted list of its tentative admits (``bisect.insort``),
the worst one dropped when over quota. Both sides start from the same parsed applicants and include computing
the lottery numbers. The candidate is ``egov.admissions.allocation.allocate``; the benchmark checks both give
the same matching and stops if not.

With ``--database`` (and a configured database, e.g. ``DATABASE_URL=postgres://…``) it also times the whole
allocation job of a round of the same size: reading the applications, the allocation, writing every result and
the run record with its published inputs (``bench_job`` below).

    python bench/admissions_allocate.py [--runs 3] [--applicants 100000] [--database]
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudx.settings.local")

from egov.admissions.allocation import Applicant, School, allocate

N_SCHOOLS = 100


def make_instance(n: int, *, rng: random.Random) -> tuple[list[Applicant], list[School]]:
    """Schools of uneven popularity (a few over-subscribed), quotas summing to ~90 % of the applicants."""
    codes = [f"THPT-{k:03d}" for k in range(N_SCHOOLS)]
    wards = [f"W{k:03d}" for k in range(300)]
    weights = [1 / (k + 1) ** 0.7 for k in range(N_SCHOOLS)]
    schools = [
        School(code=code, quota=int(n * 0.9 / N_SCHOOLS), catchment_wards=frozenset(wards[3 * k : 3 * k + 3]))
        for k, code in enumerate(codes)
    ]
    applicants = []
    for i in range(n):
        picks: list[str] = []
        while len(picks) < 3:
            code = rng.choices(codes, weights)[0]
            if code not in picks:
                picks.append(code)
        applicants.append(
            Applicant(
                applicant_id=f"{i:06d}",
                choices=tuple(picks),
                score=Decimal(rng.randint(0, 3000)) / 100,
                tiebreak=Decimal(rng.randint(0, 1000)) / 100,
                priority=rng.choice([None, None, None, 1, 2, 3]),
                ward=rng.choice(wards),
            )
        )
    return applicants, schools


def reference(*, method: str, applicants: list[Applicant], schools: list[School], seed: int) -> dict[str, str | None]:
    """The plain loop: tuple keys per (school, applicant), a sorted list per school."""
    by_code = {s.code: s for s in schools}
    lottery = {
        a.applicant_id: int(hashlib.sha256(f"{seed}:{a.applicant_id}".encode()).hexdigest(), 16) for a in applicants
    }

    def key(a: Applicant, school: School) -> tuple:
        if method == "score":
            return (-a.score, -a.tiebreak, lottery[a.applicant_id])
        inside = a.ward in school.catchment_wards
        return (not inside, a.priority is None, a.priority or 0, lottery[a.applicant_id])

    held: dict[str, list[tuple[tuple, int]]] = {s.code: [] for s in schools}
    nxt = [0] * len(applicants)
    free = list(range(len(applicants)))
    while free:
        i = free.pop()
        a = applicants[i]
        if nxt[i] >= len(a.choices):
            continue
        code = a.choices[nxt[i]]
        nxt[i] += 1
        school = by_code[code]
        bisect.insort(held[code], (key(a, school), i))
        if len(held[code]) > school.quota:
            free.append(held[code].pop()[1])
    result: dict[str, str | None] = {a.applicant_id: None for a in applicants}
    for code, lst in held.items():
        for _k, i in lst:
            result[applicants[i].applicant_id] = code
    return result


def timed(fn, runs: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def bench_pure(n: int, runs: int) -> list[tuple[str, float, float]]:
    applicants, schools = make_instance(n, rng=random.Random(2026))
    rows = []
    for method in ("score", "catchment"):
        base, expected = timed(
            lambda m=method: reference(method=m, applicants=applicants, schools=schools, seed=7), runs
        )
        cand, got = timed(lambda m=method: allocate(method=m, applicants=applicants, schools=schools, seed=7), runs)
        if got != expected:
            sys.exit(f"{method}: the allocation differs from the reference loop")
        rows.append((method, base, cand))
    return rows


def bench_job(n: int, *, method: str) -> None:
    """The whole allocation of a round of ``n`` valid applications on the configured database (migrated first).

    Builds (once, reused by later runs) 100 schools, the wards and the applications with ``bulk_create``, then times
    ``run_allocation``: reading every application, the allocation, one UPDATE per school, and the run record with
    its published A.csv/S.csv/R.csv, exactly what the background job does.
    """
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from egov.admissions import services
    from egov.admissions.models import AdmissionRound, Application, RoundSchool, Ward
    from schools import services as school_services
    from schools.models import OrgUnit

    year = school_services.get_or_open_school_year(code="2025-2026", make_current=True)
    root = OrgUnit.objects.filter(code="BENCH-SGD").first() or school_services.create_org_unit(
        code="BENCH-SGD", name="Sở GDĐT (benchmark)", kind=OrgUnit.Kind.DEPARTMENT, parent=None
    )
    applicants, schools = make_instance(n, rng=random.Random(2026))
    code = f"bench-{method}-{n}"
    round_ = AdmissionRound.objects.filter(code=code).first()
    if round_ is None:
        wards = {
            w: Ward.objects.get_or_create(code=w, defaults={"name": f"Xã {w}"})[0]
            for w in sorted({a.ward for a in applicants} | {w for s in schools for w in s.catchment_wards})
        }
        now = timezone.now()
        round_ = AdmissionRound.objects.create(
            code=code,
            name=f"Benchmark {method} {n}",
            org_unit=root,
            school_year=year,
            entry_grade="10",
            method=method,
            applications_open_at=now - dt.timedelta(days=30),
            applications_close_at=now - dt.timedelta(days=1),
            results_at=now,
            confirmation_close_at=now,
            seed=7,
            status=AdmissionRound.Status.OPEN,
        )
        by_code = {}
        for s in schools:
            school, _ = school_services.upsert_school(
                code=s.code, name=f"Trường THPT {s.code}", parent=root, levels=["THPT"], area="urban"
            )
            rs = RoundSchool.objects.create(round=round_, school=school, quota=s.quota)
            rs.catchment_wards.set([wards[w] for w in s.catchment_wards])
            by_code[s.code] = rs
        batch = []
        for i, a in enumerate(applicants):
            c = [by_code[x] for x in a.choices]
            batch.append(
                Application(
                    round=round_,
                    receipt_code=f"B{method[0].upper()}-{a.applicant_id}",
                    idempotency_key=f"{code}-{i}",
                    child_national_id=f"0102{i:08d}",
                    child_full_name="Nguyễn Văn An",
                    child_birth_date=dt.date(2011, 1, 1),
                    child_gender="M",
                    parent_name="Nguyễn Văn Bình",
                    parent_phone="0912345678",
                    ward=wards[a.ward],
                    priority_group=a.priority,
                    choice1=c[0],
                    choice2=c[1],
                    choice3=c[2],
                    status="valid",
                    exam_score=a.score,
                    tiebreak_score=a.tiebreak,
                    consent_at=now,
                )
            )
        Application.objects.bulk_create(batch, batch_size=5000)
        print(f"  built round {code}: {n:,} applications")
    AdmissionRound.objects.filter(pk=round_.pk).update(status=AdmissionRound.Status.OPEN)
    round_.runs.all().delete()
    Application.objects.filter(round=round_).exclude(result_school=None).update(result_school=None)  # a first run
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE admissions_application") if connection.vendor == "postgresql" else None
    marks: list[tuple[float, str]] = []
    start = time.perf_counter()
    run = services.run_allocation(
        round=round_, progress=lambda done, total, message: marks.append((time.perf_counter(), message))
    )
    seconds = time.perf_counter() - start
    previous = start
    phases = []
    for at, message in marks[1:]:
        phases.append(f"{at - previous:.2f} s until “{message[:40]}”")
        previous = at
    print("  phases: " + "; ".join(phases) + f"; {time.perf_counter() - previous:.2f} s after the last mark")
    print(f"  load average (1 min): {os.getloadavg()[0]:.1f}")
    print(
        f"{method:9s}  whole job on {connection.vendor}: {seconds:6.2f} s  ({run.placed:,}/{run.applicants:,} placed; "
        f"target < 10 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--database", action="store_true", help="also time the whole job with the database")
    args = parser.parse_args()
    print(f"{args.applicants:,} applicants × 3 preferences, {N_SCHOOLS} schools; median of {args.runs} runs")
    for method, base, cand in bench_pure(args.applicants, args.runs):
        print(f"{method:9s}  reference loop {base:6.3f} s   allocate {cand:6.3f} s   ratio {cand / base:5.2f}×")
    if args.database:
        for method in ("score", "catchment"):
            bench_job(args.applicants, method=method)


if __name__ == "__main__":
    main()
