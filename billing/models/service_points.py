from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


class Fuel(models.TextChoices):
    ELECTRIC = "electric", _("Electric")
    GAS = "gas", _("Gas")
    WATER = "water", _("Water")


class MeterType(models.TextChoices):
    AMI = "ami", _("Smart meter (AMI)")
    AMR = "amr", _("Drive-by read (AMR)")
    MANUAL = "manual", _("Manual read")


class ServicePoint(TimeStampedModel):
    """An unchanging delivery location of one fuel at one premise.

    The meter may be replaced (`meter_id` changes); the service point ID must
    not, or its usage history is lost (seed 002, "Service Point"). Dual fuel
    is two service points at one premise.
    """

    service_point_id = models.CharField(_("service point ID"), max_length=64, unique=True)
    premise = models.ForeignKey(
        "billing.Premise", on_delete=models.PROTECT, related_name="service_points"
    )
    fuel = models.CharField(_("fuel"), max_length=10, choices=Fuel.choices)
    meter_id = models.CharField(_("meter ID"), max_length=64, blank=True)
    meter_type = models.CharField(
        _("meter type"), max_length=10, choices=MeterType.choices, default=MeterType.AMR
    )

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        indexes = [models.Index(fields=["meter_id"], name="servicepoint_meter_id_idx")]

    def __str__(self) -> str:
        return f"{self.service_point_id} ({self.get_fuel_display()})"

    @property
    def has_interval_data(self) -> bool:
        return self.meter_type == MeterType.AMI
