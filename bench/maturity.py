"""Benchmark: the DX self-assessment (Decision 4725) at province scale, each step against a hand-written baseline.

1. Pre-fill. Baseline: ONE SQL statement reading, for every school, the stored indicator values the measurable
   criteria need. Candidates: ``measured_figures`` (the same read, one small query per assessment, plus the
   declared rule) for every school; ``refresh_prefill`` end to end (the read, the rule, the item writes, the
   totals); ``start_assessment`` for every school that has none yet (first run only: creates 24 items each).
2. Reviewer pages and API, as the department's admin over every school of the year. Baseline: one SQL statement
   returning the list's rows (school, unit, status, scores, level). Candidates: ``GET /maturity/`` (the list,
   up to 500 rows rendered, and the schools that have not submitted), ``GET /maturity/summary/`` (counts per unit
   and level) and ``GET /api/v1/dx-assessments/?page_size=1000``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudx_maturity_bench python bench/maturity.py [--runs 5]

An empty database is filled with ``seed_demo --scale 1`` first (612 schools, ~2 min).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudx.settings.local")

LIST_SQL = """
    SELECT u.code, u.name, p.code, a.status, a.teaching_score, a.management_score, a.level, a.submitted_at
    FROM maturity_assessment a
    JOIN schools_school s ON s.org_unit_id = a.school_id
    JOIN schools_orgunit u ON u.id = s.org_unit_id
    LEFT JOIN schools_orgunit p ON p.id = u.parent_id
    WHERE a.school_year_id = %s
    ORDER BY u.code
"""
VALUES_SQL = """
    SELECT org_unit_id, indicator, value, numerator, denominator
    FROM reports_indicatorvalue
    WHERE school_year_id = %s AND indicator = ANY(%s) AND org_unit_id = ANY(%s)
"""


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", default="1")
    parser.add_argument("--fresh", action="store_true", help="delete the year's assessments first (times the start)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from edudx.core.jobs import SYSTEM
    from people.models import User
    from reports.maturity import scoring, services
    from reports.maturity.models import Assessment
    from reports.maturity.selectors import CONCERNED_SCHOOLS
    from schools.models import School, SchoolYear

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages render {% static %} from the manifest
    if School.objects.count() < 100:
        print(f"Filling the database with seed_demo --scale {args.scale}…", flush=True)
        call_command("seed_demo", scale=args.scale, stdout=io.StringIO())
    year = SchoolYear.objects.get(is_current=True)
    schools = list(School.objects.filter(CONCERNED_SCHOOLS, org_unit__is_active=True).select_related("org_unit"))
    print(f"{len(schools)} schools concerned, school year {year.code}, {connection.vendor}", flush=True)

    rows: list[tuple[str, float, float | None]] = []
    if args.fresh:
        Assessment.objects.filter(school_year=year).delete()

    missing = [s for s in schools if not Assessment.objects.filter(school=s, school_year=year).exists()]
    if missing:
        started = time.perf_counter()
        for school in missing:
            services.start_assessment(school=school, school_year=year, by=SYSTEM)
        seconds = time.perf_counter() - started
        rows.append((f"start_assessment (24 items + pre-fill), {len(missing)} schools", seconds, None))
    assessments = list(
        Assessment.objects.filter(school_year=year, school__in=schools).select_related(
            "school__org_unit", "criteria_set", "school_year"
        )
    )
    codes = sorted({code for measure in scoring.MEASURES.values() for code in measure.indicators})
    unit_ids = [s.pk for s in schools]

    def baseline_values():
        with connection.cursor() as cursor:
            cursor.execute(VALUES_SQL, [year.pk, codes, unit_ids])
            return len(cursor.fetchall())

    base, count = timed(baseline_values, args.runs)
    rows.append((f"baseline: one SQL read of the stored values ({count} rows)", base, 1.0))

    def figures():
        return sum(len(services.measured_figures(assessment=a)) for a in assessments)

    candidate, _ = timed(figures, args.runs)
    rows.append((f"measured_figures for {len(assessments)} assessments (read + rule)", candidate, candidate / base))

    draft = [a for a in assessments if a.status in services.EDITABLE]

    def refresh():
        return sum(services.refresh_prefill(assessment=a) for a in draft)

    candidate, _ = timed(refresh, max(1, args.runs // 2))
    rows.append((f"refresh_prefill, {len(draft)} drafts, figures unchanged (no write)", candidate, candidate / base))

    admin = User.objects.filter(is_superuser=False, role_assignments__role="department_admin").first()
    if admin is None:
        raise SystemExit("no department_admin account: run seed_demo first")
    client = Client()
    client.force_login(admin)

    def list_sql():
        with connection.cursor() as cursor:
            cursor.execute(LIST_SQL, [year.pk])
            return len(cursor.fetchall())

    base, count = timed(list_sql, args.runs)
    rows.append((f"baseline: one SQL for the list's rows ({count} rows)", base, 1.0))
    for label, url in (
        ("GET /maturity/ (list + who has not submitted)", f"/maturity/?year={year.code}"),
        ("GET /maturity/summary/ (levels per unit)", f"/maturity/summary/?year={year.code}"),
        (
            "GET /api/v1/dx-assessments/?page_size=1000",
            f"/api/v1/dx-assessments/?page_size=1000&school_year={year.code}",
        ),
    ):

        def get(url=url):
            response = client.get(url, HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, (url, response.status_code)
            return len(response.content)

        candidate, size = timed(get, args.runs)
        rows.append((f"{label}, {size // 1024} KiB", candidate, candidate / base))

    print()
    print("| step | time | × baseline |\n| --- | ---: | ---: |")
    for label, seconds, ratio in rows:
        shown = f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"
        print(f"| {label} | {shown} | {'' if ratio is None else f'{ratio:.1f}'} |")


if __name__ == "__main__":
    main()
