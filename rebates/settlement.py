"""Settlement: every participant's baseline, actual use, savings and rebate.

Two implementations of one set of rules, tested to agree to the last digit:

- ``compute_sql`` (PostgreSQL): one set-based statement over the interval
  reads of every participant at once — no Python loop over reads;
- ``compute_python`` (any database, the path on SQLite): the reads of a batch
  of participants in one query, then the pure functions of
  rebates.intervals, rebates.similar_days and rebates.baselines per
  participant. `manage.py ptr_explain` runs the same functions on a CSV.

Both write their rows to a temporary table; ``results_apply`` then updates
the EventResult rows and records an adjustment for every result customers
were already told about that changes (never a silent rewrite).

The rules, per event day (multi-day events are settled day by day and
summed):

1. candidate days are the similar days before the event day
   (rebates.similar_days), on or after the account's active date (a new
   occupant never inherits the previous one's usage); fewer candidates than
   the method needs, or an event day before the active date, cannot be
   settled (``insufficient_history``, final);
2. the event day must have complete reads for every hour the method needs
   (event hours, and the adjustment window) or the result stays pending
   (``missing_event_reads``);
3. the method takes the most recent complete candidate days; too few, and
   the result stays pending (``missing_baseline_reads``) until data arrives.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_noop

from billing.models import IntervalRead
from rebates.baselines import (
    ZERO,
    BaselineMethod,
    DayOutcome,
    Outcome,
    Selection,
    method_get,
)
from rebates.intervals import (
    Usage,
    day_is_complete,
    expected_minutes,
    hour_phase_minutes,
    local_hour_starts,
    usage_by_hour,
)
from rebates.similar_days import similar_days

SETTLED = "settled"
PENDING = "pending"
NOT_SETTLEABLE = "not_settleable"

INSUFFICIENT_HISTORY = "insufficient_history"
MISSING_EVENT_READS = "missing_event_reads"
MISSING_BASELINE_READS = "missing_baseline_reads"

REASON_TEXT = {
    INSUFFICIENT_HISTORY: gettext_noop(
        "Not enough history: {found} similar days before {day} since the account started; "
        "the baseline needs {needed}."
    ),
    MISSING_EVENT_READS: gettext_noop(
        "Interval data for the event hours on {day} is missing or incomplete."
    ),
    MISSING_BASELINE_READS: gettext_noop(
        "Only {found} of the {needed} baseline days before {day} have complete interval data."
    ),
}

OUT_TABLE = "ptr_settle_out"


# The plan: which days and hours, the same for every participant
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayPlan:
    day: dt.date
    candidates: tuple[dt.date, ...]  # most recent first


@dataclass(frozen=True)
class SettlementPlan:
    method: BaselineMethod
    params: dict
    zone: zoneinfo.ZoneInfo
    event_hours: tuple[int, ...]
    days: tuple[DayPlan, ...]

    @cached_property
    def window_hours(self) -> tuple[int, ...]:
        return tuple(self.method.window_hours(self.event_hours, self.params))

    @cached_property
    def required_hours(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.event_hours) | set(self.window_hours)))

    @cached_property
    def history_days(self) -> int:
        return self.method.history_days(self.params)

    @cached_property
    def all_days(self) -> tuple[dt.date, ...]:
        days = {d.day for d in self.days}
        for day_plan in self.days:
            days.update(day_plan.candidates)
        return tuple(sorted(days))

    @cached_property
    def _expected(self) -> dict[dt.date, dict[int, int]]:
        return {day: expected_minutes(day, self.zone) for day in self.all_days}

    def expected(self, day: dt.date) -> dict[int, int]:
        return self._expected[day]

    @cached_property
    def utc_range(self) -> tuple[dt.datetime, dt.datetime]:
        """Reads with interval_end in (start, end] cover every day of the plan."""
        first, last = self.all_days[0], self.all_days[-1] + dt.timedelta(days=1)
        start = dt.datetime.combine(first, dt.time(0), tzinfo=self.zone).astimezone(dt.UTC)
        end = dt.datetime.combine(last, dt.time(0), tzinfo=self.zone).astimezone(dt.UTC)
        return start, end

    def slots(self) -> list[tuple[dt.datetime, dt.date, int, int]]:
        """(UTC hour start, local day, clock hour, expected minutes) of every needed hour."""
        rows = []
        for day in self.all_days:
            starts = local_hour_starts(day, self.zone)
            for hour in self.required_hours:
                for start in starts.get(hour, ()):
                    rows.append((start, day, hour, 60 * len(starts[hour])))
        return rows


def settlement_plan_build(
    *,
    method: BaselineMethod,
    params: dict,
    zone: zoneinfo.ZoneInfo,
    event_days: Sequence[dt.date],
    event_hours: Sequence[int],
    lookback_days: int,
    holidays: Collection[dt.date] = (),
    excluded: Collection[dt.date] = (),
) -> SettlementPlan:
    """The plan for an event (pure). The event's own days are always excluded."""
    never = set(excluded) | set(event_days)
    days = tuple(
        DayPlan(
            day=day,
            candidates=similar_days(
                day, lookback_days=lookback_days, holidays=holidays, excluded=never
            ),
        )
        for day in sorted(event_days)
    )
    return SettlementPlan(
        method=method,
        params=method.params_clean(params),
        zone=zone,
        event_hours=tuple(sorted(event_hours)),
        days=days,
    )


def settlement_plan_for_event(event) -> SettlementPlan:
    from rebates.models import EventStatus, ExcludedDayKind, PeakEvent

    program = event.program
    excluded_days = list(program.excluded_days.values_list("day", "kind"))
    holidays = {day for day, kind in excluded_days if kind == ExcludedDayKind.HOLIDAY}
    excluded: set[dt.date] = set()
    if program.exclude_outage_days:
        excluded |= {day for day, kind in excluded_days if kind != ExcludedDayKind.HOLIDAY}
    if program.exclude_prior_event_days:
        others = PeakEvent.objects.filter(program=program, start_date__lt=event.end_date).exclude(
            status=EventStatus.CANCELLED
        )
        for other in others.exclude(pk=event.pk):
            excluded.update(other.days)
    return settlement_plan_build(
        method=method_get(event.baseline_method),
        params=event.baseline_params,
        zone=zoneinfo.ZoneInfo(settings.TIME_ZONE),
        event_days=event.days,
        event_hours=event.hours,
        lookback_days=program.baseline_lookback_days,
        holidays=holidays,
        excluded=excluded,
    )


# One participant, in Python (the pure path)
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantOutcome:
    status: str
    code: str = ""
    day: dt.date | None = None
    found: int | None = None
    needed: int | None = None
    outcome: Outcome | None = None

    @property
    def reason(self) -> str:
        if not self.code:
            return ""
        return REASON_TEXT[self.code].format(day=self.day, found=self.found, needed=self.needed)


def participant_outcome(
    plan: SettlementPlan, usage: Usage, *, active_from: dt.date | None, rate: Decimal
) -> ParticipantOutcome:
    """Settle one participant from their reads by local clock hour."""
    needed = plan.history_days
    required = plan.required_hours
    problems: list[ParticipantOutcome] = []
    day_outcomes = []
    for day_plan in plan.days:
        day = day_plan.day
        eligible = [d for d in day_plan.candidates if active_from is None or d >= active_from]
        if (active_from is not None and day < active_from) or len(eligible) < needed:
            problems.append(
                ParticipantOutcome(NOT_SETTLEABLE, INSUFFICIENT_HISTORY, day, len(eligible), needed)
            )
            continue
        event_usage = usage.get(day)
        if not day_is_complete(event_usage, expected=plan.expected(day), hours=required):
            problems.append(ParticipantOutcome(PENDING, MISSING_EVENT_READS, day))
            continue
        complete = [
            d
            for d in eligible
            if day_is_complete(usage.get(d), expected=plan.expected(d), hours=required)
        ][:needed]
        if len(complete) < needed:
            problems.append(
                ParticipantOutcome(PENDING, MISSING_BASELINE_READS, day, len(complete), needed)
            )
            continue
        history = [(d, {h: usage[d][h].kwh for h in required}) for d in complete]
        event_reads = {h: event_usage[h].kwh for h in required}
        baseline = plan.method.compute(
            history=history,
            event_hours=plan.event_hours,
            event_day=event_reads,
            params=plan.params,
        )
        actual = {h: event_reads[h] for h in plan.event_hours}
        day_outcomes.append(DayOutcome(day=day, baseline=baseline, actual=actual))
    if problems:
        final = [p for p in problems if p.status == NOT_SETTLEABLE]
        return (final or problems)[0]
    return ParticipantOutcome(SETTLED, outcome=Outcome(days=tuple(day_outcomes), rate=rate))


def outcome_detail(outcome: Outcome) -> dict:
    """The JSON stored with a settled result (the SQL path builds the same)."""
    return {
        "days": {
            d.day.isoformat(): {
                "used": [u.isoformat() for u in d.baseline.days_used],
                "factor": None if d.baseline.adjustment is None else str(d.baseline.adjustment),
            }
            for d in outcome.days
        },
        "hours": [
            [d.day.isoformat(), hour, str(d.baseline.hourly[hour]), str(d.actual[hour])]
            for d in outcome.days
            for hour in sorted(d.actual)
        ],
    }


# The output table both paths write
# ------------------------------------------------------------------------------


@dataclass
class OutRow:
    rid: int
    status: str
    code: str = ""
    fact_day: str | None = None
    found: int | None = None
    needed: int | None = None
    baseline: Decimal | None = None
    actual: Decimal | None = None
    savings: Decimal | None = None
    rebate: Decimal | None = None
    detail: dict = field(default_factory=dict)

    @classmethod
    def from_outcome(cls, rid: int, po: ParticipantOutcome) -> OutRow:
        if po.status != SETTLED:
            return cls(
                rid=rid,
                status=po.status,
                code=po.code,
                fact_day=po.day.isoformat() if po.day else None,
                found=po.found,
                needed=po.needed,
            )
        o = po.outcome
        return cls(
            rid=rid,
            status=SETTLED,
            baseline=o.baseline_kwh,
            actual=o.actual_kwh,
            savings=o.savings_kwh,
            rebate=o.rebate,
            detail=outcome_detail(o),
        )


def _out_table_create(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {OUT_TABLE}")
    cursor.execute(
        f"""CREATE TEMPORARY TABLE {OUT_TABLE} (
            rid bigint PRIMARY KEY,
            status varchar(16) NOT NULL,
            code varchar(40) NOT NULL,
            fact_day varchar(10),
            found integer,
            needed integer,
            baseline numeric(14, 6),
            actual numeric(14, 6),
            savings numeric(14, 6),
            rebate numeric(10, 2),
            detail text NOT NULL
        )"""
    )


def _out_rows_insert(cursor, rows: Iterable[OutRow]) -> int:
    sql = (
        f"INSERT INTO {OUT_TABLE} (rid, status, code, fact_day, found, needed, baseline, "  # noqa: S608
        "actual, savings, rebate, detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    batch = [
        (
            r.rid,
            r.status,
            r.code,
            r.fact_day,
            r.found,
            r.needed,
            _num(r.baseline),
            _num(r.actual),
            _num(r.savings),
            _num(r.rebate),
            json.dumps(r.detail),
        )
        for r in rows
    ]
    if batch:
        cursor.executemany(sql, batch)
    return len(batch)


def _num(value: Decimal | None) -> str | None:
    # As text: SQLite would otherwise round-trip a Decimal through a float.
    return None if value is None else str(value)


# The Python path
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One result to settle: who, on which service point, from which day, at which rate."""

    rid: int
    service_point_id: int
    active_from: dt.date | None
    rate: Decimal


def targets_load(result_ids: Sequence[int]) -> list[Target]:
    from rebates.models import EventResult

    rows = EventResult.objects.filter(pk__in=result_ids).values_list(
        "pk", "participant__service_point_id", "participant__account__active_date", "rate"
    )
    return [Target(*row) for row in rows]


def compute_python(
    plan: SettlementPlan, targets: Sequence[Target], *, batch_size: int = 500
) -> list[OutRow]:
    """Settle in Python: one query per batch of participants, then the pure functions."""
    start, end = plan.utc_range
    out = []
    for offset in range(0, len(targets), batch_size):
        batch = targets[offset : offset + batch_size]
        reads: dict[int, list] = defaultdict(list)
        rows = (
            IntervalRead.objects.filter(
                service_point_id__in={t.service_point_id for t in batch},
                interval_end__gt=start,
                interval_end__lte=end,
            )
            .order_by()
            .values_list("service_point_id", "interval_end", "interval_minutes", "value")
        )
        for sp, interval_end, minutes, value in rows.iterator(chunk_size=10_000):
            reads[sp].append((interval_end, minutes, value))
        for target in batch:
            usage = usage_by_hour(reads.get(target.service_point_id, ()), plan.zone)
            outcome = participant_outcome(
                plan, usage, active_from=target.active_from, rate=target.rate
            )
            out.append(OutRow.from_outcome(target.rid, outcome))
    return out


def write_python(plan: SettlementPlan, targets: Sequence[Target]) -> int:
    rows = compute_python(plan, targets)
    with connection.cursor() as cursor:
        _out_table_create(cursor)
        return _out_rows_insert(cursor, rows)


# The SQL path (PostgreSQL)
# ------------------------------------------------------------------------------

# Stage 1: kWh and minutes of reads per participant, local day and clock hour.
# A read belongs to the UTC hour (shifted by the zone's phase) its interval
# ends in; the slot table maps those hours to (local day, clock hour).
HOURS_SQL = """
CREATE TEMPORARY TABLE ptr_hr AS
SELECT par.rid, s.d, s.h, SUM(r.value) AS kwh, SUM(r.interval_minutes) AS mins,
       MIN(s.em) AS em
FROM ptr_par par
JOIN billing_intervalread r
  ON r.service_point_id = par.sp AND r.interval_end > %(t0)s AND r.interval_end <= %(t1)s
JOIN ptr_slot s
  ON s.k = (date_part('epoch', r.interval_end)::bigint - %(shift)s) / 3600
WHERE s.d >= par.af
GROUP BY par.rid, s.d, s.h
"""

# Stage 2: the baseline, the adjustment, the totals and the detail, per result.
SETTLE_SQL = """
INSERT INTO ptr_settle_out
    (rid, status, code, fact_day, found, needed, baseline, actual, savings, rebate, detail)
WITH
eday AS (SELECT DISTINCT ed FROM ptr_dmap),
-- days with complete reads for every required hour, with their event-hour total
okday AS MATERIALIZED (
    SELECT rid, d, SUM(kwh) FILTER (WHERE h = ANY(%(ehours)s::int[])) AS etot
    FROM ptr_hr
    WHERE mins = em
    GROUP BY rid, d
    HAVING COUNT(*) = %(nreq)s
),
elig AS (
    SELECT par.rid, e.ed, e.ed >= par.af AS eday_ok,
           (SELECT COUNT(*) FROM ptr_dmap b
            WHERE b.ed = e.ed AND b.role = 'b' AND b.d >= par.af) AS ncand
    FROM ptr_par par CROSS JOIN eday e
),
pool AS MATERIALIZED (
    SELECT rid, ed, d, etot FROM (
        SELECT o.rid, m.ed, o.d, o.etot,
               row_number() OVER (PARTITION BY o.rid, m.ed ORDER BY o.d DESC) AS rn
        FROM okday o JOIN ptr_dmap m ON m.d = o.d AND m.role = 'b'
    ) x
    WHERE rn <= %(y)s
),
ranked AS (
    SELECT rid, ed, d,
           row_number() OVER (PARTITION BY rid, ed ORDER BY etot DESC, d DESC) AS vr,
           COUNT(*) OVER (PARTITION BY rid, ed) AS n
    FROM pool
),
chosen AS MATERIALIZED (
    SELECT rid, ed, d FROM ranked WHERE n = %(y)s AND vr BETWEEN %(lo)s AND %(hi)s
),
bh AS MATERIALIZED (
    SELECT c.rid, c.ed, hr.h, ROUND(AVG(hr.kwh), 6) AS b
    FROM chosen c JOIN ptr_hr hr ON hr.rid = c.rid AND hr.d = c.d
    GROUP BY c.rid, c.ed, hr.h
),
ev AS MATERIALIZED (
    SELECT hr.rid, m.ed, hr.h, hr.kwh
    FROM ptr_hr hr JOIN ptr_dmap m ON m.d = hr.d AND m.role = 'e'
),
evok AS (SELECT o.rid, m.ed FROM okday o JOIN ptr_dmap m ON m.d = o.d AND m.role = 'e'),
fac AS MATERIALIZED (
    SELECT b.rid, b.ed,
           CASE WHEN SUM(b.b) = 0 THEN 1.000000
                ELSE ROUND(LEAST(1 + %(cap)s::numeric,
                                 GREATEST(1 - %(cap)s::numeric, SUM(e.kwh) / SUM(b.b))), 6)
           END AS f
    FROM bh b JOIN ev e ON e.rid = b.rid AND e.ed = b.ed AND e.h = b.h
    WHERE %(adjust)s AND b.h = ANY(%(whours)s::int[])
    GROUP BY b.rid, b.ed
),
bday AS MATERIALIZED (
    SELECT b.rid, b.ed, b.h, ROUND(b.b * COALESCE(f.f, 1), 6) AS b, e.kwh AS a
    FROM bh b
    JOIN ev e ON e.rid = b.rid AND e.ed = b.ed AND e.h = b.h
    LEFT JOIN fac f ON f.rid = b.rid AND f.ed = b.ed
    WHERE b.h = ANY(%(ehours)s::int[])
),
dstat AS (
    SELECT el.rid, el.ed, el.ncand, COALESCE(pc.n, 0) AS found,
           CASE WHEN NOT el.eday_ok OR el.ncand < %(y)s THEN 'insufficient_history'
                WHEN eo.rid IS NULL THEN 'missing_event_reads'
                WHEN COALESCE(pc.n, 0) < %(y)s THEN 'missing_baseline_reads'
                ELSE '' END AS code
    FROM elig el
    LEFT JOIN evok eo ON eo.rid = el.rid AND eo.ed = el.ed
    LEFT JOIN (SELECT rid, ed, COUNT(*) AS n FROM pool GROUP BY rid, ed) pc
      ON pc.rid = el.rid AND pc.ed = el.ed
),
problem AS (
    SELECT DISTINCT ON (rid) rid, ed, code,
           CASE WHEN code = 'insufficient_history' THEN ncand ELSE found END AS found
    FROM dstat
    WHERE code <> ''
    ORDER BY rid, (code = 'insufficient_history') DESC, ed
),
tot AS (SELECT rid, SUM(b) AS base, SUM(a) AS act FROM bday GROUP BY rid),
used AS (
    SELECT c.rid, c.ed, jsonb_agg(c.d::text ORDER BY c.d) AS days
    FROM chosen c GROUP BY c.rid, c.ed
),
dayinfo AS (
    SELECT u.rid,
           jsonb_object_agg(u.ed::text, jsonb_build_object('used', u.days, 'factor', f.f::text))
               AS days
    FROM used u LEFT JOIN fac f ON f.rid = u.rid AND f.ed = u.ed
    GROUP BY u.rid
),
hourinfo AS (
    SELECT rid, jsonb_agg(jsonb_build_array(ed::text, h, b::text, a::text) ORDER BY ed, h)
               AS hours
    FROM bday GROUP BY rid
)
SELECT par.rid,
       CASE WHEN pr.code = 'insufficient_history' THEN 'not_settleable'
            WHEN pr.code IS NOT NULL THEN 'pending'
            ELSE 'settled' END,
       COALESCE(pr.code, ''),
       pr.ed::text,
       CASE WHEN pr.code IN ('insufficient_history', 'missing_baseline_reads') THEN pr.found END,
       CASE WHEN pr.code IN ('insufficient_history', 'missing_baseline_reads') THEN %(y)s END,
       CASE WHEN pr.rid IS NULL THEN t.base END,
       CASE WHEN pr.rid IS NULL THEN t.act END,
       CASE WHEN pr.rid IS NULL THEN t.base - t.act END,
       CASE WHEN pr.rid IS NULL THEN ROUND(GREATEST(t.base - t.act, 0) * par.rate, 2) END,
       CASE WHEN pr.rid IS NULL
            THEN jsonb_build_object('days', di.days, 'hours', hi.hours)::text
            ELSE '{}' END
FROM ptr_par par
LEFT JOIN problem pr ON pr.rid = par.rid
LEFT JOIN tot t ON t.rid = par.rid
LEFT JOIN dayinfo di ON di.rid = par.rid
LEFT JOIN hourinfo hi ON hi.rid = par.rid
"""

STAGING = ("ptr_slot", "ptr_dmap", "ptr_par", "ptr_hr")


def sql_supported(plan: SettlementPlan) -> bool:
    if connection.vendor != "postgresql":
        return False
    try:
        plan.method.selection(plan.params)
    except NotImplementedError:
        return False
    return True


def _epoch_hour(moment: dt.datetime, phase_seconds: int) -> int:
    return (int(moment.timestamp()) - phase_seconds) // 3600


def sql_params(plan: SettlementPlan) -> dict:
    selection: Selection = plan.method.selection(plan.params)
    t0, t1 = plan.utc_range
    return {
        "t0": t0,
        "t1": t1,
        "ehours": list(plan.event_hours),
        "whours": list(plan.window_hours),
        "nreq": len(plan.required_hours),
        "y": selection.history_days,
        "lo": selection.first_rank,
        "hi": selection.last_rank,
        "adjust": selection.cap is not None,
        "cap": selection.cap if selection.cap is not None else ZERO,
    }


def _staging_write(cursor, plan: SettlementPlan, result_ids: Sequence[int]) -> int:
    """The small inputs as temporary tables, analysed so the planner sizes joins right."""
    slots = plan.slots()
    phase = hour_phase_minutes(plan.zone, [s[0] for s in slots]) * 60
    for table in STAGING:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute("CREATE TEMPORARY TABLE ptr_slot (k bigint PRIMARY KEY, d date, h int, em int)")
    cursor.executemany(
        "INSERT INTO ptr_slot (k, d, h, em) VALUES (%s, %s, %s, %s)",
        [(_epoch_hour(start, phase), day, hour, em) for start, day, hour, em in slots],
    )
    cursor.execute("CREATE TEMPORARY TABLE ptr_dmap (ed date, d date, role char(1))")
    rows = []
    for day_plan in plan.days:
        rows.append((day_plan.day, day_plan.day, "e"))
        rows.extend((day_plan.day, d, "b") for d in day_plan.candidates)
    cursor.executemany("INSERT INTO ptr_dmap (ed, d, role) VALUES (%s, %s, %s)", rows)
    cursor.execute(
        """CREATE TEMPORARY TABLE ptr_par AS
        SELECT er.id AS rid, p.service_point_id AS sp, a.active_date AS af, er.rate
        FROM rebates_eventresult er
        JOIN rebates_participant p ON p.id = er.participant_id
        JOIN billing_account a ON a.id = p.account_id
        WHERE er.id = ANY(%s::bigint[])""",
        [list(result_ids)],
    )
    cursor.execute("ALTER TABLE ptr_par ADD PRIMARY KEY (rid)")
    for table in ("ptr_slot", "ptr_dmap", "ptr_par"):
        cursor.execute(f"ANALYZE {table}")
    # A read ending exactly on the hour belongs to the hour before: one second back.
    return phase + 1


def write_sql(plan: SettlementPlan, result_ids: Sequence[int]) -> int:
    """Settle every given result with set-based SQL (PostgreSQL): two statements."""
    params = sql_params(plan)
    with connection.cursor() as cursor:
        # The hash aggregates of a large event fit in memory instead of spilling.
        cursor.execute("SET LOCAL work_mem = '512MB'")
        shift = _staging_write(cursor, plan, result_ids)
        cursor.execute(HOURS_SQL, {**params, "shift": shift})
        cursor.execute("ANALYZE ptr_hr")
        _out_table_create(cursor)
        cursor.execute(SETTLE_SQL, params)
        count = cursor.rowcount
        for table in STAGING:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        return count


# Applying the output
# ------------------------------------------------------------------------------


def results_apply(*, now: dt.datetime, reason: str) -> dict[str, int]:
    """Move the output table into EventResult; adjustments for communicated changes.

    A result customers were told about is only changed by a new settled
    figure, and every such change is recorded as a SettlementAdjustment.
    """
    vendor = connection.vendor
    detail = "o.detail::jsonb" if vendor == "postgresql" else "o.detail"
    changed = (
        "(o.baseline <> er.baseline_kwh OR o.actual <> er.actual_kwh OR o.rebate <> er.rebate)"
    )
    texts = {f"t_{code}": text for code, text in REASON_TEXT.items()}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO rebates_settlementadjustment
                (result_id, created_at, reason, previous_baseline_kwh, previous_actual_kwh,
                 previous_savings_kwh, previous_rebate, baseline_kwh, actual_kwh, savings_kwh,
                 rebate, savings_delta_kwh, rebate_delta)
            SELECT er.id, %(now)s, %(reason)s, er.baseline_kwh, er.actual_kwh, er.savings_kwh,
                   er.rebate, o.baseline, o.actual, o.savings, o.rebate,
                   o.savings - er.savings_kwh, o.rebate - er.rebate
            FROM rebates_eventresult er JOIN {OUT_TABLE} o ON o.rid = er.id
            WHERE er.status = 'settled' AND er.notified_at IS NOT NULL
              AND o.status = 'settled' AND {changed}""",  # noqa: S608
            {"now": now, "reason": reason[:200]},
        )
        adjusted = cursor.rowcount
        cursor.execute(
            f"""UPDATE rebates_eventresult AS er SET
                status = o.status,
                reason_code = o.code,
                reason = CASE o.code
                    WHEN '' THEN ''
                    ELSE REPLACE(REPLACE(REPLACE(
                        CASE o.code
                            WHEN 'insufficient_history' THEN %(t_insufficient_history)s
                            WHEN 'missing_event_reads' THEN %(t_missing_event_reads)s
                            ELSE %(t_missing_baseline_reads)s END,
                        '{{day}}', COALESCE(o.fact_day, '')),
                        '{{found}}', COALESCE(CAST(o.found AS varchar(12)), '')),
                        '{{needed}}', COALESCE(CAST(o.needed AS varchar(12)), ''))
                    END,
                baseline_kwh = o.baseline,
                actual_kwh = o.actual,
                savings_kwh = o.savings,
                rebate = o.rebate,
                detail = {detail},
                attempts = er.attempts + 1,
                settled_at = CASE WHEN o.status = 'settled'
                                  THEN COALESCE(er.settled_at, %(now)s) END
            FROM {OUT_TABLE} o
            WHERE o.rid = er.id
              AND NOT (er.status = 'settled' AND er.notified_at IS NOT NULL
                       AND (o.status <> 'settled' OR NOT {changed}))""",  # noqa: S608
            {"now": now, **texts},
        )
        updated = cursor.rowcount
        cursor.execute(
            f"SELECT status, COUNT(*) FROM {OUT_TABLE} GROUP BY status"  # noqa: S608
        )
        counts = dict(cursor.fetchall())
        cursor.execute(f"DROP TABLE IF EXISTS {OUT_TABLE}")
    return {"updated": updated, "adjusted": adjusted, **counts}


def out_rows_read() -> list[OutRow]:
    """The output table as rows (tests compare the two paths with this)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rid, status, code, fact_day, found, needed, baseline, actual, savings, "  # noqa: S608
            f"rebate, detail FROM {OUT_TABLE} ORDER BY rid"
        )
        rows = cursor.fetchall()
    return [
        OutRow(
            rid=r[0],
            status=r[1],
            code=r[2],
            fact_day=r[3],
            found=r[4],
            needed=r[5],
            baseline=_dec(r[6]),
            actual=_dec(r[7]),
            savings=_dec(r[8]),
            rebate=_dec(r[9]),
            detail=json.loads(r[10]),
        )
        for r in rows
    ]


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
