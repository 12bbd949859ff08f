# SQL here is assembled from table and column names written in this module and
# from the dialect's expressions; every value from a file travels as a parameter.
# ruff: noqa: S608
"""The interval-file rules that need the database, as set-based SQL.

`imp_reads` holds the parsed reads (service point code, UTC end as epoch
seconds, value, estimate flag, unit). Reads for unknown service points or in
a unit that does not fit the service point's fuel are rejected rows; a
repeated read for the same interval is a correction (the later line wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import DatabaseError, transaction

from billing.importers import fields as f
from billing.importers.billing_apply import REASON_LIMIT, unit_matches_fuel
from billing.importers.sql import Dialect

READS_TABLE = "imp_reads"
ERRORS_TABLE = "imp_errors"
TEMP_TABLES = (READS_TABLE, ERRORS_TABLE, "imp_read_seq", "imp_spans", "imp_groups")
READ_COLUMNS = (
    ("line", "int"),
    ("sp_code", "text"),
    ("end_epoch", "bigint"),
    ("value", "numeric"),
    ("is_estimate", "bool"),
    ("unit", "text"),
)
ERROR_COLUMNS = (("line", "int"), ("col", "text"), ("value", "text"), ("reason", "text"))


@dataclass
class IntervalReadsImported:
    """The reads a file brought for one service point (for the signal)."""

    service_point_pk: int
    reads: int
    first_end: datetime
    last_end: datetime


@dataclass
class IntervalOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: dict = field(default_factory=dict)
    changed: list[IntervalReadsImported] = field(default_factory=list)


def staging_create(cursor, dialect: Dialect) -> None:
    dialect.temp_drop(cursor, *TEMP_TABLES)
    dialect.temp_create(cursor, READS_TABLE, READ_COLUMNS)
    dialect.temp_create(cursor, ERRORS_TABLE, ERROR_COLUMNS)


def staging_drop(cursor, dialect: Dialect) -> None:
    dialect.temp_drop(cursor, *TEMP_TABLES)


class IntervalRules:
    def __init__(self, cursor, dialect: Dialect, *, minutes: int, negative_usage: str):
        self.cursor = cursor
        self.dialect = dialect
        self.minutes = int(minutes)
        self.negative_usage = negative_usage
        self.rejected = 0

    def _x(self, sql: str, params=()) -> int:
        self.cursor.execute(sql, params)
        return self.cursor.rowcount

    def _scalar(self, sql: str, params=()):
        self.cursor.execute(sql, params)
        row = self.cursor.fetchone()
        return row[0] if row else None

    def validate(self) -> None:
        """One pass over the staged reads, grouped by service point and unit;
        rows are looked at one by one only for the groups that fail."""
        d = self.dialect
        d.analyze(self.cursor, READS_TABLE)
        d.temp_create_as(
            self.cursor,
            "imp_groups",
            f"""
            SELECT g.sp_code, g.unit, g.n, g.first_end, g.last_end, g.negative,
                   sp.id AS sp_pk, sp.fuel,
                   CASE WHEN sp.id IS NULL THEN 'service_point_id'
                        WHEN NOT {unit_matches_fuel("g.unit", "sp.fuel")} THEN 'units'
                        ELSE '' END AS problem
            FROM (
              SELECT sp_code, unit, COUNT(*) AS n, MIN(end_epoch) AS first_end,
                     MAX(end_epoch) AS last_end,
                     SUM(CASE WHEN value < 0 THEN 1 ELSE 0 END) AS negative
              FROM {READS_TABLE} GROUP BY sp_code, unit
            ) g
            LEFT JOIN billing_servicepoint sp ON sp.service_point_id = g.sp_code
            """,
        )
        if self._scalar("SELECT COUNT(*) FROM imp_groups WHERE problem <> ''"):
            self._x(
                f"""
                INSERT INTO {ERRORS_TABLE} (line, col, value, reason)
                SELECT r.line, g.problem,
                  CASE WHEN g.problem = 'service_point_id' THEN r.sp_code ELSE r.unit END,
                  substr(CASE WHEN g.problem = 'service_point_id'
                    THEN 'service point ' || r.sp_code || ' is not on file; reads are accepted '
                         || 'only for service points sent in a billing file'
                    ELSE 'units ' || r.unit || ' do not match the fuel of service point '
                         || r.sp_code || ' (' || g.fuel || ')' END, 1, {REASON_LIMIT})
                FROM {READS_TABLE} r
                JOIN imp_groups g ON g.sp_code = r.sp_code AND g.unit = r.unit
                WHERE g.problem <> ''
                """
            )
        if self.negative_usage == f.NEGATIVE_NET_METERING and self._scalar(
            "SELECT COUNT(*) FROM imp_groups WHERE negative > 0 AND problem = ''"
        ):
            self._x(
                f"""
                INSERT INTO {ERRORS_TABLE} (line, col, value, reason)
                SELECT r.line, 'usage_value', {d.as_text("r.value")},
                  'negative usage is accepted only on a net-metering rate; the active '
                  || 'account''s rate is not one'
                FROM {READS_TABLE} r
                JOIN imp_groups g ON g.sp_code = r.sp_code AND g.unit = r.unit
                WHERE g.negative > 0 AND g.problem = '' AND r.value < 0 AND NOT EXISTS (
                  SELECT 1 FROM billing_account a JOIN billing_ratecode rc ON rc.id = a.rate_code_id
                  WHERE a.service_point_id = g.sp_pk AND a.inactive_date IS NULL
                    AND rc.is_net_metering)
                """
            )
        self.rejected = self._scalar(f"SELECT COUNT(DISTINCT line) FROM {ERRORS_TABLE}") or 0
        if self.rejected:
            self._x(f"DELETE FROM {READS_TABLE} WHERE line IN (SELECT line FROM {ERRORS_TABLE})")
            # The groups are recounted from what is left.
            d.temp_create_as(
                self.cursor,
                "imp_groups",
                f"""
                SELECT r.sp_code, r.unit, COUNT(*) AS n, MIN(r.end_epoch) AS first_end,
                       MAX(r.end_epoch) AS last_end, sp.id AS sp_pk, '' AS problem
                FROM {READS_TABLE} r JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
                GROUP BY r.sp_code, r.unit, sp.id
                """,
            )

    def rejected_lines(self) -> int:
        return self.rejected

    def apply(self) -> IntervalOutcome:
        outcome = IntervalOutcome()
        d = self.dialect
        # Each service point's reads in the file: how many, first and last end.
        d.temp_create_as(
            self.cursor,
            "imp_spans",
            """
            SELECT sp_pk, sp_code, SUM(n) AS n, MIN(first_end) AS first_end,
                   MAX(last_end) AS last_end, 0 AS has_reads
            FROM imp_groups WHERE problem = '' GROUP BY sp_pk, sp_code
            """,
        )
        d.analyze(self.cursor, "imp_spans")
        d.service_points_hold(self.cursor, "imp_spans")
        if not (d.postgresql and self._apply_postgresql(outcome)):
            self._apply_generic(outcome)
        self._changed_collect(outcome)
        return outcome

    def _apply_postgresql(self, outcome: IntervalOutcome) -> bool:
        """Corrections first (an UPDATE, only for service points that already
        have reads in the file's span), then one INSERT ... ON CONFLICT whose
        row count is the reads created. A read repeated within the file makes
        PostgreSQL refuse the INSERT; the savepoint is rolled back and the
        generic path, which orders corrections by line, takes over."""
        total = self._scalar("SELECT COALESCE(SUM(n), 0) FROM imp_spans")
        updated = 0
        try:
            with transaction.atomic(using=self.cursor.db.alias):
                overlapping = self._x(
                    """
                    UPDATE imp_spans SET has_reads = 1
                    WHERE EXISTS (
                      SELECT 1 FROM billing_intervalread i
                      WHERE i.service_point_id = imp_spans.sp_pk
                        AND i.interval_end BETWEEN to_timestamp(imp_spans.first_end)
                                               AND to_timestamp(imp_spans.last_end))
                    """
                )
                if not overlapping:
                    # New data only (the usual case): a plain INSERT, cheaper
                    # than ON CONFLICT; a read repeated in the file breaks the
                    # primary key and the generic path takes over.
                    created = self._x(
                        f"""
                        INSERT INTO billing_intervalread (service_point_id, interval_end,
                          interval_minutes, value, is_estimate)
                        SELECT s.sp_pk, to_timestamp(r.end_epoch), %s, r.value, r.is_estimate
                        FROM {READS_TABLE} r JOIN imp_spans s ON s.sp_code = r.sp_code
                        """,
                        [self.minutes],
                    )
                    outcome.created, outcome.updated = created, 0
                    outcome.unchanged = total - created
                    return True
                if overlapping:
                    updated = self._x(
                        f"""
                        UPDATE billing_intervalread SET value = r.value,
                          is_estimate = r.is_estimate, interval_minutes = %s
                        FROM {READS_TABLE} r JOIN imp_spans s ON s.sp_code = r.sp_code
                        WHERE s.has_reads = 1
                          AND billing_intervalread.service_point_id = s.sp_pk
                          AND billing_intervalread.interval_end = to_timestamp(r.end_epoch)
                          AND (billing_intervalread.value, billing_intervalread.is_estimate,
                               billing_intervalread.interval_minutes)
                              IS DISTINCT FROM (r.value, r.is_estimate, %s)
                        """,
                        [self.minutes, self.minutes],
                    )
                # Existing reads now hold the file's values, so the INSERT
                # writes only the new ones.
                created = self._x(
                    f"""
                    INSERT INTO billing_intervalread (service_point_id, interval_end,
                      interval_minutes, value, is_estimate)
                    SELECT sp.id, to_timestamp(r.end_epoch), %s, r.value, r.is_estimate
                    FROM {READS_TABLE} r
                    JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
                    ON CONFLICT (service_point_id, interval_end) DO UPDATE SET
                      value = EXCLUDED.value, is_estimate = EXCLUDED.is_estimate,
                      interval_minutes = EXCLUDED.interval_minutes
                    WHERE (billing_intervalread.value, billing_intervalread.is_estimate,
                           billing_intervalread.interval_minutes)
                          IS DISTINCT FROM
                          (EXCLUDED.value, EXCLUDED.is_estimate, EXCLUDED.interval_minutes)
                    """,
                    [self.minutes],
                )
        except DatabaseError as exc:
            # 21000: ON CONFLICT met a row twice; 23505: a plain INSERT did.
            if getattr(exc.__cause__, "sqlstate", None) in ("21000", "23505"):
                return False
            raise
        outcome.created, outcome.updated = created, updated
        outcome.unchanged = total - created - updated
        return True

    def _apply_generic(self, outcome: IntervalOutcome) -> None:
        d = self.dialect
        c = self.cursor
        end = d.epoch_to_timestamp("r.end_epoch")
        d.temp_create_as(
            c,
            "imp_read_seq",
            f"""
            SELECT r.line, sp.id AS sp_pk, r.end_epoch, {end} AS interval_end, r.value,
                   r.is_estimate,
                   ROW_NUMBER() OVER (PARTITION BY sp.id, r.end_epoch ORDER BY r.line DESC)
                     AS rn_last,
                   LAG(r.value) OVER w AS p_value, LAG(r.is_estimate) OVER w AS p_is_estimate,
                   LAG(r.line) OVER w AS p_line
            FROM {READS_TABLE} r JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
            WINDOW w AS (PARTITION BY sp.id, r.end_epoch ORDER BY r.line)
            """,
        )
        self._x("ALTER TABLE imp_read_seq ADD COLUMN existed int")
        self._x("ALTER TABLE imp_read_seq ADD COLUMN existing_differs int")
        self._x("CREATE INDEX imp_read_seq_key ON imp_read_seq (sp_pk, interval_end)")
        d.analyze(c, "imp_read_seq")
        stored_differs = " OR ".join(
            [
                d.differs("i.value", "imp_read_seq.value"),
                d.differs("i.is_estimate", "imp_read_seq.is_estimate"),
                d.differs("i.interval_minutes", str(self.minutes)),
            ]
        )
        self._x(
            f"""
            UPDATE imp_read_seq SET existed = 1,
              existing_differs = CASE WHEN {stored_differs} THEN 1 ELSE 0 END
            FROM billing_intervalread i
            WHERE i.service_point_id = imp_read_seq.sp_pk
              AND i.interval_end = imp_read_seq.interval_end
            """
        )
        previous_differs = " OR ".join(
            [d.differs("p_value", "value"), d.differs("p_is_estimate", "is_estimate")]
        )
        self.cursor.execute(
            f"""
            SELECT
              SUM(CASE WHEN p_line IS NULL AND existed IS NULL THEN 1 ELSE 0 END),
              SUM(CASE WHEN (p_line IS NULL AND existed = 1 AND existing_differs = 1)
                        OR (p_line IS NOT NULL AND ({previous_differs})) THEN 1 ELSE 0 END),
              COUNT(*)
            FROM imp_read_seq
            """
        )
        created, updated, total = (int(value or 0) for value in self.cursor.fetchone())
        outcome.created, outcome.updated = created, updated
        outcome.unchanged = total - created - updated
        self._x(
            """
            INSERT INTO billing_intervalread (service_point_id, interval_end, interval_minutes,
                                              value, is_estimate)
            SELECT sp_pk, interval_end, %s, value, is_estimate
            FROM imp_read_seq WHERE rn_last = 1 AND existed IS NULL
            """,
            [self.minutes],
        )
        self._x(
            """
            UPDATE billing_intervalread SET value = s.value, is_estimate = s.is_estimate,
              interval_minutes = %s
            FROM imp_read_seq s
            WHERE billing_intervalread.service_point_id = s.sp_pk
              AND billing_intervalread.interval_end = s.interval_end
              AND s.rn_last = 1 AND s.existing_differs = 1
            """,
            [self.minutes],
        )

    def _changed_collect(self, outcome: IntervalOutcome) -> None:
        self.cursor.execute("SELECT sp_pk, n, first_end, last_end FROM imp_spans ORDER BY sp_pk")
        for sp_pk, count, first_end, last_end in self.cursor.fetchall():
            outcome.changed.append(
                IntervalReadsImported(
                    sp_pk,
                    int(count),
                    datetime.fromtimestamp(int(first_end), tz=UTC),
                    datetime.fromtimestamp(int(last_end), tz=UTC),
                )
            )
