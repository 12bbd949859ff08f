"""The interval (AMI) file: local interval ends, daylight saving, lengths, corrections."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from billing.models import IntervalRead
from billing.services import data_file_import
from tests.billing.datafiles import errors, import_interval, interval_text, write
from tests.factories import AccountFactory, RateCodeFactory, ServicePointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def service_points(db):
    ServicePointFactory(service_point_id="SP1", fuel="electric")
    ServicePointFactory(service_point_id="SP2", fuel="gas")


def _reads(sp="SP1"):
    return list(
        IntervalRead.objects.filter(service_point__service_point_id=sp)
        .order_by("interval_end")
        .values_list("interval_end", "value", "is_estimate", "interval_minutes")
    )


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_date_and_time_are_the_local_end_of_the_interval(tmp_path):
    run = import_interval(
        tmp_path,
        [
            ("SP1", "1.25", "20240115", "1300", "kWh", "A", "-0600"),
            ("SP1", "1.5", "20240115", "1400", "kwh", "", "-06:00"),
            ("SP1", "1.75", "20240115", "1500", "KWH", "U", "-6"),
            ("SP1", "2", "20240115", "1600", "kWh", "E", ""),
        ],
    )
    assert run.status == "succeeded", run.message
    assert (run.created, run.rejected, run.interval_minutes) == (4, 0, 60)
    assert _reads() == [
        (utc(2024, 1, 15, 19), Decimal("1.2500"), False, 60),
        (utc(2024, 1, 15, 20), Decimal("1.5000"), True, 60),
        (utc(2024, 1, 15, 21), Decimal("1.7500"), True, 60),
        (utc(2024, 1, 15, 22), Decimal("2.0000"), True, 60),
    ]


def test_the_offset_settles_the_hour_that_happens_twice_when_dst_ends(tmp_path):
    # America/Chicago falls back at 02:00 CDT on 3 November 2024: 01:00 happens twice.
    run = import_interval(
        tmp_path,
        [
            ("SP1", "0.9", "20241103", "0100", "kWh", "A", "-0500"),
            ("SP1", "0.8", "20241103", "0100", "kWh", "A", "-0600"),
            ("SP1", "0.7", "20241103", "0200", "kWh", "A", "-0600"),
            ("SP1", "0.6", "20241103", "0100", "kWh", "A", ""),
        ],
    )
    assert [r[0] for r in _reads()] == [
        utc(2024, 11, 3, 6),
        utc(2024, 11, 3, 7),
        utc(2024, 11, 3, 8),
    ]
    assert errors(run) == [
        (
            5,
            "utc_offset",
            "2024-11-03 01:00 happens twice in America/Chicago (daylight saving ends); "
            "UTC_offset is required to tell which",
        )
    ]


def test_a_time_the_clock_skips_when_dst_starts_is_rejected(tmp_path):
    run = import_interval(
        tmp_path,
        [
            ("SP1", "0.5", "20240310", "0100", "kWh", "A", "-0600"),
            ("SP1", "0.5", "20240310", "0200", "kWh", "A", "-0600"),
            ("SP1", "0.5", "20240310", "0300", "kWh", "A", "-0500"),
        ],
    )
    assert [r[0] for r in _reads()] == [utc(2024, 3, 10, 7), utc(2024, 3, 10, 8)]
    assert errors(run)[0][:2] == (3, "time")
    assert "does not exist" in errors(run)[0][2]


def test_an_offset_that_is_not_the_zones_is_rejected(tmp_path):
    run = import_interval(tmp_path, [("SP1", "1", "20240715", "1300", "kWh", "A", "-0600")])
    assert errors(run) == [
        (
            2,
            "utc_offset",
            "UTC_offset -0600 is not America/Chicago's offset at 2024-07-15 13:00 (expected -0500)",
        )
    ]


@pytest.mark.parametrize(
    ("minutes", "good", "bad"),
    [(5, "1305", "1303"), (15, "1315", "1310"), (30, "1330", "1345"), (60, "1300", "1330")],
)
def test_times_must_end_an_interval_of_the_files_length(tmp_path, minutes, good, bad):
    run = import_interval(
        tmp_path,
        [
            ("SP1", "1", "20240115", good, "kWh", "A", "-0600"),
            ("SP1", "1", "20240115", bad, "kWh", "A", "-0600"),
        ],
        minutes=minutes,
    )
    assert run.interval_minutes == minutes
    assert [r[3] for r in _reads()] == [minutes]
    assert errors(run)[0][:2] == (3, "time")
    assert f"{minutes}-minute" in errors(run)[0][2]


def test_a_daily_file_ends_its_intervals_at_midnight(tmp_path):
    run = import_interval(
        tmp_path,
        [
            ("SP1", "24.5", "20240116", "0000", "kWh", "A", "-0600"),
            ("SP1", "20", "20240117", "2400", "kWh", "A", "-0600"),
            ("SP1", "20", "20240117", "1200", "kWh", "A", "-0600"),
        ],
        minutes=1440,
    )
    assert [r[0] for r in _reads()] == [utc(2024, 1, 16, 6), utc(2024, 1, 18, 6)]
    assert "must be 0000" in errors(run)[0][2]


def test_repeated_reads_are_corrections(tmp_path):
    rows = [
        ("SP1", "1.0", "20240115", "1300", "kWh", "E", "-0600"),
        ("SP1", "1.1", "20240115", "1400", "kWh", "A", "-0600"),
        ("SP1", "1.2", "20240115", "1300", "kWh", "A", "-0600"),
    ]
    run = import_interval(tmp_path, rows)
    assert (run.created, run.updated, run.unchanged) == (2, 1, 0)
    assert _reads()[0][1:3] == (Decimal("1.2000"), False)
    run = import_interval(
        tmp_path,
        [
            ("SP1", "1.3", "20240115", "1300", "kWh", "A", "-0600"),
            ("SP1", "1.1", "20240115", "1400", "kWh", "A", "-0600"),
        ],
    )
    assert (run.created, run.updated, run.unchanged) == (0, 1, 1)
    assert [r[1] for r in _reads()] == [Decimal("1.3000"), Decimal("1.1000")]


def test_reads_for_unknown_service_points_or_the_wrong_unit_are_rejected_rows(tmp_path):
    run = import_interval(
        tmp_path,
        [
            ("SP1", "1", "20240115", "1300", "kWh", "A", "-0600"),
            ("NOPE", "1", "20240115", "1300", "kWh", "A", "-0600"),
            ("SP2", "1", "20240115", "1300", "kWh", "A", "-0600"),
            ("SP2", "0.03", "20240115", "1300", "therm", "A", "-0600"),
        ],
    )
    assert run.rejected == 2
    assert [(e[0], e[1]) for e in errors(run)] == [(3, "service_point_id"), (4, "units")]
    assert "NOPE is not on file" in errors(run)[0][2]
    assert len(_reads("SP1")) == len(_reads("SP2")) == 1


def test_too_many_unknown_service_points_reject_the_file(tmp_path):
    rows = [("SP1", "1", "20240115", f"{h:02d}00", "kWh", "A", "") for h in range(1, 20)]
    rows.append(("NOPE", "1", "20240115", "1300", "kWh", "A", ""))
    run = import_interval(tmp_path, rows, share="0.01")
    assert run.status == "rejected"
    assert "1 of 20 rows (5.00%) were rejected" in run.message
    assert IntervalRead.objects.count() == 0
    assert run.row_errors.count() == 1


def test_negative_reads_follow_the_negative_usage_setting(tmp_path, settings):
    rows = [("SP1", "-0.4", "20240115", "1300", "kWh", "A", "-0600")]
    run = import_interval(tmp_path, rows)
    assert "negative" in errors(run)[0][2]
    settings.BILLING_IMPORT_NEGATIVE_USAGE = "net_metering"
    run = import_interval(tmp_path, rows, force=True)
    assert "net-metering" in errors(run)[0][2]
    account = AccountFactory(
        service_point__service_point_id="SP9",
        rate_code=RateCodeFactory(code="RES-NEM", is_net_metering=True),
    )
    run = import_interval(tmp_path, [("SP9", *rows[0][1:])])
    assert run.rejected == 0
    assert IntervalRead.objects.get().service_point == account.service_point


def test_the_interval_length_comes_from_the_file_name(tmp_path):
    path = write(
        tmp_path,
        interval_text([("SP1", "0.3", "20240115", "1315", "kWh", "A", "-0600")]),
        name="opwr_pve_res_v1-19-0_interval15_20240116020000.tsv",
    )
    run = data_file_import(path=path, kind="interval")
    assert (run.status, run.interval_minutes, run.utility_code) == ("succeeded", 15, "pve")
    assert _reads()[0][3] == 15


def test_the_interval_length_is_inferred_from_the_data_when_not_named(tmp_path):
    rows = [
        ("SP1", "0.3", "20240115", f"{h:02d}{m:02d}", "kWh", "A", "-0600")
        for h in (1, 2)
        for m in (0, 30)
    ]
    run = import_interval(tmp_path, rows, minutes=None)
    assert (run.status, run.interval_minutes, run.created) == ("succeeded", 30, 4)


def test_an_interval_length_that_cannot_be_told_rejects_the_file(tmp_path):
    rows = [("SP1", "0.3", "20240115", "1307", "kWh", "A", "-0600")]
    run = import_interval(tmp_path, rows, minutes=None)
    assert run.status == "rejected"
    assert "interval length cannot be told" in run.message


def test_an_unsupported_interval_in_the_file_name_rejects_the_file(tmp_path):
    path = write(
        tmp_path,
        interval_text([("SP1", "0.3", "20240115", "1300", "kWh", "A", "-0600")]),
        name="opwr_pve_res_v1-19-0_interval7_20240116020000.tsv",
    )
    run = data_file_import(path=path, kind="interval")
    assert run.status == "rejected"
    assert "interval7" in run.message
