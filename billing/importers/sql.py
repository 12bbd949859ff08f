"""Staging tables and the few SQL differences between PostgreSQL and SQLite.

The import rules are written once, as set-based SQL over temporary staging
tables, and run on both databases; this module hides what differs (types,
date arithmetic, null-safe comparison). Rows reach the staging tables through
`StageWriter`: one table streams through COPY on PostgreSQL while the others
are spooled to temporary files (bounded memory) and copied afterwards; on
SQLite every table is filled with batched INSERTs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime

from django.db.backends.base.base import BaseDatabaseWrapper

from billing.bulk import COPY_CHUNK_BYTES, copy_text_escape

SPOOL_IN_MEMORY = 8 << 20
SQLITE_BATCH = 2000

# column type -> (PostgreSQL, SQLite)
TYPES = {
    "text": ("text", "TEXT"),
    "date": ("date", "TEXT"),
    "int": ("integer", "INTEGER"),
    "bigint": ("bigint", "INTEGER"),
    "numeric": ("numeric", "NUMERIC"),
    "bool": ("boolean", "INTEGER"),
}


class Dialect:
    def __init__(self, connection: BaseDatabaseWrapper):
        self.connection = connection
        self.postgresql = connection.vendor == "postgresql"
        if connection.vendor not in ("postgresql", "sqlite"):
            raise NotImplementedError(
                f"The importer supports PostgreSQL and SQLite, not {connection.vendor}."
            )

    # DDL -----------------------------------------------------------------
    def temp_drop(self, cursor, *names: str) -> None:
        for name in names:
            if self.postgresql:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
            else:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{name}")

    def temp_create(self, cursor, name: str, columns: Sequence[tuple[str, str]]) -> None:
        self.temp_drop(cursor, name)
        index = 0 if self.postgresql else 1
        body = ", ".join(f"{column} {TYPES[kind][index]}" for column, kind in columns)
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ({body})")

    def temp_create_as(self, cursor, name: str, select: str, params=()) -> None:
        self.temp_drop(cursor, name)
        cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {select}", params)

    def analyze(self, cursor, *names: str) -> None:
        """Temporary tables are never auto-analysed; plans need row counts."""
        if self.postgresql:
            for name in names:
                cursor.execute(f"ANALYZE {name}")

    def service_points_hold(self, cursor, keys_table: str) -> None:
        """Lock the service points this import writes usage for (their ids in
        `keys_table.sp_pk`) until it commits (PostgreSQL).

        The usage tables have no database foreign key: this lock is what makes
        a concurrent delete of one of these service points wait, after which
        the delete trigger sees the committed rows and refuses it.
        """
        if self.postgresql:
            # keys_table is one of the importer's own temporary tables.
            cursor.execute(
                "SELECT COUNT(*) FROM (SELECT sp.id FROM billing_servicepoint sp "  # noqa: S608
                f"WHERE sp.id IN (SELECT sp_pk FROM {keys_table}) FOR KEY SHARE OF sp) held"
            )

    # Expressions -----------------------------------------------------------
    def days_add(self, day: str, days: str) -> str:
        """`day` plus `days` (an integer expression) as a date."""
        if self.postgresql:
            return f"(({day}) + ({days}))"
        return f"date({day}, ({days}) || ' days')"

    def days_between(self, later: str, earlier: str) -> str:
        if self.postgresql:
            return f"(({later}) - ({earlier}))"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def years_add(self, day: str, years: int) -> str:
        """Same month and day `years` later; 29 February becomes 28 February."""
        if self.postgresql:
            return f"CAST(({day}) + INTERVAL '{int(years)} years' AS date)"
        # No '%' in the SQL: Django formats logged queries with `sql % params`.
        return (
            f"CASE WHEN substr({day}, 6, 5) = '02-29' "
            f"THEN date({day}, '-1 day', '+{int(years)} years') "
            f"ELSE date({day}, '+{int(years)} years') END"
        )

    def differs(self, a: str, b: str) -> str:
        """Null-safe inequality."""
        if self.postgresql:
            return f"({a}) IS DISTINCT FROM ({b})"
        return f"({a}) IS NOT ({b})"

    def as_text(self, expression: str) -> str:
        return f"CAST({expression} AS TEXT)"

    def epoch_to_timestamp(self, expression: str) -> str:
        if self.postgresql:
            return f"to_timestamp({expression})"
        return f"datetime({expression}, 'unixepoch')"

    def true(self) -> str:
        return "TRUE" if self.postgresql else "1"

    def false(self) -> str:
        return "FALSE" if self.postgresql else "0"

    # Parameters ------------------------------------------------------------
    def datetime_param(self, value: datetime):
        return self.connection.ops.adapt_datetimefield_value(value)


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if value.__class__ is str:
        if "\\" in value or "\r" in value or "\t" in value or "\n" in value:
            return copy_text_escape(value)
        return value
    return str(value)


def copy_line(row: Sequence) -> str:
    return "\t".join([_copy_value(v) for v in row]) + "\n"


def copy_text(value: str) -> str:
    """A text value for COPY: escaped only if it needs to be (rarely)."""
    if "\\" in value or "\r" in value:
        return copy_text_escape(value)
    return value


def usage_copy_line(row: Sequence) -> str:
    """(line, entity_line, sp_code, date_to, duration, value, charge, flag, unit)."""
    line, entity_line, code, date_to, duration, value, charge, flag, unit = row
    return (
        f"{line}\t{r'\N' if entity_line is None else entity_line}\t{copy_text(code)}\t"
        f"{date_to}\t{duration}\t{value}\t{r'\N' if charge is None else charge}\t{flag}\t"
        f"{unit}\n"
    )


NULL = r"\N"


def usage_copy_run(stream_line: Callable[[str], None]):
    """A parser sink's `usage_run` (billing_file.Sink) writing the same text
    usage_copy_line makes of a row, through `stream_line`."""

    def usage_run(entity_line: int, code: str):
        middle = f"\t{entity_line}\t{copy_text(code)}\t"

        def clean(line, date_to, duration, value, charge, flag, unit):
            stream_line(
                f"{line}{middle}{date_to}\t{duration}\t{value}\t{charge or NULL}\t{flag}\t{unit}\n"
            )

        return clean

    return usage_run


def reading_copy_line(row: Sequence) -> str:
    """(line, sp_code, value, end_epoch, is_estimate, unit)."""
    line, code, value, epoch, estimated, unit = row
    return f"{line}\t{copy_text(code)}\t{value}\t{epoch}\t{'t' if estimated else 'f'}\t{unit}\n"


class StageWriter:
    """Fill staging tables: `streamed` through COPY as rows arrive, others
    spooled and copied on close (PostgreSQL); batched INSERTs on SQLite.

    Use as a context manager; rows are written only if the block succeeds.
    """

    def __init__(
        self,
        connection: BaseDatabaseWrapper,
        *,
        streamed: tuple[str, Sequence[str]],
        spooled: dict[str, Sequence[str]],
        formatter=copy_line,
    ):
        self.connection = connection
        self.postgresql = connection.vendor == "postgresql"
        self.streamed_table, self.streamed_columns = streamed
        self.formatter = formatter
        self.spooled = dict(spooled)
        self.counts = {self.streamed_table: 0, **dict.fromkeys(self.spooled, 0)}
        self._buffer: list[str] = []
        self._size = 0
        self._copy_context = None
        self._copy = None
        self._cursor = None
        self._spools: dict[str, tempfile.SpooledTemporaryFile] = {}
        self._batches: dict[str, list] = {}

    def __enter__(self) -> StageWriter:
        if self.postgresql:
            self.connection.ensure_connection()
            self._cursor = self.connection.connection.cursor()
            columns = ", ".join(self.streamed_columns)
            self._copy_context = self._cursor.copy(
                f"COPY {self.streamed_table} ({columns}) FROM STDIN"
            )
            self._copy = self._copy_context.__enter__()
            for table in self.spooled:
                self._spools[table] = tempfile.SpooledTemporaryFile(
                    max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8"
                )
        else:
            self._cursor = self.connection.cursor()
            for table in (self.streamed_table, *self.spooled):
                self._batches[table] = []
        return self

    def stream(self, row: Sequence) -> None:
        """Add a row to the streamed table (the hot path)."""
        self.counts[self.streamed_table] += 1
        if self.postgresql:
            line = self.formatter(row)
            self._buffer.append(line)
            self._size += len(line)
            if self._size >= COPY_CHUNK_BYTES:
                self._copy.write("".join(self._buffer))
                self._buffer.clear()
                self._size = 0
        else:
            batch = self._batches[self.streamed_table]
            batch.append(row)
            if len(batch) >= SQLITE_BATCH:
                self._sqlite_flush(self.streamed_table, self.streamed_columns)

    def stream_line(self, line: str) -> None:
        """Add a ready COPY text line to the streamed table (PostgreSQL only)."""
        self.counts[self.streamed_table] += 1
        self._buffer.append(line)
        self._size += len(line)
        if self._size >= COPY_CHUNK_BYTES:
            self._copy.write("".join(self._buffer))
            self._buffer.clear()
            self._size = 0

    def stream_text(self, text: str) -> None:
        """Add ready COPY text lines to the streamed table (PostgreSQL only;
        for a caller that buffers its own lines)."""
        if self._buffer:
            self._copy.write("".join(self._buffer))
            self._buffer.clear()
            self._size = 0
        self._copy.write(text)

    def add(self, table: str, row: Sequence) -> None:
        """Add a row to one of the spooled tables."""
        self.counts[table] += 1
        if self.postgresql:
            self._spools[table].write(copy_line(row))
        else:
            batch = self._batches[table]
            batch.append(row)
            if len(batch) >= SQLITE_BATCH:
                self._sqlite_flush(table, self.spooled[table])

    def _sqlite_flush(self, table: str, columns: Sequence[str]) -> None:
        batch = self._batches[table]
        if batch:
            placeholders = ", ".join(["%s"] * len(columns))
            self._cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
                [[_sqlite_value(v) for v in row] for row in batch],
            )
            batch.clear()

    def __exit__(self, exc_type, exc, traceback) -> None:
        try:
            if self.postgresql:
                self._postgresql_close(exc_type, exc, traceback)
            elif exc_type is None:
                self._sqlite_flush(self.streamed_table, self.streamed_columns)
                for table, columns in self.spooled.items():
                    self._sqlite_flush(table, columns)
        finally:
            for spool in self._spools.values():
                spool.close()
            if self._cursor is not None:
                self._cursor.close()

    def _postgresql_close(self, exc_type, exc, traceback) -> None:
        if exc_type is None and self._buffer:
            self._copy.write("".join(self._buffer))
        self._buffer.clear()
        # Leaving the COPY block with an exception makes psycopg abort the COPY.
        self._copy_context.__exit__(exc_type, exc, traceback)
        if exc_type is not None:
            return
        for table, spool in self._spools.items():
            spool.seek(0)
            columns = ", ".join(self.spooled[table])
            with self._cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                while chunk := spool.read(COPY_CHUNK_BYTES):
                    copy.write(chunk)


def _sqlite_value(value):
    if value is True:
        return 1
    if value is False:
        return 0
    return value
