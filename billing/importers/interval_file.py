"""The interval (AMI) file: header, interval length, row validation.

`date` + `time` are the local END of the interval in the utility's time
zone; `UTC_offset` settles the hour that occurs twice when daylight saving
ends (and must agree with the zone on every other day). A time stamp is
turned into seconds since the epoch (UTC) once and cached: a file repeats the
same few hundred time stamps for every service point.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from billing.importers import fields as f
from billing.importers.errors import FileRejected, RowError, shown
from billing.models.usage import INTERVAL_MINUTES

COLUMNS = ("service_point_id", "usage_value", "date", "time", "units", "is_estimate", "utc_offset")
COLUMN_TITLES = (
    "service_point_id",
    "usage_value",
    "date",
    "time",
    "units",
    "is_estimate",
    "UTC_offset",
)
WIDTH = len(COLUMNS)
STAGE_COLUMNS = ("line", "sp_code", "value", "end_epoch", "is_estimate", "unit")
INFER_LINES = 5000
EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - naive on purpose: local wall clock arithmetic

_OFFSET_HOURS = re.compile(r"([+-]?)(\d{1,2})")
_OFFSET_HHMM = re.compile(r"([+-]?)(\d{2}):?(\d{2})")


class Sink:
    """Receives (line, sp_code, value, end_epoch, is_estimate, unit) rows.

    A sink may also offer `reading_line(text)`: the same row as a ready
    PostgreSQL COPY text line (the fast path uses it when present); or
    `reading_clean(line, sp_code, value, tail)` for a clean row, where `tail`
    is (end_epoch, is_estimate, unit, staging COPY text after the value,
    "interval_end\tis_estimate\tinterval_minutes\t" as COPY text for
    billing_intervalread) — the direct lane (interval_direct.py) uses it.
    """

    def reading(self, row: tuple) -> None: ...
    def error(self, error: RowError) -> None: ...


def end_text(epoch: int) -> str:
    """An interval end (epoch seconds) as PostgreSQL timestamptz text."""
    return f"{datetime.fromtimestamp(epoch, UTC):%Y-%m-%d %H:%M:%S}+00"


def header_check(header: str) -> None:
    names = tuple(name.strip().lower() for name in header.split("\t"))
    if names == COLUMNS:
        return
    expected = ", ".join(COLUMN_TITLES)
    for position, (got, want) in enumerate(zip(names, COLUMNS, strict=False), start=1):
        if got != want:
            raise FileRejected(
                f"The header does not match the interval layout: column {position} is "
                f"“{shown(got)}” but should be “{COLUMN_TITLES[position - 1]}”. The header must "
                f"name these {WIDTH} columns, tab-separated, in this order: {expected}.",
                line=1,
            )
    raise FileRejected(
        f"The header does not match the interval layout: it has {len(names)} columns; "
        f"expected {WIDTH}: {expected}.",
        line=1,
    )


def offset_parse(text: str) -> int:
    """UTC offset in minutes: -0500, -05:00, -5, +0530..."""
    match = _OFFSET_HHMM.fullmatch(text) or _OFFSET_HOURS.fullmatch(text)
    if match is None or not text.isascii():
        raise f.Invalid("is not a UTC offset such as -0500, -05:00 or -5")
    sign = -1 if match[1] == "-" else 1
    hours = int(match[2])
    minutes = int(match[3]) if match.re is _OFFSET_HHMM else 0
    if hours > 14 or minutes >= 60:
        raise f.Invalid("is not a UTC offset such as -0500, -05:00 or -5")
    return sign * (hours * 60 + minutes)


def _offset_text(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def local_end(date_text: str, time_text: str) -> datetime:
    """The naive local end of the interval; 2400 is midnight of the next day."""
    iso = f.date_parse(date_text)
    if len(time_text) != 4 or not (time_text.isascii() and time_text.isdigit()):
        raise f.Invalid("time is not a time in the form HHmm (0000–2359)")
    hour, minute = int(time_text[:2]), int(time_text[2:])
    if (hour > 23 and (hour, minute) != (24, 0)) or minute > 59:
        raise f.Invalid("time is not a time in the form HHmm (0000–2359)")
    day = datetime.fromisoformat(iso)
    return day + timedelta(hours=hour, minutes=minute)


class IntervalParser:
    """Validate an interval file row by row and hand the results to a sink."""

    def __init__(self, *, minutes: int, time_zone: str, negative_usage: str = f.NEGATIVE_NEVER):
        if minutes not in INTERVAL_MINUTES:
            raise ValueError(minutes)
        self.minutes = minutes
        self.zone = ZoneInfo(time_zone)
        self.negative = negative_usage
        self.rows = 0
        self.rejected = 0
        self._stamps: dict[tuple[str, str, str], int | tuple[str, str, str]] = {}

    def parse(self, lines: Iterable[tuple[int, str]], sink: Sink) -> None:
        lines = iter(lines)
        try:
            _, header = next(lines)
        except StopIteration:
            raise FileRejected("The file is empty.") from None
        header_check(header)
        self._parse(lines, sink)

    def _stamp(self, date_text: str, time_text: str, offset_text: str):
        """Epoch seconds of the interval end, or (column, value, reason)."""
        try:
            local = local_end(date_text, time_text)
        except f.Invalid as exc:
            message = str(exc)
            if message.startswith("time"):
                return ("time", time_text, message)
            return ("date", date_text, f"date {message}")
        of_day = local.hour * 60 + local.minute
        if self.minutes == 1440:
            if of_day != 0:
                return ("time", time_text, "time must be 0000 in a daily (1440-minute) file")
        elif of_day % self.minutes:
            return (
                "time",
                time_text,
                f"time {time_text} is not the end of a {self.minutes}-minute interval",
            )
        first = local.replace(tzinfo=self.zone, fold=0)
        second = local.replace(tzinfo=self.zone, fold=1)
        allowed = {first.utcoffset(), second.utcoffset()}
        exists = first.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) == local
        if offset_text:
            try:
                offset = offset_parse(offset_text)
            except f.Invalid as exc:
                return ("utc_offset", offset_text, f"UTC_offset {exc}")
            if timedelta(minutes=offset) not in allowed or not exists:
                expected = " or ".join(
                    sorted(_offset_text(int(o.total_seconds() // 60)) for o in allowed)
                )
                if not exists:
                    return (
                        "time",
                        time_text,
                        f"{local:%Y-%m-%d %H:%M} does not exist in {self.zone.key} "
                        "(the clock skips it when daylight saving starts)",
                    )
                return (
                    "utc_offset",
                    offset_text,
                    f"UTC_offset {offset_text} is not {self.zone.key}'s offset at "
                    f"{local:%Y-%m-%d %H:%M} (expected {expected})",
                )
            utc = local - timedelta(minutes=offset)
        else:
            if not exists:
                return (
                    "time",
                    time_text,
                    f"{local:%Y-%m-%d %H:%M} does not exist in {self.zone.key} "
                    "(the clock skips it when daylight saving starts)",
                )
            if len(allowed) > 1:
                return (
                    "utc_offset",
                    offset_text,
                    f"{local:%Y-%m-%d %H:%M} happens twice in {self.zone.key} (daylight saving "
                    "ends); UTC_offset is required to tell which",
                )
            utc = first.astimezone(UTC).replace(tzinfo=None)
        return int((utc - EPOCH).total_seconds())

    def _parse(self, lines: Iterator[tuple[int, str]], sink: Sink) -> None:
        """The hot loop (tens of millions of rows).

        Everything after the value (date, time, units, is_estimate,
        UTC_offset) repeats across service points, so it is checked once and
        cached as one string; a clean row then costs a split, two lookups and
        a pattern match. Other rows take the full checks.
        """
        tails: dict[str, tuple] = {}
        simple, values, seen = f.SIMPLE_READ.fullmatch, f.SIMPLE_READ_SEEN, f.simple_seen
        # Service point codes found plain (each comes back once per interval).
        codes: set[str] = set()
        reading = sink.reading
        reading_line = getattr(sink, "reading_line", None)
        reading_clean = getattr(sink, "reading_clean", None)
        for number, text in lines:
            if not text or text.isspace():
                continue
            self.rows += 1
            parts = text.split("\t", 2)
            if len(parts) == 3:
                code, value, tail = parts
                known = tails.get(tail)
                if (
                    known is not None
                    and (value in values or seen(value, simple, values))
                    and (code in codes or seen(code, _code_plain, codes, CODES_SEEN_MAX))
                    and "\x00" not in text
                ):
                    if reading_clean is not None:
                        reading_clean(number, code, value, known)
                    elif reading_line is not None:
                        reading_line(f"{number}\t{code}\t{value}\t{known[3]}")
                    else:
                        reading((number, code, value, known[0], known[1], known[2]))
                    continue
            row = self._row_checked(number, text, text.split("\t"), sink)
            if row is not None:
                reading(row)
                if len(parts) == 3 and len(tails) < 100_000:
                    _, _, epoch, estimated, unit_value = row[1:]
                    flag = "t" if estimated else "f"
                    tails[parts[2]] = (
                        epoch,
                        estimated,
                        unit_value,
                        f"{epoch}\t{flag}\t{unit_value}\n",
                        f"{end_text(epoch)}\t{flag}\t{self.minutes}\t",
                    )

    def _row_checked(self, number: int, text: str, fields: list[str], sink: Sink):
        """Every check of one row; the row to stage, or None (errors sent)."""
        if len(fields) != WIDTH or "\x00" in text:
            reason = (
                "row contains a NUL character"
                if len(fields) == WIDTH
                else f"row has {len(fields)} tab-separated fields; the header has {WIDTH}"
            )
            sink.error(RowError.make(number, "", text, reason))
            self.rejected += 1
            return None
        code, value, date_text, time_text, unit, flag, offset = fields
        code = code.strip()
        errors = None
        if not code or len(code) > 64:
            errors = [
                (
                    "service_point_id",
                    code,
                    "service_point_id is required"
                    if not code
                    else "service_point_id is longer than 64 characters",
                )
            ]
        value = value.strip()
        try:
            value = f.interval_value_parse(value, negative=self.negative)
        except f.Invalid as exc:
            errors = (errors or []) + [("usage_value", value, f"usage_value {exc}")]
        key = (date_text, time_text, offset)
        stamp = self._stamps.get(key)
        if stamp is None:
            stamp = self._stamp(date_text.strip(), time_text.strip(), offset.strip())
            if len(self._stamps) < 500_000:
                self._stamps[key] = stamp
        if stamp.__class__ is tuple:
            errors = (errors or []) + [stamp]
        unit_value = f.UNITS.get(unit.strip().lower())
        if unit_value is None:
            errors = (errors or []) + [
                ("units", unit.strip(), "units must be kWh, therm, ccf or gal")
            ]
        estimated = _FLAGS.get(flag.strip())
        if estimated is None:
            errors = (errors or []) + [
                (
                    "is_estimate",
                    flag.strip(),
                    "is_estimate must be A (actual), E (estimated), U (customer-reported) or blank",
                )
            ]
        if errors:
            for column, shown_value, reason in errors:
                sink.error(RowError.make(number, column, shown_value, reason))
            self.rejected += 1
            return None
        return (number, code, value, stamp, estimated, unit_value)


_FLAGS = {"": True, "A": False, "E": True, "U": True, "a": False, "e": True, "u": True}


def interval_minutes_infer(lines: Iterator[tuple[int, str]]) -> tuple[int | None, list]:
    """Guess the interval length from the first rows of a file.

    Returns (minutes or None, the lines read, to be replayed). The length is
    the smallest step between two reads of the same service point.
    """
    buffered = list(itertools.islice(lines, INFER_LINES + 1))
    seen: dict[str, list[datetime]] = {}
    for _, text in buffered[1:]:
        parts = text.split("\t")
        if len(parts) != WIDTH:
            continue
        try:
            end = local_end(parts[2].strip(), parts[3].strip())
        except f.Invalid:
            continue
        seen.setdefault(parts[0].strip(), []).append(end)
    steps = set()
    for ends in seen.values():
        ordered = sorted(set(ends))
        steps.update(int((b - a).total_seconds() // 60) for a, b in itertools.pairwise(ordered))
    steps.discard(0)
    if not steps:
        if seen and all(e.hour == 0 and e.minute == 0 for ends in seen.values() for e in ends):
            return 1440, buffered
        return None, buffered
    step = min(steps)
    return (step if step in INTERVAL_MINUTES else None), buffered


CODES_SEEN_MAX = 200_000


def _code_plain(code: str) -> bool:
    """A service point code the fast path can take as it is."""
    return 0 < len(code) <= 64 and code.strip() == code and "\\" not in code
