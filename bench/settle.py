"""Settle one peak event for 100,000 participants with hourly reads (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_issue6 \\
        .venv/bin/python bench/settle.py [--participants 100000] [--method high-x-of-y]

Builds (once; --reuse keeps it between runs) a population of smart-metered
homes with 15 days of hourly reads, a program and a completed event, then
times, in the same run and over the same reads:

- a single SQL aggregation (sum of every participant's reads in the
  settlement window, grouped by service point): the floor;
- the set-based settlement (rebates.settlement.write_sql) and the write-back
  (results_apply), as peak_event_settle runs them.

Each is run 3 times; medians are reported with the ratio (target: within 5x).
The pure-Python path is timed on a sample for reference. --drop removes the
bench data afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from billing.models import RateCode  # noqa: E402
from rebates import services, settlement  # noqa: E402
from rebates.models import (  # noqa: E402
    EventResult,
    EventStatus,
    PeakEvent,
    PtrProgram,
    ResultStatus,
    Track,
)

CODE = "bench-settle"
EVENT_DAY = dt.date(2026, 7, 15)  # a Wednesday
FIRST_DAY = EVENT_DAY - dt.timedelta(days=14)
PREFIX = "BENCH"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def population_build(count: int) -> None:
    """Premises, customers, service points, accounts and 15 days of hourly reads."""
    now = timezone.now()
    rate, _ = RateCode.objects.get_or_create(code="BENCH-RES", defaults={"description": "bench"})
    with connection.cursor() as c:
        log(f"premises, customers, service points, accounts for {count:,} homes")
        c.execute(
            """INSERT INTO billing_premise (premise_id, house_number, street_name, unit, city,
                   state, zip_code, dwelling_type, heating_fuel, created_at, updated_at)
               SELECT %s || g, g::text, 'Bench St', '', 'Springfield', 'IL',
                      (62701 + g %% 5)::text, '', '', %s, %s
               FROM generate_series(1, %s) g""",
            [f"{PREFIX}P", now, now, count],
        )
        c.execute(
            """INSERT INTO billing_customer (customer_id, premise_id, secondary_id, first_name,
                   last_name, customer_type, language, email, phone, created_at, updated_at)
               SELECT %s || substr(p.premise_id, 7), p.id, '', 'Bench', 'Home', 'residential',
                      'en', '', '', %s, %s
               FROM billing_premise p WHERE p.premise_id LIKE %s""",
            [f"{PREFIX}C", now, now, f"{PREFIX}P%"],
        )
        c.execute(
            """INSERT INTO billing_servicepoint (service_point_id, premise_id, fuel, meter_id,
                   meter_type, created_at, updated_at)
               SELECT %s || substr(p.premise_id, 7), p.id, 'electric', '', 'ami', %s, %s
               FROM billing_premise p WHERE p.premise_id LIKE %s""",
            [f"{PREFIX}S", now, now, f"{PREFIX}P%"],
        )
        c.execute(
            """INSERT INTO billing_account (account_id, customer_id, service_point_id,
                   active_date, rate_code_id, read_cycle, created_at, updated_at)
               SELECT %s || substr(s.service_point_id, 7), cu.id, s.id, '2020-01-01', %s, '01',
                      %s, %s
               FROM billing_servicepoint s JOIN billing_customer cu ON cu.premise_id = s.premise_id
               WHERE s.service_point_id LIKE %s""",
            [f"{PREFIX}A", rate.pk, now, now, f"{PREFIX}S%"],
        )
        log("hourly reads (15 days; about 1% of homes miss an event-hour read)")
        start = dt.datetime.combine(FIRST_DAY, dt.time(0), tzinfo=dt.UTC)
        started = time.perf_counter()
        # The rows reference the service points just created; skip the per-row
        # foreign-key trigger (superuser only) so the load takes minutes, not an hour.
        replica = _try(c, "SET session_replication_role = replica")
        c.execute(
            """INSERT INTO billing_intervalread
                   (service_point_id, interval_end, interval_minutes, value, is_estimate)
               SELECT s.id, t, 60,
                      round((0.3 + random() * 2.5
                             * (1 + 0.6 * (extract(hour from t AT TIME ZONE 'America/Chicago')
                                           BETWEEN 16 AND 21)::int))::numeric, 4),
                      false
               FROM billing_servicepoint s
               CROSS JOIN generate_series(%s::timestamptz + interval '1 hour',
                                          %s::timestamptz, interval '1 hour') t
               WHERE s.service_point_id LIKE %s
                 AND NOT (s.id %% 100 = 7 AND t = %s::timestamptz)""",
            [
                start,
                start + dt.timedelta(days=16),
                f"{PREFIX}S%",
                dt.datetime(2026, 7, 15, 22, tzinfo=dt.UTC),  # 16:00–17:00 CDT on event day
            ],
        )
        rows = c.rowcount
        if replica:
            c.execute("SET session_replication_role = DEFAULT")
        elapsed = time.perf_counter() - started
        log(f"{rows:,} reads in {elapsed:,.0f}s ({rows / elapsed:,.0f} rows/s)")
        c.execute("ANALYZE billing_intervalread")


def _try(cursor, sql: str) -> bool:
    try:
        with transaction.atomic():
            cursor.execute(sql)
    except Exception:  # noqa: BLE001 - not a superuser: load with the trigger
        return False
    return True


def program_build() -> PtrProgram:
    track, _ = Track.objects.get_or_create(name="Bench track", defaults={"channels": "email"})
    program, _ = PtrProgram.objects.get_or_create(
        code=CODE,
        defaults={
            "name": "Bench PTR",
            "season_starts_on": dt.date(2026, 1, 1),
            "season_ends_on": dt.date(2026, 12, 31),
            "rebate_per_kwh": "1.25",
            "baseline_method": "high-x-of-y",
            "baseline_params": {"x": 5, "y": 10},
            "default_track": track,
            "is_active": False,
        },
    )
    program.eligible_rate_codes.set(RateCode.objects.filter(code="BENCH-RES"))
    return program


def event_build(program: PtrProgram, method: str, params: dict) -> PeakEvent:
    program.baseline_method, program.baseline_params = method, params
    program.save()
    PeakEvent.objects.filter(program=program).delete()
    event = PeakEvent(
        program=program,
        start_date=EVENT_DAY,
        end_date=EVENT_DAY,
        start_time=dt.time(16),
        end_time=dt.time(20),
        baseline_method=method,
        baseline_params=program.baseline_params,
        status=EventStatus.SCHEDULED,
    )
    event.starts_at, event.ends_at = event.window(EVENT_DAY)
    event.save()
    program.participants.all().delete()
    elapsed, counts = timed(
        services.ptr_participants_sync,
        program=program,
        on=EVENT_DAY,
        now=event.starts_at - dt.timedelta(days=1),
    )
    log(f"participants sync: {counts.created:,} created in {elapsed:.1f}s")
    with transaction.atomic():
        elapsed, created = timed(
            services.peak_event_announce, event=event, now=event.starts_at - dt.timedelta(hours=2)
        )
        log(f"announce (one pending result each, INSERT … SELECT): {created:,} in {elapsed:.2f}s")
        for status in (EventStatus.IN_PROGRESS, EventStatus.COMPLETED):
            services.peak_event_transition(event=event, to=status)
    return event


def aggregation(plan, ids) -> tuple[int, int]:
    t0, t1 = plan.utc_range
    with connection.cursor() as c:
        c.execute(
            """SELECT COUNT(*), SUM(n) FROM (
                   SELECT r.service_point_id, SUM(r.value) AS kwh, COUNT(*) AS n
                   FROM rebates_eventresult er
                   JOIN rebates_participant p ON p.id = er.participant_id
                   JOIN billing_intervalread r
                     ON r.service_point_id = p.service_point_id
                    AND r.interval_end > %s AND r.interval_end <= %s
                   WHERE er.id = ANY(%s)
                   GROUP BY r.service_point_id) x""",
            [t0, t1, ids],
        )
        groups, reads = c.fetchone()
    return groups, int(reads)


def reset(event) -> None:
    EventResult.objects.filter(event=event).update(
        status=ResultStatus.PENDING,
        reason_code="awaiting_settlement",
        reason="bench",
        baseline_kwh=None,
        actual_kwh=None,
        savings_kwh=None,
        rebate=None,
        settled_at=None,
        detail={},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--method", default="high-x-of-y")
    parser.add_argument("--param", action="append", default=[], help="KEY=VALUE")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep existing bench data")
    parser.add_argument("--drop", action="store_true", help="delete the bench data at the end")
    parser.add_argument("--python-sample", type=int, default=2000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL (set DATABASE_URL).")
    params = dict(item.split("=", 1) for item in args.param) or (
        {"x": 5, "y": 10} if args.method == "high-x-of-y" else {}
    )

    have = RateCode.objects.filter(code="BENCH-RES", accounts__isnull=False).count()
    if have and not args.reuse:
        log(f"dropping the previous bench data ({have:,} accounts)")
        drop()
        have = 0
    if not have:
        population_build(args.participants)
    program = program_build()
    event = event_build(program, args.method, params)
    ids = list(EventResult.objects.filter(event=event).values_list("pk", flat=True))
    plan = settlement.settlement_plan_for_event(event)
    log(f"event {event} · {len(ids):,} participants · method {args.method} {plan.params}")

    agg_times, settle_times, apply_times = [], [], []
    for run in range(1, args.runs + 1):
        elapsed, (groups, reads) = timed(aggregation, plan, ids)
        agg_times.append(elapsed)
        log(
            f"run {run}: single aggregation   {elapsed:7.2f}s  ({reads:,} reads, {groups:,} groups)"
        )
        reset(event)
        with transaction.atomic():
            compute, _ = timed(settlement.write_sql, plan, ids)
            write, counts = timed(settlement.results_apply, now=timezone.now(), reason="bench")
        settle_times.append(compute + write)
        apply_times.append(write)
        log(
            f"run {run}: settlement           {compute + write:7.2f}s  (compute {compute:.2f}s, "
            f"write {write:.2f}s; {counts.get('settled', 0):,} settled, "
            f"{counts.get('pending', 0):,} pending)"
        )
    sample = ids[: args.python_sample]
    with transaction.atomic():
        py, _ = timed(settlement.write_python, plan, settlement.targets_load(sample))
        transaction.set_rollback(True)
    agg, settle = statistics.median(agg_times), statistics.median(settle_times)
    print()
    print(f"participants              {len(ids):>12,}")
    print(f"reads in the window       {reads:>12,}")
    print(f"single SQL aggregation    {agg:>11.2f}s  ({reads / agg:,.0f} reads/s)")
    print(
        f"set-based settlement      {settle:>11.2f}s  ({reads / settle:,.0f} reads/s, "
        f"{len(ids) / settle:,.0f} participants/s; "
        f"write-back {statistics.median(apply_times):.2f}s)"
    )
    print(f"ratio                     {settle / agg:>11.2f}x  (target ≤ 5x)")
    print(f"python path (reference)   {len(sample) / py:>11,.0f} participants/s on {len(sample):,}")
    if args.drop:
        drop()


def drop() -> None:
    with connection.cursor() as c:
        c.execute(
            "DELETE FROM rebates_settlementadjustment WHERE result_id IN (SELECT er.id FROM "
            "rebates_eventresult er JOIN rebates_peakevent e ON e.id = er.event_id "
            "JOIN rebates_ptrprogram p ON p.id = e.program_id WHERE p.code = %s)",
            [CODE],
        )
    PeakEvent.objects.filter(program__code=CODE).delete()
    PtrProgram.objects.filter(code=CODE).delete()
    with connection.cursor() as c:
        like = f"{PREFIX}%"
        c.execute(
            "DELETE FROM billing_intervalread WHERE service_point_id IN "
            "(SELECT id FROM billing_servicepoint WHERE service_point_id LIKE %s)",
            [like],
        )
        c.execute("DELETE FROM billing_account WHERE account_id LIKE %s", [like])
        c.execute("DELETE FROM billing_customer WHERE customer_id LIKE %s", [like])
        c.execute("DELETE FROM billing_servicepoint WHERE service_point_id LIKE %s", [like])
        c.execute("DELETE FROM billing_premise WHERE premise_id LIKE %s", [like])
    log("bench data dropped")


if __name__ == "__main__":
    main()
