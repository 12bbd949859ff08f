"""Run a real Celery worker against Redis and the test database.

Used by the integration tests: the worker is a separate process, so the test
must use a transactional database (committed rows) and PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from kombu import pools as kombu_pools

from portal.celery import app as celery_app
from tests.conftest import require_or_skip, require_postgresql

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available(url: str = REDIS_URL) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def require_worker_services() -> None:
    require_postgresql("a real Celery worker needs the PostgreSQL test database")
    require_or_skip(redis_available(), f"Redis is not answering at {REDIS_URL}")


def _database_url() -> str:
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"


@contextlib.contextmanager
def celery_worker(
    *, concurrency: int = 1, extra_env: dict | None = None, queue: str | None = None
) -> Iterator[dict]:
    """Start a worker on a private queue (or `queue`, e.g. to restart a killed
    worker on the queue it left unacknowledged tasks on); route sends to it."""
    queue = queue or f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _database_url(),
        "DATABASE_POOL": "false",
        "CELERY_BROKER_URL": REDIS_URL,
        **(extra_env or {}),
    }
    log_path = ROOT / "var" / f"worker-{queue}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = log_path.open("w")
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "--pool",
            "prefork" if concurrency > 1 else "solo",
            "-c",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
            "-n",
            f"{queue}-{uuid.uuid4().hex[:4]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    previous = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "broker_url": celery_app.conf.broker_url,
        "task_default_queue": celery_app.conf.task_default_queue,
    }
    celery_app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=queue)
    _reset_connections()
    try:
        yield {"queue": queue, "process": process, "log": log_path}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        celery_app.conf.update(previous)
        _reset_connections()


def _reset_connections() -> None:
    """Drop cached broker connections so the next send uses the new broker URL."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None
    # kombu keeps producer pools per connection in a global registry: a second
    # worker session in the same test run would reuse the closed one.
    kombu_pools.reset()


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.25, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout}s waiting for the worker\n{tail}")
