import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from billing.recipients import recipient_for_request
from notifications.models import ContactPoint
from tests.factories import AccountFactory, CustomerAccessFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_recipient_is_the_current_customer_with_contacts_on_file():
    user = UserFactory()
    customer = AccountFactory(
        customer__language="es", customer__email="ana@example.com", customer__phone="bad"
    ).customer
    CustomerAccessFactory(user=user, customer=customer)
    request = RequestFactory().get("/")
    request.user, request.session = user, SessionStore()
    recipient = recipient_for_request(request)
    assert recipient.key == f"customer:{customer.pk}"
    assert recipient.language == "es"
    assert list(ContactPoint.objects.values_list("channel", "address")) == [
        ("email", "ana@example.com")
    ]


def test_no_customer_no_recipient():
    request = RequestFactory().get("/")
    request.user, request.session = UserFactory(), SessionStore()
    assert recipient_for_request(request) is None


def test_registering_a_customer_follows_the_opt_outs():
    from billing.recipients import customer_contact_points_register
    from notifications.services import channel_opt_out

    customer = AccountFactory(
        customer__email="ana@example.com", customer__phone="2175550111"
    ).customer
    channel_opt_out(recipient_key=f"customer:{customer.pk}", channel="voice", source="staff")
    result = customer_contact_points_register(customer=customer)
    assert (result.created, result.opted_out) == (2, 1)
    assert set(ContactPoint.objects.values_list("channel", "address", "verified")) == {
        ("email", "ana@example.com", False),
        ("sms", "+12175550111", False),
    }
