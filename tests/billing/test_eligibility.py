from datetime import date, timedelta

import pytest

from billing.eligibility import customer_eligibility, customers_eligible
from billing.models import Customer, EligibilityHold, Purpose
from tests.factories import AccountFactory, CustomerFactory, RateCodeFactory

pytestmark = pytest.mark.django_db

ON = date(2026, 6, 1)
ALL = [Purpose.WEB, Purpose.COMMUNICATIONS, Purpose.REPORTS, Purpose.NEIGHBOR_COMPARISON]


def _eligible_set(purpose):
    return set(customers_eligible(purpose=purpose, on=ON))


def _assert_both_agree(customer, expected: dict):
    """The one-customer answer and the population query must never disagree."""
    result = customer_eligibility(customer=customer, on=ON)
    for purpose in ALL:
        assert result.is_eligible(purpose) is expected[purpose], purpose
        assert (customer in _eligible_set(purpose)) is expected[purpose], purpose


def test_an_ordinary_active_customer_is_eligible_for_everything():
    account = AccountFactory()
    _assert_both_agree(account.customer, dict.fromkeys(ALL, True))


def test_closed_accounts_end_web_access_and_everything_after_it():
    account = AccountFactory(active_date=date(2020, 1, 1), inactive_date=date(2025, 1, 31))
    _assert_both_agree(account.customer, dict.fromkeys(ALL, False))
    reasons = customer_eligibility(customer=account.customer, on=ON).decisions[Purpose.WEB].reasons
    assert reasons[0].code == "accounts_closed"
    assert reasons[0].since == date(2025, 1, 31)


def test_a_usage_gap_hold_blocks_communications_for_its_period_only():
    account = AccountFactory()
    EligibilityHold.objects.create(
        customer=account.customer,
        purpose=Purpose.COMMUNICATIONS,
        reason="usage_gap",
        detail="Gap of 5 days before 2026-03-01",
        starts_on=date(2026, 2, 24),
        ends_on=date(2028, 2, 24),
    )
    _assert_both_agree(
        account.customer,
        {
            Purpose.WEB: True,
            Purpose.COMMUNICATIONS: False,
            Purpose.REPORTS: False,
            Purpose.NEIGHBOR_COMPARISON: False,
        },
    )
    later = customer_eligibility(customer=account.customer, on=date(2028, 2, 24))
    assert later.is_eligible(Purpose.COMMUNICATIONS) is True


def test_a_rate_off_the_allowlist_blocks_reports_with_its_reason():
    medical = RateCodeFactory(code="RES-MED", is_allowlisted=False, exclusion_reason="Medical rate")
    account = AccountFactory(rate_code=medical)
    _assert_both_agree(
        account.customer,
        {
            Purpose.WEB: True,
            Purpose.COMMUNICATIONS: True,
            Purpose.REPORTS: False,
            Purpose.NEIGHBOR_COMPARISON: False,
        },
    )
    reason = (
        customer_eligibility(customer=account.customer, on=ON).decisions[Purpose.REPORTS].reasons[0]
    )
    assert "RES-MED" in reason.message
    assert "Medical rate" in reason.message


def test_more_than_two_premises_blocks_neighbor_comparison_at_each_of_them():
    customers = [AccountFactory(customer__customer_id="PM-1").customer for _ in range(3)]
    for customer in customers:
        _assert_both_agree(
            customer,
            {
                Purpose.WEB: True,
                Purpose.COMMUNICATIONS: True,
                Purpose.REPORTS: True,
                Purpose.NEIGHBOR_COMPARISON: False,
            },
        )


def test_two_premises_are_still_fine_for_neighbor_comparison():
    customers = [AccountFactory(customer__customer_id="HOME-2").customer for _ in range(2)]
    for customer in customers:
        _assert_both_agree(customer, dict.fromkeys(ALL, True))


def test_a_closed_third_premise_does_not_count():
    AccountFactory(customer__customer_id="X-1")
    AccountFactory(customer__customer_id="X-1")
    AccountFactory(customer__customer_id="X-1", inactive_date=ON - timedelta(days=10))
    for customer in Customer.objects.filter(customer_id="X-1", accounts__inactive_date=None):
        assert (
            customer_eligibility(customer=customer, on=ON).is_eligible(Purpose.NEIGHBOR_COMPARISON)
            is True
        )


def test_net_metering_blocks_neighbor_comparison_only():
    solar = RateCodeFactory(code="RES-NEM", is_net_metering=True)
    account = AccountFactory(rate_code=solar)
    _assert_both_agree(
        account.customer,
        {
            Purpose.WEB: True,
            Purpose.COMMUNICATIONS: True,
            Purpose.REPORTS: True,
            Purpose.NEIGHBOR_COMPARISON: False,
        },
    )


def test_a_customer_with_no_account_is_not_eligible():
    _assert_both_agree(CustomerFactory(), dict.fromkeys(ALL, False))
