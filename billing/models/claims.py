import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


class ClaimMethod(models.TextChoices):
    ZIP_AND_NAME = "zip_name", _("Service ZIP code and last name")
    LAST_BILL = "last_bill", _("Amount of the last bill")


class ClaimOutcome(models.TextChoices):
    LINKED = "linked", _("Linked")
    NO_MATCH = "no_match", _("No account with that number")
    SECOND_FACT = "second_fact", _("Second fact did not match")
    ALREADY_LINKED = "already_linked", _("Already linked to another login")
    RATE_LIMITED = "rate_limited", _("Refused: too many failed attempts")


class ClaimAttempt(models.Model):
    """Every attempt to link a login to a utility account, kept for audit.

    Failed attempts are also the rate limit: the claim service counts recent
    failures per login and per IP address before it looks anything up. The
    customer is never told which fact was wrong; staff see it here.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="claim_attempts",
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    identifier = models.CharField(_("number entered"), max_length=64)
    method = models.CharField(_("second fact"), max_length=10, choices=ClaimMethod.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ClaimOutcome.choices)
    customers_linked = models.PositiveSmallIntegerField(_("homes linked"), default=0)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("account claim attempt")
        verbose_name_plural = _("account claim attempts")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "outcome", "created_at"], name="claim_user_recent_idx"),
            models.Index(fields=["ip", "outcome", "created_at"], name="claim_ip_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="linked", customers_linked__gt=0)
                | (~Q(outcome="linked") & Q(customers_linked=0)),
                name="claimattempt_linked_has_homes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.identifier} · {self.get_outcome_display()}"

    @property
    def succeeded(self) -> bool:
        return self.outcome == ClaimOutcome.LINKED


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


class HouseholdInvitation(TimeStampedModel):
    """An account holder's invitation for another login to share a customer.

    Accepted by a signed-in login whose verified e-mail address is the one
    invited; the owner can revoke it until then (and remove the member after).
    """

    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.CASCADE, related_name="household_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent"
    )
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True, default=invitation_token, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("household invitation")
        verbose_name_plural = _("household invitations")
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address and customer.
            models.UniqueConstraint(
                "customer",
                models.functions.Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.customer}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
