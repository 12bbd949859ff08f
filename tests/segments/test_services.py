from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from segments.models import CustomerProfile, SegmentMembership
from segments.services import customer_profiles_refresh_usage, segment_refresh
from segments.tasks import segments_refresh_all_task
from tests.factories import (
    AccountFactory,
    CustomerProfileFactory,
    IntervalReadFactory,
    SegmentConditionFactory,
    SegmentFactory,
    UsageValueFactory,
)

pytestmark = pytest.mark.django_db


def test_refresh_adds_joiners_removes_leavers_and_counts():
    segment = SegmentFactory()
    SegmentConditionFactory(segment=segment, condition_type="profile_flag",
                            params={"flag": "owns_ev", "value": True})  # fmt: skip
    ev = CustomerProfileFactory(owns_ev=True)
    other = CustomerProfileFactory(owns_ev=False)
    assert segment_refresh(segment=segment) == 1
    assert set(SegmentMembership.objects.values_list("customer", flat=True)) == {ev.customer_id}
    ev.owns_ev, other.owns_ev = False, True
    ev.save()
    other.save()
    assert segment_refresh(segment=segment) == 1
    assert set(SegmentMembership.objects.values_list("customer", flat=True)) == {other.customer_id}
    segment.refresh_from_db()
    assert segment.member_count == 1
    assert segment.refreshed_at is not None


def test_any_match_unions_conditions_and_an_inactive_segment_is_empty():
    segment = SegmentFactory(match="any")
    for flag in ("owns_ev", "owns_solar"):
        SegmentConditionFactory(segment=segment, condition_type="profile_flag",
                                params={"flag": flag, "value": True})  # fmt: skip
    CustomerProfileFactory(owns_ev=True)
    CustomerProfileFactory(owns_solar=True)
    CustomerProfileFactory()
    assert segment_refresh(segment=segment) == 2
    segment.is_active = False
    assert segment_refresh(segment=segment) == 0


def test_a_segment_without_conditions_has_no_members():
    CustomerProfileFactory()
    assert segment_refresh(segment=SegmentFactory()) == 0


def test_usage_attributes_from_bills_and_smart_meter_reads():
    account = AccountFactory()
    sp = account.service_point
    UsageValueFactory(service_point=sp, date_to=date(2025, 5, 31), duration=31,
                      usage_value=Decimal("1000"))  # fmt: skip
    UsageValueFactory(service_point=sp, date_to=date(2025, 6, 30), duration=30,
                      usage_value=Decimal("1500"))  # fmt: skip
    UsageValueFactory(
        service_point=sp, date_to=date(2023, 6, 30), duration=30, usage_value=Decimal("9999")
    )  # fmt: skip  (older than a year)
    # Wednesday 2025-07-16: 3 p.m. local (peak) and 3 a.m. local (off-peak), CDT = UTC-5.
    IntervalReadFactory(service_point=sp, interval_end=datetime(2025, 7, 16, 20, tzinfo=UTC),
                        value=Decimal("3"))  # fmt: skip
    IntervalReadFactory(service_point=sp, interval_end=datetime(2025, 7, 16, 8, tzinfo=UTC),
                        value=Decimal("1"))  # fmt: skip
    # Saturday 3 p.m.: summer but not peak.
    IntervalReadFactory(service_point=sp, interval_end=datetime(2025, 7, 19, 20, tzinfo=UTC),
                        value=Decimal("2"))  # fmt: skip
    # January: not summer.
    IntervalReadFactory(service_point=sp, interval_end=datetime(2025, 1, 15, 20, tzinfo=UTC),
                        value=Decimal("50"))  # fmt: skip
    no_usage = AccountFactory().customer

    customer_profiles_refresh_usage(as_of=date(2025, 8, 1))

    profile = CustomerProfile.objects.get(customer=account.customer)
    assert profile.yearly_kwh == Decimal("2500.0")
    assert profile.summer_peak_share == Decimal("0.5000")
    assert profile.usage_computed_at is not None
    empty = CustomerProfile.objects.get(customer=no_usage)
    assert empty.yearly_kwh is None
    assert empty.summer_peak_share is None


def test_command_and_task_refresh_everything(capsys):
    segment = SegmentFactory(slug="everyone-residential")
    SegmentConditionFactory(segment=segment)
    AccountFactory()
    call_command("segments_refresh")
    assert "everyone-residential" in capsys.readouterr().out
    segment.refresh_from_db()
    assert segment.member_count == 1
    assert segments_refresh_all_task.delay(refresh_usage=False).get() == {"everyone-residential": 1}


def test_command_rejects_unknown_slugs():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no-such"):
        call_command("segments_refresh", "no-such", "--skip-usage")


def test_set_based_refresh_uses_a_fixed_number_of_queries(django_assert_max_num_queries):
    segment = SegmentFactory()
    SegmentConditionFactory(segment=segment)
    for _n in range(30):
        AccountFactory()
    with django_assert_max_num_queries(8):
        assert segment_refresh(segment=segment) == 30
