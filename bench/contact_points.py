"""Bulk contact-point registration benchmark: the e-mail and phone on file of
N customers (3 rows each: e-mail, text, call) through
notifications.services.contact_points_upsert_bulk, on PostgreSQL. Prints
rows/s and the queries run, for a first registration (everything new) and a
second one (everything exists: what every later billing import does).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_integ \\
      .venv/bin/python bench/contact_points.py --customers 100000

1% of the customers are opted out of texts (kept between runs: opt-outs are
permanent); the contact points are deleted before and after each run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from notifications.models import ChannelOptOut, ContactPoint  # noqa: E402
from notifications.services import ContactPointRow, contact_points_upsert_bulk  # noqa: E402

PREFIX = "customer:bench-cp-"


def rows_for(n: int) -> list[ContactPointRow]:
    rows = []
    for i in range(n):
        key = f"{PREFIX}{i}"
        # As billing files carry them: mixed case, local formatting.
        phone = f"(217) {200 + i // 10000:03d}-{i % 10000:04d}"
        rows += [
            ContactPointRow(key, "email", f"Customer.{i}@Example.com", "billing"),
            ContactPointRow(key, "sms", phone, "billing"),
            ContactPointRow(key, "voice", phone, "billing"),
        ]
    return rows


def clear() -> None:
    ContactPoint.objects.filter(recipient_key__startswith=PREFIX).delete()


def measure(label: str, rows: list[ContactPointRow]) -> None:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = contact_points_upsert_bulk(rows=rows)
        elapsed = time.perf_counter() - started
    print(
        f"{label}: {len(rows):,} rows in {elapsed:.2f} s = {len(rows) / elapsed:,.0f} rows/s, "
        f"{len(queries.captured_queries)} queries; {result}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL (DATABASE_URL=postgres://...).")
    call_command("migrate", verbosity=0)
    ChannelOptOut.objects.bulk_create(
        [
            ChannelOptOut(recipient_key=f"{PREFIX}{i}", channel="sms", source="staff")
            for i in range(0, args.customers, 100)
        ],
        ignore_conflicts=True,
    )
    clear()
    rows = rows_for(args.customers)
    try:
        measure("first registration (all new)", rows)
        measure("again (all exist)", rows)
    finally:
        clear()


if __name__ == "__main__":
    main()
