"""Benchmark: recomputing every indicator of a full province against the same aggregates written by hand in SQL.

Baseline: ONE PostgreSQL statement, written by hand, that computes every school-level indicator of SPEC §4 for
one school year with ``GROUP BY GROUPING SETS ((school), (unit), ())``: per-school aggregates of enrolments,
employments, facility items, teaching activity, fee collections and infrastructure, the levels/areas each
indicator concerns, the national-ID validity of SPEC §3.1 as SQL, summed over the schools, the management units
and the province. It only reads (it writes nothing).

Candidate: ``reports.indicators.compute_indicators`` for the same year, measured twice: the computation alone
(the grouped queries, the national-ID pass, the roll-up up the tree) and end to end (plus the upsert of every
value and the removal of stale ones). Both must give the same numerators and denominators for every
(indicator, unit): the benchmark checks it and stops if they differ.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudx_indicators_bench python bench/indicators.py [--runs 5]

Use a database of its own: an empty one is filled with ``seed_demo --scale 1`` first (~70 s); the import
benchmark truncates the people tables of the database it runs on.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudx.settings.local")

BASELINE = "baseline: hand-written GROUPING SETS pass"
COMPUTE = "EduDX compute_indicators, computation only"
END_TO_END = "EduDX compute_indicators, end to end"
COLD = "  the same, every value new (year emptied)"
ONE_SCHOOL = "  one school and its units (after an import)"
FULL_SCALE_SCHOOLS = 600
FULL_SCALE_STUDENTS = 200_000

GENERAL_GRADES = "('1','2','3','4','5','6','7','8','9','10','11','12')"
TH_GRADES = "('1','2','3','4','5')"
SECONDARY_GRADES = "('6','7','8','9','10','11','12')"

# SPEC §3.1 as SQL, for a person whose gender ('M'/'F') and birth date are known: 12 digits, a known province,
# digit 4 = gender and century, digits 5–6 = the last two digits of the birth year.
VALID_ID = """
    CASE WHEN {p}.national_id ~ '^[0-9]{{12}}$' THEN
        left({p}.national_id, 3) = ANY(%(provinces)s)
        AND substr({p}.national_id, 4, 1)::int %% 2 = CASE WHEN {p}.gender = 'F' THEN 1 ELSE 0 END
        AND extract(year FROM {p}.birth_date)::int BETWEEN 1900 AND 2399
        AND 1900 + substr({p}.national_id, 4, 1)::int / 2 * 100 = extract(year FROM {p}.birth_date)::int / 100 * 100
        AND substr({p}.national_id, 5, 2) = lpad((extract(year FROM {p}.birth_date)::int %% 100)::text, 2, '0')
    ELSE false END
"""

COMPLETE_PERSON = """
    {p}.national_id IS NOT NULL AND {p}.national_id <> '' AND {p}.full_name <> '' AND {p}.birth_date IS NOT NULL
    AND {p}.gender <> '' AND {p}.ethnicity <> '' AND ({valid})
"""

# (code, numerator, denominator, the schools it concerns): sums over the per-school rows below.
INDICATORS = [
    ("ONLINE_CONTENT_SHARE_TH", "t.th_online", "t.th_periods", "pl.level_th"),
    ("ONLINE_CONTENT_SHARE_SECONDARY", "t.sec_online", "t.sec_periods", "(pl.level_thcs OR pl.level_thpt)"),
    ("ONLINE_INTERACTIVE_SHARE_TH", "t.th_interactive", "t.th_periods", "pl.level_th"),
    (
        "ONLINE_INTERACTIVE_SHARE_SECONDARY",
        "t.sec_interactive",
        "t.sec_periods",
        "(pl.level_thcs OR pl.level_thpt OR pl.level_gdtx)",
    ),
    ("ONLINE_READY_STUDENT_SHARE", "e.online_ready", "e.general", "(pl.level_th OR pl.level_thcs OR pl.level_thpt)"),
    ("E_TRANSCRIPT_SHARE", "e.e_transcripts", "e.general", "(pl.level_th OR pl.level_thcs OR pl.level_thpt)"),
    ("DIGITAL_RECORD_STUDENT_SHARE", "e.complete", "e.students", "true"),
    ("ONLINE_READY_TEACHER_SHARE", "m.online_teachers", "m.teachers", "true"),
    ("DIGITAL_RECORD_STAFF_SHARE", "m.complete", "m.employed", "true"),
    ("DIGITAL_SIGNATURE_STAFF_SHARE", "m.signed", "m.signers", "true"),
    ("SELF_TRAINING_ACCOUNT_SHARE", "m.self_training", "m.teachers", "true"),
    ("DIGITAL_SKILLS_TRAINED_SHARE", "m.trained", "m.employed", "true"),
    ("DIGITAL_RECORD_FACILITY_SHARE", "f.complete", "f.items", "true"),
    ("CASHLESS_REVENUE_SHARE_URBAN", "c.cashless", "c.collected", "pl.area = 'urban'"),
    ("CASHLESS_REVENUE_SHARE_RURAL", "c.cashless", "c.collected", "pl.area IN ('rural', 'difficult')"),
    ("CASHLESS_SCHOOL_SHARE", "(i.has_cashless IS TRUE)::int", "1", "true"),
    ("E_CONTACT_BOOK_SCHOOL_SHARE", "(i.has_e_contact_book IS TRUE)::int", "1", "true"),
    ("SCHOOL_MIS_SHARE", "(i.has_mis IS TRUE)::int", "1", "true"),
    ("FIBER_SCHOOL_SHARE", "(i.internet IS NOT DISTINCT FROM 'fiber')::int", "1", "true"),
    ("SITE_INTERNET_SHARE", "i.sites_with_internet", "i.site_count", "true"),
    (
        "COMPUTER_ROOM_SCHOOL_SHARE",
        "(i.computer_rooms >= 1)::int",
        "1",
        "(pl.level_th OR pl.level_thcs OR pl.level_thpt)",
    ),
]


def baseline_sql() -> str:
    valid_student = VALID_ID.format(p="st")
    valid_staff = VALID_ID.format(p="sm")
    sums = ",\n".join(
        f'sum(coalesce({num}, 0)) FILTER (WHERE {where}) AS "{code}:n", '
        f'sum(coalesce({den}, 0)) FILTER (WHERE {where}) AS "{code}:d"'
        for code, num, den, where in INDICATORS
    )
    return f"""
WITH placed AS (
    SELECT p.org_unit_id AS school_id,
           CASE WHEN cardinality(string_to_array(trim(BOTH '/' FROM p.path), '/')) >= 3
                THEN split_part(p.path, '/', 3)::bigint END AS unit_id,
           s.level_th, s.level_thcs, s.level_thpt, s.level_gdtx, s.area
    FROM schools_orgunitplacement p JOIN schools_school s ON s.org_unit_id = p.org_unit_id
    WHERE p.school_year_id = %(year)s
), e AS (
    SELECT en.school_id,
           count(*) AS students,
           count(*) FILTER (WHERE {COMPLETE_PERSON.format(p="st", valid=valid_student)}
                            AND en.grade <> '' AND en.class_name <> '') AS complete,
           count(*) FILTER (WHERE en.grade IN {GENERAL_GRADES}) AS general,
           count(*) FILTER (WHERE en.grade IN {GENERAL_GRADES} AND en.has_device AND en.has_internet)
               AS online_ready,
           count(*) FILTER (WHERE en.grade IN {GENERAL_GRADES} AND en.has_e_transcript) AS e_transcripts
    FROM people_enrolment en JOIN people_student st ON st.id = en.student_id
    WHERE en.school_year_id = %(year)s AND en.status IN ('studying', 'repeating')
    GROUP BY en.school_id
), m AS (
    SELECT em.school_id,
           count(*) AS employed,
           count(*) FILTER (WHERE {COMPLETE_PERSON.format(p="sm", valid=valid_staff)} AND em.position <> '')
               AS complete,
           count(*) FILTER (WHERE em.digital_skills_trained) AS trained,
           count(*) FILTER (WHERE em.position = 'teacher') AS teachers,
           count(*) FILTER (WHERE em.position = 'teacher' AND em.can_teach_online) AS online_teachers,
           count(*) FILTER (WHERE em.position = 'teacher' AND em.has_self_training_account) AS self_training,
           count(*) FILTER (WHERE em.position IN ('manager', 'teacher')) AS signers,
           count(*) FILTER (WHERE em.position IN ('manager', 'teacher') AND em.has_digital_signature) AS signed
    FROM people_employment em JOIN people_staffmember sm ON sm.id = em.staff_id
    WHERE em.school_year_id = %(year)s
    GROUP BY em.school_id
), f AS (
    SELECT school_id, sum(quantity) AS items,
           sum(quantity) FILTER (WHERE quantity >= 1 AND asset_code <> '' AND name <> '' AND type <> ''
                                 AND year_in_use IS NOT NULL AND condition <> '' AND site <> '') AS complete
    FROM schools_facilityitem WHERE school_year_id = %(year)s GROUP BY school_id
), t AS (
    SELECT school_id,
           sum(total_periods) FILTER (WHERE grade IN {TH_GRADES}) AS th_periods,
           sum(online_periods) FILTER (WHERE grade IN {TH_GRADES}) AS th_online,
           sum(interactive_periods) FILTER (WHERE grade IN {TH_GRADES}) AS th_interactive,
           sum(total_periods) FILTER (WHERE grade IN {SECONDARY_GRADES}) AS sec_periods,
           sum(online_periods) FILTER (WHERE grade IN {SECONDARY_GRADES}) AS sec_online,
           sum(interactive_periods) FILTER (WHERE grade IN {SECONDARY_GRADES}) AS sec_interactive
    FROM schools_teachingactivity WHERE school_year_id = %(year)s GROUP BY school_id
), c AS (
    SELECT school_id, sum(total_amount) AS collected, sum(cashless_amount) AS cashless
    FROM schools_feecollection WHERE school_year_id = %(year)s GROUP BY school_id
)
SELECT GROUPING(pl.school_id) AS by_unit_or_province, GROUPING(pl.unit_id) AS by_school_or_province,
       pl.school_id, pl.unit_id,
       {sums}
FROM placed pl
LEFT JOIN e ON e.school_id = pl.school_id
LEFT JOIN m ON m.school_id = pl.school_id
LEFT JOIN f ON f.school_id = pl.school_id
LEFT JOIN t ON t.school_id = pl.school_id
LEFT JOIN c ON c.school_id = pl.school_id
LEFT JOIN schools_schoolinfrastructure i ON i.school_id = pl.school_id AND i.school_year_id = %(year)s
GROUP BY GROUPING SETS ((pl.school_id), (pl.unit_id), ())
"""


def run_baseline(sql: str, *, year_id: int, province_id: int) -> dict[tuple[str, int], tuple[Decimal, Decimal]]:
    """(indicator, unit) → (numerator, denominator) from the hand-written pass."""
    from django.db import connection

    from people.national_id import PROVINCE_CODES

    with connection.cursor() as cursor:
        cursor.execute(sql, {"year": year_id, "provinces": list(PROVINCE_CODES)})
        columns = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    result = {}
    for row in rows:
        by_unit_or_province, by_school_or_province, school_id, unit_id, *sums = row
        if not by_unit_or_province:
            unit = school_id
        elif not by_school_or_province:
            if unit_id is None:  # the schools directly under the department: no management unit
                continue
            unit = unit_id
        else:
            unit = province_id
        values = dict(zip(columns[4:], sums, strict=True))
        for code, *_rest in INDICATORS:
            numerator, denominator = values[f"{code}:n"], values[f"{code}:d"]
            if denominator is not None:  # NULL: no school below concerned by the indicator
                result[(code, unit)] = (Decimal(numerator), Decimal(denominator))
    return result


def stored(year_id: int) -> dict[tuple[str, int], tuple[Decimal, Decimal]]:
    from reports.models import IndicatorValue

    rows = IndicatorValue.objects.filter(school_year_id=year_id).values_list(
        "indicator", "org_unit_id", "numerator", "denominator"
    )
    return {(code, unit): (numerator, denominator) for code, unit, numerator, denominator in rows}


def ensure_province() -> None:
    """A full-scale demo province (seed_demo --scale 1) in this database, and fresh planner statistics."""
    from django.core.management import call_command
    from django.db import connection

    from people.models import Enrolment
    from schools.models import School

    if School.objects.count() < FULL_SCALE_SCHOOLS or Enrolment.objects.count() < FULL_SCALE_STUDENTS:
        print("Filling the database with seed_demo --scale 1 (about 70 s)…", flush=True)
        call_command("seed_demo", scale="1", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each (the median is printed)")
    parser.add_argument("--school-year", default="2025-2026")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the cache stores the values' version (no REDIS_URL)
    ensure_province()

    from people.models import Employment, Enrolment
    from reports.indicators import INDICATORS as DEFINED
    from reports.indicators import compute_indicators
    from reports.models import IndicatorValue
    from schools.models import FacilityItem, OrgUnit, School, SchoolYear

    year = SchoolYear.objects.get(code=args.school_year)
    province = OrgUnit.objects.get(parent__isnull=True)
    computed = {code for code, indicator in DEFINED.items() if indicator.source is not None}
    assert computed == {code for code, *_rest in INDICATORS}, computed ^ {code for code, *_rest in INDICATORS}
    sql = baseline_sql()

    timings: dict[str, list[float]] = {BASELINE: [], COMPUTE: [], END_TO_END: [], COLD: [], ONE_SCHOOL: []}
    school = School.objects.filter(enrolments__school_year=year).order_by("org_unit__code").first()

    def edudx(*, cold: bool = False) -> None:
        if cold:
            IndicatorValue.objects.filter(school_year=year).delete()
        marks: list[float] = []
        start = time.perf_counter()
        compute_indicators(school_year=year, progress=lambda done, total, _message: marks.append(time.perf_counter()))
        end = time.perf_counter()
        if cold:
            timings[COLD].append(end - start)
            return
        # The last progress report but one is "storing": everything before it is the computation.
        timings[COMPUTE].append(marks[-2] - start)
        timings[END_TO_END].append(end - start)

    def one_school() -> None:
        start = time.perf_counter()
        compute_indicators(school_year=year, org_unit=school.org_unit)
        timings[ONE_SCHOOL].append(time.perf_counter() - start)

    def baseline() -> dict:
        start = time.perf_counter()
        result = run_baseline(sql, year_id=year.pk, province_id=province.pk)
        timings[BASELINE].append(time.perf_counter() - start)
        return result

    # One warm-up of each (caches, the first upsert of a fresh database), then alternate.
    expected = run_baseline(sql, year_id=year.pk, province_id=province.pk)
    compute_indicators(school_year=year)
    for _run in range(args.runs):
        baseline()
        edudx()
        edudx(cold=True)
        one_school()
    got = stored(year.pk)
    differing = {key for key in expected.keys() | got.keys() if expected.get(key) != got.get(key)}
    if differing:
        sample = sorted(differing)[:10]
        sys.exit(
            f"The results differ for {len(differing)} (indicator, unit) pairs, e.g. "
            + "; ".join(f"{key}: SQL {expected.get(key)} EduDX {got.get(key)}" for key in sample)
        )

    active = {"school_year": year}
    print(
        f"{School.objects.count()} schools, {Enrolment.objects.filter(**active).count():,} enrolments, "
        f"{Employment.objects.filter(**active).count():,} employments, "
        f"{FacilityItem.objects.filter(**active).count():,} facility lines in {year.code}; "
        f"{len(got):,} values ({len(computed)} indicators × schools, units, province); results agree."
    )
    base = statistics.median(timings[BASELINE])
    for label, values in timings.items():
        median = statistics.median(values)
        print(
            f"{label:<46} {median:6.2f} s (min {min(values):.2f}, max {max(values):.2f})   "
            f"{median / base:5.2f}× baseline"
        )


if __name__ == "__main__":
    main()
