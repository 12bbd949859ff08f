from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


class CustomerType(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")


class Customer(TimeStampedModel):
    """A person at a premise.

    The utility's `customer_id` is not unique on its own: the same person at
    two premises is two customers, two report recipients and two web users,
    and usage never aggregates across premises (seed 002, "Customer").
    """

    customer_id = models.CharField(_("customer ID"), max_length=64)
    premise = models.ForeignKey(
        "billing.Premise", on_delete=models.PROTECT, related_name="customers"
    )
    secondary_id = models.CharField(
        _("secondary ID"),
        max_length=64,
        blank=True,
        help_text=_("Shown to the customer instead of the customer ID when present."),
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    customer_type = models.CharField(
        _("customer type"),
        max_length=20,
        choices=CustomerType.choices,
        default=CustomerType.RESIDENTIAL,
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    email = models.EmailField(_("e-mail on file"), blank=True)
    phone = models.CharField(_("phone on file"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                fields=["customer_id", "premise"], name="customer_unique_per_premise"
            ),
        ]
        indexes = [
            models.Index(fields=["secondary_id"], name="customer_secondary_id_idx"),
            models.Index(fields=["last_name"], name="customer_last_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_id} · {self.name or '—'}"

    @property
    def display_id(self) -> str:
        """The identifier the customer knows, as printed on their bill."""
        return self.secondary_id or self.customer_id

    @property
    def masked_id(self) -> str:
        """The display id reduced to its last four characters, for messages."""
        return f"•••{self.display_id[-4:]}"

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)
