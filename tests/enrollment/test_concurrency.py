"""Concurrent double submissions create one enrolment (PostgreSQL, real threads)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from enrollment.models import Cart, CartLine, Enrollment, Order
from enrollment.services import order_place
from tests.conftest import require_postgresql
from tests.factories import CustomerAccessFactory, ProductFactory
from tests.factories.enrollment import customer_with_login

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgresql("row locks and concurrent transactions")


def _race(calls):
    """Run the calls at the same moment in threads; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_household_members_racing_for_the_same_program_create_one_enrolment():
    """Four logins of one household order the same program at the same moment."""
    _owner, customer = customer_with_login()
    product = ProductFactory(fulfilment="staff_review")
    carts = []
    for _n in range(4):
        member = CustomerAccessFactory(customer=customer).user
        cart = Cart.objects.create(user=member)
        CartLine.objects.create(cart=cart, product=product)
        carts.append(cart)
    results = _race(
        [
            lambda c=cart: order_place(cart=c, customer=customer, user=c.user, terms_accepted=True)
            for cart in carts
        ]
    )
    orders = [r for r in results if isinstance(r, Order)]
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(orders) == 1, results
    assert len(errors) == 3, results
    assert Enrollment.objects.filter(product=product).count() == 1


def test_a_double_click_on_place_order_creates_one_order():
    user, customer = customer_with_login()
    cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=cart, product=ProductFactory())
    results = _race(
        [
            lambda: order_place(cart=cart, customer=customer, user=user, terms_accepted=True)
            for _n in range(3)
        ]
    )
    assert all(isinstance(r, Order) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Order.objects.count() == 1
    assert Enrollment.objects.count() == 1
