"""Build small billing and interval files for tests, and import them."""

from __future__ import annotations

import gzip
import itertools
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from billing.importers.billing_file import LAYOUTS
from billing.importers.interval_file import COLUMN_TITLES
from billing.models import ImportRun
from billing.services import data_file_import

BILLING_DEFAULTS = {
    "customer_id": "C1",
    "premise_id": "P1",
    "secondary_id": "",
    "customer_type": "",
    "first_name": "Pat",
    "last_name": "Lee",
    "email": "pat.lee@example.com",
    "phone": "217 555 0100",
    "language": "",
    "account_id": "A1",
    "active_date": "20200101",
    "inactive_date": "",
    "rate_code": "RES-1",
    "read_cycle": "05",
    "service_point_id": "SP1",
    "service_house_number": "12",
    "service_street_name": "Oak St",
    "service_unit": "",
    "service_city": "Springfield",
    "service_state": "IL",
    "service_zip_code": "62701",
    "bldg_sq_foot": "",
    "dwelling_type": "",
    "heating_fuel": "",
    "year_built": "",
    "fuel": "electric",
    "meter_id": "M1",
    "meter_type": "ami",
    "date_to": "20240131",
    "duration": "31",
    "usage_value": "500",
    "usage_charge": "70.00",
    "is_estimate": "A",
    "unit": "kWh",
}
_counter = itertools.count(1)


def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def row(**values) -> dict:
    unknown = set(values) - set(BILLING_DEFAULTS)
    assert not unknown, unknown
    return {**BILLING_DEFAULTS, **values}


def months(first: date, count: int, **values) -> list[dict]:
    """`count` contiguous calendar-month periods starting with `first`'s month."""
    rows = []
    start = first.replace(day=1)
    for _ in range(count):
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        rows.append(row(date_to=ymd(end), duration=str((end - start).days + 1), **values))
        start = end + timedelta(days=1)
    return rows


def period(first: date, last: date, **values) -> dict:
    return row(date_to=ymd(last), duration=str((last - first).days + 1), **values)


def billing_text(rows: list[dict], *, layout: str = "full") -> str:
    columns = LAYOUTS[layout]
    lines = ["\t".join(columns)]
    for values in rows:
        lines.append("\t".join(values[c] for c in columns))
    return "\n".join(lines) + "\n"


def write(directory: Path, text: str | bytes, *, name: str | None = None, gz: bool = False) -> Path:
    name = name or f"file-{next(_counter)}.tsv"
    path = directory / name
    data = text.encode("utf-8") if isinstance(text, str) else text
    if gz:
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def import_billing(
    directory: Path, rows: list[dict], *, layout: str = "full", share="1", **kwargs
) -> ImportRun:
    """Write `rows` as a billing file and import it (bad rows tolerated by default)."""
    path = write(directory, billing_text(rows, layout=layout), name=kwargs.pop("name", None))
    return data_file_import(path=path, kind="billing", max_rejected_share=Decimal(share), **kwargs)


def interval_text(rows: list[tuple]) -> str:
    lines = ["\t".join(COLUMN_TITLES)]
    lines += ["\t".join(str(v) for v in values) for values in rows]
    return "\n".join(lines) + "\n"


def import_interval(
    directory: Path, rows: list[tuple], *, share="1", minutes: int | None = 60, **kwargs
) -> ImportRun:
    """Rows are (service_point_id, usage_value, date, time, units, is_estimate, UTC_offset)."""
    path = write(directory, interval_text(rows), name=kwargs.pop("name", None))
    return data_file_import(
        path=path,
        kind="interval",
        max_rejected_share=Decimal(share),
        interval_minutes=minutes,
        **kwargs,
    )


def errors(run: ImportRun) -> list[tuple[int, str, str]]:
    return list(run.row_errors.order_by("line", "id").values_list("line", "column", "reason"))


def lanes_spy(monkeypatch, module, name: str) -> list[str]:
    """Record the lane each import took through `module.name` (a direct
    lane's loader): 'direct', or 'staged' after it declined; nothing when it
    was not tried (SQLite)."""
    taken: list[str] = []
    original = getattr(module, name)

    def spy(*args, **kwargs):
        result = original(*args, **kwargs)
        taken.append("staged" if result is None else "direct")
        return result

    monkeypatch.setattr(module, name, spy)
    return taken
