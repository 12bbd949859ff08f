"""Fan-out benchmark: one topic to N recipients over two channels (e-mail and
text) through a real Celery worker on Redis, with the locmem channel
backends, on PostgreSQL. Prints end-to-end messages/s (notify_bulk() called
-> every message "sent") next to the rate of a no-op, one-task-per-message
Celery task measured in the same run, and the ratio.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_issue5 \\
      .venv/bin/python bench/fanout.py --recipients 100000 \\
      --redis redis://127.0.0.1:6379/5

The recipients' contact points are created once (kept between runs; drop
them with --drop). Each run's messages are deleted afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
# Texts go out at any hour in the benchmark (quiet hours are tested elsewhere).
WINDOW = {
    "NOTIFICATIONS_SEND_WINDOW_START": "00:00",
    "NOTIFICATIONS_SEND_WINDOW_END": "23:59:59.999999",
    "NOTIFICATIONS_LOCMEM_OPTIONS": json.dumps({"record": False}),
}
os.environ.update(WINDOW)

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from notifications.models import ContactPoint, DeliveryAttempt, Message  # noqa: E402
from notifications.recipients import Recipient  # noqa: E402
from notifications.services import notify_bulk  # noqa: E402
from notifications.topics import PTR_PRE_EVENT  # noqa: E402
from portal.celery import app  # noqa: E402

PREFIX = "customer:bench-"


def recipients_prepare(n: int) -> None:
    have = ContactPoint.objects.filter(recipient_key__startswith=PREFIX).count()
    if have == 2 * n:
        return
    ContactPoint.objects.filter(recipient_key__startswith=PREFIX).delete()
    started = time.perf_counter()
    batch = []
    for i in range(n):
        key = f"{PREFIX}{i}"
        batch.append(
            ContactPoint(
                recipient_key=key, channel="email", address=f"bench{i}@example.com", source="bench"
            )
        )
        batch.append(
            ContactPoint(
                recipient_key=key,
                channel="sms",
                address=f"+1312{i:07d}",
                verified=True,
                source="bench",
            )
        )
        if len(batch) >= 20000:
            ContactPoint.objects.bulk_create(batch)
            batch = []
    ContactPoint.objects.bulk_create(batch)
    print(f"prepared {n:,} recipients in {time.perf_counter() - started:.1f} s")


def worker_start(queue: str, broker: str, concurrency: int) -> subprocess.Popen:
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        f"/{s['NAME']}",
        "DATABASE_POOL": "false",
        "CELERY_BROKER_URL": broker,
        **WINDOW,
    }
    log = (ROOT / "var" / "bench-fanout-worker.log").open("w")
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "-I",
            "bench.celery_noop",
            "--pool",
            "prefork",
            "-c",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "WARNING",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait(predicate, timeout: float, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    raise SystemExit("timed out; see var/bench-fanout-worker.log")


def noop_rate(client, n: int) -> float:
    counter = f"bench:noop:{uuid.uuid4().hex}"
    started = time.perf_counter()
    for _ in range(n):
        app.send_task("bench.noop", args=[counter])
    wait(lambda: int(client.get(counter) or 0) >= n, timeout=600)
    elapsed = time.perf_counter() - started
    client.delete(counter)
    return n / elapsed


def fanout_rate(n: int) -> tuple[float, int, float]:
    key = f"bench-{uuid.uuid4().hex[:8]}"
    items = (
        (
            Recipient(key=f"{PREFIX}{i}", name=f"Customer {i}"),
            {
                "account": f"•••{i % 10000:04d}",
                "premise_address": f"{i} Prairie View Rd",
                "event_date": "Tuesday, July 14",
                "start_time": "2 p.m.",
                "end_time": "7 p.m.",
                "rebate_rate": "$1.25",
            },
        )
        for i in range(n)
    )
    started = time.perf_counter()
    result = notify_bulk(
        topic=PTR_PRE_EVENT, items=items, idempotency_key=key, channels=["email", "sms"]
    )
    queued_at = time.perf_counter() - started
    expected = result.queued
    sent = Message.objects.filter(batch_key=key, status="sent")
    wait(lambda: sent.count() >= expected, timeout=3600, interval=0.5)
    elapsed = time.perf_counter() - started
    print(f"  notify_bulk returned after {queued_at:.1f} s ({result.tasks} delivery tasks)")
    bad = Message.objects.filter(batch_key=key).exclude(status="sent").count()
    if bad:
        raise SystemExit(f"{bad} messages not sent")
    return expected / elapsed, expected, elapsed, key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=5_000, help="no-op tasks to time")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--redis", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
    )
    parser.add_argument("--keep", action="store_true", help="keep this run's messages")
    parser.add_argument("--drop", action="store_true", help="delete the bench recipients")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("run against PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    if args.drop:
        ContactPoint.objects.filter(recipient_key__startswith=PREFIX).delete()
        return
    recipients_prepare(args.recipients)
    with connection.cursor() as cursor:  # earlier runs' deleted rows
        for table in (
            "notifications_message",
            "notifications_deliveryattempt",
            "notifications_contactpoint",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    app.conf.update(task_always_eager=False, broker_url=args.redis, task_default_queue=queue)
    client = redis.Redis.from_url(args.redis)
    worker = worker_start(queue, args.redis, args.concurrency)
    try:
        noop_rate(client, 50)  # warm-up: the worker is up
        baseline = noop_rate(client, args.baseline)
        print(
            f"no-op Celery task, one per message: {baseline:,.0f} tasks/s ({args.baseline:,} tasks)"
        )
        rate, count, elapsed, key = fanout_rate(args.recipients)
        print(f"fan-out end to end: {count:,} messages in {elapsed:.1f} s = {rate:,.0f} msg/s")
        print(
            f"ratio: {rate / baseline:.1f}x the no-op per-message task rate "
            f"(target >= 5x); {args.concurrency} worker processes, "
            f"{settings.DATABASES['default']['NAME']}"
        )
        if not args.keep:
            DeliveryAttempt.objects.filter(message__batch_key=key).delete()
            Message.objects.filter(batch_key=key).delete()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)


if __name__ == "__main__":
    main()
