import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.homes import home_build

pytestmark = pytest.mark.django_db


def test_the_header_switches_between_a_logins_homes(client):
    user = UserFactory()
    first = home_build(user=user)
    second = home_build(user=user)
    client.force_login(user)
    page = client.get(reverse("home"))
    assert page.context["customer"] == first.customer
    assert 'class="premise-switcher"' in page.text
    assert second.customer.premise.street_address in page.text
    response = client.post(reverse("billing:switch"), {"customer": second.customer.pk, "next": "/"})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["customer"] == second.customer


def test_switching_refuses_junk_and_off_site_redirects(client):
    user = UserFactory()
    home = home_build(user=user)
    client.force_login(user)
    assert client.post(reverse("billing:switch"), {"customer": "abc"}).status_code == 404
    response = client.post(
        reverse("billing:switch"), {"customer": home.customer.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")
    assert client.get(reverse("billing:switch")).status_code == 405


def test_homes_page_lists_each_home_with_the_role(client):
    user = UserFactory()
    home = home_build(user=user)
    client.force_login(user)
    text = client.get(reverse("billing:homes")).text
    assert home.customer.premise.street_address in text
    assert "Account holder" in text


def test_linking_pages_speak_spanish(client):
    client.force_login(UserFactory(language="es"))
    text = client.get(reverse("billing:claim")).text
    assert "Conecte su cuenta de servicios" in text
    assert "Código postal del servicio" in text
