from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


class CustomerProfile(TimeStampedModel):
    """What the utility knows about a customer beyond the billing data.

    Customers set the equipment flags themselves (the home profile page);
    only staff set the income-qualified flag (it follows a verification).
    The usage figures are computed from billed usage and AMI reads by
    ``customer_profiles_refresh_usage`` and are never typed in.
    """

    customer = models.OneToOneField(
        "billing.Customer", on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    owns_solar = models.BooleanField(_("has solar panels"), default=False)
    owns_ev = models.BooleanField(_("has an electric vehicle"), default=False)
    owns_agricultural_pump = models.BooleanField(_("has an agricultural pump"), default=False)
    income_qualified = models.BooleanField(
        _("income-qualified"),
        default=False,
        help_text=_("Set by staff after verifying income for assistance programs."),
    )
    income_verified_on = models.DateField(_("income verified on"), null=True, blank=True)
    yearly_kwh = models.DecimalField(
        _("electricity use, last 12 months (kWh)"),
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
    )
    summer_peak_share = models.DecimalField(
        _("summer peak share"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Share of summer electricity used on weekdays 2–7 p.m. (0–1), from AMI reads."),
    )
    usage_computed_at = models.DateTimeField(_("usage computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(summer_peak_share__isnull=True)
                | (Q(summer_peak_share__gte=Decimal(0)) & Q(summer_peak_share__lte=Decimal(1))),
                name="customerprofile_peak_share_0_1",
            ),
            models.CheckConstraint(
                condition=Q(income_verified_on__isnull=True) | Q(income_qualified=True),
                name="customerprofile_verified_only_if_qualified",
            ),
        ]

    def __str__(self) -> str:
        return str(self.customer)


class Match(models.TextChoices):
    ALL = "all", _("All conditions")
    ANY = "any", _("Any condition")


class Segment(TimeStampedModel):
    """A named group of customers defined by conditions staff choose.

    The meaning of each condition lives in code (``segments.conditions``);
    staff choose the type and its parameters. Membership is materialised by
    ``segment_refresh`` so catalog eligibility, recommendations and
    promotions read it with one indexed lookup.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    match = models.CharField(_("match"), max_length=3, choices=Match.choices, default=Match.ALL)
    is_active = models.BooleanField(_("active"), default=True)
    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, editable=False)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SegmentCondition(TimeStampedModel):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="conditions")
    condition_type = models.CharField(_("condition"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    negate = models.BooleanField(
        _("negate"), default=False, help_text=_("Match customers who do NOT meet the condition.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        from segments.conditions import condition_describe

        return condition_describe(self.condition_type, self.params, negate=self.negate)

    def clean(self) -> None:
        from segments.conditions import condition_params_clean

        self.params = condition_params_clean(self.condition_type, self.params)


class SegmentMembership(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.CASCADE, related_name="segment_memberships"
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("segment membership")
        verbose_name_plural = _("segment memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "customer"], name="segmentmembership_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "segment"], name="segmentmembership_customer_idx")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} ∈ {self.segment_id}"
