from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from billing.models import AccessRole, CustomerAccess, HouseholdInvitation
from tests.factories import CustomerAccessFactory, HouseholdInvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(client, home, email="partner@example.com"):
    client.force_login(home.user)
    return client.post(reverse("billing:household", args=[home.customer.pk]), {"email": email})


def test_owner_invites_a_member_by_email_and_they_join(
    client, home, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, home)
    assert response.status_code == 302
    invitation = HouseholdInvitation.objects.get()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["partner@example.com"]
    join_url = reverse("billing:join", args=[invitation.token])
    assert join_url in mail.outbox[0].body

    partner = UserFactory(email="partner@example.com")
    client.force_login(partner)
    assert home.customer.premise.street_address in client.get(join_url).text
    assert client.post(join_url).status_code == 302
    assert (
        CustomerAccess.objects.get(user=partner, customer=home.customer).role == AccessRole.MEMBER
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == partner
    assert client.get(reverse("home")).context["customer"] == home.customer


def test_an_invitation_only_works_for_the_invited_verified_address(client, home):
    _invite(client, home)
    invitation = HouseholdInvitation.objects.get()
    someone_else = UserFactory()
    client.force_login(someone_else)
    response = client.post(reverse("billing:join", args=[invitation.token]))
    assert "partner@example.com" in response.text
    assert not CustomerAccess.objects.filter(user=someone_else).exists()
    unverified = UserFactory(email="partner@example.com", verified=False)
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False)
    client.force_login(unverified)
    client.post(reverse("billing:join", args=[invitation.token]))
    assert not CustomerAccess.objects.filter(user=unverified).exists()


def test_expired_revoked_or_unknown_invitations_do_nothing(client, home):
    partner = UserFactory(email="partner@example.com")
    expired = HouseholdInvitationFactory(
        customer=home.customer,
        invited_by=home.user,
        email=partner.email,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    client.force_login(partner)
    for token in (expired.token, "not-a-token"):
        response = client.post(reverse("billing:join", args=[token]))
        assert "not valid anymore" in response.text
    assert not CustomerAccess.objects.filter(user=partner).exists()


def test_owner_cancels_an_invitation(client, home):
    invitation = HouseholdInvitationFactory(customer=home.customer, invited_by=home.user)
    client.force_login(home.user)
    url = reverse("billing:invitation-revoke", args=[home.customer.pk, invitation.pk])
    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_owner_removes_a_member_and_a_member_can_leave(client, home):
    member = UserFactory()
    access = CustomerAccessFactory(user=member, customer=home.customer, role=AccessRole.MEMBER)
    client.force_login(home.user)
    client.post(reverse("billing:member-remove", args=[home.customer.pk, access.pk]))
    assert not CustomerAccess.objects.filter(pk=access.pk).exists()

    access = CustomerAccessFactory(user=member, customer=home.customer, role=AccessRole.MEMBER)
    client.force_login(member)
    client.post(reverse("billing:member-remove", args=[home.customer.pk, access.pk]))
    assert not CustomerAccess.objects.filter(pk=access.pk).exists()


def test_members_cannot_invite_or_remove_others(client, home):
    member = UserFactory()
    CustomerAccessFactory(user=member, customer=home.customer, role=AccessRole.MEMBER)
    other = CustomerAccessFactory(customer=home.customer, role=AccessRole.MEMBER)
    owner_access = CustomerAccess.objects.get(user=home.user)
    client.force_login(member)
    page = client.get(reverse("billing:household", args=[home.customer.pk]))
    assert page.status_code == 200
    assert "Send invitation" not in page.text
    url = reverse("billing:household", args=[home.customer.pk])
    assert client.post(url, {"email": "x@example.com"}).status_code == 404
    for access in (other, owner_access):
        client.post(reverse("billing:member-remove", args=[home.customer.pk, access.pk]))
        assert CustomerAccess.objects.filter(pk=access.pk).exists()
    assert not HouseholdInvitation.objects.exists()


def test_the_owner_cannot_leave(client, home):
    owner_access = CustomerAccess.objects.get(user=home.user)
    client.force_login(home.user)
    client.post(reverse("billing:member-remove", args=[home.customer.pk, owner_access.pk]))
    assert CustomerAccess.objects.filter(pk=owner_access.pk).exists()


def test_inviting_someone_who_already_has_access_is_refused(client, home):
    response = _invite(client, home, email=home.user.email)
    assert response.status_code == 200
    assert "already has access" in response.text


def test_a_new_invitation_replaces_the_open_one(client, home):
    _invite(client, home)
    _invite(client, home)
    assert HouseholdInvitation.objects.filter(revoked_at__isnull=True).count() == 1
    assert HouseholdInvitation.objects.count() == 2
