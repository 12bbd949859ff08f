"""After an import: contact points for the file's customers, "your bill is
ready", and staff alerts for rejected or failed imports (billing.notices)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.contrib.auth.models import Group

from billing import notices
from billing.importers import runner
from billing.models import Customer, EligibilityHold, ImportRun
from billing.services import data_file_import
from notifications.models import ContactPoint, Message
from notifications.services import channel_opt_out
from tests.billing.datafiles import import_billing, months, row, write
from tests.factories import EligibilityHoldFactory, RateCodeFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

# 12:00 in Chicago on Monday, August 10, 2026.
NOW = datetime(2026, 8, 10, 17, 0, tzinfo=UTC)
JULY = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def allowlisted():
    return RateCodeFactory(code="RES-1", is_allowlisted=True)


def imported(tmp_path, rows, capture, **kwargs):
    with capture(execute=True):
        run = import_billing(tmp_path, rows, **kwargs)
    assert run.status == "succeeded", run.message
    return run


def bill_messages(**filters):
    return Message.objects.filter(topic="billing.bill_ready", **filters)


def customer(customer_id="C1"):
    return Customer.objects.get(customer_id=customer_id)


# Contact points ----------------------------------------------------------------------


def test_the_files_customers_become_reachable_without_logging_in(
    tmp_path, django_capture_on_commit_callbacks
):
    rows = [
        *months(JULY, 1),
        *months(
            JULY,
            1,
            customer_id="C2",
            account_id="A2",
            service_point_id="SP2",
            meter_id="M2",
            email="kim@example.com",
            phone="555-0100",  # accepted by the file format, not a valid number: skipped
        ),
        *months(
            JULY,
            1,
            customer_id="C3",
            account_id="A3",
            service_point_id="SP3",
            meter_id="M3",
            email="closed@example.com",
            phone="",
            inactive_date="20260801",
        ),
    ]
    imported(tmp_path, rows, django_capture_on_commit_callbacks)
    c1, c2, c3 = customer("C1"), customer("C2"), customer("C3")
    assert set(ContactPoint.objects.values_list("recipient_key", "channel", "address")) == {
        (f"customer:{c1.pk}", "email", "pat.lee@example.com"),
        (f"customer:{c1.pk}", "sms", "+12175550100"),
        (f"customer:{c1.pk}", "voice", "+12175550100"),
        (f"customer:{c2.pk}", "email", "kim@example.com"),
        # An inactive account still gets its addresses recorded (consent is separate).
        (f"customer:{c3.pk}", "email", "closed@example.com"),
    }
    # A phone on file still needs the YES double opt-in before texts.
    assert not ContactPoint.objects.filter(verified=True).exists()


def test_a_re_import_never_brings_back_an_opted_out_channel(
    tmp_path, django_capture_on_commit_callbacks
):
    imported(tmp_path, months(JULY, 1), django_capture_on_commit_callbacks)
    key = f"customer:{customer().pk}"
    channel_opt_out(recipient_key=key, channel="sms", source="staff")
    ContactPoint.objects.filter(recipient_key=key, channel="sms").delete()
    imported(tmp_path, months(JULY, 1), django_capture_on_commit_callbacks, force=True)
    assert set(ContactPoint.objects.values_list("channel", flat=True)) == {"email", "voice"}


# Bill ready --------------------------------------------------------------------------


def test_bill_ready_once_per_customer_premise_and_bill_date(
    tmp_path, allowlisted, outbox, django_capture_on_commit_callbacks
):
    gas = {"service_point_id": "SP2", "meter_id": "M2", "account_id": "A2", "fuel": "gas"}
    rows = [*months(JULY, 1), *months(JULY, 1, unit="therm", usage_value="20", **gas)]
    imported(tmp_path, rows, django_capture_on_commit_callbacks)
    key = f"customer:{customer().pk}"
    message = bill_messages().get(channel="email")  # electric and gas: one message
    assert message.idempotency_key == f"bill_ready:2026-07-31:{key}"
    assert message.address == "pat.lee@example.com"
    assert message.status != "suppressed"
    assert "Your new bill for account •••C1 (period ending July 31, 2026) is ready." in (
        message.body_text
    )
    assert message.subject == "Your bill is ready"
    assert [m.address for m in outbox] == ["pat.lee@example.com"]
    # Texts are opt-in for this topic: recorded as suppressed, nothing sent.
    assert bill_messages(channel="sms").get().status == "suppressed"

    # The same file again (forced) and a correction of the period: nothing new.
    imported(tmp_path, rows, django_capture_on_commit_callbacks, force=True)
    corrected = [*months(JULY, 1, usage_value="510"), *rows[1:]]
    imported(tmp_path, corrected, django_capture_on_commit_callbacks)
    assert bill_messages(channel="email").count() == 1
    assert len(outbox) == 1

    # Next month's bill is a new message.
    with time_machine.travel(datetime(2026, 9, 5, 17, tzinfo=UTC)):
        imported(tmp_path, months(date(2026, 8, 1), 1), django_capture_on_commit_callbacks)
    assert set(bill_messages(channel="email").values_list("idempotency_key", flat=True)) == {
        f"bill_ready:2026-07-31:{key}",
        f"bill_ready:2026-08-31:{key}",
    }


def test_spanish_customers_get_the_spanish_message(
    tmp_path, allowlisted, django_capture_on_commit_callbacks
):
    imported(tmp_path, months(JULY, 1, language="es"), django_capture_on_commit_callbacks)
    message = bill_messages().get(channel="email")
    assert message.language == "es"
    assert "(periodo que termina el 31 de julio de 2026) está lista." in message.body_text


def test_only_recent_new_periods_are_announced(
    tmp_path, allowlisted, django_capture_on_commit_callbacks
):
    # Two years of history: only July (ended 10 days ago) is announced.
    imported(tmp_path, months(date(2024, 8, 1), 24), django_capture_on_commit_callbacks)
    assert list(bill_messages(channel="email").values_list("idempotency_key", flat=True)) == [
        f"bill_ready:2026-07-31:customer:{customer().pk}"
    ]


def test_history_that_ended_long_ago_sends_nothing(
    tmp_path, allowlisted, django_capture_on_commit_callbacks
):
    imported(tmp_path, months(date(2025, 1, 1), 6), django_capture_on_commit_callbacks)
    assert not bill_messages().exists()
    assert ContactPoint.objects.exists()  # the customer is reachable all the same


def test_ineligible_customers_get_no_bill_ready(
    tmp_path, allowlisted, django_capture_on_commit_callbacks
):
    RateCodeFactory(code="MED-1", is_allowlisted=False, exclusion_reason="Medical rate")
    c4 = {"customer_id": "C4", "account_id": "A4", "service_point_id": "SP4", "meter_id": "M4"}
    # C4 was billed in January, then nothing until July: a gap (two-year hold).
    imported(tmp_path, months(date(2026, 1, 1), 1, **c4), django_capture_on_commit_callbacks)
    rows = [
        # eligible
        *months(JULY, 1),
        # a rate not on the allowlist
        *months(JULY, 1, customer_id="C2", account_id="A2", service_point_id="SP2",
                meter_id="M2", rate_code="MED-1"),
        # the account closed
        *months(JULY, 1, customer_id="C3", account_id="A3", service_point_id="SP3",
                meter_id="M3", inactive_date="20260801"),
        *months(JULY, 1, **c4),
    ]  # fmt: skip
    imported(tmp_path, rows, django_capture_on_commit_callbacks)
    assert EligibilityHold.objects.filter(customer=customer("C4"), reason="usage_gap").exists()
    # Ineligible customers are reachable all the same (consent is checked at send time).
    reachable = set(
        ContactPoint.objects.filter(channel="email").values_list("recipient_key", flat=True)
    )
    assert reachable == {f"customer:{customer(c).pk}" for c in ("C1", "C2", "C3", "C4")}
    assert set(bill_messages().values_list("recipient_key", flat=True)) == {
        f"customer:{customer('C1').pk}"
    }
    # A staff hold stops the next bill's message too.
    EligibilityHoldFactory(
        customer=customer("C1"), reason="staff", starts_on=JULY, ends_on=date(2027, 1, 1)
    )
    with time_machine.travel(datetime(2026, 9, 5, 17, tzinfo=UTC)):
        imported(tmp_path, months(date(2026, 8, 1), 1), django_capture_on_commit_callbacks)
    assert bill_messages(channel="email").count() == 1


def test_a_new_period_for_a_previous_occupant_is_not_sent_to_anyone(
    tmp_path, allowlisted, django_capture_on_commit_callbacks
):
    # The old account's last bill arrives after the new occupant moved in.
    old = months(JULY, 1, inactive_date="20260731")
    new = row(customer_id="C9", account_id="A9", active_date="20260801", email="new@example.com")
    imported(tmp_path, [*old, new], django_capture_on_commit_callbacks, layout="full")
    assert not bill_messages().exists()


def test_bill_ready_uses_a_few_queries_for_many_customers(
    allowlisted, django_assert_max_num_queries
):
    from billing.importers.billing_apply import NewBillingPeriods
    from tests.factories import AccountFactory

    accounts = [AccountFactory(rate_code=allowlisted) for _ in range(40)]
    periods = [NewBillingPeriods(a.service_point_id, a.customer_id, 1, date(2026, 7, 31))
               for a in accounts]  # fmt: skip
    with django_assert_max_num_queries(25):
        counts = notices.bill_ready_notify(billing_periods=periods)
    assert counts.notified == 40
    assert bill_messages(channel="email").count() == 40


# Staff alerts ------------------------------------------------------------------------


@pytest.fixture
def data_admins():
    group = Group.objects.get(name="Data administrator")
    StaffUserFactory(email="dana@utility.example").groups.add(group)
    return group


def alerts():
    return Message.objects.filter(topic="staff.import_failed")


def test_a_broken_file_alerts_staff_once(
    tmp_path, data_admins, outbox, django_capture_on_commit_callbacks
):
    path = write(tmp_path, "not\ta\tbilling\tfile\n")
    with django_capture_on_commit_callbacks(execute=True):
        run = data_file_import(path=path, kind="billing")
    assert run.status == "rejected"
    alert = alerts().get()
    assert alert.idempotency_key.startswith(f"import_failed:{run.pk}:")  # per member
    assert alert.address == "dana@utility.example"
    assert alert.subject == f"Import rejected: {path.name}"
    assert "(Billing data file)" in alert.body_text
    assert run.message in alert.body_text
    assert f"/admin/billing/importrun/{run.pk}/change/" in alert.body_text
    assert [m.address for m in outbox] == ["dana@utility.example"]
    notices.import_failure_alert(run_pk=run.pk)  # e.g. a retried callback
    assert alerts().count() == 1


def test_too_many_bad_rows_alerts_staff_with_the_counts(
    tmp_path, data_admins, django_capture_on_commit_callbacks
):
    rows = [*months(JULY, 1), row(date_to="not a date")]
    with django_capture_on_commit_callbacks(execute=True):
        run = import_billing(tmp_path, rows, share="0.01")
    assert run.status == "rejected"
    assert ImportRun.objects.get(pk=run.pk).status == "rejected"  # the run is kept
    body = alerts().get().body_text
    assert "Rows read: 2; rows rejected: 1." in body
    assert not Customer.objects.exists()  # nothing applied


def test_a_crash_alerts_staff_and_the_failure_is_kept(
    tmp_path, data_admins, monkeypatch, django_capture_on_commit_callbacks
):
    def boom(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(runner, "billing_file_load", boom)
    monkeypatch.setattr("billing.services.billing_file_load", boom)
    with django_capture_on_commit_callbacks(execute=True):
        run = import_billing(tmp_path, months(JULY, 1))
    assert ImportRun.objects.get(pk=run.pk).status == "failed"
    alert = alerts().get()
    assert alert.subject.startswith("Import failed: ")
    assert "disk on fire" in alert.body_text


def test_successful_and_duplicate_imports_alert_nobody(
    tmp_path, data_admins, django_capture_on_commit_callbacks
):
    imported(tmp_path, months(JULY, 1), django_capture_on_commit_callbacks, name="a.tsv")
    with django_capture_on_commit_callbacks(execute=True):
        again = import_billing(tmp_path, months(JULY, 1), name="b.tsv")
    assert again.status == "duplicate"
    assert not alerts().exists()


def test_bill_ready_counts_what_it_skips(allowlisted):
    from billing.importers.billing_apply import NewBillingPeriods
    from tests.factories import AccountFactory

    account = AccountFactory(rate_code=allowlisted)
    sp, pk = account.service_point_id, account.customer_id
    counts = notices.bill_ready_notify(
        billing_periods=[
            NewBillingPeriods(sp, None, 1, date(2026, 7, 31)),  # no account covers it
            NewBillingPeriods(sp, pk, 1, date(2026, 6, 25)),  # 46 days ago
            NewBillingPeriods(sp, pk, 1, date(2026, 8, 11)),  # ends tomorrow
            NewBillingPeriods(sp, pk, 1, date(2026, 6, 26)),  # 45 days ago: sent
        ]
    )
    assert (counts.no_customer, counts.not_recent, counts.notified) == (1, 2, 1)
    assert bill_messages(channel="email").get().idempotency_key.startswith("bill_ready:2026-06-26:")


def test_the_follow_up_task_gets_plain_json_arguments(
    tmp_path, allowlisted, monkeypatch, django_capture_on_commit_callbacks
):
    # Celery sends task arguments as JSON: what the import hands over must
    # survive that and come back as the same entries.
    from kombu.utils.json import dumps, loads

    from billing import tasks

    sent = []
    monkeypatch.setattr(tasks.billing_import_followup_task, "delay", lambda *a: sent.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        run = import_billing(tmp_path, months(JULY, 1))
    assert run.status == "succeeded", run.message
    (args,) = sent
    run_pk, customer_pks, periods = loads(dumps(args))
    assert run_pk == run.pk
    assert customer_pks == list(Customer.objects.values_list("pk", flat=True))
    (entry,) = notices.periods_from_json(periods)
    assert entry.latest_date_to == date(2026, 7, 31)
    assert notices.periods_to_json([entry]) == periods
