"""The billing data file: layouts, header check and row validation.

A parser turns a stream of (line number, text) into three streams handed to
a sink: usage rows, entity rows (customer, premise, account, service point)
and row errors. Everything that can be decided from the row alone is
decided here; rules that need other rows or the database are applied in SQL
afterwards (billing.importers.billing_apply).

In the full layout most rows repeat the entity columns of the row before
(one row per billing period). The entity part is validated once per run of
identical values and staged once, with the line number of the first
accepted row of the run (`entity_line`); each usage row points to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from billing.importers import fields as f
from billing.importers.errors import FileRejected, RowError, shown

CUSTOMER_COLUMNS = (
    "customer_id",
    "premise_id",
    "secondary_id",
    "customer_type",
    "first_name",
    "last_name",
    "email",
    "phone",
    "language",
)
ACCOUNT_COLUMNS = ("account_id", "active_date", "inactive_date", "rate_code", "read_cycle")
SERVICE_POINT_COLUMNS = (
    "service_point_id",
    "service_house_number",
    "service_street_name",
    "service_unit",
    "service_city",
    "service_state",
    "service_zip_code",
    "bldg_sq_foot",
    "dwelling_type",
    "heating_fuel",
    "year_built",
    "fuel",
    "meter_id",
    "meter_type",
)
USAGE_COLUMNS = ("date_to", "duration", "usage_value", "usage_charge", "is_estimate", "unit")
ENTITY_COLUMNS = CUSTOMER_COLUMNS + ACCOUNT_COLUMNS + SERVICE_POINT_COLUMNS
ENTITY_WIDTH = len(ENTITY_COLUMNS)

FULL, CUSTOMER, USAGE = "full", "customer", "usage"
LAYOUTS: dict[str, tuple[str, ...]] = {
    FULL: ENTITY_COLUMNS + USAGE_COLUMNS,
    CUSTOMER: ENTITY_COLUMNS,
    USAGE: ("service_point_id", *USAGE_COLUMNS),
}

# Staged entity row: entity_line, then these (normalised) values.
ENTITY_STAGE_COLUMNS = (
    "customer_id",
    "premise_id",
    "secondary_id",
    "customer_type",
    "first_name",
    "last_name",
    "email",
    "phone",
    "language",
    "account_id",
    "active_date",
    "inactive_date",
    "rate_code",
    "read_cycle",
    "sp_code",
    "house_number",
    "street_name",
    "unit",
    "city",
    "state",
    "zip_code",
    "square_feet",
    "dwelling_type",
    "heating_fuel",
    "year_built",
    "fuel",
    "meter_id",
    "meter_type",
)
# Staged usage row.
USAGE_STAGE_COLUMNS = (
    "line",
    "entity_line",
    "sp_code",
    "date_to",
    "duration",
    "usage_value",
    "usage_charge",
    "is_estimate",
    "unit",
)


class Sink(Protocol):
    """Receives rows. A sink may also offer `usage_run(entity_line, sp_code)`,
    called once per run of rows with the same entity; it returns a function
    the hot loop calls with each clean usage row of the run as
    (line, date_to ISO text, duration, value text, charge text or "",
    estimate flag, unit) instead of building a tuple for `usage`."""

    def usage(self, row: tuple) -> None: ...
    def entity(self, row: tuple) -> None: ...
    def error(self, error: RowError) -> None: ...


def header_layout(header: str, *, expected: str | None) -> str:
    """The layout the header names; FileRejected if it names none exactly.

    `expected` comes from the file name; without it the header decides.
    """
    names = [name.strip().lower() for name in header.split("\t")]
    if expected is not None:
        _header_check(names, expected)
        return expected
    for layout, columns in LAYOUTS.items():
        if tuple(names) == columns:
            return layout
    # Report against the layout the header looks most like.
    guess = USAGE if len(names) <= len(LAYOUTS[USAGE]) + 1 else FULL
    if len(names) == len(LAYOUTS[CUSTOMER]):
        guess = CUSTOMER
    _header_check(names, guess)
    return guess  # pragma: no cover - _header_check raised


def _header_check(names: list[str], layout: str) -> None:
    columns = LAYOUTS[layout]
    if tuple(names) == columns:
        return
    if names == [""]:
        raise FileRejected("The header row is empty.", line=1)
    for position, (got, want) in enumerate(zip(names, columns, strict=False), start=1):
        if got != want:
            missing = want not in names
            detail = (
                f"column {position} is “{shown(got)}” but should be “{want}”"
                + (" (missing)" if missing else " (columns are out of order)")
                if got
                else f"column {position} has no name; it should be “{want}”"
            )
            raise FileRejected(
                f"The header does not match the {layout} layout: {detail}. "
                f"The header must name these {len(columns)} columns, tab-separated, "
                f"in this order: {', '.join(columns)}.",
                line=1,
            )
    if len(names) < len(columns):
        raise FileRejected(
            f"The header does not match the {layout} layout: it has {len(names)} columns; "
            f"missing {', '.join(columns[len(names) :])}.",
            line=1,
        )
    raise FileRejected(
        f"The header does not match the {layout} layout: it has {len(names)} columns, "
        f"{len(names) - len(columns)} more than the {len(columns)} expected "
        f"(first extra: “{shown(names[len(columns)])}”).",
        line=1,
    )


def _text(limit: int, required: bool = False):
    def check(value: str) -> str:
        return f.text_parse(value, max_length=limit, required=required)

    return check


def _optional_int(low: int, high: int):
    def check(value: str) -> int | None:
        return f.int_parse(value, low=low, high=high) if value else None

    return check


def _optional_text(limit: int):
    def check(value: str) -> str | None:
        return f.text_parse(value, max_length=limit, required=False) or None

    return check


def _optional_date(value: str) -> str | None:
    return f.date_parse(value) if value else None


# One checker per entity column, in ENTITY_COLUMNS order.
ENTITY_CHECKS = (
    _text(64, required=True),  # customer_id
    _text(64, required=True),  # premise_id
    _text(64),  # secondary_id
    f.customer_type_parse,
    _text(100),  # first_name
    _text(100),  # last_name
    f.email_parse,
    f.phone_parse,
    f.language_parse,
    _text(64, required=True),  # account_id
    f.date_parse,  # active_date
    _optional_date,  # inactive_date
    _text(32, required=True),  # rate_code
    _text(16),  # read_cycle
    _text(64, required=True),  # service_point_id
    _text(20, required=True),  # service_house_number
    _text(100, required=True),  # service_street_name
    _text(20),  # service_unit
    _text(60, required=True),  # service_city
    f.state_parse,
    f.zip_parse,
    _optional_int(1, 2_000_000),  # bldg_sq_foot
    lambda v: f.choice_parse(
        v, f.DWELLING_TYPES, "single_family, townhouse, multi_family, mobile_home"
    ),
    lambda v: f.choice_parse(v, f.HEATING_FUELS, "electric, gas, oil, propane, other"),
    _optional_int(1600, 2100),  # year_built
    f.fuel_parse,
    _optional_text(64),  # meter_id
    lambda v: f.choice_parse(v, f.METER_TYPES, "ami, amr, manual"),
)
ACTIVE, INACTIVE = ENTITY_COLUMNS.index("active_date"), ENTITY_COLUMNS.index("inactive_date")
FUEL = ENTITY_COLUMNS.index("fuel")
_DATES = f._DATE_CACHE
_DURATIONS = f._DURATION_CACHE
_SIMPLE_USAGE = f.SIMPLE_USAGE.fullmatch
_SIMPLE_CHARGE = f.SIMPLE_CHARGE.fullmatch
SP = ENTITY_COLUMNS.index("service_point_id")


def entity_validate(raw: list[str]) -> tuple[tuple | None, list[tuple[str, str, str]]]:
    """Normalised entity values, or the (column, value, reason) errors."""
    values = []
    errors = []
    for column, check, text in zip(ENTITY_COLUMNS, ENTITY_CHECKS, raw, strict=True):
        text = text.strip()
        try:
            values.append(check(text))
        except f.Invalid as exc:
            values.append(None)
            errors.append((column, text, f"{column} {exc}"))
    if not errors and values[INACTIVE] is not None and values[INACTIVE] <= values[ACTIVE]:
        errors.append(
            (
                "inactive_date",
                raw[INACTIVE].strip(),
                "inactive_date must be after active_date (an account ends after it starts)",
            )
        )
    return (None if errors else tuple(values)), errors


class BillingParser:
    """Validate a billing file row by row and hand the results to a sink."""

    def __init__(self, *, layout: str, negative_usage: str = f.NEGATIVE_NEVER):
        if layout not in LAYOUTS:
            raise ValueError(layout)
        self.layout = layout
        self.negative = negative_usage
        self.width = len(LAYOUTS[layout])
        self.rows = 0
        self.rejected = 0

    def parse(self, lines: Iterable[tuple[int, str]], sink: Sink) -> None:
        lines = iter(lines)
        try:
            _, header = next(lines)
        except StopIteration:
            raise FileRejected("The file is empty.") from None
        header_layout(header, expected=self.layout)
        if self.layout == FULL:
            self._parse_full(lines, sink)
        elif self.layout == CUSTOMER:
            self._parse_customer(lines, sink)
        else:
            self._parse_usage(lines, sink)

    def _shape_error(self, number: int, text: str, fields: list[str], sink: Sink) -> bool:
        """Report a row of the wrong width or with NUL bytes; True if so."""
        if len(fields) != self.width:
            sink.error(
                RowError.make(
                    number,
                    "",
                    text,
                    f"row has {len(fields)} tab-separated fields; the header has {self.width}",
                )
            )
            return True
        if "\x00" in text:
            sink.error(RowError.make(number, "", text, "row contains a NUL character"))
            return True
        return False

    def _usage(self, number: int, fields: list[str], start: int, fuel: str | None, sink: Sink):
        """Validate the six usage fields from `start`; a tuple or None."""
        # Fast path: the common, clean row (values already seen or simple).
        date_to, duration, value, charge, flag, unit = fields[start : start + 6]
        iso = _DATES.get(date_to)
        days = _DURATIONS.get(duration)
        if (
            iso is not None
            and days is not None
            and _SIMPLE_USAGE(value) is not None
            and (not charge or _SIMPLE_CHARGE(charge) is not None)
        ):
            estimate = f.ESTIMATE_FLAGS.get(flag)
            unit_value = f.UNITS.get(unit) or f.UNITS.get(unit.lower())
            if (
                estimate is not None
                and unit_value is not None
                and (fuel is None or unit_value in f.FUEL_UNITS[fuel])
            ):
                return iso, days, value, charge or None, estimate, unit_value
        return self._usage_checked(number, fields, start, fuel, sink)

    def _usage_checked(
        self, number: int, fields: list[str], start: int, fuel: str | None, sink: Sink
    ):
        errors = None
        date_to = fields[start].strip()
        try:
            date_to = f.date_parse(date_to)
        except f.Invalid as exc:
            errors = [("date_to", date_to, f"date_to {exc}")]
        duration = fields[start + 1].strip()
        try:
            duration = f.duration_parse(duration)
        except f.Invalid as exc:
            errors = (errors or []) + [("duration", duration, f"duration {exc}")]
        value = fields[start + 2].strip()
        try:
            value = f.usage_value_parse(value, negative=self.negative)
        except f.Invalid as exc:
            errors = (errors or []) + [("usage_value", value, f"usage_value {exc}")]
        charge = fields[start + 3].strip()
        try:
            charge = f.charge_parse(charge, negative=self.negative)
        except f.Invalid as exc:
            errors = (errors or []) + [("usage_charge", charge, f"usage_charge {exc}")]
        flag = fields[start + 4].strip()
        try:
            flag = f.estimate_parse(flag)
        except f.Invalid as exc:
            errors = (errors or []) + [("is_estimate", flag, f"is_estimate {exc}")]
        unit = fields[start + 5].strip()
        try:
            unit = f.unit_parse(unit)
        except f.Invalid as exc:
            errors = (errors or []) + [("unit", unit, f"unit {exc}")]
        else:
            if fuel is not None and unit not in f.FUEL_UNITS[fuel]:
                errors = (errors or []) + [
                    (
                        "unit",
                        unit,
                        f"unit {unit} does not match fuel {fuel} "
                        f"({' or '.join(f.FUEL_UNITS[fuel])})",
                    )
                ]
        if errors:
            for column, text, reason in errors:
                sink.error(RowError.make(number, column, text, reason))
            return None
        return date_to, duration, value, charge, flag, unit

    def _parse_full(self, lines: Iterator[tuple[int, str]], sink: Sink) -> None:
        """The hot loop: one billing period per row, millions of rows.

        The entity part (the first 28 columns) is compared with the row
        before as one string and validated only when it changes; the usage
        part takes a fast path when every value is plainly valid.
        """
        previous_prefix = None
        entity = None
        entity_errors: list = []
        run_head = None
        fuel = None
        sp = None
        dates, durations = _DATES, _DURATIONS
        simple_usage, simple_charge = _SIMPLE_USAGE, _SIMPLE_CHARGE
        usages, charges, seen = f.SIMPLE_USAGE_SEEN, f.SIMPLE_CHARGE_SEEN, f.simple_seen
        flags, units, fuel_units = f.ESTIMATE_FLAGS, f.UNITS, f.FUEL_UNITS
        add_usage, add_entity = sink.usage, sink.entity
        usage_run = getattr(sink, "usage_run", None)
        clean = None
        for number, text in lines:
            if not text or text.isspace():
                continue
            self.rows += 1
            parts = text.rsplit("\t", 6)
            if len(parts) != 7 or "\x00" in text:
                self._shape_error(number, text, text.split("\t"), sink)
                self.rejected += 1
                continue
            prefix = parts[0]
            if prefix != previous_prefix:
                raw = prefix.split("\t")
                if len(raw) != ENTITY_WIDTH:
                    self._shape_error(number, text, text.split("\t"), sink)
                    self.rejected += 1
                    continue
                previous_prefix = prefix
                entity, entity_errors = entity_validate(raw)
                run_head = None
                if entity is not None:
                    fuel, sp = entity[FUEL], entity[SP]
            if entity_errors:
                for column, value, reason in entity_errors:
                    sink.error(RowError.make(number, column, value, reason))
                # Report usage problems of the same row too.
                self._usage_checked(number, parts, 1, None, sink)
                self.rejected += 1
                continue
            _, date_to, duration, value, charge, flag, unit = parts
            iso = dates.get(date_to)
            days = durations.get(duration)
            usage = None
            if (
                iso is not None
                and days is not None
                and (value in usages or seen(value, simple_usage, usages))
                and (not charge or charge in charges or seen(charge, simple_charge, charges))
            ):
                estimate = flags.get(flag)
                unit_value = units.get(unit) or units.get(unit.lower())
                if (
                    estimate is not None
                    and unit_value is not None
                    and unit_value in fuel_units[fuel]
                ):
                    if usage_run is not None:
                        if run_head is None:
                            run_head = number
                            add_entity((number, *entity))
                            clean = usage_run(number, sp)
                        clean(number, iso, days, value, charge, estimate, unit_value)
                        continue
                    usage = (iso, days, value, charge or None, estimate, unit_value)
            if usage is None:
                usage = self._usage_checked(number, parts, 1, fuel, sink)
                if usage is None:
                    self.rejected += 1
                    continue
            if run_head is None:
                run_head = number
                add_entity((number, *entity))
                if usage_run is not None:
                    clean = usage_run(number, sp)
            add_usage((number, run_head, sp, *usage))

    def _parse_customer(self, lines: Iterator[tuple[int, str]], sink: Sink) -> None:
        for number, text in lines:
            if not text or text.isspace():
                continue
            self.rows += 1
            fields = text.split("\t")
            if self._shape_error(number, text, fields, sink):
                self.rejected += 1
                continue
            entity, errors = entity_validate(fields)
            if errors:
                for column, value, reason in errors:
                    sink.error(RowError.make(number, column, value, reason))
                self.rejected += 1
                continue
            sink.entity((number, *entity))

    def _parse_usage(self, lines: Iterator[tuple[int, str]], sink: Sink) -> None:
        for number, text in lines:
            if not text or text.isspace():
                continue
            self.rows += 1
            fields = text.split("\t")
            if self._shape_error(number, text, fields, sink):
                self.rejected += 1
                continue
            code = fields[0].strip()
            try:
                code = f.text_parse(code, max_length=64, required=True)
            except f.Invalid as exc:
                sink.error(
                    RowError.make(number, "service_point_id", code, f"service_point_id {exc}")
                )
                self._usage(number, fields, 1, None, sink)
                self.rejected += 1
                continue
            usage = self._usage(number, fields, 1, None, sink)
            if usage is None:
                self.rejected += 1
                continue
            sink.usage((number, None, code, *usage))
