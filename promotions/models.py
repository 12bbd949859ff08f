from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catalog.models import IMAGE_VALIDATORS, Audience, Illustration, PublishedQuerySet
from catalog.spots import CATALOG_TOP, CHECKOUT, ORDER_CONFIRMATION
from portal.db import TimeStampedModel


class Slot(models.TextChoices):
    CATALOG_TOP = CATALOG_TOP, _("Top of the catalog")
    CHECKOUT = CHECKOUT, _("Checkout")
    ORDER_CONFIRMATION = ORDER_CONFIRMATION, _("Order confirmation")


class Promotion(TimeStampedModel):
    """A message in a marketing spot, for a segment, optionally for a product.

    With *shown with* products it is a cross-sell: it appears only when the
    visitor has chosen (or just ordered) one of them, e.g. paperless billing
    promoted to whoever orders a rate change (seed 001, "Cross-Selling").
    """

    name = models.CharField(_("name (staff)"), max_length=120)
    slot = models.CharField(_("spot"), max_length=24, choices=Slot.choices)
    headline = models.CharField(_("headline"), max_length=120)
    body = models.TextField(_("text (Markdown)"), blank=True)
    image = models.ImageField(
        _("image"), upload_to="promotions/", blank=True, validators=IMAGE_VALIDATORS
    )
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    illustration = models.CharField(
        _("illustration"), max_length=20, choices=Illustration.choices, default=Illustration.LEAF
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="promotions",
        help_text=_("The program promoted: the spot offers to add it to the cart."),
    )
    link_url = models.CharField(
        _("link"),
        max_length=200,
        blank=True,
        help_text=_("A page of this site, e.g. /home-profile/"),
    )
    link_label = models.CharField(_("link text"), max_length=60, blank=True)
    segment = models.ForeignKey(
        "segments.Segment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="promotions",
        help_text=_("Empty: every visitor, signed in or not."),
    )
    audience = models.CharField(
        _("customer type"), max_length=12, choices=Audience.choices, default=Audience.ALL
    )
    shown_with = models.ManyToManyField(
        "catalog.Product",
        blank=True,
        related_name="cross_sells",
        verbose_name=_("shown with (cross-sell)"),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    withdraw_at = models.DateTimeField(_("withdraw at"), null=True, blank=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdraw_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(withdraw_at__gt=F("publish_at")),
                name="promotion_withdraw_after_publish",
            ),
            models.CheckConstraint(
                condition=Q(link_url="") | Q(link_url__startswith="/"),
                name="promotion_link_is_local",
            ),
        ]

    def __str__(self) -> str:
        return self.name
