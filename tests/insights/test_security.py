"""A second customer can reach none of the first customer's pages, charts,
CSV downloads or homes by changing ids in URLs: 404, never 403."""

from datetime import date

import pytest
from django.urls import reverse

from billing.models import Account, CustomerAccess
from billing.selectors import SESSION_CUSTOMER_KEY
from tests.factories import HouseholdInvitationFactory
from tests.homes import home_build
from tests.insights.test_views import CHART_KEYS

pytestmark = pytest.mark.django_db


def _first_customers_urls(home, invitation, access):
    pk = home.customer.pk
    gets = [
        reverse("insights:dashboard", args=[pk]),
        reverse("insights:smart-meter", args=[pk, "electric"]),
        reverse("billing:household", args=[pk]),
        *[reverse("insights:csv", args=[pk, key]) for key in CHART_KEYS],
    ]
    posts = [
        (reverse("billing:switch"), {"customer": pk}),
        (reverse("billing:household", args=[pk]), {"email": "x@example.com"}),
        (reverse("billing:invitation-revoke", args=[pk, invitation.pk]), {}),
        (reverse("billing:member-remove", args=[pk, access.pk]), {}),
    ]
    return gets, posts


@pytest.fixture
def two_homes(db):
    first = home_build()
    second = home_build()
    invitation = HouseholdInvitationFactory(customer=first.customer, invited_by=first.user)
    access = CustomerAccess.objects.get(user=first.user, customer=first.customer)
    return first, second, invitation, access


def test_a_second_customer_gets_404_on_every_url_of_the_first(client, two_homes):
    first, second, invitation, access = two_homes
    client.force_login(second.user)
    gets, posts = _first_customers_urls(first, invitation, access)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    # Nothing changed, and the switcher still shows the second customer's own home.
    assert CustomerAccess.objects.filter(pk=access.pk).exists()
    invitation.refresh_from_db()
    assert invitation.is_open
    response = client.get(reverse("home"))
    assert response.context["customer"] == second.customer
    assert first.customer.premise.street_address not in response.text


def test_a_forged_session_choice_falls_back_to_the_logins_own_home(client, two_homes):
    first, second, *_ = two_homes
    client.force_login(second.user)
    session = client.session
    session[SESSION_CUSTOMER_KEY] = first.customer.pk
    session.save()
    response = client.get(reverse("home"))
    assert response.context["customer"] == second.customer


def test_anonymous_visitors_are_sent_to_the_login(client, two_homes):
    first, _, invitation, access = two_homes
    gets, _posts = _first_customers_urls(first, invitation, access)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_an_inactive_account_gives_no_web_access(client, home):
    Account.objects.filter(customer=home.customer).update(inactive_date=date(2025, 1, 31))
    client.force_login(home.user)
    assert client.get(reverse("insights:dashboard", args=[home.customer.pk])).status_code == 404
    url = reverse("insights:csv", args=[home.customer.pk, "electric-usage"])
    assert client.get(url).status_code == 404
    response = client.get(reverse("home"))
    assert response.templates[0].name == "portal/home.html"


def test_the_previous_occupant_cannot_see_the_new_one(client, home):
    from tests.factories import CustomerAccessFactory, UserFactory

    old_login = UserFactory()
    CustomerAccessFactory(user=old_login, customer=home.previous)  # their accounts are closed
    client.force_login(old_login)
    assert client.get(reverse("insights:dashboard", args=[home.previous.pk])).status_code == 404
    assert client.get(reverse("insights:dashboard", args=[home.customer.pk])).status_code == 404


def test_nothing_adds_up_across_premises(client):
    from tests.factories import UserFactory

    user = UserFactory()
    first = home_build(user=user)
    second = home_build(user=user)
    client.force_login(user)
    one = client.get(reverse("insights:dashboard", args=[first.customer.pk])).context["dashboard"]
    two = client.get(reverse("insights:dashboard", args=[second.customer.pk])).context["dashboard"]
    assert one.customer != two.customer
    assert one.combined.rows == two.combined.rows  # same data, each on its own
    assert one.fuels[0].service.service_point == first.electric
    assert two.fuels[0].service.service_point == second.electric
