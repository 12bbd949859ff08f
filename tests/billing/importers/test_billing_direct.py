"""The billing file's direct lane (PostgreSQL): new usage rows COPYed straight
into billing_usagevalue, and the staged path whenever the lane cannot prove
it gives the same result (billing/importers/billing_direct.py).

Every rule test in test_billing_apply.py also runs through the lane (or its
fallback) on PostgreSQL; these tests pin down which lane a file takes and
what the lane itself must get right.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import OperationalError, connection, connections

from billing.importers import billing_direct, runner
from billing.models import Account, EligibilityHold, ServicePoint, UsageValue
from billing.models.eligibility import HoldReason
from billing.signals import usage_imported
from tests.billing.datafiles import errors, import_billing, lanes_spy, months, period
from tests.conftest import require_postgresql
from tests.factories import RateCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rates(db):
    RateCodeFactory(code="RES-1")
    RateCodeFactory(code="RES-NEM", is_net_metering=True)


@pytest.fixture
def lanes(monkeypatch):
    """The lane each billing import took (datafiles.lanes_spy)."""
    return lanes_spy(monkeypatch, runner, "_billing_direct_load")


def _usage(sp="SP1"):
    return list(
        UsageValue.objects.filter(service_point__service_point_id=sp)
        .order_by("date_to", "duration")
        .values_list("date_to", "duration", "usage_value", "usage_charge", "is_estimate")
    )


def _at(n: int, **values) -> dict:
    return {
        "customer_id": f"C{n}",
        "premise_id": f"P{n}",
        "account_id": f"A{n}",
        "service_point_id": f"SP{n}",
        "meter_id": f"M{n}",
        **values,
    }


def test_new_periods_take_the_direct_lane_with_every_rule(
    tmp_path, lanes, django_capture_on_commit_callbacks
):
    require_postgresql("the direct lane")
    received = []
    usage_imported.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="direct")
    no_charge = {"usage_charge": "", "is_estimate": ""}
    rows = [
        *months(date(2024, 1, 1), 3, **_at(1)),
        # A gap (no February) on a second service point.
        period(date(2024, 1, 1), date(2024, 1, 31), **_at(2)),
        period(date(2024, 3, 1), date(2024, 3, 31), usage_value="1,5", **_at(2)),
        period(date(2024, 4, 1), date(2024, 4, 30), **no_charge, **_at(2)),
    ]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = import_billing(tmp_path, rows)
    finally:
        usage_imported.disconnect(dispatch_uid="direct")
    assert lanes == ["direct"]
    assert run.status == "succeeded", run.message
    assert (run.created, run.updated, run.unchanged, run.rejected) == (5, 0, 0, 1)
    assert [(e[0], e[1]) for e in errors(run)] == [(6, "usage_value")]
    assert _usage("SP2") == [
        (date(2024, 1, 31), 31, Decimal("500.000"), Decimal("70.00"), "A"),
        (date(2024, 4, 30), 30, Decimal("500.000"), None, "E"),
    ]
    assert len(_usage("SP1")) == 3
    # The lane's rows point at the service points created with their ids.
    for sp in ServicePoint.objects.all():
        assert set(sp.usage_values.values_list("service_point_id", flat=True)) == {sp.pk}
    hold = EligibilityHold.objects.get()
    assert (hold.customer.customer_id, hold.reason, hold.starts_on) == (
        "C2",
        HoldReason.USAGE_GAP,
        date(2024, 2, 1),
    )
    # Rows and entities carry the import's one time stamp.
    stamps = set(UsageValue.objects.values_list("created_at", flat=True))
    stamps |= set(UsageValue.objects.values_list("updated_at", flat=True))
    stamps |= set(Account.objects.values_list("created_at", flat=True))
    assert len(stamps) == 1
    periods = sorted(
        (p.service_point_pk, p.periods, p.latest_date_to) for p in received[0]["billing_periods"]
    )
    sp1, sp2 = (ServicePoint.objects.get(service_point_id=c).pk for c in ("SP1", "SP2"))
    assert periods == sorted([(sp1, 3, date(2024, 3, 31)), (sp2, 2, date(2024, 4, 30))])


def test_periods_out_of_order_or_across_a_move_in_are_checked_as_a_sequence(tmp_path, lanes):
    require_postgresql("the direct lane")
    rows = months(date(2024, 1, 1), 4, **_at(1))
    rows = [rows[2], rows[0], rows[3], rows[1]]
    # A new occupant part-way through, periods contiguous across the move.
    rows += months(date(2024, 1, 1), 2, **_at(2)) + months(
        date(2024, 3, 1), 2, **_at(2, customer_id="C2N", account_id="A2N", active_date="20240301")
    )
    # Out of order with a gap (no February): found all the same.
    march, january = months(date(2024, 3, 1), 1, **_at(3)), months(date(2024, 1, 1), 1, **_at(3))
    rows += march + january
    run = import_billing(tmp_path, rows)
    assert lanes == ["direct"]
    assert (run.created, run.rejected) == (10, 0)
    hold = EligibilityHold.objects.get()
    assert (hold.customer.customer_id, hold.starts_on) == ("C3", date(2024, 2, 1))
    assert Account.objects.get(account_id="A2").inactive_date == date(2024, 2, 29)


def test_a_gap_next_to_stored_periods_is_found(tmp_path, lanes):
    require_postgresql("the direct lane")
    import_billing(tmp_path, months(date(2024, 1, 1), 2, **_at(1)))
    assert EligibilityHold.objects.count() == 0
    run = import_billing(tmp_path, months(date(2024, 4, 1), 2, **_at(1)))
    assert lanes == ["direct", "direct"]
    assert run.created == 2
    hold = EligibilityHold.objects.get()
    assert (hold.reason, hold.starts_on) == (HoldReason.USAGE_GAP, date(2024, 3, 1))


def test_a_period_repeated_in_the_file_falls_back_to_corrections(tmp_path, lanes, monkeypatch):
    require_postgresql("the direct lane")
    # Beyond the sample (first line only): the unique key refuses the repeat.
    monkeypatch.setattr(billing_direct, "SAMPLE_LINES", 1)
    rows = months(date(2024, 1, 1), 2, **_at(1))
    rows.append({**rows[0], "usage_value": "640"})
    run = import_billing(tmp_path, rows)
    assert lanes == ["staged"]
    assert (run.created, run.updated, run.unchanged) == (2, 1, 0)
    assert _usage("SP1")[0][2] == Decimal("640.000")
    # The lane's ids were rolled back with it: nothing points nowhere.
    assert ServicePoint.objects.count() == 1
    assert UsageValue.objects.exclude(service_point__in=ServicePoint.objects.all()).count() == 0


def test_a_correction_within_the_sample_does_not_try_the_lane(tmp_path, lanes, monkeypatch):
    require_postgresql("the direct lane")
    tried = []
    monkeypatch.setattr(billing_direct, "service_point_ids_load", lambda c: tried.append(c))
    rows = months(date(2024, 1, 1), 2, **_at(1))
    rows.append({**rows[1], "usage_value": "640"})
    run = import_billing(tmp_path, rows)
    assert (lanes, tried) == (["staged"], [])
    assert (run.created, run.updated) == (2, 1)


def test_a_file_overlapping_stored_periods_is_staged(tmp_path, lanes):
    require_postgresql("the direct lane")
    first = import_billing(tmp_path, months(date(2024, 1, 1), 3, **_at(1)))
    again = import_billing(tmp_path, months(date(2024, 1, 1), 3, **_at(1)), force=True)
    assert lanes == ["direct", "staged"]
    assert (first.created, again.created, again.updated, again.unchanged) == (3, 0, 0, 3)


def test_a_stored_period_beyond_the_sample_abandons_the_lane(tmp_path, lanes, monkeypatch):
    require_postgresql("the direct lane")
    import_billing(tmp_path, months(date(2024, 3, 1), 1, **_at(1)))
    lanes.clear()
    # The sample (first line only) looks new; line 4 repeats the stored period.
    monkeypatch.setattr(billing_direct, "SAMPLE_LINES", 1)
    rows = months(date(2024, 1, 1), 3, **_at(1))
    rows[2]["usage_value"] = "777"
    run = import_billing(tmp_path, rows)
    assert lanes == ["staged"]
    assert (run.created, run.updated, run.unchanged) == (2, 1, 0)
    assert [u[2] for u in _usage("SP1")] == [Decimal("500.000")] * 2 + [Decimal("777.000")]


def test_an_entity_the_rules_reject_abandons_the_lane(tmp_path, lanes):
    require_postgresql("the direct lane")
    import_billing(tmp_path, months(date(2024, 1, 1), 1, **_at(1)))
    lanes.clear()
    # SP1 cannot move to another premise: its rows are rejected, SP2's kept.
    rows = months(date(2024, 2, 1), 2, **_at(1, premise_id="P9")) + months(
        date(2024, 2, 1), 2, **_at(2)
    )
    run = import_billing(tmp_path, rows)
    assert lanes == ["staged"]
    assert (run.created, run.rejected) == (2, 2)
    assert {e[1] for e in errors(run)} == {"premise_id"}
    assert len(_usage("SP1")) == 1
    assert len(_usage("SP2")) == 2


def test_too_many_rejected_rows_store_nothing_but_the_errors(tmp_path, lanes):
    require_postgresql("the direct lane")
    rows = months(date(2020, 1, 1), 40, **_at(1))
    rows[5]["usage_value"] = "lots"
    run = import_billing(tmp_path, rows, share="0.01")
    assert lanes == ["staged"]
    assert run.status == "rejected"
    assert UsageValue.objects.count() == 0
    assert ServicePoint.objects.count() == 0
    assert run.row_errors.count() == 1


def test_negative_usage_on_net_metering_is_checked_then_stored(tmp_path, lanes, settings):
    require_postgresql("the direct lane")
    settings.BILLING_IMPORT_NEGATIVE_USAGE = "net_metering"
    rows = [
        period(date(2024, 6, 1), date(2024, 6, 30), usage_value="-35.5", rate_code="RES-NEM"),
        period(date(2024, 7, 1), date(2024, 7, 31), usage_value="12", rate_code="RES-NEM"),
    ]
    run = import_billing(tmp_path, rows)
    assert lanes == ["direct"]
    assert (run.created, run.rejected) == (2, 0)
    assert [u[2] for u in _usage("SP1")] == [Decimal("-35.500"), Decimal("12.000")]
    assert EligibilityHold.objects.count() == 0


def test_customer_and_usage_files_keep_the_staged_path(tmp_path, lanes):
    require_postgresql("the direct lane")
    import_billing(tmp_path, months(date(2024, 1, 1), 1), layout="customer")
    import_billing(tmp_path, months(date(2024, 1, 1), 1), layout="usage")
    assert lanes == ["staged", "staged"]
    assert len(_usage("SP1")) == 1


def test_new_service_point_ids_come_from_the_sequence_in_growing_blocks():
    require_postgresql("the direct lane")
    ids = billing_direct.ServicePointIds(connection)
    try:
        taken = [ids.take() for _ in range(600)]
    finally:
        ids.close()
    assert len(set(taken)) == 600
    # The table's own sequence moved past them: a later insert cannot collide.
    sp = ServicePoint.objects.create(
        service_point_id="SPX",
        premise=ServicePoint._meta.get_field("premise").related_model.objects.create(
            premise_id="PX", street_name="Main St", zip_code="62701"
        ),
        fuel="electric",
    )
    assert sp.pk > max(taken)


def test_sqlite_keeps_the_staged_path(tmp_path, lanes):
    run = import_billing(tmp_path, months(date(2024, 1, 1), 2))
    assert run.created == 2
    assert lanes == ([] if connection.vendor == "sqlite" else ["direct"])


def test_more_service_points_than_the_map_holds_are_staged(tmp_path, lanes, monkeypatch):
    require_postgresql("the direct lane")
    monkeypatch.setattr(billing_direct, "SERVICE_POINTS_MAX", 2)
    rows = [*months(date(2024, 1, 1), 2, **_at(1)), *months(date(2024, 1, 1), 2, **_at(2))]
    run = import_billing(tmp_path, rows)
    assert lanes == ["direct"]
    rows += months(date(2024, 1, 1), 2, **_at(3))
    run = import_billing(tmp_path, rows[4:])
    assert lanes == ["direct", "staged"]
    assert (run.created, run.rejected) == (2, 0)
    assert ServicePoint.objects.count() == 3


def test_no_second_connection_for_new_ids_stages_the_file(tmp_path, lanes, monkeypatch):
    require_postgresql("the direct lane")

    def refused(self):
        raise OperationalError("too many clients already")

    monkeypatch.setattr(type(connections["default"]), "copy", refused)
    run = import_billing(tmp_path, months(date(2024, 1, 1), 2, **_at(1)))
    assert lanes == ["staged"]
    assert (run.status, run.created) == ("succeeded", 2)
