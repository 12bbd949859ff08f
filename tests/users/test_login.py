import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

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


def test_staff_log_in_through_the_portal_login(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    response = client.post(
        reverse("account_login"), {"login": staff.email, "password": "a-good-test-password"}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
