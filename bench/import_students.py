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
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudx.settings.local")


def timed(label: str, results: dict, fn):
    start = time.perf_counter()
    value = fn()
    results.setdefault(label, []).append(time.perf_counter() - start)
    return value


def fresh_tables() -> None:
    """A dedicated benchmark database: start each measured import from empty, vacuumed tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE people_enrolment, people_student, core_auditentry, core_importbatch CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="baseline, first import and re-import are measured this many times, interleaved (medians reported)",
    )
    parser.add_argument(
        "--iie-rows",
        type=int,
        default=10_000,
        help="rows for the django-import-export comparison (it is slow: both sides use this size)",
    )
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
    school, _ = services.upsert_school(
        code="BENCH-TH", name="Trường Tiểu học Benchmark", parent=root, levels=["TH"], area="rural"
    )
    fresh_tables()

    results: dict[str, list[float]] = {}

    ctx = ImportContext(org_unit=school.org_unit, school_year=year, school=school)
    kind = get_kind("students")

    def baseline():
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        buffer = io.StringIO()
        for row in rows[1:]:
            buffer.write("\t".join(str(c).replace("\t", " ") for c in row) + "\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_baseline")
            cursor.execute("CREATE TABLE bench_baseline (" + ", ".join(f"c{i} text" for i in range(12)) + ")")
            cursor.cursor.copy_expert("COPY bench_baseline FROM STDIN", buffer)
            cursor.execute("DROP TABLE bench_baseline")

    def edudx_import():
        validation = validate_file(path, kind, ctx)
        assert not validation.errors, validation.errors[:3]
        with transaction.atomic():
            return kind.apply(validation.valid_rows, ctx)

    # The machine may be shared: the three runs are interleaved, each round measuring all of them.
    for _round in range(args.rounds):
        fresh_tables()
        timed("baseline: calamine read + COPY", results, baseline)
        first = timed("EduDX first import", results, edudx_import)
        again = timed("EduDX re-import (unchanged)", results, edudx_import)
        assert first["created"] == args.rows and again["unchanged"] == args.rows, (first, again)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    median = {label: statistics.median(times) for label, times in results.items()}
    base = median["baseline: calamine read + COPY"]
    print(f"rows: {args.rows:,}   rounds: {args.rounds}   peak RSS: {peak_mib:,.0f} MiB   (medians; range in brackets)")
    for label, times in results.items():
        print(
            f"{label:<40} {median[label]:8.2f} s [{min(times):.2f}–{max(times):.2f}]   "
            f"{median[label] / base:6.2f}× baseline"
        )
    ratios = [
        again / first
        for first, again in zip(results["EduDX first import"], results["EduDX re-import (unchanged)"], strict=True)
    ]
    print(f"re-import / first import: {statistics.median(ratios):.2f} [{min(ratios):.2f}–{max(ratios):.2f}]")
    per_round = [
        first / base
        for base, first in zip(results["baseline: calamine read + COPY"], results["EduDX first import"], strict=True)
    ]
    print(
        f"first import / baseline of the same round: {statistics.median(per_round):.2f} "
        f"[{min(per_round):.2f}–{max(per_round):.2f}]"
    )
    compare_with_import_export(args.iie_rows, school, year, rounds=args.rounds)


def compare_with_import_export(rows: int, school, year, *, rounds: int) -> None:
    """django-import-export (the tool a Django team would reach for) against EduDX on the same smaller file."""
    try:
        import tablib
        from import_export import fields, resources
    except ImportError:
        print("django-import-export not installed (pip install django-import-export): comparison skipped")
        return
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from bench.make_students_file import write
    from edudx.core.imports.kinds import ImportContext, get_kind
    from edudx.core.imports.pipeline import validate_file
    from edudx.core.text import fold
    from people.models import Student

    path = Path("var/bench") / f"students-{rows}.xlsx"
    if not path.exists():
        write(path, rows, seed=7)

    class StudentResource(resources.ModelResource):
        national_id = fields.Field(attribute="national_id", column_name="Mã định danh")
        full_name = fields.Field(attribute="full_name", column_name="Họ và tên")
        birth_date = fields.Field(attribute="birth_date", column_name="Ngày sinh")
        gender = fields.Field(attribute="gender", column_name="Giới tính")
        ethnicity = fields.Field(attribute="ethnicity", column_name="Dân tộc")

        class Meta:
            model = Student
            import_id_fields = ("national_id",)
            fields = ("national_id", "full_name", "birth_date", "gender", "ethnicity")
            use_bulk = True
            batch_size = 2000
            skip_unchanged = True

        def before_import_row(self, row, **kwargs):
            row["Giới tính"] = "F" if row["Giới tính"] == "Nữ" else "M"
            row["Dân tộc"] = str(row["Dân tộc"])[:2]
            row["Ngày sinh"] = (
                row["Ngày sinh"].isoformat() if hasattr(row["Ngày sinh"], "isoformat") else row["Ngày sinh"]
            )

        def before_save_instance(self, instance, row, **kwargs):
            instance.name_key = fold(instance.full_name)

    ctx = ImportContext(org_unit=school.org_unit, school_year=year, school=school)
    kind = get_kind("students")
    iie_times, our_times = [], []
    for _round in range(rounds):
        fresh_tables()
        start = time.perf_counter()
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        data = tablib.Dataset(*[tuple(r) for r in sheet[1:]], headers=sheet[0])
        with transaction.atomic():
            result = StudentResource().import_data(data, dry_run=False, raise_errors=True)
        iie_times.append(time.perf_counter() - start)
        assert not result.has_errors()
        fresh_tables()
        start = time.perf_counter()
        validation = validate_file(path, kind, ctx)
        with transaction.atomic():
            kind.apply(validation.valid_rows, ctx)
        our_times.append(time.perf_counter() - start)
    iie, ours = statistics.median(iie_times), statistics.median(our_times)
    ratios = [theirs / mine for theirs, mine in zip(iie_times, our_times, strict=True)]
    print(
        f"{rows:,} rows, medians of {rounds}: django-import-export {iie:.2f} s [{min(iie_times):.2f}–"
        f"{max(iie_times):.2f}] (students only, no enrolments, no audit), EduDX {ours:.2f} s [{min(our_times):.2f}–"
        f"{max(our_times):.2f}] (students + enrolments + audit): EduDX is {statistics.median(ratios):.1f}× faster "
        f"[{min(ratios):.1f}–{max(ratios):.1f}]"
    )


if __name__ == "__main__":
    main()
