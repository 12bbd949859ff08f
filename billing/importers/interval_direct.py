"""The interval file's direct lane (PostgreSQL): reads COPYed straight into
billing_intervalread, without staging them first.

Most interval files bring new data: reads for known service points that
nothing stored yet. For those, staging every read and then copying it with
`INSERT … SELECT` (interval_apply.py) writes each read twice. The direct lane
resolves service points while the file is read (a map of every service point
code to its id and fuel, loaded once) and COPYs each clean read into
billing_intervalread itself. Only reads that need a rule are staged: unknown
service points and units that do not fit the fuel (rejected rows, with the
usual messages) and negative reads under the net-metering policy (checked
against the active account's rate, then INSERTed).

It is taken only when it is provably the same as the staged path, and
abandoned (savepoint rolled back, file read again through the staged path)
otherwise. The proof is the primary key (service point, interval end): when
the COPY and the INSERT of the checked reads succeed, no read in the file was
already stored and none was repeated in the file, so every read was created
and nothing was a correction — exactly what the staged path would have
written and counted. A small sample of the file is checked first so that a
file of corrections (the usual re-import) does not try the lane for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from billing.importers import fields as f
from billing.importers.errors import Abandon
from billing.importers.interval_apply import READS_TABLE, IntervalReadsImported
from billing.importers.interval_file import IntervalParser, end_text
from billing.importers.sql import StageWriter

# The map of service points costs about 275 bytes each (measured; so at most
# about 140 MB, plus the fetched rows while it is built); above this many the
# staged path (memory independent of the number of service points) is used.
SERVICE_POINTS_MAX = 500_000
DIRECT_COLUMNS = ("service_point_id", "interval_end", "is_estimate", "interval_minutes", "value")
_UNITS_FOR_FUEL = {fuel: frozenset(units) for fuel, units in f.FUEL_UNITS.items()}


def targets_load(cursor) -> dict[str, list] | None:
    """Service point code -> [id as COPY text, units its fuel takes, id,
    reads, first end, last end]; None if there are too many to hold."""
    cursor.execute("SELECT COUNT(*) FROM billing_servicepoint")
    if cursor.fetchone()[0] > SERVICE_POINTS_MAX:
        return None
    cursor.execute("SELECT service_point_id, id, fuel FROM billing_servicepoint")
    empty = frozenset()
    return {
        code: [str(pk), _UNITS_FOR_FUEL.get(fuel, empty), pk, 0, 0, 0]
        for code, pk, fuel in cursor.fetchall()
    }


class _Collector:
    def __init__(self):
        self.rows: list[tuple] = []

    def reading(self, row: tuple) -> None:
        self.rows.append(row)

    def error(self, error) -> None:
        pass


def sample_is_new(cursor, *, sample: list, minutes: int, time_zone: str, negative: str) -> bool:
    """True when no read stored for the sample's service points falls within
    the sample's time span (the sample: the file's first lines, header
    included). A guess to save a wasted attempt, not the proof."""
    collector = _Collector()
    try:
        IntervalParser(minutes=minutes, time_zone=time_zone, negative_usage=negative).parse(
            iter(sample), collector
        )
    except Exception:  # noqa: BLE001 - the real pass reports the file's problems
        return False
    if not collector.rows:
        return True
    codes = sorted({row[1] for row in collector.rows})
    ends = [row[3] for row in collector.rows]
    cursor.execute(
        """
        SELECT EXISTS (
          SELECT 1 FROM billing_servicepoint sp
          JOIN billing_intervalread i ON i.service_point_id = sp.id
          WHERE sp.service_point_id = ANY(%s)
            AND i.interval_end BETWEEN to_timestamp(%s) AND to_timestamp(%s))
        """,
        [codes, min(ends), max(ends)],
    )
    return not cursor.fetchone()[0]


@dataclass
class DirectSink:
    """Parser sink for the direct lane: clean reads of known service points
    into the streamed COPY of billing_intervalread, the others staged."""

    writer: StageWriter
    targets: dict[str, list]
    minutes: int
    negative_usage: str
    error: Callable

    def __post_init__(self):
        self.reading_clean = self._clean_lane()

    def _clean_lane(self):
        # The hot loop's other half: locals only, one dict lookup per read.
        targets_get = self.targets.get
        stream_line = self.writer.stream_line
        add = self.writer.add

        def reading_clean(number, code, value, tail):
            target = targets_get(code)
            if target is None or tail[2] not in target[1]:
                add(READS_TABLE, (number, code, value, tail[0], tail[1], tail[2]))
                return
            epoch = tail[0]
            if target[3]:
                if epoch < target[4]:
                    target[4] = epoch
                elif epoch > target[5]:
                    target[5] = epoch
            else:
                target[4] = target[5] = epoch
            target[3] += 1
            stream_line(f"{target[0]}\t{tail[4]}{value}\n")

        return reading_clean

    def reading(self, row: tuple) -> None:
        """A row that took the parser's full checks (first of its time
        stamp, or irregular): same routing, plus negative values."""
        number, code, value, epoch, estimated, unit = row
        target = self.targets.get(code)
        negative = value.startswith("-") and self.negative_usage == f.NEGATIVE_NET_METERING
        if target is None or unit not in target[1] or negative:
            self.writer.add(READS_TABLE, row)
            return
        flag = "t" if estimated else "f"
        tail = (epoch, estimated, unit, "", f"{end_text(epoch)}\t{flag}\t{self.minutes}\t")
        self.reading_clean(number, code, value, tail)


def checked_reads_insert(cursor, *, minutes: int) -> list[tuple]:
    """INSERT the staged reads that passed the rules (negative reads on
    net metering); their (service point id, reads, first, last end)."""
    cursor.execute(
        f"""
        INSERT INTO billing_intervalread (service_point_id, interval_end, interval_minutes,
          value, is_estimate)
        SELECT sp.id, to_timestamp(r.end_epoch), %s, r.value, r.is_estimate
        FROM {READS_TABLE} r JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
        """,  # noqa: S608
        [minutes],
    )
    cursor.execute(
        f"""
        SELECT sp.id, COUNT(*), MIN(r.end_epoch), MAX(r.end_epoch)
        FROM {READS_TABLE} r JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
        GROUP BY sp.id
        """  # noqa: S608
    )
    return cursor.fetchall()


def changes_collect(targets: dict[str, list], checked: list[tuple]) -> list:
    """Per service point: the reads written and their span (for the signal)."""
    spans = {
        target[2]: [target[3], target[4], target[5]] for target in targets.values() if target[3]
    }
    for pk, count, first, last in checked:
        span = spans.get(pk)
        if span is None:
            spans[pk] = [int(count), int(first), int(last)]
        else:
            span[0] += int(count)
            span[1] = min(span[1], int(first))
            span[2] = max(span[2], int(last))
    return [
        IntervalReadsImported(
            pk,
            count,
            datetime.fromtimestamp(first, tz=UTC),
            datetime.fromtimestamp(last, tz=UTC),
        )
        for pk, (count, first, last) in sorted(spans.items())
    ]


def service_points_hold(cursor, changes: list) -> None:
    """Lock the service points written to until commit (see
    Dialect.service_points_hold); one deleted meanwhile abandons the lane."""
    keys = [change.service_point_pk for change in changes]
    if not keys:
        return
    cursor.execute(
        "SELECT COUNT(*) FROM (SELECT id FROM billing_servicepoint WHERE id = ANY(%s) "
        "FOR KEY SHARE) held",
        [keys],
    )
    if cursor.fetchone()[0] != len(keys):
        raise Abandon("a service point was deleted during the import")
