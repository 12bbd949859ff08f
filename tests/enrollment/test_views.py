"""The flow through the pages, and who may see and change what."""

import pytest
from django.test import Client
from django.urls import reverse

from enrollment.models import Cart, Enrollment, Order, Status
from enrollment.services import SESSION_MERGE_NOTES
from tests.factories import EligibilityRuleFactory, ProductFactory
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db


def _add(client, product, next_url=""):
    return client.post(reverse("enrollment:cart-add"), {"product": product.pk, "next": next_url})


def test_anonymous_visitor_fills_a_cart_then_checkout_asks_for_a_login(client):
    product = ProductFactory(name="Green Power")
    response = _add(client, product, next_url="/programs/")
    assert response.status_code == 302
    assert response["Location"] == "/programs/"
    page = client.get(reverse("enrollment:cart"))
    assert "Green Power" in page.text
    assert "Sign in to check out" in page.text
    response = client.get(reverse("enrollment:checkout"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/checkout/" in response["Location"]


def test_login_merges_the_anonymous_cart_with_a_visible_note(client):
    user, _customer = customer_with_login()
    saved = Cart.objects.create(user=user)
    saved.lines.create(product=ProductFactory(name="Budget billing"))
    _add(client, ProductFactory(name="Green Power"))
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "a-good-test-password"},
    )
    assert response.status_code == 302
    assert client.session[SESSION_MERGE_NOTES]
    page = client.get(reverse("enrollment:checkout"))
    assert "We updated your cart when you signed in" in page.text
    assert "Green Power was added from this visit." in page.text
    assert "Budget billing is still in your cart from before." in page.text
    assert SESSION_MERGE_NOTES not in client.session


def test_checkout_shows_eligibility_and_reasons_and_places_the_order(client):
    user, _customer = customer_with_login(meter_type="amr")
    ok = ProductFactory(name="Paperless")
    needs_ami = ProductFactory(name="Peak rebates")
    EligibilityRuleFactory(product=needs_ami, rule_type="has_ami_meter")
    client.force_login(user)
    _add(client, ok)
    _add(client, needs_ami)
    page = client.get(reverse("enrollment:checkout"))
    assert "You qualify" in page.text
    assert "It needs a smart meter at this address." in page.text
    assert page.context["review"].ready is False
    refused = client.post(
        reverse("enrollment:checkout"), {"action": "place", "terms_accepted": "on"}
    )
    assert refused.status_code == 400
    assert Order.objects.count() == 0

    line = Cart.objects.get(user=user).lines.get(product=needs_ami)
    client.post(reverse("enrollment:cart-line-remove", args=[line.pk]))
    no_terms = client.post(reverse("enrollment:checkout"), {"action": "place"})
    assert "Please accept the terms" in no_terms.text
    placed = client.post(
        reverse("enrollment:checkout"), {"action": "place", "terms_accepted": "on"}
    )
    order = Order.objects.get()
    assert placed.status_code == 302
    assert placed["Location"] == f"{order.get_absolute_url()}?placed=1"
    confirmation = client.get(placed["Location"])
    assert order.number in confirmation.text
    assert "Thank you" in confirmation.text
    assert "Active" in confirmation.text


def test_customer_follows_status_and_leaves_a_program(client):
    user, _customer = customer_with_login()
    client.force_login(user)
    _add(client, ProductFactory(name="Green Power"))
    client.post(reverse("enrollment:checkout"), {"action": "place", "terms_accepted": "on"})
    line = Enrollment.objects.get()
    listing = client.get(reverse("enrollment:order-list"))
    assert line.order.number in listing.text
    response = client.post(
        reverse("enrollment:enrollment-leave", args=[line.pk]), {"note": "Too pricey"}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == Status.WITHDRAWN
    page = client.get(line.order.get_absolute_url())
    assert "Withdrawn" in page.text
    assert "Too pricey" in page.text


def test_commercial_customer_sees_commercial_offers_only(client):
    user, _customer = customer_with_login(customer_type="commercial")
    ProductFactory(name="Home rebate", audience="residential")
    ProductFactory(name="Business lighting", audience="commercial")
    ProductFactory(name="Paperless", audience="all")
    client.force_login(user)
    page = client.get(reverse("catalog:index"))
    names = {e.item.name for e in page.context["entries"]}
    assert names == {"Business lighting", "Paperless"}


# --- nobody sees or changes another customer's cart, orders or enrolments ------


@pytest.fixture
def two_customers():
    alice, _alice_customer = customer_with_login()
    bob, _ = customer_with_login()
    product = ProductFactory()
    alice_client, bob_client = Client(), Client()
    alice_client.force_login(alice)
    bob_client.force_login(bob)
    _add(alice_client, product)
    alice_client.post(reverse("enrollment:checkout"), {"action": "place", "terms_accepted": "on"})
    _add(alice_client, ProductFactory())  # a new open cart
    return alice_client, bob_client, Enrollment.objects.get()


def test_another_login_gets_404_for_an_order(two_customers):
    _alice, bob, line = two_customers
    assert bob.get(line.order.get_absolute_url()).status_code == 404


def test_another_login_cannot_leave_someone_elses_enrolment(two_customers):
    _alice, bob, line = two_customers
    response = bob.post(reverse("enrollment:enrollment-leave", args=[line.pk]))
    assert response.status_code == 404
    line.refresh_from_db()
    assert line.status == Status.ACTIVE


def test_another_login_cannot_remove_lines_from_someone_elses_cart(two_customers):
    _alice, bob, _line = two_customers
    cart_line = Cart.objects.get(status="open").lines.get()
    response = bob.post(reverse("enrollment:cart-line-remove", args=[cart_line.pk]))
    assert response.status_code == 404
    assert Cart.objects.get(status="open").lines.count() == 1
    assert cart_line.product.name not in bob.get(reverse("enrollment:cart")).text


def test_order_list_shows_only_the_logins_orders(two_customers):
    _alice, bob, line = two_customers
    assert line.order.number not in bob.get(reverse("enrollment:order-list")).text


def test_anonymous_visitors_cannot_see_orders(client, two_customers):
    _alice, _bob, line = two_customers
    response = client.get(line.order.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("enrollment:cart-add", [], {"product": 1}),
        ("enrollment:cart-line-remove", [1], {}),
        ("enrollment:checkout", [], {"action": "place", "terms_accepted": "on"}),
        ("enrollment:enrollment-leave", [1], {}),
        ("segments:home-profile", [], {"owns_ev": "on"}),
    ],
)
def test_every_form_is_csrf_protected(name, args, data):
    user, _customer = customer_with_login()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse(name, args=args), data).status_code == 403


def test_bad_input_never_gives_a_500(client):
    assert client.post(reverse("enrollment:cart-add"), {"product": "abc"}).status_code == 302
    assert client.post(reverse("enrollment:cart-add"), {"product": 999999}).status_code == 302
    assert client.post(reverse("enrollment:cart-add"), {}).status_code == 302
    assert client.post(
        reverse("enrollment:cart-add"),
        {"product": ProductFactory().pk, "next": "https://evil.example/"},
    )["Location"] == reverse("enrollment:cart")
    assert client.post(reverse("enrollment:cart-line-remove", args=[12345])).status_code == 404
    assert client.get(reverse("enrollment:cart-add")).status_code == 405


# --- query counts stay bounded as the catalog grows ------------------------------


def _queries(client, url) -> tuple[int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the per-process caches (utility profile, login session)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def _grow_catalog(size):
    from tests.factories import BundleFactory

    for n in range(size):
        product = ProductFactory(is_featured=n % 5 == 0)
        EligibilityRuleFactory(product=product, rule_type="has_ami_meter")
    for _n in range(max(1, size // 5)):
        BundleFactory(products=[ProductFactory(), ProductFactory()])


def test_catalog_page_queries_do_not_grow_with_the_catalog(client, django_assert_max_num_queries):
    user, _customer = customer_with_login()
    client.force_login(user)
    _add(client, ProductFactory())
    client.get(reverse("catalog:index"))  # first visit records the login's session
    _grow_catalog(5)
    small, _ = _queries(client, reverse("catalog:index"))
    _grow_catalog(100)
    large, response = _queries(client, reverse("catalog:index"))
    assert len(response.context["entries"]) > 100
    with django_assert_max_num_queries(24):
        client.get(reverse("catalog:index"), {"q": "Program"})
    assert large == small
    assert large <= 24
    anonymous = Client()
    anon_small, _ = _queries(anonymous, reverse("catalog:index"))
    _grow_catalog(20)
    anon_large, _ = _queries(anonymous, reverse("catalog:index"))
    assert anon_large == anon_small <= 12


def test_order_page_queries_do_not_grow_with_the_order(client):
    counts = {}
    for lines in (2, 30):
        user, _customer = customer_with_login()
        client.force_login(user)
        for _n in range(lines):
            _add(client, ProductFactory(fulfilment="staff_review"))
        client.post(reverse("enrollment:checkout"), {"action": "place", "terms_accepted": "on"})
        order = Order.objects.get(user=user)
        counts[lines], response = _queries(client, order.get_absolute_url())
        assert len(response.context["lines"]) == lines
        counts[f"list{lines}"], _ = _queries(client, reverse("enrollment:order-list"))
    assert counts[2] == counts[30] <= 12  # the header (premise switcher, cart) costs a few
    assert counts["list2"] == counts["list30"] <= 12


def test_checkout_page_queries_do_not_grow_with_the_cart(client):
    counts = {}
    for lines in (2, 30):
        user, _customer = customer_with_login()
        client.force_login(user)
        for _n in range(lines):
            _add(client, ProductFactory())
        client.get(reverse("enrollment:checkout"))
        counts[lines], response = _queries(client, reverse("enrollment:checkout"))
        assert len(response.context["review"].lines) == lines
    assert counts[2] == counts[30] <= 25
