"""Answer "why did I get this rebate?" from a CSV of one meter's reads.

Runs exactly the functions settlement uses (rebates.intervals,
rebates.similar_days, rebates.baselines via rebates.settlement) on hourly
reads given as ``interval_end,kwh`` in the utility's local time. On the day
clocks fall back the repeated hour appears twice: the first is read as
daylight time, the second as standard time (or give a third column with the
UTC offset, e.g. ``-05:00``).
"""

from __future__ import annotations

import csv
import datetime as dt
import zoneinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rebates.baselines import BaselineParamError, method_get, methods, round_kwh
from rebates.intervals import day_is_complete, usage_by_hour
from rebates.settlement import SETTLED, participant_outcome, settlement_plan_build
from rebates.similar_days import is_weekend_like

MAX_SKIPPED_SHOWN = 5
DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def parse_local(text: str) -> dt.datetime:
    for fmt in DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt)  # noqa: DTZ007 - local by contract
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date and time like 2026-07-15 17:00")


def parse_offset(text: str) -> dt.timedelta:
    sign = -1 if text.startswith("-") else 1
    hours, _, minutes = text.lstrip("+-").partition(":")
    return sign * dt.timedelta(hours=int(hours), minutes=int(minutes or 0))


def read_csv(path: Path, zone: zoneinfo.ZoneInfo, minutes: int) -> list:
    """[(UTC interval end, minutes, kWh)]; errors name the line and the field."""
    reads = []
    seen: set[dt.datetime] = set()
    seen_twice: set[dt.datetime] = set()
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"{path}: cannot read the file ({exc.strerror}).") from exc
    with handle:
        for line_no, row in enumerate(csv.reader(handle), start=1):
            if not row or not "".join(row).strip():
                continue
            if line_no == 1 and row[0].strip().lower() == "interval_end":
                continue
            where = f"{path}, line {line_no}"
            if len(row) not in (2, 3):
                raise CommandError(f"{where}: expected interval_end,kwh[,utc_offset].")
            try:
                local = parse_local(row[0])
            except ValueError as exc:
                raise CommandError(f"{where}, interval_end: {exc}.") from None
            try:
                kwh = Decimal(row[1].strip())
                if not kwh.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                raise CommandError(f"{where}, kwh: “{row[1]}” is not a number.") from None
            if len(row) == 3 and row[2].strip():
                try:
                    offset = parse_offset(row[2].strip())
                except ValueError:
                    raise CommandError(
                        f"{where}, utc_offset: “{row[2]}” is not like -05:00."
                    ) from None
                moment = (local - offset).replace(tzinfo=dt.UTC)
            else:
                aware = local.replace(tzinfo=zone)
                if local in seen:
                    if local in seen_twice:
                        raise CommandError(f"{where}, interval_end: {row[0].strip()} repeats.")
                    seen_twice.add(local)
                    aware = aware.replace(fold=1)  # the repeated hour when clocks fall back
                roundtrip = aware.astimezone(dt.UTC).astimezone(zone)
                if roundtrip.replace(tzinfo=None) != local:
                    raise CommandError(
                        f"{where}, interval_end: {row[0].strip()} does not exist in {zone.key} "
                        "(clocks spring forward)."
                    )
                seen.add(local)
                moment = aware.astimezone(dt.UTC)
            reads.append((moment, minutes, kwh))
    if not reads:
        raise CommandError(f"{path}: no reads.")
    return reads


class Command(BaseCommand):
    help = (
        "Explain one participant's peak event result from a CSV of hourly reads "
        "(interval_end,kwh in local time) with the code settlement uses."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reads", required=True, type=Path, help="CSV: interval_end,kwh")
        parser.add_argument("--event-start", required=True, help='"YYYY-MM-DD HH:MM" local')
        parser.add_argument(
            "--event-end",
            required=True,
            help='"YYYY-MM-DD HH:MM" local; a later date means the same hours on each day',
        )
        parser.add_argument("--method", required=True, choices=sorted(methods()))
        parser.add_argument(
            "--param", action="append", default=[], metavar="KEY=VALUE", help="e.g. x=3"
        )
        parser.add_argument("--rate", required=True, help="rebate in dollars per kWh, e.g. 1.25")
        parser.add_argument("--lookback-days", type=int, default=45)
        parser.add_argument(
            "--holiday", action="append", default=[], type=dt.date.fromisoformat, metavar="DATE"
        )
        parser.add_argument(
            "--exclude-day",
            action="append",
            default=[],
            type=dt.date.fromisoformat,
            metavar="DATE",
            help="a prior event day or an outage day",
        )
        parser.add_argument(
            "--active-date",
            type=dt.date.fromisoformat,
            default=None,
            help="the account's active date (no usage before it is used)",
        )
        parser.add_argument("--interval-minutes", type=int, default=60, choices=[5, 15, 30, 60])

    def handle(self, *args, **options):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        try:
            start = parse_local(options["event_start"])
            end = parse_local(options["event_end"])
        except ValueError as exc:
            raise CommandError(f"--event-start/--event-end: {exc}.") from None
        if end.time() <= start.time() or end.date() < start.date():
            raise CommandError(
                "The event must end after it starts, on the hour, the same hours each day."
            )
        if start.minute or end.minute:
            raise CommandError("Events start and end on the hour.")
        try:
            rate = Decimal(options["rate"])
            if not rate.is_finite() or rate < 0:
                raise InvalidOperation
        except InvalidOperation:
            raise CommandError(f"--rate: “{options['rate']}” is not a dollar amount.") from None
        params = {}
        for item in options["param"]:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--param {item}: expected KEY=VALUE.")
            params[key.strip()] = value.strip()
        method = method_get(options["method"])
        days = [
            start.date() + dt.timedelta(days=i) for i in range((end.date() - start.date()).days + 1)
        ]
        try:
            plan = settlement_plan_build(
                method=method,
                params=params,
                zone=zone,
                event_days=days,
                event_hours=range(start.hour, end.hour),
                lookback_days=options["lookback_days"],
                holidays=options["holiday"],
                excluded=options["exclude_day"],
            )
            plan.required_hours  # noqa: B018 - validates the adjustment window
        except BaselineParamError as exc:
            raise CommandError(str(exc)) from None

        reads = read_csv(options["reads"], zone, options["interval_minutes"])
        usage = usage_by_hour(reads, zone)
        outcome = participant_outcome(plan, usage, active_from=options["active_date"], rate=rate)

        out = self.stdout.write
        out(f"Method: {method.describe(plan.params)} ({options['method']} {plan.params})")
        out(f"Event: {start:%Y-%m-%d %H:%M}–{end:%H:%M} local ({zone.key}), {len(days)} day(s)")
        for day_plan in plan.days:
            weekend_like = is_weekend_like(day_plan.day, options["holiday"])
            kind = "weekend days and holidays" if weekend_like else "weekdays"
            out(f"Event day {day_plan.day} ({day_plan.day:%A}, compared with {kind})")
            shown, used, skipped = [], 0, 0
            for day in day_plan.candidates:
                if options["active_date"] and day < options["active_date"]:
                    continue
                if used >= plan.history_days:
                    break
                if day_is_complete(
                    usage.get(day), expected=plan.expected(day), hours=plan.required_hours
                ):
                    used += 1
                    shown.append(str(day))
                else:
                    skipped += 1
                    if skipped <= MAX_SKIPPED_SHOWN:
                        shown.append(f"{day} (incomplete reads: skipped)")
            if skipped > MAX_SKIPPED_SHOWN:
                shown.append(f"… {skipped - MAX_SKIPPED_SHOWN} more days without complete reads")
            out("  similar days, most recent first: " + (", ".join(shown) or "none"))
            if outcome.outcome is not None:
                day_outcome = next(d for d in outcome.outcome.days if d.day == day_plan.day)
                baseline = day_outcome.baseline
                out("  days chosen: " + ", ".join(str(d) for d in baseline.days_used))
                if baseline.adjustment is not None:
                    out(
                        f"  day-of adjustment: window baseline {baseline.window_baseline} kWh, "
                        f"actual {baseline.window_actual} kWh, factor {baseline.adjustment}"
                    )
                out("  hour   baseline_kwh  actual_kwh")
                for hour in plan.event_hours:
                    base, actual = baseline.hourly[hour], day_outcome.actual[hour]
                    out(f"  {hour:02d}:00  {base:>12}  {actual:>10}")
        if outcome.status != SETTLED:
            raise CommandError(f"{outcome.status}: {outcome.reason}")
        result = outcome.outcome
        out(
            f"baseline_kwh={round_kwh(result.baseline_kwh)} "
            f"actual_kwh={round_kwh(result.actual_kwh)} "
            f"savings_kwh={round_kwh(result.savings_kwh)} rebate={result.rebate}"
        )
