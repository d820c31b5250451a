"""Starting a real Celery worker process against the test database and the configured broker."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

from edudx.celery import app


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """One `celery worker` subprocess on a queue of its own, so nothing else on the broker reaches it."""

    def __init__(self, *, queue: str | None = None, stale_seconds: int = 600):
        self.queue = queue or f"test-{uuid.uuid4().hex[:10]}"
        self.log = Path(settings.VAR_DIR) / f"{self.queue}.log"
        self.stale_seconds = stale_seconds
        self.process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "edudx.settings.test",
            "DATABASE_URL": database_url(),
            "CELERY_QUEUE": self.queue,
            "EDUDX_JOB_STALE_SECONDS": str(self.stale_seconds),
            "EDUDX_WORKER_TEST": "1",
        }

    def start(self) -> "WorkerProcess":
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "edudx",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            self.queue,
            "-I",
            "tests.worker_tasks",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{self.queue}@%h",
        ]
        self.process = subprocess.Popen(
            command,
            env=self.env(),
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR,
        )
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def wait_for(condition, *, timeout: float = 60, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def route_to(queue: str):
    """Sends this process's tasks to ``queue`` on the real broker instead of running them eagerly."""
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
