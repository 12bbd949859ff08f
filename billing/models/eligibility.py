from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


class Purpose(models.TextChoices):
    """What a customer may or may not receive (billing.eligibility)."""

    WEB = "web", _("Web access")
    COMMUNICATIONS = "communications", _("Communications")
    REPORTS = "reports", _("Reports")
    NEIGHBOR_COMPARISON = "neighbor_comparison", _("Neighbor comparison")


class HoldReason(models.TextChoices):
    USAGE_GAP = "usage_gap", _("Gap in billed usage")
    USAGE_OVERLAP = "usage_overlap", _("Overlap in billed usage")
    STAFF = "staff", _("Set by staff")


class EligibilityHold(TimeStampedModel):
    """A recorded reason a customer is ineligible for a purpose for a time.

    A gap or overlap between billing periods makes the customer at that
    premise ineligible for communications for two years from the gap (seed
    002, "Usage Gaps and Overlaps"). The importer records these; staff may
    add their own.
    """

    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.CASCADE, related_name="eligibility_holds"
    )
    purpose = models.CharField(_("purpose"), max_length=24, choices=Purpose.choices)
    reason = models.CharField(_("reason"), max_length=24, choices=HoldReason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (exclusive)"))
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("The file or person that set it.")
    )

    class Meta:
        verbose_name = _("eligibility hold")
        verbose_name_plural = _("eligibility holds")
        indexes = [
            models.Index(
                fields=["customer", "purpose", "ends_on"], name="hold_customer_purpose_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="hold_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["customer", "purpose", "reason", "starts_on"], name="hold_unique_reason_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_purpose_display()} ({self.get_reason_display()})"
