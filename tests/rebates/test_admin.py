"""Staff: call events in the admin, act on them, read the dashboard."""

import csv
import datetime as dt
import io
from decimal import Decimal as D  # noqa: N817

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from rebates.models import EventStatus, PeakEvent, ResultStatus
from tests.factories import (
    EventResultFactory,
    MessageFactory,
    ParticipantFactory,
    PeakEventFactory,
    PtrProgramFactory,
    StaffUserFactory,
    TrackFactory,
    UserFactory,
)
from users.roles import CUSTOMER_SERVICE, PROGRAM_MANAGER

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 13, 15, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def program():
    return PtrProgramFactory(event_weekdays="01234")


def add_form(program, **overrides):
    data = {
        "program": program.pk,
        "start_date": "2026-07-15",
        "end_date": "",
        "start_time": "16:00",
        "end_time": "20:00",
        "kind": "normal",
        "zone": "",
        "note": "Heat advisory",
    }
    data.update(overrides)
    return data


def test_staff_call_an_event_from_the_admin(admin_client, program):
    response = admin_client.post(reverse("admin:rebates_peakevent_add"), add_form(program))
    assert response.status_code == 302
    event = PeakEvent.objects.get()
    assert event.status == EventStatus.SCHEDULED
    assert event.note == "Heat advisory"
    assert event.history.get().actor.is_superuser
    assert event.communications.exists()
    page = admin_client.get(reverse("admin:rebates_peakevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert "Dashboard" in page.text


def test_the_add_form_shows_each_rule_by_its_field(admin_client, program):
    response = admin_client.post(
        reverse("admin:rebates_peakevent_add"),
        add_form(program, start_time="09:00", start_date="2026-07-18"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "between 11:00 and 21:00" in errors["start_time"][0]
    assert "Saturday" in errors["start_date"][0]
    assert not PeakEvent.objects.exists()


def test_program_admin_validates_baseline_parameters(admin_client):
    track = TrackFactory()
    data = {
        "name": "PTR",
        "code": "ptr2",
        "is_active": "on",
        "season_starts_on": "2026-06-01",
        "season_ends_on": "2026-09-30",
        "rebate_per_kwh": "1.25",
        "earliest_start": "11:00",
        "latest_end": "19:00",
        "max_event_hours": "5",
        "event_weekdays": ["0", "1", "2", "3", "4"],
        "baseline_method": "high-x-of-y",
        "baseline_params": '{"x": 6, "y": 5}',
        "baseline_lookback_days": "45",
        "participation": "opt_in",
        "default_track": track.pk,
        "excluded_days-TOTAL_FORMS": "0",
        "excluded_days-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:rebates_ptrprogram_add"), data)
    assert response.status_code == 200
    assert "x cannot be larger than y" in response.text
    data["baseline_params"] = '{"x": 5, "y": 10}'
    response = admin_client.post(reverse("admin:rebates_ptrprogram_add"), data)
    assert response.status_code == 302
    program = PtrProgramFactory._meta.model.objects.get(code="ptr2")
    assert program.event_weekdays == "01234"
    assert program.baseline_params == {"x": 5, "y": 10}


def test_cancel_action_refuses_events_already_announced(admin_client, program):
    scheduled = PeakEventFactory(program=program)
    told = PeakEventFactory(program=program, start_date=dt.date(2026, 7, 16), status="notified")
    response = admin_client.post(
        reverse("admin:rebates_peakevent_changelist"),
        {"action": "cancel", "_selected_action": [scheduled.pk, told.pk]},
        follow=True,
    )
    assert response.status_code == 200
    scheduled.refresh_from_db()
    told.refresh_from_db()
    assert scheduled.status == EventStatus.CANCELLED
    assert told.status == EventStatus.NOTIFIED
    assert "cannot go from Customers notified to Cancelled" in response.text


def settled_event(program):
    event = PeakEventFactory(program=program, status=EventStatus.SETTLED)
    EventResultFactory(event=event, participant__account__account_id="A-1")
    EventResultFactory(
        event=event,
        participant__account__account_id="A-2",
        actual_kwh=D("11"),
        savings_kwh=D("-1.000000"),
        rebate=D("0.00"),
    )
    EventResultFactory(
        event=event,
        status=ResultStatus.PENDING,
        reason_code="missing_event_reads",
        reason="Interval data for the event hours on 2026-07-15 is missing or incomplete.",
        baseline_kwh=None,
        actual_kwh=None,
        savings_kwh=None,
        rebate=None,
        settled_at=None,
    )
    return event


def test_export_action_downloads_the_opower_ptr_file(admin_client, program):
    event = settled_event(program)
    response = admin_client.post(
        reverse("admin:rebates_peakevent_changelist"),
        {"action": "export_rebates", "_selected_action": [event.pk]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        [
            "account_id",
            "rate_plan_identifier",
            "rate_component",
            "start_date",
            "end_date",
            "performance_value",
            "performance_dollars",
        ],
        ["A-1", "RES-1", "PTR", "20260715 1600", "20260715 2000", "2.500000", "2.50"],
        ["A-2", "RES-1", "PTR", "20260715 1600", "20260715 2000", "-1.000000", "0.00"],
    ]
    assert event.results.filter(exported_at__isnull=False).count() == 2


def test_dashboard_shows_totals_messages_and_pending_reasons(admin_client, program):
    event = settled_event(program)
    for n, (channel, status) in enumerate(
        [("email", "sent"), ("email", "sent"), ("sms", "suppressed")]
    ):
        MessageFactory(
            topic="ptr.post_event",
            channel=channel,
            status=status,
            batch_key=f"ptr:{event.pk}:results",
            idempotency_key=f"ptr:{event.pk}:results:customer:{n}",
        )
    MessageFactory(batch_key="ptr:999:results", idempotency_key="ptr:999:results:customer:1")
    response = admin_client.get(reverse("admin:rebates_peakevent_dashboard", args=[event.pk]))
    assert response.status_code == 200
    assert response.context["participants"] == 3
    totals = response.context["totals"]
    assert totals["reduced_kwh"] == D("2.5")
    assert totals["net_kwh"] == D("1.5")
    assert totals["rebates"] == D("2.50")
    assert list(response.context["reasons"]) == [
        {"status": "pending", "reason_code": "missing_event_reads", "n": 1}
    ]
    assert "Interval data for the event hours on 2026-07-15 is missing" in response.text
    assert response.context["messages_by_channel"] == [
        {"channel": "email", "status": "sent", "n": 2},
        {"channel": "sms", "status": "suppressed", "n": 1},
    ]


def test_close_settlement_gives_up_on_pending_results(admin_client, program):
    event = settled_event(program)
    PeakEvent.objects.filter(pk=event.pk).update(status=EventStatus.COMPLETED)
    admin_client.post(
        reverse("admin:rebates_peakevent_changelist"),
        {"action": "close_settlement", "_selected_action": [event.pk]},
    )
    event.refresh_from_db()
    assert event.status == EventStatus.SETTLED
    assert not event.results.filter(status=ResultStatus.PENDING).exists()
    assert event.results.filter(reason_code="closed_by_staff").count() == 1


def test_customer_service_may_look_but_not_act(client, program):
    agent = StaffUserFactory()
    agent.groups.add(Group.objects.get(name=CUSTOMER_SERVICE))
    client.force_login(agent)
    event = settled_event(program)
    assert (
        client.get(reverse("admin:rebates_peakevent_dashboard", args=[event.pk])).status_code == 200
    )
    assert client.get(reverse("admin:rebates_peakevent_add")).status_code == 403
    response = client.post(
        reverse("admin:rebates_peakevent_changelist"),
        {"action": "export_rebates", "_selected_action": [event.pk]},
    )
    assert response.get("Content-Type", "").startswith("text/html")
    assert not event.results.filter(exported_at__isnull=False).exists()


def test_program_managers_may_call_events(client, program):
    manager = StaffUserFactory()
    manager.groups.add(Group.objects.get(name=PROGRAM_MANAGER))
    client.force_login(manager)
    response = client.post(reverse("admin:rebates_peakevent_add"), add_form(program))
    assert response.status_code == 302
    assert PeakEvent.objects.count() == 1


def test_customers_cannot_reach_the_dashboard(client, program):
    event = PeakEventFactory(program=program)
    client.force_login(UserFactory())
    assert (
        client.get(reverse("admin:rebates_peakevent_dashboard", args=[event.pk])).status_code == 403
    )


def test_participants_admin_lists_reasons(admin_client, program):
    ParticipantFactory(
        program=program, status="excluded", reason_code="usage_gap", reason="Gap in billed usage"
    )
    response = admin_client.get(reverse("admin:rebates_participant_changelist"))
    assert "Gap in billed usage" in response.text
