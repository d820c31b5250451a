"""Benchmark: a 100,000-student file end to end (read, validate, upsert, audit) against a same-run baseline.

Baseline: python-calamine reading the same file + PostgreSQL COPY of the same rows into an unindexed text table.
Candidates: EduDX's pipeline (first import, then the unchanged re-import) and, when installed, django-import-export
importing the same rows into the same model.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudx_bench python bench/import_students.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudx.settings.local")


def timed(label: str, results: dict, fn):
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-iie", action="store_true", help="skip django-import-export")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)

    from python_calamine import CalamineWorkbook

    from bench.make_students_file import write
    from edudx.core.imports.kinds import ImportContext, get_kind
    from edudx.core.imports.pipeline import validate_file
    from people.models import Enrolment, Student
    from schools import services
    from schools.models import OrgUnit

    path = Path("var/bench") / f"students-{args.rows}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write(path, args.rows)

    year = services.get_or_open_school_year(code="2025-2026", make_current=True)
    root = OrgUnit.objects.filter(code="BENCH-SGD").first() or services.create_org_unit(
        code="BENCH-SGD", name="Sở GD&ĐT (benchmark)", kind="department", parent=None
    )
    school, _ = services.upsert_school(code="BENCH-TH", name="Trường Tiểu học Benchmark", parent=root,
                                       levels=["TH"], area="rural")
    Enrolment.objects.filter(school=school).delete()
    Student.objects.filter(enrolments__isnull=True).delete()

    results: dict[str, float] = {}

    def baseline():
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        buffer = io.StringIO()
        for row in rows[1:]:
            buffer.write("\t".join(str(c).replace("\t", " ") for c in row) + "\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_baseline")
            cursor.execute("CREATE UNLOGGED TABLE bench_baseline (" + ", ".join(f"c{i} text" for i in range(12)) + ")")
            cursor.cursor.copy_expert("COPY bench_baseline FROM STDIN", buffer)
            cursor.execute("DROP TABLE bench_baseline")

    ctx = ImportContext(org_unit=school.org_unit, school_year=year, school=school)
    kind = get_kind("students")

    def edudx_import():
        validation = validate_file(path, kind, ctx)
        assert not validation.errors, validation.errors[:3]
        with transaction.atomic():
            return kind.apply(validation.valid_rows, ctx)

    timed("baseline: calamine read + COPY", results, baseline)
    first = timed("EduDX first import", results, edudx_import)
    again = timed("EduDX re-import (unchanged)", results, edudx_import)
    assert first["created"] == args.rows and again["unchanged"] == args.rows, (first, again)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    base = results["baseline: calamine read + COPY"]
    print(f"rows: {args.rows:,}   peak RSS: {peak_mib:,.0f} MiB")
    for label, seconds in results.items():
        print(f"{label:<40} {seconds:8.2f} s   {seconds / base:6.2f}× baseline")


if __name__ == "__main__":
    main()
