import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_saves_name_language_and_phone_and_switches_the_ui_language(client):
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.post(
        reverse("users:profile"),
        {"name": "Ana López", "language": "es", "phone": "+12175550134"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.language, str(user.phone)) == ("Ana López", "es", "+12175550134")
    assert response.cookies["django_language"].value == "es"
    page = client.get(reverse("users:profile"))
    assert page.context["LANGUAGE_CODE"] == "es"
    assert '<html lang="es">' in page.text


def test_profile_rejects_a_bad_phone_number_without_saving(client):
    user = UserFactory(name="Before")
    client.force_login(user)
    response = client.post(
        reverse("users:profile"), {"name": "After", "language": "en", "phone": "not a phone"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    user.refresh_from_db()
    assert user.name == "Before"


def test_profile_labels_are_visible_labels(client):
    client.force_login(UserFactory())
    text = client.get(reverse("users:profile")).text
    for field in ("name", "language", "phone"):
        assert f'<label for="id_{field}"' in text


def test_the_footer_language_switch_updates_the_profile(client):
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.post(reverse("users:language"), {"language": "es", "next": "/profile/"})
    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    user.refresh_from_db()
    assert user.language == "es"


def test_the_language_switch_never_redirects_off_site(client):
    response = client.post(
        reverse("users:language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")
    assert response.cookies["django_language"].value == "es"


def test_profile_needs_a_login(client):
    response = client.get(reverse("users:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_reset_does_not_reveal_whether_an_address_has_an_account(client):
    UserFactory(email="known@example.com")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.com"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_signup_with_a_taken_address_looks_like_a_new_signup(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("account_signup"),
        {
            "email": "taken@example.com",
            "password1": "a-fine-password-1",
            "password2": "a-fine-password-1",
        },
    )
    # Same answer as a fresh address (a verification page); the owner gets a notice.
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taken@example.com"]


def test_login_by_code_is_offered_and_sends_a_code(client):
    user = UserFactory(email="code@example.com")
    assert reverse("account_request_login_code") in client.get(reverse("account_login")).text
    response = client.post(reverse("account_request_login_code"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_failed_logins_are_rate_limited(client):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "a-good-test-password"}
    )
    # allauth's login_failed limit (5 per 5 minutes per account) holds even for the right password.
    assert response.status_code in (200, 429)
    assert not response.wsgi_request.user.is_authenticated


def test_session_list_offers_signing_out_other_devices(client):
    client.force_login(UserFactory())
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 200
