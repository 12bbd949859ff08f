"""The interval file's direct lane (PostgreSQL): new reads COPYed straight into
billing_intervalread, and the staged path whenever the lane cannot prove it
gives the same result (billing/importers/interval_direct.py)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from billing.importers import interval_direct, runner
from billing.importers.interval_apply import IntervalReadsImported
from billing.models import IntervalRead
from tests.billing.datafiles import errors, import_interval, lanes_spy
from tests.conftest import require_postgresql
from tests.factories import AccountFactory, RateCodeFactory, ServicePointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def service_points(db):
    ServicePointFactory(service_point_id="SP1", fuel="electric")
    ServicePointFactory(service_point_id="SP2", fuel="gas")


@pytest.fixture
def lanes(monkeypatch):
    """The lane each interval import took (datafiles.lanes_spy)."""
    return lanes_spy(monkeypatch, runner, "_interval_direct_load")


def _reads(sp="SP1"):
    return list(
        IntervalRead.objects.filter(service_point__service_point_id=sp)
        .order_by("interval_end")
        .values_list("interval_end", "value", "is_estimate", "interval_minutes")
    )


def _hours(sp, first, count, value="1.5", flag="A"):
    return [
        (sp, value, "20240115", f"{h:02d}00", "kWh", flag, "") for h in range(first, first + count)
    ]


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_new_reads_take_the_direct_lane_with_every_rule(tmp_path, lanes):
    require_postgresql("the direct lane")
    run = import_interval(
        tmp_path,
        [
            ("SP1", "0.9", "20241103", "0100", "kWh", "A", "-0500"),
            ("SP1", "0.8", "20241103", "0100", "kWh", "E", "-0600"),
            ("NOPE", "1", "20241103", "0100", "kWh", "A", "-0500"),
            ("SP2", "1", "20241103", "0100", "kWh", "A", "-0500"),
            ("SP2", "0.03", "20241103", "0100", "therm", "A", "-0500"),
            ("SP1", "x", "20241103", "0300", "kWh", "A", ""),
        ],
    )
    assert lanes == ["direct"]
    assert run.status == "succeeded", run.message
    assert (run.created, run.updated, run.unchanged, run.rejected) == (3, 0, 0, 3)
    assert run.details["service_points"] == 2
    assert [(e[0], e[1]) for e in errors(run)] == [
        (4, "service_point_id"),
        (5, "units"),
        (7, "usage_value"),
    ]
    assert _reads() == [
        (utc(2024, 11, 3, 6), Decimal("0.9000"), False, 60),
        (utc(2024, 11, 3, 7), Decimal("0.8000"), True, 60),
    ]
    assert _reads("SP2") == [(utc(2024, 11, 3, 6), Decimal("0.0300"), False, 60)]


def test_a_read_repeated_in_the_file_falls_back_to_corrections(tmp_path, lanes):
    require_postgresql("the direct lane")
    run = import_interval(
        tmp_path,
        [
            ("SP1", "1.0", "20240115", "1300", "kWh", "E", "-0600"),
            ("SP1", "1.1", "20240115", "1400", "kWh", "A", "-0600"),
            ("SP1", "1.2", "20240115", "1300", "kWh", "A", "-0600"),
        ],
    )
    assert lanes == ["staged"]
    assert (run.created, run.updated, run.unchanged) == (2, 1, 0)
    assert _reads()[0][1:3] == (Decimal("1.2000"), False)
    assert IntervalRead.objects.count() == 2


def test_a_file_overlapping_stored_reads_is_staged(tmp_path, lanes):
    require_postgresql("the direct lane")
    first = import_interval(tmp_path, _hours("SP1", 1, 5))
    again = import_interval(tmp_path, _hours("SP1", 1, 5), force=True)
    assert lanes == ["direct", "staged"]
    assert (first.created, again.created, again.updated, again.unchanged) == (5, 0, 0, 5)


def test_a_stored_read_beyond_the_sample_abandons_the_lane(tmp_path, lanes, monkeypatch):
    require_postgresql("the direct lane")
    import_interval(tmp_path, _hours("SP1", 10, 1))
    lanes.clear()
    # The sample (first line only) looks new; line 3 hits the stored read.
    monkeypatch.setattr(runner, "INFER_LINES", 1)
    rows = _hours("SP1", 1, 2) + _hours("SP1", 10, 1, value="2.5")
    run = import_interval(tmp_path, rows)
    assert lanes == ["staged"]
    assert (run.created, run.updated, run.unchanged) == (2, 1, 0)
    assert [r[1] for r in _reads()] == [Decimal("1.5000")] * 2 + [Decimal("2.5000")]


def test_too_many_rejected_rows_store_nothing_but_the_errors(tmp_path, lanes):
    require_postgresql("the direct lane")
    rows = [*_hours("SP1", 1, 19), ("NOPE", "1", "20240115", "2300", "kWh", "A", "")]
    run = import_interval(tmp_path, rows, share="0.01")
    assert lanes == ["staged"]
    assert run.status == "rejected"
    assert IntervalRead.objects.count() == 0
    assert run.row_errors.count() == 1


def test_negative_reads_on_net_metering_are_checked_then_stored(tmp_path, lanes, settings):
    require_postgresql("the direct lane")
    settings.BILLING_IMPORT_NEGATIVE_USAGE = "net_metering"
    account = AccountFactory(
        service_point__service_point_id="SP9",
        rate_code=RateCodeFactory(code="RES-NEM", is_net_metering=True),
    )
    run = import_interval(
        tmp_path,
        [
            ("SP9", "-0.4", "20240115", "1300", "kWh", "A", ""),
            ("SP9", "0.6", "20240115", "1400", "kWh", "A", ""),
            ("SP1", "-0.4", "20240115", "1300", "kWh", "A", ""),
        ],
    )
    assert lanes == ["direct"]
    assert (run.created, run.rejected) == (2, 1)
    assert "net-metering" in errors(run)[0][2]
    assert list(
        IntervalRead.objects.filter(service_point=account.service_point)
        .order_by("interval_end")
        .values_list("value", flat=True)
    ) == [Decimal("-0.4000"), Decimal("0.6000")]


def test_a_service_point_gone_before_the_lock_abandons_the_lane():
    require_postgresql("the direct lane")
    sp = ServicePointFactory()
    change = IntervalReadsImported(sp.pk, 1, utc(2024, 1, 1), utc(2024, 1, 1))
    with connection.cursor() as cursor:
        interval_direct.service_points_hold(cursor, [change])
        gone = IntervalReadsImported(sp.pk + 1000, 1, utc(2024, 1, 1), utc(2024, 1, 1))
        with pytest.raises(interval_direct.Abandon):
            interval_direct.service_points_hold(cursor, [change, gone])


def test_sqlite_keeps_the_staged_path(tmp_path, lanes):
    run = import_interval(tmp_path, _hours("SP1", 1, 3))
    assert lanes == ([] if connection.vendor == "sqlite" else ["direct"])
    assert run.created == 3
    assert len(_reads()) == 3
