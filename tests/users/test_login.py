import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_signup_requires_email_verification(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-fine-password-1",
            "password2": "a-fine-password-1",
        },
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"] or "verify" in response["Location"]
    assert len(mail.outbox) == 1
    # Not signed in until the address is verified.
    assert client.get(reverse("home")).context["user"].is_authenticated is False


def _totp_now(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def test_staff_log_in_through_the_portal_login_with_their_second_factor(client):
    staff = StaffUserFactory(is_superuser=True)  # has a TOTP authenticator
    response = client.post(
        reverse("account_login"), {"login": staff.email, "password": "a-good-test-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in before the code: the admin sends them back to the login.
    assert client.get(reverse("admin:index")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": _totp_now("JBSWY3DPEHPK3PXP")})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_without_two_factor_are_sent_to_set_it_up_before_any_admin_page(client):
    staff = StaffUserFactory(is_superuser=True, mfa=False)
    client.force_login(staff)
    for url in (reverse("admin:index"), reverse("admin:billing_customer_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # The customer portal itself stays reachable.
    assert client.get(reverse("home")).status_code == 200


def test_customers_are_not_asked_for_two_factor(client):
    client.force_login(UserFactory())
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 403  # not staff; no MFA detour
