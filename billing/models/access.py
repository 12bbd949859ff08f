from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


class AccessRole(models.TextChoices):
    OWNER = "owner", _("Account holder")
    MEMBER = "member", _("Household member")


class CustomerAccess(TimeStampedModel):
    """Grants a login the web view of one customer at one premise.

    One login may hold several customer-premise combinations; one customer
    may be shared by a household. Every customer-facing selector is scoped
    through this table.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_accesses"
    )
    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.CASCADE, related_name="accesses"
    )
    role = models.CharField(_("role"), max_length=10, choices=AccessRole.choices)

    class Meta:
        verbose_name = _("web access")
        verbose_name_plural = _("web access")
        constraints = [
            models.UniqueConstraint(fields=["user", "customer"], name="customeraccess_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.customer}"
