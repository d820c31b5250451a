"""Benchmark: ``/api/v1/indicator-values/`` pages, in process against ``.values()`` + JSON, then under load.

1. In process (Django test client, ``edudx.settings.local`` with DEBUG off): the first page of 100 and of 1,000
   values of a school year with a department-level API token (so the whole province is in scope), and a page of
   100 from the middle (what the load test mostly asks for), the full request: middleware, token authentication,
   throttling, filters, the count and the page queries, serialization and JSON rendering. Baseline: the same rows
   read with ``IndicatorValue.objects.filter(...).order_by(...)[offset:offset + N].values(...)`` and rendered
   with ``json.dumps``, nothing else. Target (issue [3/7]): at most 2× the baseline. The benchmark checks that
   both give the same rows in the same order.

2. Under load: gunicorn (2 workers × 8 threads, gthread) on a free loopback port, and 20 client threads
   (``urllib``, a new connection per request) each asking for random pages of 100 values, one request after the
   other (``--pause`` to wait between them), until each has made ``--requests`` requests or ``--duration`` seconds
   have passed. Target: p95 under 50 ms, no error. For reference, the same load on ``/healthz`` (one
   ``SELECT 1``): the floor of any request on the same machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudx_indicators_bench python bench/indicator_api.py

It reuses the database of ``bench/indicators.py`` (fills it with ``seed_demo --scale 1`` and computes the values
when they are missing) and ``VACUUM ANALYZE``s the tables the requests read. It creates one API token for the
run and deletes it at the end. Variables of the caller's environment reach gunicorn unchanged (e.g.
``DATABASE_CONN_MAX_AGE=60`` or ``REDIS_URL=redis://...`` to measure persistent connections or a Redis cache);
API throttling is raised so that the load is not refused. ``--profile`` prints a cProfile of the page of 100.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudx.settings.local")
os.environ["DEBUG"] = "0"
# The in-process runs (~70 requests) stay far below the default budget; raised anyway, like for gunicorn.
os.environ["API_THROTTLE_USER"] = "1000000/minute"

PATH = "/api/v1/indicator-values/"
PAGE_SIZES = (100, 1000)
LOAD_PAGE_SIZE = 100


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- 1. in process ------------------------------------------------------------------------------------------------


def in_process(*, key: str, school_year: str, root_path: str, runs: int, profile: bool) -> dict[tuple, tuple]:
    from django.core.serializers.json import DjangoJSONEncoder
    from django.test import Client

    from reports.api.serializers import IndicatorValueOutput
    from reports.models import IndicatorValue

    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    columns = IndicatorValueOutput.COLUMNS

    def api(size: int, page: int = 1) -> bytes:
        response = client.get(PATH, {"school_year": school_year, "page_size": size, "page": page})
        assert response.status_code == 200, (response.status_code, response.content[:300])
        return response.content

    def baseline(size: int, page: int = 1) -> bytes:
        offset = (page - 1) * size
        rows = list(
            IndicatorValue.objects.filter(school_year__code=school_year, org_unit__path__startswith=root_path)
            .order_by("indicator", "org_unit__code", "school_year__code")[offset : offset + size]
            .values(*columns)
        )
        return json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()

    count = json.loads(api(1))["count"]
    middle = math.ceil(count / LOAD_PAGE_SIZE) // 2
    results = {}
    for size, page in [(size, 1) for size in PAGE_SIZES] + [(LOAD_PAGE_SIZE, middle)]:
        got = json.loads(api(size, page))["results"]
        expected = json.loads(baseline(size, page))
        keys = [(row["indicator"], row["org_unit"], row["school_year"]) for row in got]
        assert len(got) == size, f"the API gave {len(got)} rows, not {size}"
        assert keys == [(row["indicator"], row["org_unit__code"], row["school_year__code"]) for row in expected]
        timings: dict[str, list[float]] = {"api": [], "baseline": []}
        for _run in range(runs):  # alternate, so that both see the same machine
            for name, call in (("baseline", baseline), ("api", api)):
                start = time.perf_counter()
                call(size, page)
                timings[name].append(time.perf_counter() - start)
        results[(size, page)] = (statistics.median(timings["baseline"]), statistics.median(timings["api"]), timings)

    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _run in range(runs):
            api(LOAD_PAGE_SIZE)
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(40)
        print(f"\ncProfile, {runs} requests for a page of {LOAD_PAGE_SIZE}, by cumulative time:\n{stream.getvalue()}")
    return results


# --- 2. under load ------------------------------------------------------------------------------------------------


def start_gunicorn(port: int, log: io.TextIOBase, *, workers: int, threads: int) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "edudx.settings.local",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_THROTTLE_USER": "1000000/minute",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "edudx.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(base: str, server: subprocess.Popen, log_path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{Path(log_path).read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{Path(log_path).read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def fetch(url: str, key: str, etags: dict[str, str] | None = None) -> bytes:
    """The body of a 200; with ``etags`` (a poller's memory), the ETag is sent back and a 304 gives b"304"."""
    headers = {"Authorization": f"Token {key}"}
    if etags is not None and url in etags:
        headers["If-None-Match"] = etags[url]
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
            if etags is not None and response.headers.get("ETag"):
                etags[url] = response.headers["ETag"]
            return response.read()
    except urllib.error.HTTPError as error:
        if error.code == 304 and etags is not None:
            return b"304"
        raise


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat (Linux); (0, 0) elsewhere."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def load(
    urls, *, key: str, clients: int, requests: int, duration: float, pause: float, expect: bytes, conditional: bool
) -> dict:
    """``clients`` threads, each making up to ``requests`` requests one after the other, ``pause`` s apart (±50 %).

    ``conditional``: each client is a poller that sends back the ETag it got for a URL (a 304 counts as an answer).
    """
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def client(number: int) -> None:
        chooser = random.Random(number)
        mine: list[float] = []
        failed: list[str] = []
        etags: dict[str, str] | None = {} if conditional else None
        if pause:  # spread the clients' first requests over one pause, instead of one burst of them all
            time.sleep(pause * chooser.random())
        for _request in range(requests):
            if time.monotonic() > deadline:
                break
            start = time.perf_counter()
            try:
                body = fetch(urls(chooser), key, etags)
                if not body.startswith(expect) and body != b"304":
                    raise RuntimeError(f"unexpected body {body[:80]!r}")
            except Exception as exc:  # every failure counts as an error
                failed.append(f"{type(exc).__name__}: {exc}")
            mine.append(time.perf_counter() - start)
            if pause:
                time.sleep(pause * chooser.uniform(0.5, 1.5))
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    busy, total = cpu_ticks()
    client_cpu = time.process_time()
    start = time.perf_counter()
    with_threads(clients, client)
    elapsed = time.perf_counter() - start
    client_cpu = time.process_time() - client_cpu
    busy_after, total_after = cpu_ticks()
    return {
        "latencies": [value * 1000 for value in latencies],
        "errors": errors,
        "elapsed": elapsed,
        "client_cpu": client_cpu,
        "machine_busy": (busy_after - busy) / (total_after - total) if total_after > total else float("nan"),
    }


def under_load(
    *,
    key: str,
    school_year: str,
    clients: int,
    requests: int,
    duration: float,
    pause: float,
    workers: int,
    threads: int,
    conditional: bool,
) -> tuple[int, dict, dict, int]:
    """(pages, the load on /healthz, the load on the API, tracebacks in gunicorn's log)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile("w+", prefix="edudx-bench-gunicorn-", suffix=".log", delete=False) as log:
        server = start_gunicorn(port, log, workers=workers, threads=threads)
        try:
            wait_healthy(base, server, log.name)
            first = json.loads(fetch(f"{base}{PATH}?school_year={school_year}&page_size={LOAD_PAGE_SIZE}", key))
            pages = max(1, math.ceil(first["count"] / LOAD_PAGE_SIZE))
            url = f"{base}{PATH}?school_year={school_year}&page_size={LOAD_PAGE_SIZE}&page="

            # Warm-up, not measured: every thread of both workers past its first request (imports, connections).
            with_threads(clients, lambda number: [fetch(url + str(1 + (number + i) % pages), key) for i in range(3)])
            common = {"key": key, "clients": clients, "requests": requests, "duration": duration, "pause": pause}
            # Reference: the same load on /healthz (one SELECT 1 and a look at the broker), the floor of a request.
            health = load(lambda _chooser: f"{base}/healthz", expect=b'{"status": "ok"', conditional=False, **common)
            api = load(
                lambda chooser: url + str(chooser.randint(1, pages)),
                expect=b'{"count":',
                conditional=conditional,
                **common,
            )
        finally:
            stop(server)
        tracebacks = sum("Traceback" in line for line in Path(log.name).read_text().splitlines())
    os.unlink(log.name)
    return pages, health, api, tracebacks


def with_threads(count: int, target) -> None:
    threads = [threading.Thread(target=target, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- main ---------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30, help="in-process runs of each (the median is printed)")
    parser.add_argument("--school-year", default="2025-2026")
    parser.add_argument("--clients", type=int, default=20, help="concurrent client threads under load")
    parser.add_argument("--requests", type=int, default=50, help="requests per client thread")
    parser.add_argument("--duration", type=float, default=120, help="stop the load after this many seconds")
    parser.add_argument("--pause", type=float, default=0, help="seconds between a client's requests (±50 %%)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process page of 100")
    parser.add_argument("--skip-load", action="store_true", help="only the in-process comparison")
    parser.add_argument(
        "--conditional", action="store_true", help="clients send back the ETag of the pages they have (pollers)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the throttle's cache when REDIS_URL is not set

    from people.services import create_api_token
    from reports.indicators import compute_indicators
    from reports.models import IndicatorValue
    from schools.models import OrgUnit, SchoolYear

    year = SchoolYear.objects.filter(code=args.school_year).first()
    if year is None or not IndicatorValue.objects.filter(school_year=year).exists():
        from bench.indicators import ensure_province

        ensure_province()
        year = SchoolYear.objects.get(code=args.school_year)
        print(f"Computing the indicators of {year.code}…", flush=True)
        compute_indicators(school_year=year)
    # The tables the requests read, without the dead rows of earlier runs: bench/indicators.py rewrites the values
    # at every run, and autovacuum may be off on a benchmark server (it is on the 2-core machine).
    tables = ["reports_indicatorvalue", "schools_orgunit", "schools_schoolyear", "people_apitoken", "edudx_cache"]
    with connection.cursor() as cursor:
        for table in set(tables) & set(connection.introspection.table_names(cursor)):
            cursor.execute(f"VACUUM ANALYZE {table}")
    department = OrgUnit.objects.get(parent__isnull=True)
    values = IndicatorValue.objects.filter(school_year=year).count()
    print(f"{values:,} indicator values in {year.code}; API token on {department.code} (the whole province).")

    token, key = create_api_token(org_unit=department, name="bench/indicator_api.py")
    try:
        measured = in_process(
            key=key, school_year=year.code, root_path=department.path, runs=args.runs, profile=args.profile
        )
        print(f"\nIn process, median of {args.runs} runs (Django test client, DEBUG off):")
        for (size, page), (base, api, timings) in measured.items():
            rows = f"rows {(page - 1) * size + 1:,}–{page * size:,}"
            print(
                f"  page {page:>2} of {size:>4} ({rows:>17}): .values() + json.dumps {base * 1000:6.1f} ms   "
                f"API {api * 1000:6.1f} ms "
                f"(min {min(timings['api']) * 1000:.1f}, max {max(timings['api']) * 1000:.1f})   "
                f"{api / base:4.2f}× baseline (target ≤ 2×)"
            )
        if args.skip_load:
            return

        pages, health, api, tracebacks = under_load(
            key=key,
            school_year=year.code,
            clients=args.clients,
            requests=args.requests,
            duration=args.duration,
            pause=args.pause,
            workers=args.workers,
            threads=args.threads,
            conditional=args.conditional,
        )
        print(
            f"\nUnder load: gunicorn {args.workers} workers × {args.threads} threads (gthread), {args.clients} "
            f"clients, {f'{args.pause:g} s apart' if args.pause else 'without pause'}, a new connection per request"
            f"{', sending back ETags' if args.conditional else ''}; "
            f"server tracebacks: {tracebacks}"
        )
        for label, result in (
            (f"API, random pages of {LOAD_PAGE_SIZE} among {pages}", api),
            ("reference: /healthz", health),
        ):
            latencies = result["latencies"]
            print(
                f"  {label}: {len(latencies):,} requests in {result['elapsed']:.1f} s = "
                f"{len(latencies) / result['elapsed']:.0f} requests/s, errors {len(result['errors'])}; latency "
                f"p50 {percentile(latencies, 0.50):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
                f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms; machine CPU busy "
                f"{result['machine_busy']:.0%}, of which the clients "
                f"{result['client_cpu'] * 1000 / len(latencies):.1f} ms CPU per request"
            )
            for message in sorted(set(result["errors"]))[:5]:
                print(f"    error: {message}")
        print("  target: p95 < 50 ms for the API, no error")
    finally:
        token.delete()


if __name__ == "__main__":
    main()
