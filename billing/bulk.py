"""Bulk writes of large row sets: COPY on PostgreSQL, executemany on SQLite.

The ORM is about 9x slower than COPY for bulk loads (platform-limits.md), so
demo data, data files and interval reads go through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import connections

COPY_CHUNK_BYTES = 1 << 20


def copy_text_escape(value) -> str:
    r"""Render one value for PostgreSQL's COPY text format (\N is NULL)."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def rows_insert(
    *, table: str, columns: Sequence[str], rows: Iterable[Sequence], using: str = "default"
) -> int:
    """Insert rows into `table` as fast as the database allows; return the count.

    Runs inside the caller's transaction. Values must already be in their
    database form (dates as ISO strings or date objects, booleans as bool).
    """
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return _copy_postgresql(connection, table, columns, rows)
    return _executemany(connection, table, columns, rows)


def copy_lines(
    *, table: str, columns: Sequence[str], lines: Iterable[str], using: str = "default"
) -> None:
    """Stream pre-formatted COPY text lines (PostgreSQL only)."""
    connection = connections[using]
    connection.ensure_connection()
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        buffer: list[str] = []
        size = 0
        for line in lines:
            buffer.append(line)
            size += len(line)
            if size >= COPY_CHUNK_BYTES:
                copy.write("".join(buffer))
                buffer.clear()
                size = 0
        if buffer:
            copy.write("".join(buffer))


def _copy_postgresql(connection, table, columns, rows) -> int:
    count = 0

    def lines():
        nonlocal count
        for row in rows:
            count += 1
            yield "\t".join(copy_text_escape(v) for v in row) + "\n"

    copy_lines(table=table, columns=columns, lines=lines(), using=connection.alias)
    return count


def _sqlite_value(connection, value):
    # Match what the ORM stores (naive UTC text), or range lookups miscompare.
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _executemany(connection, table, columns, rows, batch_size: int = 5000) -> int:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    # Table and column names come from model metadata, never from input.
    table_name = connection.ops.quote_name(table)
    sql = f"INSERT INTO {table_name} ({quoted}) VALUES ({placeholders})"  # noqa: S608
    count = 0
    batch: list[Sequence] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([_sqlite_value(connection, v) for v in row])
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
