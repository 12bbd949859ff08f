"""One data file from disk to the database: read, stage, check, apply.

Called by billing.services inside one transaction. Reading and staging
stream the file (bounded memory whatever its size); the rules run as SQL
over the staging tables. Row errors go straight to `billing_importrowerror`
(at most `max_stored_errors` of them; the count of rejected rows is always
exact).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import psycopg
from django.db import DatabaseError, connection, transaction

from billing.importers import (
    billing_apply,
    billing_direct,
    billing_file,
    fields,
    greenbutton,
    interval_apply,
    interval_direct,
)
from billing.importers.billing_file import (
    ENTITY_STAGE_COLUMNS,
    USAGE_STAGE_COLUMNS,
    BillingParser,
    header_layout,
)
from billing.importers.errors import Abandon, FileRejected, RowError
from billing.importers.interval_file import (
    INFER_LINES,
    IntervalParser,
    interval_minutes_infer,
)
from billing.importers.interval_file import (
    STAGE_COLUMNS as READ_STAGE_COLUMNS,
)
from billing.importers.progress import RunProgress
from billing.importers.sources import DataFileReader
from billing.importers.sql import (
    Dialect,
    StageWriter,
    reading_copy_line,
    usage_copy_line,
    usage_copy_run,
)
from billing.models.usage import INTERVAL_MINUTES

ERROR_TABLE = "billing_importrowerror"
ERROR_COLUMNS = ("run_id", "line", '"column"', "value", "reason")
# A lock every import takes, so that files are applied one at a time.
IMPORT_LOCK_KEY = 0x62696C6C


@dataclass(frozen=True)
class ImportOptions:
    max_rejected_share: Decimal
    negative_usage: str
    max_stored_errors: int
    time_zone: str
    layout: str | None = None
    interval_minutes: int | None = None


@dataclass
class LoadResult:
    layout: str
    rows: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accepted: bool = True
    message: str = ""
    interval_minutes: int | None = None
    details: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)
    customers: list[int] = field(default_factory=list)


class _ErrorSink:
    """Row errors to the error table, up to the cap."""

    def __init__(self, writer: StageWriter, run_pk: int, cap: int):
        self.writer = writer
        self.run_pk = run_pk
        self.cap = cap
        self.stored = 0

    def error(self, error: RowError) -> None:
        if self.stored < self.cap:
            self.stored += 1
            self.writer.add(
                ERROR_TABLE, (self.run_pk, error.line, error.column, error.value, error.reason)
            )


# For the import's own transaction: JIT compiles the rule queries for longer
# than they run (seconds for a 0.2 s statement), and window functions over a
# million staged rows spill to disk with the default 4 MB of work memory.
POSTGRESQL_SESSION = (
    "SET LOCAL jit = off",
    "SET LOCAL work_mem = '64MB'",
    "SET LOCAL default_statistics_target = 10",
)


def _lock(cursor, dialect: Dialect) -> None:
    if dialect.postgresql:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        for statement in POSTGRESQL_SESSION:
            cursor.execute(statement)


def interrupted_runs_mark(cursor, dialect: Dialect, *, run_pk: int, now: datetime) -> None:
    """Runs still 'running' while we hold the import lock died mid-file."""
    if dialect.postgresql:
        cursor.execute(
            "UPDATE billing_importrun SET status = 'interrupted', finished_at = %s, "
            "message = 'The import stopped before it finished (process ended); nothing of it "
            "was applied.' WHERE status = 'running' AND id <> %s",
            [now, run_pk],
        )


def _too_many_rejected(result: LoadResult, share: Decimal) -> bool:
    return result.rows > 0 and Decimal(result.rejected) > share * result.rows


def _rejection_message(result: LoadResult, share: Decimal) -> str:
    percent = 100 * Decimal(result.rejected) / result.rows
    return (
        f"{result.rejected:,} of {result.rows:,} rows ({percent:.2f}%) were rejected, more than "
        f"the {100 * share:.2f}% allowed; nothing from this file was imported. "
        "Fix the rows listed and send the file again."
    )


def _sql_errors_store(cursor, dialect: Dialect, *, run_pk: int, limit: int) -> None:
    if limit <= 0:
        return
    cursor.execute(
        f"""
        INSERT INTO {ERROR_TABLE} (run_id, line, "column", value, reason)
        SELECT %s, line, col, substr(COALESCE(value, ''), 1, 200), substr(reason, 1, 300)
        FROM imp_errors ORDER BY line LIMIT %s
        """,  # noqa: S608
        [run_pk, limit],
    )


def _check_and_apply(
    cursor,
    dialect: Dialect,
    *,
    rules,
    staging_drop,
    result: LoadResult,
    parsed_rejected: int,
    errors_stored: int,
    run_pk: int,
    options: ImportOptions,
    progress: RunProgress,
    position: int,
):
    """Run the SQL rules, count and keep the rejected rows, then apply the
    rest unless too many were bad. Fills `result`; returns the rules'
    outcome, or None when the file is rejected."""
    rules.validate()
    result.rejected = parsed_rejected + rules.rejected_lines()
    _sql_errors_store(
        cursor, dialect, run_pk=run_pk, limit=options.max_stored_errors - errors_stored
    )
    if _too_many_rejected(result, options.max_rejected_share):
        result.accepted = False
        result.message = _rejection_message(result, options.max_rejected_share)
        staging_drop(cursor, dialect)
        return None
    progress("applying", position, force=True)
    outcome = rules.apply()
    staging_drop(cursor, dialect)
    result.created, result.updated, result.unchanged = (
        outcome.created,
        outcome.updated,
        outcome.unchanged,
    )
    return outcome


def billing_file_load(
    *,
    run_pk: int,
    path: Path,
    source: str,
    options: ImportOptions,
    progress: RunProgress,
    now: datetime,
) -> LoadResult:
    """Check and (unless too many rows are bad) apply a billing file: on
    PostgreSQL through the direct lane when it provably gives the same result
    (billing_direct.py), otherwise staged."""
    dialect = Dialect(connection)
    with connection.cursor() as cursor:
        _lock(cursor, dialect)
        interrupted_runs_mark(cursor, dialect, run_pk=run_pk, now=now)
        load = {
            "run_pk": run_pk,
            "source": source,
            "options": options,
            "progress": progress,
            "now": now,
        }
        if dialect.postgresql:
            with DataFileReader(path) as reader:
                result = _billing_direct_load(cursor, dialect, reader, **load)
            if result is not None:
                return result
        with DataFileReader(path) as reader:
            return _billing_staged_load(cursor, dialect, reader, **load)


def _billing_lines(reader: DataFileReader, options: ImportOptions, progress: RunProgress):
    """(lines from the header on, the layout the header names)."""
    lines = reader.lines(progress=lambda position: progress("reading", position))
    first = next(lines)
    layout = header_layout(first[1], expected=options.layout)
    return itertools.chain([first], lines), layout


def _billing_result(result: LoadResult, outcome) -> LoadResult:
    result.details = outcome.details
    result.changes = outcome.new_periods
    result.customers = outcome.customer_pks
    return result


def _billing_direct_load(
    cursor,
    dialect: Dialect,
    reader: DataFileReader,
    *,
    run_pk: int,
    source: str,
    options: ImportOptions,
    progress: RunProgress,
    now: datetime,
) -> LoadResult | None:
    """The direct lane; None when it does not apply (nothing of it is kept)."""
    lines, layout = _billing_lines(reader, options, progress)
    if layout != billing_file.FULL or connection.get_autocommit():
        return None
    sample = list(itertools.islice(lines, billing_direct.SAMPLE_LINES + 1))
    if not billing_direct.sample_is_new(cursor, sample=sample):
        return None
    ids = billing_direct.service_point_ids_load(cursor)
    if ids is None:
        return None
    # The lane's time is not the run's start (`now`) but the transaction's:
    # the time stamp the table's default gives the rows it COPYs.
    cursor.execute("SELECT CURRENT_TIMESTAMP")
    now = cursor.fetchone()[0]
    new_ids = billing_direct.ServicePointIds(connection)
    savepoint = transaction.savepoint_create()
    try:
        result = LoadResult(layout=layout)
        parser = BillingParser(layout=layout, negative_usage=options.negative_usage)
        billing_apply.staging_create(cursor, dialect)
        with StageWriter(
            connection,
            streamed=("billing_usagevalue", billing_direct.DIRECT_COLUMNS),
            spooled={
                billing_apply.ROWS_TABLE: USAGE_STAGE_COLUMNS,
                billing_apply.ENTITIES_TABLE: ("entity_line", *ENTITY_STAGE_COLUMNS),
                billing_apply.IDS_TABLE: [name for name, _ in billing_apply.IDS_COLUMNS],
                billing_apply.SPANS_TABLE: [name for name, _ in billing_apply.SPANS_COLUMNS],
                ERROR_TABLE: ERROR_COLUMNS,
            },
        ) as writer:
            errors = _ErrorSink(writer, run_pk, options.max_stored_errors)
            sink = billing_direct.DirectSink(
                writer,
                ids=ids,
                new_ids=new_ids,
                negative_usage=options.negative_usage,
                error=errors.error,
                entities_table=billing_apply.ENTITIES_TABLE,
            )
            progress("reading", 0, force=True)
            parser.parse(itertools.chain(sample, lines), sink)
            sink.finish()
        outcome = _billing_check_and_apply(
            cursor,
            dialect,
            result=result,
            parser=parser,
            errors_stored=errors.stored,
            direct=True,
            run_pk=run_pk,
            source=source,
            options=options,
            progress=progress,
            position=reader.position,
            now=now,
        )
        if outcome is None:
            # Rejected whole: the staged path stores the errors without rows.
            raise Abandon("too many rejected rows")
    except (Abandon, DatabaseError, psycopg.DatabaseError) as exc:
        if not (isinstance(exc, Abandon) or _duplicate_key(exc)):
            raise
        # A period already stored or repeated in the file (the unique key
        # refused it), or rows to reject: the staged path decides.
        transaction.savepoint_rollback(savepoint)
        return None
    finally:
        new_ids.close()
    transaction.savepoint_commit(savepoint)
    return _billing_result(result, outcome)


def _billing_staged_load(
    cursor,
    dialect: Dialect,
    reader: DataFileReader,
    *,
    run_pk: int,
    source: str,
    options: ImportOptions,
    progress: RunProgress,
    now: datetime,
) -> LoadResult:
    """Stage every row, then the rules and the writes as SQL (both databases)."""
    lines, layout = _billing_lines(reader, options, progress)
    result = LoadResult(layout=layout)
    parser = BillingParser(layout=layout, negative_usage=options.negative_usage)
    billing_apply.staging_create(cursor, dialect)
    with StageWriter(
        connection,
        streamed=(billing_apply.ROWS_TABLE, USAGE_STAGE_COLUMNS),
        formatter=usage_copy_line,
        spooled={
            billing_apply.ENTITIES_TABLE: ("entity_line", *ENTITY_STAGE_COLUMNS),
            ERROR_TABLE: ERROR_COLUMNS,
        },
    ) as writer:
        sink = _ErrorSink(writer, run_pk, options.max_stored_errors)
        sink.usage = writer.stream
        if dialect.postgresql:
            sink.usage_run = usage_copy_run(writer.stream_line)
        sink.entity = lambda row: writer.add(billing_apply.ENTITIES_TABLE, row)
        progress("reading", 0, force=True)
        parser.parse(lines, sink)
    outcome = _billing_check_and_apply(
        cursor,
        dialect,
        result=result,
        parser=parser,
        errors_stored=sink.stored,
        direct=False,
        run_pk=run_pk,
        source=source,
        options=options,
        progress=progress,
        position=reader.position,
        now=now,
    )
    if outcome is None:
        return result
    return _billing_result(result, outcome)


def _billing_check_and_apply(
    cursor,
    dialect: Dialect,
    *,
    result: LoadResult,
    parser: BillingParser,
    errors_stored: int,
    direct: bool,
    run_pk: int,
    source: str,
    options: ImportOptions,
    progress: RunProgress,
    position: int,
    now: datetime,
):
    """The billing rules over what was staged (see _check_and_apply)."""
    progress("checking", position, force=True)
    rules = billing_apply.BillingRules(
        cursor,
        dialect,
        layout=result.layout,
        negative_usage=options.negative_usage,
        now=now,
        source=source,
        direct=direct,
    )
    result.rows = parser.rows
    return _check_and_apply(
        cursor,
        dialect,
        rules=rules,
        staging_drop=billing_apply.staging_drop,
        result=result,
        parsed_rejected=parser.rejected,
        errors_stored=errors_stored,
        run_pk=run_pk,
        options=options,
        progress=progress,
        position=position,
    )


def interval_file_load(
    *,
    run_pk: int,
    path: Path,
    source: str,
    options: ImportOptions,
    progress: RunProgress,
    now: datetime,
) -> LoadResult:
    """Check and (unless too many rows are bad) apply an interval file: on
    PostgreSQL through the direct lane when it provably gives the same result
    (interval_direct.py), otherwise staged."""
    dialect = Dialect(connection)
    with connection.cursor() as cursor:
        _lock(cursor, dialect)
        interrupted_runs_mark(cursor, dialect, run_pk=run_pk, now=now)
        if dialect.postgresql:
            with DataFileReader(path) as reader:
                result = _interval_direct_load(
                    cursor, dialect, reader, run_pk=run_pk, options=options, progress=progress
                )
            if result is not None:
                return result
        with DataFileReader(path) as reader:
            return _interval_staged_load(
                cursor, dialect, reader, run_pk=run_pk, options=options, progress=progress
            )


def _interval_lines(reader: DataFileReader, options: ImportOptions, progress: RunProgress):
    """(lines, interval minutes, the first lines: header and a sample)."""
    lines = reader.lines(progress=lambda position: progress("reading", position))
    minutes = options.interval_minutes
    if minutes is None:
        minutes, buffered = interval_minutes_infer(lines)
        if minutes is None:
            raise FileRejected(
                "The interval length cannot be told from the first rows; name the file "
                "…_interval<minutes>_… (e.g. interval60) or give the length explicitly "
                f"(supported: {', '.join(map(str, INTERVAL_MINUTES))} minutes)."
            )
    else:
        buffered = list(itertools.islice(lines, INFER_LINES + 1))
    return itertools.chain(buffered, lines), minutes, buffered


def _interval_result(result: LoadResult, *, minutes: int, changes: list) -> LoadResult:
    result.details = {"interval_minutes": minutes, "service_points": len(changes)}
    result.changes = changes
    return result


def _duplicate_key(exc: Exception) -> bool:
    sqlstate = getattr(exc, "sqlstate", None) or getattr(exc.__cause__, "sqlstate", None)
    return sqlstate == "23505"


def _interval_direct_load(
    cursor,
    dialect: Dialect,
    reader: DataFileReader,
    *,
    run_pk: int,
    options: ImportOptions,
    progress: RunProgress,
) -> LoadResult | None:
    """The direct lane; None when it does not apply (nothing of it is kept)."""
    lines, minutes, sample = _interval_lines(reader, options, progress)
    if not interval_direct.sample_is_new(
        cursor,
        sample=sample,
        minutes=minutes,
        time_zone=options.time_zone,
        negative=options.negative_usage,
    ):
        return None
    targets = interval_direct.targets_load(cursor)
    if targets is None or connection.get_autocommit():
        return None
    savepoint = transaction.savepoint_create()
    try:
        result = LoadResult(layout="interval", interval_minutes=minutes)
        parser = IntervalParser(
            minutes=minutes, time_zone=options.time_zone, negative_usage=options.negative_usage
        )
        interval_apply.staging_create(cursor, dialect)
        with StageWriter(
            connection,
            streamed=("billing_intervalread", interval_direct.DIRECT_COLUMNS),
            spooled={
                interval_apply.READS_TABLE: READ_STAGE_COLUMNS,
                ERROR_TABLE: ERROR_COLUMNS,
            },
        ) as writer:
            errors = _ErrorSink(writer, run_pk, options.max_stored_errors)
            sink = interval_direct.DirectSink(
                writer, targets, minutes, options.negative_usage, errors.error
            )
            progress("reading", 0, force=True)
            parser.parse(lines, sink)
        progress("checking", reader.position, force=True)
        rules = interval_apply.IntervalRules(
            cursor, dialect, minutes=minutes, negative_usage=options.negative_usage
        )
        rules.validate()
        result.rows = parser.rows
        result.rejected = parser.rejected + rules.rejected_lines()
        if _too_many_rejected(result, options.max_rejected_share):
            # Nothing may be applied: the staged path stores the errors.
            raise Abandon("too many rejected rows")
        _sql_errors_store(
            cursor, dialect, run_pk=run_pk, limit=options.max_stored_errors - errors.stored
        )
        progress("applying", reader.position, force=True)
        checked = interval_direct.checked_reads_insert(cursor, minutes=minutes)
        changes = interval_direct.changes_collect(targets, checked)
        interval_direct.service_points_hold(cursor, changes)
        interval_apply.staging_drop(cursor, dialect)
    except (Abandon, DatabaseError, psycopg.DatabaseError) as exc:
        if not (isinstance(exc, Abandon) or _duplicate_key(exc)):
            raise
        # A read already stored or repeated in the file (the primary key
        # refused it), or rows to reject: the staged path decides.
        transaction.savepoint_rollback(savepoint)
        return None
    transaction.savepoint_commit(savepoint)
    result.created = sum(change.reads for change in changes)
    return _interval_result(result, minutes=minutes, changes=changes)


def _interval_staged_load(
    cursor,
    dialect: Dialect,
    reader: DataFileReader,
    *,
    run_pk: int,
    options: ImportOptions,
    progress: RunProgress,
) -> LoadResult:
    """Stage every read, then the rules and the writes as SQL (both databases)."""
    lines, minutes, _ = _interval_lines(reader, options, progress)
    result = LoadResult(layout="interval", interval_minutes=minutes)
    parser = IntervalParser(
        minutes=minutes, time_zone=options.time_zone, negative_usage=options.negative_usage
    )
    interval_apply.staging_create(cursor, dialect)
    with StageWriter(
        connection,
        streamed=(interval_apply.READS_TABLE, READ_STAGE_COLUMNS),
        formatter=reading_copy_line,
        spooled={ERROR_TABLE: ERROR_COLUMNS},
    ) as writer:
        sink = _ErrorSink(writer, run_pk, options.max_stored_errors)
        sink.reading = writer.stream
        if dialect.postgresql:
            sink.reading_line = writer.stream_line
        progress("reading", 0, force=True)
        parser.parse(lines, sink)
    progress("checking", reader.position, force=True)
    rules = interval_apply.IntervalRules(
        cursor, dialect, minutes=minutes, negative_usage=options.negative_usage
    )
    result.rows = parser.rows
    outcome = _check_and_apply(
        cursor,
        dialect,
        rules=rules,
        staging_drop=interval_apply.staging_drop,
        result=result,
        parsed_rejected=parser.rejected,
        errors_stored=sink.stored,
        run_pk=run_pk,
        options=options,
        progress=progress,
        position=reader.position,
    )
    if outcome is None:
        return result
    return _interval_result(result, minutes=minutes, changes=outcome.changed)


def greenbutton_file_load(
    *,
    run_pk: int,
    path: Path,
    source: str,
    options: ImportOptions,
    progress: RunProgress,
    now: datetime,
    service_point_id: str,
) -> LoadResult:
    """Stage, check and apply the interval readings of a Green Button file
    for one service point; `line` in errors is the reading's number."""
    reading_type = greenbutton.reading_type_read(path)
    unit, factor = greenbutton.unit_and_factor(reading_type)
    dialect = Dialect(connection)
    result = LoadResult(layout="greenbutton")
    with connection.cursor() as cursor:
        _lock(cursor, dialect)
        interrupted_runs_mark(cursor, dialect, run_pk=run_pk, now=now)
        interval_apply.staging_create(cursor, dialect)
        minutes = None
        rejected = 0
        with StageWriter(
            connection,
            streamed=(interval_apply.READS_TABLE, READ_STAGE_COLUMNS),
            spooled={ERROR_TABLE: ERROR_COLUMNS},
            formatter=reading_copy_line,
        ) as writer:
            sink = _ErrorSink(writer, run_pk, options.max_stored_errors)
            progress("reading", 0, force=True)
            for reading in greenbutton.readings_read(path):
                result.rows += 1
                if minutes is None:
                    minutes = greenbutton.interval_minutes_check(reading.duration)
                elif reading.duration != minutes * 60:
                    raise FileRejected(
                        f"Interval reading {reading.index} lasts {reading.duration:,} seconds; "
                        f"one interval length per file ({minutes * 60:,} seconds here)."
                    )
                value = (reading.value * factor).quantize(Decimal("0.0001"))
                problem = ""
                if abs(value) > fields.INTERVAL_VALUE_MAX:
                    problem = "value is larger than the maximum 99,999,999.9999"
                elif value < 0 and options.negative_usage == fields.NEGATIVE_NEVER:
                    problem = "value is negative; negative usage is not accepted"
                if problem:
                    sink.error(RowError.make(reading.index, "value", str(reading.value), problem))
                    rejected += 1
                    continue
                estimated = (
                    reading.quality is not None and reading.quality not in greenbutton.VALID_QUALITY
                )
                writer.stream(
                    (
                        reading.index,
                        service_point_id,
                        format(value, "f"),
                        reading.start + reading.duration,
                        estimated,
                        unit,
                    )
                )
        if minutes is None:
            raise FileRejected("The file has no interval readings.")
        result.interval_minutes = minutes
        rules = interval_apply.IntervalRules(
            cursor, dialect, minutes=minutes, negative_usage=options.negative_usage
        )
        progress("checking", 0, force=True)
        outcome = _check_and_apply(
            cursor,
            dialect,
            rules=rules,
            staging_drop=interval_apply.staging_drop,
            result=result,
            parsed_rejected=rejected,
            errors_stored=sink.stored,
            run_pk=run_pk,
            options=options,
            progress=progress,
            position=0,
        )
        if outcome is None:
            return result
    result.details = {
        "interval_minutes": minutes,
        "unit": unit,
        "espi_unit_of_measure": reading_type.uom,
        "power_of_ten_multiplier": reading_type.power_of_ten,
    }
    result.changes = outcome.changed
    return result
