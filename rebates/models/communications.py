from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CommunicationKind(models.TextChoices):
    DAY_BEFORE = "day_before", _("Day-before notice")
    DAY_OF = "day_of", _("Day-of notice")
    REMINDER = "reminder", _("Same-day reminder")


class CommunicationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")
    CANCELLED = "cancelled", _("Cancelled")


class EventCommunication(models.Model):
    """One wave of pre-event messages for one track, due at a given time.

    Rows are planned when an event is scheduled; the beat dispatcher picks
    due rows from here. A wave is never sent after its deadline (30 minutes
    before the event starts on that day).
    """

    event = models.ForeignKey(
        "rebates.PeakEvent", on_delete=models.CASCADE, related_name="communications"
    )
    track = models.ForeignKey("rebates.Track", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=CommunicationKind.choices)
    day = models.DateField(_("event day"))
    due_at = models.DateTimeField(_("due"))
    deadline_at = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommunicationStatus.choices,
        default=CommunicationStatus.PLANNED,
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("pre-event message wave")
        verbose_name_plural = _("pre-event message waves")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "track", "kind", "day"], name="eventcommunication_unique"
            ),
            models.CheckConstraint(
                condition=Q(due_at__lte=F("deadline_at")), name="eventcommunication_due_by_deadline"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CommunicationKind.values),
                name="eventcommunication_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CommunicationStatus.values),
                name="eventcommunication_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="eventcommunication_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.track} · {self.due_at:%Y-%m-%d %H:%M}"
