from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ResultStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SETTLED = "settled", _("Settled")
    NOT_SETTLEABLE = "not_settleable", _("Cannot be settled")


class EventResult(models.Model):
    """One participant's part in one event: who was in it, then how they did.

    Rows are created (pending) when the event is announced; settlement fills
    them in. kWh are kept to 6 decimals (Opower's DECIMAL(12,6)); the rebate is
    rounded to cents once, from the unrounded savings.
    """

    event = models.ForeignKey("rebates.PeakEvent", on_delete=models.CASCADE, related_name="results")
    participant = models.ForeignKey(
        "rebates.Participant", on_delete=models.CASCADE, related_name="results"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ResultStatus.choices, default=ResultStatus.PENDING
    )
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    rate = models.DecimalField(_("rate ($/kWh)"), max_digits=7, decimal_places=4)
    baseline_kwh = models.DecimalField(
        _("baseline kWh"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    actual_kwh = models.DecimalField(
        _("actual kWh"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    savings_kwh = models.DecimalField(
        _("savings kWh"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    rebate = models.DecimalField(
        _("rebate ($)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # {"days": {event day: [baseline days used]}, "factors": {event day: "1.05"},
    #  "hours": [[event day, hour, baseline, actual], ...]} — for the chart and
    # for answering "why did I get this rebate?".
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("settlement attempts"), default=0)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    notified_at = models.DateTimeField(_("results sent"), null=True, blank=True)
    results_withheld = models.BooleanField(
        _("results not sent"),
        default=False,
        help_text=_("The track sends no results, or the customer could not be contacted."),
    )
    exported_at = models.DateTimeField(_("exported to billing"), null=True, blank=True)

    class Meta:
        verbose_name = _("event result")
        verbose_name_plural = _("event results")
        constraints = [
            models.UniqueConstraint(fields=["event", "participant"], name="eventresult_unique"),
            models.CheckConstraint(
                condition=Q(status__in=ResultStatus.values), name="eventresult_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(rebate__isnull=True) | Q(rebate__gte=0),
                name="eventresult_rebate_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="settled")
                | (
                    Q(baseline_kwh__isnull=False)
                    & Q(actual_kwh__isnull=False)
                    & Q(savings_kwh__isnull=False)
                    & Q(rebate__isnull=False)
                    & Q(settled_at__isnull=False)
                ),
                name="eventresult_settled_complete",
            ),
            models.CheckConstraint(
                condition=Q(status="settled") | ~Q(reason=""),
                name="eventresult_unsettled_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="eventresult_status_idx")]

    def __str__(self) -> str:
        return f"{self.event} · {self.participant_id}: {self.get_status_display()}"

    @property
    def saved(self) -> bool:
        return self.savings_kwh is not None and self.savings_kwh > 0


class SettlementAdjustment(models.Model):
    """A change to a result customers were already told about.

    Results that were communicated are never silently rewritten: corrected
    interval data produces one of these, with the figures before and after.
    """

    result = models.ForeignKey(EventResult, on_delete=models.CASCADE, related_name="adjustments")
    created_at = models.DateTimeField(_("created"))
    reason = models.CharField(_("reason"), max_length=200)
    previous_baseline_kwh = models.DecimalField(max_digits=14, decimal_places=6)
    previous_actual_kwh = models.DecimalField(max_digits=14, decimal_places=6)
    previous_savings_kwh = models.DecimalField(max_digits=14, decimal_places=6)
    previous_rebate = models.DecimalField(max_digits=10, decimal_places=2)
    baseline_kwh = models.DecimalField(max_digits=14, decimal_places=6)
    actual_kwh = models.DecimalField(max_digits=14, decimal_places=6)
    savings_kwh = models.DecimalField(max_digits=14, decimal_places=6)
    rebate = models.DecimalField(max_digits=10, decimal_places=2)
    savings_delta_kwh = models.DecimalField(
        _("savings change (kWh)"), max_digits=14, decimal_places=6
    )
    rebate_delta = models.DecimalField(_("rebate change ($)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("settlement adjustment")
        verbose_name_plural = _("settlement adjustments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rebate__gte=0) & Q(previous_rebate__gte=0),
                name="adjustment_rebates_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result}: {self.rebate_delta:+}"
