"""Benchmark: import a billing file of 1,000,000 usage rows on PostgreSQL.

Generates a full-layout billing file (about 40,000 service points x 25
monthly periods, with customers, premises, dual fuel, move-ins, a few gaps),
then in the same run times:

1. a raw COPY of the same rows into a bare table (no keys, no rules): the
   ceiling;
2. the full import (`billing.services.data_file_import`: parsing, every
   rule, errors, eligibility holds, one transaction) into an empty database;
   (1 and 2 each --repeat times, 3 by default, alternating; the medians count)
3. the same file again with --force (every row unchanged).

and prints rows/s for each, the ratio import/COPY and the peak memory of
the process (ru_maxrss).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_issue3 \\
      .venv/bin/python bench/import_billing.py [--service-points 40000] [--periods 25]

It TRUNCATEs the billing tables of the database it is given: use your own.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from billing import notices  # noqa: E402
from billing.bulk import COPY_CHUNK_BYTES  # noqa: E402
from billing.importers.billing_file import LAYOUTS  # noqa: E402
from billing.models import ImportRun, RateCode  # noqa: E402
from billing.services import data_file_import  # noqa: E402
from billing.tasks import billing_import_followup_task  # noqa: E402

BILLING_TABLES = [
    "billing_importrowerror",
    "billing_importrun",
    "billing_eligibilityhold",
    "billing_customeraccess",
    "billing_intervalread",
    "billing_usagevalue",
    "billing_account",
    "billing_customer",
    "billing_servicepoint",
    "billing_premise",
]
STREETS = ["Oak St", "Maple Ave", "W Washington St", "N Grand Ave", "Cedar Ln", "Elm St"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def month_ends(first: date, count: int) -> list[tuple[str, int]]:
    ends = []
    start = first
    for _ in range(count):
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        ends.append((end.strftime("%Y%m%d"), (end - start).days + 1))
        start = end + timedelta(days=1)
    return ends


def generate(path: Path, service_points: int, periods: int) -> int:
    """Write the file; return the number of data rows."""
    ends = month_ends(date(2022, 1, 1), periods)
    rows = 0
    premise = 0
    sp_count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("\t".join(LAYOUTS["full"]) + "\n")
        while sp_count < service_points:
            premise += 1
            fuels = ["electric", "gas"] if premise % 3 else ["electric"]
            moved = premise % 14 == 0  # a new occupant part-way
            for fuel in fuels[: service_points - sp_count]:
                sp_count += 1
                sp = f"P{premise:07d}-{fuel[0].upper()}"
                unit, rate = ("kWh", "RES-1") if fuel == "electric" else ("therm", "GAS-R")
                for index, (date_to, duration) in enumerate(ends):
                    new_occupant = moved and index >= periods // 2
                    customer = f"C{premise:07d}" + ("N" if new_occupant else "")
                    account = f"A{premise:07d}{fuel[0].upper()}" + ("N" if new_occupant else "")
                    active = ends[periods // 2 - 1][0] if new_occupant else "20150301"
                    if new_occupant:
                        active_day = date(int(active[:4]), int(active[4:6]), int(active[6:]))
                        active = (active_day + timedelta(days=1)).strftime("%Y%m%d")
                    # About 1 in 500 service points skips a month: a gap.
                    if premise % 500 == 7 and index == 10:
                        continue
                    value = 300 + (premise * 37 + index * 53) % 900
                    fields = [
                        customer,
                        f"P{premise:07d}",
                        "",
                        "residential",
                        "Ana",
                        f"Lopez{premise % 997}",
                        f"ana.{premise}@example.com",
                        "217 555 0100",
                        "en",
                        account,
                        active,
                        "",
                        rate,
                        f"{premise % 20 + 1:02d}",
                        sp,
                        str(100 + premise % 9000),
                        STREETS[premise % len(STREETS)],
                        "",
                        "Springfield",
                        "IL",
                        "62701",
                        str(900 + premise % 2000),
                        "single_family",
                        "gas",
                        "1980",
                        fuel,
                        f"M{premise:08d}{fuel[0]}",
                        "ami" if fuel == "electric" else "amr",
                        date_to,
                        str(duration),
                        f"{value}.{index % 10}",
                        f"{value * 0.14:.2f}",
                        "A" if index % 29 else "E",
                        unit,
                    ]
                    out.write("\t".join(fields) + "\n")
                    rows += 1
    return rows


def reset_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(BILLING_TABLES)} CASCADE")
    for code in ("RES-1", "GAS-R"):
        RateCode.objects.get_or_create(code=code, defaults={"description": code})


def raw_copy(path: Path) -> float:
    """COPY the file's rows into a bare table with the same columns; seconds."""
    dates = {"active_date", "inactive_date", "date_to"}
    numbers = {"usage_value", "usage_charge"}
    integers = {"duration", "bldg_sq_foot", "year_built"}

    def kind(column):
        if column in dates:
            return "date"
        if column in numbers:
            return "numeric"
        if column in integers:
            return "integer"
        return "text"

    columns = ", ".join(f"{c} {kind(c)}" for c in LAYOUTS["full"])
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_billing_raw")
        cursor.execute(f"CREATE TABLE bench_billing_raw ({columns})")
    started = time.perf_counter()
    with path.open("rb") as handle:
        handle.readline()  # header
        raw = connection.connection
        with (
            raw.cursor() as cursor,
            cursor.copy("COPY bench_billing_raw FROM STDIN WITH (NULL '')") as copy,
        ):
            while chunk := handle.read(COPY_CHUNK_BYTES):
                copy.write(chunk)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_billing_raw")
        copied = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_billing_raw")
    print(f"  raw COPY: {copied:,} rows")
    return elapsed


def model_floor(table: str, columns: list[str]) -> tuple[float, float]:
    """The cost of storing the rows already in `table` once more with its
    keys, indexes and foreign keys but none of the import's rules: TRUNCATE,
    INSERT ... SELECT, then run the deferred foreign-key checks; rolled back.

    Returns (insert seconds, foreign-key check seconds).
    """
    names = ", ".join(columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"CREATE TEMP TABLE floor_src ON COMMIT DROP AS SELECT {names} FROM {table}")
        cursor.execute(f"TRUNCATE {table}")
        started = time.perf_counter()
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM floor_src")
        insert = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        checks = time.perf_counter() - started
        transaction.set_rollback(True)
    return insert, checks


class PhaseClock:
    def __init__(self):
        self.started = time.perf_counter()
        self.phases: dict[str, float] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase not in self.phases:
            self.phases[phase] = time.perf_counter() - self.started

    def describe(self, total: float) -> str:
        marks = [*self.phases.items(), ("done", total)]
        return ", ".join(
            f"{name} {marks[i + 1][1] - at:.1f}s" for i, (name, at) in enumerate(marks[:-1])
        )


class HeldFollowUps:
    """Stands in for `billing_import_followup_task.delay`: in production a worker
    runs the follow-up after the import commits, so it is timed apart."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __call__(self, *args) -> None:
        self.calls.append(args)

    def run(self) -> tuple[float, int]:
        started = time.perf_counter()
        customers = 0
        for run_pk, customer_pks, periods in self.calls:
            customers += len(customer_pks)
            notices.billing_import_followup(
                run_pk=run_pk,
                customer_pks=customer_pks,
                billing_periods=notices.periods_from_json(periods),
            )
        self.calls.clear()
        return time.perf_counter() - started, customers


def spread(timings: list[float]) -> str:
    return " / ".join(f"{t:.1f}" for t in timings)


def timed_import(path: Path, *, force: bool) -> tuple[float, ImportRun, PhaseClock]:
    clock = PhaseClock()
    started = time.perf_counter()
    run = data_file_import(path=path, kind="billing", force=force, progress=clock)
    return time.perf_counter() - started, run, clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--service-points", type=int, default=40_000)
    parser.add_argument("--periods", type=int, default=25)
    parser.add_argument("--directory", type=Path, default=None)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="Time the raw COPY and the full import this many times; the median counts.",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (set DATABASE_URL).")
    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory(dir=args.directory) as directory:
        path = Path(directory) / "opwr_pve_res_v1-19-0_full_20260101020000.tsv"
        started = time.perf_counter()
        rows = generate(path, args.service_points, args.periods)
        size = path.stat().st_size
        print(
            f"Generated {rows:,} rows ({size / 1e6:,.0f} MB) for {args.service_points:,} "
            f"service points in {time.perf_counter() - started:.1f}s"
        )
        # The machine's speed drifts from minute to minute (other work, the
        # server's checkpoints): each is timed --repeat times, alternating,
        # and the medians are compared.
        copies, imports = [], []
        held = HeldFollowUps()
        billing_import_followup_task.delay = held
        rss_before = peak_rss_mb()
        for _ in range(args.repeat):
            reset_database()
            copies.append(raw_copy(path))
            reset_database()
            seconds, run, clock = timed_import(path, force=False)
            if run.status != "succeeded":
                sys.exit(f"{run.file_name}: {run.message}")
            imports.append((seconds, clock))
            if len(imports) < args.repeat:
                held.calls.clear()
        copy_seconds = statistics.median(copies)
        import_seconds, clock = sorted(imports, key=lambda pair: pair[0])[len(imports) // 2]
        followup_seconds, followup_customers = held.run()
        floor_insert, floor_checks = model_floor(
            "billing_usagevalue",
            [
                "service_point_id",
                "date_to",
                "duration",
                "usage_value",
                "usage_charge",
                "is_estimate",
                "unit",
                "created_at",
                "updated_at",
            ],
        )
        force_seconds, forced, force_clock = timed_import(path, force=True)
        if forced.status != "succeeded":
            sys.exit(f"{forced.file_name}: {forced.message}")
        held.run()
        rss = peak_rss_mb()

    print(f"  import:   {run.summary_line}; {run.details}")
    print(f"  forced:   {forced.summary_line}")
    print()
    print(f"{'':24}{'seconds':>10}{'rows/s':>12}{'x COPY':>9}")
    for label, seconds in (
        ("raw COPY (bare table)", copy_seconds),
        ("model floor (see below)", floor_insert + floor_checks),
        ("full import", import_seconds),
        ("re-import, --force", force_seconds),
    ):
        print(f"{label:24}{seconds:>10.1f}{rows / seconds:>12,.0f}{seconds / copy_seconds:>9.2f}")
    print()
    print(
        f"model floor: INSERT of the same {rows:,} periods into billing_usagevalue "
        f"{floor_insert:.1f}s + its deferred foreign-key checks {floor_checks:.1f}s "
        "(keys and indexes; no rules; no foreign key to the service point since billing 0005)"
    )
    print(
        f"each of {args.repeat} runs (the median counts): raw COPY {spread(copies)} s; "
        f"full import {spread([seconds for seconds, _ in imports])} s"
    )
    print(f"full import phases (median run): {clock.describe(import_seconds)}")
    print(
        f"follow-up task after the import (a worker's job in production, not in the import's "
        f"time): contact points and bill alerts for {followup_customers:,} customers "
        f"{followup_seconds:.1f}s"
    )
    print(f"--force phases:     {force_clock.describe(force_seconds)}")
    print(f"peak memory (ru_maxrss): {rss:,.0f} MB (before the imports: {rss_before:,.0f} MB)")


if __name__ == "__main__":
    main()
