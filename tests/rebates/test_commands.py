"""manage.py ptr_explain, ptr_rebate_export and seed_demo_ptr."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rebates import services
from rebates.models import EventResult, EventStatus, ResultStatus
from tests.factories import (
    EventResultFactory,
    ParticipantFactory,
    PeakEventFactory,
    PtrProgramFactory,
)
from tests.rebates.conftest import write_day

JUL = {d: dt.date(2026, 7, d) for d in range(1, 32)}
HAND_WORKED = {14: 2, 13: 3, 10: 1, 9: 2.5, 8: 1.5, 7: 9, 6: 9, 3: 9}


def hand_worked_csv(path, *, drop=()):
    lines = ["interval_end,kwh"]
    for day in range(1, 16):
        if day != 15 and day not in HAND_WORKED:
            continue
        for hour in range(24):
            if day == 15:
                value = {16: 1.5, 17: 1.0}.get(hour, 0.5)
            else:
                value = HAND_WORKED[day] if hour in (16, 17) else 0.5
            end = dt.datetime(2026, 7, day, hour) + dt.timedelta(hours=1)
            if (day, hour) in drop:
                continue
            lines.append(f"{end:%Y-%m-%d %H:%M},{value}")
    path.write_text("\n".join(lines) + "\n")
    return path


def explain(*args):
    out = StringIO()
    call_command("ptr_explain", *args, stdout=out)
    return out.getvalue()


def test_ptr_explain_prints_the_days_and_the_result(tmp_path):
    reads = hand_worked_csv(tmp_path / "reads.csv")
    output = explain(
        "--reads",
        str(reads),
        "--event-start",
        "2026-07-15 16:00",
        "--event-end",
        "2026-07-15 18:00",
        "--method",
        "high-x-of-y",
        "--param",
        "x=3",
        "--param",
        "y=5",
        "--rate",
        "1.00",
    )
    assert (
        "similar days, most recent first: "
        "2026-07-14, 2026-07-13, 2026-07-10, 2026-07-09, 2026-07-08" in output
    )
    assert "days chosen: 2026-07-09, 2026-07-13, 2026-07-14" in output
    assert output.strip().splitlines()[-1] == (
        "baseline_kwh=5.000000 actual_kwh=2.500000 savings_kwh=2.500000 rebate=2.50"
    )


@pytest.mark.django_db
def test_ptr_explain_agrees_with_settlement_on_the_same_reads(tmp_path):
    program = PtrProgramFactory(
        baseline_method="average-adjusted", baseline_params={"days": 5, "cap": "0.20"}
    )
    event = PeakEventFactory(
        program=program,
        start_date=JUL[15],
        start_time=dt.time(16),
        end_time=dt.time(18),
        status=EventStatus.COMPLETED,
    )
    participant = ParticipantFactory(program=program)
    for day, value in HAND_WORKED.items():
        write_day(participant.service_point, JUL[day], {16: value, 17: value})
    write_day(participant.service_point, JUL[15], {16: 1.5, 17: 1.0, 12: 0.6, 13: 0.55})
    result = EventResult.objects.create(
        event=event,
        participant=participant,
        rate="1.2500",
        status="pending",
        reason_code="x",
        reason="x",
    )
    services.peak_event_settle(event=event)
    result.refresh_from_db()

    lines = ["interval_end,kwh"]
    for read in participant.service_point.interval_reads.order_by("interval_end"):
        local = read.interval_end.astimezone(dt.timezone(dt.timedelta(hours=-5)))
        lines.append(f"{local:%Y-%m-%d %H:%M},{read.value}")
    path = tmp_path / "from-db.csv"
    path.write_text("\n".join(lines))
    output = explain(
        "--reads",
        str(path),
        "--event-start",
        "2026-07-15 16:00",
        "--event-end",
        "2026-07-15 18:00",
        "--method",
        "average-adjusted",
        "--param",
        "days=5",
        "--rate",
        "1.25",
    )
    assert output.strip().splitlines()[-1] == (
        f"baseline_kwh={result.baseline_kwh} actual_kwh={result.actual_kwh} "
        f"savings_kwh={result.savings_kwh} rebate={result.rebate}"
    )
    assert "day-of adjustment" in output
    assert result.status == ResultStatus.SETTLED


def test_ptr_explain_reads_the_repeated_fall_back_hour(tmp_path):
    # Weekend event Sunday Nov 8, 00:00–03:00, compared with Saturday Nov 7 and Sunday Nov 1.
    lines = ["interval_end,kwh"]
    for day in (dt.date(2026, 11, 1), dt.date(2026, 11, 7), dt.date(2026, 11, 8)):
        for hour in range(1, 25):
            end = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(hours=hour)
            lines.append(f"{end:%Y-%m-%d %H:%M},1")
            if day == dt.date(2026, 11, 1) and hour == 1:
                lines.append(f"{end:%Y-%m-%d %H:%M},1")  # 01:00 CST after 01:00 CDT
    path = tmp_path / "fall.csv"
    path.write_text("\n".join(lines))
    output = explain(
        "--reads",
        str(path),
        "--event-start",
        "2026-11-08 00:00",
        "--event-end",
        "2026-11-08 03:00",
        "--method",
        "high-x-of-y",
        "--param",
        "x=2",
        "--param",
        "y=2",
        "--rate",
        "1",
    )
    # Nov 1: the read ending 01:00 CDT is the 00:00 hour; the reads ending 01:00 CST (the
    # repeated line) and 02:00 CST are both the 01:00 hour, so it holds 2 kWh.
    # Baseline hour by hour (1, 1.5, 1) = 3.5; actual 3.
    assert "days chosen: 2026-11-01, 2026-11-07" in output
    assert output.strip().splitlines()[-1].startswith("baseline_kwh=3.500000 actual_kwh=3.000000")


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("interval_end,kwh\n2026-07-15 16:00,abc\n", "line 2, kwh: “abc” is not a number"),
        (
            "interval_end,kwh\n15/07/2026 16:00,1\n",
            "line 2, interval_end: “15/07/2026 16:00” is not",
        ),
        ("interval_end,kwh\n2026-03-08 02:30,1\n", "does not exist in America/Chicago"),
        ("interval_end,kwh\n2026-07-15 16:00\n", "line 2: expected interval_end,kwh"),
        ("interval_end,kwh\n", "no reads"),
    ],
)
def test_ptr_explain_reports_bad_input_by_line_and_field(tmp_path, content, error):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=error):
        explain(
            "--reads",
            str(path),
            "--event-start",
            "2026-07-15 16:00",
            "--event-end",
            "2026-07-15 18:00",
            "--method",
            "middle-8-of-10",
            "--rate",
            "1",
        )


def test_ptr_explain_says_why_a_result_is_pending(tmp_path):
    reads = hand_worked_csv(tmp_path / "reads.csv", drop={(15, 16)})
    with pytest.raises(
        CommandError, match="pending: Interval data for the event hours on 2026-07-15"
    ):
        explain(
            "--reads",
            str(reads),
            "--event-start",
            "2026-07-15 16:00",
            "--event-end",
            "2026-07-15 18:00",
            "--method",
            "high-x-of-y",
            "--rate",
            "1",
        )


def test_ptr_explain_refuses_bad_parameters(tmp_path):
    reads = hand_worked_csv(tmp_path / "reads.csv")
    with pytest.raises(CommandError, match="x cannot be larger than y"):
        explain(
            "--reads",
            str(reads),
            "--event-start",
            "2026-07-15 16:00",
            "--event-end",
            "2026-07-15 18:00",
            "--method",
            "high-x-of-y",
            "--param",
            "x=9",
            "--rate",
            "1",
        )
    with pytest.raises(CommandError, match="--rate"):
        explain(
            "--reads",
            str(reads),
            "--event-start",
            "2026-07-15 16:00",
            "--event-end",
            "2026-07-15 18:00",
            "--method",
            "high-x-of-y",
            "--rate",
            "lots",
        )
    with pytest.raises(CommandError, match="cannot read the file"):
        explain(
            "--reads",
            str(tmp_path / "missing.csv"),
            "--event-start",
            "2026-07-15 16:00",
            "--event-end",
            "2026-07-15 18:00",
            "--method",
            "high-x-of-y",
            "--rate",
            "1",
        )


@pytest.mark.django_db
def test_ptr_rebate_export_writes_the_file(tmp_path):
    event = PeakEventFactory(status=EventStatus.SETTLED)
    EventResultFactory(event=event, participant__account__account_id="A-9")
    target = tmp_path / "ptr.tsv"
    call_command(
        "ptr_rebate_export",
        "--event",
        str(event.pk),
        "--output",
        str(target),
        "--delimiter",
        "tab",
        stderr=StringIO(),
    )
    assert target.read_text().splitlines()[1] == (
        "A-9\tRES-1\tPTR\t20260715 1600\t20260715 2000\t2.500000\t2.50"
    )
    with pytest.raises(CommandError, match="No peak event with id 999"):
        call_command("ptr_rebate_export", "--event", "999")
    upcoming = PeakEventFactory(start_date=dt.date(2026, 7, 20))
    with pytest.raises(CommandError, match="is Scheduled"):
        call_command("ptr_rebate_export", "--event", str(upcoming.pk))


@pytest.mark.django_db
def test_seed_demo_ptr_gives_the_demo_customer_peak_savings():
    call_command("seed_demo", "--customers", "12", "--as-of", "2026-11-21", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo_ptr", "--if-empty", stdout=out)
    assert "Peak Time Rebates demo:" in out.getvalue()
    from rebates.models import PeakEvent

    settled = PeakEvent.objects.filter(status=EventStatus.SETTLED)
    assert settled.count() == 2
    assert PeakEvent.objects.filter(status=EventStatus.SCHEDULED).count() == 1
    alex = EventResult.objects.filter(participant__customer__customer_id="C2000000")
    assert alex.count() == 4  # two homes, two events
    assert all(r.status == ResultStatus.SETTLED and r.rebate > 0 for r in alex)
    from notifications.models import ContactPoint

    # Every active participant is reachable by e-mail (their address on file).
    participants = {f"customer:{pk}" for pk in alex.values_list("participant__customer", flat=True)}
    assert participants <= set(
        ContactPoint.objects.filter(channel="email").values_list("recipient_key", flat=True)
    )
    out = StringIO()
    call_command("seed_demo_ptr", "--if-empty", stdout=out)
    assert "nothing to do" in out.getvalue()
