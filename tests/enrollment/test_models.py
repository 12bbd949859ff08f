import pytest
from django.db import IntegrityError, transaction

from enrollment.models import Cart
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_second_open_enrolment_for_a_premise_and_program():
    first = EnrollmentFactory(status="active")
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrollmentFactory(order__customer=first.customer, product=first.product)


def test_a_closed_enrolment_does_not_block_a_new_one():
    first = EnrollmentFactory(status="withdrawn")
    again = EnrollmentFactory(order__customer=first.customer, product=first.product)
    assert again.pk != first.pk


def test_one_open_cart_per_login_and_every_cart_has_an_owner():
    user = UserFactory()
    Cart.objects.create(user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cart.objects.create(user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cart.objects.create()
    Cart.objects.create(user=user, status="ordered")
