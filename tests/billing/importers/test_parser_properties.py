"""Property-based tests: whatever is thrown at the parsers, they never fail
with an unhandled exception; every row is either accepted (with values the
database will take) or rejected with a reason; a file is either read or
rejected whole with one message."""

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.importers.billing_file import (
    ENTITY_STAGE_COLUMNS,
    LAYOUTS,
    USAGE_STAGE_COLUMNS,
    BillingParser,
)
from billing.importers.errors import FileRejected
from billing.importers.interval_file import COLUMN_TITLES, IntervalParser
from billing.importers.sources import DataFileReader
from tests.billing.datafiles import BILLING_DEFAULTS

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Plausible and hostile values for every column.
NASTY = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", "\x00", "-", "1,000", "NaN", "1e9", "٣", "２０２４０１０１", "00000000", "\\N"]
    ),
    st.text(alphabet="0123456789-+.:", max_size=14),
    st.text(min_size=60, max_size=300),
)
GOOD = {
    **{column: st.just(value) for column, value in BILLING_DEFAULTS.items()},
    "active_date": st.sampled_from(["20200101", "20240229", "20230229", "19000101"]),
    "inactive_date": st.sampled_from(["", "20241231", "20190101", "20200101"]),
    "date_to": st.sampled_from(["20240131", "20240229", "21991231", "18991231"]),
    "duration": st.sampled_from(["1", "31", "366", "367", "0", "-3", "x"]),
    "usage_value": st.sampled_from(
        ["0", "-1", "12.3456", "999999999", "1000000000", "999999999.9", ".5", "+7"]
    ),
    "usage_charge": st.sampled_from(["", "1.5", "1.555", "-2", "9999999999.99", "1e2"]),
    "is_estimate": st.sampled_from(["", "A", "e", "U", "X"]),
    "unit": st.sampled_from(["kWh", "therm", "CCF", "gal", "MWh"]),
    "fuel": st.sampled_from(["electric", "G", "W", "steam"]),
    "service_zip_code": st.sampled_from(["62701", "62701-1234", "627011234", "6270", "ABCDE"]),
    "service_state": st.sampled_from(["IL", "il", "I", "ILL", "ÎL"]),
    "bldg_sq_foot": st.sampled_from(["", "1200", "0", "99999999999"]),
    "year_built": st.sampled_from(["", "1999", "1500", "2101"]),
    "language": st.sampled_from(["", "es_US", "en-GB", "fr", "english"]),
    "email": st.sampled_from(["", "a@b.co", "no-at-sign", "x@y"]),
}


def billing_field(column):
    return st.one_of(GOOD[column], NASTY)


@st.composite
def billing_rows(draw, layout):
    columns = LAYOUTS[layout]
    fields = [draw(billing_field(c)) for c in columns]
    shape = draw(st.sampled_from(["ok", "ok", "ok", "short", "long", "blank"]))
    if shape == "short":
        fields = fields[: draw(st.integers(0, len(fields) - 1))]
    elif shape == "long":
        fields = [*fields, draw(NASTY)]
    elif shape == "blank":
        return draw(st.sampled_from(["", "   ", "\t" * (len(columns) - 1)]))
    return "\t".join(fields)


class Collect:
    def __init__(self):
        self.usages, self.entities, self.errors, self.readings = [], [], [], []

    def usage(self, row):
        self.usages.append(row)

    def entity(self, row):
        self.entities.append(row)

    def error(self, error):
        self.errors.append(error)

    def reading(self, row):
        self.readings.append(row)


def _check_usage(values):
    row = dict(zip(USAGE_STAGE_COLUMNS, values, strict=True))
    assert date.fromisoformat(row["date_to"]).year <= 2199
    assert 1 <= row["duration"] <= 366
    value = Decimal(row["usage_value"])
    assert abs(value) <= 999_999_999
    assert -value.as_tuple().exponent <= 3
    assert row["usage_charge"] is None or abs(Decimal(row["usage_charge"])) < 10**10
    assert row["is_estimate"] in ("A", "E", "U")
    assert row["unit"] in ("kWh", "therm", "ccf", "gal")
    assert 0 < len(row["sp_code"]) <= 64


def _check_entity(values):
    row = dict(zip(("entity_line", *ENTITY_STAGE_COLUMNS), values, strict=True))
    assert row["state"].isupper()
    assert len(row["state"]) == 2
    assert len(row["zip_code"]) in (5, 10)
    assert row["inactive_date"] is None or row["inactive_date"] > row["active_date"]
    assert row["fuel"] in ("electric", "gas", "water")
    assert row["language"] in ("en", "es")
    for column, limit in (("customer_id", 64), ("first_name", 100), ("street_name", 100)):
        assert len(row[column]) <= limit
    assert "\x00" not in "".join(v for v in values if isinstance(v, str))


def _check_outcome(parser, sink, lines):
    rejected = {e.line for e in sink.errors}
    accepted = {row[0] for row in sink.usages} or {row[0] for row in sink.entities}
    if parser.layout == "full":
        accepted = {row[0] for row in sink.usages}
    assert all(e.reason and e.line >= 2 for e in sink.errors)
    assert rejected.isdisjoint(accepted)
    assert len(rejected) == parser.rejected
    data_lines = [text for text in lines[1:] if text.strip()]
    assert parser.rows == len(data_lines) == len(rejected) + len(accepted)


@PROPERTY_SETTINGS
@given(layout=st.sampled_from(["full", "customer", "usage"]), data=st.data())
def test_the_billing_parser_accepts_or_explains_every_row(layout, data):
    rows = data.draw(st.lists(billing_rows(layout), max_size=8))
    lines = ["\t".join(LAYOUTS[layout]), *rows]
    parser = BillingParser(layout=layout, negative_usage="always")
    sink = Collect()
    parser.parse(enumerate(lines, start=1), sink)
    _check_outcome(parser, sink, lines)
    for values in sink.usages:
        _check_usage(values)
    for values in sink.entities:
        _check_entity(values)


INTERVAL_GOOD = st.tuples(
    st.sampled_from(["SP1", "", "X" * 65]),
    st.sampled_from(["1.5", "-2", "0.00001", "99999999.99999", "1,5", "abc"]),
    st.sampled_from(["20240115", "20241103", "20240310", "20240230", "2024011"]),
    st.sampled_from(["0000", "0100", "0200", "1300", "2400", "2359", "2500", "12:00"]),
    st.sampled_from(["kWh", "therm", "MWh"]),
    st.sampled_from(["", "A", "E", "U", "Z"]),
    st.sampled_from(["", "-0500", "-0600", "-05:00", "-6", "+1500", "Z", "-5.0"]),
)


@PROPERTY_SETTINGS
@given(
    rows=st.lists(
        st.one_of(
            INTERVAL_GOOD.map("\t".join),
            st.lists(NASTY, max_size=9).map("\t".join),
        ),
        max_size=10,
    ),
    minutes=st.sampled_from([5, 15, 30, 60, 1440]),
)
def test_the_interval_parser_accepts_or_explains_every_row(rows, minutes):
    lines = ["\t".join(COLUMN_TITLES), *rows]
    parser = IntervalParser(minutes=minutes, time_zone="America/Chicago", negative_usage="always")
    sink = Collect()
    parser.parse(enumerate(lines, start=1), sink)
    rejected = {e.line for e in sink.errors}
    accepted = {row[0] for row in sink.readings}
    assert all(e.reason for e in sink.errors)
    assert rejected.isdisjoint(accepted)
    assert parser.rows == len(rejected) + len(accepted)
    for _line, code, value, epoch, estimated, unit in sink.readings:
        assert 0 < len(code) <= 64
        assert isinstance(epoch, int)
        assert (epoch // 60) % minutes == 0 or minutes == 1440
        assert abs(Decimal(value)) <= Decimal("99999999.9999")
        assert isinstance(estimated, bool)
        assert unit in ("kWh", "therm", "ccf", "gal")


def _read_all(data: bytes, parser_factory):
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "file"
        path.write_bytes(data)
        try:
            with DataFileReader(path) as reader:
                parser_factory().parse(reader.lines(), Collect())
        except FileRejected as exc:
            message = exc.message
        else:
            return "read"
    assert message
    return "rejected"


@PROPERTY_SETTINGS
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.binary(max_size=200).map(lambda b: b"\x1f\x8b" + b),
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
        st.text(max_size=300).map(
            lambda t: ("\t".join(LAYOUTS["full"]) + "\n" + t).encode("utf-8")
        ),
    )
)
def test_any_bytes_are_read_or_rejected_whole_with_a_message(data):
    outcome = _read_all(data, lambda: BillingParser(layout="full"))
    assert outcome in ("read", "rejected")
    outcome = _read_all(data, lambda: IntervalParser(minutes=60, time_zone="America/Chicago"))
    assert outcome in ("read", "rejected")
