"""Every rule of the billing data file (seed 002), each on its own.

These run on SQLite and on PostgreSQL (CI runs the suite on both): the two
databases share one set of rules, with a faster PostgreSQL path for usage
that must give the same answers.
"""

from datetime import date
from decimal import Decimal

import pytest

from billing.eligibility import customer_eligibility
from billing.models import (
    Account,
    Customer,
    EligibilityHold,
    HoldReason,
    Premise,
    Purpose,
    RateCode,
    ServicePoint,
    UsageValue,
)
from tests.billing.datafiles import errors, import_billing, months, period, row
from tests.factories import RateCodeFactory

pytestmark = pytest.mark.django_db

ON = date(2024, 12, 1)


@pytest.fixture(autouse=True)
def rates(db):
    RateCodeFactory(code="RES-1")
    RateCodeFactory(code="GAS-R")
    RateCodeFactory(code="RES-NEM", is_net_metering=True)


def _usage(sp="SP1"):
    return list(
        UsageValue.objects.filter(service_point__service_point_id=sp)
        .order_by("date_to", "duration")
        .values_list("date_to", "duration", "usage_value")
    )


def _customer(customer_id="C1", premise_id="P1"):
    return Customer.objects.get(customer_id=customer_id, premise__premise_id=premise_id)


def _holds(customer):
    return list(
        EligibilityHold.objects.filter(customer=customer)
        .order_by("starts_on")
        .values_list("purpose", "reason", "starts_on", "ends_on")
    )


# Start of period --------------------------------------------------------


def test_start_of_period_is_date_to_minus_duration_plus_one(tmp_path):
    # The seed's example: last day 2013-10-28, 28 days -> first day 2013-10-01.
    run = import_billing(tmp_path, [row(date_to="20131028", duration="28")])
    assert run.status == "succeeded", run.message
    usage = UsageValue.objects.get()
    assert usage.start_date == date(2013, 10, 1)
    assert list(UsageValue.objects.filter(pk=usage.pk).values_list("date_to", flat=True)) == [
        date(2013, 10, 28)
    ]


def test_contiguous_periods_make_no_hold(tmp_path):
    run = import_billing(tmp_path, months(date(2024, 1, 1), 6))
    assert run.created == 6
    assert EligibilityHold.objects.count() == 0


# Gaps and overlaps ---------------------------------------------------------


def test_a_gap_holds_communications_for_two_years_from_the_gap(tmp_path):
    rows = [
        period(date(2024, 1, 1), date(2024, 1, 31)),
        period(date(2024, 3, 1), date(2024, 3, 31)),
    ]
    run = import_billing(tmp_path, rows)
    assert run.details["eligibility_holds_created"] == 1
    customer = _customer()
    assert _holds(customer) == [
        (Purpose.COMMUNICATIONS, HoldReason.USAGE_GAP, date(2024, 2, 1), date(2026, 2, 1))
    ]
    hold = EligibilityHold.objects.get()
    assert "29 days without billed usage" in hold.detail
    assert "SP1" in hold.detail
    assert hold.source == run.file_name
    result = customer_eligibility(customer=customer, on=ON)
    assert result.is_eligible(Purpose.WEB)
    assert not result.is_eligible(Purpose.COMMUNICATIONS)
    reason = result.decisions[Purpose.COMMUNICATIONS].reasons[0]
    assert reason.code == HoldReason.USAGE_GAP
    assert (reason.since, reason.until) == (date(2024, 2, 1), date(2026, 2, 1))
    assert customer_eligibility(customer=customer, on=date(2026, 2, 1)).is_eligible(
        Purpose.COMMUNICATIONS
    )


def test_an_overlap_holds_communications_from_the_first_overlapping_day(tmp_path):
    rows = [
        period(date(2024, 1, 1), date(2024, 1, 31)),
        period(date(2024, 1, 26), date(2024, 2, 29)),
    ]
    import_billing(tmp_path, rows)
    hold = EligibilityHold.objects.get()
    assert (hold.reason, hold.starts_on, hold.ends_on) == (
        HoldReason.USAGE_OVERLAP,
        date(2024, 1, 26),
        date(2026, 1, 26),
    )
    assert "by 6 days" in hold.detail


def test_a_gap_across_files_is_found_by_the_later_file(tmp_path):
    import_billing(tmp_path, months(date(2024, 1, 1), 3))
    assert EligibilityHold.objects.count() == 0
    import_billing(tmp_path, [period(date(2024, 4, 10), date(2024, 5, 9))])
    hold = EligibilityHold.objects.get()
    assert (hold.reason, hold.starts_on) == (HoldReason.USAGE_GAP, date(2024, 4, 1))


def test_a_backfilled_period_that_overlaps_the_next_one_is_found(tmp_path):
    import_billing(tmp_path, [period(date(2024, 3, 1), date(2024, 3, 31))])
    import_billing(tmp_path, [period(date(2024, 2, 1), date(2024, 3, 5))])
    assert [h[1] for h in _holds(_customer())] == [HoldReason.USAGE_OVERLAP]


def test_a_hold_on_leap_day_ends_two_years_later_on_28_february(tmp_path):
    rows = [
        period(date(2024, 1, 1), date(2024, 2, 28)),
        period(date(2024, 3, 1), date(2024, 3, 31)),
    ]
    import_billing(tmp_path, rows)
    hold = EligibilityHold.objects.get()
    assert (hold.starts_on, hold.ends_on) == (date(2024, 2, 29), date(2026, 2, 28))


def test_a_hold_is_for_the_customer_at_that_premise_only(tmp_path):
    # The same person at a second premise is a different customer.
    rows = [
        period(date(2024, 1, 1), date(2024, 1, 31)),
        period(date(2024, 3, 1), date(2024, 3, 31)),
        *months(
            date(2024, 1, 1),
            3,
            premise_id="P2",
            service_point_id="SP2",
            account_id="A2",
            service_house_number="14",
        ),
    ]
    import_billing(tmp_path, rows)
    assert len(_holds(_customer("C1", "P1"))) == 1
    assert _holds(_customer("C1", "P2")) == []
    assert customer_eligibility(customer=_customer("C1", "P2"), on=ON).is_eligible(
        Purpose.COMMUNICATIONS
    )


def test_the_vacancy_between_two_occupants_is_no_gap_for_the_new_one(tmp_path):
    old = months(date(2024, 1, 1), 3, inactive_date="20240331")
    new = months(date(2024, 5, 1), 2, customer_id="C2", account_id="A2", active_date="20240501")
    run = import_billing(tmp_path, old + new)
    assert run.status == "succeeded", errors(run)
    assert EligibilityHold.objects.count() == 0


def test_a_hold_is_recorded_once_when_the_file_is_forced_again(tmp_path):
    rows = [
        period(date(2024, 1, 1), date(2024, 1, 31)),
        period(date(2024, 3, 1), date(2024, 3, 31)),
    ]
    first = import_billing(tmp_path, rows, name="gap.tsv")
    again = import_billing(tmp_path, rows, name="gap.tsv", force=True)
    assert (first.status, again.status) == ("succeeded", "succeeded")
    assert EligibilityHold.objects.count() == 1


# Corrections ---------------------------------------------------------------


def test_a_second_row_for_the_same_days_in_one_file_is_a_correction(tmp_path):
    rows = [
        period(date(2024, 1, 1), date(2024, 1, 31), usage_value="500"),
        period(date(2024, 2, 1), date(2024, 2, 29), usage_value="400"),
        period(date(2024, 1, 1), date(2024, 1, 31), usage_value="520.5"),
    ]
    run = import_billing(tmp_path, rows)
    assert _usage() == [
        (date(2024, 1, 31), 31, Decimal("520.500")),
        (date(2024, 2, 29), 29, Decimal("400.000")),
    ]
    assert (run.created, run.updated, run.unchanged) == (2, 1, 0)
    assert EligibilityHold.objects.count() == 0


def test_a_row_for_the_same_days_in_a_later_file_is_a_correction(tmp_path):
    import_billing(tmp_path, months(date(2024, 1, 1), 2))
    run = import_billing(
        tmp_path, [period(date(2024, 2, 1), date(2024, 2, 29), usage_value="777.25")]
    )
    assert (run.created, run.updated, run.unchanged) == (0, 1, 0)
    assert _usage()[-1] == (date(2024, 2, 29), 29, Decimal("777.250"))
    assert UsageValue.objects.count() == 2


def test_net_metering_second_row_for_the_same_days_replaces_the_first(tmp_path):
    # The sender must sum delivered and received; two rows are not added up.
    rows = [
        period(date(2024, 6, 1), date(2024, 6, 30), usage_value="350", rate_code="RES-NEM"),
        period(date(2024, 6, 1), date(2024, 6, 30), usage_value="120", rate_code="RES-NEM"),
    ]
    import_billing(tmp_path, rows)
    assert _usage() == [(date(2024, 6, 30), 30, Decimal("120.000"))]


def test_a_row_with_other_days_is_not_a_correction(tmp_path):
    import_billing(tmp_path, [period(date(2024, 1, 1), date(2024, 1, 31))])
    import_billing(tmp_path, [period(date(2024, 1, 2), date(2024, 1, 31))])
    assert len(_usage()) == 2
    assert [h[1] for h in _holds(_customer())] == [HoldReason.USAGE_OVERLAP]


# Values ----------------------------------------------------------------------


def test_negative_usage_is_rejected_unless_configured(tmp_path, settings):
    rows = [period(date(2024, 6, 1), date(2024, 6, 30), usage_value="-35.5")]
    run = import_billing(tmp_path, rows)
    assert run.rejected == 1
    assert UsageValue.objects.count() == 0
    assert errors(run)[0][1] == "usage_value"
    assert "negative" in errors(run)[0][2]

    settings.BILLING_IMPORT_NEGATIVE_USAGE = "always"
    run = import_billing(tmp_path, rows, force=True)
    assert run.rejected == 0
    assert _usage() == [(date(2024, 6, 30), 30, Decimal("-35.500"))]


def test_negative_usage_on_net_metering_rates_only_when_so_configured(tmp_path, settings):
    settings.BILLING_IMPORT_NEGATIVE_USAGE = "net_metering"
    rows = [
        period(date(2024, 6, 1), date(2024, 6, 30), usage_value="-35.5", rate_code="RES-NEM"),
        period(
            date(2024, 6, 1),
            date(2024, 6, 30),
            usage_value="-10",
            service_point_id="SP2",
            account_id="A2",
            premise_id="P2",
        ),
    ]
    run = import_billing(tmp_path, rows)
    assert run.rejected == 1
    assert _usage("SP1") == [(date(2024, 6, 30), 30, Decimal("-35.500"))]
    assert _usage("SP2") == []
    assert errors(run)[0][0] == 3
    assert "net-metering" in errors(run)[0][2]


@pytest.mark.parametrize(
    ("value", "accepted", "reason"),
    [
        ("1,234.5", False, "commas"),
        ("999999999", True, ""),
        ("1000000000", False, "maximum 999,999,999"),
        ("999999999.5", False, "maximum"),
        ("12.3456", True, ""),
        ("abc", False, "not a number"),
        ("", False, "required"),
        ("1e3", False, "not a number"),
    ],
)
def test_usage_value_format(tmp_path, value, accepted, reason):
    run = import_billing(tmp_path, [row(usage_value=value)])
    assert (run.rejected == 0) is accepted
    if not accepted:
        assert reason in errors(run)[0][2]
        assert UsageValue.objects.count() == 0
    elif value == "12.3456":
        assert UsageValue.objects.get().usage_value == Decimal("12.346")


def test_blank_is_estimate_means_estimated_and_u_counts_as_estimated(tmp_path):
    rows = [
        period(date(2024, 1, 1), date(2024, 1, 31), is_estimate=""),
        period(date(2024, 2, 1), date(2024, 2, 29), is_estimate="U"),
        period(date(2024, 3, 1), date(2024, 3, 31), is_estimate="a"),
        period(date(2024, 4, 1), date(2024, 4, 30), is_estimate="X"),
    ]
    run = import_billing(tmp_path, rows)
    flags = list(UsageValue.objects.order_by("date_to").values_list("is_estimate", flat=True))
    assert flags == ["E", "U", "A"]
    estimated = [u.is_estimated for u in UsageValue.objects.order_by("date_to")]
    assert estimated == [True, True, False]
    assert errors(run) == [
        (
            5,
            "is_estimate",
            "is_estimate must be A (actual), E (estimated), U (customer-reported) or blank",
        )
    ]


def test_unit_must_fit_the_fuel(tmp_path):
    run = import_billing(tmp_path, [row(unit="therm")])
    assert "does not match fuel electric" in errors(run)[0][2]


# Accounts ------------------------------------------------------------------------


def test_inactive_date_ends_web_access_and_communications(tmp_path):
    import_billing(tmp_path, months(date(2024, 1, 1), 2))
    customer = _customer()
    assert customer_eligibility(customer=customer, on=ON).is_eligible(Purpose.COMMUNICATIONS)
    import_billing(tmp_path, months(date(2024, 3, 1), 1, inactive_date="20240331"))
    account = Account.objects.get()
    assert account.inactive_date == date(2024, 3, 31)
    result = customer_eligibility(customer=customer, on=ON)
    assert not result.is_eligible(Purpose.WEB)
    assert not result.is_eligible(Purpose.COMMUNICATIONS)
    assert result.decisions[Purpose.WEB].reasons[0].code == "accounts_closed"


def test_a_temporary_lapse_keeps_the_account_active_with_zero_usage(tmp_path):
    rows = months(date(2024, 1, 1), 4)
    rows[1]["usage_value"] = "0"
    rows[2]["usage_value"] = "0"
    run = import_billing(tmp_path, rows)
    assert run.rejected == 0
    assert Account.objects.get().is_active
    assert customer_eligibility(customer=_customer(), on=ON).is_eligible(Purpose.COMMUNICATIONS)


def test_a_closed_account_is_reactivated_by_its_own_account_id_and_active_date(tmp_path):
    import_billing(tmp_path, months(date(2024, 1, 1), 2, inactive_date="20240229"))
    assert not Account.objects.get().is_active
    run = import_billing(tmp_path, months(date(2024, 3, 1), 1))
    account = Account.objects.get()
    assert account.is_active
    assert run.details["accounts"]["reactivated"] == 1
    assert customer_eligibility(customer=_customer(), on=ON).is_eligible(Purpose.WEB)


def test_a_closed_account_is_not_reactivated_under_another_active_date(tmp_path):
    import_billing(tmp_path, months(date(2024, 1, 1), 2, inactive_date="20240229"))
    run = import_billing(tmp_path, months(date(2024, 3, 1), 1, active_date="20190101"))
    assert run.rejected == 1
    ((_line, column, reason),) = errors(run)
    assert column == "active_date"
    assert "active_date never changes" in reason
    assert list(Account.objects.values_list("active_date", "inactive_date")) == [
        (date(2020, 1, 1), date(2024, 2, 29))
    ]


def test_a_closed_account_is_not_reactivated_while_a_newer_one_is_there(tmp_path):
    import_billing(tmp_path, months(date(2024, 1, 1), 2, inactive_date="20240229"))
    import_billing(
        tmp_path,
        months(date(2024, 3, 1), 1, customer_id="C2", account_id="A2", active_date="20240301"),
    )
    run = import_billing(tmp_path, months(date(2024, 4, 1), 1))
    assert run.rejected == 1
    assert "cannot be reactivated" in errors(run)[0][2]
    assert Account.objects.get(account_id="A2").is_active
    assert not Account.objects.get(account_id="A1").is_active


def test_a_newer_active_date_starts_a_new_account_and_hides_the_old_usage(tmp_path):
    import_billing(tmp_path, months(date(2024, 1, 1), 4, customer_id="C-OLD", account_id="A1"))
    run = import_billing(
        tmp_path,
        months(date(2024, 5, 1), 2, customer_id="C-NEW", account_id="A9", active_date="20240501"),
    )
    assert run.details["accounts"] == {
        "created": 1,
        "updated": 1,
        "deactivated": 1,
        "reactivated": 0,
    }
    old = Account.objects.get(account_id="A1")
    new = Account.objects.get(account_id="A9")
    assert old.inactive_date == date(2024, 4, 30)
    assert new.is_active
    # The new occupant never sees the previous occupant's usage.
    visible = list(UsageValue.objects.visible_to_account(new).order_by("date_to"))
    assert [u.date_to for u in visible] == [date(2024, 5, 31), date(2024, 6, 30)]
    assert len(UsageValue.objects.visible_to_account(old)) == 4
    assert not customer_eligibility(customer=_customer("C-OLD"), on=ON).is_eligible(Purpose.WEB)
    assert customer_eligibility(customer=_customer("C-NEW"), on=ON).is_eligible(Purpose.WEB)
    assert EligibilityHold.objects.count() == 0


def test_the_same_account_id_with_a_newer_active_date_is_a_new_account(tmp_path):
    # "Never modify the active_date": a newer one hides the earlier usage.
    import_billing(tmp_path, months(date(2024, 1, 1), 2))
    import_billing(tmp_path, months(date(2024, 3, 1), 1, active_date="20240301"))
    accounts = list(
        Account.objects.order_by("active_date").values_list(
            "account_id", "active_date", "inactive_date"
        )
    )
    assert accounts == [
        ("A1", date(2020, 1, 1), date(2024, 2, 29)),
        ("A1", date(2024, 3, 1), None),
    ]
    new = Account.objects.get(active_date=date(2024, 3, 1))
    assert [u.date_to for u in UsageValue.objects.visible_to_account(new)] == [date(2024, 3, 31)]


def test_a_move_within_one_file_deactivates_the_old_account(tmp_path):
    rows = months(date(2024, 1, 1), 2) + months(
        date(2024, 3, 1), 2, customer_id="C2", account_id="A2", active_date="20240301"
    )
    run = import_billing(tmp_path, rows)
    assert run.status == "succeeded"
    old, new = Account.objects.order_by("active_date")
    assert old.inactive_date == date(2024, 2, 29)
    assert new.inactive_date is None


def test_a_full_history_re_sent_after_a_move_leaves_the_old_account_closed(tmp_path):
    # The old occupant's rows still carry a blank inactive_date, but the file
    # also carries the newer account: nothing is reactivated.
    rows = months(date(2024, 1, 1), 2) + months(
        date(2024, 3, 1), 2, customer_id="C2", account_id="A2", active_date="20240301"
    )
    import_billing(tmp_path, rows)
    rows.append(
        period(
            date(2024, 5, 1),
            date(2024, 5, 31),
            customer_id="C2",
            account_id="A2",
            active_date="20240301",
        )
    )
    run = import_billing(tmp_path, rows)
    assert (run.rejected, run.created, run.unchanged) == (0, 1, 4)
    assert run.details["accounts"]["reactivated"] == 0
    assert list(
        Account.objects.order_by("active_date").values_list("account_id", "inactive_date")
    ) == [("A1", date(2024, 2, 29)), ("A2", None)]


def test_an_older_account_new_to_the_database_with_a_newer_one_in_the_file_is_history(
    tmp_path,
):
    import_billing(
        tmp_path,
        months(date(2024, 3, 1), 1, customer_id="C2", account_id="A2", active_date="20240301"),
    )
    rows = months(date(2024, 1, 1), 2) + months(
        date(2024, 3, 1), 2, customer_id="C2", account_id="A2", active_date="20240301"
    )
    run = import_billing(tmp_path, rows)
    assert run.rejected == 0
    assert list(
        Account.objects.order_by("active_date").values_list("account_id", "inactive_date")
    ) == [("A1", date(2024, 2, 29)), ("A2", None)]


def test_an_older_active_date_than_the_current_account_is_rejected(tmp_path):
    import_billing(tmp_path, months(date(2024, 1, 1), 2, active_date="20230601"))
    run = import_billing(
        tmp_path,
        months(date(2024, 3, 1), 1, customer_id="C2", account_id="A2", active_date="20220101"),
    )
    assert run.rejected == 1
    assert "earlier than the newest account" in errors(run)[0][2]
    assert Account.objects.count() == 1


def test_an_account_keeps_its_customer(tmp_path):
    import_billing(tmp_path, months(date(2024, 1, 1), 1))
    run = import_billing(tmp_path, months(date(2024, 2, 1), 1, customer_id="C2"))
    assert run.rejected == 1
    assert errors(run)[0][1] == "customer_id"
    assert "new occupant needs a new account" in errors(run)[0][2]
    assert not Customer.objects.filter(customer_id="C2").exists()


def test_two_accounts_starting_the_same_day_cannot_both_be_open(tmp_path):
    rows = [
        period(date(2024, 1, 1), date(2024, 1, 31), account_id="A1"),
        period(date(2024, 2, 1), date(2024, 2, 29), account_id="A2"),
    ]
    run = import_billing(tmp_path, rows)
    assert errors(run) == [
        (
            2,
            "account_id",
            "another account on service point SP1 also starts on 2020-01-01; only one account "
            "can be active at a service point",
        )
    ]
    assert list(Account.objects.values_list("account_id", flat=True)) == ["A2"]


# Rates -------------------------------------------------------------------------------


def test_an_unknown_rate_code_is_created_off_the_allowlist_pending_review(tmp_path):
    run = import_billing(tmp_path, months(date(2024, 1, 1), 1, rate_code="RES-XYZ"))
    rate = RateCode.objects.get(code="RES-XYZ")
    assert rate.is_allowlisted is False
    assert "staff review" in rate.exclusion_reason
    assert run.details["rate_codes_created"] == ["RES-XYZ"]
    result = customer_eligibility(customer=_customer(), on=ON)
    assert result.is_eligible(Purpose.COMMUNICATIONS)
    assert not result.is_eligible(Purpose.REPORTS)
    assert "RES-XYZ" in result.decisions[Purpose.REPORTS].reasons[0].message


def test_a_rate_change_keeps_the_account(tmp_path):
    RateCodeFactory(code="RES-MED", is_allowlisted=False, exclusion_reason="Medical rate")
    import_billing(tmp_path, months(date(2024, 1, 1), 1))
    account = Account.objects.get()
    run = import_billing(tmp_path, months(date(2024, 2, 1), 1, rate_code="RES-MED"))
    assert run.details["accounts"]["updated"] == 1
    changed = Account.objects.get()
    assert changed.pk == account.pk
    assert (changed.active_date, changed.account_id) == (account.active_date, "A1")
    assert changed.rate_code.code == "RES-MED"
    assert not customer_eligibility(customer=_customer(), on=ON).is_eligible(Purpose.REPORTS)


# Premises and fuels ------------------------------------------------------------------------


def _at(premise: str, sp: str, **values):
    return months(
        date(2024, 1, 1),
        1,
        premise_id=premise,
        service_point_id=sp,
        account_id=f"A-{sp}",
        service_house_number=premise[1:],
        **values,
    )


def test_active_accounts_at_more_than_two_premises_end_neighbor_comparison(tmp_path):
    import_billing(tmp_path, _at("P1", "SP1") + _at("P2", "SP2"))
    assert customer_eligibility(customer=_customer("C1", "P1"), on=ON).is_eligible(
        Purpose.NEIGHBOR_COMPARISON
    )
    import_billing(tmp_path, _at("P3", "SP3"))
    for premise in ("P1", "P2", "P3"):
        result = customer_eligibility(customer=_customer("C1", premise), on=ON)
        assert result.is_eligible(Purpose.REPORTS)
        assert not result.is_eligible(Purpose.NEIGHBOR_COMPARISON)
        assert result.decisions[Purpose.NEIGHBOR_COMPARISON].reasons[0].code == (
            "too_many_premises"
        )


def test_dual_fuel_service_points_share_one_customer_and_premise(tmp_path):
    rows = _at("P1", "SP1-E") + _at(
        "P1", "SP1-G", fuel="gas", unit="therm", rate_code="GAS-R", usage_value="40"
    )
    rows += _at("P2", "SP2-G", fuel="G", unit="ccf", rate_code="GAS-R")
    run = import_billing(tmp_path, rows)
    assert run.status == "succeeded", errors(run)
    home = _customer("C1", "P1")
    assert sorted(home.accounts.values_list("service_point__fuel", flat=True)) == [
        "electric",
        "gas",
    ]
    assert ServicePoint.objects.get(service_point_id="SP1-G").premise == home.premise
    # Nothing aggregates across premises: the other premise is another customer.
    other = _customer("C1", "P2")
    assert other.pk != home.pk
    assert list(other.accounts.values_list("service_point__service_point_id", flat=True)) == [
        "SP2-G"
    ]


def test_a_service_point_never_moves_to_another_premise_or_fuel(tmp_path):
    import_billing(tmp_path, months(date(2024, 1, 1), 1))
    run = import_billing(
        tmp_path,
        months(date(2024, 2, 1), 1, premise_id="P2")
        + months(date(2024, 3, 1), 1, fuel="gas", unit="therm"),
    )
    assert [(e[0], e[1]) for e in errors(run)] == [(2, "premise_id"), (3, "fuel")]
    sp = ServicePoint.objects.get()
    assert (sp.premise.premise_id, sp.fuel) == ("P1", "electric")


def test_entity_values_come_from_the_last_row_and_blank_building_facts_keep_what_is_on_file(
    tmp_path,
):
    import_billing(
        tmp_path,
        months(
            date(2024, 1, 1),
            1,
            bldg_sq_foot="1850",
            dwelling_type="single_family",
            heating_fuel="gas",
            year_built="1978",
            meter_type="ami",
        ),
    )
    rows = months(date(2024, 2, 1), 2, email="old@example.com")
    rows[1]["email"] = "new@example.com"
    rows[1]["meter_id"] = "M2"
    rows[1]["meter_type"] = ""
    rows[1]["service_zip_code"] = "627011234"
    run = import_billing(tmp_path, rows)
    assert run.details["customers"]["updated"] == 1
    premise = Premise.objects.get()
    assert (premise.square_feet, premise.dwelling_type, premise.heating_fuel) == (
        1850,
        "single_family",
        "gas",
    )
    assert premise.year_built == 1978
    assert premise.zip_code == "62701-1234"
    assert _customer().email == "new@example.com"
    sp = ServicePoint.objects.get()
    assert (sp.meter_id, sp.meter_type) == ("M2", "ami")


# Layouts: customer and usage files ---------------------------------------------------------


def test_customer_and_usage_files_together_make_a_full_file(tmp_path):
    entities = [row(service_point_id="SP1"), row(service_point_id="SP2", account_id="A2")]
    run = import_billing(tmp_path, entities, layout="customer")
    assert run.layout == "customer"
    assert (run.rows_total, Account.objects.count(), UsageValue.objects.count()) == (2, 2, 0)
    assert run.summary_line == "created=2 updated=0 unchanged=0 rejected=0"  # accounts
    usage = [
        *months(date(2024, 1, 1), 2, service_point_id="SP1"),
        row(service_point_id="SP-UNKNOWN"),
        row(service_point_id="SP2", unit="therm"),
    ]
    run = import_billing(tmp_path, usage, layout="usage")
    assert run.layout == "usage"
    assert run.created == 2
    assert [(e[0], e[1]) for e in errors(run)] == [(4, "service_point_id"), (5, "unit")]
    assert "not on file" in errors(run)[0][2]
