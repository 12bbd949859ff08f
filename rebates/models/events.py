from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    NOTIFIED = "notified", _("Customers notified")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SETTLED = "settled", _("Settled")
    CANCELLED = "cancelled", _("Cancelled")


UPCOMING_STATUSES = (EventStatus.SCHEDULED, EventStatus.NOTIFIED, EventStatus.IN_PROGRESS)
LIVE_STATUSES = (*UPCOMING_STATUSES, EventStatus.COMPLETED, EventStatus.SETTLED)


class EventKind(models.TextChoices):
    NORMAL = "normal", _("Normal")
    EMERGENCY = "emergency", _("Emergency")


class PeakEvent(TimeStampedModel):
    """A peak event: the same local hours on one day or on consecutive days.

    Dates and times are the utility's local clock; `starts_at` and `ends_at`
    (UTC) are derived from them when the event is scheduled.
    """

    program = models.ForeignKey(
        "rebates.PtrProgram", on_delete=models.PROTECT, related_name="events"
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"), help_text=_("Same as the first day for one day."))
    start_time = models.TimeField(_("start (local time)"))
    end_time = models.TimeField(_("end (local time)"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=EventKind.choices, default=EventKind.NORMAL
    )
    zone = models.CharField(
        _("zone"), max_length=40, blank=True, help_text=_("Blank: every participant.")
    )
    segment = models.ForeignKey(
        "segments.Segment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("segment"),
        help_text=_("Only participants in this customer segment (instead of a zone)."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    starts_at = models.DateTimeField(_("starts (UTC)"), editable=False)
    ends_at = models.DateTimeField(_("ends (UTC)"), editable=False)
    baseline_method = models.CharField(
        _("baseline method"),
        max_length=40,
        editable=False,
        help_text=_("The program's method when the event was called; later changes do not apply."),
    )
    baseline_params = models.JSONField(_("baseline parameters"), default=dict, editable=False)
    note = models.CharField(_("staff note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True, editable=False)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("peak event")
        verbose_name_plural = _("peak events")
        ordering = ["-start_date", "-start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="peakevent_days_order"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="peakevent_hours_order"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="peakevent_instants_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EventStatus.values), name="peakevent_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="peakevent_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(zone="") | Q(segment__isnull=True),
                name="peakevent_zone_or_segment",
            ),
        ]
        indexes = [models.Index(fields=["program", "status", "starts_at"], name="peakevent_idx")]

    def __str__(self) -> str:
        days = f"{self.start_date}" + (
            f"–{self.end_date}" if self.end_date != self.start_date else ""
        )
        return f"{days} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def days(self) -> list[dt.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=i) for i in range(count)]

    @property
    def is_multi_day(self) -> bool:
        return self.end_date != self.start_date

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The event's (start, end) on one of its days, as aware UTC datetimes."""
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        start = dt.datetime.combine(day, self.start_time, tzinfo=zone)
        end = dt.datetime.combine(day, self.end_time, tzinfo=zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    @property
    def windows(self) -> list[tuple[dt.datetime, dt.datetime]]:
        return [self.window(day) for day in self.days]

    @property
    def hours(self) -> tuple[int, ...]:
        """Local clock hours (hour beginning) the event covers each day."""
        return tuple(range(self.start_time.hour, self.end_time.hour))


class PeakEventStatusChange(models.Model):
    """One step of an event's status history (rebates.workflow)."""

    event = models.ForeignKey(PeakEvent, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=EventStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=EventStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("event status change")
        verbose_name_plural = _("event status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status} @ {self.at:%Y-%m-%d %H:%M}"
