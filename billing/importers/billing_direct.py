"""The billing file's direct lane (PostgreSQL): usage rows COPYed straight
into billing_usagevalue, without staging them first.

A full billing file usually brings new billing periods. For those, staging
every usage row and then copying it with `INSERT … SELECT`
(billing_apply.py) writes each row twice and leaves the server idle while
Python parses the file. The direct lane gives each service point its id
while the file is read (a map of every service point code to its id, loaded
once; ids for codes new to the database are taken from the table's own
sequence) and COPYs each clean usage row into billing_usagevalue itself, so
the server stores the rows on one core while the parser reads on the other.
The rows' time stamps are left to the table's default, the transaction's
start, which the rules then use as the import's time (parsing two time
stamps a row would cost the server about a third of the COPY).
Entities (customers, premises, accounts, service points) are staged and the
SQL rules run as usual; the service points are then created with the ids
the usage rows already carry. Rows that need a rule (negative values under
the net-metering policy) are staged and checked as before.

It is taken only when it provably gives what the staged path gives, and is
abandoned otherwise (savepoint rolled back, file read again through the
staged path):

- the unique period key (service point, date_to, duration): when the COPY
  and the INSERT of the checked rows succeed, no period of the file was
  stored already and none was repeated in the file, so every row was
  created and none was a correction;
- any row or entity the SQL rules reject (its rows may already be written),
  or a file rejected for too many bad rows;
- a service point of the file missing at the end (deleted meanwhile, or a
  new one another session created under the same code first).

A sample of the file (its first lines) is checked first so that a file of
corrections, the usual re-import, does not try the lane for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper

from billing.importers import fields as f
from billing.importers.billing_apply import IDS_TABLE, ROWS_TABLE, SPANS_TABLE
from billing.importers.billing_file import FULL, BillingParser
from billing.importers.errors import Abandon
from billing.importers.sql import NULL, StageWriter

# The map of service point codes to ids (about 100 bytes each, and about
# 200 for what is kept per service point of the file); with more than this
# many the staged path, whose memory does not depend on them, is used.
SERVICE_POINTS_MAX = 500_000
SAMPLE_LINES = 5_000
DIRECT_COLUMNS = (
    "service_point_id",
    "date_to",
    "duration",
    "usage_value",
    "usage_charge",
    "is_estimate",
    "unit",
)
# Lines handed to the COPY at a time (about 0.5 MB).
LINES_PER_WRITE = 12_000
# Ids are taken from the sequence in blocks, growing up to this size.
ID_BLOCK_MAX = 20_000


def service_point_ids_load(cursor) -> dict[str, int] | None:
    """Service point code -> id; None if there are too many to hold."""
    cursor.execute("SELECT COUNT(*) FROM billing_servicepoint")
    if cursor.fetchone()[0] > SERVICE_POINTS_MAX:
        return None
    cursor.execute("SELECT service_point_id, id FROM billing_servicepoint")
    return dict(cursor.fetchall())


class _Collector:
    def __init__(self):
        self.rows: list[tuple] = []

    def usage(self, row: tuple) -> None:
        self.rows.append(row)

    def entity(self, row: tuple) -> None:
        pass

    def error(self, error) -> None:
        pass


def sample_is_new(cursor, *, sample: list) -> bool:
    """True when no period repeats within the sample and none stored for the
    sample's service points ends within its dates (the sample: the file's
    first lines, header included). A guess to save a wasted attempt, not the
    proof."""
    collector = _Collector()
    try:
        BillingParser(layout=FULL, negative_usage=f.NEGATIVE_ALWAYS).parse(iter(sample), collector)
    except Exception:  # noqa: BLE001 - the real pass reports the file's problems
        return False
    if not collector.rows:
        return True
    if len({(row[2], row[3], row[4]) for row in collector.rows}) < len(collector.rows):
        return False  # a correction within the sample
    codes = sorted({row[2] for row in collector.rows})
    ends = [row[3] for row in collector.rows]
    cursor.execute(
        """
        SELECT EXISTS (
          SELECT 1 FROM billing_servicepoint sp
          JOIN billing_usagevalue u ON u.service_point_id = sp.id
          WHERE sp.service_point_id = ANY(%s) AND u.date_to BETWEEN %s AND %s)
        """,
        [codes, min(ends), max(ends)],
    )
    return not cursor.fetchone()[0]


class ServicePointIds:
    """Ids for service points new to the database, from billing_servicepoint's
    own sequence. Taken on a second connection: the import's connection is
    busy with the COPY, and a sequence is not transactional (an id taken and
    then not used is a gap, as after any rolled-back insert)."""

    def __init__(self, connection: BaseDatabaseWrapper):
        self._connection = connection
        self._other = None
        self._free: list[int] = []
        self._block = 500

    def take(self) -> int:
        if not self._free:
            self._refill()
        return self._free.pop()

    def _refill(self) -> None:
        try:
            if self._other is None:
                self._other = self._connection.copy()
            with self._other.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence('billing_servicepoint', 'id')) "
                    "FROM generate_series(1, %s)",
                    [self._block],
                )
                self._free = [row[0] for row in cursor.fetchall()][::-1]
        except DatabaseError as exc:
            # No second connection to be had (say, the server is at its
            # connection limit): the staged path needs none.
            raise Abandon(f"no ids for new service points ({exc})") from exc
        self._block = min(2 * self._block, ID_BLOCK_MAX)

    def close(self) -> None:
        if self._other is not None:
            self._other.close()
            self._other = None


class DirectSink:
    """Parser sink for the direct lane: clean usage rows into the streamed
    COPY of billing_usagevalue, entities and rule-bound rows staged.

    Per service point it keeps what the rules need afterwards (SPANS_TABLE):
    rows written, first and last date_to, the longest duration ending on the
    last one, and whether the service point is *settled*: new to the
    database with periods that arrived in order, each starting the day after
    the one before, so that no gap or overlap can be next to them.
    """

    def __init__(
        self,
        writer: StageWriter,
        *,
        ids: dict[str, int],
        new_ids: ServicePointIds,
        negative_usage: str,
        error: Callable,
        entities_table: str,
    ):
        self.writer = writer
        self.ids = ids
        self.new_ids = new_ids
        self.error = error
        self.entities_table = entities_table
        self.staged_negative = negative_usage == f.NEGATIVE_NET_METERING
        # Service point id -> [rows, first date_to, last date_to (ISO text),
        # longest duration ending on the last date_to, day number of the
        # previous row's date_to, settled].
        self.spans: dict[int, list] = {}
        self._lines: list[str] = []
        self._days: dict[str, int] = {}

    def entity(self, row: tuple) -> None:
        self.writer.add(self.entities_table, row)

    def _span(self, code: str) -> tuple[int, list]:
        pk = self.ids.get(code)
        if pk is None:
            if len(self.ids) >= SERVICE_POINTS_MAX:
                # The map would outgrow its memory budget: stage instead.
                raise Abandon("too many service points to map")
            pk = self.ids[code] = self.new_ids.take()
            self.writer.add(IDS_TABLE, (code, pk))
            self.spans[pk] = [0, "9999-12-31", "0000-01-01", 0, 0, True]
        span = self.spans.get(pk)
        if span is None:
            # On file before: stored periods may neighbour the new ones.
            span = self.spans[pk] = [0, "9999-12-31", "0000-01-01", 0, 0, False]
        return pk, span

    def usage_run(self, entity_line: int, code: str):
        """The hot loop's other half (see billing_file.Sink): locals only."""
        pk, span = self._span(code)
        head = f"{pk}\t"
        lines = self._lines
        append = lines.append
        flush = self._flush
        days = self._days

        def clean(line, date_to, duration, value, charge, flag, unit):
            day = days.get(date_to)
            if day is None:
                day = days[date_to] = date.fromisoformat(date_to).toordinal()
            if span[0] and day - duration != span[4]:
                span[5] = False
            span[4] = day
            span[0] += 1
            if date_to > span[2]:
                span[2] = date_to
                span[3] = duration
            elif date_to == span[2] and duration > span[3]:
                span[3] = duration
            if date_to < span[1]:
                span[1] = date_to
            append(f"{head}{date_to}\t{duration}\t{value}\t{charge or NULL}\t{flag}\t{unit}\n")
            if len(lines) >= LINES_PER_WRITE:
                flush()

        return clean

    def usage(self, row: tuple) -> None:
        """A row that took the parser's full checks: the same routing, and
        negative values under the net-metering policy are staged."""
        line, entity_line, code, date_to, duration, value, charge, flag, unit = row
        if self.staged_negative and (value.startswith("-") or (charge or "").startswith("-")):
            self.writer.add(ROWS_TABLE, row)
            return
        self.usage_run(entity_line, code)(line, date_to, duration, value, charge, flag, unit)

    def _flush(self) -> None:
        self.writer.stream_text("".join(self._lines))
        self._lines.clear()

    def finish(self) -> None:
        """Write what is buffered; stage the spans for the rules."""
        if self._lines:
            self._flush()
        add = self.writer.add
        for pk, (rows, first, last, duration, _, settled) in self.spans.items():
            if rows:
                add(SPANS_TABLE, (pk, rows, first, last, duration, 1 if settled else 0))
