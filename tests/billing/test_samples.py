"""The sample files in docs/samples import cleanly (docs/data-files.md links them)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from billing.eligibility import customer_eligibility
from billing.models import Account, Customer, IntervalRead, Purpose, UsageValue
from billing.services import data_files_import

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def test_the_sample_files_import_cleanly():
    billing = data_files_import(paths=sorted(SAMPLES.glob("*_full_*.tsv")), kind="billing")
    interval = data_files_import(paths=sorted(SAMPLES.glob("*_interval60_*.tsv")), kind="interval")
    for run in billing + interval:
        assert (run.status, run.rejected, run.message) == ("succeeded", 0, "")
    assert [r.created for r in billing + interval] == [24, 98]
    assert UsageValue.objects.count() == 24
    # The move-out and move-in at P100003: the old account is closed.
    old, new = Account.objects.filter(service_point__service_point_id="P900003-E").order_by(
        "active_date"
    )
    assert (old.inactive_date.isoformat(), new.inactive_date) == ("2026-08-20", None)
    assert UsageValue.objects.visible_to_account(new).count() == 3
    # Jordan Ellis has two homes: two customers, one of them dual fuel.
    ellis = Customer.objects.filter(customer_id="C9000001").order_by("premise__premise_id")
    assert [c.accounts.count() for c in ellis] == [2, 1]
    # The interval sample covers the end of daylight saving (25 hours on 1 November).
    nov1 = IntervalRead.objects.filter(
        service_point__service_point_id="P900001-E",
        interval_end__gt=datetime(2026, 11, 1, 5, tzinfo=UTC),
        interval_end__lte=datetime(2026, 11, 2, 6, tzinfo=UTC),
    )
    assert nov1.count() == 25
    # The sample's rate codes are new to an empty database: off the allowlist.
    result = customer_eligibility(customer=ellis[0])
    assert result.is_eligible(Purpose.COMMUNICATIONS)
    assert not result.is_eligible(Purpose.REPORTS)
