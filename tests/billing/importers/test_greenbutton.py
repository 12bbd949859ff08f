"""Green Button (ESPI) files: the sample files in tests/data/greenbutton
(Apache-2.0, see licenses/ and SOURCES.md there for the counts and sums
asserted here)."""

from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from billing.importers import greenbutton
from billing.importers.errors import FileRejected
from billing.models import IntervalRead
from billing.services import data_file_import
from tests.factories import ServicePointFactory

DATA = Path(__file__).resolve().parents[2] / "data" / "greenbutton"


@pytest.mark.parametrize(
    ("name", "count", "total", "unit", "first_start"),
    [
        ("test_usage_data.xml", 1340, Decimal("1391.666"), "kWh", datetime(2012, 3, 1, 5)),
        ("1hrLP_32Days.xml", 768, Decimal("2354.843"), "kWh", datetime(2012, 4, 1, 4)),
        ("Gas.xml", 13, Decimal("1074.821"), "therm", datetime(2011, 4, 1, 4)),
        ("MonthlyOnlyElectricData.xml", 14, Decimal("9567"), "kWh", datetime(2011, 8, 26, 4)),
    ],
)
def test_the_parser_reads_every_reading_with_its_unit(name, count, total, unit, first_start):
    path = DATA / name
    reading_type = greenbutton.reading_type_read(path)
    got_unit, factor = greenbutton.unit_and_factor(reading_type)
    readings = list(greenbutton.readings_read(path))
    assert got_unit == unit
    assert len(readings) == count
    assert sum(r.value for r in readings) * factor == total
    assert datetime.fromtimestamp(readings[0].start, tz=UTC) == first_start.replace(tzinfo=UTC)


def test_the_summary_period_adds_up_to_the_readings_inside_it():
    # SOURCES.md: overallConsumptionLastPeriod = sum of the 1244 readings in
    # the billing period 2012-03-01T05:00Z + 1,119,600 s.
    start = int(datetime(2012, 3, 1, 5, tzinfo=UTC).timestamp())
    inside = [
        r
        for r in greenbutton.readings_read(DATA / "test_usage_data.xml")
        if start <= r.start and r.start + r.duration <= start + 1_119_600
    ]
    assert len(inside) == 1244
    assert sum(r.value for r in inside) == 1_298_640


@pytest.mark.django_db
def test_fifteen_minute_readings_are_imported_with_dst_and_quality():
    sp = ServicePointFactory(service_point_id="GB-1", fuel="electric")
    run = data_file_import(
        path=DATA / "test_usage_data.xml", kind="greenbutton", service_point_id="GB-1"
    )
    assert (run.status, run.interval_minutes, run.created, run.rejected) == (
        "succeeded",
        15,
        1340,
        0,
    )
    reads = IntervalRead.objects.filter(service_point=sp)
    assert reads.aggregate(total=Sum("value"))["total"] == Decimal("1391.666")
    # Reads are stored by their end: the first ends 15 minutes after 05:00Z.
    first = reads.order_by("interval_end").first()
    assert first.interval_end == datetime(2012, 3, 1, 5, 15, tzinfo=UTC)
    assert first.is_estimate is True  # ReadingQuality 8
    assert reads.filter(is_estimate=True).count() == 2
    # The spring-forward day (11 March 2012, US Eastern) has 23 hours: 92 reads.
    day = reads.filter(
        interval_end__gt=datetime(2012, 3, 11, 5, tzinfo=UTC),
        interval_end__lte=datetime(2012, 3, 12, 4, tzinfo=UTC),
    )
    assert day.count() == 92
    again = data_file_import(
        path=DATA / "test_usage_data.xml", kind="greenbutton", service_point_id="GB-1"
    )
    assert again.status == "duplicate"


@pytest.mark.django_db
def test_hourly_readings_import_through_the_command():
    ServicePointFactory(service_point_id="GB-2", fuel="electric")
    out = StringIO()
    call_command(
        "import_greenbutton",
        str(DATA / "1hrLP_32Days.xml"),
        "--service-point",
        "GB-2",
        "--no-progress",
        stdout=out,
        stderr=StringIO(),
    )
    assert out.getvalue().strip().splitlines()[-1] == (
        "created=768 updated=0 unchanged=0 rejected=0"
    )
    total = IntervalRead.objects.aggregate(total=Sum("value"))["total"]
    assert total == Decimal("2354.843")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Gas.xml", "MonthlyOnlyElectricData.xml"])
def test_monthly_readings_are_not_interval_data(name):
    ServicePointFactory(service_point_id="GB-3", fuel="gas")
    run = data_file_import(path=DATA / name, kind="greenbutton", service_point_id="GB-3")
    assert run.status == "rejected"
    assert "2,678,400 seconds" in run.message or "seconds; interval data" in run.message
    assert IntervalRead.objects.count() == 0


@pytest.mark.django_db
def test_readings_for_a_service_point_of_another_fuel_or_unknown_are_rejected():
    ServicePointFactory(service_point_id="GB-GAS", fuel="gas")
    run = data_file_import(
        path=DATA / "1hrLP_32Days.xml",
        kind="greenbutton",
        service_point_id="GB-GAS",
        max_rejected_share=Decimal(1),
    )
    assert run.rejected == 768
    assert "do not match the fuel" in run.row_errors.first().reason
    run = data_file_import(
        path=DATA / "1hrLP_32Days.xml", kind="greenbutton", service_point_id="NOPE", force=True
    )
    assert run.status == "rejected"
    assert IntervalRead.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("import_greenbutton", str(DATA / "Gas.xml"), stdout=StringIO())


def test_hostile_or_broken_xml_is_rejected_with_a_message(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><feed>&lol2;</feed>'
    )
    with pytest.raises(FileRejected, match="refused for safety"):
        greenbutton.reading_type_read(bomb)
    broken = tmp_path / "broken.xml"
    broken.write_text("<feed><entry>")
    with pytest.raises(FileRejected, match="not well-formed"):
        greenbutton.reading_type_read(broken)
    empty = tmp_path / "empty.xml"
    empty.write_text('<feed xmlns="http://www.w3.org/2005/Atom"></feed>')
    with pytest.raises(FileRejected, match="no ESPI ReadingType"):
        greenbutton.reading_type_read(empty)
