"""Pre- and post-event messages, planned as pure data, delivered in one place.

Planning (who, which topic, what context, which idempotency key, when) is
pure and tested on its own; ``deliver`` is the only function that reaches
the notifications app (``notifications.services.notify_bulk``, see
NOTIFY_CONTRACT.md). The notifications app chooses channels from each
customer's preferences and consent (``channels=`` narrows them to the
track's) and renders a template per channel; the context carries what those
templates need, already formatted in the customer's language and the
utility's time zone, plus ready-made texts per channel:

- ``tips`` (the full list, for e-mail), ``sms_text`` (at most 160
  characters), ``voice_script`` (spoken), ``push_text`` (short);
- after the event: baseline vs actual, savings, the rebate, season-to-date
  earnings and, on a comparison track, the average participant — and a
  friendly message instead of a zero when the customer saved nothing.

The PTR templates of the notifications app use these keys (and `event_date`,
`event_day`, `rebate_rate`); they add the utility's name and the opt-out line
to `sms_text` and the "press 9" line to `voice_script`.

Timing (domain-facts §3): a day-before notice and/or a day-of notice per the
track, an optional same-day reminder, and never later than 30 minutes before
the start; results as soon as a participant is settled.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format, time_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from rebates.models import PRE_EVENT_DEADLINE, CommunicationKind

PTR_PRE_EVENT = "ptr.pre_event"
PTR_SAME_DAY_REMINDER = "ptr.same_day_reminder"
PTR_POST_EVENT = "ptr.post_event"

SMS_LIMIT = 160
MAX_TIPS = 6
# The notifications app's PTR text templates wrap `sms_text` as
# "<utility name>: <sms_text> <opt-out line>"; the opt-out line takes at most this.
SMS_OPT_OUT_ALLOWANCE = 40

# Tips to save during a peak event; e-mail gets them all, other channels one.
TIPS = [
    gettext_lazy("Pre-cool your home before the event, then raise the thermostat 3–4 degrees."),
    gettext_lazy("Run the dishwasher, washer and dryer before or after the event hours."),
    gettext_lazy("Unplug a second refrigerator or freezer if you can."),
    gettext_lazy("Turn off lights, fans and electronics in rooms no one is using."),
    gettext_lazy("Charge your electric vehicle after the event ends."),
    gettext_lazy("Cook with a microwave or outdoor grill instead of the oven."),
]


# Plain data the planners work on
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientInfo:
    customer_pk: int
    language: str
    name: str
    account_masked: str
    address: str

    @property
    def key(self) -> str:
        return f"customer:{self.customer_pk}"


@dataclass(frozen=True)
class EventInfo:
    pk: int
    days: tuple[dt.date, ...]
    start_time: dt.time
    end_time: dt.time
    emergency: bool = False

    @property
    def multi_day(self) -> bool:
        return len(self.days) > 1


@dataclass(frozen=True)
class UtilityInfo:
    name: str
    short_name: str
    support_phone: str


@dataclass(frozen=True)
class TrackTiming:
    notify_day_before: bool
    day_before_at: dt.time
    notify_day_of: bool
    day_of_at: dt.time
    same_day_reminder: bool
    reminder_minutes_before: int


@dataclass(frozen=True)
class WaveTime:
    kind: str
    day: dt.date
    due_at: dt.datetime
    deadline_at: dt.datetime


@dataclass(frozen=True)
class PlannedMessage:
    topic: str
    recipient: RecipientInfo
    context: dict
    batch_key: str
    channels: tuple[str, ...]
    send_after: dt.datetime

    @property
    def idempotency_key(self) -> str:
        # notify_bulk derives the same per-recipient key from the batch key.
        return f"{self.batch_key}:{self.recipient.key}"


# When
# ------------------------------------------------------------------------------


def wave_times(
    *,
    days: Sequence[dt.date],
    start_time: dt.time,
    track: TrackTiming,
    now: dt.datetime,
    zone: zoneinfo.ZoneInfo,
) -> list[WaveTime]:
    """When each pre-event wave of a track goes out (UTC), never after its deadline.

    The deadline is 30 minutes before the event starts that day. A notice
    whose time has already passed when the event is called goes out at once;
    a day-before notice is dropped when the event is called on its own day
    and the track has a day-of notice anyway. A reminder is dropped when
    another notice for the same day goes out less than an hour before it.
    """
    now = now.astimezone(dt.UTC)

    def at(day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)

    waves: list[WaveTime] = []
    first = days[0]
    first_deadline = at(first, start_time) - PRE_EVENT_DEADLINE

    def add(kind: str, day: dt.date, due: dt.datetime, deadline: dt.datetime) -> None:
        due = min(max(due, now), deadline)
        if now <= deadline:
            waves.append(WaveTime(kind, day, due, deadline))

    called_today = now.astimezone(zone).date() >= first
    if track.notify_day_before and not (called_today and track.notify_day_of):
        add(
            CommunicationKind.DAY_BEFORE,
            first,
            at(first - dt.timedelta(days=1), track.day_before_at),
            first_deadline,
        )
    if track.notify_day_of:
        add(CommunicationKind.DAY_OF, first, at(first, track.day_of_at), first_deadline)
    if track.same_day_reminder:
        for day in days:
            deadline = at(day, start_time) - PRE_EVENT_DEADLINE
            due = at(day, start_time) - dt.timedelta(minutes=track.reminder_minutes_before)
            due = min(max(due, now), deadline)
            crowded = any(
                w.day == day and abs(w.due_at - due) < dt.timedelta(hours=1) for w in waves
            )
            if not crowded:
                add(CommunicationKind.REMINDER, day, due, deadline)
    return waves


# What: formatting in the customer's language
# ------------------------------------------------------------------------------


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def kwh(amount: Decimal) -> str:
    return f"{amount:,.1f}"


def _day_text(day: dt.date) -> str:
    # Translators: a Django date format; Spanish "l j \d\e F" gives "miércoles 15 de julio".
    return date_format(day, pgettext("date format", "l, F j"))


def days_text(days: Sequence[dt.date]) -> str:
    """'Tuesday, July 14', '… and …' for two days, 'from … to …' for more."""
    if len(days) == 1:
        return _day_text(days[0])
    if len(days) == 2:
        return _("%(first)s and %(last)s") % {
            "first": _day_text(days[0]),
            "last": _day_text(days[1]),
        }
    return _("every day from %(first)s to %(last)s") % {
        "first": _day_text(days[0]),
        "last": _day_text(days[-1]),
    }


def when_text(first_day: dt.date, sent_on: dt.date) -> str:
    if first_day == sent_on:
        return _("Today")
    if first_day == sent_on + dt.timedelta(days=1):
        return _("Tomorrow")
    return _("Coming up")


def sentence(text: str) -> str:
    """End with a full stop, unless the text already does (times end in "p.m.")."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def sms_budget(utility: UtilityInfo) -> int:
    """Characters left for `sms_text` once the template adds the name and opt-out line."""
    return SMS_LIMIT - len(utility.name) - len(": ") - SMS_OPT_OUT_ALLOWANCE


def _fit_sms(candidates: Iterable[str], budget: int) -> str:
    """The first candidate that fits, so the whole text is one message (≤ 160)."""
    last = ""
    for text in candidates:
        last = text
        if len(text) <= budget:
            return text
    return last[: budget - 1] + "…"


def pre_event_context(
    *,
    event: EventInfo,
    recipient: RecipientInfo,
    rate: Decimal,
    utility: UtilityInfo,
    kind: str,
    sent_on: dt.date,
    day: dt.date | None = None,
) -> dict:
    """Everything the pre-event templates need, in the recipient's language.

    `day` is the event day a same-day reminder is about (multi-day events).
    """
    return {
        "customer_name": recipient.name,
        "account": recipient.account_masked,
        "premise_address": recipient.address,
        **{
            key: list(value) if isinstance(value, list) else value  # callers may edit theirs
            for key, value in _pre_event_shared(
                event, recipient.language, rate, utility, kind, sent_on, day
            ).items()
        },
    }


@lru_cache(maxsize=256)
def _pre_event_shared(
    event: EventInfo,
    language: str,
    rate: Decimal,
    utility: UtilityInfo,
    kind: str,
    sent_on: dt.date,
    day: dt.date | None = None,
) -> dict:
    """The part of the context every recipient with this language and rate shares.

    Cached: a wave to 100,000 customers formats a handful of variants, not one
    per customer.
    """
    with translation.override(language):
        first = event.days[0]
        when = when_text(first, sent_on)
        span = days_text(event.days)
        start, end = time_format(event.start_time), time_format(event.end_time)
        rate_text = money(rate)
        peak = _("Peak Days") if event.multi_day else _("Peak Day")
        if event.emergency:
            headline = _(
                "Emergency %(peak)s %(when)s (%(days)s, %(start)s to %(end)s): please use as "
                "little energy as you safely can"
            ) % {"peak": peak, "when": when.lower(), "days": span, "start": start, "end": end}
        else:
            headline = _("%(when)s: %(peak)s on %(days)s, %(start)s to %(end)s") % {
                "when": when,
                "peak": peak,
                "days": span,
                "start": start,
                "end": end,
            }
        headline = sentence(headline)
        earn = _("Use less energy then and earn %(rate)s for every kWh you save.") % {
            "rate": rate_text
        }
        tips = [str(t) for t in TIPS]
        sms_text = _fit_sms(
            [
                f"{headline} {earn} {tips[0]}",
                f"{headline} {earn}",
                f"{headline} " + _("Earn %(rate)s/kWh saved.") % {"rate": rate_text},
                headline,
                f"{when} {peak} {start}-{end}: "
                + _("save energy to earn %(rate)s/kWh.") % {"rate": rate_text},
                f"{when} {peak} {start}-{end}.",
            ],
            sms_budget(utility),
        )
        days_spoken = span
        voice_script = " ".join(
            [
                _("This is an alert from %(utility)s.") % {"utility": utility.name},
                _("%(when)s, %(days)s, is a peak day.") % {"when": when, "days": days_spoken}
                if not event.multi_day
                else _("%(days)s are peak days.") % {"days": days_spoken},
                _(
                    "From %(start)s to %(end)s, use less energy to earn %(rate)s for every "
                    "kilowatt-hour you save."
                )
                % {"start": start, "end": end, "rate": rate_text},
                tips[0],
                _("After the peak day is over, we will follow up with your results."),
                _("You may reach us at %(phone)s.") % {"phone": utility.support_phone},
            ]
        )
        push_text = _("%(when)s %(start)s–%(end)s: save energy, earn a bill credit.") % {
            "when": f"{when} · {peak}",
            "start": start,
            "end": end,
        }
        subject = (
            _("Reminder: %(peak)s today, %(start)s to %(end)s")
            % {"peak": peak, "start": start, "end": end}
            if kind == CommunicationKind.REMINDER
            else _("%(when)s is a %(peak)s: earn %(rate)s per kWh saved")
            % {"when": when, "peak": peak, "rate": rate_text}
        )
        return {
            "event_id": event.pk,
            "event_kind": "emergency" if event.emergency else "normal",
            "is_emergency": event.emergency,
            "is_multi_day": event.multi_day,
            "event_dates": [d.isoformat() for d in event.days],
            # The keys the notifications app's PTR templates use.
            "event_date": (_day_text(day) if kind == CommunicationKind.REMINDER and day else span),
            "event_day": when.lower(),
            "rebate_rate": rate_text,
            "weekday": date_format(first, "l"),
            "date_text": date_format(first, pgettext("date format", "F j")),
            "days_text": span,
            "when": when,
            "start_time": start,
            "end_time": end,
            "rate": rate_text,
            "subject": subject,
            "headline": headline,
            "body": earn,
            "tips": tips,
            # One key per tip: the e-mail templates stay on the fast renderer (no loops).
            **{f"tip_{n}": tip for n, tip in enumerate(tips[:MAX_TIPS], start=1)},
            "sms_text": sms_text,
            "voice_script": voice_script,
            "push_text": push_text,
            "utility_name": utility.name,
            "support_phone": utility.support_phone,
        }


@dataclass(frozen=True)
class ResultInfo:
    baseline_kwh: Decimal
    actual_kwh: Decimal
    savings_kwh: Decimal
    rebate: Decimal
    season_rebate: Decimal
    season_events: int
    average_savings_kwh: Decimal | None
    average_rebate: Decimal | None
    compare: bool


def post_event_context(
    *, event: EventInfo, recipient: RecipientInfo, result: ResultInfo, utility: UtilityInfo
) -> dict:
    """The results message: friendly, and never a bare zero."""
    with translation.override(recipient.language):
        span = days_text(event.days)
        saved = result.savings_kwh > 0 and result.rebate > 0
        if saved:
            headline = _("You saved %(kwh)s kWh on %(days)s and earned %(rebate)s.") % {
                "kwh": kwh(result.savings_kwh),
                "days": span,
                "rebate": money(result.rebate),
            }
        else:
            headline = _(
                "Thank you for taking part on %(days)s. Your use was close to or above your "
                "typical use this time, so there is no credit for this event, but every peak "
                "day is a new chance to earn one."
            ) % {"days": span}
        comparison = ""
        if result.compare and result.average_savings_kwh is not None:
            average = result.average_savings_kwh
            if result.savings_kwh > average:
                comparison = _("You saved more than the average participant (%(avg)s kWh).")
            elif result.savings_kwh < average:
                comparison = _(
                    "The average participant saved %(avg)s kWh: small changes add up next time."
                )
            else:
                comparison = _("You saved about as much as the average participant (%(avg)s kWh).")
            comparison = comparison % {"avg": kwh(average)}
        season = ""
        if result.season_rebate > 0:
            season = _("Your earnings this season: %(total)s.") % {
                "total": money(result.season_rebate)
            }
        tip = str(TIPS[0])
        sms_text = _fit_sms(
            [
                f"{headline} {season}".strip(),
                headline,
                (
                    _("You earned %(rebate)s on the peak day.") % {"rebate": money(result.rebate)}
                    if saved
                    else _("Thanks for joining the peak day. Next time is a new chance to earn.")
                ),
            ],
            sms_budget(utility),
        )
        voice_script = " ".join(
            part
            for part in [
                _("This is %(utility)s with your peak day results.") % {"utility": utility.name},
                headline,
                comparison,
                season,
                "" if saved else tip,
                _("You may reach us at %(phone)s.") % {"phone": utility.support_phone},
            ]
            if part
        )
        push_text = (
            _("You earned %(rebate)s on the peak day!") % {"rebate": money(result.rebate)}
            if saved
            else _("Thanks for joining the peak day. See your results.")
        )
        return {
            "customer_name": recipient.name,
            "account": recipient.account_masked,
            "premise_address": recipient.address,
            "event_id": event.pk,
            "event_dates": [d.isoformat() for d in event.days],
            "days_text": span,
            "event_date": span,
            "is_multi_day": event.multi_day,
            "start_time": time_format(event.start_time),
            "end_time": time_format(event.end_time),
            "saved": saved,
            "baseline_kwh": kwh(result.baseline_kwh),
            "actual_kwh": kwh(result.actual_kwh),
            "savings_kwh": kwh(result.savings_kwh),
            "rebate": money(result.rebate) if saved else "",
            "season_rebate": money(result.season_rebate),
            "season_events": result.season_events,
            "average_savings_kwh": (
                kwh(result.average_savings_kwh) if result.average_savings_kwh is not None else ""
            ),
            "average_rebate": (
                money(result.average_rebate) if result.average_rebate is not None else ""
            ),
            "subject": (
                _("You earned %(rebate)s on %(days)s")
                % {"rebate": money(result.rebate), "days": span}
                if saved
                else _("Your peak day results for %(days)s") % {"days": span}
            ),
            "headline": headline,
            "comparison": comparison,
            "season_text": season,
            "tip": "" if saved else tip,
            "sms_text": sms_text,
            "voice_script": voice_script,
            "push_text": push_text,
            "utility_name": utility.name,
            "support_phone": utility.support_phone,
        }


def pre_event_messages(
    *,
    event: EventInfo,
    kind: str,
    day: dt.date,
    recipients: Iterable[tuple[RecipientInfo, Decimal]],
    channels: Sequence[str],
    utility: UtilityInfo,
    now: dt.datetime,
    zone: zoneinfo.ZoneInfo,
) -> list[PlannedMessage]:
    topic = PTR_SAME_DAY_REMINDER if kind == CommunicationKind.REMINDER else PTR_PRE_EVENT
    batch_key = f"ptr:{event.pk}:{kind}:{day.isoformat()}"
    sent_on = now.astimezone(zone).date()
    return [
        PlannedMessage(
            topic=topic,
            recipient=recipient,
            context=pre_event_context(
                event=event,
                recipient=recipient,
                rate=rate,
                utility=utility,
                kind=kind,
                sent_on=sent_on,
                day=day,
            ),
            batch_key=batch_key,
            channels=tuple(channels),
            send_after=now,
        )
        for recipient, rate in recipients
    ]


def post_event_messages(
    *,
    event: EventInfo,
    results: Iterable[tuple[RecipientInfo, ResultInfo, Sequence[str]]],
    utility: UtilityInfo,
    now: dt.datetime,
) -> list[PlannedMessage]:
    return [
        PlannedMessage(
            topic=PTR_POST_EVENT,
            recipient=recipient,
            context=post_event_context(
                event=event, recipient=recipient, result=result, utility=utility
            ),
            batch_key=f"ptr:{event.pk}:results",
            channels=tuple(channels),
            send_after=now,
        )
        for recipient, result, channels in results
    ]


# Delivery: the one place that calls the notifications app
# ------------------------------------------------------------------------------


class NotificationsUnavailableError(RuntimeError):
    pass


def notifications_send(*, topic: str, items: list, batch_key: str, channels: Sequence[str]):
    """Hand one batch to notifications.services.notify_bulk (NOTIFY_CONTRACT.md)."""
    try:
        from notifications.recipients import Recipient
        from notifications.services import notify_bulk
    except ImportError as exc:  # the notifications app is not installed
        raise NotificationsUnavailableError(str(exc)) from exc
    return notify_bulk(
        topic=topic,
        items=[
            (
                Recipient(key=r.key, language=r.language, time_zone=None, name=r.name),
                context,
            )
            for r, context in items
        ],
        idempotency_key=batch_key,
        channels=list(channels) or None,
    )


def notifications_discard(*, topic: str, items: list, batch_key: str, channels: Sequence[str]):
    """A sender that drops messages (demo history, dry runs): REBATES_NOTIFY_SENDER."""


def deliver(messages: Sequence[PlannedMessage]) -> int:
    """Send planned messages, one notify_bulk call per batch, topic and channel set."""
    sender = import_string(
        getattr(settings, "REBATES_NOTIFY_SENDER", "rebates.communications.notifications_send")
    )
    batches: dict[tuple[str, str, tuple[str, ...]], list] = defaultdict(list)
    for message in messages:
        key = (message.topic, message.batch_key, message.channels)
        batches[key].append((message.recipient, message.context))
    for (topic, batch_key, channels), items in batches.items():
        sender(topic=topic, items=items, batch_key=batch_key, channels=channels)
    return len(messages)
