"""Benchmark: import an interval (AMI) file of 10,000,000 hourly reads on PostgreSQL.

Creates 40,000 service points (not timed), generates an hourly file (250
hours per service point, across the end of daylight saving so the repeated
hour carries its UTC offset), then in the same run times:

1. a raw COPY of the same rows into a bare table (no keys, no rules): the
   ceiling;
2. the full import (`billing.services.data_file_import`: parsing, local time
   to UTC, every check, corrections, one transaction) into an empty table
   (1 and 2 each --repeat times, 3 by default, alternating; the medians count);
3. optionally (--force) the same file again, every read unchanged.

and prints rows/s for each, the ratio import/COPY and the peak memory of
the process (ru_maxrss).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_issue3 \\
      .venv/bin/python bench/import_interval.py [--service-points 40000] [--hours 250]

It TRUNCATEs the billing tables of the database it is given: use your own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from import_billing import (  # noqa: E402
    BILLING_TABLES,
    PhaseClock,
    model_floor,
    peak_rss_mb,
    spread,
)

from billing.bulk import COPY_CHUNK_BYTES  # noqa: E402
from billing.importers.interval_file import COLUMN_TITLES  # noqa: E402
from billing.services import data_file_import  # noqa: E402


def service_points_create(count: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(BILLING_TABLES)} CASCADE")
        cursor.execute(
            """
            INSERT INTO billing_premise (premise_id, house_number, street_name, unit, city, state,
              zip_code, dwelling_type, heating_fuel, created_at, updated_at)
            SELECT 'IP' || g, g::text, 'Main St', '', 'Springfield', 'IL', '62701', '', '',
                   now(), now()
            FROM generate_series(1, %s) g
            """,
            [count],
        )
        cursor.execute(
            """
            INSERT INTO billing_servicepoint (service_point_id, premise_id, fuel, meter_id,
              meter_type, created_at, updated_at)
            SELECT 'S' || substr(p.premise_id, 3) || '-E', p.id, 'electric', '', 'ami', now(),
                   now()
            FROM billing_premise p
            """
        )


def hours(count: int) -> list[str]:
    """(date, time, offset) of `count` hourly interval ends, local time."""
    zone = ZoneInfo(settings.TIME_ZONE)
    end = datetime(2024, 10, 25, 1, tzinfo=zone).astimezone(UTC)
    stamps = []
    for _ in range(count):
        local = end.astimezone(zone)
        minutes = int(local.utcoffset().total_seconds() // 60)
        offset = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
        stamps.append(f"{local:%Y%m%d}\t{local:%H%M}\tkWh\t{{}}\t{offset}")
        end += timedelta(hours=1)
    return stamps


def generate(path: Path, service_points: int, count: int) -> int:
    stamps = hours(count)
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("\t".join(COLUMN_TITLES) + "\n")
        for n in range(1, service_points + 1):
            code = f"S{n}-E"
            lines = []
            for h, stamp in enumerate(stamps):
                value = ((n * 7 + h * 13) % 400) / 100 + 0.05
                flag = "E" if (n + h) % 97 == 0 else "A"
                lines.append(f"{code}\t{value:.3f}\t{stamp.format(flag)}\n")
            out.write("".join(lines))
            rows += len(lines)
    return rows


def reads_clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE billing_intervalread, billing_importrowerror, billing_importrun")


def raw_copy(path: Path) -> float:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_interval_raw")
        cursor.execute(
            "CREATE TABLE bench_interval_raw (service_point_id text, usage_value numeric, "
            "date date, time text, units text, is_estimate text, utc_offset text)"
        )
    started = time.perf_counter()
    with path.open("rb") as handle:
        handle.readline()
        with (
            connection.connection.cursor() as cursor,
            cursor.copy("COPY bench_interval_raw FROM STDIN WITH (NULL '')") as copy,
        ):
            while chunk := handle.read(COPY_CHUNK_BYTES):
                copy.write(chunk)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_interval_raw")
        print(f"  raw COPY: {cursor.fetchone()[0]:,} rows")
        cursor.execute("DROP TABLE bench_interval_raw")
    return elapsed


def timed_import(path: Path, *, force: bool):
    clock = PhaseClock()
    started = time.perf_counter()
    run = data_file_import(path=path, kind="interval", force=force, progress=clock)
    return time.perf_counter() - started, run, clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--service-points", type=int, default=40_000)
    parser.add_argument("--hours", type=int, default=250)
    parser.add_argument("--force", action="store_true", help="Also time a re-import.")
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
    service_points_create(args.service_points)
    with tempfile.TemporaryDirectory(dir=args.directory) as directory:
        path = Path(directory) / "opwr_pve_res_v1-19-0_interval60_20241105020000.tsv"
        started = time.perf_counter()
        rows = generate(path, args.service_points, args.hours)
        print(
            f"Generated {rows:,} reads ({path.stat().st_size / 1e6:,.0f} MB) for "
            f"{args.service_points:,} service points in {time.perf_counter() - started:.1f}s"
        )
        # Each timed --repeat times, alternating; the medians are compared
        # (see import_billing.py).
        copies, imports = [], []
        rss_before = peak_rss_mb()
        for _ in range(args.repeat):
            copies.append(raw_copy(path))
            reads_clear()
            seconds, run, clock = timed_import(path, force=False)
            if run.status != "succeeded":
                sys.exit(f"{run.file_name}: {run.message}")
            imports.append((seconds, clock))
        print(f"  import:   {run.summary_line}")
        copy_seconds = statistics.median(copies)
        seconds, clock = sorted(imports, key=lambda pair: pair[0])[len(imports) // 2]
        timings = [("raw COPY (bare table)", copy_seconds, None)]
        floor_insert, floor_checks = model_floor(
            "billing_intervalread",
            ["service_point_id", "interval_end", "interval_minutes", "value", "is_estimate"],
        )
        timings.append(("model floor (see below)", floor_insert + floor_checks, None))
        timings.append(("full import", seconds, clock))
        if args.force:
            seconds, forced, force_clock = timed_import(path, force=True)
            if forced.status != "succeeded":
                sys.exit(f"{forced.file_name}: {forced.message}")
            print(f"  forced:   {forced.summary_line}")
            timings.append(("re-import, --force", seconds, force_clock))
        rss = peak_rss_mb()

    print()
    print(f"{'':24}{'seconds':>10}{'rows/s':>12}{'x COPY':>9}")
    for label, seconds, _ in timings:
        print(f"{label:24}{seconds:>10.1f}{rows / seconds:>12,.0f}{seconds / copy_seconds:>9.2f}")
    print()
    print(
        f"model floor: INSERT of the same {rows:,} reads into billing_intervalread "
        f"{floor_insert:.1f}s + its deferred foreign-key checks {floor_checks:.1f}s "
        "(primary key; no rules; no foreign key to the service point since billing 0005)"
    )
    print(
        f"each of {args.repeat} runs (the median counts): raw COPY {spread(copies)} s; "
        f"full import {spread([seconds for seconds, _ in imports])} s"
    )
    for label, seconds, clock in timings:
        if clock is not None:
            print(
                f"{label} phases{' (median run)' if label == 'full import' else ''}: "
                f"{clock.describe(seconds)}"
            )
    print(f"peak memory (ru_maxrss): {rss:,.0f} MB (before the imports: {rss_before:,.0f} MB)")


if __name__ == "__main__":
    main()
