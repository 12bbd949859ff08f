from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


class RateCode(TimeStampedModel):
    """A tariff. Only allowlisted rates are eligible for communications.

    The allowlist excludes, for example, medical rates; a customer moved to a
    rate that is not allowlisted becomes ineligible for reports (seed 002,
    "Rate Changes").
    """

    code = models.CharField(_("rate code"), max_length=32, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_allowlisted = models.BooleanField(
        _("eligible for communications"),
        default=True,
        help_text=_("Customers on a rate that is not allowlisted receive no reports."),
    )
    exclusion_reason = models.CharField(
        _("reason for exclusion"),
        max_length=200,
        blank=True,
        help_text=_("Why the rate is not allowlisted, e.g. medical rate."),
    )
    is_net_metering = models.BooleanField(
        _("net metering"),
        default=False,
        help_text=_("Customers with significant self-generation (e.g. solar)."),
    )

    class Meta:
        verbose_name = _("rate code")
        verbose_name_plural = _("rate codes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_allowlisted=True) | ~Q(exclusion_reason=""),
                name="ratecode_exclusion_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class AccountQuerySet(models.QuerySet):
    def active(self):
        return self.filter(inactive_date__isnull=True)


class Account(TimeStampedModel):
    """Links one customer to one service point for a period.

    A null `inactive_date` means active; any value ends communications and web
    access. `active_date` never changes for an account: a more recent one on a
    service point starts a new account there (seed 002, "Account").
    """

    account_id = models.CharField(_("account ID"), max_length=64)
    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.PROTECT, related_name="accounts"
    )
    service_point = models.ForeignKey(
        "billing.ServicePoint", on_delete=models.PROTECT, related_name="accounts"
    )
    active_date = models.DateField(_("active date"))
    inactive_date = models.DateField(_("inactive date"), null=True, blank=True)
    rate_code = models.ForeignKey(
        "billing.RateCode", on_delete=models.PROTECT, related_name="accounts"
    )
    read_cycle = models.CharField(_("read cycle"), max_length=16, blank=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            # At most one active account per service point at any time.
            models.UniqueConstraint(
                fields=["service_point"],
                condition=Q(inactive_date__isnull=True),
                name="account_one_active_per_service_point",
            ),
            models.UniqueConstraint(
                fields=["service_point", "account_id", "active_date"],
                name="account_unique_period",
            ),
            models.CheckConstraint(
                condition=Q(inactive_date__isnull=True) | Q(inactive_date__gt=F("active_date")),
                name="account_inactive_after_active",
            ),
        ]
        indexes = [
            models.Index(fields=["account_id"], name="account_account_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.service_point.service_point_id}"

    @property
    def is_active(self) -> bool:
        return self.inactive_date is None
