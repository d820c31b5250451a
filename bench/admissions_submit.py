"""Benchmark: parents submitting admission applications through the real form under gunicorn + PostgreSQL.

A fresh open round (10 schools, catchment wards) is created on the configured database, gunicorn serves the
portal (gthread), and client threads each open the form once (CSRF cookie and token, like a phone) then submit
applications at a paced, open-loop rate (``--rate`` per second, for ``--seconds``). About 5 % of submissions are
sent twice with the same idempotency key (a double click or a retry after a timeout). At the end the benchmark
counts in the database: every accepted submission (answered 302 to the receipt) must be there exactly once
(zero lost, zero duplicated), each with its dossier. Baseline in the same run: GET /healthz at the same pacing
(the cost of a request that does nothing), so the ratio says what an application costs over an empty request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudx_admissions_submit python bench/admissions_submit.py \
        [--rate 100] [--seconds 60] [--clients 48] [--workers 3] [--threads 6]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudx.settings.local")
os.environ["DEBUG"] = "0"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> str:
    """A new open round on the configured database; returns its code."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (this benchmark is about PostgreSQL).")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # DEBUG=0: pages need the manifest
    from egov.admissions.models import AdmissionRound, RoundSchool, Ward
    from schools import services as school_services
    from schools.models import OrgUnit

    year = school_services.get_or_open_school_year(code="2025-2026", make_current=True)
    root = OrgUnit.objects.filter(parent__isnull=True).first() or school_services.create_org_unit(
        code="BENCH-SGD", name="Sở GDĐT (benchmark)", kind=OrgUnit.Kind.DEPARTMENT, parent=None
    )
    wards = [Ward.objects.get_or_create(code=f"BW{k:03d}", defaults={"name": f"Phường Thử {k}"})[0] for k in range(20)]
    now = timezone.now()
    code = f"bench-submit-{int(time.time())}"
    round_ = AdmissionRound.objects.create(
        code=code,
        name="Tuyển sinh lớp 1 (benchmark)",
        org_unit=root,
        school_year=year,
        entry_grade="1",
        method="catchment",
        applications_open_at=now - dt.timedelta(hours=1),
        applications_close_at=now + dt.timedelta(days=1),
        results_at=now + dt.timedelta(days=2),
        confirmation_close_at=now + dt.timedelta(days=3),
        status=AdmissionRound.Status.OPEN,
    )
    for k in range(10):
        school, _ = school_services.upsert_school(
            code=f"BENCH-TH-{k:02d}", name=f"Trường Tiểu học Thử {k}", parent=root, levels=["TH"], area="urban"
        )
        rs = RoundSchool.objects.create(round=round_, school=school, quota=1000)
        rs.catchment_wards.set(wards[2 * k : 2 * k + 2])
    connection.close()
    return code


def start_gunicorn(port: int, log, *, workers: int, threads: int) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "edudx.settings.local",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "edudx.wsgi:application",
        *["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)],
        *["--worker-class", "gthread", "--backlog", "2048"],
    ]
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz")


class Pacer:
    """Open-loop pacing: slot i is due at start + i / rate, whoever takes it."""

    def __init__(self, rate: float, seconds: float):
        self.rate, self.total = rate, int(rate * seconds)
        self.next = 0
        self.lock = threading.Lock()
        self.start = time.monotonic() + 1.0

    def take(self) -> int | None:
        with self.lock:
            if self.next >= self.total:
                return None
            slot = self.next
            self.next += 1
        delay = self.start + slot / self.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        return slot


def run_healthz(base: str, *, rate: float, seconds: float, clients: int) -> list[float]:
    pacer, latencies, lock = Pacer(rate, seconds), [], threading.Lock()

    def client() -> None:
        session = requests.Session()
        while pacer.take() is not None:
            started = time.perf_counter()
            session.get(f"{base}/healthz", timeout=30)
            with lock:
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def run_submissions(base: str, code: str, *, rate: float, seconds: float, clients: int) -> dict:
    pacer = Pacer(rate, seconds)
    lock = threading.Lock()
    accepted: set[str] = set()
    statuses: dict[int | str, int] = {}
    latencies: list[float] = []
    doubled: set[str] = set()

    def client(number: int) -> None:
        session = requests.Session()
        form = session.get(f"{base}/tuyen-sinh/{code}/", timeout=30)
        token = TOKEN.search(form.text).group(1)
        while (slot := pacer.take()) is not None:
            key = uuid.uuid4().hex
            data = {
                "csrfmiddlewaretoken": token,
                "idempotency_key": key,
                "child_national_id": f"010220{slot:06d}",
                "child_full_name": "Nguyễn Văn An",
                "child_birth_date": "14/03/2020",
                "child_gender": "M",
                "ward": f"BW{slot % 20:03d}",
                "choice1": f"BENCH-TH-{slot % 10:02d}",
                "choice2": f"BENCH-TH-{(slot + 1) % 10:02d}",
                "parent_name": "Nguyễn Thị Lan",
                "parent_phone": "0912345678",
                "consent": "on",
            }
            sends = 2 if slot % 20 == 7 else 1  # ~5 %: the same submission twice
            for _ in range(sends):
                started = time.perf_counter()
                try:
                    response = session.post(f"{base}/tuyen-sinh/{code}/", data=data, allow_redirects=False, timeout=60)
                    status: int | str = response.status_code
                except requests.RequestException as error:
                    status = type(error).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 302:
                        accepted.add(key)
                        if sends == 2:
                            doubled.add(key)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "accepted": accepted,
        "doubled": doubled,
        "statuses": statuses,
        "latencies": latencies,
        "wall": time.monotonic() - started - 1.0,
    }


def count(code: str, accepted: set[str]) -> dict[str, int]:
    from django.db import connection
    from django.db.models import Count

    from egov.admissions.models import Application
    from egov.models import Dossier

    connection.close()
    rows = Application.objects.filter(round__code=code)
    keys = set(rows.values_list("idempotency_key", flat=True))
    per_key = rows.values("idempotency_key").annotate(n=Count("pk")).filter(n__gt=1).count()
    per_child = rows.values("child_national_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    return {
        "stored": rows.count(),
        "dossiers": Dossier.objects.filter(admission_application__round__code=code).count(),
        "lost": len(accepted - keys),
        "duplicated_keys": per_key,
        "duplicated_children": per_child,
        "stored_not_acknowledged": len(keys - accepted),
    }


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=48)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=6)
    args = parser.parse_args()
    code = prepare()
    load_before = os.getloadavg()[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile("w+", prefix="edudx-bench-admissions-", suffix=".log", delete=False) as log:
        server = start_gunicorn(port, log, workers=args.workers, threads=args.threads)
        try:
            wait_healthy(base, server)
            health = run_healthz(base, rate=args.rate, seconds=min(10, args.seconds), clients=args.clients)
            result = run_submissions(base, code, rate=args.rate, seconds=args.seconds, clients=args.clients)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        log.seek(0)
        tracebacks = log.read().count("Traceback")
    load_after = os.getloadavg()[0]
    counts = count(code, result["accepted"])
    lat = result["latencies"] or [float("nan")]
    rate = len(result["accepted"]) / result["wall"]
    print(f"gunicorn {args.workers} workers × {args.threads} threads, {args.clients} clients, target {args.rate:g}/s")
    print(f"load average (1 min): {load_before:.1f} before, {load_after:.1f} after; {os.cpu_count()} CPUs")
    print(
        f"baseline GET /healthz: p50 {1000 * statistics.median(health):.0f} ms, p95 {1000 * pct(health, 0.95):.0f} ms"
    )
    print(
        f"applications: {len(result['accepted']):,} accepted in {result['wall']:.1f} s = {rate:.1f}/s; "
        f"p50 {1000 * statistics.median(lat):.0f} ms, p95 {1000 * pct(lat, 0.95):.0f} ms "
        f"(ratio to /healthz p50 {statistics.median(lat) / statistics.median(health):.1f}×); "
        f"statuses {result['statuses']}"
    )
    print(
        f"database: {counts['stored']:,} applications, {counts['dossiers']:,} dossiers; lost {counts['lost']}, "
        f"duplicated keys {counts['duplicated_keys']}, duplicated children {counts['duplicated_children']}, "
        f"stored but not acknowledged {counts['stored_not_acknowledged']}; "
        f"{len(result['doubled'])} submissions sent twice; tracebacks in gunicorn's log: {tracebacks}"
    )


if __name__ == "__main__":
    main()
