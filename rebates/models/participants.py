from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


def calendar_token_new() -> str:
    return secrets.token_urlsafe(24)


class ParticipantStatus(models.TextChoices):
    ACTIVE = "active", _("Taking part")
    EXCLUDED = "excluded", _("Excluded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EnrolledVia(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic (rate and smart meter)")
    WEB = "web", _("Peak savings page")
    ENROLLMENT = "enrollment", _("Program enrollment")
    STAFF = "staff", _("Staff")


class Participant(TimeStampedModel):
    """A customer at a premise, on one smart-metered service point, in a program.

    Usage counts only from the account's active date (a new occupant never
    inherits the previous one's history). When a customer becomes ineligible
    the row stays, with the reason, so staff can answer "why not me?".
    """

    program = models.ForeignKey(
        "rebates.PtrProgram", on_delete=models.CASCADE, related_name="participants"
    )
    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.PROTECT, related_name="ptr_participations"
    )
    service_point = models.ForeignKey(
        "billing.ServicePoint", on_delete=models.PROTECT, related_name="ptr_participations"
    )
    account = models.ForeignKey(
        "billing.Account", on_delete=models.PROTECT, related_name="ptr_participations"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ParticipantStatus.choices, default="active"
    )
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    enrolled_via = models.CharField(_("enrolled via"), max_length=12, choices=EnrolledVia.choices)
    enrolled_at = models.DateTimeField(_("enrolled"))
    enabling_technology = models.BooleanField(
        _("enabling technology"),
        default=False,
        help_text=_("Earns the program's higher rate (e.g. a smart thermostat)."),
    )
    zone = models.CharField(
        _("zone"),
        max_length=40,
        blank=True,
        help_text=_("Events can target one zone; defaults to the premise's 5-digit ZIP code."),
    )
    track = models.ForeignKey(
        "rebates.Track",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        help_text=_("Blank: the program's default track."),
    )
    calendar_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, default=calendar_token_new
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "customer", "service_point"], name="participant_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ParticipantStatus.values), name="participant_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="active") | ~Q(reason=""),
                name="participant_inactive_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["program", "status", "zone"], name="participant_zone_idx")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.service_point.service_point_id}"
