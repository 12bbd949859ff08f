"""What the portal notifies people about, and through which channels.

Topic keys are part of the notify() contract (NOTIFY_CONTRACT.md): other apps
import the constants. Each topic lists the channels it may use, the channels
a recipient gets before choosing (`default_channels`) and a sample context
used to preview and test its templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")
    VOICE = "voice", _("Phone call")
    PUSH = "push", _("Browser notification")


ALL_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.VOICE, Channel.PUSH)
# Texts and calls wait for quiet hours to end (domain-facts §4).
QUIET_HOURS_CHANNELS = frozenset({Channel.SMS, Channel.VOICE})

PTR_PRE_EVENT = "ptr.pre_event"  # day before / day of
PTR_SAME_DAY_REMINDER = "ptr.same_day_reminder"
PTR_POST_EVENT = "ptr.post_event"  # results: baseline, actual, savings, rebate
BILL_READY = "billing.bill_ready"
OUTAGE = "outage.started"
OUTAGE_RESTORED = "outage.restored"
ENROLLMENT_STATUS = "enrollment.status"  # a program enrollment line changed status
ORDER_CONFIRMATION = "order.confirmation"  # an order was placed
STAFF_IMPORT_FAILED = "staff.import_failed"
# System topic: the double opt-in request ("Reply YES") sent to a new mobile
# number. The only message a number gets before it has said YES.
SMS_OPT_IN = "consent.sms_opt_in"

CUSTOMER = "customer"
STAFF = "staff"
SYSTEM = "system"

_EVENT = {
    "account": "•••4821",
    "premise_address": "1234 W Prairie View Rd, Springfield",
    "event_date": "Tuesday, July 14",
    "event_day": "tomorrow",
    "start_time": "2 p.m.",
    "end_time": "7 p.m.",
    "rebate_rate": "$1.25",
    # What rebates.communications adds (see docs/peak-time-rebates.md).
    "is_multi_day": False,
    "is_emergency": False,
    "tip_1": "Pre-cool your home before the event, then raise the thermostat 3–4 degrees.",
    "tip_2": "Run the dishwasher, washer and dryer before or after the event hours.",
    "tip_3": "Charge your electric vehicle after the event ends.",
    "sms_text": "Tomorrow: Peak Day on Tuesday, July 14, 2 p.m. to 7 p.m. Earn $1.25/kWh saved.",
    "voice_script": (
        "This is an alert from Prairie Valley Energy. Tomorrow, Tuesday, July 14, is a peak "
        "day. From 2 p.m. to 7 p.m., use less energy to earn $1.25 for every kilowatt-hour "
        "you save. You may reach us at +1 800 555 0134."
    ),
}
_RESULTS = {
    **_EVENT,
    "saved": True,
    "baseline_kwh": "14.2",
    "actual_kwh": "9.8",
    "savings_kwh": "4.4",
    "rebate": "$5.50",
    "tip": "",
    "comparison": "You saved more than the average participant (2.1 kWh).",
    "season_text": "Your earnings this season: $12.40.",
    "sms_text": "You saved 4.4 kWh on Tuesday, July 14 and earned $5.50.",
    "voice_script": (
        "This is Prairie Valley Energy with your peak day results. You saved 4.4 kWh on "
        "Tuesday, July 14 and earned $5.50. You may reach us at +1 800 555 0134."
    ),
}


@dataclass(frozen=True)
class Topic:
    key: str
    label: str | Promise
    description: str | Promise
    channels: tuple[str, ...]
    default_channels: tuple[str, ...]
    audience: str = CUSTOMER
    sample_context: dict = field(default_factory=dict)

    @property
    def customer_editable(self) -> bool:
        return self.audience == CUSTOMER


TOPICS: dict[str, Topic] = {
    t.key: t
    for t in (
        Topic(
            PTR_PRE_EVENT,
            _("Peak Time Rebate event alerts"),
            _("The day before or the morning of a peak event, with its hours."),
            ALL_CHANNELS,
            (Channel.EMAIL, Channel.SMS, Channel.PUSH),
            sample_context=_EVENT,
        ),
        Topic(
            PTR_SAME_DAY_REMINDER,
            _("Peak event same-day reminders"),
            _("A reminder on the day of a peak event."),
            ALL_CHANNELS,
            (Channel.SMS, Channel.PUSH),
            sample_context={**_EVENT, "event_day": "today"},
        ),
        Topic(
            PTR_POST_EVENT,
            _("Peak Time Rebate results"),
            _("How much you saved and earned after each peak event."),
            ALL_CHANNELS,
            (Channel.EMAIL, Channel.PUSH),
            sample_context=_RESULTS,
        ),
        Topic(
            BILL_READY,
            _("Bill ready"),
            _("When a new bill is ready to view."),
            (Channel.EMAIL, Channel.SMS, Channel.PUSH),
            (Channel.EMAIL,),
            sample_context={
                "account": "•••4821",
                "period_end": "July 31, 2026",
                "amount_due": "$123.45",
                "due_date": "August 3, 2026",
                "bill_url": "https://portal.example/bills/",
            },
        ),
        Topic(
            OUTAGE,
            _("Outage alerts"),
            _("When we know of an outage at your address."),
            ALL_CHANNELS,
            (Channel.EMAIL, Channel.SMS, Channel.PUSH),
            sample_context={
                "premise_address": "1234 W Prairie View Rd, Springfield",
                "started_at": "3:10 p.m.",
                "estimated_restoration": "6:30 p.m.",
            },
        ),
        Topic(
            OUTAGE_RESTORED,
            _("Power restored"),
            _("When power is back on at your address."),
            ALL_CHANNELS,
            (Channel.EMAIL, Channel.SMS, Channel.PUSH),
            sample_context={
                "premise_address": "1234 W Prairie View Rd, Springfield",
                "restored_at": "5:45 p.m.",
            },
        ),
        Topic(
            ENROLLMENT_STATUS,
            _("Program enrollment updates"),
            _("When an enrollment in a program changes status."),
            (Channel.EMAIL, Channel.SMS, Channel.PUSH),
            (Channel.EMAIL,),
            sample_context={
                "account": "•••4821",
                "program": "Peak Time Rebates",
                "status": "Enrolled",
                "order_number": "ORD-2026-000123",
                "order_url": "https://portal.example/orders/ORD-2026-000123/",
            },
        ),
        Topic(
            ORDER_CONFIRMATION,
            _("Order confirmations"),
            _("When you sign up for programs or rates."),
            (Channel.EMAIL, Channel.SMS, Channel.PUSH),
            (Channel.EMAIL,),
            sample_context={
                "account": "•••4821",
                "order_number": "ORD-2026-000123",
                "items": "Peak Time Rebates; Smart Thermostat Rewards",
                "order_url": "https://portal.example/orders/ORD-2026-000123/",
            },
        ),
        Topic(
            STAFF_IMPORT_FAILED,
            _("Data import failed"),
            _("A utility data file could not be imported."),
            (Channel.EMAIL,),
            (Channel.EMAIL,),
            audience=STAFF,
            sample_context={
                "file_name": "opwr_pve_res_v1-19-0_full_20260714120000.gz",
                "kind": "Billing data file",
                "status": "rejected",
                "error": "1,204 of 48,210 rows (2.50%) were rejected, more than the 1.00% allowed",
                "rows": "48,210",
                "rejected": "1,204",
                "url": "https://portal.example/admin/",
            },
        ),
        Topic(
            SMS_OPT_IN,
            _("Text message sign-up confirmation"),
            _("Asks a new mobile number to reply YES."),
            (Channel.SMS,),
            (Channel.SMS,),
            audience=SYSTEM,
        ),
    )
}


def topic_get(key: str) -> Topic:
    try:
        return TOPICS[key]
    except KeyError:
        raise ValueError(f"unknown notification topic {key!r}") from None


def customer_topics() -> list[Topic]:
    return [t for t in TOPICS.values() if t.customer_editable]
