import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from rebates.models import (
    EnrolledVia,
    EventResult,
    EventStatus,
    Participant,
    PeakEvent,
    PtrProgram,
    ResultStatus,
    SettlementAdjustment,
    Track,
)
from tests.factories.billing import AccountFactory


class TrackFactory(DjangoModelFactory):
    class Meta:
        model = Track
        django_get_or_create = ["name"]

    name = "Simple money"
    channels = "email,sms"


class PtrProgramFactory(DjangoModelFactory):
    class Meta:
        model = PtrProgram
        django_get_or_create = ["code"]

    name = "Peak Time Rebates"
    code = "ptr"
    season_starts_on = dt.date(2026, 1, 1)
    season_ends_on = dt.date(2026, 12, 31)
    rebate_per_kwh = Decimal("1.0000")
    enabling_technology_rebate_per_kwh = Decimal("1.5000")
    earliest_start = dt.time(11, 0)
    latest_end = dt.time(21, 0)
    baseline_method = "high-x-of-y"
    baseline_params = factory.LazyFunction(lambda: {"x": 3, "y": 5})
    baseline_lookback_days = 45
    default_track = factory.SubFactory(TrackFactory)


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    program = factory.SubFactory(PtrProgramFactory)
    account = factory.SubFactory(AccountFactory)
    customer = factory.SelfAttribute("account.customer")
    service_point = factory.SelfAttribute("account.service_point")
    enrolled_via = EnrolledVia.AUTOMATIC
    enrolled_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=400))
    zone = "62701"


def _window(event, which):
    probe = PeakEvent(
        start_date=event.start_date,
        end_date=event.end_date,
        start_time=event.start_time,
        end_time=event.end_time,
    )
    return probe.window(probe.start_date if which == 0 else probe.end_date)[which]


class PeakEventFactory(DjangoModelFactory):
    class Meta:
        model = PeakEvent

    program = factory.SubFactory(PtrProgramFactory)
    start_date = dt.date(2026, 7, 15)
    end_date = factory.SelfAttribute("start_date")
    start_time = dt.time(16, 0)
    end_time = dt.time(20, 0)
    status = EventStatus.SCHEDULED
    baseline_method = factory.SelfAttribute("program.baseline_method")
    baseline_params = factory.SelfAttribute("program.baseline_params")
    starts_at = factory.LazyAttribute(lambda e: _window(e, 0))
    ends_at = factory.LazyAttribute(lambda e: _window(e, 1))


class EventResultFactory(DjangoModelFactory):
    class Meta:
        model = EventResult

    event = factory.SubFactory(PeakEventFactory, status=EventStatus.SETTLED)
    participant = factory.SubFactory(
        ParticipantFactory, program=factory.SelfAttribute("..event.program")
    )
    status = ResultStatus.SETTLED
    rate = Decimal("1.0000")
    baseline_kwh = Decimal("10.000000")
    actual_kwh = Decimal("7.500000")
    savings_kwh = Decimal("2.500000")
    rebate = Decimal("2.50")
    settled_at = factory.LazyFunction(timezone.now)
    detail = factory.LazyFunction(
        lambda: {
            "days": {
                "2026-07-15": {"used": ["2026-07-08", "2026-07-09", "2026-07-10"], "factor": None}
            },
            "hours": [
                ["2026-07-15", 16, "2.500000", "1.8750"],
                ["2026-07-15", 17, "2.500000", "1.8750"],
                ["2026-07-15", 18, "2.500000", "1.8750"],
                ["2026-07-15", 19, "2.500000", "1.8750"],
            ],
        }
    )


class SettlementAdjustmentFactory(DjangoModelFactory):
    class Meta:
        model = SettlementAdjustment

    result = factory.SubFactory(EventResultFactory)
    created_at = factory.LazyFunction(timezone.now)
    reason = "Corrected meter data."
    previous_baseline_kwh = Decimal("10.000000")
    previous_actual_kwh = Decimal("7.500000")
    previous_savings_kwh = Decimal("2.500000")
    previous_rebate = Decimal("2.50")
    baseline_kwh = Decimal("10.000000")
    actual_kwh = Decimal("8.000000")
    savings_kwh = Decimal("2.000000")
    rebate = Decimal("2.00")
    savings_delta_kwh = Decimal("-0.500000")
    rebate_delta = Decimal("-0.50")
