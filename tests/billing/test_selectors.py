from datetime import date

import pytest

from billing.selectors import customer_list_for_user
from tests.factories import AccountFactory, CustomerAccessFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_login_sees_only_customers_it_was_granted():
    mine = CustomerAccessFactory(customer=AccountFactory().customer)
    CustomerAccessFactory(customer=AccountFactory().customer)  # someone else's
    assert list(customer_list_for_user(user=mine.user)) == [mine.customer]


def test_a_customer_whose_accounts_are_all_inactive_has_no_web_access():
    account = AccountFactory(active_date=date(2020, 1, 1), inactive_date=date(2023, 1, 1))
    access = CustomerAccessFactory(customer=account.customer)
    assert list(customer_list_for_user(user=access.user)) == []


def test_anonymous_users_see_no_customers(rf):
    from django.contrib.auth.models import AnonymousUser

    assert list(customer_list_for_user(user=AnonymousUser())) == []


def test_one_login_may_hold_two_premises_of_the_same_customer_id():
    user = UserFactory()
    first = AccountFactory(customer__customer_id="C-1")
    second = AccountFactory(customer__customer_id="C-1")
    CustomerAccessFactory(user=user, customer=first.customer)
    CustomerAccessFactory(user=user, customer=second.customer)
    premises = {c.premise_id for c in customer_list_for_user(user=user)}
    assert premises == {first.customer.premise_id, second.customer.premise_id}
