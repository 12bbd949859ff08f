from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel

CHANNELS = ("email", "sms", "voice", "push")
CHANNEL_CHOICES = [
    ("email", _("E-mail")),
    ("sms", _("Text message")),
    ("voice", _("Phone call")),
    ("push", _("App notification")),
]
WEEKDAY_CHOICES = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]
# Pre-event messages must be out this long before an event starts (and an
# event cannot be scheduled with less notice than this).
PRE_EVENT_DEADLINE = dt.timedelta(minutes=30)

channels_validator = RegexValidator(
    r"^((email|sms|voice|push)(,(email|sms|voice|push))*)?$",
    _("A comma-separated list of email, sms, voice, push."),
)
weekdays_validator = RegexValidator(
    r"^[0-6]{1,7}$", _("Digits 0 (Monday) to 6 (Sunday), e.g. 01234 for weekdays.")
)


class Participation(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic: every smart-meter customer on an eligible rate")
    OPT_IN = "opt_in", _("Opt-in: customers sign up")


class PostEventContent(models.TextChoices):
    SIMPLE_MONEY = "simple_money", _("Simple money: savings and rebate")
    MONEY_COMPARISON = "money_comparison", _("Money comparison: also the average participant")


class Track(TimeStampedModel):
    """A customer-experience variation: which messages a group of customers gets.

    Opower calls these tracks (domain-facts §3): the channels used, whether
    customers hear about an event the day before and/or on the day (with an
    optional same-day reminder), and what the results message contains.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    channels = models.CharField(
        _("channels"),
        max_length=40,
        default="email,sms",
        validators=[channels_validator],
        help_text=_("Channels this track uses; each customer's preferences narrow them."),
    )
    notify_day_before = models.BooleanField(_("notify the day before"), default=True)
    day_before_at = models.TimeField(
        _("day-before send time"), default=dt.time(17, 0), help_text=_("Utility local time.")
    )
    notify_day_of = models.BooleanField(_("notify on the day"), default=False)
    day_of_at = models.TimeField(
        _("day-of send time"),
        default=dt.time(9, 0),
        help_text=_(
            "Utility local time; moved earlier when needed so the notice goes out at least "
            "30 minutes before the start."
        ),
    )
    same_day_reminder = models.BooleanField(_("same-day reminder"), default=True)
    reminder_minutes_before = models.PositiveSmallIntegerField(
        _("reminder lead time (minutes)"),
        default=60,
        validators=[MinValueValidator(30)],
        help_text=_("At least 30 minutes before the start."),
    )
    send_results = models.BooleanField(_("send results after the event"), default=True)
    post_event_content = models.CharField(
        _("results content"),
        max_length=20,
        choices=PostEventContent.choices,
        default=PostEventContent.MONEY_COMPARISON,
    )

    class Meta:
        verbose_name = _("customer experience track")
        verbose_name_plural = _("customer experience tracks")
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_minutes_before__gte=30), name="track_reminder_30_minutes"
            ),
            models.CheckConstraint(
                condition=Q(post_event_content__in=PostEventContent.values),
                name="track_post_event_content_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]


class PtrProgram(TimeStampedModel):
    """A Peak Time Rebate program: how events are called, measured and paid."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(
        _("description for customers"), blank=True, help_text=_("Shown on the peak savings page.")
    )
    season_starts_on = models.DateField(_("season starts"))
    season_ends_on = models.DateField(_("season ends"), help_text=_("Inclusive."))

    rebate_per_kwh = models.DecimalField(
        _("rebate per kWh ($)"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    enabling_technology_rebate_per_kwh = models.DecimalField(
        _("rebate per kWh with enabling technology ($)"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("A higher rate for customers with a smart thermostat or similar device."),
    )

    earliest_start = models.TimeField(_("earliest event start"), default=dt.time(11, 0))
    latest_end = models.TimeField(_("latest event end"), default=dt.time(21, 0))
    max_event_hours = models.PositiveSmallIntegerField(_("longest event (hours)"), default=6)
    event_weekdays = models.CharField(
        _("days events may be called"),
        max_length=7,
        default="0123456",
        validators=[weekdays_validator],
    )
    max_events_per_season = models.PositiveSmallIntegerField(
        _("events per season (limit)"), null=True, blank=True
    )

    baseline_method = models.CharField(_("baseline method"), max_length=40)
    baseline_params = models.JSONField(_("baseline parameters"), default=dict, blank=True)
    baseline_lookback_days = models.PositiveSmallIntegerField(
        _("baseline look-back (days)"),
        default=45,
        validators=[MinValueValidator(7)],
        help_text=_("How far back similar days are searched."),
    )
    exclude_prior_event_days = models.BooleanField(
        _("exclude prior event days from baselines"), default=True
    )
    exclude_outage_days = models.BooleanField(_("exclude outage days from baselines"), default=True)

    participation = models.CharField(
        _("how customers take part"),
        max_length=12,
        choices=Participation.choices,
        default=Participation.AUTOMATIC,
    )
    eligible_rate_codes = models.ManyToManyField(
        "billing.RateCode",
        blank=True,
        related_name="ptr_programs",
        verbose_name=_("eligible rate codes"),
        help_text=_("Accounts on these rates take part (automatic) or may sign up (opt-in)."),
    )
    default_track = models.ForeignKey(
        Track,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("default customer experience track"),
    )

    class Meta:
        verbose_name = _("peak time rebate program")
        verbose_name_plural = _("peak time rebate programs")
        constraints = [
            models.CheckConstraint(
                condition=Q(season_ends_on__gt=F("season_starts_on")),
                name="ptrprogram_season_order",
            ),
            models.CheckConstraint(
                condition=Q(latest_end__gt=F("earliest_start")), name="ptrprogram_hours_order"
            ),
            models.CheckConstraint(
                condition=Q(rebate_per_kwh__gt=0), name="ptrprogram_rebate_positive"
            ),
            models.CheckConstraint(
                condition=Q(enabling_technology_rebate_per_kwh__isnull=True)
                | Q(enabling_technology_rebate_per_kwh__gte=F("rebate_per_kwh")),
                name="ptrprogram_enabling_rate_not_lower",
            ),
            models.CheckConstraint(
                condition=Q(participation__in=Participation.values),
                name="ptrprogram_participation_valid",
            ),
            models.CheckConstraint(
                condition=Q(max_event_hours__gte=1) & Q(max_event_hours__lte=24),
                name="ptrprogram_max_event_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from rebates.baselines import BaselineParamError, method_get

        errors = {}
        try:
            method = method_get(self.baseline_method)
        except KeyError:
            errors["baseline_method"] = _("Unknown baseline method.")
        else:
            try:
                self.baseline_params = method.params_clean(self.baseline_params or {})
            except BaselineParamError as exc:
                errors["baseline_params"] = str(exc)
        if (
            self.season_starts_on
            and self.season_ends_on
            and self.season_ends_on <= self.season_starts_on
        ):
            errors["season_ends_on"] = _("The season must end after it starts.")
        if self.earliest_start and self.latest_end and self.latest_end <= self.earliest_start:
            errors["latest_end"] = _("The latest end must be after the earliest start.")
        if (
            self.enabling_technology_rebate_per_kwh is not None
            and self.rebate_per_kwh is not None
            and self.enabling_technology_rebate_per_kwh < self.rebate_per_kwh
        ):
            errors["enabling_technology_rebate_per_kwh"] = _(
                "The enabling-technology rate cannot be lower than the standard rate."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def weekday_set(self) -> set[int]:
        return {int(d) for d in self.event_weekdays}

    def rate_for(self, *, enabling_technology: bool) -> Decimal:
        if enabling_technology and self.enabling_technology_rebate_per_kwh:
            return self.enabling_technology_rebate_per_kwh
        return self.rebate_per_kwh


class ExcludedDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    OUTAGE = "outage", _("Outage day")
    OTHER = "other", _("Other abnormal day")


class ExcludedDay(TimeStampedModel):
    """A day never used as a baseline day.

    Holidays count as weekend-like days: a weekday event never uses them, a
    weekend or holiday event compares with weekends and holidays (domain-facts
    §2, PG&E). Outage and other days are skipped by every event.
    """

    program = models.ForeignKey(PtrProgram, on_delete=models.CASCADE, related_name="excluded_days")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=10, choices=ExcludedDayKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("excluded day")
        verbose_name_plural = _("excluded days")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["program", "day"], name="excludedday_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=ExcludedDayKind.values), name="excludedday_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} ({self.get_kind_display()})"
