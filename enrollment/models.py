from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


class CartStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MERGED = "merged", _("Merged into another cart")
    ORDERED = "ordered", _("Ordered")


class Cart(TimeStampedModel):
    """A visitor's selection. Anonymous carts are found by a session token.

    The token, not the session key, identifies an anonymous cart: Django
    rotates the session key at login, and the cart must survive it to be
    merged into the login's own cart.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="carts",
    )
    token = models.CharField(_("session token"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=CartStatus.choices, default=CartStatus.OPEN
    )

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="open", user__isnull=False),
                name="cart_one_open_per_user",
            ),
            models.UniqueConstraint(
                fields=["token"],
                condition=Q(status="open", user__isnull=True),
                name="cart_one_open_per_token",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(token=""), name="cart_has_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Cart')} {self.pk} ({self.user or _('anonymous')})"


class CartLine(TimeStampedModel):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    bundle = models.ForeignKey(
        "catalog.Bundle", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False, bundle__isnull=True)
                | Q(product__isnull=True, bundle__isnull=False),
                name="cartline_product_or_bundle",
            ),
            models.UniqueConstraint(
                fields=["cart", "product"],
                condition=Q(product__isnull=False),
                name="cartline_unique_product",
            ),
            models.UniqueConstraint(
                fields=["cart", "bundle"],
                condition=Q(bundle__isnull=False),
                name="cartline_unique_bundle",
            ),
        ]

    def __str__(self) -> str:
        return str(self.product or self.bundle)

    @property
    def key(self) -> tuple[str, int]:
        return ("product", self.product_id) if self.product_id else ("bundle", self.bundle_id)

    @property
    def item(self):
        return self.product or self.bundle


class Order(TimeStampedModel):
    """What a customer placed at checkout: one enrolment line per program."""

    number = models.CharField(_("order number"), max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollment_orders"
    )
    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.PROTECT, related_name="enrollment_orders"
    )
    cart = models.OneToOneField(
        Cart, on_delete=models.SET_NULL, null=True, blank=True, related_name="order"
    )
    terms_accepted_at = models.DateTimeField(_("terms accepted at"))
    placed_at = models.DateTimeField(_("placed at"))

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("enrollment:order-detail", args=[self.number])


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Not approved")
    CANCELLED = "cancelled", _("Cancelled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = [Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED, Status.ACTIVE]


class Enrollment(TimeStampedModel):
    """One program at one premise, from request to active (or not)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="enrollments")
    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.PROTECT, related_name="enrollments"
    )
    premise = models.ForeignKey(
        "billing.Premise", on_delete=models.PROTECT, related_name="enrollments"
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="enrollments"
    )
    bundle = models.ForeignKey(
        "catalog.Bundle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrollments",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.SUBMITTED
    )
    status_changed_at = models.DateTimeField(_("status changed at"))
    fulfilment = models.CharField(_("fulfilment"), max_length=14)
    external_reference = models.CharField(_("reference from fulfilment"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at", "pk"]
        constraints = [
            # One open (submitted … active) enrolment per premise and program:
            # concurrent double submissions cannot both succeed.
            models.UniqueConstraint(
                fields=["premise", "product"],
                condition=Q(status__in=OPEN_STATUSES),
                name="enrollment_one_open_per_premise_product",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="enrollment_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "status_changed_at"], name="enrollment_status_idx"),
            models.Index(fields=["customer", "status"], name="enrollment_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order.number} · {self.product}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EnrollmentStatusChange(models.Model):
    """The timeline customers and staff both see."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(_("from"), max_length=14, blank=True)
    to_status = models.CharField(_("to"), max_length=14, choices=Status.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.CharField(_("actor"), max_length=10)  # customer | staff | system
    note = models.CharField(_("note to the customer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class ServiceOrderKind(models.TextChoices):
    REVIEW = "review", _("Staff review")
    FIELD = "field", _("Field work order")


class ServiceOrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ServiceOrder(TimeStampedModel):
    """Back-office work an enrolment needs: a review or a visit."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="service_order"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ServiceOrderKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ServiceOrderStatus.choices,
        default=ServiceOrderStatus.OPEN,
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number
