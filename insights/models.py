from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.periods import period_start


class NeighborComparison(models.Model):
    """One precomputed comparison of a service point's bill with similar homes.

    Written by `insights.services.neighbor_comparisons_refresh` (a command and
    a Celery task), never per page view. `customer` is the occupant the row was
    computed for, so a new occupant never sees the previous one's comparison.
    A row with fewer than the minimum neighbors records that the home could
    not be compared.
    """

    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.CASCADE, related_name="neighbor_comparisons"
    )
    service_point = models.ForeignKey(
        "billing.ServicePoint", on_delete=models.CASCADE, related_name="neighbor_comparisons"
    )
    fuel = models.CharField(_("fuel"), max_length=10)
    period_end = models.DateField(_("last day billed"))
    period_days = models.PositiveSmallIntegerField(_("days"))
    usage_per_day = models.DecimalField(_("use per day"), max_digits=12, decimal_places=2)
    neighbors = models.PositiveSmallIntegerField(_("neighbors compared"))
    average_per_day = models.DecimalField(
        _("all neighbors, per day"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    efficient_per_day = models.DecimalField(
        _("efficient neighbors, per day"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    scope = models.CharField(_("neighborhood"), max_length=8, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("neighbor comparison")
        verbose_name_plural = _("neighbor comparisons")
        constraints = [
            models.UniqueConstraint(
                fields=["service_point", "period_end"], name="neighborcomparison_unique_period"
            ),
            models.CheckConstraint(
                condition=(Q(average_per_day__isnull=True) & Q(efficient_per_day__isnull=True))
                | Q(efficient_per_day__lte=models.F("average_per_day")),
                name="neighborcomparison_efficient_not_above_average",
            ),
        ]
        indexes = [
            models.Index(
                fields=["customer", "service_point", "-period_end"],
                name="neighborcomp_customer_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_point_id} {self.period_end}: {self.neighbors} neighbors"

    @property
    def period_start(self):
        return period_start(self.period_end, self.period_days)

    @property
    def compared(self) -> bool:
        return self.average_per_day is not None and self.efficient_per_day is not None
