"""Benchmark: report-form exports (.xlsx against plain xlsxwriter, PDF per school, the bundle job).

.xlsx — baseline: the same cells (every title-block text, header text, row label and figure, at the same row and
column) written with xlsxwriter in ``constant_memory`` mode, no formats, no merged ranges. Candidate:
``reports.statforms.render.render_xlsx`` (formats, merged headers, column widths, print setup). Both start from the
same prepared layouts (the figures are computed once, before timing), each run writes one workbook per school
form. Target: candidate ≤ 1.5 × baseline.

PDF — ``render_pdf`` of one school's form (WeasyPrint, fonts embedded), per form, after one warm-up render (fonts
loaded once per worker process). Target: a one- or two-page school form under 1 s. The full-province bundle is
estimated as (median render time per file + figures time per file) × the files of 612 schools / 2 workers, and the
real bundle job of the demo province is timed end to end for comparison. Target: under 5 minutes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudx_forms_bench python bench/report_forms.py [--runs 5]

An empty database is filled with ``seed_demo --scale 0.05`` first (~30 schools).

Bundle on real workers (``--bundle-only`` skips the .xlsx/PDF measurements above): one ``celery worker --pool=prefork
-c 2`` process (two rendering processes, recycled as configured) on a private queue of the configured broker
renders the province bundle in parts; wall time, the load average and the CPU time of the worker's processes are
printed. Baseline in the same run: the bundle of one unit (``--baseline-unit``, the first unit by default) in this
process as one sequence (what the bundle was before it was split); the ratio compares seconds per file.

    DATABASE_URL=... EDUDX_VAR_DIR=... python bench/report_forms.py --bundle-only --scale 1
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudx.settings.local")

FULL_PROVINCE_SCHOOLS = 612
WORKERS = 2


def ensure_demo(scale: str) -> None:
    from django.core.management import call_command

    from people.models import Enrolment

    if not Enrolment.objects.exists():
        print(f"Filling the database with seed_demo --scale {scale}…", flush=True)
        call_command("seed_demo", scale=scale, stdout=io.StringIO())


def baseline_xlsx(the_layout, *, in_memory: bool = False) -> bytes:
    """The same cells with xlsxwriter in constant_memory mode: texts and numbers only, row by row."""
    import xlsxwriter

    from edudx.core.exports import safe_cell
    from reports.statforms.render import MOTTO, MOTTO_2

    buffer = io.BytesIO()
    # in_memory would override constant_memory (xlsxwriter's rule): the baseline is really constant_memory.
    options = {"in_memory": True} if in_memory else {"constant_memory": True}
    workbook = xlsxwriter.Workbook(buffer, {**options, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(the_layout.form.code)
    width = max(s.width for s in the_layout.sections)
    half = width // 2
    sheet.write(0, 0, safe_cell(the_layout.governing))
    sheet.write(0, half, MOTTO)
    sheet.write(1, 0, safe_cell(the_layout.issuer))
    sheet.write(1, half, MOTTO_2)
    sheet.write(3, half, the_layout.place_date)
    sheet.write(5, 0, the_layout.title.upper())
    sheet.write(6, 0, the_layout.subtitle)
    row = 8
    for section in the_layout.sections:
        sheet.write(row, 0, f"{section.number}. {section.title}")
        row += 1
        for cells in section.header:
            for col, cell in enumerate(cells):
                sheet.write(row, col, cell.text)
            row += 1
        for body in section.body:
            sheet.write(row, 0, body.code)
            sheet.write(row, 1, body.label)
            for col, value in enumerate(body.values, start=2):
                if value is not None:
                    sheet.write_number(row, col, value)
            row += 1
        row += 1
    sheet.write(row + 1, 0, "NGƯỜI LẬP BIỂU")
    sheet.write(row + 1, half, "THỦ TRƯỞNG ĐƠN VỊ")
    workbook.close()
    return buffer.getvalue()


def timed(function, items, runs: int) -> tuple[float, float]:
    """Median over runs of the total wall-clock and CPU time for all items (seconds). The machine is shared:
    CPU time (this process only) is the figure that does not depend on what else runs."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        for item in items:
            function(item)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process, its reaped children and its live children (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")

    def fields(one: int) -> list[str]:
        text = Path(f"/proc/{one}/stat").read_text()
        return text[text.rindex(")") + 2 :].split()

    total = sum(int(value) for value in fields(pid)[11:15])
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == pid:
            continue
        try:
            stat = fields(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        if int(stat[1]) == pid:
            total += int(stat[11]) + int(stat[12])
    return total / ticks


def bundle_on_workers(*, year, root, workers: int, baseline_unit: str | None) -> None:
    import subprocess
    import uuid

    from django.conf import settings
    from django.db import connection

    from edudx.celery import app
    from edudx.core.jobs import SYSTEM, run_job_here
    from edudx.core.models import Job
    from reports.statforms.tasks import queue_form_bundle
    from schools.models import OrgUnit

    # Baseline: one unit's bundle in this process, one file after the other (the bundle before it was split).
    unit = (
        OrgUnit.objects.get(code=baseline_unit)
        if baseline_unit
        else OrgUnit.objects.filter(parent=root, kind="unit").order_by("code").first()
    )
    job = queue_form_bundle(
        principal=SYSTEM, org_unit=unit, school_year=year, period="start", file_format="pdf", enqueue=False
    )
    load_before = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    job = run_job_here(job)
    base_wall, base_cpu = time.perf_counter() - started, time.process_time() - cpu
    base_files = job.result.get("files", 0)
    print(
        f"\nbaseline: bundle of {unit.code} in one process, {base_files} PDFs: {base_wall:.1f} s wall "
        f"({base_wall / base_files:.3f} s/file), {base_cpu:.1f} s CPU ({base_cpu / base_files:.3f} s/file); "
        f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    log = Path(settings.VAR_DIR) / f"{queue}.log"
    db = connection.settings_dict
    env = {**os.environ, "CELERY_QUEUE": queue, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    command = [sys.executable, "-m", "celery", "-A", "edudx", "worker", "--pool=prefork", f"-c{workers}"]
    command += ["-Q", queue, "--loglevel=INFO", "--without-gossip", "--without-mingle", "-n", f"{queue}@%h"]
    worker = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while " ready." not in log.read_text(errors="replace"):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit(f"the worker did not start; see {log}")
            time.sleep(0.5)
        app.conf.task_default_queue = queue
        cpu_before = process_tree_cpu(worker.pid)
        loads = [os.getloadavg()[0]]
        started = time.perf_counter()
        job = queue_form_bundle(principal=SYSTEM, org_unit=root, school_year=year, period="start", file_format="pdf")
        while True:
            time.sleep(2)
            job.refresh_from_db()
            loads.append(os.getloadavg()[0])
            if job.is_finished:
                break
        wall = time.perf_counter() - started
        cpu = process_tree_cpu(worker.pid) - cpu_before
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    files = job.result.get("files", 0)
    print(
        f"candidate: bundle of {root.code} on 1 worker × {workers} processes, {job.status}, {files} PDFs in "
        f"{job.result.get('parts')} parts: {wall:.1f} s = {wall / 60:.1f} min wall "
        f"({wall / max(files, 1):.3f} s/file); "
        f"worker CPU {cpu:.1f} s ({cpu / max(files, 1):.3f} s/file, {cpu / workers / 60:.1f} min per process); "
        f"load average during the run {min(loads):.1f}–{max(loads):.1f} (mean {statistics.mean(loads):.1f})",
        flush=True,
    )
    print(
        f"ratio seconds per file, candidate / baseline: {wall / max(files, 1) / (base_wall / base_files):.2f}× wall "
        f"(ideal 1/{workers} on idle cores); target: {files} files < 5 min wall"
    )
    if job.status != Job.Status.SUCCEEDED:
        print(f"job message: {job.message}; worker log: {log}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", default="0.05")
    parser.add_argument("--school-year", default="2025-2026")
    parser.add_argument("--pdf-files", type=int, default=20, help="school forms rendered to PDF (each timed)")
    parser.add_argument("--bundle-only", action="store_true", help="only the bundle on real worker processes")
    parser.add_argument("--bundle-workers", type=int, default=WORKERS, help="worker processes for the bundle")
    parser.add_argument("--baseline-unit", default=None, help="unit whose bundle is the in-process baseline")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    ensure_demo(args.scale)

    from pypdf import PdfReader

    from edudx.core.jobs import SYSTEM, run_job_here
    from reports.indicators import year_tree
    from reports.statforms.catalogue import all_forms
    from reports.statforms.render import layout, render_pdf, render_xlsx
    from reports.statforms.selectors import form_figures
    from reports.statforms.tasks import queue_form_bundle
    from schools.models import OrgUnit, SchoolYear

    year = SchoolYear.objects.get(code=args.school_year)
    if args.bundle_only:
        root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
        bundle_on_workers(year=year, root=root, workers=args.bundle_workers, baseline_unit=args.baseline_unit)
        print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        return
    tree = year_tree(school_year=year)
    units = OrgUnit.objects.in_bulk(list(tree))
    start_forms = [form for form in all_forms().values() if form.period == "start"]
    pairs = [
        (units[sid], form)
        for sid, placed in sorted(tree.items())
        for form in start_forms
        if form.level in placed.levels
    ]
    print(f"{len(tree)} schools, {len(pairs)} beginning-of-year school forms ({connection.vendor})", flush=True)

    started = time.perf_counter()
    figures = [form_figures(form=form, org_unit=unit, school_year=year, principal=SYSTEM) for unit, form in pairs]
    figures_seconds = (time.perf_counter() - started) / len(pairs)
    started = time.perf_counter()
    layouts = [layout(one) for one in figures]
    layout_seconds = (time.perf_counter() - started) / len(pairs)

    # --- .xlsx ---
    for the_layout in layouts[:3]:  # warm-up (imports, first workbook)
        baseline_xlsx(the_layout)
        render_xlsx([the_layout])
    base = timed(baseline_xlsx, layouts, args.runs)
    base_mem = timed(lambda one: baseline_xlsx(one, in_memory=True), layouts, args.runs)
    cand = timed(lambda one: render_xlsx([one]), layouts, args.runs)
    cells = sum(len(body.values) + 2 for one in layouts for s in one.sections for body in s.body)
    n = len(layouts)
    print(f"\n.xlsx, one workbook per school form ({n} forms, {cells} cells), median of {args.runs} runs: wall / CPU")
    for label, (wall, cpu) in (
        ("baseline xlsxwriter constant_memory, same cells", base),
        ("  (stricter: xlsxwriter in_memory, same cells)", base_mem),
        ("EduDX render_xlsx (formats, merges, widths)", cand),
    ):
        print(f"  {label:50s} {wall:7.3f} s / {cpu:7.3f} s  ({cpu / n * 1000:6.2f} ms CPU per form)")
    print(
        f"  ratio candidate / constant_memory baseline: {cand[0] / base[0]:.2f}× wall, {cand[1] / base[1]:.2f}× CPU "
        f"(target ≤ 1.5×); against in_memory: {cand[0] / base_mem[0]:.2f}× wall, {cand[1] / base_mem[1]:.2f}× CPU"
    )
    print(
        f"  not in the ratio: figures {figures_seconds * 1000:.1f} ms/form, layout {layout_seconds * 1000:.1f} ms/form"
    )

    # --- PDF ---
    render_pdf([layouts[0]])  # warm-up: fonts loaded once per process
    sample = layouts[: args.pdf_files]
    times, cpu_times, pages = [], [], []
    for the_layout in sample:
        started, cpu = time.perf_counter(), time.process_time()
        content = render_pdf([the_layout])
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu)
        pages.append(len(PdfReader(io.BytesIO(content)).pages))
    median = statistics.median(times)
    cpu_median = statistics.median(cpu_times)
    forms_per_school = len(pairs) / len(tree)
    files = round(FULL_PROVINCE_SCHOOLS * forms_per_school)
    print(f"\nPDF, one school form per file ({len(sample)} files)")
    print(
        f"  render median {median:.3f} s wall (max {max(times):.3f} s), {cpu_median:.3f} s CPU (max "
        f"{max(cpu_times):.3f} s); target < 1 s; pages {min(pages)}–{max(pages)}"
    )
    for label, per_file in (("wall", median), ("CPU", cpu_median)):
        estimate = per_file * files / WORKERS
        print(
            f"  bundle estimate ({label}): {files} files ({forms_per_school:.2f} forms × {FULL_PROVINCE_SCHOOLS} "
            f"schools) × {per_file:.3f} s / {WORKERS} workers = {estimate:.0f} s = {estimate / 60:.1f} min "
            "(target < 5 min)"
        )

    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    job = queue_form_bundle(
        principal=SYSTEM, org_unit=root, school_year=year, period="start", file_format="pdf", enqueue=False
    )
    started, cpu = time.perf_counter(), time.process_time()
    job = run_job_here(job)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    done = job.result.get("files", 0)
    print(
        f"  measured: the demo's bundle job, {done} files on 1 process: {seconds:.1f} s "
        f"({seconds / max(done, 1):.3f} s/file) → {seconds / max(done, 1) * files / WORKERS / 60:.1f} min for {files} "
        f"files on {WORKERS} workers; CPU {cpu_seconds:.1f} s ({cpu_seconds / max(done, 1):.3f} s/file) → "
        f"{cpu_seconds / max(done, 1) * files / WORKERS / 60:.1f} min"
    )
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
