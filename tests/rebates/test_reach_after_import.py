"""End to end: a customer who never logged in, known only from a billing
file, hears about a peak event at the e-mail address on file."""

import datetime as dt

import pytest
import time_machine

from billing.models import Customer
from notifications.models import Message
from rebates import services
from rebates.models import Participant
from tests.billing.datafiles import import_billing, months
from tests.factories import PtrProgramFactory, TrackFactory, UserFactory
from tests.rebates.conftest import CHICAGO

pytestmark = pytest.mark.django_db

WED = dt.date(2026, 7, 15)


def local(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CHICAGO).astimezone(dt.UTC)


def test_a_customer_from_the_billing_file_gets_the_peak_event_alert(
    tmp_path, outbox, django_capture_on_commit_callbacks
):
    UserFactory(email="someone.else@example.com")  # logins exist, none for this customer
    with time_machine.travel(local(dt.date(2026, 7, 10), 9)):
        with django_capture_on_commit_callbacks(execute=True):
            run = import_billing(
                tmp_path,
                months(dt.date(2026, 1, 1), 6, email="Pat.Lee@Example.com", meter_type="ami"),
            )
        assert run.status == "succeeded", run.message
    customer = Customer.objects.get()
    assert not customer.accesses.exists()  # never logged in, never linked

    program = PtrProgramFactory(default_track=TrackFactory(name="Standard", channels="email,sms"))
    services.ptr_participants_sync(program=program, now=local(dt.date(2026, 7, 10), 10))
    assert Participant.objects.get().customer == customer
    services.peak_event_schedule(
        program=program,
        start_date=WED,
        start_time=dt.time(16),
        end_time=dt.time(18),
        now=local(dt.date(2026, 7, 13), 10),
    )
    with (
        time_machine.travel(local(dt.date(2026, 7, 14), 17, 1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        counts = services.ptr_dispatch(now=local(dt.date(2026, 7, 14), 17, 1))
    assert counts["announced"] == 1
    emails = [m for m in outbox if m.channel == "email"]
    assert [m.address for m in emails] == ["Pat.Lee@example.com"]
    assert emails[0].topic == "ptr.pre_event"
    assert "Wednesday, July 15" in emails[0].body_text
    # The phone on file has not replied YES: the text is recorded, not sent.
    text = Message.objects.get(topic="ptr.pre_event", channel="sms")
    assert text.status == "suppressed"
    assert not [m for m in outbox if m.channel == "sms"]
