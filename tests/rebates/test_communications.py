"""Pre- and post-event messages: timing, content per channel, the dispatcher."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817

import pytest

from notifications.models import Message
from notifications.rendering import base_context, message_render
from notifications.services import contact_point_upsert, preference_set
from rebates import communications as comms
from rebates import services
from rebates.models import (
    CommunicationStatus,
    EventResult,
    EventStatus,
    ResultStatus,
    Track,
)
from tests.factories import (
    EligibilityHoldFactory,
    ParticipantFactory,
    PtrProgramFactory,
    TrackFactory,
)
from tests.rebates.conftest import CHICAGO, write_day, write_days

WED = dt.date(2026, 7, 15)


def track(**overrides):
    values = {
        "notify_day_before": True,
        "day_before_at": dt.time(17),
        "notify_day_of": False,
        "day_of_at": dt.time(9),
        "same_day_reminder": True,
        "reminder_minutes_before": 60,
    }
    values.update(overrides)
    return comms.TrackTiming(**values)


def local(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CHICAGO).astimezone(dt.UTC)


def waves(days, start, timing, now):
    return [
        (w.kind, w.day, w.due_at, w.deadline_at)
        for w in comms.wave_times(days=days, start_time=start, track=timing, now=now, zone=CHICAGO)
    ]


# When ---------------------------------------------------------------------------------


def test_day_before_notice_and_same_day_reminder():
    planned = waves([WED], dt.time(16), track(), now=local(dt.date(2026, 7, 13), 10))
    assert planned == [
        ("day_before", WED, local(dt.date(2026, 7, 14), 17), local(WED, 15, 30)),
        ("reminder", WED, local(WED, 15), local(WED, 15, 30)),
    ]


def test_day_of_notice_moves_earlier_to_stay_30_minutes_before_the_start():
    planned = waves(
        [WED],
        dt.time(11),
        track(
            notify_day_before=False,
            notify_day_of=True,
            day_of_at=dt.time(10, 45),
            same_day_reminder=False,
        ),
        now=local(dt.date(2026, 7, 13), 10),
    )
    assert planned == [("day_of", WED, local(WED, 10, 30), local(WED, 10, 30))]


def test_an_event_called_late_gets_its_notice_at_once_and_no_crowded_reminder():
    now = local(WED, 14, 50)
    planned = waves([WED], dt.time(16), track(notify_day_of=True), now=now)
    # The day-before notice is dropped (the day-of one covers it); the day-of
    # notice goes now; the reminder at 15:00 would follow ten minutes later: dropped.
    assert planned == [("day_of", WED, now, local(WED, 15, 30))]


def test_an_event_called_late_with_only_a_day_before_notice_still_gets_it_at_once():
    now = local(WED, 9)
    planned = waves([WED], dt.time(16), track(same_day_reminder=False), now=now)
    assert planned == [("day_before", WED, now, local(WED, 15, 30))]


def test_a_multi_day_event_has_a_reminder_each_day():
    days = [WED, WED + dt.timedelta(days=1)]
    planned = waves(days, dt.time(16), track(), now=local(dt.date(2026, 7, 13), 10))
    assert [(k, d) for k, d, *_ in planned] == [
        ("day_before", WED),
        ("reminder", WED),
        ("reminder", days[1]),
    ]


def test_nothing_is_planned_after_the_deadline():
    assert waves([WED], dt.time(16), track(), now=local(WED, 15, 45)) == []


# What -----------------------------------------------------------------------------------

UTILITY = comms.UtilityInfo(
    name="Prairie Valley Energy", short_name="PVE", support_phone="+1 800 555 0134"
)
ALEX = comms.RecipientInfo(
    customer_pk=7, language="en", name="Alex", account_masked="•••0000", address="1 Oak St"
)
SOFIA = comms.RecipientInfo(
    customer_pk=8, language="es", name="Sofía", account_masked="•••1234", address="2 Elm St"
)


def event_info(days=(WED,), emergency=False):
    return comms.EventInfo(
        pk=3, days=tuple(days), start_time=dt.time(16), end_time=dt.time(20), emergency=emergency
    )


@pytest.mark.django_db
@pytest.mark.parametrize("recipient", [ALEX, SOFIA])
@pytest.mark.parametrize("emergency", [False, True])
@pytest.mark.parametrize(
    "days",
    [
        (WED,),
        (WED, WED + dt.timedelta(days=1)),
        (WED, WED + dt.timedelta(days=1), WED + dt.timedelta(days=2)),
    ],
)
@pytest.mark.parametrize("kind", ["day_before", "reminder"])
def test_pre_event_texts_fit_one_sms_as_sent(recipient, emergency, days, kind):
    """The whole text as the notifications app renders it: name, our text, opt-out line."""
    context = comms.pre_event_context(
        event=event_info(days, emergency),
        recipient=recipient,
        rate=D("1.2500"),
        utility=UTILITY,
        kind=kind,
        sent_on=WED - dt.timedelta(days=1),
    )
    topic = comms.PTR_SAME_DAY_REMINDER if kind == "reminder" else comms.PTR_PRE_EVENT
    rendered = message_render(
        topic=topic,
        channel="sms",
        language=recipient.language,
        context={**base_context(language=recipient.language), **context},
    )
    assert len(rendered.body_text) <= 160, rendered.body_text
    assert rendered.body_text.startswith("Prairie Valley Energy")


@pytest.mark.parametrize("name", ["PVE", "Prairie Valley Energy Electric Cooperative, Inc."])
def test_a_long_utility_name_leaves_less_room_for_the_text(name):
    utility = comms.UtilityInfo(name=name, short_name="X", support_phone="+1 800 555 0134")
    context = comms.pre_event_context(
        event=event_info((WED, WED + dt.timedelta(days=1)), emergency=True),
        recipient=SOFIA,
        rate=D("1.25"),
        utility=utility,
        kind="day_before",
        sent_on=WED - dt.timedelta(days=1),
    )
    whole = f"{name}: {context['sms_text']} Reply STOP to opt out, HELP for help"
    assert len(whole) <= 160


def test_pre_event_context_has_the_date_day_times_rate_and_tips():
    context = comms.pre_event_context(
        event=event_info(),
        recipient=ALEX,
        rate=D("1.2500"),
        utility=UTILITY,
        kind="day_before",
        sent_on=WED - dt.timedelta(days=1),
    )
    assert context["weekday"] == "Wednesday"
    assert context["date_text"] == "July 15"
    assert context["start_time"] == "4 p.m."
    assert context["end_time"] == "8 p.m."
    assert context["rate"] == "$1.25"
    assert context["when"] == "Tomorrow"
    assert context["headline"] == "Tomorrow: Peak Day on Wednesday, July 15, 4 p.m. to 8 p.m."
    assert len(context["tips"]) == 6
    assert "$1.25" in context["sms_text"]
    assert context["voice_script"].startswith("This is an alert from Prairie Valley Energy.")
    assert "+1 800 555 0134" in context["voice_script"]
    assert len(context["push_text"]) < 80
    assert context["account"] == "•••0000"


def test_multi_day_events_are_worded_as_such():
    days = (WED, WED + dt.timedelta(days=1), WED + dt.timedelta(days=2))
    context = comms.pre_event_context(
        event=event_info(days),
        recipient=ALEX,
        rate=D("1"),
        utility=UTILITY,
        kind="day_of",
        sent_on=WED,
    )
    assert context["days_text"] == "every day from Wednesday, July 15 to Friday, July 17"
    assert "Peak Days" in context["headline"]
    assert "are peak days" in context["voice_script"]
    two = comms.pre_event_context(
        event=event_info(days[:2]),
        recipient=ALEX,
        rate=D("1"),
        utility=UTILITY,
        kind="day_of",
        sent_on=WED,
    )
    assert two["days_text"] == "Wednesday, July 15 and Thursday, July 16"


def test_spanish_recipients_get_spanish_dates():
    context = comms.pre_event_context(
        event=event_info(),
        recipient=SOFIA,
        rate=D("1"),
        utility=UTILITY,
        kind="day_before",
        sent_on=WED - dt.timedelta(days=1),
    )
    assert context["weekday"] == "miércoles"
    assert "julio" in context["date_text"]
    assert context["when"] == "Mañana"
    assert context["headline"].startswith("Mañana: Día Pico el miércoles 15 de julio")
    assert len(context["sms_text"]) <= 160


def result_info(savings, rebate, **overrides):
    values = {
        "baseline_kwh": D("10"),
        "actual_kwh": D("10") - D(savings),
        "savings_kwh": D(savings),
        "rebate": D(rebate),
        "season_rebate": D("12.40"),
        "season_events": 3,
        "average_savings_kwh": D("1.5"),
        "average_rebate": D("1.50"),
        "compare": True,
    }
    values.update(overrides)
    return comms.ResultInfo(**values)


def test_post_event_context_reports_baseline_actual_savings_rebate_season_and_average():
    context = comms.post_event_context(
        event=event_info(), recipient=ALEX, result=result_info("2.5", "2.50"), utility=UTILITY
    )
    assert context["saved"] is True
    assert context["baseline_kwh"] == "10.0"
    assert context["actual_kwh"] == "7.5"
    assert context["rebate"] == "$2.50"
    assert context["season_rebate"] == "$12.40"
    assert context["headline"] == ("You saved 2.5 kWh on Wednesday, July 15 and earned $2.50.")
    assert context["comparison"] == "You saved more than the average participant (1.5 kWh)."
    assert len(context["sms_text"]) <= 160


@pytest.mark.parametrize("savings", ["0", "-1.2"])
def test_saving_nothing_gets_a_friendly_message_not_a_zero(savings):
    context = comms.post_event_context(
        event=event_info(), recipient=ALEX, result=result_info(savings, "0.00"), utility=UTILITY
    )
    assert context["saved"] is False
    assert context["rebate"] == ""
    assert "Thank you for taking part" in context["headline"]
    for text in (
        context["headline"],
        context["sms_text"],
        context["voice_script"],
        context["push_text"],
    ):
        assert "$0.00" not in text
        assert " 0.0 kWh" not in text
    assert context["tip"]


def test_simple_money_track_has_no_comparison():
    context = comms.post_event_context(
        event=event_info(),
        recipient=ALEX,
        result=result_info("2", "2.00", compare=False),
        utility=UTILITY,
    )
    assert context["comparison"] == ""


def test_planned_messages_carry_topic_key_and_channels():
    messages = comms.pre_event_messages(
        event=event_info(),
        kind="reminder",
        day=WED,
        recipients=[(ALEX, D("1.00")), (SOFIA, D("1.50"))],
        channels=["sms", "push"],
        utility=UTILITY,
        now=local(WED, 15),
        zone=CHICAGO,
    )
    assert [m.topic for m in messages] == ["ptr.same_day_reminder"] * 2
    assert messages[0].idempotency_key == "ptr:3:reminder:2026-07-15:customer:7"
    assert messages[1].context["rate"] == "$1.50"
    assert messages[0].channels == ("sms", "push")


# The dispatcher, through the notifications app ------------------------------------------


@pytest.fixture
def program():
    return PtrProgramFactory(default_track=TrackFactory(name="Standard", channels="email,sms"))


def held_event(program):
    return services.peak_event_schedule(
        program=program,
        start_date=WED,
        start_time=dt.time(16),
        end_time=dt.time(18),
        now=local(dt.date(2026, 7, 13), 10),
    )


def reachable(participant, *channels):
    """Register the customer's addresses (a verified mobile for texts and calls)."""
    customer = participant.customer
    key = f"customer:{customer.pk}"
    for channel in channels or ("email",):
        address = f"{customer.pk}@example.com" if channel == "email" else "+12175550100"
        contact_point_upsert(recipient_key=key, channel=channel, address=address, verified=True)
    return key


def sent(topic, **filters):
    return Message.objects.filter(topic=topic, **filters).exclude(status="suppressed")


@pytest.mark.django_db
def test_the_day_before_wave_goes_to_the_tracks_participants_once(program, outbox):
    standard = ParticipantFactory(program=program)
    voice_track = Track.objects.create(
        name="Voice", channels="voice", notify_day_before=False, same_day_reminder=True
    )
    by_phone = ParticipantFactory(program=program, track=voice_track)
    held = ParticipantFactory(program=program)
    EligibilityHoldFactory(
        customer=held.customer, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 1, 1)
    )
    standard_key = reachable(standard, "email", "sms")
    phone_key = reachable(by_phone, "email", "voice")
    reachable(held)
    event = held_event(program)
    assert event.communications.count() == 3  # standard: day before + reminder; voice: reminder

    counts = services.ptr_dispatch(now=local(dt.date(2026, 7, 14), 17, 1))
    assert counts["announced"] == 1
    assert counts["pre_event_messages"] == 1
    pre = sent("ptr.pre_event")
    assert set(pre.values_list("recipient_key", "channel")) == {
        (standard_key, "email"),
        (standard_key, "sms"),
    }
    email = pre.get(channel="email")
    assert email.idempotency_key == f"ptr:{event.pk}:day_before:2026-07-15:{standard_key}"
    assert "Wednesday, July 15 is a peak day" in email.body_text
    assert "earn a bill credit of $1.00" in email.body_text
    assert "- Charge your electric vehicle after the event ends." in email.body_text
    assert "<li>Cook with a microwave or outdoor grill instead of the oven.</li>" in email.body_html
    text = pre.get(channel="sms").body_text
    assert len(text) <= 160
    assert text.startswith("Prairie Valley Energy: Tomorrow: Peak Day on Wednesday, July 15")
    assert text.endswith("Reply STOP to opt out, HELP for help")
    event.refresh_from_db()
    assert event.status == EventStatus.NOTIFIED
    # The held customer is not a participant of this event.
    assert set(event.results.values_list("participant", flat=True)) == {standard.pk, by_phone.pk}

    services.ptr_dispatch(now=local(dt.date(2026, 7, 14), 17, 30))
    assert Message.objects.filter(topic="ptr.pre_event").count() == 2  # nothing sent twice

    # Reminders go by text and app by default; this customer asked for calls too.
    preference_set(
        recipient_key=phone_key, topic="ptr.same_day_reminder", channel="voice", enabled=True
    )
    services.ptr_dispatch(now=local(WED, 15, 1))
    reminders = sent("ptr.same_day_reminder")
    assert set(reminders.values_list("recipient_key", "channel")) == {
        (standard_key, "sms"),
        (phone_key, "voice"),
    }
    # The track narrows the channels; the customer's preferences decide within them.
    assert (
        Message.objects.get(
            topic="ptr.same_day_reminder", recipient_key=standard_key, channel="email"
        ).status
        == "suppressed"
    )
    call = reminders.get(channel="voice").body_text
    assert call.startswith("This is a reminder from Prairie Valley Energy.")
    assert call.endswith("To stop these calls, press 9 now.")


@pytest.mark.django_db
def test_a_wave_past_its_deadline_is_skipped_not_sent_late(program, outbox):
    reachable(ParticipantFactory(program=program))
    event = held_event(program)
    services.ptr_dispatch(now=local(WED, 15, 45))  # the system was down until now
    assert not Message.objects.exists()
    statuses = set(event.communications.values_list("status", "note"))
    assert statuses == {(CommunicationStatus.SKIPPED, "Past its deadline.")}
    event.refresh_from_db()
    assert event.status == EventStatus.NOTIFIED


@pytest.mark.django_db
def test_results_go_out_as_soon_as_participants_are_settled(
    program, outbox, django_capture_on_commit_callbacks
):
    saver = ParticipantFactory(program=program)
    spender = ParticipantFactory(program=program)
    silent_track = Track.objects.create(name="Quiet", channels="email", send_results=False)
    quiet = ParticipantFactory(program=program, track=silent_track)
    for participant, actual in ((saver, 1), (spender, 3), (quiet, 1)):
        reachable(participant)
        days = [dt.date(2026, 7, d) for d in (8, 9, 10, 13, 14)]
        write_days(participant.service_point, days, {16: 2, 17: 2})
        write_day(participant.service_point, WED, {16: actual, 17: actual})
    event = held_event(program)
    services.ptr_dispatch(now=local(dt.date(2026, 7, 14), 17, 1))
    services.ptr_dispatch(now=local(WED, 16, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.ptr_dispatch(now=local(WED, 18, 1))  # over: completed → settled → results

    event.refresh_from_db()
    assert event.status == EventStatus.SETTLED
    results = {m.recipient_key: m for m in sent("ptr.post_event", channel="email")}
    assert set(results) == {f"customer:{saver.customer.pk}", f"customer:{spender.customer.pk}"}
    good = results[f"customer:{saver.customer.pk}"]
    assert good.subject == "Your Peak Time Rebate results for Wednesday, July 15: $2.00 earned"
    assert "Your typical use for those hours (baseline): 4.0 kWh" in good.body_text
    assert "You saved: 2.0 kWh" in good.body_text
    assert "Your rebate: $2.00" in good.body_text
    assert "Your earnings this season: $2.00." in good.body_text
    # The average of the three settled participants: (2 + (−2) + 2) / 3 kWh.
    assert "You saved more than the average participant (0.7 kWh)." in good.body_text
    bad = results[f"customer:{spender.customer.pk}"]
    assert "no credit for this event, but every peak day is a new chance" in bad.body_text
    assert "$0.00" not in bad.body_text + bad.subject
    assert "Next time, try this:" in bad.body_text
    assert EventResult.objects.filter(event=event, notified_at__isnull=False).count() == 2
    assert EventResult.objects.get(participant=quiet).results_withheld
    assert len(outbox) == 2  # delivered by the locmem e-mail backend
    # Nothing is sent again.
    services.ptr_dispatch(now=local(WED, 19))
    assert Message.objects.filter(topic="ptr.post_event").count() == 4  # e-mail + (suppressed) text
    assert EventResult.objects.filter(status=ResultStatus.SETTLED).count() == 3
