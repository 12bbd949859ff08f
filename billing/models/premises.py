from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel

zip_code_validator = RegexValidator(
    r"^\d{5}(-\d{4})?$", _("Enter a 5-digit ZIP code or ZIP+4 such as 22209-1234.")
)
state_validator = RegexValidator(r"^[A-Z]{2}$", _("Enter a two-letter state code such as VA."))


class DwellingType(models.TextChoices):
    SINGLE_FAMILY = "single_family", _("Single-family home")
    TOWNHOUSE = "townhouse", _("Townhouse")
    MULTI_FAMILY = "multi_family", _("Apartment or condo")
    MOBILE_HOME = "mobile_home", _("Mobile home")
    UNKNOWN = "", _("Unknown")


class HeatingFuel(models.TextChoices):
    ELECTRIC = "electric", _("Electric")
    GAS = "gas", _("Natural gas")
    OIL = "oil", _("Heating oil")
    PROPANE = "propane", _("Propane")
    OTHER = "other", _("Other")
    UNKNOWN = "", _("Unknown")


class Premise(TimeStampedModel):
    """A physical, unchanging location where service is delivered.

    Each unit of a multi-family building is its own premise, and the
    identifier stays when occupants change (seed 002, "Premise").
    """

    premise_id = models.CharField(_("premise ID"), max_length=64, unique=True)
    house_number = models.CharField(_("house number"), max_length=20)
    street_name = models.CharField(
        _("street"), max_length=100, help_text=_("With direction and suffix, e.g. W 24th St NE.")
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=60)
    state = models.CharField(_("state"), max_length=2, validators=[state_validator])
    zip_code = models.CharField(_("ZIP code"), max_length=10, validators=[zip_code_validator])
    square_feet = models.PositiveIntegerField(
        _("square feet"),
        null=True,
        blank=True,
        help_text=_("Finished area; excludes garage, unfinished basement and porch."),
    )
    dwelling_type = models.CharField(
        _("dwelling type"), max_length=20, choices=DwellingType.choices, blank=True
    )
    heating_fuel = models.CharField(
        _("heating fuel"), max_length=20, choices=HeatingFuel.choices, blank=True
    )
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("premise")
        verbose_name_plural = _("premises")
        indexes = [models.Index(fields=["zip_code"], name="premise_zip_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(zip_code__regex=r"^[0-9]{5}(-[0-9]{4})?$"),
                name="premise_zip_code_format",
            ),
            models.CheckConstraint(
                condition=models.Q(square_feet__isnull=True) | models.Q(square_feet__gt=0),
                name="premise_square_feet_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.premise_id} · {self.street_address}"

    @property
    def street_address(self) -> str:
        address = f"{self.house_number} {self.street_name}"
        return f"{address}, {_('Unit')} {self.unit}" if self.unit else address

    @property
    def full_address(self) -> str:
        return f"{self.street_address}, {self.city}, {self.state} {self.zip_code}"
