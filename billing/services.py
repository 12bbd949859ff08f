"""Writes of the billing app that the web triggers: household sharing.

(Claims live in `billing.claims`; data-file imports are their own module.)
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import AccessRole, Customer, CustomerAccess, HouseholdInvitation

INVITATION_VALID_FOR = timedelta(days=14)


class HouseholdError(Exception):
    """A household action that cannot be done; the message is for the customer."""


def _is_owner(*, user, customer: Customer) -> bool:
    return CustomerAccess.objects.filter(
        user=user, customer=customer, role=AccessRole.OWNER
    ).exists()


@transaction.atomic
def household_invitation_create(
    *, customer: Customer, invited_by, email: str, accept_url_base: str
) -> HouseholdInvitation:
    """Invite `email` to share `customer`; replaces an open invitation to it.

    `accept_url_base` is the scheme and host the link in the e-mail uses.
    """
    if not _is_owner(user=invited_by, customer=customer):
        raise HouseholdError(_("Only the account holder can invite household members."))
    email = email.strip()
    if CustomerAccess.objects.filter(customer=customer, user__email__iexact=email).exists():
        raise HouseholdError(_("That person already has access to this home."))
    HouseholdInvitation.objects.filter(
        customer=customer, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = HouseholdInvitation.objects.create(
        customer=customer,
        invited_by=invited_by,
        email=email,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    url = accept_url_base + reverse("billing:join", args=[invitation.token])
    context = {
        "invitation": invitation,
        "inviter": invited_by.get_full_name() or invited_by.email,
        "address": customer.premise.street_address,
        "url": url,
    }
    transaction.on_commit(lambda: _invitation_send(invitation.email, context))
    return invitation


def _invitation_send(email: str, context: dict) -> None:
    from portal.utility import utility_get

    context = {**context, "utility": utility_get()}
    subject = render_to_string("billing/email/household_invitation_subject.txt", context)
    body = render_to_string("billing/email/household_invitation_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body,
        None,
        [email],
    )


@transaction.atomic
def household_invitation_accept(*, token: str, user) -> Customer:
    """Give `user` a member's access; their verified e-mail must be the one invited."""
    invalid = HouseholdError(
        _("This invitation is not valid anymore. Ask the account holder to send a new one.")
    )
    invitation = (
        HouseholdInvitation.objects.select_for_update()
        .select_related("customer")
        .filter(token=token)
        .first()
    )
    if invitation is None or not invitation.is_open or invitation.expires_at <= timezone.now():
        raise invalid
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()
    if not verified:
        raise HouseholdError(
            _("Sign in with the e-mail address the invitation was sent to (%(email)s).")
            % {"email": invitation.email}
        )
    CustomerAccess.objects.get_or_create(
        user=user, customer=invitation.customer, defaults={"role": AccessRole.MEMBER}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return invitation.customer


@transaction.atomic
def household_invitation_revoke(*, invitation: HouseholdInvitation, by) -> None:
    if not _is_owner(user=by, customer=invitation.customer):
        raise HouseholdError(_("Only the account holder can cancel invitations."))
    if invitation.is_open:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])


@transaction.atomic
def household_member_remove(*, access: CustomerAccess, by) -> None:
    """The account holder removes a member, or a member leaves."""
    if access.user_id == by.pk:
        if access.role == AccessRole.OWNER:
            raise HouseholdError(
                _("The account holder cannot leave; call us to transfer the account.")
            )
    elif not _is_owner(user=by, customer=access.customer) or access.role == AccessRole.OWNER:
        raise HouseholdError(_("Only the account holder can remove household members."))
    access.delete()
