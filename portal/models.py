from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


def validate_time_zone(value: str) -> None:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value}) from exc


class UtilityProfile(TimeStampedModel):
    """Staff overrides of the deployment's `settings.UTILITY` values.

    There is at most one row; a blank field falls back to the setting. The time
    zone itself is `settings.TIME_ZONE`, fixed per deployment, because stored
    billing days and event windows depend on it.
    """

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    name = models.CharField(_("utility name"), max_length=120, blank=True)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    support_phone = models.CharField(_("support phone"), max_length=40, blank=True)
    support_email = models.EmailField(_("support e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    postal_address = models.CharField(_("postal address"), max_length=200, blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to="branding/",
        blank=True,
        # No SVG: an uploaded SVG can carry script when opened directly.
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
    )
    primary_color = models.CharField(
        _("primary colour"),
        max_length=7,
        blank=True,
        help_text=_("A hex colour such as #0b5d3b; keep 4.5:1 contrast against white."),
    )

    class Meta:
        verbose_name = _("utility profile")
        verbose_name_plural = _("utility profile")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(primary_color="")
                | models.Q(primary_color__regex=r"^#[0-9a-fA-F]{6}$"),
                name="utilityprofile_primary_color_hex",
            )
        ]

    def __str__(self) -> str:
        return self.name or str(_("Utility profile"))


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran a task against the database."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
