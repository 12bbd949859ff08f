import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

pytestmark = pytest.mark.django_db


def test_users_log_in_by_email_without_a_username():
    User = get_user_model()  # noqa: N806
    user = User.objects.create_user(email="Pat@Example.com", password="x-long-password")
    assert User.USERNAME_FIELD == "email"
    assert user.email == "Pat@example.com"
    assert not hasattr(user, "username") or user.username is None


def test_emails_are_unique_regardless_of_case():
    User = get_user_model()  # noqa: N806
    User.objects.create_user(email="pat@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="PAT@example.com")


def test_superusers_are_staff():
    user = get_user_model().objects.create_superuser(email="root@example.com", password="pw-123456")
    assert user.is_staff is True
    assert user.is_superuser is True
